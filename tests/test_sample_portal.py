"""The bundled sample portal over real HTTP on 127.0.0.1: every page, the RSS feed, the
sitemap and robots.txt, the decision PDFs, conditional GETs, charsets, and the gold labels."""
from __future__ import annotations

import html
import io
import json
import re
import unicodedata
from xml.etree import ElementTree

import pdfplumber
import pytest
import requests

from pipeline.config import parse_sources
from pipeline.models import FACT_KINDS, QUALIFIERS, SUBJECT_TYPES
from pipeline.demo.sample_portal import load_articles, start_portal
from pipeline.demo.sample_portal.content import GOLD_PATH, SITES, articles_of, load_decision
from pipeline.textnorm import normalize_text

OFF_TOPIC_CATEGORIES = {"kinh-te", "van-hoa-du-lich", "tin-tuc-su-kien", "the-thao"}


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    with start_portal(cache_dir=str(tmp_path_factory.mktemp("pdf-cache"))) as p:
        yield p


@pytest.fixture(scope="module")
def http():
    with requests.Session() as s:
        yield s


@pytest.fixture(scope="module")
def gold():
    return [json.loads(line) for line in GOLD_PATH.read_text(encoding="utf-8").splitlines() if line.strip()]


# -- content --------------------------------------------------------------------------------------

def test_content_covers_three_site_kinds_with_enough_articles_and_decisions():
    arts = load_articles()
    assert {a.site for a in arts} == set(SITES) and len(SITES) >= 3
    assert {s.family for s in SITES.values()} == {"newspaper", "nukeviet", "national"}
    on_topic = [a for a in arts if a.category not in OFF_TOPIC_CATEGORIES]
    off_topic = [a for a in arts if a.category in OFF_TOPIC_CATEGORIES]
    assert len(on_topic) >= 15 and len(off_topic) >= 4
    attachments = {a.attachment.pdf for a in arts if a.attachment}
    assert len(attachments) >= 2
    # one ranking table has a tie: two rows share a rank
    ranks = [r[-1] for r in load_decision("districts").rows]
    assert len(ranks) != len(set(ranks))
    # the published dates are written the ways the sites write them, not ISO
    shown = {a.published for a in arts}
    assert any(re.match(r"Thứ .+, ngày \d{2}/\d{2}/\d{4} - \d{2}:\d{2} GMT\+7$", p) for p in shown)
    assert any(re.match(r"Chiều ngày \d{1,2}/\d{1,2}/\d{4}$", p) for p in shown)
    assert any(re.match(r"\d{2}-\d{2}-\d{4} \d{2}:\d{2}$", p) for p in shown)


# -- every page over HTTP -------------------------------------------------------------------------

def test_every_page_is_served_with_validators_and_a_charset(portal, http):
    served = 0
    for site in portal.sites:
        for path in portal.paths(site):
            r = http.get(portal.url(site, path), timeout=10)
            assert r.status_code == 200, path
            assert r.headers["ETag"].startswith('"') and r.headers["Last-Modified"].endswith("GMT"), path
            ctype = r.headers["Content-Type"]
            if not ctype.startswith("application/pdf"):
                assert "charset=" in ctype, (path, ctype)
            assert int(r.headers["Content-Length"]) == len(r.content)
            served += 1
    assert served >= len(load_articles()) + 2 + 3 * 2   # articles, PDFs, a home and robots.txt per site


def test_unknown_path_is_404_and_head_has_no_body(portal, http):
    base = portal.sites["baolaocai"]
    assert http.get(base + "/baolaocai/khong-co-bai-nay-post1.html", timeout=10).status_code == 404
    r = http.head(base + articles_of("baolaocai")[0].path, timeout=10)
    assert r.status_code == 200 and r.content == b"" and int(r.headers["Content-Length"]) > 1000


def test_article_pages_carry_the_furniture_a_harvester_must_ignore(portal, http):
    for site in portal.sites:
        for a in articles_of(site):
            page = http.get(portal.url(site, a.path), timeout=10).content.decode(
                "cp1258" if a.encoding == "windows-1258" else "utf-8")
            page = html.unescape(unicodedata.normalize("NFC", page)).replace("\u00a0", " ")
            assert normalize_text(a.title) in normalize_text(page)
            assert re.search(r"Tin [lL]iên [qQ]uan", page), a.path
            others = [o for o in articles_of(site) if o is not a]
            assert any(o.title in page for o in others), "no teaser of another article"
    thanhhoa = http.get(portal.url("thanhhoa", articles_of("thanhhoa")[0].path), timeout=10).text
    assert re.search(r'<div class="counter">Lượt xem: \d+</div>', thanhhoa)


def test_newspaper_listing_paginates_and_covers_its_articles(portal, http):
    base = portal.sites["baolaocai"]
    first = http.get(base + "/baolaocai/chuyen-doi-so", timeout=10).text
    assert 'href="/baolaocai/chuyen-doi-so?page=2"' in first
    second = http.get(base + "/baolaocai/chuyen-doi-so?page=2", timeout=10).text
    listed = set(re.findall(r'href="(/baolaocai/chuyen-doi-so/[^"]+-post\d+\.html)"', first + second))
    expected = {a.path for a in articles_of("baolaocai") if a.category == "chuyen-doi-so"}
    assert expected <= listed


def test_nukeviet_listing_uses_page_n_paths(portal, http):
    base = portal.sites["thanhhoa"]
    first = http.get(base + "/thanhhoa/vi/news/chuyen-doi-so/", timeout=10).text
    assert 'href="/thanhhoa/vi/news/chuyen-doi-so/page-2"' in first
    assert http.get(base + "/thanhhoa/vi/news/chuyen-doi-so/page-2", timeout=10).status_code == 200


def test_rss_feed_lists_the_category_with_absolute_links(portal, http):
    base = portal.sites["baolaocai"]
    r = http.get(base + "/rss/chuyen-doi-so.rss", timeout=10)
    assert r.headers["Content-Type"].startswith("application/rss+xml")
    root = ElementTree.fromstring(r.content)
    links = [item.findtext("link") for item in root.iter("item")]
    expected = {base + a.path for a in articles_of("baolaocai") if a.category == "chuyen-doi-so"}
    assert set(links) == expected
    assert all(item.findtext("pubDate").endswith("GMT") for item in root.iter("item"))


def test_robots_points_at_a_sitemap_of_every_national_article(portal, http):
    base = portal.sites["thoibaoso"]
    robots = http.get(base + "/robots.txt", timeout=10).text
    sitemap_url = re.search(r"^Sitemap: (\S+)$", robots, re.M).group(1)
    assert sitemap_url == base + "/sitemap.xml"
    root = ElementTree.fromstring(http.get(sitemap_url, timeout=10).content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = {u.findtext("s:loc", namespaces=ns) for u in root.findall("s:url", ns)}
    assert locs == {base + a.path for a in articles_of("thoibaoso")}
    assert all(u.findtext("s:lastmod", namespaces=ns) for u in root.findall("s:url", ns))


# -- decision PDFs --------------------------------------------------------------------------------

def test_decision_pdfs_are_linked_and_hold_their_ranking_tables(portal, http):
    for a in [a for a in load_articles() if a.attachment]:
        page = http.get(portal.url(a.site, a.path), timeout=10).text
        assert f'href="{a.attachment_path}"' in page
        r = http.get(portal.url(a.site, a.attachment_path), timeout=10)
        assert r.headers["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
        dec = load_decision(a.attachment.pdf)
        with pdfplumber.open(io.BytesIO(r.content)) as pdf:
            first = pdf.pages[0].extract_text()
            assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first
            assert f"Số: {dec.number}" in first
            rows = [row for p in pdf.pages for t in p.extract_tables() for row in t]
        body = [r for r in rows if r and r[0] and r[0].isdigit()]
        assert [tuple(c.replace("\n", " ") for c in r) for r in body] == list(dec.rows)


def test_pdfs_are_deterministic_so_etags_survive_a_restart(portal, http, tmp_path):
    a = next(a for a in load_articles() if a.attachment)
    first = http.get(portal.url(a.site, a.attachment_path), timeout=10)
    with start_portal(cache_dir=str(tmp_path)) as other:   # a fresh build in an empty cache
        again = http.get(other.url(a.site, a.attachment_path), timeout=10)
    assert again.content == first.content and again.headers["ETag"] == first.headers["ETag"]


# -- conditional GETs -----------------------------------------------------------------------------

def test_revalidation_answers_304_to_matching_validators(portal, http):
    url = portal.url("baolaocai", articles_of("baolaocai")[0].path)
    r = http.get(url, timeout=10)
    etag, modified = r.headers["ETag"], r.headers["Last-Modified"]
    same = http.get(url, headers={"If-None-Match": etag}, timeout=10)
    assert same.status_code == 304 and same.content == b"" and same.headers["ETag"] == etag
    assert http.get(url, headers={"If-None-Match": f'"other", {etag}'}, timeout=10).status_code == 304
    assert http.get(url, headers={"If-Modified-Since": modified}, timeout=10).status_code == 304
    changed = http.get(url, headers={"If-None-Match": '"stale"'}, timeout=10)
    assert changed.status_code == 200 and changed.content == r.content
    older = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert http.get(url, headers={"If-Modified-Since": older}, timeout=10).status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110)
    both = http.get(url, headers={"If-None-Match": '"stale"', "If-Modified-Since": modified}, timeout=10)
    assert both.status_code == 200
    assert any(h.status == 304 and h.path.endswith(articles_of("baolaocai")[0].path) for h in portal.hits)


# -- charsets and Unicode forms --------------------------------------------------------------------

def test_one_page_is_served_as_windows_1258(portal, http):
    a = next(a for a in load_articles() if a.encoding == "windows-1258")
    r = http.get(portal.url(a.site, a.path), timeout=10)
    assert r.headers["Content-Type"] == "text/html; charset=windows-1258"
    assert b'charset=windows-1258' in r.content
    with pytest.raises(UnicodeDecodeError):
        r.content.decode("utf-8")
    text = r.content.decode("cp1258")
    assert "\u0301" in text or "\u0300" in text          # tones as combining marks
    assert a.lead in unicodedata.normalize("NFC", text)


def test_one_page_is_decomposed_with_no_break_spaces(portal, http):
    a = next(a for a in load_articles() if a.unicode == "nfd")
    text = http.get(portal.url(a.site, a.path), timeout=10).content.decode("utf-8")
    assert unicodedata.is_normalized("NFD", text) and not unicodedata.is_normalized("NFC", text)
    assert "1,8\u00a0triệu" in unicodedata.normalize("NFC", text)
    other = http.get(portal.url("baolaocai", next(o for o in articles_of("baolaocai") if o.unicode == "nfc").path),
                     timeout=10).text
    assert unicodedata.is_normalized("NFC", other)


# -- the sources config ---------------------------------------------------------------------------

def test_sources_config_validates_and_its_regexes_split_documents_from_listings(portal):
    sf = parse_sources(__import__("yaml").safe_load(portal.sources_yaml()), "sample")
    assert sf.settings.allow_hosts == ["127.0.0.1"]
    assert {s.name for s in sf.sources} == {f"sample-{n}" for n in portal.sites}
    by_site = {s.name.removeprefix("sample-"): s for s in sf.sources}
    for site, src in by_site.items():
        assert src.delay < 1          # allowed only because every host is in allow_hosts
        for path in portal.paths(site):
            url = portal.url(site, path)
            is_doc = any(re.search(p, url) for p in src.allow)
            is_listing = any(re.search(p, url) for p in src.follow)
            article = any(a.path == path for a in articles_of(site))
            assert is_doc == (article or path.endswith(".pdf")), url
            assert not (is_doc and is_listing), url
        for url in src.start_urls:
            assert any(re.search(p, url) for p in src.follow), url
    assert by_site["baolaocai"].feeds and by_site["thoibaoso"].sitemaps


def test_requested_ports_are_reused_when_free(tmp_path):
    with start_portal(cache_dir=str(tmp_path)) as first:
        ports = {s: int(u.rsplit(":", 1)[1]) for s, u in first.sites.items()}
    with start_portal(cache_dir=str(tmp_path), ports=ports) as second:
        assert second.sites == first.sites
        # a taken port falls back to a free one instead of failing
        with start_portal(cache_dir=str(tmp_path), ports=ports) as third:
            assert set(third.sites.values()).isdisjoint(second.sites.values())


# -- gold labels ----------------------------------------------------------------------------------

GOLD_FIELDS = {"doc", "subject", "subject_type", "province", "metric", "metric_keywords", "year", "kind",
               "value", "total", "scale", "unit", "qualifier", "is_target", "optional", "evidence"}


def test_gold_labels_follow_the_spec_and_quote_their_documents(gold):
    arts = {a.path: a for a in load_articles()}
    pdf_rows = {a.attachment_path: [" | ".join(r) for r in load_decision(a.attachment.pdf).rows]
                for a in load_articles() if a.attachment}
    assert len(gold) >= 100
    for g in gold:
        assert set(g) == GOLD_FIELDS, g
        assert g["kind"] in FACT_KINDS and g["qualifier"] in QUALIFIERS and g["subject_type"] in SUBJECT_TYPES
        assert isinstance(g["value"], (int, float)) and not isinstance(g["value"], bool)
        assert unicodedata.is_normalized("NFC", g["subject"] + g["evidence"])
        if g["subject_type"] in ("district", "agency"):
            assert g["province"], g
        if g["kind"] == "score":
            assert g["scale"] in (1, 1000), g
        if not g["metric"].startswith("dti") and g["metric"] not in ("ict_index", "pci", "par_index", "papi", "sipas"):
            assert g["metric_keywords"], g
        if g["doc"] in arts:
            assert g["evidence"] in arts[g["doc"]].visible_text(), g
        else:
            assert g["evidence"] in pdf_rows[g["doc"]], g
    # every article and PDF is labelled (off-topic ones too), and off-topic ones hold no DTI fact
    assert {g["doc"] for g in gold} == set(arts) | set(pdf_rows)
    off = {p for p, a in arts.items() if a.category in OFF_TOPIC_CATEGORIES}
    assert not [g for g in gold if g["doc"] in off and g["metric"].startswith("dti")]
    kinds = {g["kind"] for g in gold}
    assert kinds == set(FACT_KINDS)
    assert {g["year"] for g in gold if g["metric"] == "dti"} >= {2020, 2021, 2022, 2023, 2024}
