"""The command line: every command has help and is documented, exit codes, bad sources files."""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = sorted(cli.commands)


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output and len(result.output) > 80


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme(command):
    assert re.search(rf"`{re.escape(command)}[ `]", (ROOT / "README.md").read_text(encoding="utf-8")), command


def test_module_entry_point_runs():
    result = run("--help")
    assert result.returncode == 0 and "harvest" in result.stdout


def test_unknown_option_is_misuse():
    assert run("export", "--no-such-option").returncode == 2


def test_missing_sources_file_exits_2_and_names_the_fix(tmp_path):
    result = run("harvest", "--sources", str(tmp_path / "nope.yaml"), "--db", str(tmp_path / "d.sqlite"))
    assert result.returncode == 2
    assert "nope.yaml" in result.stderr and "--sources" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("content,expected", [
    ("settings: {user_agent: x}\nsources: [{name: a, start_urls: ['http://a.vn/'], allow: ['(']}]\n", "regex"),
    ("settings: {user_agent: x}\nsources: [{name: a, start_urls: ['http://a.vn/'], allow: [], colour: red}]\n",
     "unknown key 'colour'"),
    ("settings: {user_agent: x}\nsources: [{name: a, start_urls: ['http://a.vn/'], allow: [], delay: fast}]\n",
     "'delay' must be number"),
    ("settings: {user_agent: x\nsources: [\n", "not valid YAML"),
    ("settings: {user_agent: x, timeout_read: 0}\nsources: [{name: a, start_urls: ['http://a.vn/'], allow: []}]\n",
     "timeout_read is 0; it must be above 0"),
    ("settings: {user_agent: x, deadline: -5}\nsources: [{name: a, start_urls: ['http://a.vn/'], allow: []}]\n",
     "deadline is -5; it must be above 0 (the default is 120)"),
    ("settings: {user_agent: x, retries: -1}\nsources: [{name: a, start_urls: ['http://a.vn/'], allow: []}]\n",
     "retries is -1; it must be 0 or more"),
])
def test_malformed_sources_file_exits_2_with_one_line(tmp_path, content, expected):
    path = tmp_path / "sources.yaml"
    path.write_text(content, encoding="utf-8")
    result = run("harvest", "--sources", str(path), "--db", str(tmp_path / "d.sqlite"))
    assert result.returncode == 2
    assert expected in result.stderr and "sources.yaml" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_project_sources_file_is_valid():
    from pipeline.config import load_sources
    sf = load_sources(ROOT / "sources.yaml")
    names = {s.name for s in sf.sources}
    assert len(sf.sources) >= 5 and sf.settings.user_agent
    hosts = " ".join(u for s in sf.sources for u in s.start_urls)
    for host in ("baolaocai.vn", "laocai.gov.vn", "thainguyen.gov.vn", "vovworld.vn", "dti.gov.vn"):
        assert host in hosts, host
    assert len(names) == len(sf.sources)


def test_export_without_a_database_is_misuse(tmp_path):
    result = run("export", "--db", str(tmp_path / "none.sqlite"))
    assert result.returncode == 2 and "ingest" in result.stderr


def test_ingest_missing_file_is_misuse(tmp_path):
    result = run("ingest", str(tmp_path / "missing.txt"), "--db", str(tmp_path / "d.sqlite"))
    assert result.returncode == 2 and "missing.txt" in result.stderr


def test_ingest_then_export_jsonl_and_csv(tmp_path):
    doc = tmp_path / "bai.txt"
    doc.write_text("Hà Tĩnh thăng hạng chuyển đổi số\n\nNăm 2023, tỉnh Hà Tĩnh xếp thứ 21/63 về Chỉ số chuyển đổi số, "
                   "đạt 0,5504 điểm.\n", encoding="utf-8")
    db = tmp_path / "d.sqlite"
    assert run("ingest", str(doc), "--db", str(db)).returncode == 0
    assert run("ingest", str(doc), "--db", str(db)).returncode == 0   # again: replaced, not duplicated
    out = tmp_path / "facts.jsonl"
    assert run("export", "--db", str(db), "--format", "jsonl", "--output", str(out)).returncode == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {(r["kind"], r["value"], r["total"], r["year"]) for r in rows} == {("rank", 21, 63, 2023),
                                                                              ("score", 0.5504, None, 2023)}
    text = doc.read_text(encoding="utf-8")
    assert all(text[r["start"]:r["end"]] == r["evidence"] for r in rows)
    assert all(r["url"].startswith("file:") and r["url"].endswith("bai.txt") for r in rows)
    csv_out = tmp_path / "facts.csv"
    assert run("export", "--db", str(db), "--format", "csv", "--output", str(csv_out)).returncode == 0
    assert csv_out.read_text(encoding="utf-8").splitlines()[0].startswith("url,published,subject")


def test_ingest_url_option_needs_one_path(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("A\n\nx", encoding="utf-8")
    b.write_text("B\n\ny", encoding="utf-8")
    result = run("ingest", str(a), str(b), "--url", "http://x.vn/a", "--db", str(tmp_path / "d.sqlite"))
    assert result.returncode == 2 and "--url" in result.stderr


def test_evaluate_scores_documents_or_an_export(tmp_path):
    doc = tmp_path / "d.txt"
    doc.write_text("Bắc Ninh\n\nNăm 2023, Bắc Ninh xếp thứ 9/63 về Chỉ số chuyển đổi số.\n", encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"doc": "d.txt", "subject": "Bắc Ninh", "subject_type": "province", "metric": "dti",
                                "metric_keywords": [], "year": 2023, "kind": "rank", "value": 9, "total": 63,
                                "is_target": False, "optional": False}, ensure_ascii=False) + "\n", encoding="utf-8")
    result = run("evaluate", str(gold), "--docs", str(tmp_path))
    assert result.returncode == 0 and "F1 1.000" in result.stdout
    assert run("evaluate", str(gold)).returncode == 2


@pytest.mark.parametrize("command", [["query", "--subject", "Lào Cai"], ["search", "Lao Cai"], ["audit"],
                                     ["check", "--subject", "Lào Cai", "--kind", "rank", "--value", "14/34",
                                      "--year", "2024"]], ids=lambda c: c[0])
def test_one_output_option_on_every_command_that_prints_records(tmp_path, command):
    from tests import db_samples
    db = str(tmp_path / "d.sqlite")
    db_samples.build(db)
    runner = CliRunner()
    out = {fmt: runner.invoke(cli, command + ["--db", db, "--format", fmt]) for fmt in ("table", "csv", "json")}
    assert all(r.exit_code == 0 for r in out.values()), {k: r.output for k, r in out.items()}
    assert isinstance(json.loads(out["json"].output), list)
    assert runner.invoke(cli, command + ["--db", db, "--json"]).output == out["json"].output
    header = out["csv"].output.splitlines()[0].split(",")
    assert len(header) >= 5 and ("subject" in header or "rule" in header)
    assert out["table"].output != out["csv"].output


@pytest.mark.parametrize("command, what", [
    (["query"], "facts"), (["query", "--list-subjects"], "subjects"), (["search", "Lao Cai"], "matches"),
    (["audit"], "findings"), (["coverage", "--format", "csv"], "province-years"),
    (["check", "Lào Cai xếp thứ 14/34 về chỉ số chuyển đổi số năm 2024"], "source(s)")],
    ids=lambda c: c[0] if isinstance(c, list) else c)
def test_output_and_limit_are_the_same_on_every_printing_command(tmp_path, command, what):
    from tests import db_samples
    db = str(tmp_path / "d.sqlite")
    db_samples.build(db)
    out = tmp_path / "out.txt"
    r = CliRunner().invoke(cli, command + ["--db", db, "-o", str(out), "--limit", "1"])
    assert r.exit_code == 0, r.output
    assert out.read_text(encoding="utf-8").strip() and "written to" in r.stderr
    assert what in r.stderr and "--limit" in r.stderr        # it says that it cut
    whole = CliRunner().invoke(cli, command + ["--db", db, "--limit", "1000"])
    assert "--limit" not in whole.stderr                      # nothing cut, nothing said


def test_query_by_subject_type_sorted_as_a_reader_sorts(tmp_path):
    from tests import db_samples
    db = str(tmp_path / "d.sqlite")
    db_samples.build(db)
    r = CliRunner().invoke(cli, ["query", "--db", db, "--kind", "rank", "--subject-type", "province",
                                 "--format", "json"])
    rows = json.loads(r.output)
    assert rows and {x["subject_type"] for x in rows} == {"province"}
    subjects = [x["subject"] for x in rows]
    assert subjects.index("Đà Nẵng") < subjects.index("Hà Nội")     # Đ among the D's, not after Z
