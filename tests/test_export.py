"""export: the spec's JSONL/CSV, and a Frictionless data package that `frictionless validate` accepts."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import store
from pipeline.cli import cli
from pipeline.research.export import FIELDS, SPEC_FIELDS, export_package

from tests import db_samples

FRICTIONLESS = Path(sys.executable).parent / "frictionless"


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "dti.sqlite"
    db_samples.build(path)
    return path


def validate(descriptor: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(FRICTIONLESS), "validate", str(descriptor)], capture_output=True, text=True,
                          timeout=300)


def test_jsonl_export_has_the_spec_fields_and_exact_evidence(db_path):
    out = CliRunner().invoke(cli, ["export", "--db", str(db_path)])
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in out.output.splitlines()]
    assert len(rows) == 17
    assert list(rows[0])[:len(SPEC_FIELDS)] == SPEC_FIELDS
    texts = dict(store.connect(db_path).execute("SELECT url, text FROM documents").fetchall())
    for r in rows:
        assert texts[r["url"]][r["start"]:r["end"]] == r["evidence"]
    first = next(r for r in rows if r["subject"] == "Đà Nẵng")
    assert (first["value"], first["total"], first["is_target"], first["published"]) == (2, 34, False, "2025-10-22")


def test_data_package_is_valid_and_complete(db_path, tmp_path):
    out_dir = tmp_path / "extracted"
    result = CliRunner().invoke(cli, ["export", "--db", str(db_path), "--format", "dataset", "-o", str(out_dir)])
    assert result.exit_code == 0, result.output
    assert "17 facts, 5 documents" in result.output
    descriptor = out_dir / "datapackage.json"
    checked = validate(descriptor)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "INVALID" not in checked.stdout

    package = json.loads(descriptor.read_text(encoding="utf-8"))
    assert package["licenses"][0]["name"] == "GPL-3.0-or-later"
    assert {s["title"] for s in package["sources"]} >= {"Báo Lào Cai", "Tin Tức Số", "Báo Yên Bái"}
    assert {s.get("path") for s in package["sources"]} >= {"https://baolaocai.example/"}
    names = {r["name"]: r for r in package["resources"]}
    # the consolidated figures first: what a researcher reads; the facts are their provenance
    assert [r["name"] for r in package["resources"]] == ["figures", "facts", "facts-jsonl", "documents",
                                                         "subjects", "metrics"]
    assert [f["name"] for f in names["facts"]["schema"]["fields"]] == FIELDS
    assert all(f.get("description") for f in names["facts"]["schema"]["fields"])
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(
        ["datapackage.json", "figures.csv", "facts.csv", "facts.jsonl", "documents.csv", "subjects.csv",
         "metrics.csv"])
    with open(out_dir / "figures.csv", encoding="utf-8", newline="") as fh:
        lao_cai = [r for r in csv.DictReader(fh)
                   if (r["subject"], r["kind"], r["metric"]) == ("Lào Cai", "rank", "dti")
                   and r["year"] == "2024"]
    assert [(r["value"], r["ranking"], r["documents"], r["status"]) for r in lao_cai] == [("14", "34", "2", "disputed")]

    with open(out_dir / "facts.csv", encoding="utf-8", newline="") as fh:
        csv_rows = list(csv.DictReader(fh))
    jsonl_rows = [json.loads(line) for line in (out_dir / "facts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(csv_rows) == len(jsonl_rows) == 17
    assert [r["evidence"] for r in csv_rows] == [r["evidence"] for r in jsonl_rows]
    with open(out_dir / "subjects.csv", encoding="utf-8", newline="") as fh:
        yen_bai = next(r for r in csv.DictReader(fh) if r["name"] == "Yên Bái")
    assert (yen_bai["code"], yen_bai["name_2025"]) == ("15", "Lào Cai")


def test_validation_really_checks_the_links_between_files(db_path, tmp_path):
    # a fact about a subject that subjects.csv does not list must make the package invalid
    export_package(str(db_path), tmp_path)
    facts = (tmp_path / "facts.csv").read_text(encoding="utf-8")
    (tmp_path / "facts.csv").write_text(facts.replace("Đà Nẵng,province", "Atlantis,province", 1),
                                        encoding="utf-8")
    checked = validate(tmp_path / "datapackage.json")
    assert checked.returncode != 0
    assert "foreign" in (checked.stdout + checked.stderr).lower()


def test_reexport_replaces_the_files_and_leaves_no_parts(db_path, tmp_path):
    export_package(str(db_path), tmp_path)
    db = store.connect(db_path)
    db.execute("DELETE FROM documents WHERE url = ?", [db_samples.DOCS[0].url])
    package = export_package(str(db_path), tmp_path)
    assert package.rows["facts"] == 12 and package.rows["documents"] == 4
    assert not list(tmp_path.glob(".*.part"))
    assert len((tmp_path / "facts.jsonl").read_text(encoding="utf-8").splitlines()) == 12
