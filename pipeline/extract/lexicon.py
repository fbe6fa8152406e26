"""The word classes of lexicon.yaml: loaded once, checked on load, matched as one regex (a trie of the phrases).

A phrase matches whole words, case-insensitively, with either tone placement and any run of
spaces; where phrases overlap at one position the longest wins and carries all its classes.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

import yaml

from pipeline.extract.gazetteer import tone_variants
from pipeline.textnorm import phrase_alternation


class LexiconError(ValueError):
    pass


@dataclass(frozen=True)
class LexMatch:
    start: int
    end: int
    classes: frozenset[str]


def _key(phrase: str) -> str:
    return " ".join(phrase.lower().split())


@functools.lru_cache(maxsize=1)
def classes() -> dict[str, tuple[str, ...]]:
    """Class name → its phrases, as written in lexicon.yaml (validated)."""
    raw = yaml.safe_load(resources.files("pipeline.extract").joinpath("lexicon.yaml").read_text("utf-8"))
    return validate(raw, "lexicon.yaml")


def validate(raw, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict) or set(raw) != {"classes"} or not isinstance(raw["classes"], dict):
        raise LexiconError(f"{where}: expected one top-level key 'classes' mapping names to entries")
    out = {}
    for name, entry in raw["classes"].items():
        here = f"{where}: class {name!r}"
        if not re.fullmatch(r"[a-z][a-z0-9_]*", str(name)):
            raise LexiconError(f"{here}: a class name is lower_snake_case")
        if not isinstance(entry, dict) or set(entry) != {"doc", "phrases"}:
            raise LexiconError(f"{here}: needs exactly 'doc' (what the class is for) and 'phrases'")
        phrases = entry["phrases"]
        if not isinstance(phrases, list) or not phrases:
            raise LexiconError(f"{here}: 'phrases' must be a non-empty list")
        for p in phrases:
            if not isinstance(p, str) or not p.strip():
                raise LexiconError(f"{here}: phrase {p!r} is not a non-empty string")
            if re.search(r"\d", p):
                raise LexiconError(f"{here}: phrase {p!r} holds a digit; figures are tagged by tokens.py")
        out[name] = tuple(dict.fromkeys(_key(p) for p in phrases))
    return out


@functools.lru_cache(maxsize=1)
def _compiled() -> tuple[re.Pattern, dict[str, frozenset[str]]]:
    by_phrase: dict[str, set[str]] = {}
    for name, phrases in classes().items():
        for p in phrases:
            for v in tone_variants(p):
                by_phrase.setdefault(_key(v), set()).add(name)
    rx = re.compile(rf"(?<![\w&])(?:{phrase_alternation(by_phrase)})(?![\w&])", re.IGNORECASE)
    return rx, {p: frozenset(c) for p, c in by_phrase.items()}


def find(text: str) -> list[LexMatch]:
    """Non-overlapping lexicon phrases in `text`, left to right, longest at each position."""
    rx, by_phrase = _compiled()
    out = []
    for m in rx.finditer(text):
        cls = by_phrase.get(_key(m.group()))
        if cls:
            out.append(LexMatch(m.start(), m.end(), cls))
    return out


def phrases_of(name: str) -> tuple[str, ...]:
    return classes()[name]
