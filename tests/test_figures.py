"""The consolidated `figures` table: one row per question, with its answer, sources and status,
kept right by every writer; and on the demo database, the README's ranking query."""
from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from pipeline import store
from pipeline.factcheck.official import import_reference

from tests import db_samples
from tests.db_samples import D, F
from tests.demo_db import demo_database

README = Path(__file__).resolve().parents[1] / "README.md"


def rows(db, sql, params=()):
    cur = db.execute(sql, params)
    return [dict(zip([c[0] for c in cur.description], r)) for r in cur.fetchall()]


def figure(db, subject, kind, year=2024, metric="dti"):
    return rows(db, "SELECT * FROM figures WHERE subject = ? AND kind = ? AND year = ? AND metric = ?",
                [subject, kind, year, metric])


def test_two_statements_in_one_document_are_one_document(tmp_path):
    db = db_samples.build(tmp_path / "f.sqlite", [
        D("u:a", "t", "2025-01-01", "Báo A", [F("Huế thứ 2/34.", "Huế", "dti", "rank", 2, 2024, total=34),
                                               F("Huế, thứ 2/34 cả nước.", "Huế", "dti", "rank", 2, 2024, total=34)])])
    [f] = figure(db, "Huế", "rank")
    assert (f["value"], f["ranking"], f["documents"], f["outlets"], f["status"]) == (2, 34, 1, 1, "single_source")
    assert type(f["value"]) is int and type(f["ranking"]) is int


def test_majority_answer_with_other_answers_and_dispute(tmp_path):
    db = db_samples.build(tmp_path / "f.sqlite")    # Lào Cai 2024: 14/34 twice, 15/34 once
    [f] = figure(db, "Lào Cai", "rank")
    assert (f["value"], f["documents"], f["answers"], f["all_documents"], f["status"]) == (14, 2, 2, 3, "disputed")
    assert json.loads(f["other_answers"]) == [{"value": 15, "total": 34, "scale": None, "documents": 1,
                                               "outlets": 1}]
    assert f["url"] and "14" in f["evidence"]


def test_a_score_on_either_scale_is_one_answer(tmp_path):
    db = db_samples.build(tmp_path / "f.sqlite", [
        D("u:a", "t", "2025-01-01", "Báo A", [F("0,7167 điểm", "Huế", "dti", "score", 0.7167, 2024, scale=1)]),
        D("u:b", "t", "2025-01-02", "Báo B", [F("716,7/1.000", "Huế", "dti", "score", 716.7, 2024, scale=1000)]),
        D("u:c", "t", "2025-01-03", "Báo C", [F("0,72 điểm", "Huế", "dti", "score", 0.72, 2024, scale=1)])])
    [f] = figure(db, "Huế", "score")
    assert (f["answers"], f["documents"], f["outlets"], f["status"]) == (1, 3, 3, "agreed")


def test_a_rank_without_size_joins_the_ranking_its_document_names(tmp_path):
    db = db_samples.build(tmp_path / "f.sqlite", [D("u:a", "t", "2025-01-01", "o", [
        F("Huế thứ 2/34", "Huế", "dti", "rank", 2, 2024, total=34),
        F("Đà Nẵng thứ 6", "Đà Nẵng", "dti", "rank", 6, 2024)])])
    assert [f["ranking"] for f in figure(db, "Đà Nẵng", "rank")] == [34]


def test_an_official_table_decides(tmp_path):
    path = tmp_path / "f.sqlite"
    db_samples.build(path)
    table = tmp_path / "dti_2024.csv"
    table.write_text("Tỉnh,Xếp hạng,Điểm\nLào Cai,15,0.7167\n", encoding="utf-8")
    import_reference(str(path), table, year=2024, total=34)
    db = store.connect(path)
    [f] = figure(db, "Lào Cai", "rank")
    assert (f["value"], f["official"], f["status"], f["documents"]) == (15, 15, "official", 1)


def test_every_writer_keeps_figures_right(tmp_path):
    db = db_samples.build(tmp_path / "f.sqlite")
    corrected = D(db_samples.DOCS[2].url, "t", "2025-10-24", "Báo Khác",
                  [F(db_samples.S_LC_14, "Lào Cai", "dti", "rank", 14, 2024, total=34)])
    db_samples.save(db, corrected)    # the 15/34 document now says 14/34
    [f] = figure(db, "Lào Cai", "rank")
    assert (f["value"], f["documents"], f["answers"], f["status"]) == (14, 3, 1, "agreed")
    assert db.execute("SELECT count(*) FROM figures_dirty").fetchone()[0] == 0
    # a hand-made write outside the store is picked up when the store next opens it
    db.execute("DELETE FROM facts WHERE subject = 'Thanh Hóa'")
    assert store.connect(tmp_path / "f.sqlite").execute(
        "SELECT count(*) FROM figures WHERE subject = 'Thanh Hóa'").fetchone()[0] == 0


def _figures(db):
    return rows(db, "SELECT * FROM figures ORDER BY key")


def test_bulk_writes_end_with_the_figures_one_at_a_time_gives(tmp_path, monkeypatch):
    from pipeline.store import figures
    monkeypatch.setattr(figures, "DEFER_EVERY", 3)
    one_by_one = db_samples.build(tmp_path / "a.sqlite")
    bulk = store.connect(tmp_path / "b.sqlite")
    with store.bulk_writes(bulk):
        for n, d in enumerate(db_samples.DOCS):
            db_samples.save(bulk, d)
            dirty = bulk.execute("SELECT count(*) FROM figures_dirty").fetchone()[0]
            # every third document recomputes what the ones before it left dirty
            assert (dirty == 0) == ((n + 1) % 3 == 0), (n, dirty)
    assert bulk.execute("SELECT count(*) FROM figures_dirty").fetchone()[0] == 0
    assert _figures(bulk) == _figures(one_by_one) and _figures(bulk)


def test_bulk_writes_cut_short_leave_their_questions_to_the_next_opening(tmp_path):
    path = tmp_path / "b.sqlite"
    db = store.connect(path)
    with pytest.raises(KeyboardInterrupt), store.bulk_writes(db):
        db_samples.save(db, db_samples.DOCS[0])
        raise KeyboardInterrupt
    assert db.execute("SELECT count(*) FROM figures").fetchone()[0] == 0       # the facts are stored, not yet summed
    assert db.execute("SELECT count(*) FROM facts").fetchone()[0] > 0
    assert store.connect(path).execute("SELECT count(*) FROM figures").fetchone()[0] > 0


# --- the demo database: what the README promises ---------------------------------------------

@pytest.mark.slow
def test_readme_ranking_query_gives_one_row_per_province_of_the_34():
    sql = re.search(r"-- DTI 2024 ranking of the 34 provinces[^\n]*\n(SELECT.*?;)", README.read_text("utf-8"),
                    re.S).group(1)
    conn = sqlite3.connect(demo_database())
    got = conn.execute(sql).fetchall()
    conn.close()
    subjects = [r[0] for r in got]
    assert len(subjects) >= 10 and len(subjects) == len(set(subjects))        # one row per province
    assert all(type(r[1]) is int and 1 <= r[1] <= 34 for r in got)             # integer ranks of 34
    assert [r[1] for r in got] == sorted(r[1] for r in got)
    assert {"Hà Nội", "Thanh Hóa", "Lào Cai"} <= set(subjects)
    assert not {"Sở Y tế", "thành phố Thanh Hóa"} & set(subjects)


@pytest.mark.slow
def test_serve_ranking_canned_query_on_the_demo_database():
    from pipeline.research.canned import CANNED_QUERIES
    db = store.connect(demo_database())
    got = rows(db, CANNED_QUERIES["ranking"]["sql"], {"year": "2024", "size": "34", "metric": ""})
    provinces = [r["province"] for r in got]
    assert len(provinces) >= 10 and len(provinces) == len(set(provinces))
    assert all(type(r["rank"]) is int for r in got)
    assert got[0]["province"] == "Hà Nội" and got[0]["url"]
    of_63 = rows(db, CANNED_QUERIES["ranking"]["sql"], {"year": "2024", "size": "63", "metric": ""})
    assert {r["province"] for r in of_63} == {"Thanh Hóa", "Lào Cai"}


def test_a_province_rank_without_size_in_a_year_of_one_ranking(tmp_path):
    db = db_samples.build(tmp_path / "f.sqlite", [D("u:a", "t", "2023-05-01", "o", [
        F("Huế xếp thứ 3 năm 2022", "Huế", "dti", "rank", 3, 2022),
        F("Huế xếp thứ 2 năm 2024", "Huế", "dti", "rank", 2, 2024),
        F("Huế xếp thứ 1 về PCI năm 2022", "Huế", "pci", "rank", 1, 2022)])])
    assert [f["ranking"] for f in figure(db, "Huế", "rank", 2022)] == [63]     # DTI 2022 ranked the 63
    assert [f["ranking"] for f in figure(db, "Huế", "rank", 2024)] == [None]   # DTI 2024: of 34 and of 63
    assert [f["ranking"] for f in figure(db, "Huế", "rank", 2022, metric="pci")] == [None]
