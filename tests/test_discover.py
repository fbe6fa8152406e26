"""Discovery: listing links, RSS/Atom, sitemaps (index, gzip, lastmod), classification, the
keyword filter, and the real sources.yaml."""
from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from pipeline.config import load_sources
from pipeline.harvest.discover import (attachment_urls, classify, feed_links, inflate_gzip, listing_links,
                                       sitemap_links)
from pipeline.harvest.urls import canonicalize
from pipeline.models import SourceConfig
from pipeline.process import on_topic

BASE = "https://baolaocai.vn/chuyen-doi-so"


def test_listing_links_resolve_canonicalize_and_dedupe():
    html = b"""<html><head><base href="https://baolaocai.vn/"></head><body>
      <a href="a-post1.html">A</a> <a href="/a-post1.html?utm_source=fb#c">A again</a>
      <a href="javascript:void(0)">x</a> <a href="mailto:bbt@baolaocai.vn">mail</a>
      <a href="chuyen-doi-so?page=2">2</a> <a href="https://facebook.com/share?u=1">fb</a></body></html>"""
    assert listing_links(html, BASE) == ["https://baolaocai.vn/a-post1.html",
                                         "https://baolaocai.vn/chuyen-doi-so?page=2",
                                         "https://facebook.com/share?u=1"]
    assert listing_links(b"", BASE) == []


def test_rss_and_atom_feeds():
    rss = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Chuyển đổi số</title>
      <item><title>Lào Cai</title><link>https://baolaocai.vn/lao-cai-post884951.html?utm_medium=rss</link>
      <pubDate>Tue, 21 Oct 2025 13:38:00 +0700</pubDate></item>
      <item><title>guid only</title><guid>https://baolaocai.vn/b-post2.html</guid></item></channel></rss>""".encode()
    links = feed_links(rss, BASE)
    assert [(l.url, l.lastmod) for l in links] == [
        ("https://baolaocai.vn/lao-cai-post884951.html", "Tue, 21 Oct 2025 13:38:00 +0700"),
        ("https://baolaocai.vn/b-post2.html", None)]
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>x</title>
      <link rel="enclosure" href="https://x.vn/a.mp3"/><link href="https://x.vn/a-post3.html"/>
      <updated>2025-10-21T08:30:00+07:00</updated></entry></feed>"""
    assert [(l.url, l.lastmod) for l in feed_links(atom, BASE)] == [("https://x.vn/a-post3.html",
                                                                    "2025-10-21T08:30:00+07:00")]


def test_hostile_xml_is_refused():
    bomb = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
      <rss><channel><item><link>&lol2;</link></item></channel></rss>"""
    assert feed_links(bomb, BASE) == []
    external = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
      <urlset><url><loc>&x;</loc></url></urlset>"""
    assert sitemap_links(external, BASE) is None
    assert feed_links(b"not xml at all", BASE) == []


def test_sitemap_index_and_gzip_urlset():
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://x.vn/sitemap-news.xml.gz</loc><lastmod>2025-10-21</lastmod></sitemap></sitemapindex>"""
    sm = sitemap_links(index, "https://x.vn/sitemap.xml")
    assert sm.is_index and [(l.url, l.lastmod) for l in sm.links] == [("https://x.vn/sitemap-news.xml.gz", "2025-10-21")]
    urlset = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc> https://x.vn/a-post1.html </loc><lastmod>2025-10-21T10:00:00+07:00</lastmod></url>
      <url><loc>https://x.vn/b-post2.html</loc></url></urlset>"""
    sm = sitemap_links(gzip.compress(urlset), "https://x.vn/sitemap-news.xml.gz")
    assert not sm.is_index
    assert [(l.url, l.lastmod) for l in sm.links] == [("https://x.vn/a-post1.html", "2025-10-21T10:00:00+07:00"),
                                                      ("https://x.vn/b-post2.html", None)]
    assert sitemap_links(b"<html><body>not a sitemap</body></html>", BASE) is None


def test_gzip_sitemap_bomb_is_cut():
    assert inflate_gzip(gzip.compress(b"\0" * 2_000_000), limit=1_000_000) is None
    assert inflate_gzip(gzip.compress(b"abc"), limit=10) == b"abc"


def test_classify_and_attachments():
    src = SourceConfig(name="s", start_urls=[BASE], allow=[r"-post\d+\.html$"], follow=[r"chuyen-doi-so\?page=\d+$"])
    assert classify(src, "https://baolaocai.vn/a-post1.html") == "document"
    assert classify(src, "https://baolaocai.vn/chuyen-doi-so?page=3") == "listing"
    assert classify(src, "https://baolaocai.vn/lien-he") is None
    assert attachment_urls(["/uploads/qd-1.pdf", "https://x.vn/a.html", "/uploads/qd-1.pdf#page=2"],
                           "https://laocai.gov.vn/tin/a") == ["https://laocai.gov.vn/uploads/qd-1.pdf"]


def test_keyword_filter_is_spelling_and_case_blind():
    src = SourceConfig(name="s", start_urls=[BASE], allow=["."], keywords=["chuyển đổi số", "DTI"])
    assert on_topic(src, "CHUYỂN ĐỔI SỐ ở vùng cao", "")
    # decomposed (NFD) text as some CMSs store it still matches
    import unicodedata
    assert on_topic(src, "", unicodedata.normalize("NFD", "Tỉnh đẩy mạnh chuyển đổi số"))
    assert on_topic(src, "", "Chỉ số dti năm 2024")
    assert not on_topic(src, "Vụ lúa mùa", "Năng suất đạt 60 tạ/ha.")
    assert on_topic(SourceConfig(name="t", start_urls=[BASE], allow=["."]), "Vụ lúa", "")


# -- the real sources.yaml ------------------------------------------------------------------------
# The real addresses each pattern is checked against live in sources.yaml (`examples:`) and are
# tested by tests/test_sources_check.py through `sources check`.

SOURCES_YAML = Path(__file__).resolve().parents[1] / "sources.yaml"


@pytest.fixture(scope="module")
def real_sources():
    return load_sources(SOURCES_YAML)


def test_real_sources_yaml_loads_and_is_polite(real_sources):
    s = real_sources.settings
    assert "http" in s.user_agent and s.allow_hosts == []
    for src in real_sources.sources:
        assert src.delay >= 1
        if src.name.endswith("-portal") or ".gov.vn" in src.start_urls[0]:
            assert src.delay >= 2, f"{src.name}: government portals get 2-5 s"


def test_no_start_page_is_taken_for_a_document(real_sources):
    for src in real_sources.sources:
        for url in src.start_urls:
            assert classify(src, canonicalize(url)) != "document", f"{src.name}: start page {url} matches allow"
