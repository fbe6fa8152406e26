"""The demo path end to end: serve the sample portal on 127.0.0.1, harvest it with the real
crawler, parser and extractor into a temporary SQLite file, and check the stored facts against
the hand-labelled gold (pipeline/demo/sample_portal/gold.jsonl)."""
from __future__ import annotations

import io
import json
import sqlite3
import unicodedata
from urllib.parse import urlsplit

import pytest

from pipeline.demo.run import render_database_summary, run_demo
from pipeline.demo.sample_portal.content import GOLD_PATH, load_articles
from pipeline.textnorm import normalize_text

pytestmark = pytest.mark.slow

ARTICLES = {a.path: a for a in load_articles()}
GOLD = [json.loads(line) for line in GOLD_PATH.read_text(encoding="utf-8").splitlines() if line.strip()]


def fold(name: str) -> str:
    """Compare names without tone placement quirks (Thanh Hoá / Thanh Hóa) or case."""
    stripped = "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))
    return stripped.replace("đ", "d").replace("Đ", "D").lower().strip()


def _facts(db_path) -> list[dict]:
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        rows = conn.execute("SELECT f.*, d.url AS url FROM facts f JOIN documents d ON d.id = f.document_id")
        return [dict(r) for r in rows]
    finally:
        conn.close()


def _count(db_path, sql: str) -> int:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Two demo runs on one database: the second must find nothing new."""
    db = tmp_path_factory.mktemp("demo") / "dti.sqlite"
    first, second = io.StringIO(), io.StringIO()
    code1 = run_demo(db, out=first, progress=False)
    counts1 = (_count(db, "SELECT count(*) FROM documents"), _count(db, "SELECT count(*) FROM facts"))
    code2 = run_demo(db, out=second, progress=False)
    counts2 = (_count(db, "SELECT count(*) FROM documents"), _count(db, "SELECT count(*) FROM facts"))
    return {"db": db, "codes": (code1, code2), "outputs": (first.getvalue(), second.getvalue()),
            "counts": (counts1, counts2), "facts": _facts(db)}


def _path(fact: dict) -> str:
    return urlsplit(fact["url"]).path


def _has(facts, doc_path, subject, metric, year, kind, value, total=None, is_target=False) -> bool:
    for f in facts:
        if (_path(f) == doc_path and fold(f["subject"]) == fold(subject) and f["metric"] == metric
                and f["year"] == year and f["kind"] == kind and abs(f["value"] - value) < 1e-6
                and (total is None or f["total"] == total) and bool(f["is_target"]) == is_target):
            return True
    return False


def _gold(doc_id: int, **where) -> list[dict]:
    path = next(p for p, a in ARTICLES.items() if a.id == doc_id)
    return [g for g in GOLD if g["doc"] == path and all(g[k] == v for k, v in where.items())]


def test_demo_harvests_every_document_and_exits_zero(demo):
    assert demo["codes"] == (0, 0)
    conn = sqlite3.connect(demo["db"])
    try:
        paths = {urlsplit(u).path for (u,) in conn.execute("SELECT url FROM documents WHERE status = 'ok'")}
    finally:
        conn.close()
    expected = set(ARTICLES) | {a.attachment_path for a in ARTICLES.values() if a.attachment}
    assert expected <= paths
    out = demo["outputs"][0]
    assert "Documents by source and status" in out and "Facts by kind" in out and "Main DTI facts" in out
    assert len(out.splitlines()) <= 60      # one screen


def test_second_run_is_incremental(demo):
    (docs1, facts1), (docs2, facts2) = demo["counts"]
    assert (docs2, facts2) == (docs1, facts1)
    assert docs1 >= len(ARTICLES)


# Key facts that must be found, one per construction; each is checked against gold too, so the
# list cannot drift from the labels.
KEY_FACTS = [
    (1001, "Lào Cai", "dti", 2024, "rank", 14, 34, False),
    (1001, "Lào Cai", "dti", 2024, "score", 0.7167, None, False),
    (1001, "Lào Cai", "dti", 2024, "rank", 16, 63, False),
    (1201, "Thanh Hóa", "dti", 2024, "rank", 5, 34, False),
    (3001, "Hà Nội", "dti", 2024, "rank", 1, None, False),
    (3001, "Cao Bằng", "dti", 2024, "bottom_n", 3, None, False),
    (1004, "huyện Bắc Hà", "dti", 2024, "rank", 4, None, False),
    (1004, "huyện Văn Bàn", "dti", 2024, "rank", 4, None, False),
    (1205, "Thanh Hóa", "dti", 2020, "rank", 33, 63, False),
    (3005, "Lạng Sơn", "dti", 2022, "rank_change", 21, None, False),
    (1006, "Lào Cai", "dti", 2030, "top_n", 10, None, True),
]


@pytest.mark.parametrize("doc_id,subject,metric,year,kind,value,total,target", KEY_FACTS,
                         ids=[f"{k[0]}-{k[1]}-{k[4]}-{k[5]}" for k in KEY_FACTS])
def test_key_facts_are_found(demo, doc_id, subject, metric, year, kind, value, total, target):
    path = next(p for p, a in ARTICLES.items() if a.id == doc_id)
    assert _gold(doc_id, subject=subject, metric=metric, year=year, kind=kind, value=value,
                 is_target=target), "the key fact is not in gold.jsonl"
    assert _has(demo["facts"], path, subject, metric, year, kind, value, total, target)


@pytest.mark.parametrize("pdf_key", ["districts", "agencies"])
def test_ranking_table_of_each_decision_pdf_is_extracted(demo, pdf_key):
    article = next(a for a in ARTICLES.values() if a.attachment and a.attachment.pdf == pdf_key)
    gold_ranks = [g for g in GOLD if g["doc"] == article.attachment_path and g["kind"] == "rank"]
    missing = [g["subject"] for g in gold_ranks
               if not _has(demo["facts"], article.attachment_path, g["subject"], "dti", 2024, "rank", g["value"])]
    found = sorted({(f["subject"], f["metric"], f["year"], f["value"]) for f in demo["facts"]
                    if _path(f) == article.attachment_path and f["kind"] == "rank"})[:3]
    assert not missing, f"ranks not extracted from the {pdf_key} table: {missing}; found instead: {found}"
    from_rows = [f for f in demo["facts"] if _path(f) == article.attachment_path and f["kind"] == "rank"]
    assert all(f["table_row"] is not None and f["page"] == 2 for f in from_rows)


def test_no_fact_comes_from_furniture(demo):
    """Teasers of other articles, most-read lists and counters quote figures that are not the
    page's: every fact's evidence must be text of the article itself."""
    leaks = []
    for f in demo["facts"]:
        article = ARTICLES.get(_path(f))
        if article is None:
            continue  # a PDF
        if normalize_text(f["evidence"]) not in article.visible_text() or "Lượt xem" in f["evidence"]:
            leaks.append((article.id, f["kind"], f["subject"], f["value"], f["evidence"][:80]))
    assert not leaks


def test_off_topic_articles_yield_no_dti_facts(demo):
    off = {a.path for a in ARTICLES.values()
           if a.category in ("kinh-te", "van-hoa-du-lich", "tin-tuc-su-kien", "the-thao")}
    dti = [(f["url"], f["subject"], f["metric"], f["value"]) for f in demo["facts"]
           if _path(f) in off and (f["metric"] == "dti" or f["metric"].startswith("dti."))]
    assert not dti


def test_summary_reads_the_database(demo):
    text = render_database_summary(demo["db"])
    assert "sample-thanhhoa" in text and "Main DTI facts" in text


def test_demo_writes_the_sources_file_it_harvested(demo):
    from pipeline.config import load_sources
    from pipeline.demo.run import sources_file
    path = sources_file(demo["db"])
    assert path.parent == demo["db"].parent and path.exists()
    sf = load_sources(path)                      # valid for `harvest --sources` by hand
    hosts = {urlsplit(u).netloc for s in sf.sources for u in s.start_urls}
    stored = {urlsplit(f["url"]).netloc for f in demo["facts"]}
    assert stored <= hosts and all(h.startswith("127.0.0.1:") for h in hosts)
    assert str(path) in demo["outputs"][0]
