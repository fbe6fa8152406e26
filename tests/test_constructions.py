"""Every construction's own corpus (constructions.yaml): each example yields the facts it lists,
each not_example yields nothing from that construction, and a malformed entry does not load."""
import pytest

from pipeline.evaluate import key, province_key
from pipeline.extract import extract
from pipeline.extract.constructions import ConstructionError, all_constructions, load
from pipeline.models import Document

EXAMPLES = [pytest.param(c.name, ex, id=f"{c.name}-{n}") for c in all_constructions() for n, ex in enumerate(c.examples)]
NOT_EXAMPLES = [pytest.param(c.name, ex, id=f"{c.name}-not-{n}")
                for c in all_constructions() for n, ex in enumerate(c.not_examples)]


def _extract(ex: dict):
    title = ex.get("title", "Chuyển đổi số")
    doc = Document(url="test:", text=f"{title}\n\n{ex['text']}", title=title, doc_type="txt",
                   published=ex.get("published"))
    return extract(doc)


def _same(fact, want: dict) -> bool:
    for field, expected in want.items():
        got = getattr(fact, field)
        if field == "subject":
            if province_key(got) != province_key(expected) and key(got) != key(expected):
                return False
        elif isinstance(expected, (int, float)) and not isinstance(expected, bool):
            if got is None or abs(float(got) - float(expected)) > 1e-9:
                return False
        elif got != expected:
            return False
    return True


@pytest.mark.parametrize("name,example", EXAMPLES)
def test_example_yields_its_facts(name, example):
    facts = _extract(example)
    shown = [(f.kind, f.subject, f.metric, f.year, f.value, f.total, f.extractor) for f in facts]
    for want in example.get("facts", []):
        assert any(_same(f, want) for f in facts), f"{name}: {want} not found in {shown}"
    for unwanted in example.get("absent", []):
        assert not any(_same(f, unwanted) for f in facts), f"{name}: {unwanted} should not be stated"


@pytest.mark.parametrize("name,example", NOT_EXAMPLES)
def test_not_example_yields_nothing_from_the_construction(name, example):
    facts = [f for f in _extract(example) if f.extractor == name]
    assert not facts, f"{name} fired on a text it must not read: {[(f.kind, f.subject, f.value) for f in facts]}"


def test_every_construction_carries_examples_and_a_doc():
    for c in all_constructions():
        assert c.examples and c.doc, c.name


BASE = {"name": "x.test", "kind": "rank", "doc": "a test", "pattern": "(v: <ORD>)", "value": "v",
        "examples": [{"text": "Lào Cai xếp thứ 14.", "facts": []}]}


@pytest.mark.parametrize("change,message", [
    ({"examples": []}, "needs examples"),
    ({"kind": "rankk"}, "kind must be one of"),
    ({"value": "w"}, "names no capture"),
    ({"pattern": "(v: <ORD"}, "x.test"),
    ({"filter": "no_such_filter"}, "no filter named"),
    ({"colour": "red"}, "unknown keys"),
    ({"doc": ""}, "say what the construction is for"),
    ({"examples": [{"sentence": "Lào Cai xếp thứ 14."}]}, "an example is"),
])
def test_a_malformed_construction_is_refused_with_its_name(change, message):
    with pytest.raises(ConstructionError, match=message):
        load({"constructions": [{**BASE, **change}]}, where="t.yaml")


def test_two_constructions_of_one_name_are_refused():
    with pytest.raises(ConstructionError, match="used twice"):
        load({"constructions": [BASE, BASE]})
