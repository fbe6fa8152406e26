"""The consolidated `figures` table: one row per question with the answer most documents give.

A question is a subject (with its type and province), a metric, a year, a kind, a ranking size
for positions (34, 63, another size, or unknown) and target or not. Its row holds the majority
answer with the distinct documents and outlets behind it, every other answer with its counts,
the imported official value (which then decides), a status, and the best source's evidence.

Triggers (migration 6) only note which (subject, metric, year) changed in `figures_dirty`;
`refresh` recomputes those questions inside the writer's transaction, just before it commits
(`commit` below, used by every writer of the store), so the table is never seen stale. A bulk
writer (ingest, reprocess, harvest, backfill) writes `with bulk_writes(db):` instead: each document
still commits its facts and its dirty questions together, and the questions are recomputed
once every DEFER_EVERY documents and at the end, so a question a thousand documents state is
recomputed a few times, not a thousand; meanwhile a reader sees the figures of the last refresh.
What a crash leaves dirty, or a hand-made INSERT, is picked up the next time the store is opened.
"""
from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Optional
from urllib.parse import urlsplit

from pipeline.domain import national_ranking_size, scale_of

POSITION_KINDS = ("rank", "top_n", "bottom_n")
WHOLE_KINDS = ("rank", "top_n", "bottom_n", "rank_change", "count")   # stored as integers
STATUSES = ("official", "agreed", "single_source", "disputed")
_SEP = "\x1f"

COLUMNS = ("key", "subject", "subject_type", "province", "metric", "year", "kind", "ranking", "is_target",
           "value", "total", "scale", "unit", "status", "documents", "outlets", "answers", "all_documents",
           "other_answers", "official", "official_reference", "evidence", "url", "outlet", "published",
           "title", "document_id", "fact_id")

TABLE_SQL = """
CREATE TABLE figures (
  key TEXT PRIMARY KEY,
  subject TEXT NOT NULL, subject_type TEXT NOT NULL, province TEXT, metric TEXT NOT NULL,
  year INTEGER, kind TEXT NOT NULL,
  ranking INTEGER,          -- positions: the size of the ranking (34, 63, 26 districts ...); NULL unknown
  is_target INTEGER NOT NULL,
  value NUMERIC NOT NULL,   -- the answer: the official value when imported, else the majority's
  total NUMERIC, scale NUMERIC, unit TEXT,
  status TEXT NOT NULL,     -- official | agreed | single_source | disputed
  documents INTEGER NOT NULL,      -- distinct documents stating the answer
  outlets INTEGER NOT NULL,        -- distinct outlets among them
  answers INTEGER NOT NULL,        -- distinct answers given
  all_documents INTEGER NOT NULL,  -- distinct documents stating any answer
  other_answers TEXT,       -- JSON: [{value, total, scale, documents, outlets}], most documents first
  official NUMERIC, official_reference TEXT,
  evidence TEXT, url TEXT, outlet TEXT, published TEXT, title TEXT,   -- the best source of the answer
  document_id INTEGER REFERENCES documents(id) ON DELETE SET NULL,   -- Datasette links it by title
  fact_id INTEGER
);
CREATE INDEX figures_question ON figures(metric, year, kind, ranking, subject_type);
CREATE INDEX figures_subject ON figures(subject, metric, year);
CREATE INDEX figures_status ON figures(status);
CREATE INDEX figures_document ON figures(document_id);   -- a document's deletion finds its rows
CREATE TABLE figures_dirty (
  key TEXT PRIMARY KEY, subject TEXT NOT NULL, metric TEXT NOT NULL, year INTEGER
);
"""


def _dirty_insert(a: str) -> str:
    return (f"INSERT OR IGNORE INTO figures_dirty VALUES ({a}.subject||char(31)||{a}.metric||char(31)||"
            f"ifnull({a}.year,''), {a}.subject, {a}.metric, {a}.year);")


TRIGGERS_SQL = f"""
CREATE TRIGGER figures_facts_ai AFTER INSERT ON facts BEGIN {_dirty_insert('new')} END;
CREATE TRIGGER figures_facts_ad AFTER DELETE ON facts BEGIN {_dirty_insert('old')} END;
CREATE TRIGGER figures_facts_au AFTER UPDATE ON facts BEGIN {_dirty_insert('old')} {_dirty_insert('new')} END;
CREATE TRIGGER figures_reference_ai AFTER INSERT ON reference_facts BEGIN {_dirty_insert('new')} END;
CREATE TRIGGER figures_reference_ad AFTER DELETE ON reference_facts BEGIN {_dirty_insert('old')} END;
INSERT OR IGNORE INTO figures_dirty SELECT DISTINCT subject||char(31)||metric||char(31)||ifnull(year,''),
  subject, metric, year FROM facts;
"""

MIGRATION_SQL = TABLE_SQL + TRIGGERS_SQL


def whole(v: Any) -> Any:
    """14.0 → 14: ranks and counts are integers."""
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _decimals(v: float) -> int:
    text = repr(float(v))
    return 0 if "e" in text or text.endswith(".0") else len(text.split(".")[1])


def _norm(row: dict[str, Any]) -> tuple[float, float]:
    """A score on 0..1 and half its written precision there; other kinds as they are."""
    v = row["value"]
    if row["kind"] != "score":
        return v, 0.0
    scale = scale_of(v, row["metric"], row.get("scale")) or 1.0
    return v / scale, 0.5 * 10 ** -_decimals(v) / scale


def _outlet(row: dict[str, Any]) -> str:
    return row.get("outlet") or urlsplit(row.get("url") or "").netloc or f"document {row['document_id']}"


def _rankings(rows: list[dict[str, Any]], doc_sizes: dict[tuple, set]) -> None:
    """The ranking a position belongs to: its stated total; else the one size its document gives
    for that metric, year and subject type; else the one size other documents give for the same
    subject and value ("thứ 5" beside "thứ 5/34"); else unknown."""
    by_value: dict[tuple, set] = defaultdict(set)
    for r in rows:
        if r["kind"] in POSITION_KINDS and r["total"]:
            by_value[(r["subject_type"], r["kind"], r["value"])].add(r["total"])
    for r in rows:
        if r["kind"] not in POSITION_KINDS:
            r["ranking"] = None
        elif r["total"]:
            r["ranking"] = r["total"]
        else:
            doc = doc_sizes.get((r["document_id"], r["subject_type"]), set())
            same = by_value.get((r["subject_type"], r["kind"], r["value"]), set())
            r["ranking"] = next(iter(doc)) if len(doc) == 1 else next(iter(same)) if len(same) == 1 else (
                # a province's national DTI rank in a year that had one ranking (a regional rank is
                # the extractor's dti_regional, never here)
                national_ranking_size(r["metric"], r["year"]) if r["subject_type"] == "province" else None)


def _answers(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Distinct answers, each with its statements; a score written with fewer decimals joins the
    answer it rounds ("0,72" and "0,7167": one answer)."""
    answers: list[dict[str, Any]] = []
    for r in sorted(rows, key=lambda r: -_decimals(r["value"])):   # the finest first
        n, half = _norm(r)
        for a in answers:
            same_total = r["kind"] == "rank" or a["total"] == r["total"]
            if same_total and abs(a["norm"] - n) <= max(half, 1e-9):
                a["rows"].append(r)
                break
        else:
            answers.append({"norm": n, "value": r["value"], "total": r["total"], "scale": r.get("scale"),
                            "rows": [r]})
    for a in answers:
        a["documents"] = len({r["document_id"] for r in a["rows"]})
        a["outlets"] = len({_outlet(r) for r in a["rows"]})
        a["latest"] = max((r.get("published") or "") for r in a["rows"])
    # most documents, then most outlets, then the most recently published (a correction)
    answers.sort(key=lambda a: (a["documents"], a["outlets"], a["latest"]), reverse=True)
    return answers


def _best(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The statement to show: a table row first (a ranking printed whole), then the latest."""
    return max(rows, key=lambda r: (r.get("table_row") is not None, r.get("published") or "", r["id"]))


def _official(question: dict[str, Any], refs: list[dict[str, Any]]) -> Optional[dict[str, Any]]:
    for ref in refs:
        if ref["kind"] != question["kind"] or ref["subject_type"] != question["subject_type"]:
            continue
        if question["kind"] in POSITION_KINDS and ref.get("total") and question["ranking"] \
                and ref["total"] != question["ranking"]:
            continue
        return ref
    return None


def _figure_rows(rows: list[dict[str, Any]], refs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[(r["subject_type"], r.get("province"), r["kind"], r["ranking"], r["is_target"])].append(r)
    out = []
    for (stype, province, kind, ranking, is_target), members in groups.items():
        first = members[0]
        answers = _answers(members)
        q = {"subject": first["subject"], "subject_type": stype, "province": province, "metric": first["metric"],
             "year": first["year"], "kind": kind, "ranking": whole(ranking), "is_target": is_target}
        ref = None if is_target else _official(q, refs)
        chosen = answers[0]
        if ref is not None:
            n, _ = _norm(ref)
            chosen = next((a for a in answers if (abs(a["norm"] - n) <= 5e-4 if kind == "score"
                                                  else a["value"] == ref["value"])), None)
        others = [a for a in answers if a is not chosen]
        best = _best(chosen["rows"]) if chosen else {}
        documents = {r["document_id"] for r in members}
        if ref is not None:
            status = "official"
        # a document contradicting itself is not two sources; top 3 and top 1 are both true
        elif len(answers) > 1 and len(documents) > 1 and kind not in ("top_n", "bottom_n"):
            status = "disputed"
        else:
            status = "agreed" if len(documents) > 1 else "single_source"
        value = ref["value"] if ref is not None else chosen["value"]
        q.update({
            "key": _SEP.join(str(x if x is not None else "") for x in
                             (first["subject"], stype, province, first["metric"], first["year"], kind,
                              whole(ranking), is_target)),
            "value": whole(value) if kind in WHOLE_KINDS else value,
            "total": whole(ref["total"] if ref is not None and ref.get("total") else
                           chosen["total"] if chosen else None),
            "scale": whole(ref.get("scale") if ref is not None else chosen["scale"] if chosen else None),
            "unit": best.get("unit"), "status": status,
            "documents": chosen["documents"] if chosen else 0, "outlets": chosen["outlets"] if chosen else 0,
            "answers": len(answers), "all_documents": len(documents),
            "other_answers": json.dumps([{"value": whole(a["value"]), "total": whole(a["total"]),
                                          "scale": whole(a["scale"]), "documents": a["documents"],
                                          "outlets": a["outlets"]} for a in others], ensure_ascii=False)
            if others else None,
            "official": whole(ref["value"]) if ref is not None else None,
            "official_reference": ref["reference"] if ref is not None else None,
            "evidence": best.get("evidence"), "url": best.get("url"), "outlet": best.get("outlet"),
            "published": best.get("published"), "title": best.get("title"),
            "document_id": best.get("document_id"), "fact_id": best.get("id")})
        out.append(q)
    return out


def _question_rows(conn, subject: str, metric: str, year: Optional[int]) -> list[dict[str, Any]]:
    cur = conn.execute("""SELECT f.id, f.document_id, f.subject, f.subject_type, f.province, f.metric, f.year,
                                 f.kind, f.value, f.total, f.scale, f.unit, f.is_target, f.evidence, f.table_row,
                                 d.url, d.outlet, d.published, d.title
                          FROM facts f JOIN documents d ON d.id = f.document_id
                          WHERE f.subject = ? AND f.metric = ? AND f.year IS ?""", [subject, metric, year])
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _doc_sizes(conn, rows: list[dict[str, Any]], metric: str, year: Optional[int]) -> dict[tuple, set]:
    out: dict[tuple, set] = defaultdict(set)
    docs = sorted({r["document_id"] for r in rows if r["kind"] in POSITION_KINDS and not r["total"]})
    for n in range(0, len(docs), 500):
        chunk = docs[n:n + 500]
        # '+metric', '+year': looked up by document, never by scanning the metric's every fact
        for doc, stype, total in conn.execute(
                f"""SELECT DISTINCT document_id, subject_type, total FROM facts
                    WHERE document_id IN ({', '.join('?' * len(chunk))}) AND +metric = ? AND +year IS ?
                    AND kind IN ('rank', 'top_n', 'bottom_n') AND total IS NOT NULL""", [*chunk, metric, year]):
            out[(doc, stype)].add(total)
    return out


def refresh(conn) -> int:
    """Recompute the questions whose facts or official figures changed; returns how many
    (subject, metric, year) were refreshed. Call inside the writer's transaction."""
    dirty = conn.execute("SELECT key, subject, metric, year FROM figures_dirty").fetchall()
    insert = f"INSERT INTO figures({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    for key, subject, metric, year in dirty:
        conn.execute("DELETE FROM figures WHERE subject = ? AND metric = ? AND year IS ?", [subject, metric, year])
        rows = _question_rows(conn, subject, metric, year)
        if rows:
            _rankings(rows, _doc_sizes(conn, rows, metric, year))
            cur = conn.execute("""SELECT * FROM reference_facts WHERE subject = ? AND metric = ? AND year IS ?
                                  ORDER BY imported_at DESC, id""", [subject, metric, year])
            cols = [c[0] for c in cur.description]
            refs = [dict(zip(cols, r)) for r in cur.fetchall()]
            conn.executemany(insert, [[f[c] for c in COLUMNS] for f in _figure_rows(rows, refs)])
        conn.execute("DELETE FROM figures_dirty WHERE key = ?", [key])
    return len(dirty)


DEFER_EVERY = 200
_deferred: dict[int, int] = {}       # id of a connection writing in bulk → its commits since the last refresh


def commit(conn) -> None:
    """Refresh the figures this transaction touched, then commit: one unit of work (inside
    `bulk_writes`, every DEFER_EVERY-th commit refreshes what the ones before it left dirty)."""
    if id(conn) in _deferred:
        _deferred[id(conn)] += 1
        if _deferred[id(conn)] < DEFER_EVERY:
            conn.execute("COMMIT")
            return
        _deferred[id(conn)] = 0
    if _has_figures(conn):
        refresh(conn)
    conn.execute("COMMIT")


class bulk_writes:
    """`with bulk_writes(db):` many documents written, their figures recomputed in bulk (above)."""

    def __init__(self, db):
        self.conn = db.conn

    def __enter__(self):
        _deferred[id(self.conn)] = 0
        return self

    def __exit__(self, exc_type, exc, tb):
        _deferred.pop(id(self.conn), None)
        if exc_type is None:
            refresh_pending(self.conn)      # after a failure the next opening does it
        return False


def _has_figures(conn) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'figures_dirty'").fetchone() is not None


def refresh_pending(conn) -> bool:
    """On opening: questions a hand-made write left behind, in a transaction of their own.
    Nothing is written when none are pending (a reader during a harvest takes no lock)."""
    if not _has_figures(conn) or conn.execute("SELECT 1 FROM figures_dirty LIMIT 1").fetchone() is None:
        return False
    conn.execute("BEGIN IMMEDIATE")
    try:
        refresh(conn)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return True


def other_answers(text: Optional[str]) -> list[dict[str, Any]]:
    return json.loads(text) if text else []


