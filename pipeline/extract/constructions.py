"""Constructions as data (constructions.yaml): token patterns with examples, run on a tagged
sentence to find candidates. What a pattern cannot say (pairing of lists, positions filled in
order, numbered ranking lines) is code, registered here by name with @construction and listed
in the same file with its examples, so every construction carries its corpus.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Optional

import yaml

# importing them registers the code constructions and the filters constructions.yaml names
from pipeline.extract import filters, lists, statements  # noqa: F401
from pipeline.extract.candidates import Candidate
from pipeline.extract.sentence import FIGURES
from pipeline.extract.patterns import Pattern, PatternError, compile_pattern
from pipeline.extract.registry import CODE, FILTERS
from pipeline.extract.tokens import Tagged, Token, encode
from pipeline.models import FACT_KINDS

FIGURE_TAGS = ("ORD", "FRAC", "PCT", "NUM", "NUMWORD")
KEYS = {"name", "doc", "kind", "pattern", "code", "value", "const", "total", "subjects", "metrics", "sign",
        "subject_side", "priority", "claim", "also_overall", "optional_list", "unless", "examples",
        "not_examples", "qualifier", "min", "max", "continues", "filter", "also"}


class ConstructionError(ValueError):
    pass


@dataclass
class Construction:
    name: str
    kind: Optional[str]
    doc: str
    pattern: Optional[Pattern] = None
    code: Optional[str] = None
    spec: dict = field(default_factory=dict)
    unless: Optional[Pattern] = None
    examples: list = field(default_factory=list)
    not_examples: list = field(default_factory=list)

    @property
    def priority(self) -> int:
        return int(self.spec.get("priority", 50))


def _check_example(where: str, ex) -> None:
    if not isinstance(ex, dict) or "text" not in ex or not isinstance(ex.get("facts", []), list):
        raise ConstructionError(f"{where}: an example is {{text: ..., facts: [...]}} (optional title, published)")
    if set(ex) - {"text", "facts", "title", "published", "absent"}:
        raise ConstructionError(f"{where}: unknown example keys {sorted(set(ex) - {'text', 'facts', 'title', 'published', 'absent'})}")


def load(raw: dict, where: str = "constructions.yaml") -> list[Construction]:
    if not isinstance(raw, dict) or not isinstance(raw.get("constructions"), list):
        raise ConstructionError(f"{where}: expected a top-level list 'constructions'")
    out, seen = [], set()
    for n, entry in enumerate(raw["constructions"]):
        here = f"{where}: constructions[{n}]"
        if not isinstance(entry, dict) or "name" not in entry:
            raise ConstructionError(f"{here}: every construction has a name")
        here = f"{where}: {entry['name']}"
        unknown = set(entry) - KEYS
        if unknown:
            raise ConstructionError(f"{here}: unknown keys {sorted(unknown)} (allowed: {sorted(KEYS)})")
        if entry["name"] in seen:
            raise ConstructionError(f"{here}: the name is used twice")
        seen.add(entry["name"])
        if ("pattern" in entry) == ("code" in entry):
            raise ConstructionError(f"{here}: give exactly one of 'pattern' and 'code'")
        kind = entry.get("kind")
        if "pattern" in entry and kind not in FACT_KINDS:
            raise ConstructionError(f"{here}: kind must be one of {FACT_KINDS}")
        if "also" in entry and entry["also"] not in FACT_KINDS:
            raise ConstructionError(f"{here}: also must be one of {FACT_KINDS}")
        if not entry.get("doc"):
            raise ConstructionError(f"{here}: say what the construction is for in 'doc'")
        examples = entry.get("examples") or []
        if not examples:
            raise ConstructionError(f"{here}: a construction needs examples (sentence → expected facts)")
        for ex in examples + [e if isinstance(e, dict) else {"text": e} for e in entry.get("not_examples") or []]:
            _check_example(here, ex)
        try:
            pattern = compile_pattern(entry["pattern"]) if "pattern" in entry else None
            unless = compile_pattern(entry["unless"]) if entry.get("unless") else None
        except PatternError as e:
            raise ConstructionError(f"{here}: {e}") from None
        if pattern is not None:
            for key in ("value", "total", "subjects", "metrics", "sign", "claim", "also_overall"):
                if key in entry and entry[key] not in pattern.groups:
                    raise ConstructionError(f"{here}: '{key}: {entry[key]}' names no capture of the pattern")
            if "value" not in entry and "const" not in entry:
                raise ConstructionError(f"{here}: say where the value is ('value: capture' or 'const: N')")
        if "filter" in entry and entry["filter"] not in FILTERS:
            raise ConstructionError(f"{here}: no filter named {entry['filter']!r}")
        if "code" in entry and entry["code"] not in CODE:
            raise ConstructionError(f"{here}: no code construction named {entry['code']!r}")
        out.append(Construction(entry["name"], kind, entry["doc"], pattern, entry.get("code"), entry, unless,
                                examples, [e if isinstance(e, dict) else {"text": e}
                                           for e in entry.get("not_examples") or []]))
    return out


@functools.lru_cache(maxsize=1)
def all_constructions() -> tuple[Construction, ...]:
    raw = yaml.safe_load(resources.files("pipeline.extract").joinpath("constructions.yaml").read_text("utf-8"))
    return tuple(load(raw))


def figure_token(tagged: Tagged, i: int, j: int) -> Optional[Token]:
    for t in tagged.tokens[i:j]:
        if t.has(*FIGURE_TAGS) and t.value is not None:
            return t
    return None


def _candidates(c: Construction, tagged: Tagged, state) -> list[Candidate]:
    if c.code:
        return CODE[c.code](tagged, state, c)
    spec = c.spec
    out = []
    for i, j, caps in c.pattern.finditer(tagged):
        if c.unless is not None and any(True for _ in c.unless.finditer(_window(tagged, i, j))):
            continue
        fig = figure_token(tagged, *caps[spec["value"]]) if "value" in spec else None
        if "value" in spec and fig is None:
            continue
        value = float(spec["const"]) if "const" in spec else fig.value
        bounded = value / fig.value2 if fig is not None and fig.has("FRAC") and fig.value2 and c.kind == "score" \
            else value           # a score out of its stated scale ('760,39/1.000') is bounded as a share
        if ("min" in spec and bounded < spec["min"]) or ("max" in spec and bounded > spec["max"]):
            continue
        anchor = fig.i if fig is not None else (caps[spec["claim"]][0] if "claim" in spec else i)
        cand = Candidate(c.name, c.kind, value, anchor, (i, j), priority=c.priority,
                         qualifier=spec.get("qualifier") or (fig.qualifier if fig is not None else "exact"))
        if fig is not None and fig.value2 is not None and fig.has("ORD", "FRAC"):
            if c.kind == "score":
                cand.scale = fig.value2
            else:
                cand.total = fig.value2
        if "total" in spec and spec["total"] in caps:
            t = figure_token(tagged, *caps[spec["total"]])
            if t is not None:
                cand.total = t.value
        if "subjects" in spec and spec["subjects"] in caps:
            a, b = caps[spec["subjects"]]
            semis = [t.i for t in tagged.tokens[a:b] if t.has("semi")]
            rest = tagged.tokens[b:]
            if semis and any(t.has("respectively", "rank_verb", "rank1", *FIGURES) for t in rest
                             if not t.has("period")):
                b = semis[0]    # 'thuộc về A; B, C và D lần lượt xếp thứ 3, 4 và 5': the list after ';' has its own predicate
            cand.subjects = [t.ref for t in tagged.tokens[a:b] if t.has("SUBJ")]
        if "metrics" in spec and spec["metrics"] in caps:
            a, b = caps[spec["metrics"]]
            cand.metrics = [t.ref for t in tagged.tokens[a:b] if t.has("METRIC")]
        if "sign" in spec and spec["sign"] in caps:
            a, b = caps[spec["sign"]]
            if any(t.has("change_down") or t.text in ("-", "−", "–") for t in tagged.tokens[a:b]):
                cand.value = -cand.value
        if "also_overall" in spec and spec["also_overall"] in caps:
            a, b = caps[spec["also_overall"]]
            cand.also_overall = any(t.has("ranking_frame") for t in tagged.tokens[a:b])
        claims = {anchor}
        if "claim" in spec and spec["claim"] in caps:
            a, b = caps[spec["claim"]]
            claims |= set(range(a, b))
        cand.claims = frozenset(claims)
        cand.subject_side = spec.get("subject_side", "before")
        cand.optional_list = bool(spec.get("optional_list"))
        if spec.get("continues"):
            cand.notes["continues"] = True
        if "filter" in spec and not FILTERS[spec["filter"]](tagged, cand):
            continue
        out.append(cand)
        if "also" in spec:      # one statement, a second fact of another kind on the same figure
            cand.group = (c.name, i)
            out.append(replace(cand, kind=spec["also"], notes=dict(cand.notes)))
    return out


def _window(tagged: Tagged, i: int, j: int) -> Tagged:
    """The tokens a few places around a match, for an 'unless' pattern."""
    a, b = max(0, i - 4), min(len(tagged.tokens), j + 4)
    sub = Tagged(tagged.text, tagged.offset, tagged.paragraph, tagged.tokens[a:b])
    encode(sub)
    return sub


def find_candidates(tagged: Tagged, state) -> list[Candidate]:
    """Every construction's candidates, overlaps settled: higher priority, then longer match, wins
    a figure; a figure yields one candidate."""
    found = []
    for c in all_constructions():
        found.extend(_candidates(c, tagged, state))
    found.sort(key=lambda c: (-c.priority, -(c.span[1] - c.span[0]), c.span[0]))
    kept: list[Candidate] = []
    for cand in found:
        if any(cand.overlaps(k) for k in kept):
            continue
        kept.append(cand)
    kept.sort(key=lambda c: (c.tok, c.construction))
    return kept
