"""Is this figure right? A claim against the stored facts and the official tables.

A claim and every stored fact are turned into the set of values they allow (a `Span`): a rank
14 allows positions 14..14, "top 15" allows 1..15, a score 0,72 written with two decimals
allows 0,715..0,725 of its scale. A source *supports* a claim when everything it allows the
claim allows too, *contradicts* it when the two share nothing, and is merely *consistent*
otherwise (top 15 neither confirms nor refutes rank 14).
"""
from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Optional

from pipeline import store
from pipeline.errors import UsageError
from pipeline.models import FACT_KINDS, Document, Fact
from pipeline.reference import (canonical_subject, fold, index_metrics, metric_in, parse_number,
                                subject_key)

SUPPORTED, CONTRADICTED, DISPUTED, NOT_FOUND = "supported", "contradicted", "disputed", "not_found"
SUPPORTS, CONTRADICTS, CONSISTENT = "supports", "contradicts", "consistent"
POSITION_KINDS = ("rank", "top_n", "bottom_n")
EXAMPLE = "Lào Cai xếp thứ 14/34 về chỉ số chuyển đổi số năm 2024"
APPROX = 0.05   # "khoảng", "gần": within 5 %


# --- what a statement allows -----------------------------------------------------------------

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


def default_scale(value: float) -> float:
    """A score without a stated scale: at most 1 is on 1, anything else on the DTI's 1,000."""
    return 1.0 if value <= 1 else 1000.0


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
            is_target: bool = False) -> Optional[Span]:
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
        s = scale or default_scale(value)
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


# --- claims ----------------------------------------------------------------------------------

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
            self.scale = default_scale(self.value)

    def span(self) -> Optional[Span]:
        return span_of(self.kind, self.value, total=self.total, scale=self.scale,
                       qualifier=self.qualifier, decimals=self.decimals, evidence=self.text,
                       is_target=self.is_target)

    def describe(self) -> str:
        return describe(self.kind, self.value, self.total, self.scale, self.qualifier, self.decimals)


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


def claim_from_fact(fact: Fact, text: str) -> Claim:
    return Claim(subject=fact.subject, subject_type=fact.subject_type, metric=fact.metric,
                 kind=fact.kind, value=fact.value, year=fact.year, total=fact.total, scale=fact.scale,
                 qualifier=fact.qualifier, is_target=fact.is_target,
                 decimals=written_decimals(fact.value, fact.evidence), text=text)


def _missing_parts(text: str) -> list[str]:
    """What a sentence lacks to be a claim, read roughly, for the error message."""
    from pipeline.extract.gazetteer import find_subjects
    missing = []
    if not find_subjects(text):
        missing.append("subject (a province, district or agency name)")
    if not re.search(r"\d|dẫn đầu|đứng đầu|đứng cuối|cuối bảng|\btop\b|\btốp\b", text, re.IGNORECASE):
        missing.append("figure (a rank, score, percentage or count)")
    if metric_in(text) is None and not re.search(r"chỉ số|tỷ lệ|tỉ lệ|số lượng", text, re.IGNORECASE):
        missing.append("metric (which index or indicator, e.g. chỉ số chuyển đổi số)")
    return missing


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
    facts = extractor(Document(url="claim:", text=clean, doc_type="txt"))
    if not facts:
        missing = _missing_parts(clean)
        why = ("missing " + ", ".join(missing)) if missing else "no figure about a subject could be read from it"
        raise UsageError(f"cannot check {clean!r}: {why}; write it like {EXAMPLE!r}, "
                         "or give --subject, --metric, --year, --kind and --value")
    claims, seen = [], set()
    for f in facts:
        c = claim_from_fact(f, clean)
        key = (c.subject_type, fold(c.subject), c.metric, c.year, c.kind, c.value, c.total, c.is_target)
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
    return Claim(subject=subject, subject_type=subject_type, metric=metric or "dti", year=year,
                 kind=kind or parsed.get("kind"), value=parsed["value"],
                 total=total if total is not None else parsed.get("total"),
                 scale=scale if scale is not None else parsed.get("scale"),
                 qualifier=qualifier, is_target=is_target, decimals=parsed["decimals"])


def require_complete(claim: Claim) -> None:
    if claim.year is None and (claim.metric in index_metrics() or family(claim.kind) == "position"):
        raise UsageError(f"the claim about {claim.subject} ({claim.metric}) names no year; "
                         "add it (năm 2024) or pass --year")


# --- verdicts --------------------------------------------------------------------------------

@dataclass
class Source:
    """One document (or official table) stating a figure on the claim's subject and metric."""
    relation: str                        # supports | contradicts | consistent
    figure: str                          # the stated figure, described
    kind: str
    value: float
    total: Optional[float] = None
    scale: Optional[float] = None
    url: Optional[str] = None
    outlet: Optional[str] = None
    published: Optional[str] = None
    title: Optional[str] = None
    evidence: str = ""
    ranking: Optional[float] = None      # size of the ranking a position belongs to, when known
    reference: Optional[str] = None      # the official table's name, for a reference source
    differs_from_reference: Optional[bool] = None


@dataclass
class CheckResult:
    claim: Claim
    verdict: str
    reason: str
    official: list[Source] = field(default_factory=list)
    supporting: list[Source] = field(default_factory=list)
    contradicting: list[Source] = field(default_factory=list)
    consistent: list[Source] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["claim"]["figure"] = self.claim.describe()
        return d

    def render(self) -> str:
        c = self.claim
        lines = [f"Claim:   {c.subject} · {c.metric} · {c.year or 'no year'} · {c.describe()}"
                 + (" (target)" if c.is_target else ""),
                 f"Verdict: {self.verdict.upper().replace('_', ' ')} — {self.reason}"]
        for label, sources in (("Official", self.official), ("Supporting", self.supporting),
                               ("Contradicting", self.contradicting),
                               ("Consistent, not confirming", self.consistent)):
            if not sources:
                continue
            lines.append(f"{label} ({len(sources)}):")
            for s in sources:
                if s.reference:
                    lines.append(f"  - {s.figure} in official table {s.reference!r}: {s.relation} the claim")
                    continue
                meta = " · ".join(x for x in ((s.published or "")[:10], s.outlet or "") if x)
                flag = "  [differs from the official figure]" if s.differs_from_reference else ""
                lines.append(f"  - {s.figure}{flag}  {meta}")
                lines.append(f"    {s.url}")
                lines.append(f"    “{s.evidence}”")
        return "\n".join(lines)


def _fact_span(row: dict[str, Any]) -> Optional[Span]:
    return span_of(row["kind"], row["value"], total=row.get("total"), scale=row.get("scale"),
                   qualifier=row.get("qualifier") or "exact", evidence=row.get("evidence") or "",
                   is_target=bool(row.get("is_target")))


def candidate_rows(db, claim: Claim, table: str = "facts") -> list[dict[str, Any]]:
    """Stored facts (or reference figures) on the claim's subject, metric and year whose kind can
    be compared with the claim's."""
    kinds = POSITION_KINDS if family(claim.kind) == "position" else (claim.kind,)
    marks = ",".join("?" * len(kinds))
    if table == "facts":
        # Every subject's figures of this metric and year: a rank's ranking size may come from them.
        sql = f"""SELECT f.*, d.url AS url, d.outlet AS outlet, d.published AS published,
                         d.title AS document_title
                  FROM facts f JOIN documents d ON d.id = f.document_id
                  WHERE f.metric = ? AND f.year IS ? AND f.kind IN ({marks}) AND f.is_target = ?
                  ORDER BY d.published, d.id, f.start"""
        params = [claim.metric, claim.year, *kinds, int(claim.is_target)]
    else:
        if claim.is_target:
            return []
        sql = f"""SELECT * FROM reference_facts WHERE metric = ? AND year IS ? AND kind IN ({marks})
                  ORDER BY reference, id"""
        params = [claim.metric, claim.year, *kinds]
    rows = list(db.query(sql, params))
    infer_rankings(rows)
    want = subject_key(claim.subject, claim.subject_type)
    out = []
    for row in rows:
        if subject_key(row["subject"], row["subject_type"]) != want:
            continue
        if family(claim.kind) == "position" and not totals_compatible(claim.total, row.get("ranking")):
            continue
        out.append(row)
    return out


def _source(row: dict[str, Any], rel: str, reference: bool = False) -> Source:
    return Source(relation=rel, figure=describe(row["kind"], row["value"], row.get("total"), row.get("scale"),
                                                row.get("qualifier") or "exact",
                                                written_decimals(row["value"], row.get("evidence") or "")),
                  kind=row["kind"], value=row["value"], total=row.get("total"), scale=row.get("scale"),
                  url=row.get("url"), outlet=row.get("outlet"), published=row.get("published"),
                  title=row.get("document_title"), evidence=row.get("evidence") or "",
                  ranking=row.get("ranking"), reference=row.get("reference") if reference else None)


def _claim_span(claim: Claim, row: dict[str, Any]) -> Optional[Span]:
    # A bottom-N claim needs the ranking's size; the stored figure may give it.
    if claim.kind == "bottom_n" and claim.total is None and row.get("total"):
        return span_of("bottom_n", claim.value, total=row["total"])
    return claim.span()


def _judge(claim: Claim, rows: Iterable[dict[str, Any]], reference: bool = False) -> list[Source]:
    out = []
    for row in rows:
        fact_span = _fact_span(row)
        if fact_span is None and row["kind"] == "bottom_n" and claim.total:
            fact_span = span_of("bottom_n", row["value"], total=claim.total)
        claim_span = _claim_span(claim, row)
        if fact_span is None or claim_span is None:
            continue
        out.append(_source(row, relation(claim_span, fact_span), reference))
    return out


def _dedupe(sources: list[Source]) -> list[Source]:
    """One line per document and figure: a figure repeated in a caption is one statement."""
    seen, out = set(), []
    for s in sources:
        key = (s.url or s.reference, s.kind, s.value, s.total)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


def check_claim(db, claim: Claim) -> CheckResult:
    """The verdict on one claim. The official table, when one was imported, decides; documents
    are listed, and marked where they differ from it."""
    require_complete(claim)
    official = _dedupe(_judge(claim, candidate_rows(db, claim, "reference_facts"), reference=True))
    sources = _dedupe(_judge(claim, candidate_rows(db, claim, "facts")))
    note = ""
    if family(claim.kind) == "position" and claim.total is None:
        # "thứ 14" without "/34" while sources give both the 34 and the 63 ranking: the claim
        # holds if it holds in one of them.
        sizes = sorted({s.ranking for s in sources if s.ranking})
        for size in sizes if len(sizes) > 1 else []:
            part = [s for s in sources if s.ranking in (size, None)]
            relations = {s.relation for s in part}
            if SUPPORTS in relations and CONTRADICTS not in relations:
                sources, note = part, f" (in the ranking of {size:g}; other rankings set aside)"
                break
    if official:
        for s in sources:
            fact = span_of(s.kind, s.value, total=s.total, scale=s.scale, evidence=s.evidence)
            s.differs_from_reference = any(
                fact is not None and not fact.meets(ref)
                for o in official if family(o.kind) != "position" or totals_compatible(o.total, s.ranking)
                for ref in [span_of(o.kind, o.value, total=o.total, scale=o.scale)] if ref is not None)
    result = CheckResult(claim=claim, verdict=NOT_FOUND, reason="", official=official,
                         supporting=[s for s in sources if s.relation == SUPPORTS],
                         contradicting=[s for s in sources if s.relation == CONTRADICTS],
                         consistent=[s for s in sources if s.relation == CONSISTENT])
    off = {s.relation for s in official}
    if SUPPORTS in off and CONTRADICTS not in off:
        result.verdict, result.reason = SUPPORTED, f"the official table gives {official[0].figure}"
    elif CONTRADICTS in off and SUPPORTS not in off:
        result.verdict, result.reason = CONTRADICTED, f"the official table gives {official[0].figure}"
    elif result.supporting and result.contradicting:
        result.verdict = DISPUTED
        result.reason = (f"sources disagree: {len(result.supporting)} support it, "
                         f"{len(result.contradicting)} contradict it")
    elif result.supporting:
        result.verdict = SUPPORTED
        result.reason = f"{len(result.supporting)} source(s) state it, none contradicts{note}"
    elif result.contradicting:
        result.verdict = CONTRADICTED
        figures = sorted({s.figure for s in result.contradicting})
        result.reason = f"{len(result.contradicting)} source(s) state otherwise: {', '.join(figures)}"
    elif result.consistent:
        result.reason = (f"{len(result.consistent)} source(s) agree with it without stating it "
                         f"({', '.join(sorted({s.figure for s in result.consistent}))})")
    else:
        result.reason = (f"no stored figure on {claim.subject}, {claim.metric}, "
                         f"{claim.year or 'no year'} of a comparable kind")
    return result


def check(db_path: str, claims: list[Claim]) -> list[CheckResult]:
    db = store.connect(db_path)
    return [check_claim(db, c) for c in claims]
