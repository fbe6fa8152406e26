"""check meets claims as people write them: without tone marks, with a misspelt subject, about an
indicator, and tells what the database does hold when nothing answers."""
from __future__ import annotations

from click.testing import CliRunner

from pipeline import store
from pipeline.cli import cli
from pipeline.factcheck.check import DISPUTED, NOT_FOUND, SUPPORTED, check_claim
from pipeline.factcheck.claims import Claim, read_claims
from pipeline.factcheck.unaccented import restore_marks

from tests import db_samples
from tests.db_samples import D, F


def test_marks_are_put_back_from_the_extractors_vocabulary():
    assert restore_marks("Thanh Hoa xep thu 5/34 nam 2024") in ("Thanh Hoá xếp thứ 5/34 năm 2024",
                                                                 "Thanh Hóa xếp thứ 5/34 năm 2024")
    # a province name wins over the everyday word its letters also spell (Hà Nam, not Hà năm)
    assert restore_marks("Ha Nam dung thu 20/63 nam 2023") == "Hà Nam đứng thứ 20/63 năm 2023"
    assert restore_marks("Lào Cai xep thu") == "Lào Cai xep thu"     # marks given: the writer's spelling


def test_a_claim_typed_without_marks_is_checked_like_query_reads_it(tmp_path):
    path = tmp_path / "d.sqlite"
    db_samples.build(path)
    r = CliRunner().invoke(cli, ["check", "--db", str(path), "Thanh Hoa xep thu 5/34 nam 2024"])
    assert r.exit_code == 0, r.output
    assert "Thanh Hóa · dti · 2024 · rank 5/34" in r.output and "SUPPORTED" in r.output
    assert "Figures table: rank 5/34 — single_source" in r.output


def test_an_indicator_percentage_can_be_checked(tmp_path):
    db = db_samples.build(tmp_path / "d.sqlite", [D("u:kts", "t", "2025-01-01", "Báo A", [
        F("Năm 2024, kinh tế số chiếm 18,3% GRDP của Lào Cai.", "Lào Cai", "digital_economy_share", "percent",
          18.3, 2024, unit="%")])])
    [c] = read_claims("Kinh te so chiem 18,3% GRDP cua Lao Cai nam 2024")
    assert (c.subject, c.metric, c.kind, c.value) == ("Lào Cai", "digital_economy_share", "percent", 18.3)
    assert check_claim(db, c).verdict == SUPPORTED


def test_an_unknown_subject_gets_did_you_mean(tmp_path):
    db = db_samples.build(tmp_path / "d.sqlite")
    r = check_claim(db, Claim(subject="Thanh Hox", metric="dti", kind="rank", value=5, year=2024))
    assert r.verdict == NOT_FOUND and "Thanh Hóa" in r.suggestions and "did you mean" in r.reason


def test_not_found_shows_the_nearest_figures_held(tmp_path):
    db = db_samples.build(tmp_path / "d.sqlite")
    r = check_claim(db, Claim(subject="Lào Cai", metric="dti", kind="rank", value=20, year=2021))
    assert r.verdict == NOT_FOUND
    near = {(n["year"], n["kind"], n["value"]) for n in r.nearest}
    assert {(2024, "rank", 14), (2023, "rank", 18)} <= near
    assert "Nearest figures held" in r.render()


def test_one_document_on_both_sides_is_not_sources_disagreeing(tmp_path):
    db = db_samples.build(tmp_path / "d.sqlite", [D("u:self", "t", "2025-01-01", "Báo A", [
        F("Cà Mau thứ 30/34.", "Cà Mau", "dti", "rank", 30, 2024, total=34),
        F("Cà Mau thứ 31/34.", "Cà Mau", "dti", "rank", 31, 2024, total=34)])])
    r = check_claim(db, Claim(subject="Cà Mau", metric="dti", kind="rank", value=30, year=2024, total=34))
    assert r.verdict == DISPUTED and "sources disagree" not in r.reason and "state both" in r.reason
    # a second document settles it
    db_samples.save(db, D("u:other", "t", "2025-01-02", "Báo B", [
        F("Cà Mau thứ 30/34.", "Cà Mau", "dti", "rank", 30, 2024, total=34)]))
    assert check_claim(store.connect(tmp_path / "d.sqlite"), r.claim).verdict == SUPPORTED


def test_metric_as_a_phrase_uses_the_indicator_vocabulary(tmp_path):
    db = db_samples.build(tmp_path / "d.sqlite", [D("u:fibre", "t", "2025-01-01", "Báo A", [
        F("Đã có 70,8% hộ gia đình được phủ cáp quang.", "Lào Cai", "fiber_households", "percent", 70.8, 2024,
          unit="%")])])
    [c] = read_claims(None, subject="lao cai", metric="hộ gia đình có cáp quang", kind="percent", value="70,8",
                      year=2024)
    assert c.metric == "fiber_households"            # the id the extractor gives such figures
    assert check_claim(db, c).verdict == SUPPORTED


def test_a_sentence_naming_an_unknown_subject_gets_did_you_mean(tmp_path):
    path = tmp_path / "d.sqlite"
    db_samples.build(path)
    r = CliRunner().invoke(cli, ["check", "--db", str(path), "Thanh Hox xep thu 5/34 nam 2024"])
    assert r.exit_code == 2
    err = r.stderr.strip()
    assert len(err.splitlines()) == 1 and "'Thanh Hox xep thu 5/34 nam 2024'" in err   # as typed
    assert "did you mean Thanh Hóa" in err and "metric" not in err.split("write it like")[0]
