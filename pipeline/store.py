"""The SQLite database: versioned schema, documents with their crawl state, facts, runs.

Every write of one document (its state, its text and its facts) happens in one transaction,
so a crash between two documents loses nothing and duplicates nothing.
"""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Optional
from zoneinfo import ZoneInfo

import sqlite_utils

from pipeline.models import Document, Fact

DEFAULT_DB = "extracted/dti.sqlite"
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def now_iso() -> str:
    return datetime.now(VN_TZ).isoformat(timespec="seconds")


# Each migration is (version, SQL script). Append new ones; never edit an applied one.
MIGRATIONS: list[tuple[int, str]] = [
    (1, """
CREATE TABLE sources (
  name TEXT PRIMARY KEY,
  outlet TEXT,
  province TEXT,
  start_urls TEXT,          -- JSON list
  config TEXT               -- JSON of the sources.yaml entry
);
CREATE TABLE documents (
  id INTEGER PRIMARY KEY,
  url TEXT NOT NULL UNIQUE,
  final_url TEXT,
  canonical_url TEXT,
  source TEXT,
  parent_url TEXT,          -- the article an attachment was linked from
  title TEXT,
  published TEXT,
  author TEXT,
  outlet TEXT,
  doc_type TEXT,            -- html | pdf | txt
  content_type TEXT,
  status TEXT NOT NULL,     -- ok | needs_ocr | encrypted | unparseable | too_large | empty | fetch_failed
  status_detail TEXT,
  http_status INTEGER,
  etag TEXT,
  last_modified TEXT,
  content_hash TEXT,
  text TEXT,
  tables TEXT,              -- JSON: [{rows, row_spans, page, caption}]
  page_starts TEXT,         -- JSON: [[offset, page], ...]
  metadata TEXT,            -- JSON: decision number, OCR confidence, warnings ...
  warc_file TEXT,
  warc_offset INTEGER,
  first_seen TEXT,
  fetched_at TEXT,
  parsed_at TEXT,
  extractor_version TEXT
);
CREATE INDEX documents_source ON documents(source);
CREATE INDEX documents_hash ON documents(content_hash);
CREATE TABLE frontier (
  url TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  kind TEXT NOT NULL,       -- document | listing | feed | sitemap | attachment
  parent_url TEXT,
  depth INTEGER DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'pending',  -- pending | done | failed | deferred
  attempts INTEGER DEFAULT 0,
  last_error TEXT,
  discovered_at TEXT,
  lastmod TEXT
);
CREATE INDEX frontier_status ON frontier(source, status);
CREATE TABLE facts (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  subject TEXT NOT NULL,
  subject_type TEXT NOT NULL,
  province TEXT,
  metric TEXT NOT NULL,
  metric_phrase TEXT,
  year INTEGER,
  kind TEXT NOT NULL,
  value REAL NOT NULL,
  total REAL,
  scale REAL,
  unit TEXT,
  qualifier TEXT NOT NULL DEFAULT 'exact',
  is_target INTEGER NOT NULL DEFAULT 0,
  evidence TEXT NOT NULL,
  start INTEGER,
  "end" INTEGER,
  page INTEGER,
  table_row INTEGER,
  table_col INTEGER,
  extractor TEXT,
  extractor_version TEXT
);
CREATE INDEX facts_document ON facts(document_id);
CREATE INDEX facts_subject_year ON facts(subject, year);
CREATE INDEX facts_metric_year ON facts(metric, year, kind);
CREATE TABLE subjects (
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  province TEXT,
  code TEXT,                -- 2004 province code
  name_2025 TEXT,           -- the province it belongs to after the 2025 merger
  centrally_run INTEGER,
  PRIMARY KEY (name, type)
);
CREATE TABLE metrics (
  id TEXT PRIMARY KEY,
  name_vi TEXT,
  pillar TEXT,
  description TEXT
);
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  started TEXT,
  ended TEXT,
  status TEXT,              -- running | ok | partial | failed | interrupted
  pid INTEGER,
  sources TEXT,             -- JSON list of names
  fetched INTEGER DEFAULT 0,
  not_modified INTEGER DEFAULT 0,
  new_documents INTEGER DEFAULT 0,
  changed_documents INTEGER DEFAULT 0,
  new_facts INTEGER DEFAULT 0,
  errors INTEGER DEFAULT 0,
  per_source TEXT           -- JSON: {source: {fetched, errors, ...}}
);
CREATE TABLE reference_facts (
  id INTEGER PRIMARY KEY,
  reference TEXT NOT NULL,  -- name of the imported official table
  file TEXT,
  subject TEXT NOT NULL,
  subject_type TEXT NOT NULL DEFAULT 'province',
  metric TEXT NOT NULL,
  year INTEGER,
  kind TEXT NOT NULL,
  value REAL NOT NULL,
  total REAL,
  scale REAL,
  imported_at TEXT
);
"""),
]


def connect(path: str | Path = DEFAULT_DB) -> sqlite_utils.Database:
    """Open (creating if needed) and migrate the database; WAL, busy timeout, foreign keys."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=NORMAL")
    db = sqlite_utils.Database(conn)
    migrate(db)
    return db


def schema_version(db: sqlite_utils.Database) -> int:
    if "_migrations" not in db.table_names():
        return 0
    row = db.execute("SELECT max(version) FROM _migrations").fetchone()
    return row[0] or 0


def migrate(db: sqlite_utils.Database) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (version INTEGER PRIMARY KEY, applied TEXT)")
    current = schema_version(db)
    for version, script in MIGRATIONS:
        if version <= current:
            continue
        conn = db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(script):
                conn.execute(statement)
            conn.execute("INSERT INTO _migrations VALUES (?, ?)", (version, now_iso()))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    _after_migrate(db)


def _statements(script: str) -> list[str]:
    """Split a migration script into statements, keeping CREATE TRIGGER bodies whole."""
    out, buf = [], []
    for line in script.splitlines():
        buf.append(line)
        joined = "\n".join(buf)
        if sqlite3.complete_statement(joined):
            if joined.strip():
                out.append(joined)
            buf = []
    if "\n".join(buf).strip():
        out.append("\n".join(buf))
    return out


# Hooks other modules register to run after migrations (reference data, views).
AFTER_MIGRATE: list = []


def _after_migrate(db: sqlite_utils.Database) -> None:
    for hook in AFTER_MIGRATE:
        hook(db)


class transaction:
    """`with transaction(db):` one atomic unit of work (BEGIN IMMEDIATE … COMMIT)."""

    def __init__(self, db: sqlite_utils.Database):
        self.conn = db.conn

    def __enter__(self):
        self.conn.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, exc_type, exc, tb):
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")
        return False


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
        rows = []
        for f in facts:
            d = f.to_dict()
            d["document_id"] = doc_id
            d["is_target"] = int(bool(f.is_target))
            d["extractor_version"] = f.extractor_version or extractor_version
            rows.append(d)
        if rows:
            db["facts"].insert_all(rows)
        if own:
            db.conn.execute("COMMIT")
        return doc_id, len(rows)
    except BaseException:
        if own:
            db.conn.execute("ROLLBACK")
        raise


def load_document(db: sqlite_utils.Database, url: str) -> Optional[Document]:
    """The stored document (text, tables and metadata) for a URL, for re-extraction."""
    from pipeline.models import Table
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
    sql = """SELECT f.*, d.url AS url, d.published AS published, d.title AS document_title,
                    d.outlet AS outlet
             FROM facts f JOIN documents d ON d.id = f.document_id
             ORDER BY d.id, f.start, f.id"""
    yield from db.query(sql)
