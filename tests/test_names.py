"""One place for domain knowledge: the same strings name the same subject in the extractor,
`import-reference`, `check`, `audit`, `evaluate` and `query`, and score scales are read alike."""
from __future__ import annotations

import pytest
import yaml

from pipeline import store
from pipeline.evaluate import _subject_ok
from pipeline.extract.gazetteer import CANONICAL, EXTRA_ALIASES, find_subjects
from pipeline.factcheck.audit import _skey
from pipeline.factcheck.claims import read_claims
from pipeline.factcheck.names import canonical_subject, subject_key
from pipeline.factcheck.official import read_reference
from pipeline.store import reference_data
from pipeline.textnorm import normalize_text

# written form → (identity, type)
SAME = {
    "BR-VT": ("Bà Rịa - Vũng Tàu", "province"),
    "Bà Rịa – Vũng Tàu": ("Bà Rịa - Vũng Tàu", "province"),
    "TP.HCM": ("Hồ Chí Minh", "province"),
    "Thanh Hoá": ("Thanh Hóa", "province"),
    "Thanh Hóa": ("Thanh Hóa", "province"),
    "Bộ TT&TT": ("Bộ Thông tin và Truyền thông", "ministry"),
}


@pytest.mark.parametrize("written", SAME)
def test_every_consumer_gives_one_identity(written, tmp_path):
    name, stype = SAME[written]
    # the extractor, in a document's sentence
    text = normalize_text(f"{written} xếp thứ 2 về chỉ số chuyển đổi số năm 2024.")
    assert [(m.name, m.type) for m in find_subjects(text) if m.start == 0] == [(name, stype)]
    # check: as a sentence and as options
    [from_sentence] = read_claims(text)
    [from_options] = read_claims(None, subject=written, kind="rank", value="2", year=2024)
    assert (from_sentence.subject, from_sentence.subject_type) == (from_options.subject, from_options.subject_type) \
        == (name, stype)
    # import-reference: a table naming it
    table = tmp_path / "dti_2024.csv"
    table.write_text(f"Tên,Xếp hạng\n{written},2\n", encoding="utf-8")
    [ref] = read_reference(table, subject_type=stype)
    assert (ref.subject, ref.subject_type) == (name, stype)
    # audit's grouping, and the check's match of a fact
    assert _skey({"subject": written, "subject_type": stype}) == _skey({"subject": name, "subject_type": stype})
    assert subject_key(written, stype) == subject_key(name, stype)
    # evaluate's matching against gold
    assert _subject_ok({"subject": written, "subject_type": stype}, {"subject": name})
    # query's lookup of a typed name (provinces are the store's reference data)
    if stype == "province":
        db = store.connect(tmp_path / "q.sqlite")
        assert (name, "province") in reference_data.resolve_subject(db, written)


def test_the_stores_aliases_hold_every_form_the_gazetteer_knows():
    data = yaml.safe_load(reference_data.ALIASES_YAML.read_text(encoding="utf-8"))
    assert data["canonical"] == CANONICAL
    for name, forms in EXTRA_ALIASES.items():
        assert set(forms) <= set(data["aliases"][name]), name


def test_a_score_scale_is_read_alike_as_flags_and_as_a_sentence():
    [flags] = read_claims(None, subject="Lào Cai", metric="pci", kind="score", value="65,5", year=2024)
    [sentence] = read_claims("Lào Cai đạt 65,5 điểm PCI năm 2024")
    assert (flags.metric, flags.value, flags.scale) == (sentence.metric, sentence.value, sentence.scale) \
        == ("pci", 65.5, 100)
    assert flags.span() == sentence.span()
    assert canonical_subject("thành phố Lào Cai") == ("thành phố Lào Cai", "district")
