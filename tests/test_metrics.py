"""The metric vocabulary: rules kept as data (metrics.yaml), checked on load."""
import pytest

from pipeline.extract import metrics
from pipeline.extract.metrics import VOCABULARY, find_metrics, label_for


def ids(text):
    return [m.id for m in find_metrics(text)]


def test_every_vocabulary_metric_has_a_rule():
    assert {mid for mid, vocab, _ in metrics._rules() if vocab} == set(VOCABULARY)


@pytest.mark.parametrize("text,expected", [
    ("trụ cột Chính quyền số xếp thứ 6", ["dti.government"]),
    ("chỉ số Hoạt động chính quyền số đạt", ["dti.government_activity"]),
    ("An toàn thông tin mạng và Hoạt động kinh tế số", ["dti.cybersecurity", "dti.economy_activity"]),
    ("mức độ chuyển đổi số năm 2024", ["dti"]),
    ("Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)", ["pci", "pci"]),
    ("sẵn sàng cho phát triển và ứng dụng CNTT (ICT-Index)", ["ict_index", "ict_index"]),
    ("tốp 10 về an toàn, an ninh mạng", ["cybersecurity_index"]),
])
def test_pillar_and_index_are_told_apart(text, expected):
    assert ids(text) == expected


def test_bad_rules_are_rejected_with_the_entry_named(monkeypatch, tmp_path):
    bad = "metrics:\n  - id: dti\n    patterns: ['(unclosed']\n"
    monkeypatch.setattr(metrics.resources, "files", lambda pkg: tmp_path)
    (tmp_path / "metrics.yaml").write_text(bad, encoding="utf-8")
    metrics._rules.cache_clear()
    try:
        with pytest.raises(metrics.MetricRulesError, match=r"metrics\[0\].*bad pattern"):
            metrics._rules()
    finally:
        metrics._rules.cache_clear()


def test_labels_for_other_indicators_are_ascii_snake_case():
    assert label_for("hộ gia đình có hạ tầng cáp quang") == "ho_gia_dinh_co_ha_tang"


def test_a_rule_is_skipped_only_when_its_leading_word_is_absent():
    import re
    from pipeline.extract.metrics import _leading_word
    assert _leading_word(re.compile(r"\bPCI\b")) == "pci"
    assert _leading_word(re.compile(r"hoạt\s+động\s+kinh\s+tế\s+số", re.I)) == "hoạt"
    assert _leading_word(re.compile(r"(?i:digital\s+government)(?=\s+xếp)")) == "digital"
    # a lookbehind consumes nothing: the word still begins every match, and is still looked behind
    assert _leading_word(re.compile(r"(?<!động\s)Chính\s+quyền\s+số")) == "chính"
    from pipeline.extract.metrics import _matches
    rx = re.compile(r"(?<!động\s)Chính\s+quyền\s+số")
    text = "Hoạt động Chính quyền số; Chính quyền số xếp thứ 3, Chính quyền số"
    assert [m.span() for m in _matches(rx, "chính", text, text.lower(), {})] == \
        [m.span() for m in rx.finditer(text)] == [(26, 40), (52, 66)]
    assert _leading_word(re.compile(r"EGDI|phát\s+triển")) is None                  # alternatives


def test_the_gate_changes_no_mention_on_the_gold_documents(monkeypatch):
    from pathlib import Path
    from pipeline.extract import metrics
    lines = [line for path in sorted((Path(__file__).parent / "gold" / "docs").glob("*.txt"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    gated = [[(f.start, f.end, f.id) for f in metrics.find_metrics(line)] for line in lines]
    every = [(mid, vocab, rx, None) for mid, vocab, rx, _ in metrics._gated_rules()]
    monkeypatch.setattr(metrics, "_gated_rules", lambda: every)
    assert gated == [[(f.start, f.end, f.id) for f in metrics.find_metrics(line)] for line in lines]
