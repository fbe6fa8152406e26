"""Metric mentions: the spec's vocabulary (dti, its pillars and indices, sister indices) and a
few other named indices, from metrics.yaml; any other indicator gets a label from its phrase."""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources

import yaml

VOCABULARY = (
    "dti", "dti.government", "dti.economy", "dti.society", "dti.awareness", "dti.institutions",
    "dti.infrastructure", "dti.workforce", "dti.cybersecurity", "dti.government_activity",
    "dti.economy_activity", "dti.society_activity", "ict_index", "pci", "par_index", "papi", "sipas",
)


@dataclass
class MetricMention:
    start: int
    end: int
    id: str
    phrase: str
    vocab: bool


class MetricRulesError(ValueError):
    pass


@functools.lru_cache(maxsize=1)
def _rules() -> list[tuple[str, bool, re.Pattern]]:
    raw = yaml.safe_load(resources.files("pipeline.extract").joinpath("metrics.yaml").read_text("utf-8"))
    out = []
    for section, vocab in (("metrics", True), ("labels", False)):
        for i, entry in enumerate(raw.get(section) or []):
            where = f"metrics.yaml: {section}[{i}]"
            if set(entry) - {"id", "patterns", "case"} or "id" not in entry or "patterns" not in entry:
                raise MetricRulesError(f"{where}: needs exactly id, patterns and optional case")
            if vocab and entry["id"] not in VOCABULARY:
                raise MetricRulesError(f"{where}: {entry['id']!r} is not in the spec's vocabulary")
            flags = 0 if entry.get("case") else re.IGNORECASE
            for p in entry["patterns"]:
                try:
                    out.append((entry["id"], vocab, re.compile(p, flags)))
                except re.error as e:
                    raise MetricRulesError(f"{where}: bad pattern {p!r}: {e}") from None
    return out


def find_metrics(text: str) -> list[MetricMention]:
    """Non-overlapping metric mentions, left to right; earlier rules win overlaps."""
    found: list[MetricMention] = []
    for mid, vocab, rx in _rules():
        for m in rx.finditer(text):
            if any(not (m.end() <= f.start or m.start() >= f.end) for f in found):
                continue
            found.append(MetricMention(m.start(), m.end(), mid, text[m.start():m.end()], vocab))
    found.sort(key=lambda f: f.start)
    return found


def label_for(phrase: str, limit: int = 6) -> str:
    """A snake_case label for an indicator outside the vocabulary, from its phrase."""
    nfd = unicodedata.normalize("NFD", phrase.lower().replace("đ", "d"))
    ascii_ = "".join(c for c in nfd if not unicodedata.combining(c))
    words = re.findall(r"[a-z0-9]+", ascii_)
    stop = {"cac", "nhung", "duoc", "da", "la", "cua", "va", "cho", "tren", "trong", "voi", "so", "tong"}
    words = [w for w in words if w not in stop and not w.isdigit()][:limit]
    return "_".join(words) or "indicator"
