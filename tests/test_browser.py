"""What a researcher sees in the browser: `python -m pipeline serve` on the demo database, driven by
Debian's headless Chromium (playwright). Each page is checked as a person reads it and saved as a
screenshot in extracted/screenshots/ (or $DTI_SCREENSHOTS). Skips where /usr/bin/chromium is absent
(`make system-deps` installs it; CI does)."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest


from tests.demo_db import demo_database
from tests.test_serve import CHROMIUM, CHROMIUM_ARGS, serving

ROOT = Path(__file__).resolve().parents[1]
SHOTS = Path(os.environ.get("DTI_SCREENSHOTS", ROOT / "extracted" / "screenshots"))

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(),
                                 reason="needs Debian's chromium at /usr/bin/chromium (make system-deps)")]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    db = tmp_path_factory.mktemp("browser") / "dti.sqlite"
    shutil.copy(demo_database(), db)        # serve records the audit's findings: a copy of its own
    with serving(db) as base:
        yield base


@pytest.fixture(scope="module")
def page(site):
    from playwright import sync_api
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": 1400, "height": 1000})
        finally:
            browser.close()


def shot(page, name: str) -> None:
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.read_bytes()[:4] == b"\x89PNG"


def test_the_front_page_puts_the_dataset_first(site, page):
    page.goto(site + "/dti")
    headings = page.locator("h2").all_inner_texts()
    assert headings[:3] == ["Queries", "Views", "Tables"]
    assert page.locator(".db-table h3").first.inner_text().strip() == "figures"
    tables = " ".join(page.locator(".db-table h3").all_inner_texts())
    assert "frontier" not in tables and "fact_groups" not in tables and "captures" not in tables
    assert "A year's ranking" in page.locator("#queries + ul").inner_text()
    shot(page, "front_page")


def test_the_ranking_of_a_year_has_one_row_per_province(site, page):
    page.goto(site + "/dti/ranking?year=2024&size=34&metric=")
    provinces = page.locator("td.col-province").all_inner_texts()
    ranks = page.locator("td.col-rank").all_inner_texts()
    assert len(provinces) >= 10 and len(provinces) == len(set(provinces))
    assert all(re.fullmatch(r"\d+", r.strip()) for r in ranks), ranks          # 5, never 5.0
    assert [int(r) for r in ranks] == sorted(int(r) for r in ranks)
    shot(page, "ranking_2024")


def test_the_evidence_is_readable_and_a_figure_links_to_its_document(site, page):
    page.goto(site + "/dti/facts_sourced")
    cell = page.locator("td.col-evidence").first
    box = cell.bounding_box()
    assert box["width"] >= 300, box          # room for a sentence, not one word a line
    assert page.locator("td.col-url a").first.get_attribute("href").startswith("http")
    shot(page, "facts_sourced")
    page.goto(site + "/dti/figures?status=agreed")
    link = page.locator("td.col-document_id a").first
    assert link.get_attribute("href").startswith("/dti/documents/")
    assert not re.fullmatch(r"\d+", link.inner_text().strip())               # a title, not a bare id
    shot(page, "figures")


def test_a_province_history_shows_its_sources(site, page):
    page.goto(site + "/dti/province_history?province=lao+cai")
    assert {"Lào Cai", "Yên Bái"} <= set(page.locator("td.col-stated_as").all_inner_texts())
    assert all(u.startswith("http") for u in page.locator("td.col-url").all_inner_texts())
    shot(page, "province_history")
