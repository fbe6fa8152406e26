"""Is this figure right? A claim (claims.py) against the stored facts and the official tables,
each compared as the values it allows (figures.py). The official table, when one was imported,
decides; documents are listed, and marked where they differ from it."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Optional

from pipeline import records, store
from pipeline.factcheck.claims import Claim, require_complete
from pipeline.factcheck.figures import (CONSISTENT, CONTRADICTS, POSITION_KINDS, SUPPORTS, Span, describe, family,
                                        infer_rankings, relation, span_of, totals_compatible, written_decimals)
from pipeline.factcheck.names import subject_key

SUPPORTED, CONTRADICTED, DISPUTED, NOT_FOUND = "supported", "contradicted", "disputed", "not_found"


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
    figure: Optional[dict[str, Any]] = None            # the question's row of `figures`, when stored
    suggestions: list[str] = field(default_factory=list)   # "did you mean" for an unknown subject
    nearest: list[dict[str, Any]] = field(default_factory=list)  # on not_found: what is held nearby

    def keep_sources(self, limit: Optional[int]) -> str:
        """At most `limit` documents on each side; the note that says what was cut, if anything."""
        cut = 0
        for name in ("supporting", "contradicting", "consistent"):
            sources = getattr(self, name)
            if limit is not None and len(sources) > limit:
                cut += len(sources) - limit
                setattr(self, name, sources[:limit])
        return f"{cut} more source(s) of the claim on {self.claim.subject} not shown; raise --limit" if cut else ""

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
        if self.figure:
            f = self.figure
            lines.append(f"Figures table: {describe(f['kind'], f['value'], f['ranking'] or f['total'], f['scale'])}"
                         f" — {f['status']} ({f['documents']} document(s), {f['outlets']} outlet(s) state it"
                         + (f"; {f['answers'] - 1} other answer(s)" if f["answers"] > 1 else "") + ")")
        if self.nearest:
            lines.append(f"Nearest figures held ({len(self.nearest)}):")
            for n in self.nearest:
                lines.append(f"  - {n['subject']} · {n['metric']} · {n['year'] or 'no year'} · "
                             f"{describe(n['kind'], n['value'], n['ranking'] or n['total'], n['scale'])}"
                             f" ({n['status']})  {n['url'] or ''}")
        return "\n".join(lines)


def _fact_span(row: dict[str, Any]) -> Optional[Span]:
    return span_of(row["kind"], row["value"], total=row.get("total"), scale=row.get("scale"), metric=row.get("metric"),
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
    elif only(result.supporting, result.contradicting) and only(result.contradicting, result.supporting):
        result.verdict = DISPUTED
        result.reason = (f"sources disagree: {len(_docs(result.supporting))} document(s) support it, "
                         f"{len(_docs(result.contradicting))} contradict it")
    elif result.supporting and not only(result.supporting, result.contradicting):
        # every document on one side is on the other too: each states both, none decides
        result.verdict = DISPUTED
        result.reason = (f"{len(_docs(result.supporting))} document(s) state both this and otherwise; "
                         "no other source decides")
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
    result.figure = _figure_row(db, claim, sources)
    if result.verdict == NOT_FOUND:
        result.suggestions, result.nearest = _nearby(db, claim)
        if result.suggestions:
            result.reason += f"; no subject {claim.subject!r} is stored — did you mean {', '.join(result.suggestions)}?"
    return result


def _docs(sources: list[Source]) -> set:
    return {s.url or s.reference for s in sources}


def only(side: list[Source], other: list[Source]) -> bool:
    """Does a document stand on `side` without also standing on `other`?"""
    return bool(_docs(side) - _docs(other))


def _figures(db, claim: Claim, where: str, params: list) -> list[dict[str, Any]]:
    want = subject_key(claim.subject, claim.subject_type)
    rows = db.query(f"SELECT * FROM figures WHERE {where} ORDER BY year DESC, metric, kind", params)
    return [r for r in rows if subject_key(r["subject"], r["subject_type"]) == want]


def _figure_row(db, claim: Claim, sources: list[Source]) -> Optional[dict[str, Any]]:
    """The question's consolidated row: the claim's kind, and for positions the ranking the
    sources place it in."""
    rankings = {s.ranking for s in sources if s.ranking} | ({claim.total} if claim.total else set())
    rows = [r for r in _figures(db, claim, "metric = ? AND year IS ? AND kind = ? AND is_target = ?",
                                [claim.metric, claim.year, claim.kind, int(claim.is_target)])
            if family(claim.kind) != "position" or not rankings or r["ranking"] in rankings]
    return rows[0] if len(rows) == 1 else None


def _nearby(db, claim: Claim) -> tuple[list[str], list[dict[str, Any]]]:
    """For a claim nothing answers: close names when its subject is unknown, else the figures held
    for the same subject in other years (same metric) and in the same year (other metrics)."""
    from pipeline.store import reference_data
    if not _figures(db, claim, "subject IN (SELECT name FROM subjects)", []):
        return reference_data.suggest_subjects(db, claim.subject), []
    same_metric = _figures(db, claim, "metric = ? AND is_target = 0", [claim.metric])
    same_year = _figures(db, claim, "year IS ? AND metric <> ? AND is_target = 0", [claim.year, claim.metric])
    keep = ("subject", "metric", "year", "kind", "value", "ranking", "total", "scale", "status", "url")
    return [], [{k: r[k] for k in keep} for r in (same_metric[:5] + same_year[:5])]


def check_file(db_path: str, claims: list[Claim]) -> list[CheckResult]:
    db = store.connect(db_path)
    return [check_claim(db, c) for c in claims]


CSV_FIELDS = ["subject", "metric", "year", "claim", "is_target", "verdict", "reason", "role", "relation",
              "figure", "url", "outlet", "published", "evidence", "reference", "differs_from_reference"]


def csv_rows(results: list[CheckResult]) -> list[dict[str, Any]]:
    """One row per claim and source (a claim without sources: one row); the claim's columns repeated."""
    out = []
    for r in results:
        c = r.claim
        head = {"subject": c.subject, "metric": c.metric, "year": c.year, "claim": c.describe(),
                "is_target": c.is_target, "verdict": r.verdict, "reason": r.reason}
        sources = [(role, s) for role, group in (("official", r.official), ("supporting", r.supporting),
                                                  ("contradicting", r.contradicting), ("consistent", r.consistent))
                   for s in group]
        out += [head | {"role": role} | asdict(s) for role, s in sources] or [head]
    return out


def render(results: list[CheckResult], fmt: str = "table") -> str:
    if fmt == "json":
        return records.to_json([r.to_dict() for r in results], indent=2)
    if fmt == "csv":
        return records.to_csv(csv_rows(results), CSV_FIELDS).rstrip("\n")
    return "\n\n".join(r.render() for r in results)
