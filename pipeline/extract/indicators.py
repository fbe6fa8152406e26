"""The indicator vocabulary (indicators.yaml): one id per indicator across documents, found
from the phrase that names a figure; a label from the phrase's own words as the fallback."""
from __future__ import annotations

import functools
import re
from importlib import resources

import yaml

from pipeline.extract.gazetteer import find_subjects
from pipeline.textnorm import fold


class IndicatorError(ValueError):
    pass


@functools.lru_cache(maxsize=1)
def vocabulary() -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
    raw = yaml.safe_load(resources.files("pipeline.extract").joinpath("indicators.yaml").read_text("utf-8"))
    return validate(raw, "indicators.yaml")


def validate(raw, where: str):
    if not isinstance(raw, dict) or not isinstance(raw.get("indicators"), list):
        raise IndicatorError(f"{where}: expected a top-level list 'indicators'")
    out = []
    for n, e in enumerate(raw["indicators"]):
        here = f"{where}: indicators[{n}]"
        if not isinstance(e, dict) or "id" not in e or set(e) - {"id", "all", "any"} or not (e.get("all") or e.get("any")):
            raise IndicatorError(f"{here}: an entry is {{id, all: [terms], any: [terms]}} with at least one term")
        if not re.fullmatch(r"[a-z0-9_]+", e["id"]):
            raise IndicatorError(f"{here}: id {e['id']!r} must be snake_case")
        out.append((e["id"], tuple(fold(t) for t in e.get("all") or []), tuple(fold(t) for t in e.get("any") or [])))
    return tuple(out)


def known(ident: str) -> bool:
    """Is `ident` an id of the vocabulary (not a label made up from a phrase)?"""
    base = re.sub(r"_(?:growth|decrease|average|regional)$", "", ident)
    return any(base == e[0] for e in vocabulary())


@functools.lru_cache(maxsize=None)
def _term_re(term: str) -> re.Pattern:
    return re.compile(rf"(?<![a-z0-9]){re.escape(term)}(?![a-z0-9])")


def _has(folded: str, term: str) -> bool:
    return term in folded and _term_re(term).search(folded) is not None


def identify(phrase: str, suffix: str = "") -> str:
    """The vocabulary id for a phrase (the most specific entry it holds), else a label made from
    it; `suffix` marks a derived figure ('_growth', '_average')."""
    folded = " " + fold(phrase) + " "
    best, best_cover = None, 0
    for ident, all_terms, any_terms in vocabulary():
        if not all(_has(folded, t) for t in all_terms):
            continue
        hits = [t for t in any_terms if _has(folded, t)]
        if any_terms and not hits:
            continue
        cover = sum(len(t) for t in all_terms) + (max(len(t) for t in hits) if hits else 0)
        if cover > best_cover:
            best, best_cover = ident, cover
    best = best or label_for(phrase)
    return best if not suffix or best.endswith(suffix) else best + suffix


_STOP = {"cac", "nhung", "duoc", "da", "la", "cua", "va", "cho", "tren", "trong", "voi", "so", "tong", "dat",
         "co", "o", "tai", "hien", "nay", "den", "tu", "chiem", "len", "toi", "hon", "gan", "khoang", "cung",
         "vao", "ve", "nam", "thang", "nguoi", "nhieu", "moi", "cao", "tinh", "thanh", "pho", "toan", "chi"}


def label_for(phrase: str, limit: int = 5) -> str:
    """A snake_case label from the phrase's own words, without subject names."""
    text = phrase
    for s in sorted(find_subjects(text), key=lambda s: -s.start):
        text = text[:s.start] + " " + text[s.end:]
    words = [w for w in re.findall(r"[a-z0-9]+", fold(text)) if w not in _STOP and not w.isdigit()]
    return "_".join(words[:limit]) or "indicator"
