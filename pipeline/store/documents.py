"""Documents and their facts: written together, read back for re-extraction and export."""
from __future__ import annotations

import json
from typing import Any, Iterable, Optional

import sqlite_utils

from pipeline.clock import now_iso
from pipeline.models import Document, Fact, Table
from pipeline.store import figures


def _json(value: Any) -> Optional[str]:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def document_row(doc: Document, **extra: Any) -> dict[str, Any]:
    row = {
        "url": doc.url,
        "canonical_url": doc.canonical_url,
        "source": doc.source,
        "title": doc.title,
        "published": doc.published,
        "author": doc.author,
        "outlet": doc.outlet,
        "doc_type": doc.doc_type,
        "status": doc.status,
        "status_detail": doc.status_detail,
        "content_hash": doc.content_hash,
        "text": doc.text,
        "tables": _json([{"rows": t.rows, "row_spans": t.row_spans, "page": t.page, "caption": t.caption}
                         for t in doc.tables]),
        "page_starts": _json(doc.page_starts),
        "metadata": _json({**doc.metadata, **({"warnings": doc.warnings} if doc.warnings else {})}),
        "parsed_at": now_iso(),
    }
    row.update(extra)
    return row


def save_document(db: sqlite_utils.Database, doc: Document, facts: Iterable[Fact],
                  extractor_version: str = "", **extra: Any) -> tuple[int, int]:
    """Insert or replace one document and all its facts, atomically.

    Returns (document id, number of facts). A document seen before keeps its id and first_seen;
    its old facts are replaced, never duplicated. Call inside `transaction(db)` to join crawl
    state updates to the same unit; otherwise this opens its own.
    """
    own = not db.conn.in_transaction
    if own:
        db.conn.execute("BEGIN IMMEDIATE")
    try:
        row = document_row(doc, extractor_version=extractor_version, **extra)
        existing = db.execute("SELECT id FROM documents WHERE url = ?", [doc.url]).fetchone()
        if existing:
            doc_id = existing[0]
            db["documents"].update(doc_id, row)
            db.execute("DELETE FROM facts WHERE document_id = ?", [doc_id])
        else:
            row.setdefault("first_seen", now_iso())
            doc_id = db["documents"].insert(row).last_pk
        rows = distinct_fact_rows(facts, extractor_version, document_id=doc_id)
        if rows:
            insert_rows(db, "facts", rows)
        if own:
            figures.commit(db.conn)
        return doc_id, len(rows)
    except BaseException:
        if own:
            db.conn.execute("ROLLBACK")
        raise


def insert_rows(db: sqlite_utils.Database, table: str, rows: list[dict[str, Any]]) -> None:
    """Rows of one shape (the same keys, scalar values) in one executemany: what sqlite-utils'
    insert_all does for them, without its per-call look at the table and per-chunk SQL."""
    cols = list(rows[0])
    sql = (f"INSERT INTO {table} ({', '.join(f'[{c}]' for c in cols)}) "
           f"VALUES ({', '.join('?' * len(cols))})")
    db.conn.executemany(sql, [tuple(r[c] for c in cols) for r in rows])


def distinct_fact_rows(facts: Iterable[Fact], extractor_version: str, **link: Any) -> list[dict[str, Any]]:
    """One row per distinct fact (spec): a figure repeated in a caption would otherwise count as a
    second source in the views. `link`: the column tying the rows to their document or revision."""
    rows, seen = [], set()
    for f in facts:
        if f.key() in seen:
            continue
        seen.add(f.key())
        d = f.to_dict()
        d.update(link)
        d["is_target"] = int(bool(f.is_target))
        d["extractor_version"] = f.extractor_version or extractor_version
        rows.append(d)
    return rows


def load_document(db: sqlite_utils.Database, url: str) -> Optional[Document]:
    """The stored document (text, tables and metadata) for a URL, for re-extraction."""
    row = db.execute("SELECT * FROM documents WHERE url = ?", [url]).fetchone()
    if row is None:
        return None
    cols = [c[0] for c in db.execute("SELECT * FROM documents LIMIT 0").description]
    r = dict(zip(cols, row))
    meta = json.loads(r["metadata"] or "{}")
    return Document(
        url=r["url"], text=r["text"] or "", title=r["title"] or "", published=r["published"],
        author=r["author"], outlet=r["outlet"], canonical_url=r["canonical_url"],
        doc_type=r["doc_type"] or "html", status=r["status"], status_detail=r["status_detail"] or "",
        tables=[Table(rows=t["rows"], row_spans=[tuple(s) for s in t["row_spans"]], page=t["page"],
                      caption=t.get("caption", "")) for t in json.loads(r["tables"] or "[]")],
        page_starts=[tuple(p) for p in json.loads(r["page_starts"] or "[]")],
        metadata={k: v for k, v in meta.items() if k != "warnings"},
        warnings=meta.get("warnings", []), source=r["source"], content_hash=r["content_hash"],
    )


def fact_rows(db: sqlite_utils.Database) -> Iterable[dict[str, Any]]:
    """Every fact joined with its document's URL and publication date, in document order."""
    # ordered by the facts' own column (d.id = f.document_id): SQLite then walks facts by their
    # document index and sorts each document's few facts, not every row of the join
    cur = db.conn.execute("""SELECT f.*, d.url AS url, d.published AS published, d.title AS document_title,
                                    d.outlet AS outlet
                             FROM facts f JOIN documents d ON d.id = f.document_id
                             ORDER BY f.document_id, f.start, f.id""")
    keys = [c[0] for c in cur.description]
    for row in cur:
        yield dict(zip(keys, row))
