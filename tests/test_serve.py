"""serve: Datasette on the live database with metadata, facets and canned queries.

The browser test starts the real `python -m pipeline serve` on 127.0.0.1 and drives Debian's
headless Chromium with playwright: open the facts table, apply a facet, run a canned query,
save a screenshot.
"""
from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from playwright import sync_api

from pipeline import store
from pipeline.factcheck import audit_queries
from pipeline.research import serve

from tests import db_samples

# Debian's chromium; DTI_CHROMIUM names another build of it (one unpacked outside /usr)
CHROMIUM = Path(os.environ.get("DTI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "dti.sqlite"
    db_samples.build(path)
    return path


def run_canned(db, name, **params):
    cur = db.execute(serve.canned_queries()[name]["sql"], params)
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def test_metadata_describes_tables_facets_and_queries(db_path):
    meta = serve.build_metadata(db_path)
    database = meta["databases"]["dti"]
    assert database["tables"]["facts"]["facets"] == ["subject", "metric", "year", "kind"]
    assert database["tables"]["facts"]["columns"]["year"].startswith("The year the figure is about")
    assert meta["license"] == "GPL-3.0-or-later"
    assert list(database["queries"])[:3] == ["ranking", "province_history", "disputed"]
    assert {"document_figures", "targets_against_actuals"} <= set(database["queries"])
    # crawl internals are hidden; the dataset's tables and views are described
    assert all(database["tables"][t].get("hidden") for t in ("frontier", "runs", "fact_groups", "captures"))
    assert database["tables"]["figures"]["sort"] == "subject"
    tables = set(store.connect(db_path).table_names()) | set(store.connect(db_path).view_names())
    assert set(k for k, v in database["tables"].items() if not v.get("hidden")) <= tables


def test_the_audit_queries_are_served_beside_the_researchers(db_path):
    queries = serve.canned_queries()
    assert set(audit_queries.CANNED_QUERIES) <= set(queries)
    assert set(serve.CANNED_QUERIES) <= set(queries)
    assert all(queries[name]["sql"] == q["sql"] for name, q in audit_queries.CANNED_QUERIES.items())


def test_canned_province_history_spans_the_merger_with_sources(db_path):
    db = store.connect(db_path)
    for typed in ("Lào Cai", "lao cai"):
        got = run_canned(db, "province_history", province=typed)
        assert {(r["year"], r["stated_as"], r["kind"], r["value"], r["documents"], r["status"]) for r in got
                if r["metric"] == "dti"} == {
            (2023, "Lào Cai", "rank", 18, 1, "single_source"), (2023, "Lào Cai", "score", 0.5403, 1, "single_source"),
            (2023, "Yên Bái", "rank", 20, 1, "single_source"), (2023, "Yên Bái", "score", 0.5521, 1, "single_source"),
            # one question, two answers: the majority with its documents, the other listed
            (2024, "Lào Cai", "rank", 14, 2, "disputed"), (2024, "Lào Cai", "score", 0.7167, 2, "agreed")}
        assert all(r["url"] and r["evidence"] for r in got)
    # Yên Bái on its own: only its own figures, not Lào Cai's
    assert {r["stated_as"] for r in run_canned(db, "province_history", province="Yên Bái")} == {"Yên Bái"}


def test_canned_document_figures_by_url_or_id(db_path):
    db = store.connect(db_path)
    url = db_samples.DOCS[3].url
    by_url = run_canned(db, "document_figures", document=url)
    doc_id = db.execute("SELECT id FROM documents WHERE url = ?", [url]).fetchone()[0]
    assert [r["fact_id"] for r in run_canned(db, "document_figures", document=str(doc_id))] == \
        [r["fact_id"] for r in by_url]
    assert [(r["subject"], r["kind"]) for r in by_url] == [
        ("Yên Bái", "rank"), ("Yên Bái", "score"), ("Lào Cai", "rank"), ("Lào Cai", "score")]


def test_canned_disputed_counts_documents_and_ignores_scale(db_path):
    db = store.connect(db_path)
    got = run_canned(db, "disputed")
    assert [(r["subject"], r["year"], r["answer"], r["documents"], json.loads(r["other_answers"])) for r in got] == [
        ("Lào Cai", 2024, 14, 2, [{"value": 15, "total": 34, "scale": None, "documents": 1, "outlets": 1}])]
    assert got[0]["url"].startswith("https://")
    # the same score written on the 1,000-point scale is not a disagreement
    db_samples.save(db, db_samples.D("https://scale.example/a", "t", "2025-11-01", "o", [
        db_samples.F("Lào Cai đạt 716,7/1.000 điểm DTI 2024.", "Lào Cai", "dti", "score", 716.7, 2024,
                     scale=1000)]))
    assert [r["kind"] for r in run_canned(db, "disputed")] == ["rank"]
    # one document stating a rank twice, differently, is not a dispute between sources
    db_samples.save(db, db_samples.D("https://self.example/a", "t", "2025-11-02", "o", [
        db_samples.F("Cà Mau thứ 30/34.", "Cà Mau", "dti", "rank", 30, 2024, total=34),
        db_samples.F("Cà Mau thứ 31/34.", "Cà Mau", "dti", "rank", 31, 2024, total=34)]))
    assert [r["subject"] for r in run_canned(db, "disputed")] == ["Lào Cai"]


def test_canned_ranking_one_row_per_province_with_integer_ranks(db_path):
    db = store.connect(db_path)
    got = run_canned(db, "ranking", year="2024", size="", metric="")
    assert [(r["rank"], r["province"]) for r in got] == [(1, "Hà Nội"), (2, "Đà Nẵng"), (5, "Thanh Hóa"),
                                                         (14, "Lào Cai")]
    assert all(type(r["rank"]) is int for r in got)
    assert run_canned(db, "ranking", year="2024", size="63", metric="") == []


def test_canned_targets_for_one_subject_or_all(db_path):
    db = store.connect(db_path)
    every = run_canned(db, "targets_against_actuals", subject="")
    assert {(r["metric"], r["target_value"], r["actual_value"], r["reached"]) for r in every} == {
        ("dti", 20, 15, 1), ("fibre_households", 80, 70.8, 0)}
    assert run_canned(db, "targets_against_actuals", subject="Lào Cai") == every
    assert run_canned(db, "targets_against_actuals", subject="Hà Nội") == []


def test_datasette_accepts_the_metadata_and_runs_every_canned_query(db_path, tmp_path):
    meta = tmp_path / "m.json"
    meta.write_text(json.dumps(serve.build_metadata(db_path), ensure_ascii=False), encoding="utf-8")
    for name in serve.canned_queries():
        params = {"province_history": "?province=lao+cai", "document_figures": "?document=1",
                  "targets_against_actuals": "?subject=", "ranking": "?year=2024&size=&metric="}.get(name, "")
        cmd = serve.datasette_command(db_path, meta, "127.0.0.1", 0) + ["--get", f"/dti/{name}.json{params}"]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout)["ok"] is True, (name, out.stdout[:300])


def wait_until_up(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited with {proc.returncode}: {proc.stdout.read()}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {timeout} s")


@contextlib.contextmanager
def serving(db_path):
    """`python -m pipeline serve` on a free port of 127.0.0.1, up; its base URL."""
    port = serve.free_port()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--db", str(db_path), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/dti.json", proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture
def served(db_path, tmp_path):
    with serving(db_path) as base:
        yield base


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (make system-deps)")
def test_browser_facts_facet_canned_query_and_screenshot(served, db_path, tmp_path):
    db = store.connect(db_path)
    total = db.execute("SELECT count(*) FROM facts").fetchone()[0]
    lao_cai = db.execute("SELECT count(*) FROM facts WHERE subject = 'Lào Cai'").fetchone()[0]
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(served + "/dti/facts")
            assert page.locator("h1").first.inner_text().strip() == "Facts"
            assert f"{total} rows" in page.locator("h3").first.inner_text()
            assert "with the sentence that states it" in page.locator(".metadata-description").inner_text()

            # the subject facet, configured in the metadata, lists Lào Cai with its count
            facet = page.locator("#facet-subject")
            link = facet.locator("li", has_text="Lào Cai").first
            assert str(lao_cai) in link.inner_text()
            link.locator("a").first.click()
            page.wait_for_load_state()
            assert "subject=L%C3%A0o+Cai" in page.url or "subject=Lào+Cai" in page.url
            assert f'{lao_cai} rows where subject = "Lào Cai"' in page.locator("h3").first.inner_text()
            subjects = page.locator("td.col-subject").all_inner_texts()
            assert subjects and set(subjects) == {"Lào Cai"}

            # the canned query, typed without marks, shows Yên Bái's figures with Lào Cai
            page.goto(served + "/dti/province_history")
            page.fill("input[name=province]", "lao cai")
            page.click("input[type=submit]")
            page.wait_for_load_state()
            stated = page.locator("td.col-stated_as").all_inner_texts()
            assert {"Lào Cai", "Yên Bái"} <= set(stated)
            assert set(page.locator("td.col-province_2025").all_inner_texts()) == {"Lào Cai"}
            shot = tmp_path / "province_history.png"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_column_descriptions_name_only_columns_the_table_has(db_path):
    db = store.connect(db_path)
    tables = serve.build_metadata(db_path)["databases"]["dti"]["tables"]
    for name, meta in tables.items():
        if meta.get("hidden") or not meta.get("columns"):
            continue
        have = {c[0] for c in db.execute(f"SELECT * FROM [{name}] LIMIT 0").description}
        assert set(meta["columns"]) <= have, (name, set(meta["columns"]) - have)
        if meta.get("sort"):
            assert meta["sort"] in have, name
