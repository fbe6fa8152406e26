"""`query`: stored facts by subject, metric, year and kind, as a table, CSV or JSON.

Every row carries its provenance (URL, publication date, evidence), so a number printed here
can always be traced to the sentence that states it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from pipeline.store import reference_data
from pipeline import records
from pipeline.errors import UsageError
from pipeline.models import FACT_KINDS
from pipeline.textnorm import fold

COLUMNS = ["subject", "subject_type", "province", "metric", "year", "kind", "value", "total", "scale",
           "unit", "qualifier", "is_target", "evidence", "url", "published", "outlet", "page",
           "table_row", "table_col", "extractor", "extractor_version", "fact_id", "document_id", "archived_at"]
# with --revisions: which version of its page a fact was read from
REVISION_COLUMNS = ["revision", "latest", "last_captured"]
SUBJECT_COLUMNS = ["subject", "subject_type", "province", "facts"]
# What the terminal table shows; CSV and JSON carry every column above.
TABLE_COLUMNS = ["subject", "metric", "year", "kind", "value", "total", "is_target", "published", "url"]


@dataclass
class FactQuery:
    subject: Optional[str] = None      # as typed: folded, prefixes and aliases accepted
    metric: Optional[str] = None       # a vocabulary id (dti, dti.awareness) or any stored label
    year: Optional[int] = None
    kind: Optional[str] = None
    with_merged: bool = False          # a 2025 province together with the provinces merged into it
    include_targets: bool = True
    limit: Optional[int] = None
    revisions: bool = False            # the facts of every captured version of a page, not only the latest
    subject_type: Optional[str] = None  # province, district, agency ...


def _subject_names(db, typed: str, with_merged: bool) -> list[tuple[str, str]]:
    found = reference_data.resolve_subject(db, typed)
    if not found:
        hint = reference_data.suggest_subjects(db, typed)
        raise UsageError(f"no stored subject matches {typed!r}"
                         + (f"; did you mean {', '.join(hint)}?" if hint else
                            "; list them with `python -m pipeline query --list-subjects`"))
    if with_merged:
        extra = []
        for name, type_ in found:
            if type_ == "province":
                extra += [(r[0], "province") for r in db.execute(
                    "SELECT name FROM subjects WHERE type = 'province' AND name_2025 = ?", [name])]
        found += [s for s in extra if s not in found]
    return found


def build_sql(db, q: FactQuery) -> tuple[str, list[Any]]:
    where, params = [], []
    if q.subject:
        names = _subject_names(db, q.subject, q.with_merged)
        where.append("(" + " OR ".join("(f.subject = ? AND f.subject_type = ?)" for _ in names) + ")")
        for name, type_ in names:
            params += [name, type_]
    if q.metric:
        where.append("f.metric = ?")
        params.append(q.metric)
    if q.year is not None:
        where.append("f.year = ?")
        params.append(q.year)
    if q.kind:
        if q.kind not in FACT_KINDS:
            raise UsageError(f"--kind {q.kind!r} is not a kind; use one of {', '.join(FACT_KINDS)}")
        where.append("f.kind = ?")
        params.append(q.kind)
    if not q.include_targets:
        where.append("f.is_target = 0")
    if q.subject_type:
        where.append("f.subject_type = ?")
        params.append(q.subject_type)
    if q.revisions:
        # every revision's facts; archived_at is when the archive first showed that version
        source = """revision_facts f JOIN revisions r ON r.id = f.revision_id
                    JOIN documents d ON d.id = r.document_id"""
        extra = """, r.first_captured AS archived_at, r.id AS revision,
                     (r.content_hash IS d.content_hash) AS latest, r.last_captured AS last_captured"""
        published, order = "r.published", "r.first_captured"
    else:
        source, extra, published, order = "facts f JOIN documents d ON d.id = f.document_id", \
            ", d.archived_at AS archived_at", "d.published", "d.published"
    sql = f"""SELECT f.subject, f.subject_type, f.province, f.metric, f.year, f.kind, f.value, f.total,
                     f.scale, f.unit, f.qualifier, f.is_target, f.evidence, d.url, {published} AS published,
                     d.outlet, f.page, f.table_row, f.table_col, f.extractor, f.extractor_version,
                     f.id AS fact_id, d.id AS document_id{extra}
              FROM {source}
              {"WHERE " + " AND ".join(where) if where else ""}
              ORDER BY f.subject, f.metric, f.year, f.kind, {order}, f.id"""
    if q.limit:
        sql += " LIMIT ?"
        params.append(int(q.limit))
    return sql, params


def query_facts(db, q: FactQuery) -> list[dict[str, Any]]:
    sql, params = build_sql(db, q)
    cur = db.execute(sql, params)
    cols = [c[0] for c in cur.description]
    out = []
    # by the name as a reader sorts it (Đà Nẵng among the D's, not after Z), then as SQL ordered
    rows = sorted(cur.fetchall(), key=lambda r: fold(r[0]))
    for r in rows:
        row = dict(zip(cols, r))
        row["is_target"] = bool(row["is_target"])
        if "latest" in row:
            row["latest"] = bool(row["latest"])
        for k in ("value", "total", "scale"):
            if isinstance(row[k], float) and row[k].is_integer():
                row[k] = int(row[k])
        out.append(row)
    return out


def render(rows: list[dict[str, Any]], fmt: str = "table") -> str:
    revisions = bool(rows) and "revision" in rows[0]
    if fmt == "json":
        return records.to_json(rows)
    if fmt == "csv":
        return records.to_csv(rows, COLUMNS + (REVISION_COLUMNS if revisions else [])).rstrip("\n")
    return _table(rows, TABLE_COLUMNS + (["archived_at", "latest"] if revisions else []))


def _cell(c: str, value: Any) -> str:
    if c in ("is_target", "latest"):
        return {"is_target": "target", "latest": "latest"}[c] if value else ""
    if value is None:
        return ""
    return str(value)[:10] if c in ("published", "archived_at") else str(value)


def _table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    if not rows:
        return "no facts match"
    shown = [{c: _cell(c, r[c]) for c in columns} for r in rows]
    widths = {c: max(len(c), *(len(s[c]) for s in shown)) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns).rstrip(),
             "  ".join("-" * widths[c] for c in columns)]
    lines += ["  ".join(s[c].ljust(widths[c]) for c in columns).rstrip() for s in shown]
    lines.append(f"{len(rows)} fact{'s' if len(rows) != 1 else ''}")
    return "\n".join(lines)


def list_subjects(db) -> list[dict[str, Any]]:
    """Subjects that have facts, with how many, for `query --list-subjects`."""
    cur = db.execute("""SELECT subject, subject_type, province, sum(n_facts) AS facts FROM fact_groups
                        GROUP BY subject, subject_type, province ORDER BY subject""")
    return [dict(zip(SUBJECT_COLUMNS, r)) for r in cur.fetchall()]



def render_subjects(rows: list[dict[str, Any]], fmt: str = "table") -> str:
    if fmt == "json":
        return records.to_json(rows)
    if fmt == "csv":
        return records.to_csv(rows, SUBJECT_COLUMNS).rstrip("\n")
    return "\n".join(f"{r['subject']} ({r['subject_type']}{', ' + r['province'] if r['province'] else ''})"
                     f": {r['facts']}" for r in rows)
