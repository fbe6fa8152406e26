"""The scorer (pipeline/evaluate.py): the same matching as ../shared/eval/score_facts.py, duplicates
counted against precision, and the verbose report that says why a fact was missed."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.evaluate import key, province_key, score

SHARED_SCORER = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "score_facts.py"


def test_matching_key_ignores_punctuation_next_to_a_word():
    # a keyword must be found in a phrase whatever punctuation follows its words ('lệ,' holds 'lệ')
    assert key("tỷ lệ") in key("Tỷ lệ, cao nhất") and key("Thanh Hoá") == key("Thanh Hóa")


def test_scoring_counts_duplicates_against_precision():
    gold = [{"doc": "d.txt", "kind": "rank", "subject": "Lào Cai", "subject_type": "province", "metric": "dti",
             "year": 2024, "value": 14, "total": 34, "is_target": False}]
    pred = {"url": "file:///x/d.txt", "kind": "rank", "subject": "tỉnh Lào Cai", "metric": "dti", "year": 2024,
            "value": 14, "total": 34, "is_target": False}
    sc = score([pred, dict(pred)], gold)
    assert sc.tp["rank"] == 1 and sc.fp["rank"] == 1


def test_verbose_report_says_why_a_fact_was_missed_and_scores_each_construction():
    gold = [{"doc": "d.txt", "kind": "rank", "subject": "Lào Cai", "subject_type": "province", "metric": "dti",
             "year": 2024, "value": 14, "total": 34, "is_target": False}]
    wrong_year = {"url": "file:///x/d.txt", "kind": "rank", "subject": "Lào Cai", "metric": "dti", "year": 2023,
                  "value": 14, "total": 34, "is_target": False, "extractor": "rank.ordinal",
                  "provenance": {"year": "paragraph"}}
    report = score([wrong_year], gold).report(verbose=True)
    assert "why: year 2023 instead of 2024 by rank.ordinal (decided by: paragraph)" in report
    row = next(line for line in report.splitlines() if line.startswith("rank.ordinal "))
    assert row.split()[1:4] == ["0", "1", "1"]      # its extra and the miss it nearly made



@pytest.mark.parametrize("a,b", [("TP.HCM", "Hồ Chí Minh"), ("Thừa Thiên - Huế", "Huế"), ("BR-VT", "Bà Rịa - Vũng Tàu"),
                                 ("tỉnh Lào Cai", "Lào Cai"), ("Thanh Hoá", "Thanh Hóa")])
def test_province_spellings_fold_to_one_key(a, b):
    assert province_key(a) == province_key(b)


def test_a_fact_off_by_its_total_or_year_is_a_miss_and_an_extra():
    gold = [{"doc": "d.txt", "kind": "rank", "subject": "Lào Cai", "subject_type": "province", "metric": "dti",
             "year": 2024, "value": 14, "total": 34, "is_target": False}]
    pred = {"url": "file:///x/d.txt", "kind": "rank", "subject": "Lào Cai", "metric": "dti", "year": 2024,
            "value": 14, "total": 63, "is_target": False}
    sc = score([pred], gold)
    assert (sc.tp["rank"], sc.fp["rank"], sc.fn["rank"]) == (0, 1, 1)


@pytest.mark.skipif(not SHARED_SCORER.exists(), reason="../shared/eval (the reference scorer) not present")
def test_the_project_scorer_agrees_with_the_reference_scorer(tmp_path):
    gold = [{"doc": "d.txt", "kind": "percent", "subject": "Nam Định", "subject_type": "province",
             "metric": "fibre_households", "metric_keywords": ["cáp quang"], "year": 2023, "value": 70.8,
             "total": None, "is_target": False},
            {"doc": "d.txt", "kind": "rank", "subject": "Huế", "subject_type": "province", "metric": "dti",
             "year": 2023, "value": 3, "total": 63, "is_target": False}]
    preds = [{"url": "file:///x/d.txt", "kind": "percent", "subject": "Nam Định", "metric": "x",
              "metric_phrase": "hộ gia đình có hạ tầng cáp quang,", "year": 2023, "value": 70.8, "is_target": False},
             {"url": "file:///x/d.txt", "kind": "rank", "subject": "Thừa Thiên - Huế", "metric": "dti", "year": 2023,
              "value": 3, "total": 34, "is_target": False}]
    (tmp_path / "g.jsonl").write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in gold), "utf-8")
    (tmp_path / "p.jsonl").write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in preds), "utf-8")
    out = subprocess.run([sys.executable, str(SHARED_SCORER), str(tmp_path / "p.jsonl"), str(tmp_path / "g.jsonl")],
                         capture_output=True, text=True, check=True).stdout
    ours = score(preds, gold)
    theirs = {line.split()[0]: line.split()[1:4] for line in out.splitlines() if line.split()[:1] in (["percent"], ["rank"])}
    assert theirs == {k: [str(ours.tp[k]), str(ours.fp[k]), str(ours.fn[k])] for k in ("percent", "rank")}
