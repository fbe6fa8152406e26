"""The sample portal's article pages, fetched over HTTP on 127.0.0.1 and parsed with the source
config a harvest uses: the main text is exactly what a reader sees, without furniture (one test
per site), and the attached decision PDFs yield their number, date, issuer and ranking table."""
from __future__ import annotations

import re

import pytest
import requests

from pipeline.config import parse_sources
from pipeline.models import OK
from pipeline.parse import parse_bytes
from pipeline.demo.sample_portal import start_portal
from pipeline.demo.sample_portal.content import SITES, Image, articles_of, load_decision
from pipeline.demo.sample_portal.templates import related_of, teaser

# What the sites put around an article (view counters, share bars, teaser and most-read boxes,
# access statistics, footer): none of it may reach the text.
FURNITURE = re.compile(r"lượt xem|lượt đọc|tổng lượt truy cập|đang truy cập|đang online|tin liên quan|đọc nhiều|"
                       r"chia sẻ facebook|chia sẻ zalo|sao chép liên kết|in bài|^thích$|^chia sẻ$|trang chủ|"
                       r"thống kê truy cập|bản mẫu dùng cho|giấy phép số|hotline|từ khóa|cơ quan chủ quản|"
                       r"\.jpe?g|\.png", re.I | re.M)


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    with start_portal(cache_dir=str(tmp_path_factory.mktemp("pdf-cache"))) as p:
        yield p


@pytest.fixture(scope="module")
def sources(portal):
    return {s.name: s for s in parse_sources(portal.sources()).sources}


def fetch(url: str):
    r = requests.get(url, timeout=10)
    r.raise_for_status()
    return r


def lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


@pytest.mark.parametrize("site", sorted(SITES))
def test_article_text_holds_no_furniture(portal, sources, site):
    source = sources[f"sample-{site}"]
    for article in articles_of(site):
        url = portal.url(site, article.path)
        r = fetch(url)
        doc = parse_bytes(r.content, url, r.headers.get("Content-Type", ""), source=source, headers=dict(r.headers))
        where = f"{site} {article.id}"
        assert doc.status == OK, where
        assert doc.title == article.title, where
        assert doc.published == article.iso, where
        # exactly the reader's text: title, lead, paragraphs, tables (one row a line here)
        assert lines(doc.text) == lines(article.visible_text()), where
        assert not FURNITURE.search(doc.text), (where, FURNITURE.search(doc.text).group(0))
        assert f"{article.views}" not in doc.text.replace(".", "").replace(",", ""), where
        for block in article.body:
            if isinstance(block, Image):
                assert block.file not in doc.text, where
        for other in related_of(article):
            assert other.title not in doc.text and teaser(other.lead).rstrip(".") not in doc.text, where


def test_attached_decisions_are_read_with_their_metadata(portal, sources):
    attached = [(site, a) for site in SITES for a in articles_of(site) if a.attachment]
    assert attached
    for site, article in attached:
        url = portal.url(site, article.attachment_path)
        page = parse_bytes(fetch(portal.url(site, article.path)).content, portal.url(site, article.path))
        assert url in page.attachments
        decision = load_decision(article.attachment.pdf)
        assert decision.number in page.metadata["decisions"]
        r = fetch(url)
        doc = parse_bytes(r.content, url, r.headers.get("Content-Type", ""), source=sources[f"sample-{site}"])
        assert doc.status == OK and doc.doc_type == "pdf"
        assert doc.metadata["decision_number"] == decision.number
        assert doc.metadata["issued"] in decision.place_date or doc.metadata["issued"]
        ranking = [t for t in doc.tables if len(t.rows) == len(decision.rows) + 1]
        assert ranking, [t.rows[:2] for t in doc.tables]
        assert [tuple(r) for r in ranking[0].rows[1:]] == [tuple(r) for r in decision.rows]
        assert all(doc.page_at(start) for start, _ in ranking[0].row_spans)
