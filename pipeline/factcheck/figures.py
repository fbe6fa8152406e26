"""Figures as the values they allow: a statement and a stored fact each become a `Span`, and
a source *supports* a claim when everything it allows the claim allows too, *contradicts* it
when the two share nothing, and is merely *consistent* otherwise (top 15 neither confirms nor
refutes rank 14). A rank 14 allows positions 14..14, "top 15" allows 1..15, a score 0,72
written with two decimals allows 0,715..0,725 of its scale.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Optional

from pipeline.factcheck.names import subject_key

SUPPORTS, CONTRADICTS, CONSISTENT = "supports", "contradicts", "consistent"
POSITION_KINDS = ("rank", "top_n", "bottom_n")
APPROX = 0.05   # "khoảng", "gần": within 5 %


def parse_number(text: str) -> tuple[float, int]:
    """A number as Vietnamese writes it → (value, decimals written), by the extractor's rules.

    `0,7167` → (0.7167, 4); `0,70` → (0.7, 2); `760,39` → (760.39, 2); `1.000` → (1000, 0).
    The decimals are what the writer's rounding allows, so they are kept apart from the value.
    """
    from pipeline.extract.numbers import parse_number as value_of
    s = (text or "").strip().replace(" ", "").replace("\u00a0", "").rstrip("%")
    sign = -1.0 if s.startswith("-") else 1.0
    s = s.lstrip("+-")
    value = value_of(s) if s else None
    if value is None:
        raise ValueError(f"not a number: {text!r}")
    digits = int(re.sub(r"\D", "", s))
    decimals = next(d for d in range(len(s) + 1) if abs(value * 10 ** d - digits) < 1e-6 * max(1, digits))
    return sign * value, decimals


@dataclass(frozen=True)
class Span:
    """The closed interval of values a statement allows, on a comparable axis."""
    lo: float
    hi: float

    def _eps(self, other: "Span") -> float:
        # Float noise only (716,7/1.000 against 0,7167): relative to the finite bounds.
        bounds = [abs(b) for b in (self.lo, self.hi, other.lo, other.hi) if math.isfinite(b)]
        return 1e-9 * max([1.0, *bounds])

    def within(self, other: "Span") -> bool:
        eps = self._eps(other)
        return other.lo - eps <= self.lo and self.hi <= other.hi + eps

    def meets(self, other: "Span") -> bool:
        eps = self._eps(other)
        return self.lo <= other.hi + eps and other.lo <= self.hi + eps


def family(kind: str) -> str:
    """Kinds that can be compared with each other: positions, or the kind itself."""
    return "position" if kind in POSITION_KINDS else kind


def default_scale(value: float, metric: Optional[str] = None) -> float:
    """A score without a stated scale, as the domain reads it (domain.scale_of): at most 1 is on 1,
    a DTI score above 100 on 1,000, another index's up to 100 on 100 (PCI 65,5)."""
    from pipeline.domain import scale_of
    return scale_of(value, metric or "dti") or 1000.0


def written_decimals(value: float, evidence: str = "") -> int:
    """How many decimals the figure was written with: from its evidence when the number is
    there (0,70 keeps its two), else from the stored float."""
    for m in re.finditer(r"\d[\d.,]*\d|\d", evidence or ""):
        try:
            v, d = parse_number(m.group())
        except ValueError:
            continue
        if math.isclose(v, value, rel_tol=1e-12, abs_tol=1e-12):
            return d
    text = repr(float(value))
    if "e" in text:
        return 0
    frac = text.split(".")[1].rstrip("0") if "." in text else ""
    return len(frac)


def _half_unit(kind: str, value: float, decimals: int) -> float:
    if kind == "count" and decimals == 0 and abs(value) >= 1000:
        # 57.800 or "1,24 triệu" are rounded to their last non-zero digit.
        digits = str(int(abs(value)))
        zeros = len(digits) - len(digits.rstrip("0"))
        return 10 ** min(zeros, len(digits) - 2) / 2
    return 0.5 * 10 ** -decimals


def span_of(kind: str, value: float, *, total: Optional[float] = None, scale: Optional[float] = None,
            qualifier: str = "exact", decimals: Optional[int] = None, evidence: str = "",
            is_target: bool = False, metric: Optional[str] = None) -> Optional[Span]:
    """The values a statement allows; None when it cannot be placed (a bottom-N without total)."""
    if kind == "rank":
        # A target rank ("phấn đấu xếp thứ 10") is met by any better rank.
        return Span(1, value) if is_target else Span(value, value)
    if kind == "top_n":
        return Span(1, value)
    if kind == "bottom_n":
        return Span(total - value + 1, total) if total else None
    if decimals is None:
        decimals = written_decimals(value, evidence)
    half = _half_unit(kind, value, decimals)
    lo, hi = value - half, value + half
    if qualifier == "at_least" or (is_target and qualifier == "exact" and kind in ("percent", "count", "score")):
        hi = math.inf          # a target "đạt 80%" is met by 80 % or more
    elif qualifier == "at_most":
        lo = -math.inf
    elif qualifier == "approx":
        lo, hi = min(lo, value * (1 - APPROX)), max(hi, value * (1 + APPROX))
    if kind == "score":
        s = scale or default_scale(value, metric)
        lo, hi = lo / s, hi / s
    return Span(lo, hi)


def relation(claim: Span, fact: Span) -> str:
    if fact.within(claim):
        return SUPPORTS
    if not fact.meets(claim):
        return CONTRADICTS
    return CONSISTENT


def totals_compatible(a: Optional[float], b: Optional[float]) -> bool:
    """Ranks out of 34 and out of 63 are two different rankings (DTI 2024 had both)."""
    return a is None or b is None or a == b


def infer_rankings(rows: list[dict[str, Any]]) -> None:
    """Set `ranking` on position rows: the size of the ranking they belong to, or None.

    A rank without "/34" belongs to the ranking of its stated total when one is plain: the one
    size the same document gives for that metric and year, or else the one size another source
    gives for the same subject and value ("Thanh Hóa thứ 5" beside "thứ 5/34", not "thứ 7/63").
    """
    by_doc: dict[tuple, set] = {}
    by_value: dict[tuple, set] = {}
    for r in rows:
        if r["kind"] in POSITION_KINDS and r.get("total"):
            by_doc.setdefault((r.get("document_id"), r["metric"], r.get("year")), set()).add(r["total"])
            key = (subject_key(r["subject"], r["subject_type"]), r["metric"], r.get("year"), r["kind"], r["value"])
            by_value.setdefault(key, set()).add(r["total"])
    positions = [r for r in rows if r["kind"] in POSITION_KINDS]
    for r in positions:
        ranking = r.get("total")
        if ranking is None:
            doc = by_doc.get((r.get("document_id"), r["metric"], r.get("year")), set())
            same = by_value.get((subject_key(r["subject"], r["subject_type"]), r["metric"], r.get("year"),
                                 r["kind"], r["value"]), set())
            ranking = next(iter(doc)) if len(doc) == 1 else next(iter(same)) if len(same) == 1 else None
        r["ranking"] = ranking
    # Then a document's remaining ranks join the one ranking its other ranks were placed in.
    placed: dict[tuple, set] = {}
    for r in positions:
        if r["ranking"] is not None:
            placed.setdefault((r.get("document_id"), r["metric"], r.get("year")), set()).add(r["ranking"])
    for r in positions:
        sizes = placed.get((r.get("document_id"), r["metric"], r.get("year")), set())
        if r["ranking"] is None and len(sizes) == 1:
            r["ranking"] = next(iter(sizes))


def format_number(value: float, decimals: Optional[int] = None) -> str:
    """Vietnamese style: 1.168, 0,7167, 760,39."""
    from pipeline.extract.numbers import format_vietnamese
    if decimals is None:
        decimals = 0 if float(value).is_integer() else written_decimals(value)
    return format_vietnamese(value, decimals)


def describe(kind: str, value: float, total: Optional[float] = None, scale: Optional[float] = None,
             qualifier: str = "exact", decimals: Optional[int] = None) -> str:
    v = format_number(value, decimals)
    q = {"at_least": "≥ ", "at_most": "≤ ", "approx": "≈ "}.get(qualifier, "")
    if kind == "rank":
        return f"rank {v}" + (f"/{format_number(total)}" if total else "")
    if kind in ("top_n", "bottom_n"):
        return f"{'top' if kind == 'top_n' else 'bottom'} {v}" + (f" of {format_number(total)}" if total else "")
    if kind == "score":
        return f"score {q}{v}" + (f"/{format_number(scale)}" if scale else "")
    if kind == "percent":
        return f"{q}{v}%"
    if kind == "rank_change":
        return f"{'+' if value > 0 else ''}{v} places"
    return f"{q}{v}" + (f"/{format_number(total)}" if total else "")
