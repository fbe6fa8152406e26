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

SOURCES_YAML = Path(__file__).resolve().parents[1] / "sources.yaml"

# name → article (or ranking page) addresses in the site's published form; "verified" patterns in
# sources.yaml were checked against real addresses like these.
EXAMPLES = {
    "baolaocai": ["https://baolaocai.vn/lao-cai-dung-thu-14-toan-quoc-ve-chi-so-chuyen-doi-so-nam-2024-post884951.html"],
    "laocai-portal": ["https://www.laocai.gov.vn/tin-tuc-su-kien/lao-cai-cong-bo-chi-so-chuyen-doi-so-cap-so-nganh-1287456"],
    "skhcn-laocai": ["https://skhcn.laocai.gov.vn/tin-trong-nuoc/ban-hanh-bo-chi-so-danh-gia-chuyen-doi-so-dti-nam-2025-1337596"],
    "doingoai-laocai": ["https://www.doingoailaocai.vn/vi/bai-viet/20985"],
    "thainguyen-cds": ["https://chuyendoiso.thainguyen.gov.vn/tin-tuc/-/asset_publisher/ou0DGqEKOZLq/content/"
                       "-ay-manh-truyen-thong-ve-ot-pha-phat-trien-khoa-hoc-cong-nghe-oi-moi-sang-tao-va-chuyen-oi-so-o-thai-nguyen"
                       "?inheritRedirect=false"],
    "thainguyen-portal": ["https://thainguyen.gov.vn/tin-tuc/-/asset_publisher/L0n17VJXU23O/content/thai-nguyen-xep-thu-8-ve-chi-so-chuyen-doi-so"],
    "thainguyentv": ["https://thainguyentv.vn/thai-nguyen-tang-4-bac-xep-thu-863-dia-phuong-ca-nuoc-ve-chi-so-chuyen-doi-so-89597.html"],
    "baothainguyen": ["https://baothainguyen.vn/chuyen-doi-so/thai-nguyen-tang-toc-tren-ban-do-so-345678.html"],
    "huengaynay": ["https://huengaynay.vn/kinh-te/khoa-hoc-cong-nghe/hue-xep-thu-2-toan-quoc-ve-muc-do-chuyen-doi-so-159011.html"],
    "hanoimoi": ["https://hanoimoi.vn/ha-noi-dan-dau-ca-nuoc-ve-chi-so-chuyen-doi-so-719402.html"],
    "baohaiphong": ["https://baohaiphong.vn/hai-phong-dung-thu-3-ca-nuoc-ve-chi-so-chuyen-doi-so-523811.html"],
    "thanhhoa-portal": ["https://thanhhoa.gov.vn/portal/Pages/2025-10-22/Thanh-Hoa-xep-thu-5-ve-chi-so-chuyen-doi-so.aspx?ItemID=31245"],
    "sct-dongnai": ["https://sct.dongnai.gov.vn/vi/news/savefile/Chuyen-doi-so/ket-qua-danh-gia-muc-do-chuyen-doi-so-cap-bo-cap-tinh-nam-2022-dti-2022-5463.html"],
    "sggp": ["https://www.sggp.org.vn/tphcm-trong-nhom-dan-dau-ve-chuyen-doi-so-quoc-gia-post819198.html"],
    "dti": ["https://dti.gov.vn/xep-hang-2022"],
    "mst": ["https://mst.gov.vn/cong-bo-chi-so-chuyen-doi-so-dti-nam-2024-197251021103512345.htm"],
    "vov5": ["https://vov5.vn/vi/kinh-te/thai-nguyen-tang-toc-tren-ban-do-so-1234567.vov"],
    "baochinhphu": ["https://baochinhphu.vn/cong-bo-chi-so-chuyen-doi-so-nam-2024-102251021143055123.htm"],
    "nhandan": ["https://nhandan.vn/ocop/ha-noi-dan-dau-ca-nuoc-ve-chi-so-chuyen-doi-so-cap-tinh-post916891.html"],
    "vietnamnet": ["https://vietnamnet.vn/ha-noi-hue-hai-phong-dan-dau-ve-chuyen-doi-so-2455309.html",
                   "https://vietnamnet.vn/thai-nguyen-chuyen-doi-so-tru-cot-cho-nong-thon-moi-hien-dai-2441822.html"],
    "vnexpress": ["https://vnexpress.net/ha-noi-dan-dau-chi-so-chuyen-doi-so-4953210.html"],
    "dantri": ["https://dantri.com.vn/khoa-hoc/ha-noi-dan-dau-ca-nuoc-ve-chi-so-chuyen-doi-so-20251021181803153.htm"],
    "vtcnews": ["https://vtcnews.vn/ha-noi-dan-dau-ca-nuoc-ve-chuyen-doi-so-cao-bang-dung-cuoi-bang-ar972306.html"],
    "laodong": ["https://laodong.vn/cong-nghe/thanh-hoa-thang-hang-ve-chuyen-doi-so-1461936.ldo"],
    "ictvietnam": ["https://ictvietnam.vn/cong-bo-ket-qua-chi-so-chuyen-doi-so-dti-2024-71234.html"],
}
# listing or category pages that must NOT be taken for documents
NOT_DOCUMENTS = ["https://baolaocai.vn/chuyen-doi-so", "https://vietnamnet.vn/thong-tin-truyen-thong/chuyen-doi-so",
                 "https://dti.gov.vn/", "https://vnexpress.net/so-hoa-p2", "https://huengaynay.vn/kinh-te/khoa-hoc-cong-nghe"]


@pytest.fixture(scope="module")
def real_sources():
    return load_sources(SOURCES_YAML)


def test_real_sources_yaml_loads_and_is_polite(real_sources):
    s = real_sources.settings
    assert "http" in s.user_agent and s.allow_hosts == []
    names = [src.name for src in real_sources.sources]
    assert set(names) == set(EXAMPLES), "every source needs examples in EXAMPLES (and only those)"
    for src in real_sources.sources:
        assert src.delay >= 1
        if src.name.endswith("-portal") or ".gov.vn" in src.start_urls[0]:
            assert src.delay >= 2, f"{src.name}: government portals get 2-5 s"


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_allow_regex_matches_its_examples(real_sources, name):
    src = next(s for s in real_sources.sources if s.name == name)
    for url in EXAMPLES[name]:
        canonical = canonicalize(url)
        assert classify(src, canonical) == "document", f"{name}: {canonical} is not matched by allow"
    for url in NOT_DOCUMENTS:
        assert classify(src, canonicalize(url)) != "document", f"{name}: listing {url} taken for a document"
