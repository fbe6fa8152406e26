"""URL canonicalization: one spelling per document."""
from __future__ import annotations

import pytest

from pipeline.harvest.urls import canonicalize, host_key, looks_like_attachment, source_hosts


@pytest.mark.parametrize("raw, canonical", [
    ("HTTPS://BaoLaoCai.vn/chuyen-doi-so-post884951.html#comments", "https://baolaocai.vn/chuyen-doi-so-post884951.html"),
    ("https://baolaocai.vn:443/a?utm_source=zalo&utm_medium=social&zarsrc=30", "https://baolaocai.vn/a"),
    ("http://laocai.gov.vn:80", "http://laocai.gov.vn/"),
    ("https://x.vn/tin?page=2&cat=5&fbclid=abc", "https://x.vn/tin?cat=5&page=2"),
    ("https://x.vn/%7euser/a%2fb", "https://x.vn/~user/a/b"),
    ("https://x.vn/ti%E1%BA%BFng-vi%E1%BB%87t", "https://x.vn/ti%E1%BA%BFng-vi%E1%BB%87t"),
    ("https://x.vn/tiếng-việt", "https://x.vn/ti%E1%BA%BFng-vi%E1%BB%87t"),
    ("https://x.vn/search?q=chuy%E1%BB%83n+%C4%91%E1%BB%95i", "https://x.vn/search?q=chuy%E1%BB%83n%20%C4%91%E1%BB%95i"),
    ("http://127.0.0.1:8080/a", "http://127.0.0.1:8080/a"),
])
def test_canonical_forms(raw, canonical):
    assert canonicalize(raw) == canonical
    assert canonicalize(canonical) == canonical  # idempotent


def test_relative_links_resolve_against_the_page():
    assert canonicalize("../tin/b-post2.html", "https://x.vn/chuyen-muc/a/") == "https://x.vn/chuyen-muc/tin/b-post2.html"
    assert canonicalize("//cdn.x.vn/f.pdf", "https://x.vn/a") == "https://cdn.x.vn/f.pdf"


@pytest.mark.parametrize("raw", ["mailto:toa-soan@x.vn", "javascript:void(0)", "ftp://x.vn/f", "file:///etc/passwd",
                                 "http://", "https://[::1"])
def test_not_crawlable(raw):
    assert canonicalize(raw) is None


def test_tracking_variants_collapse():
    variants = ["https://x.vn/a-post1.html", "https://x.vn/a-post1.html?utm_campaign=cds#top",
                "https://X.VN/a-post1.html?gidzl=abc", "https://x.vn:443/a-post1.html"]
    assert len({canonicalize(v) for v in variants}) == 1


def test_host_keys_and_allowlist():
    assert host_key("http://127.0.0.1:8001/a") == "127.0.0.1:8001"
    assert host_key("https://baolaocai.vn/a") == "baolaocai.vn"
    assert source_hosts(["https://laocai.gov.vn/tin-tuc"]) == {"laocai.gov.vn", "www.laocai.gov.vn"}


def test_attachments():
    assert looks_like_attachment("https://x.vn/uploads/QD-123.PDF")
    assert looks_like_attachment("https://x.vn/f/ke-hoach.docx")
    assert not looks_like_attachment("https://x.vn/pdf-viewer.html")
