"""check: claims against the stored facts of documents that disagree on purpose."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from pipeline import store
from pipeline.factcheck.check import CONTRADICTED, DISPUTED, NOT_FOUND, SUPPORTED, check_claim
from pipeline.factcheck.claims import Claim, claim_from_options, claims_from_text, parse_value
from pipeline.factcheck.figures import CONSISTENT, CONTRADICTS, SUPPORTS, relation, span_of
from pipeline.cli import cli
from pipeline.errors import UsageError
from pipeline.harvest.ingest import ingest_paths
from pipeline.models import Document, Fact
from pipeline.factcheck.official import import_reference
from tests.fixtures.disagree import corpus
from tests.db_samples import db_fixtures


db_path, db = db_fixtures(corpus.build, as_str=True)


def claim(subject="Lào Cai", kind="rank", value=14, year=2024, metric="dti", **kw) -> Claim:
    return Claim(subject=subject, metric=metric, kind=kind, value=value, year=year, **kw)


# --- the reasoning, statement against statement ----------------------------------------------

@pytest.mark.parametrize("claimed, stored, expected", [
    (("rank", 14), ("rank", 14), SUPPORTS),
    (("rank", 14), ("rank", 12), CONTRADICTS),
    (("top_n", 15), ("rank", 14), SUPPORTS),        # rank 14 is in the top 15
    (("top_n", 10), ("rank", 14), CONTRADICTS),     # ... and not in the top 10
    (("rank", 14), ("top_n", 15), CONSISTENT),      # top 15 cannot confirm an exact rank
    (("rank", 14), ("top_n", 5), CONTRADICTS),      # top 5 rules rank 14 out
    (("top_n", 20), ("top_n", 10), SUPPORTS),
    (("top_n", 10), ("top_n", 20), CONSISTENT),
])
def test_rank_and_top_n_reasoning(claimed, stored, expected):
    assert relation(span_of(*claimed), span_of(*stored)) == expected


def test_bottom_n_needs_the_size_of_the_ranking():
    assert span_of("bottom_n", 3) is None
    assert relation(span_of("bottom_n", 3, total=34), span_of("rank", 33)) == SUPPORTS
    assert relation(span_of("bottom_n", 3, total=34), span_of("rank", 30)) == CONTRADICTS


@pytest.mark.parametrize("claimed, decimals, stored, scale, expected", [
    (0.72, 2, 0.7167, 1, SUPPORTS),            # 0,7167 rounds to 0,72
    (0.7, 1, 0.7167, 1, SUPPORTS),
    (0.71, 2, 0.7167, 1, CONTRADICTS),         # 0,7167 does not round to 0,71
    (716.7, 1, 0.7167, 1, SUPPORTS),           # the same score on the 1.000-point scale
    (717, 0, 0.7167, 1, SUPPORTS),
    (716, 0, 0.7167, 1, CONTRADICTS),
    (0.7167, 4, 716.7, 1000, SUPPORTS),
    (0.7167, 4, 0.72, 1, CONSISTENT),          # a coarser source cannot confirm four decimals
])
def test_score_rounding_and_scale(claimed, decimals, stored, scale, expected):
    c = claim(kind="score", value=claimed, decimals=decimals)
    assert relation(c.span(), span_of("score", stored, scale=scale)) == expected


def test_written_decimals_are_kept_from_the_value_as_typed():
    parsed = parse_value("0,70", "score")
    assert parsed == {"value": 0.7, "decimals": 2}
    # 0,70 claims ±0,005, so 0,7167 is outside it
    c = claim(kind="score", value=parsed["value"], decimals=parsed["decimals"])
    assert relation(c.span(), span_of("score", 0.7167, scale=1)) == CONTRADICTS
    assert parse_value("14/34", "rank") == {"value": 14, "decimals": 0, "total": 34}
    assert parse_value("716,7/1.000", "score") == {"value": 716.7, "decimals": 1, "scale": 1000}
    assert parse_value("58%", None)["kind"] == "percent"
    with pytest.raises(UsageError, match="not a number"):
        parse_value("mười bốn", "rank")


def test_qualified_counts_and_percentages():
    assert relation(span_of("count", 57800, qualifier="at_least"), span_of("count", 58123)) == SUPPORTS
    # "58.000" may be 57.600 rounded: it agrees with "hơn 57.800" without confirming it
    assert relation(span_of("count", 57800, qualifier="at_least"), span_of("count", 58000)) == CONSISTENT
    assert relation(span_of("count", 57800, qualifier="at_least"), span_of("count", 50000)) == CONTRADICTS
    assert relation(span_of("percent", 58, decimals=0), span_of("percent", 57.9, decimals=1)) == SUPPORTS
    assert relation(span_of("percent", 58, decimals=0), span_of("percent", 56.9, decimals=1)) == CONTRADICTS


# --- every verdict, on the documents that disagree -------------------------------------------

def test_disputed_when_sources_disagree_among_themselves(db):
    r = check_claim(db, claim(total=34))
    assert r.verdict == DISPUTED
    assert [s.figure for s in r.supporting] == ["rank 14/34"]
    assert sorted(s.figure for s in r.contradicting) == ["rank 12/34", "top 5"]
    assert [s.figure for s in r.consistent] == ["top 15"]
    src = r.supporting[0]
    assert src.url == "http://127.0.0.1/fixtures/a_baolaocai"
    assert src.outlet == "Báo Lào Cai (mẫu)" and src.published == "2025-10-21"
    assert "xếp thứ 14/34" in src.evidence


def test_supported_through_an_alias_and_a_tone_spelling(db):
    r = check_claim(db, claim(subject="TP.HCM", value=4))
    assert r.verdict == SUPPORTED and r.claim.subject == "Hồ Chí Minh"
    assert r.supporting[0].evidence.startswith("TP.HCM xếp thứ 4")
    # Thanh Hóa in one document, tỉnh Thanh Hoá in another: both are the same province
    r = check_claim(db, claim(subject="tỉnh Thanh Hoá", kind="top_n", value=10))
    assert r.verdict == SUPPORTED
    assert {s.url for s in r.supporting} == {"http://127.0.0.1/fixtures/a_baolaocai",
                                             "http://127.0.0.1/fixtures/c_diendan"}


def test_supported_by_rounding_and_by_scale(db):
    r = check_claim(db, claim(kind="score", value=0.72))
    assert r.verdict == SUPPORTED
    assert sorted(s.figure for s in r.supporting) == ["score 0,7167/1", "score 716,7/1.000"]
    r = check_claim(db, claim_from_options("Lào Cai", "dti", 2024, "score", "716,7/1.000"))
    assert r.verdict == SUPPORTED and len(r.supporting) == 2


def test_contradicted(db):
    r = check_claim(db, claim(kind="score", value=0.75))
    assert r.verdict == CONTRADICTED and len(r.contradicting) == 2
    r = check_claim(db, claim(subject="Thanh Hóa", kind="top_n", value=3))
    assert r.verdict == CONTRADICTED
    assert "rank 5" in r.reason


def test_not_found(db):
    assert check_claim(db, claim(metric="pci")).verdict == NOT_FOUND
    assert check_claim(db, claim(year=2023)).verdict == NOT_FOUND
    assert check_claim(db, claim(subject="Cà Mau")).verdict == NOT_FOUND
    # rank 1 of Huế is stored as rank 2: a different subject is never mixed in
    assert check_claim(db, claim(subject="Thừa Thiên Huế", value=2)).verdict == SUPPORTED


def test_not_found_when_sources_only_agree_without_stating_it(tmp_path):
    db = store.connect(tmp_path / "x.sqlite")
    text = "Tiêu đề\n\nYên Bái nằm trong nhóm 20 tỉnh dẫn đầu về chuyển đổi số năm 2024."
    ev = text.split("\n\n")[1]
    store.save_document(db, Document(url="u:yb", text=text), [Fact(
        subject="Yên Bái", subject_type="province", metric="dti", metric_phrase="chuyển đổi số",
        kind="top_n", value=20, year=2024, evidence=ev, start=text.index(ev), end=len(text))])
    r = check_claim(db, claim(subject="Yên Bái", value=14))
    assert r.verdict == NOT_FOUND and [s.figure for s in r.consistent] == ["top 20"]
    assert check_claim(db, claim(subject="Yên Bái", value=25)).verdict == CONTRADICTED


def test_rankings_of_different_sizes_are_not_compared(tmp_path):
    """DTI 2024 ranked 34 provinces and, before the merger, 63: 30/63 says nothing of 14/34."""
    db = store.connect(tmp_path / "x.sqlite")
    text = "T\n\nLào Cai xếp thứ 30/63."
    ev = "Lào Cai xếp thứ 30/63."
    store.save_document(db, Document(url="u:63", text=text), [Fact(
        subject="Lào Cai", subject_type="province", metric="dti", metric_phrase="", kind="rank", value=30,
        total=63, year=2024, evidence=ev, start=3, end=3 + len(ev))])
    assert check_claim(db, claim(total=34)).verdict == NOT_FOUND
    assert check_claim(db, claim()).verdict == CONTRADICTED       # no size given: compared


def test_targets_are_not_achievements(db):
    # "top 20 by 2025" is a goal in document A; a claim that Lào Cai *is* top 20 in 2025 is not it
    assert check_claim(db, claim(kind="top_n", value=20, year=2025)).verdict == NOT_FOUND
    r = check_claim(db, claim(kind="top_n", value=20, year=2025, is_target=True))
    assert r.verdict == SUPPORTED


def test_the_official_table_decides_and_marks_documents_that_differ(db, db_path):
    import_reference(db_path, corpus.REFERENCE_CSV)
    r = check_claim(db, claim(total=34))
    assert r.verdict == SUPPORTED and "official table" in r.reason
    assert [s.figure for s in r.official] == ["rank 14"]
    differs = {s.figure: s.differs_from_reference for s in r.supporting + r.contradicting + r.consistent}
    assert differs == {"rank 14/34": False, "rank 12/34": True, "top 5": True, "top 15": False}
    r = check_claim(db, claim(value=12))
    assert r.verdict == CONTRADICTED and "rank 14" in r.reason


def test_a_claim_without_year_on_an_index_is_refused(db):
    with pytest.raises(UsageError, match="names no year"):
        check_claim(db, claim(year=None))


# --- the sentence path -----------------------------------------------------------------------

def test_a_sentence_without_figure_or_subject_says_what_is_missing():
    with pytest.raises(UsageError) as e:
        claims_from_text("Chuyển đổi số đang được đẩy mạnh")
    assert "subject" in str(e.value) and "figure" in str(e.value) and "--subject" in str(e.value)
    with pytest.raises(UsageError) as e:
        claims_from_text("Lào Cai rất năng động")
    assert "figure" in str(e.value) and "subject" not in str(e.value).split("missing")[1].split(";")[0]


def test_sentences_go_through_the_documents_extractor(db):
    """The same extractor as the documents reads the sentence (here: whatever it finds)."""
    seen = []

    def extractor(doc):
        seen.append(doc)
        ev = doc.text
        return [Fact(subject="Lào Cai", subject_type="province", metric="dti", metric_phrase="chuyển đổi số",
                     kind="rank", value=14, total=34, year=2024, evidence=ev, start=0, end=len(ev))]
    claims = claims_from_text("Lào Cai xếp thứ 14/34 về chỉ số chuyển đổi số năm 2024", extractor=extractor)
    assert seen[0].url == "claim:" and seen[0].doc_type == "txt"
    assert check_claim(db, claims[0]).verdict == DISPUTED


@pytest.mark.parametrize("sentence, expected", [
    ("Lào Cai xếp thứ 14/34 về chỉ số chuyển đổi số năm 2024", {("Lào Cai", "rank", 14)}),
    ("Thái Nguyên đạt 0,75 điểm DTI năm 2024", {("Thái Nguyên", "score", 0.75)}),
    ("Hà Nội dẫn đầu cả nước về DTI 2024", {("Hà Nội", "rank", 1)}),
])
def test_example_claims_with_the_real_extractor(sentence, expected):
    claims = claims_from_text(sentence)
    assert {(c.subject, c.kind, c.value) for c in claims} >= expected
    assert all(c.year == 2024 and c.metric == "dti" for c in claims)


# --- the command -----------------------------------------------------------------------------

def test_cli_options_text_and_json(db_path):
    runner = CliRunner()
    args = ["check", "--db", db_path, "--subject", "Lào Cai", "--metric", "dti", "--year", "2024",
            "--kind", "rank", "--value", "14/34"]
    r = runner.invoke(cli, args)
    assert r.exit_code == 0, r.output
    assert "DISPUTED" in r.output and "http://127.0.0.1/fixtures/b_tintuc" in r.output
    r = runner.invoke(cli, args + ["--json"])
    assert r.exit_code == 0
    [result] = json.loads(r.output)
    assert result["verdict"] == "disputed"
    assert result["claim"]["total"] == 34 and result["claim"]["figure"] == "rank 14/34"
    assert {"url", "outlet", "published", "evidence"} <= set(result["supporting"][0])


def test_cli_exit_codes(db_path):
    runner = CliRunner()
    r = runner.invoke(cli, ["check", "--db", db_path, "--subject", "Cà Mau", "--year", "2024",
                            "--kind", "rank", "--value", "3"])
    assert r.exit_code == 0 and "NOT FOUND" in r.output          # a verdict, whatever it is
    r = runner.invoke(cli, ["check", "--db", db_path, "Lào Cai rất năng động"])
    assert r.exit_code == 2 and "missing figure" in r.output
    r = runner.invoke(cli, ["check", "--db", db_path, "--subject", "Lào Cai"])
    assert r.exit_code == 2 and "--kind, --value" in r.output
    r = runner.invoke(cli, ["check", "--db", db_path, "--subject", "Lào Cai", "--kind", "rank", "--value", "14"])
    assert r.exit_code == 2 and "--year" in r.output


def test_cli_sentence_completed_by_an_option(db_path):
    """The sentence names no year; --year completes it, and 0,72 is read with its two decimals."""
    sentence = "Lào Cai đạt 0,72 điểm về chỉ số chuyển đổi số"
    runner = CliRunner()
    r = runner.invoke(cli, ["check", "--db", db_path, sentence])
    assert r.exit_code == 2 and "names no year" in r.output
    r = runner.invoke(cli, ["check", "--db", db_path, sentence, "--year", "2024", "--json"])
    assert r.exit_code == 0, r.output
    [result] = json.loads(r.output)
    assert result["verdict"] == "supported" and result["claim"]["decimals"] == 2


def test_cli_sentence_with_two_figures_gets_two_verdicts(db_path):
    sentence = "Lào Cai xếp thứ 14/34 tỉnh, thành phố về mức độ chuyển đổi số năm 2024, đạt 0,7167 điểm."
    r = CliRunner().invoke(cli, ["check", "--db", db_path, sentence, "--json"])
    assert r.exit_code == 0, r.output
    verdicts = {x["claim"]["kind"]: x["verdict"] for x in json.loads(r.output)}
    assert verdicts == {"rank": "disputed", "score": "supported"}


# --- through ingest, with the real extractor -------------------------------------------------

def test_fixture_documents_through_ingest(tmp_path):
    path = str(tmp_path / "ingested.sqlite")
    report = ingest_paths(corpus.TEXTS, path)
    assert report.documents == len(corpus.TEXTS) and not report.failed
    db = store.connect(path)
    ranks = db.execute("SELECT count(*) FROM facts WHERE subject = 'Lào Cai' AND metric = 'dti' "
                       "AND kind = 'rank' AND year = 2024").fetchone()[0]
    assert ranks >= 2
    assert check_claim(db, claim(total=34)).verdict == DISPUTED


# --- the sample portal -----------------------------------------------------------------------

@pytest.fixture
def portal_db(tmp_path):
    return corpus.build_sample_portal(tmp_path / "portal.sqlite")


def test_every_verdict_on_the_sample_portal(portal_db):
    def verdict(**kw):
        return check_claim(portal_db, claim(**kw))
    assert verdict(total=34).verdict == SUPPORTED
    # without "/34" the claim is read in the ranking where it holds; 16/63 is another ranking
    r = verdict()
    assert r.verdict == SUPPORTED and "ranking of 34" in r.reason
    assert verdict(kind="top_n", value=15).verdict == SUPPORTED
    assert verdict(kind="score", value=716.7, scale=1000, decimals=1).verdict == SUPPORTED
    r = verdict(kind="top_n", value=10)
    assert r.verdict == CONTRADICTED and {s.figure for s in r.contradicting} >= {"rank 14/34"}
    # the portal's two articles disagree on Huế's place in 2022
    r = verdict(subject="Thừa Thiên - Huế", year=2022, value=2)
    assert r.verdict == DISPUTED and len({s.url for s in r.supporting + r.contradicting}) == 2
    assert verdict(metric="pci").verdict == NOT_FOUND
