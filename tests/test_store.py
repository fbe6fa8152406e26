"""The database: migrations, pragmas, reference data, summary tables, views, atomic writes."""
from __future__ import annotations

import sqlite3

import pytest

from pipeline import store
from pipeline.store import reference_data
from pipeline.models import Document, Fact

from tests import db_samples
from tests.db_samples import D, F


@pytest.fixture
def db(tmp_path):
    return db_samples.build(tmp_path / "dti.sqlite")


def rows(db, sql, params=()):
    return [dict(r) for r in _dict_rows(db, sql, params)]


def _dict_rows(db, sql, params):
    cur = db.execute(sql, params)
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def test_fresh_database_has_schema_pragmas_and_reference_data(tmp_path):
    db = store.connect(tmp_path / "new.sqlite")
    assert store.schema_version(db) == max(v for v, _ in store.MIGRATIONS)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert {"dti_rankings", "indicators", "targets_vs_actuals", "province_history"} <= set(db.view_names())
    assert {"documents_fts", "facts_fts", "fact_groups", "fact_claims", "subject_aliases"} <= set(db.table_names())
    provinces = rows(db, "SELECT * FROM subjects WHERE type = 'province'")
    assert len(provinces) == 63
    assert len({p["name_2025"] for p in provinces}) == 34
    yen_bai = next(p for p in provinces if p["name"] == "Yên Bái")
    assert (yen_bai["code"], yen_bai["name_2025"], yen_bai["merged_2025"]) == ("15", "Lào Cai", 1)
    hue = next(p for p in provinces if p["code"] == "46")
    assert (hue["name"], hue["centrally_run"]) == ("Huế", 1)   # spec's canonical name, not Thừa Thiên Huế
    vocab = rows(db, "SELECT id, name_vi FROM metrics WHERE vocabulary = 1")
    assert len(vocab) == 17
    assert {"id": "dti.awareness", "name_vi": "Nhận thức số"} in vocab


def test_reopening_does_not_reload_or_duplicate(tmp_path):
    path = tmp_path / "dti.sqlite"
    store.connect(path)
    db = store.connect(path)
    assert reference_data.ensure_loaded(db) is False
    assert db.execute("SELECT count(*) FROM subjects WHERE type = 'province'").fetchone()[0] == 63


def test_views_are_defined_once_and_an_older_definition_is_replaced(tmp_path):
    from pipeline.store.views import VIEWS, ensure_views
    path = tmp_path / "dti.sqlite"
    db = store.connect(path)
    assert ensure_views(db.conn) is False            # current: nothing written
    db.execute("DROP VIEW targets_vs_actuals")
    db.execute("CREATE VIEW targets_vs_actuals AS SELECT 1 AS reached")   # as an older release left it
    db.conn.close()
    db = store.connect(path)
    stored = dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'").fetchall())
    assert {name: stored[name] for name in VIEWS} == VIEWS
    assert "target_evidence" in [c[0] for c in db.execute("SELECT * FROM targets_vs_actuals").description]


def test_migration_2_backfills_a_version_1_database(tmp_path):
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE _migrations (version INTEGER PRIMARY KEY, applied TEXT)")
    for statement in store.split_statements(store.MIGRATIONS[0][1]):
        conn.execute(statement)
    conn.execute("INSERT INTO _migrations VALUES (1, 'then')")
    conn.execute("INSERT INTO documents(id, url, status, title, text) VALUES (1, 'u1', 'ok', 'Đà Nẵng', "
                 "'Đà Nẵng đứng thứ 2.')")
    for _ in range(2):  # one document stating it twice: one document, not two
        conn.execute("INSERT INTO facts(document_id, subject, subject_type, metric, year, kind, value, "
                     "total, evidence) VALUES (1, 'Đà Nẵng', 'province', 'dti', 2024, 'rank', 2, 34, "
                     "'Đà Nẵng đứng thứ 2.')")
    conn.close()
    db = store.connect(path)
    got = rows(db, "SELECT subject, rank, total, rank_documents FROM dti_rankings")
    assert got == [{"subject": "Đà Nẵng", "rank": 2, "total": 34, "rank_documents": 1}]
    assert db.execute("SELECT rowid FROM documents_fts WHERE documents_fts MATCH 'da nang'").fetchall() == [(1,)]


def test_dti_rankings_counts_documents_and_separates_rankings(db):
    got = rows(db, "SELECT year, rank, total, rank_documents, rank_values, score, scale, score_documents "
                   "FROM dti_rankings WHERE subject = 'Lào Cai' AND metric = 'dti' ORDER BY year")
    assert got == [
        {"year": 2023, "rank": 18, "total": 63, "rank_documents": 1, "rank_values": 1,
         "score": 0.5403, "scale": 1, "score_documents": 1},
        # two documents say 14/34, one says 15/34: the most-stated rank, and that there are 2 answers
        {"year": 2024, "rank": 14, "total": 34, "rank_documents": 2, "rank_values": 2,
         "score": 0.7167, "scale": 1, "score_documents": 2},
    ]
    # Hà Nội's rank has no stated total, but its document ranks only out of 34: that ranking
    assert rows(db, "SELECT rank, total FROM dti_rankings WHERE subject = 'Hà Nội'") == [{"rank": 1, "total": 34}]
    # metrics outside the vocabulary are indicators, not rankings
    assert not rows(db, "SELECT * FROM dti_rankings WHERE metric IN ('dti_agency', 'fibre_households')")


def test_dti_rankings_lists_a_score_without_rank(tmp_path):
    db = db_samples.build(tmp_path / "s.sqlite", [D("u:s", "t", "2025-01-01", "o", [
        F("Cao Bằng đạt 0,41 điểm DTI 2024.", "Cao Bằng", "dti", "score", 0.41, 2024, scale=1)])])
    assert rows(db, "SELECT subject, rank, score, score_documents FROM dti_rankings") == [
        {"subject": "Cao Bằng", "rank": None, "score": 0.41, "score_documents": 1}]


def test_resaving_a_document_replaces_its_facts_and_counts(db):
    corrected = D(db_samples.DOCS[2].url, "Lào Cai thứ 14 về DTI", "2025-10-24", "Báo Khác", [
        F(db_samples.S_LC_14, "Lào Cai", "dti", "rank", 14, 2024, total=34)])
    db_samples.save(db, corrected)
    db_samples.save(db, corrected)  # saved twice: still one document, one fact
    got = rows(db, "SELECT rank, rank_documents, rank_values, score_documents FROM dti_rankings "
                   "WHERE subject = 'Lào Cai' AND metric = 'dti' AND year = 2024")
    assert got == [{"rank": 14, "rank_documents": 3, "rank_values": 1, "score_documents": 1}]
    assert db.execute("SELECT count(*) FROM documents WHERE url = ?", [corrected.url]).fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM fact_claims WHERE documents <= 0").fetchone()[0] == 0


def test_summary_tables_match_a_recount_from_facts(db):
    recount = db.execute("SELECT count(*) FROM (SELECT DISTINCT subject, subject_type, province, metric, "
                         "year, kind, is_target, round(value, 6), total FROM facts)").fetchone()[0]
    assert db.execute("SELECT count(*) FROM fact_claims").fetchone()[0] == recount
    assert db.execute("SELECT sum(documents) FROM fact_claims").fetchone()[0] == \
        db.execute("SELECT count(*) FROM facts").fetchone()[0]
    assert db.execute("SELECT sum(n_values) FROM fact_groups").fetchone()[0] == recount


def test_a_figure_repeated_in_one_document_is_stored_once(tmp_path):
    db = store.connect(tmp_path / "d.sqlite")
    text = "Đà Nẵng xếp thứ 2/34."
    fact = Fact(subject="Đà Nẵng", subject_type="province", metric="dti", metric_phrase="DTI", kind="rank",
                value=2, evidence=text, start=0, end=len(text), year=2024, total=34)
    _, n = store.save_document(db, Document(url="u:dup", text=text), [fact, fact])
    assert n == 1
    assert db.execute("SELECT count(*) FROM facts").fetchone()[0] == 1


def test_a_failing_write_leaves_everything_as_it_was(db):
    before = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("documents", "facts", "fact_claims", "fact_groups", "facts_fts", "documents_fts")}
    bad = Fact(subject="Huế", subject_type="province", metric="dti", metric_phrase="DTI", kind="rank",
               value=3, evidence=None, start=0, end=0)  # evidence is NOT NULL in the schema
    with pytest.raises(sqlite3.IntegrityError):
        store.save_document(db, Document(url=db_samples.DOCS[0].url, text="other"), [bad])
    after = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in before}
    assert after == before
    assert db.execute("SELECT text FROM documents WHERE url = ?", [db_samples.DOCS[0].url]).fetchone()[0] \
        .startswith("Lào Cai tăng hạng")


def test_deleting_a_document_removes_its_facts_everywhere(db):
    url = db_samples.DOCS[2].url
    doc_id = db.execute("SELECT id FROM documents WHERE url = ?", [url]).fetchone()[0]
    db.execute("DELETE FROM documents WHERE id = ?", [doc_id])
    assert db.execute("SELECT count(*) FROM facts WHERE document_id = ?", [doc_id]).fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM documents_fts WHERE rowid = ?", [doc_id]).fetchone()[0] == 0
    db = store.connect(db.conn.execute("PRAGMA database_list").fetchone()[2])   # a hand-made write: figures on opening
    got = rows(db, "SELECT rank, rank_values FROM dti_rankings WHERE subject = 'Lào Cai' AND year = 2024 "
                   "AND metric = 'dti'")
    assert got == [{"rank": 14, "rank_values": 1}]


def test_indicators_hold_the_other_figures_with_provenance(db):
    got = rows(db, "SELECT subject, subject_type, province, metric, kind, value, is_target, documents, url "
                   "FROM indicators ORDER BY subject, is_target")
    assert {(r["subject"], r["metric"], r["kind"], r["value"], r["is_target"]) for r in got} == {
        ("Lào Cai", "fibre_households", "percent", 70.8, 0),
        ("Lào Cai", "fibre_households", "percent", 80, 1),
        ("Lào Cai", "dti", "top_n", 20, 1),
        ("Sở Y tế", "dti_agency", "rank", 3, 0),
    }
    agency = next(r for r in got if r["subject"] == "Sở Y tế")
    assert agency["province"] == "Lào Cai" and agency["url"] == db_samples.DOCS[0].url
    assert agency["documents"] == 1


def test_targets_stand_beside_the_latest_achieved_figure(db):
    got = {r["metric"]: r for r in rows(db, "SELECT * FROM targets_vs_actuals WHERE subject = 'Lào Cai'")}
    top = got["dti"]
    # latest 2024 rank: the most recently published document (15/34) — still inside the top 20
    assert (top["target_kind"], top["target_value"], top["target_year"]) == ("top_n", 20, 2025)
    assert (top["actual_kind"], top["actual_value"], top["actual_year"], top["reached"]) == ("rank", 15, 2024, 1)
    assert top["actual_url"] == db_samples.DOCS[2].url
    fibre = got["fibre_households"]
    assert (fibre["target_value"], fibre["actual_value"], fibre["reached"]) == (80, 70.8, 0)
    assert fibre["actual_evidence"] == db_samples.S_LC_FIBRE


def test_province_history_shows_merged_provinces_with_their_2025_province(db):
    got = rows(db, "SELECT stated_as, merged, year, kind, value FROM province_history "
                   "WHERE province_2025 = 'Lào Cai' AND metric = 'dti' AND kind = 'rank' AND is_target = 0 "
                   "ORDER BY year, stated_as, value")
    assert got == [
        {"stated_as": "Lào Cai", "merged": 0, "year": 2023, "kind": "rank", "value": 18},
        {"stated_as": "Yên Bái", "merged": 1, "year": 2023, "kind": "rank", "value": 20},
        {"stated_as": "Lào Cai", "merged": 0, "year": 2024, "kind": "rank", "value": 14},
        {"stated_as": "Lào Cai", "merged": 0, "year": 2024, "kind": "rank", "value": 14},
        {"stated_as": "Lào Cai", "merged": 0, "year": 2024, "kind": "rank", "value": 15},
    ]
    assert not rows(db, "SELECT * FROM province_history WHERE province_2025 = 'Yên Bái'")


def test_subjects_and_metrics_seen_in_facts_are_registered(db):
    assert rows(db, "SELECT name, type, province, origin FROM subjects WHERE name = 'Sở Y tế'") == [
        {"name": "Sở Y tế", "type": "agency", "province": "Lào Cai", "origin": "facts"}]
    assert rows(db, "SELECT id, vocabulary FROM metrics WHERE id = 'fibre_households'") == [
        {"id": "fibre_households", "vocabulary": 0}]


@pytest.mark.parametrize("sql, index", [
    ("SELECT * FROM facts WHERE subject = 'Lào Cai' AND year = 2024", "facts_subject_year"),
    ("SELECT * FROM facts WHERE metric = 'dti' AND year = 2024 AND kind = 'rank'", "facts_metric_year"),
    ("SELECT * FROM fact_groups WHERE n_values > 1", "fact_groups_disputed"),
    ("SELECT * FROM province_history WHERE province_2025 = 'Lào Cai'", "subjects_name_2025"),
])
def test_researchers_queries_use_an_index(db, sql, index):
    db.execute("ANALYZE")
    plan = " ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql))
    assert index in plan, plan


@pytest.mark.parametrize("typed, expected", [
    ("Thanh Hoá", ("Thanh Hóa", "province")),
    ("tỉnh Thanh Hóa", ("Thanh Hóa", "province")),
    ("TP.HCM", ("Hồ Chí Minh", "province")),
    ("Thành phố Hồ Chí Minh", ("Hồ Chí Minh", "province")),
    ("Thừa Thiên - Huế", ("Huế", "province")),
    ("Bà Rịa-Vũng Tàu", ("Bà Rịa - Vũng Tàu", "province")),
    ("Da Nang", ("Đà Nẵng", "province")),
    ("so y te", ("Sở Y tế", "agency")),
])
def test_resolve_subject_folds_spellings_and_prefixes(db, typed, expected):
    assert reference_data.resolve_subject(db, typed) == [expected]


def test_resolve_subject_prefers_the_district_when_named_as_such(tmp_path):
    db = db_samples.build(tmp_path / "x.sqlite", [D("u:x", "t", "2025-01-01", "o", [
        F("Thành phố Lào Cai dẫn đầu khối huyện.", "thành phố Lào Cai", "dti_district", "rank", 1, 2024,
          subject_type="district", province="Lào Cai")])])
    assert reference_data.resolve_subject(db, "TP. Lào Cai") == [("thành phố Lào Cai", "district")]
    assert reference_data.resolve_subject(db, "tỉnh Lào Cai") == [("Lào Cai", "province")]
    assert reference_data.resolve_subject(db, "Lào Cai") == [("Lào Cai", "province")]
    assert reference_data.resolve_subject(db, "Atlantis") == []


def test_resolve_subject_finds_a_district_named_without_its_prefix(tmp_path):
    db = db_samples.build(tmp_path / "x.sqlite", [D("u:x", "t", "2025-01-01", "o", [
        F("Huyện Bắc Hà xếp thứ 2 khối huyện.", "huyện Bắc Hà", "dti_district", "rank", 2, 2024,
          subject_type="district", province="Lào Cai")])])
    assert reference_data.resolve_subject(db, "Bac Ha") == [("huyện Bắc Hà", "district")]
    assert reference_data.resolve_subject(db, "H. Bắc Hà") == [("huyện Bắc Hà", "district")]
