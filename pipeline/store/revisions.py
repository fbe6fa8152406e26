"""Revisions, not replacement: every captured version of a document, each with its facts and
capture times (schema.py, migration 5). The `documents` row and its `facts` always hold the
latest version, whatever order the captures arrive in, so a backfill that reads the archive in
any order, in one process or on a cluster, ends with the same database.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Optional

import sqlite_utils

from pipeline.models import Capture, Document, Fact
from pipeline.store import figures
from pipeline.store.documents import distinct_fact_rows, insert_rows, save_document

# Saved.outcome
NEW = "new"              # a version of the document not held before
SEEN = "seen"            # a version held already, captured once more (or re-extracted)
KNOWN = "known"          # this very capture is stored already: nothing changed


@dataclass
class Saved:
    document_id: int
    revision_id: int
    facts: int               # facts of this version
    outcome: str
    current: bool            # this version is the one the document row holds


def capture_known(db: sqlite_utils.Database, url: str, archived_at: str, extractor_version: str) -> bool:
    """The capture is stored, its facts by this extractor version: reading it again changes nothing."""
    row = db.execute("""SELECT r.extractor_version FROM captures c JOIN revisions r ON r.id = c.revision_id
                        WHERE c.url = ? AND c.archived_at = ?""", [url, archived_at]).fetchone()
    return row is not None and row[0] == extractor_version


def _replace_facts(db: sqlite_utils.Database, revision_id: int, rows: list[dict[str, Any]]) -> None:
    db.execute("DELETE FROM revision_facts WHERE revision_id = ?", [revision_id])
    if rows:
        insert_rows(db, "revision_facts", rows)


def save_capture(db: sqlite_utils.Database, doc: Document, facts: Iterable[Fact], extractor_version: str,
                 capture: Capture, **columns: Any) -> Saved:
    """Store one capture of `doc.url`: its version (a new revision, or one held already) with its
    facts, and the capture itself; the document row is rewritten only when this version is the
    latest captured. Inside the caller's transaction, or one of its own."""
    own = not db.conn.in_transaction
    if own:
        db.conn.execute("BEGIN IMMEDIATE")
    try:
        saved = _save_capture(db, doc, list(facts), extractor_version, capture, columns)
        if own:
            figures.commit(db.conn)
        return saved
    except BaseException:
        if own:
            db.conn.execute("ROLLBACK")
        raise


def _save_capture(db, doc: Document, facts: list[Fact], version: str, capture: Capture,
                  columns: dict[str, Any]) -> Saved:
    at = capture.archived_at
    known = db.execute("""SELECT c.id, r.extractor_version, r.content_hash FROM captures c
                          JOIN revisions r ON r.id = c.revision_id
                          WHERE c.url = ? AND c.archived_at = ?""", [doc.url, at]).fetchone()
    row = db.execute("SELECT id, content_hash, archived_at, extractor_version FROM documents WHERE url = ?",
                     [doc.url]).fetchone()
    # another body within the same second of the same URL is a new version: the capture points to it
    if known and known[1] == version and known[2] == doc.content_hash and row:
        rev = db.execute("SELECT revision_id FROM captures WHERE id = ?", [known[0]]).fetchone()[0]
        return Saved(row[0], rev, 0, KNOWN, row[1] == doc.content_hash)
    if row is None:
        doc_id, _ = save_document(db, doc, facts, version, archived_at=at, **columns)
        row = (doc_id, doc.content_hash, at, version)
    doc_id = row[0]
    rows = distinct_fact_rows(facts, version)
    rev = db.execute("""SELECT id, extractor_version, first_captured, last_captured FROM revisions
                        WHERE document_id = ? AND content_hash = ?""", [doc_id, doc.content_hash]).fetchone()
    if rev is None:
        rev_id = db["revisions"].insert({
            "document_id": doc_id, "content_hash": doc.content_hash, "title": doc.title,
            "published": doc.published, "status": doc.status, "text": doc.text, "first_captured": at,
            "last_captured": at, "extractor_version": version}).last_pk
        _replace_facts(db, rev_id, [dict(r, revision_id=rev_id) for r in rows])
        outcome = NEW
    else:
        rev_id = rev[0]
        db.execute("UPDATE revisions SET first_captured = min(first_captured, ?), last_captured = "
                   "max(last_captured, ?), extractor_version = ? WHERE id = ?", [at, at, version, rev_id])
        if rev[1] != version:
            _replace_facts(db, rev_id, [dict(r, revision_id=rev_id) for r in rows])
        outcome = SEEN
    if known:
        db.execute("UPDATE captures SET revision_id = ? WHERE id = ?", [rev_id, known[0]])
    else:
        db["captures"].insert({"revision_id": rev_id, "url": doc.url, "archived_at": at,
                               "origin": capture.origin, "locator": capture.locator})
    latest_rev, latest_at = db.execute(
        """SELECT c.revision_id, c.archived_at FROM captures c JOIN revisions r ON r.id = c.revision_id
           WHERE r.document_id = ? ORDER BY c.archived_at DESC, r.content_hash DESC LIMIT 1""", [doc_id]).fetchone()
    current = latest_rev == rev_id
    if current and (row[1] != doc.content_hash or row[2] != latest_at or row[3] != version):
        save_document(db, doc, facts, version, archived_at=latest_at, **columns)
    return Saved(doc_id, rev_id, len(rows), outcome, current)


def refresh_revision(db: sqlite_utils.Database, document_id: int, content_hash: Optional[str],
                     facts: Iterable[Fact], extractor_version: str) -> None:
    """A document re-extracted in place (reprocess): the revision it holds gets the same facts."""
    rev = db.execute("SELECT id, extractor_version FROM revisions WHERE document_id = ? AND content_hash = ?",
                     [document_id, content_hash]).fetchone()
    if rev and rev[1] != extractor_version:
        _replace_facts(db, rev[0], distinct_fact_rows(facts, extractor_version, revision_id=rev[0]))
        db.execute("UPDATE revisions SET extractor_version = ? WHERE id = ?", [extractor_version, rev[0]])


REVISION_FACTS_SQL = """
SELECT f.*, d.url AS url, d.id AS document_id, d.outlet AS outlet, r.published AS published,
       r.id AS revision, r.first_captured AS archived_at, r.last_captured AS last_captured,
       (r.content_hash = d.content_hash) AS latest,
       (SELECT count(*) FROM revisions r2 WHERE r2.document_id = d.id) AS revisions
FROM revision_facts f JOIN revisions r ON r.id = f.revision_id JOIN documents d ON d.id = r.document_id
"""


def revision_fact_rows(db: sqlite_utils.Database, edited_only: bool = False) -> Iterator[dict[str, Any]]:
    """Every fact of every revision, with its document's URL and the revision's capture times, in
    document and capture order; `edited_only`: of documents with more than one revision."""
    where = "WHERE d.id IN (SELECT document_id FROM revisions GROUP BY document_id HAVING count(*) > 1)" \
        if edited_only else ""
    yield from db.query(f"{REVISION_FACTS_SQL} {where} ORDER BY d.id, r.first_captured, f.start, f.id")
