"""Bad paths at the command line: one line on stderr naming the path and the fix, and exit 1 (a
path that does not exist where a file is required stays misuse, 2, as its tests say). No
traceback, whatever the command."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from tests import db_samples

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def places(tmp_path_factory):
    d = tmp_path_factory.mktemp("paths")
    db = d / "dti.sqlite"
    db_samples.build(db)
    shutil.copy(ROOT / "README.md", d / "readme.sqlite")      # a file that is no database
    (d / "plain.txt").write_text("a file, not a folder\n", encoding="utf-8")
    (d / "doc.txt").write_text("Tiêu đề\n\nLào Cai xếp thứ 14/34 về chỉ số chuyển đổi số năm 2024.\n",
                               encoding="utf-8")
    (d / "official.csv").write_text("Tỉnh, thành phố,Điểm,Xếp hạng\nLào Cai,0.7167,14\n", encoding="utf-8")
    return {"db": str(db), "notdb": str(d / "readme.sqlite"), "under_file": str(d / "plain.txt" / "x"),
            "doc": str(d / "doc.txt"), "csv": str(d / "official.csv"), "dir": d}


def one_line_error(result, code: int = 1) -> str:
    err = result.stderr.strip()
    assert result.exit_code == code, (result.exit_code, result.output)
    assert len(err.splitlines()) == 1 and err.startswith("error: ") and "Traceback" not in result.output, err
    return err


NOT_A_DATABASE = [
    ["query"], ["query", "--list-subjects"], ["search", "Lào Cai"], ["export"], ["export", "--format", "package"],
    ["audit"], ["plot", "Lào Cai"], ["check", "--subject", "Lào Cai", "--kind", "rank", "--value", "14", "--year",
                                       "2024"],
    ["serve", "--port", "0"], ["reprocess"], ["ingest", "{doc}"], ["import-reference", "{csv}", "--year", "2024"],
]


@pytest.mark.parametrize("args", NOT_A_DATABASE, ids=lambda a: " ".join(a[:2]))
def test_a_db_that_is_not_a_database(places, args):
    args = [a.format(**places) for a in args] + ["--db", places["notdb"]]
    err = one_line_error(CliRunner().invoke(cli, args))
    assert places["notdb"] in err and "not a database" in err and "--db" in err


UNWRITABLE = [
    (["export", "--output", "{under_file}.jsonl"], "folder"),
    (["export", "--format", "csv", "--output", "{under_file}.csv"], "folder"),
    (["export", "--format", "package", "--output", "{under_file}"], "folder"),
    (["audit", "--format", "csv", "--output", "{under_file}.csv"], "folder"),
    (["plot", "Lào Cai", "--output", "{under_file}.png"], "folder"),
    (["serve", "--port", "0", "--metadata-out", "{under_file}.json"], "folder"),
]


@pytest.mark.parametrize("args,says", UNWRITABLE, ids=lambda a: " ".join(a[:2]) if isinstance(a, list) else a)
def test_an_output_that_cannot_be_written(places, args, says):
    args = [a.format(**places) for a in args] + ["--db", places["db"]]
    err = one_line_error(CliRunner().invoke(cli, args))
    assert "plain.txt" in err and says in err


@pytest.mark.parametrize("args", [
    ["ingest", "{doc}"], ["import-reference", "{csv}", "--year", "2024"], ["demo"],
    ["harvest", "--sources", str(ROOT / "sources.yaml")]], ids=lambda a: a[0])
def test_a_db_in_a_folder_that_cannot_be(places, args):
    args = [a.format(**places) for a in args] + ["--db", places["under_file"] + ".sqlite"]
    err = one_line_error(CliRunner().invoke(cli, args))
    assert "plain.txt" in err and "folder" in err


def test_a_gold_or_export_that_is_not_jsonl(places):
    err = one_line_error(CliRunner().invoke(cli, ["evaluate", places["notdb"], "--facts", places["doc"]]))
    assert "not a JSONL file" in err and places["notdb"] in err


@pytest.mark.parametrize("args", [
    ["export", "--db", "{dir}"], ["evaluate", "{dir}/nothing.jsonl", "--facts", "{doc}"],
    ["query", "--db", "{dir}/none.sqlite"], ["harvest", "--sources", "{dir}/none.yaml"]], ids=lambda a: a[0])
def test_a_path_that_is_missing_or_a_folder_is_misuse(places, args):
    one_line_error(CliRunner().invoke(cli, [a.format(**places) for a in args]), code=2)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, timeout=120,
                          cwd=ROOT)


def test_the_issues_examples_as_a_user_types_them(places):
    assert not Path("/nonexistent").exists()
    r = run("export", "--db", places["db"], "--output", "/nonexistent/x.jsonl")
    assert r.returncode == 1 and r.stderr.strip().splitlines() == [
        "error: /nonexistent/x.jsonl: no such file or folder; check the path (its folder must exist)"]
    r = run("query", "--db", "README.md")
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1 and "README.md" in r.stderr
    assert not list(ROOT.glob("*harvest.lock"))
