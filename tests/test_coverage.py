"""`coverage`: province × data year, rank and score, documents and sources, official tables.

A small hand-made database pins the rules (which ranking a figure belongs to, most-stated values,
sources, official tables); the demo's database and one built by ingesting ../shared/dev (skipped
when that folder is absent) check the grid, the plot and the counts against direct SQL.
"""
from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from pipeline import store
from pipeline.research import coverage as cv
from pipeline.research import serve
from tests.db_samples import D, F, save

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

DOCS = [
    D("https://a.example/1", "DTI 2023", "2024-06-01T08:00:00+07:00", "Báo A", [
        F("Lào Cai xếp thứ 18/63 năm 2023.", "Lào Cai", "dti", "rank", 18, 2023, total=63),
        F("Lào Cai đạt 0,5403 điểm năm 2023.", "Lào Cai", "dti", "score", 0.5403, 2023, scale=1),
        F("Yên Bái xếp thứ 20 năm 2023.", "Yên Bái", "dti", "rank", 20, 2023),
    ]),
    D("https://a.example/2", "DTI 2023 lại", "2024-06-02T08:00:00+07:00", "Báo A", [
        F("Lào Cai đứng thứ 18/63 tỉnh năm 2023.", "Lào Cai", "dti", "rank", 18, 2023, total=63),
    ]),
    D("https://b.example/3", "DTI 2023 khác", "2024-06-03T08:00:00+07:00", "Báo B", [
        F("Lào Cai thứ 19/63 năm 2023.", "Lào Cai", "dti", "rank", 19, 2023, total=63),
        F("Lào Cai đạt 540,3/1.000 điểm.", "Lào Cai", "dti", "score", 540.3, 2023, scale=1000),
        # a target and a district are not the province's figures
        F("Mục tiêu Lào Cai vào top 10 năm 2023.", "Lào Cai", "dti", "rank", 10, 2023, is_target=True),
        F("Huyện Bắc Hà xếp thứ 2 năm 2023.", "Bắc Hà", "dti", "rank", 2, 2023, subject_type="district",
          province="Lào Cai"),
    ]),
    D("https://b.example/4", "DTI 2024", "2025-10-22T08:00:00+07:00", "Báo B", [
        F("Lào Cai xếp thứ 14/34 năm 2024.", "Lào Cai", "dti", "rank", 14, 2024, total=34),
        F("Huế xếp thứ 2 năm 2024.", "Huế", "dti", "rank", 2, 2024),
        F("Hà Giang đạt 0,61 điểm năm 2024.", "Hà Giang", "dti", "score", 0.61, 2024),
        F("Lào Cai đạt 0,6 điểm chính quyền số năm 2022.", "Lào Cai", "dti.government", "score", 0.6, 2022),
    ]),
]


@pytest.fixture
def small(tmp_path):
    path = tmp_path / "small.sqlite"
    db = store.connect(path)
    for d in DOCS:
        save(db, d)
    return path, db


def cells(cov, scope):
    return {(c.province, c.year): c for c in cov.cells if c.scope == scope}


def test_figures_go_to_the_ranking_their_size_or_year_names(small):
    _, db = small
    cov = cv.coverage(db, "dti", 2022, 2024)
    c63, c34 = cells(cov, 63), cells(cov, 34)
    assert len(c63) == 63 * 3 and len(c34) == 34 * 3
    lc = c63[("Lào Cai", 2023)]
    # 18 is stated by two documents, 19 by one; the two scores are one on the 0-1 scale
    assert (lc.status, lc.rank, lc.rank_documents, lc.rank_values) == ("complete", 18, 3, 2)
    assert (lc.score, lc.score_documents, lc.score_values, lc.documents, lc.sources) == (0.5403, 2, 1, 3, 2)
    assert c63[("Yên Bái", 2023)].status == "rank only" and c63[("Yên Bái", 2023)].province_2025 == "Lào Cai"
    # 14/34 is a rank of the 34, not of the 63; a 2024 rank without its size counts in both
    assert c63[("Lào Cai", 2024)].status == "missing" and c34[("Lào Cai", 2024)].rank == 14
    assert c63[("Huế", 2024)].rank == 2 and c34[("Huế", 2024)].rank == 2
    assert c63[("Hà Giang", 2024)].status == "score only" and ("Hà Giang", 2024) not in c34
    # the 34 were first ranked for 2024; another metric's figures are not counted
    assert c34[("Lào Cai", 2023)].status == "not ranked" and c63[("Lào Cai", 2022)].status == "missing"
    statuses = [c.status for c in cov.cells]
    assert statuses == sorted(statuses, key=cv.STATUSES.index), "gaps come first"


def test_an_official_table_marks_the_cells_it_covers(small, tmp_path):
    path, db = small
    from pipeline.factcheck.official import import_reference
    table = tmp_path / "dti-2023.csv"
    table.write_text("Tỉnh,Xếp hạng,Điểm\nLào Cai,18,0.5403\nBắc Kạn,63,0.3\n", encoding="utf-8")
    import_reference(str(path), table, year=2023, total=63)
    cov = cv.coverage(store.connect(path), "dti", 2023, 2023)
    official = {c.province for c in cov.cells if c.official}
    assert official == {"Lào Cai", "Bắc Kạn"}
    assert cells(cov, 63)[("Bắc Kạn", 2023)].status == "missing", "an official table is not a document"
    assert "2 backed by an official table" in cv.summary(cov, 63)


def test_years_default_to_the_latest_stored_and_bad_options_are_misuse(small):
    _, db = small
    from pipeline.errors import UsageError
    cov = cv.coverage(db)
    assert (cov.from_year, cov.to_year) == (2020, 2024)
    with pytest.raises(UsageError, match="unknown metric 'nope'; choose from"):
        cv.coverage(db, "nope")
    with pytest.raises(UsageError, match="before --from"):
        cv.coverage(db, "dti", 2024, 2022)
    with pytest.raises(UsageError, match="end the name with one of"):
        cv.plot(cov, "grid.xyz")


def test_canned_query_is_the_same_report(small):
    _, db = small
    sql = serve.canned_queries()["dti_coverage"]["sql"]
    cur = db.execute(sql, {"metric": "", "from_year": "", "to_year": ""})
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r)) for r in cur.fetchall()]
    report = cv.coverage(db)
    assert [(r["scope"], r["province"], r["year"], r["status"], r["documents"]) for r in rows] == \
        [(c.scope, c.province, c.year, c.status, c.documents) for c in report.cells]


def test_datasette_runs_the_canned_query(small, tmp_path):
    path, _ = small
    meta = tmp_path / "m.json"
    meta.write_text(json.dumps(serve.build_metadata(path), ensure_ascii=False), encoding="utf-8")
    cmd = serve.datasette_command(path, meta, "127.0.0.1", 0) + [
        "--get", f"/{path.stem}/dti_coverage.json?metric=dti&from_year=2023&to_year=2023&_shape=array"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    lc = next(r for r in rows if r["scope"] == 63 and r["province"] == "Lào Cai")
    assert (lc["status"], lc["rank"], lc["documents"]) == ("complete", 18, 3)
    assert len(rows) == 63 + 34


# -- real databases: the demo's, and one ingested from ../shared/dev ------------------------------

def direct_counts(db_path, scope: int, y0: int, y1: int) -> dict[tuple[str, int], tuple[int, int, int]]:
    """(province, year) → (documents, rank documents, score documents), counted straight from facts."""
    names = "name" if scope == 63 else "name_2025"
    own_years = f"year <= {cv.LAST_YEAR_OF_63}" if scope == 63 else f"year >= {cv.FIRST_YEAR_OF_34}"
    sql = f"""SELECT subject, year, count(DISTINCT document_id),
                     count(DISTINCT CASE WHEN kind = 'rank' THEN document_id END),
                     count(DISTINCT CASE WHEN kind = 'score' THEN document_id END)
              FROM facts
              WHERE metric = 'dti' AND subject_type = 'province' AND is_target = 0 AND kind IN ('rank', 'score')
                AND year BETWEEN ? AND ?
                AND subject IN (SELECT {names} FROM subjects WHERE type = 'province' AND code IS NOT NULL)
                AND CASE WHEN kind = 'rank' AND total IS NOT NULL THEN total = {scope} ELSE {own_years} END
              GROUP BY subject, year"""
    conn = sqlite3.connect(db_path)
    try:
        return {(s, y): (n, r, sc) for s, y, n, r, sc in conn.execute(sql, [y0, y1])}
    finally:
        conn.close()


def check_report(db_path, tmp_path):
    """The grid printed by the CLI, the PNG, and every count against direct SQL."""
    out = subprocess.run([sys.executable, "-m", "pipeline", "coverage", "--db", str(db_path),
                          "--plot", str(tmp_path / "grid.png")], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert "63 provinces (rankings up to DTI 2024)" in out.stdout and "Bắc Kạn" in out.stdout
    png = tmp_path / "grid.png"
    assert png.stat().st_size > 20_000
    with Image.open(png) as im:
        assert im.format == "PNG" and im.width > 500 and im.height > 63 * 15

    report = cv.coverage(store.connect(db_path), "dti", 2020)
    for scope in cv.SCOPES:
        want = direct_counts(db_path, scope, report.from_year, report.to_year)
        got = {(c.province, c.year): (c.documents, c.rank_documents, c.score_documents)
               for c in report.cells if c.scope == scope and c.documents}
        assert got == want, scope
    data = json.loads(subprocess.run([sys.executable, "-m", "pipeline", "coverage", "--db", str(db_path),
                                      "--format", "json"], capture_output=True, text=True, cwd=ROOT).stdout)
    rows = list(csv.DictReader(io.StringIO(cv.to_csv(report))))
    assert len(rows) == len(data["cells"]) == len(report.cells)
    assert data["summary"]["63"]["complete"] == sum(r["status"] == "complete" and r["scope"] == "63" for r in rows)
    return report


@pytest.mark.slow
def test_demo_database(tmp_path):
    from pipeline.demo import run_demo
    db_path = tmp_path / "demo.sqlite"
    run_demo(db_path, out=io.StringIO(), progress=False)
    report = check_report(db_path, tmp_path)
    c63 = cells(report, 63)
    # the sample portal states Yên Bái's 2023 rank of 63 and Lào Cai's 2024 rank of 34
    assert c63[("Yên Bái", 2023)].rank is not None and cells(report, 34)[("Lào Cai", 2024)].status == "complete"


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "dev").is_dir(), reason="../shared/dev is not present")
def test_database_ingested_from_shared_dev(tmp_path):
    from pipeline.harvest import ingest_paths
    db_path = tmp_path / "dev.sqlite"
    ingest_paths(sorted((SHARED / "dev").glob("*.txt")), str(db_path))
    report = check_report(db_path, tmp_path)
    assert sum(c.status == "complete" for c in report.cells) >= 5
