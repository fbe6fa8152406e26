"""Where do the sources disagree? A consistency report over the whole database.

Rules (each finding names its rule):
  conflict    one subject, metric, year and kind stated with incompatible values by two documents
  arithmetic  a percentage against its own fraction in the same sentence; parts against their total
  impossible  a rank above its total, a score above its scale, a share over 100 %, a part above its whole
  target      a target (top 20 by 2025) against the latest achievement up to its year (14/34 in 2024)
  same_rank   two subjects with one rank in one year and metric, unless a table shows the tie
  reference   a document that differs from an imported official table
  edited      a figure one page stated differently in two of its captured revisions

Values are compared as the spans they allow (figures.py), so 0,7167 and 716,7/1.000
agree, and rank 14 agrees with "top 15" but not with "top 5".
"""
from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Optional

from pipeline import records, store
from pipeline.factcheck.figures import (POSITION_KINDS, Span, default_scale, describe, family, format_number,
                                        infer_rankings, parse_number, span_of, totals_compatible,
                                        written_decimals)
from pipeline.factcheck.names import subject_key
from pipeline.factcheck.official import reference_rows

RULES = ("conflict", "arithmetic", "impossible", "target", "same_rank", "reference", "edited")
PERCENT_TOLERANCE = 1.0      # points between a stated percentage and its own fraction
_TIE_WORDS = re.compile(r"đồng hạng|cùng xếp|cùng đứng|cùng đạt hạng|bằng điểm", re.IGNORECASE)
_NESTED = re.compile(r"trong đó|trong số đó|bao gồm cả", re.IGNORECASE)
_GROWTH = re.compile(r"tăng|giảm|gấp|vượt|so với|growth|change|increase", re.IGNORECASE)


@dataclass
class Finding:
    rule: str
    severity: str                   # error | warning | info
    subject: str
    metric: str
    year: Optional[int]
    kind: str
    message: str                    # one line
    status: Optional[str] = None    # target: met | not_yet_met | missed | mixed
    figures: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- helpers ---------------------------------------------------------------------------------

def _span(row: dict[str, Any], *, as_target: Optional[bool] = None) -> Optional[Span]:
    return span_of(row["kind"], row["value"], total=row.get("total"), scale=row.get("scale"), metric=row.get("metric"),
                   qualifier=row.get("qualifier") or "exact", evidence=row.get("evidence") or "",
                   is_target=bool(row.get("is_target")) if as_target is None else as_target)


def _figure(row: dict[str, Any]) -> str:
    return describe(row["kind"], row["value"], row.get("total"), row.get("scale"),
                    row.get("qualifier") or "exact", written_decimals(row["value"], row.get("evidence") or ""))


def _skey(row: dict[str, Any]) -> tuple:
    stype, name = subject_key(row["subject"], row["subject_type"])
    # Agencies and districts are ranked inside their province.
    province = row.get("province") if stype not in ("province", "country") else None
    return stype, name, subject_key(province, "province")[1] if province else None


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a["document_id"] != b["document_id"]:
        return False
    if None in (a.get("start"), a.get("end"), b.get("start"), b.get("end")):
        return (a.get("evidence") or "") == (b.get("evidence") or "")
    return a["start"] < b["end"] and b["start"] < a["end"]


def _finding(rule: str, severity: str, rows: list[dict[str, Any]], message: str, **kw: Any) -> Finding:
    first = rows[0]
    urls, evidence, figures = [], [], []
    for r in rows:
        if r.get("url") and r["url"] not in urls:
            urls.append(r["url"])
        if r.get("evidence") and r["evidence"] not in evidence:
            evidence.append(r["evidence"])
        fig = _figure(r) + (f" ({r['reference']})" if r.get("reference") else "")
        if fig not in figures:
            figures.append(fig)
    return Finding(rule=rule, severity=severity, subject=first["subject"], metric=first["metric"],
                   year=first.get("year"), kind=first["kind"], message=message, figures=figures,
                   urls=urls, evidence=evidence, **kw)


def _where(row: dict[str, Any]) -> str:
    return row.get("outlet") or row.get("url") or f"document {row['document_id']}"


# --- rules -----------------------------------------------------------------------------------

def conflicts(facts: list[dict[str, Any]]) -> list[Finding]:
    groups: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for r in facts:
        if not r["is_target"]:
            groups[(_skey(r), r["metric"], r["year"], family(r["kind"]))].append(r)
    out = []
    for rows in groups.values():
        clashing = _clashing(rows)
        if clashing:
            detail = "; ".join(f"{_figure(r)} in {_where(r)}" for r in clashing)
            out.append(_finding("conflict", "error", clashing,
                                f"{len({r['document_id'] for r in clashing})} documents disagree: {detail}"))
    return out


def _clashing(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of one question that some row of another document contradicts, in the order a
    walk over every pair (i < j) meets them. The pairs are decided once per pair of distinct
    statements (a span and, for positions, a ranking), not once per pair of rows: a question
    stated by a thousand documents has a few distinct answers."""
    position = family(rows[0]["kind"]) == "position"
    members: dict[tuple, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        span = _span(r)
        if span is not None:
            members[(span, r.get("ranking") if position else None)].append(i)
    partners = {c: [members[d] for d in members if not c[0].meets(d[0])
                    and (not position or totals_compatible(c[1], d[1]))] for c in members}

    def first_other(x: int, lists: list[list[int]], before: bool) -> Optional[int]:
        """The first index before (or after) x, in a partner statement, of another document."""
        doc, best = rows[x]["document_id"], None
        for indices in lists:
            span = indices[:bisect.bisect_left(indices, x)] if before else indices[bisect.bisect_right(indices, x):]
            j = next((j for j in span if rows[j]["document_id"] != doc), None)
            if j is not None and (best is None or j < best):
                best = j
        return best

    order = []
    for c, indices in members.items():
        for x in indices if partners[c] else []:
            # x joins the walk first as the later row of the pair (i0, x), or as the earlier of (x, j1)
            i0, j1 = first_other(x, partners[c], True), first_other(x, partners[c], False)
            keys = ([(i0, x, 1)] if i0 is not None else []) + ([(x, j1, 0)] if j1 is not None else [])
            if keys:
                order.append((min(keys), x))
    return [rows[x] for _, x in sorted(order)]


def arithmetic(facts: list[dict[str, Any]]) -> list[Finding]:
    out = []
    by_doc: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in facts:
        by_doc[r["document_id"]].append(r)
    for rows in by_doc.values():
        fractions = [r for r in rows if r["kind"] == "count" and r.get("total")]
        for p in (r for r in rows if r["kind"] == "percent"):
            own = [c for c in fractions if _overlap(p, c) and c["is_target"] == p["is_target"]]
            if not own:
                continue
            # Several fractions in one sentence: a percentage belongs to the one it is closest to.
            c = min(own, key=lambda c: abs(100 * c["value"] / c["total"] - p["value"]))
            computed = 100 * c["value"] / c["total"]
            q = p.get("qualifier") or "exact"
            off = (p["value"] - computed if q == "at_least" else computed - p["value"] if q == "at_most"
                   else abs(computed - p["value"]))
            if off > PERCENT_TOLERANCE:
                out.append(_finding(
                    "arithmetic", "error", [p, c],
                    f"{_figure(p)} is stated for {_figure(c)}, which is {format_number(computed, 1)}% "
                    f"({format_number(off, 1)} points off)"))
        # Parts against their stated total: counts of different things out of one whole.
        parts: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
        for c in fractions:
            if (c.get("qualifier") or "exact") == "exact" and not c["is_target"]:
                parts[(c["total"], c.get("evidence"))].append(c)
        for (total, evidence), group in parts.items():
            metrics = {c["metric"] for c in group}
            if len(metrics) < 2 or _NESTED.search(evidence or ""):
                continue       # "… trong đó …" breaks a part down further: no sum to check
            distinct = {c["metric"]: c for c in group}.values()
            s = sum(c["value"] for c in distinct)
            if s > total:
                out.append(_finding("arithmetic", "error", list(distinct),
                                    f"parts add up to {format_number(s)} but their total is {format_number(total)}"))
    return out


def _percent_is_growth(r: dict[str, Any]) -> bool:
    if _GROWTH.search(f"{r['metric']} {r.get('metric_phrase') or ''}"):
        return True
    for m in re.finditer(r"(\d[\d.,]*)\s*%", r.get("evidence") or ""):
        try:
            if abs(parse_number(m.group(1))[0] - r["value"]) < 1e-9:
                return bool(_GROWTH.search(r["evidence"][max(0, m.start() - 40):m.start()]))
        except ValueError:
            continue
    return False


def impossible(facts: list[dict[str, Any]]) -> list[Finding]:
    out = []
    for r in facts:
        kind, v, total = r["kind"], r["value"], r.get("total")
        why = None
        if kind in POSITION_KINDS and v < 1:
            why = f"{kind} {v:g} is below 1"
        elif kind in POSITION_KINDS and total and v > total:
            why = f"{_figure(r)}: {'rank' if kind == 'rank' else 'group'} above the {total:g} ranked"
        elif kind == "score":
            scale = r.get("scale") or default_scale(v, r["metric"])
            if v < 0 or v > scale:
                why = f"{_figure(r)} is outside its scale 0..{format_number(scale)}"
        elif kind == "percent" and v > 100 and not _percent_is_growth(r):
            why = f"a share of {v:g}% is over 100%"
        elif kind == "percent" and v < 0 and not _percent_is_growth(r):
            why = f"a share of {v:g}% is negative"
        elif kind == "count" and (v < 0 or (total and v > total)):
            why = f"count {_figure(r)}: the part is larger than its whole" if v >= 0 else f"count {v:g} is negative"
        if why:
            out.append(_finding("impossible", "error", [r], f"{why} in {_where(r)}"))
    return out


def targets(facts: list[dict[str, Any]]) -> list[Finding]:
    achieved: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for r in facts:
        if not r["is_target"] and r["year"] is not None:
            achieved[(_skey(r), r["metric"], family(r["kind"]))].append(r)
    # an achieved figure is read against every target of its subject: its span and wording once
    spans: dict[int, Optional[Span]] = {}
    words_of: dict[int, str] = {}

    def span(a: dict[str, Any]) -> Optional[Span]:
        if id(a) not in spans:
            spans[id(a)] = _span(a)
        return spans[id(a)]

    def figure(a: dict[str, Any]) -> str:
        if id(a) not in words_of:
            words_of[id(a)] = _figure(a)
        return words_of[id(a)]

    out = []
    for t in facts:
        if not t["is_target"] or t["year"] is None:
            continue
        goal = _span(t, as_target=True)
        pool = [a for a in achieved.get((_skey(t), t["metric"], family(t["kind"])), []) if a["year"] <= t["year"]]
        if goal is None or not pool:
            continue
        latest = max(a["year"] for a in pool)
        now = [a for a in pool if a["year"] == latest and span(a) is not None]
        if not now:
            continue
        met = [a for a in now if span(a).within(goal)]
        unmet = [a for a in now if not span(a).meets(goal)]
        figures = ", ".join(sorted({figure(a) for a in now}))
        # Figures that neither meet nor miss the goal ("top 15" against "top 10") decide nothing.
        if met and not unmet:
            status, severity = "met", "info"
        elif unmet and not met:
            status, severity = ("missed", "warning") if latest == t["year"] else ("not_yet_met", "info")
        else:
            status, severity = "mixed", "warning"
        words = {"met": "met", "missed": "missed", "not_yet_met": "not yet met", "mixed": "unclear"}[status]
        out.append(_finding("target", severity, [t] + now,
                            f"target {_figure(t)} by {t['year']}: {words} "
                            f"(achieved {figures} in {latest})", status=status))
    return out


def _tie_shown(a: dict[str, Any], b: dict[str, Any], ref_ties: set, keys: tuple) -> bool:
    """`keys`: the two rows' _skey, read once per row by the caller."""
    if (a["metric"], a["year"], a["value"], frozenset(keys)) in ref_ties:
        return True
    if a["document_id"] == b["document_id"]:
        # One table lists both with this rank: a printed tie. Table rows are stored one a line
        # with " | " between cells, which also marks them when the row index was not kept.
        if all(r.get("table_row") is not None or " | " in (r.get("evidence") or "") for r in (a, b)):
            return True
        if a.get("evidence") == b.get("evidence") and _TIE_WORDS.search(a.get("evidence") or ""):
            return True
    return False


def same_rank(facts: list[dict[str, Any]], refs: list[dict[str, Any]]) -> list[Finding]:
    ref_by: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for r in refs:
        if r["kind"] == "rank":
            ref_by[(r["reference"], r["metric"], r["year"], r["value"])].append(r)
    ref_ties = {(m, y, v, frozenset((_skey(a), _skey(b))))
                for (_, m, y, v), rows in ref_by.items() for a in rows for b in rows if a is not b}
    groups: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for r in facts:
        if r["kind"] == "rank" and not r["is_target"] and (r.get("qualifier") or "exact") == "exact":
            stype, _, province = _skey(r)
            groups[(r["metric"], r["year"], stype, province, r["value"])].append(r)
    out = []
    for (metric, year, _, _, value), rows in groups.items():
        keys = [_skey(r) for r in rows]          # once per row, not once per pair
        involved: list[dict[str, Any]] = []
        seen: set[int] = set()
        for i, a in enumerate(rows):
            for j in range(i + 1, len(rows)):
                b = rows[j]
                if keys[i] != keys[j] and totals_compatible(a.get("ranking"), b.get("ranking")) \
                        and not _tie_shown(a, b, ref_ties, (keys[i], keys[j])):
                    for n, x in ((i, a), (j, b)):       # in the order the pairs are met
                        if n not in seen:
                            seen.add(n)
                            involved.append(x)
        if involved:
            names = sorted({r["subject"] for r in involved})
            f = _finding("same_rank", "warning", involved,
                         f"{', '.join(names)}: each said to rank {value:g} in {metric} {year}, "
                         "and no table shows a tie")
            f.subject = ", ".join(names)
            out.append(f)
    return out


def reference_differences(facts: list[dict[str, Any]], refs: list[dict[str, Any]]) -> list[Finding]:
    by_key: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for r in refs:
        by_key[(_skey(r), r["metric"], r["year"], family(r["kind"]))].append(r)
    out = []
    for r in facts:
        if r["is_target"]:
            continue
        for ref in by_key.get((_skey(r), r["metric"], r["year"], family(r["kind"])), []):
            if family(r["kind"]) == "position" and not totals_compatible(r.get("ranking"), ref.get("ranking")):
                continue
            fs, rs = _span(r), _span(ref)
            if fs and rs and not fs.meets(rs):
                out.append(_finding("reference", "error", [r, ref],
                                    f"{_where(r)} gives {_figure(r)}; the official table "
                                    f"{ref['reference']!r} gives {_figure(ref)}",
                                    references=[ref["reference"]]))
    return out


def edited(revision_facts: Iterable[dict[str, Any]]) -> list[Finding]:
    """Figures that changed between two consecutive revisions of one page, both stating the
    question (subject, metric, year, kind, target or not, and a rank's ranking size)."""
    pages: dict[int, dict[tuple, dict[str, list[dict[str, Any]]]]] = defaultdict(lambda: defaultdict(dict))
    captured: dict[int, dict[str, str]] = defaultdict(dict)      # document → revision → first capture
    for r in revision_facts:
        question = (_skey(r), r["metric"], r["year"], r["kind"], r["is_target"],
                    r.get("total") if r["kind"] == "rank" else None)
        pages[r["document_id"]][question].setdefault(r["revision"], []).append(r)
        captured[r["document_id"]][r["revision"]] = r["archived_at"]
    out = []
    for doc, questions in pages.items():
        order = sorted(captured[doc], key=lambda rev: captured[doc][rev])
        for stated in questions.values():
            revs = [rev for rev in order if rev in stated]
            for a, b in zip(revs, revs[1:]):
                before, after = (sorted({_figure(r) for r in stated[x]}) for x in (a, b))
                if before == after:
                    continue
                rows = stated[a] + stated[b]
                out.append(_finding("edited", "warning", rows,
                                    f"{' / '.join(before)} (captured {captured[doc][a][:10]}) became "
                                    f"{' / '.join(after)} (captured {captured[doc][b][:10]}) on {rows[0]['url']}"))
    return out


# --- the report ------------------------------------------------------------------------------

def _rows(db) -> list[dict[str, Any]]:
    return list(store.fact_rows(db))


def audit(db, rules: Iterable[str] = RULES) -> list[Finding]:
    """Every finding of the chosen rules, rule by rule, in document order within a rule."""
    rules = list(rules)
    facts: list[dict[str, Any]] = []
    refs: list[dict[str, Any]] = []
    if set(rules) - {"edited"}:      # the revisions' rule reads revisions, not the facts
        facts = _rows(db)
        refs = [dict(r, evidence="", url=None, document_id=-r["id"], is_target=0, qualifier="exact")
                for r in reference_rows(db)]
        infer_rankings(facts)
        for r in refs:
            r["ranking"] = r.get("total")
    runners = {"conflict": lambda: conflicts(facts), "arithmetic": lambda: arithmetic(facts),
               "impossible": lambda: impossible(facts), "target": lambda: targets(facts),
               "same_rank": lambda: same_rank(facts, refs),
               "reference": lambda: reference_differences(facts, refs),
               "edited": lambda: edited(store.revision_fact_rows(db, edited_only=True))}
    out: list[Finding] = []
    for rule in RULES:
        if rule in rules:
            out += runners[rule]()
    for f in out:
        if f.rule == "conflict":
            f.message += _figures_say(db, f)
    return out


def _figures_say(db, f: Finding) -> str:
    """What the consolidated `figures` table answers to a conflicting question: the answer most
    documents give (or the official one), its status and its counts."""
    rows = db.execute("""SELECT value, ranking, status, documents, answers FROM figures
                         WHERE subject = ? AND metric = ? AND year IS ? AND kind = ? AND is_target = 0
                         ORDER BY all_documents DESC""", [f.subject, f.metric, f.year, f.kind]).fetchall()
    parts = [f"{format_number(v)}{f'/{r}' if r else ''} ({s}, {d} document(s), {a - 1} other answer(s))"
             for v, r, s, d, a in rows]
    return f"; figures: {'; '.join(parts)}" if parts else ""


def audit_file(db_path: str, rules: Iterable[str] = RULES, keep: bool = True) -> list[Finding]:
    """The findings; with `keep`, also recorded for the canned audit_* queries (audit_queries.py)."""
    from pipeline.factcheck.audit_queries import record
    db = store.connect(db_path)
    rules = list(rules)
    findings = audit(db, rules)
    if keep:
        record(db, findings, rules)
    return findings


CSV_FIELDS = ["rule", "severity", "subject", "metric", "year", "kind", "status", "message", "figures",
              "urls", "evidence", "references"]


def to_csv(findings: list[Finding]) -> str:
    return records.to_csv([f.to_dict() for f in findings], CSV_FIELDS)


def to_json(findings: list[Finding]) -> str:
    return records.to_json([f.to_dict() for f in findings], indent=2) + "\n"


def render_table(findings: list[Finding], width: int = 110) -> str:
    if not findings:
        return "no findings: the stored figures agree with each other"
    head = ("rule", "subject", "metric", "year", "finding")
    rows = [(f.rule, f.subject, f.metric, str(f.year or ""), f.message) for f in findings]
    widths = [min(24, max(len(r[i]) for r in rows + [head])) for i in range(4)]
    rest = max(30, width - sum(widths) - 8)

    def cut(s: str, n: int) -> str:
        return s if len(s) <= n else s[:n - 1] + "…"

    lines = ["  ".join(cut(h, w).ljust(w) for h, w in zip(head, widths)) + "  " + head[4],
             "  ".join("-" * w for w in widths) + "  " + "-" * min(rest, 40)]
    for r in rows:
        lines.append("  ".join(cut(c, w).ljust(w) for c, w in zip(r, widths)) + "  " + cut(r[4], rest))
    counts = defaultdict(int)
    for f in findings:
        counts[f.rule] += 1
    lines.append("")
    lines.append(f"{len(findings)} findings: " + ", ".join(f"{n} {r}" for r, n in counts.items())
                 + "; --format json or csv for sources and evidence")
    return "\n".join(lines)


def render(findings: list[Finding], fmt: str = "table") -> str:
    return {"table": render_table, "csv": to_csv, "json": to_json}[fmt](findings)
