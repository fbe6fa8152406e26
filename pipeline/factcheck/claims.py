"""A claim: a figure someone reported, read from a Vietnamese sentence with the documents' own
extractor or given as options, ready to be checked (check.py)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

from pipeline.errors import UsageError
from pipeline.factcheck.figures import Span, default_scale, describe, family, parse_number, span_of, written_decimals
from pipeline.factcheck.names import canonical_subject, index_metrics, metric_in, tone_fold
from pipeline.factcheck.unaccented import restore_marks
from pipeline.models import FACT_KINDS, Document, Fact

EXAMPLE = "Lào Cai xếp thứ 14/34 về chỉ số chuyển đổi số năm 2024"


@dataclass
class Claim:
    """A figure someone reported, to be checked against the database."""
    subject: str
    metric: str
    kind: str
    value: float
    year: Optional[int] = None
    subject_type: Optional[str] = None   # guessed from the name when None
    total: Optional[float] = None
    scale: Optional[float] = None
    qualifier: str = "exact"
    is_target: bool = False
    decimals: Optional[int] = None       # as written; None: read from the value
    text: str = ""                       # the sentence it came from, if any

    def __post_init__(self):
        if self.kind not in FACT_KINDS:
            raise UsageError(f"kind {self.kind!r} is not one of {', '.join(FACT_KINDS)}")
        self.subject, self.subject_type = canonical_subject(self.subject, self.subject_type)
        if self.kind == "score" and self.scale is None:
            self.scale = default_scale(self.value, self.metric)

    def span(self) -> Optional[Span]:
        return span_of(self.kind, self.value, total=self.total, scale=self.scale, metric=self.metric,
                       qualifier=self.qualifier, decimals=self.decimals, evidence=self.text,
                       is_target=self.is_target)

    def describe(self) -> str:
        return describe(self.kind, self.value, self.total, self.scale, self.qualifier, self.decimals)


def claim_from_fact(fact: Fact, text: str) -> Claim:
    return Claim(subject=fact.subject, subject_type=fact.subject_type, metric=fact.metric,
                 kind=fact.kind, value=fact.value, year=fact.year, total=fact.total, scale=fact.scale,
                 qualifier=fact.qualifier, is_target=fact.is_target,
                 decimals=written_decimals(fact.value, fact.evidence), text=text)


def _did_you_mean(text: str) -> list[str]:
    """Provinces close to the capitalised words a claim opens with ("Thanh Hox" → Thanh Hóa)."""
    import difflib
    from pipeline.extract.gazetteer import UPPER, provinces
    from pipeline.textnorm import fold
    lead = re.match(rf"\s*((?:[{UPPER}][\w]*\s*){{1,4}})", text)
    if not lead:
        return []
    names = {fold(n): n for n in provinces()}
    return [names[k] for k in difflib.get_close_matches(fold(lead.group(1)), list(names), n=3, cutoff=0.6)]


def _missing_parts(text: str) -> list[str]:
    """What a sentence lacks to be a claim, read roughly, for the error message."""
    from pipeline.extract.gazetteer import find_subjects
    missing = []
    if not find_subjects(text):
        hint = _did_you_mean(text)
        missing.append("subject (a province, district or agency name)"
                       + (f" — did you mean {', '.join(hint)}?" if hint else ""))
    if not re.search(r"\d|dẫn đầu|đứng đầu|đứng cuối|cuối bảng|\btop\b|\btốp\b", text, re.IGNORECASE):
        missing.append("figure (a rank, score, percentage or count)")
    if metric_in(text) is None and not re.search(r"chỉ số|tỷ lệ|tỉ lệ|số lượng", text, re.IGNORECASE):
        missing.append("metric (which index or indicator, e.g. chỉ số chuyển đổi số)")
    return missing


def _with_dti(text: str) -> str:
    """The sentence with the DTI named where a writer would name it: before its year, else at the end."""
    m = re.search(r"\s(?:năm|trong năm)\s+(?:19|20)\d\d\b", text)
    phrase = " về chỉ số chuyển đổi số"
    return text[:m.start()] + phrase + text[m.start():] if m else text.rstrip(" .") + phrase


def claims_from_text(text: str, extractor=None) -> list[Claim]:
    """Read a Vietnamese sentence with the documents' own extractor.

    Raises UsageError saying what was missing when no figure can be read from it.
    """
    from pipeline.textnorm import normalize_text
    if extractor is None:
        from pipeline.extract import extract as extractor
    clean = normalize_text(text)
    if not clean:
        raise UsageError(f"no claim given; write one like {EXAMPLE!r}")
    typed, clean = clean, restore_marks(clean)   # "Thanh Hoa xep thu 5/34" read as "Thanh Hoá xếp thứ 5/34"
    facts = extractor(Document(url="claim:", text=clean, doc_type="txt"))
    dti_assumed = not facts and metric_in(clean) is None
    if dti_assumed:
        # a claim naming no index is about the DTI, as --metric defaults to it
        facts = [f for f in extractor(Document(url="claim:", text=_with_dti(clean), doc_type="txt"))
                 if f.metric == "dti"]
    if not facts:
        missing = [m for m in _missing_parts(clean) if not (dti_assumed and m.startswith("metric"))]
        why = ("missing " + "; ".join(missing)) if missing else "no figure about a subject could be read from it"
        raise UsageError(f"cannot check {typed!r}: {why}; write it like {EXAMPLE!r}, "
                         "or give --subject, --metric, --year, --kind and --value")
    claims, seen = [], set()
    for f in facts:
        c = claim_from_fact(f, clean)
        key = (c.subject_type, tone_fold(c.subject), c.metric, c.year, c.kind, c.value, c.total, c.is_target)
        if key not in seen:
            seen.add(key)
            claims.append(c)
    return claims


def parse_value(text: str, kind: Optional[str]) -> dict[str, Any]:
    """`--value`: "14", "14/34", "0,72", "716,7/1.000", "58%" → value, decimals, total or scale."""
    raw = (text or "").strip()
    num, _, den = raw.partition("/")
    try:
        value, decimals = parse_number(num)
        denominator = parse_number(den)[0] if den.strip() else None
    except ValueError:
        raise UsageError(f"--value {text!r} is not a number; write it like 14, 14/34, 0,72 or 716,7/1.000") from None
    out: dict[str, Any] = {"value": value, "decimals": decimals}
    if raw.endswith("%") and kind is None:
        out["kind"] = "percent"
    if denominator is not None:
        out["scale" if kind == "score" else "total"] = denominator
    return out


def claim_from_options(subject: Optional[str] = None, metric: Optional[str] = None,
                       year: Optional[int] = None, kind: Optional[str] = None,
                       value: Optional[str] = None, subject_type: Optional[str] = None,
                       total: Optional[float] = None, scale: Optional[float] = None,
                       qualifier: str = "exact", is_target: bool = False) -> Claim:
    missing = [f"--{n}" for n, v in (("subject", subject), ("kind", kind), ("value", value)) if v is None]
    if missing:
        raise UsageError(f"give a CLAIM sentence, or {', '.join(missing)} "
                         f"(with --metric and --year), e.g. --subject 'Lào Cai' --metric dti "
                         "--year 2024 --kind rank --value 14/34")
    parsed = parse_value(value, kind)
    return Claim(subject=subject, subject_type=subject_type, metric=metric_id(metric), year=year,
                 kind=kind or parsed.get("kind"), value=parsed["value"],
                 total=total if total is not None else parsed.get("total"),
                 scale=scale if scale is not None else parsed.get("scale"),
                 qualifier=qualifier, is_target=is_target, decimals=parsed["decimals"])


def metric_id(typed: Optional[str]) -> str:
    """`--metric` as the documents' facts name it: an index id (dti, pci), an indicator id, or a
    phrase ("tỷ trọng kinh tế số") read with the extractor's indicator vocabulary; dti when absent."""
    from pipeline.extract.indicators import identify, known
    if not typed:
        return "dti"
    typed = typed.strip()
    if typed in index_metrics() or known(typed) or re.fullmatch(r"[a-z0-9_.]+", typed):
        return typed                   # an id as stored (a made-up label too: query --metric shows them)
    return metric_in(typed) or identify(typed)


def require_complete(claim: Claim) -> None:
    if claim.year is None and (claim.metric in index_metrics() or family(claim.kind) == "position"):
        raise UsageError(f"the claim about {claim.subject} ({claim.metric}) names no year; "
                         "add it (năm 2024) or pass --year")


def read_claims(text: Optional[str] = None, *, subject: Optional[str] = None, metric: Optional[str] = None,
                year: Optional[int] = None, kind: Optional[str] = None, value: Optional[str] = None,
                subject_type: Optional[str] = None, total: Optional[float] = None,
                scale: Optional[float] = None, qualifier: str = "exact", is_target: bool = False) -> list[Claim]:
    """The claims a user means: read from `text` with the options overriding what was read from
    it, or built from the options alone. Raises UsageError naming what is missing."""
    if not text:
        return [claim_from_options(subject, metric, year, kind, value, subject_type, total, scale,
                                   qualifier, is_target)]
    claims = claims_from_text(text)
    overrides: dict[str, Any] = {k: v for k, v in (("subject", subject), ("subject_type", subject_type),
                                                     ("metric", metric), ("year", year), ("kind", kind),
                                                     ("total", total), ("scale", scale)) if v is not None}
    if value is not None:
        overrides.update(parse_value(value, kind))
    if is_target:
        overrides["is_target"] = True
    if qualifier != "exact":
        overrides["qualifier"] = qualifier
    return [Claim(**{**c.__dict__, **overrides}) for c in claims] if overrides else claims
