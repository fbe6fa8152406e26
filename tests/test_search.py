"""Full-text search: Vietnamese folding (marks and đ), snippets from the original text, sync."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from pipeline.research import search
from pipeline.cli import cli
from pipeline.errors import UsageError

from tests import db_samples
from tests.db_samples import D, F


db_path, db = db_samples.db_fixtures(db_samples.build)


def test_words_without_marks_find_the_marked_text(db):
    hits = search.search(db, "Ha Noi", where="evidence")
    assert [(h.subject, h.value) for h in hits] == [("Hà Nội", 1)]
    assert hits[0].snippet == "[Hà Nội] dẫn đầu cả nước về chuyển đổi số năm 2024."


def test_d_without_stroke_finds_dj_and_the_snippet_keeps_the_original(db):
    hits = search.search(db, "Da Nang")
    assert {h.what for h in hits} == {"document", "evidence"}
    assert all("[Đà Nẵng]" in h.snippet for h in hits)
    # and the other way round: the query's đ is folded too
    assert [h.fact_id for h in search.search(db, "ĐÀ NẴNG", where="evidence")] == \
        [h.fact_id for h in hits if h.what == "evidence"]


def test_both_tone_spellings_find_each_other(db):
    # stored as "Thanh Hoá" (old placement); searched with the new one
    hits = search.search(db, "Thanh Hóa", where="evidence")
    assert [h.subject for h in hits] == ["Thanh Hóa"]
    assert hits[0].snippet.startswith("[Thanh Hoá]")


def test_all_words_must_appear_and_quotes_make_a_phrase(db):
    assert {h.value for h in search.search(db, "lao cai 15", where="evidence")} == {15, 0.7167}
    phrase = search.search(db, '"so y te"', where="evidence")
    assert [h.subject for h in phrase] == ["Sở Y tế"]
    assert search.search(db, '"te y so"', where="evidence") == []


def test_document_hits_carry_url_title_and_a_snippet(db):
    hits = search.search(db, "ke hoach", where="documents")
    assert [h.url for h in hits] == ["https://laocai.example/ke-hoach-2025.pdf"]
    assert "[Kế hoạch]" in hits[0].snippet
    assert hits[0].title == "Kế hoạch chuyển đổi số đến năm 2025"


def test_fts_syntax_in_the_input_is_searched_as_text_not_an_error(db):
    # no sqlite3.OperationalError: operators and brackets are plain words here
    assert [h.subject for h in search.search(db, "thứ 2/34 (DTI", where="evidence")] == ["Đà Nẵng"]
    assert search.search(db, "AND OR NOT") == []
    with pytest.raises(UsageError, match="at least one word"):
        search.search(db, "-- * :")


def test_index_follows_updates_and_deletes(db):
    url = db_samples.DOCS[2].url
    db_samples.save(db, D(url, "Sửa tin", "2025-10-24", "Báo Khác", [
        F("Quảng Ninh xếp thứ 3/34 về DTI 2024.", "Quảng Ninh", "dti", "rank", 3, 2024, total=34)]))
    assert search.search(db, "dung thu 15/34") == []       # the replaced text and evidence are gone
    assert [h.subject for h in search.search(db, "Quang Ninh", where="evidence")] == ["Quảng Ninh"]
    db.execute("DELETE FROM documents WHERE url = ?", [url])
    assert search.search(db, "Quang Ninh") == []


def test_cli_search_prints_snippets_and_json(db_path):
    runner = CliRunner()
    out = runner.invoke(cli, ["search", "--db", str(db_path), "Ha", "Noi"])
    assert out.exit_code == 0, out.output
    assert "[Hà Nội] dẫn đầu" in out.output and "https://news.example/bang-xep-hang-dti-2024" in out.output
    out = runner.invoke(cli, ["search", "--db", str(db_path), "--json", "--in", "evidence", "Yen Bai"])
    assert out.exit_code == 0, out.output
    assert {h["kind"] for h in json.loads(out.output)} == {"rank", "score"}
    # one argument of several words is a phrase; separate arguments are separate words
    out = runner.invoke(cli, ["search", "--db", str(db_path), "--json", "--in", "evidence", "so y te"])
    assert [h["subject"] for h in json.loads(out.output)] == ["Sở Y tế"]
    out = runner.invoke(cli, ["search", "--db", str(db_path), "--json", "--in", "evidence", "te y so"])
    assert json.loads(out.output) == []
    out = runner.invoke(cli, ["search", "--db", str(db_path), "--json", "--in", "evidence", "te", "y", "so"])
    assert [h["subject"] for h in json.loads(out.output)] == ["Sở Y tế"]
    out = runner.invoke(cli, ["search", "--db", str(db_path), "***"])
    assert out.exit_code == 2 and "at least one word" in out.output
