"""`query`: facts by subject (any spelling), metric, year and kind; table, CSV, JSON; errors."""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.errors import UsageError
from pipeline.research.query import COLUMNS, FactQuery, query_facts

from tests import db_samples


db_path, db = db_samples.db_fixtures(db_samples.build)


def run(*args):
    return CliRunner().invoke(cli, ["query", *map(str, args)])


@pytest.mark.parametrize("typed", ["Thanh Hóa", "Thanh Hoá", "thanh hoa", "tỉnh Thanh Hoá", "Tỉnh THANH HÓA"])
def test_subject_folds_tone_spellings_and_prefixes(db, typed):
    got = query_facts(db, FactQuery(subject=typed))
    assert [(r["subject"], r["value"], r["total"]) for r in got] == [("Thanh Hóa", 5, 34)]


def test_filters_combine_and_rows_carry_provenance(db):
    got = query_facts(db, FactQuery(subject="Lào Cai", metric="dti", year=2024, kind="rank"))
    assert sorted((r["value"], r["url"]) for r in got) == [
        (14, "https://baolaocai.example/dti-2024.html"),
        (14, "https://news.example/bang-xep-hang-dti-2024"),
        (15, "https://other.example/dti-2024-lao-cai"),
    ]
    for r in got:
        assert r["evidence"] in (db_samples.S_LC_14, db_samples.S_LC_15)
        assert r["is_target"] is False and r["published"].startswith("2025-10-2")
    assert query_facts(db, FactQuery(subject="Lào Cai", year=2030)) == []


def test_targets_can_be_left_out(db):
    with_targets = query_facts(db, FactQuery(subject="Lào Cai", year=2025))
    assert {r["kind"] for r in with_targets} == {"top_n", "percent"} and all(r["is_target"] for r in with_targets)
    assert query_facts(db, FactQuery(subject="Lào Cai", year=2025, include_targets=False)) == []


def test_with_merged_adds_the_provinces_merged_into_it(db):
    alone = {r["subject"] for r in query_facts(db, FactQuery(subject="Lào Cai", year=2023))}
    merged = {r["subject"] for r in query_facts(db, FactQuery(subject="Lào Cai", year=2023, with_merged=True))}
    assert alone == {"Lào Cai"} and merged == {"Lào Cai", "Yên Bái"}


def test_unknown_subject_and_kind_are_usage_errors_that_name_the_fix(db):
    with pytest.raises(UsageError, match="did you mean Lào Cai"):
        query_facts(db, FactQuery(subject="Lao Kai"))
    with pytest.raises(UsageError, match="use one of rank, score"):
        query_facts(db, FactQuery(kind="ranking"))


def test_cli_table(db_path):
    out = run("--db", db_path, "--subject", "Da Nang")
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0].split() == ["subject", "metric", "year", "kind", "value", "total", "is_target",
                                "published", "url"]
    assert lines[2].split() == ["Đà", "Nẵng", "dti", "2024", "rank", "2", "34", "2025-10-22",
                                "https://news.example/bang-xep-hang-dti-2024"]
    assert lines[-1] == "1 fact"


def test_cli_csv_and_json_carry_every_column(db_path):
    out = run("--db", db_path, "--metric", "dti", "--year", 2023, "--format", "csv")
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.output)))
    assert list(rows[0]) == COLUMNS
    assert sorted((r["subject"], r["kind"], r["value"]) for r in rows) == [
        ("Lào Cai", "rank", "18"), ("Lào Cai", "score", "0.5403"),
        ("Yên Bái", "rank", "20"), ("Yên Bái", "score", "0.5521")]
    out = run("--db", db_path, "--subject", "Sở Y tế", "--format", "json")
    got = json.loads(out.output)
    assert [(r["subject_type"], r["province"], r["value"]) for r in got] == [("agency", "Lào Cai", 3)]


def test_cli_errors_exit_2_with_one_line(tmp_path, db_path):
    out = run("--db", tmp_path / "none.sqlite", "--subject", "Lào Cai")
    assert out.exit_code == 2 and "no database yet" in out.output
    out = run("--db", db_path, "--subject", "Atlantis")
    assert out.exit_code == 2 and out.output.count("\n") == 1 and "no stored subject matches" in out.output
    out = run("--db", db_path, "--with-merged")
    assert out.exit_code == 2 and "--with-merged needs --subject" in out.output


def test_cli_lists_subjects(db_path):
    out = run("--db", db_path, "--list-subjects")
    assert out.exit_code == 0
    assert "Sở Y tế (agency, Lào Cai): 1" in out.output.splitlines()
