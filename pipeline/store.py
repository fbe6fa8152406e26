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


# --- Migration 2: the researcher's database (keys, summaries, full-text search, views) -------
#
# Two summary tables are kept in step with `facts` by triggers, so every writer (harvest,
# ingest, reprocess, a hand-made INSERT) keeps them right and the views stay fast at a
# million facts:
#   fact_claims  one row per distinct figure (subject, metric, year, kind, value, total, target)
#                with how many stored facts (one per document) state it;
#   fact_groups  one row per question (subject, metric, year, kind, target; for ranks also the
#                ranking's total, so the 34-province and the 63-province rankings of DTI 2024
#                are two questions) with how many different answers the documents give.
# Full-text tables hold a copy with đ/Đ mapped to d/D, since unicode61 does not fold them.

_SEP = "char(31)"


def _group_key(a: str) -> str:
    return (f"{a}.subject||{_SEP}||{a}.subject_type||{_SEP}||ifnull({a}.province,'')||{_SEP}||"
            f"{a}.metric||{_SEP}||ifnull({a}.year,'')||{_SEP}||{a}.is_target||{_SEP}||{a}.kind||{_SEP}||"
            f"CASE WHEN {a}.kind = 'rank' THEN ifnull({a}.total,'') ELSE '' END")


def _base_key(a: str) -> str:
    return (f"{a}.subject||{_SEP}||{a}.subject_type||{_SEP}||ifnull({a}.province,'')||{_SEP}||"
            f"{a}.metric||{_SEP}||ifnull({a}.year,'')||{_SEP}||{a}.is_target")


def _claim_key(a: str) -> str:
    return f"{_group_key(a)}||{_SEP}||round({a}.value, 6)||{_SEP}||ifnull({a}.total,'')"


def _fold_dd(expr: str) -> str:
    return f"replace(replace({expr}, 'đ', 'd'), 'Đ', 'D')"


_RANKING_COLUMNS = """
  g.subject, g.subject_type, g.province, g.metric, m.name_vi AS metric_name, g.year"""

_MIGRATION_2 = f"""
ALTER TABLE subjects ADD COLUMN merged_2025 INTEGER;   -- 1: merged into name_2025 in 2025
ALTER TABLE subjects ADD COLUMN origin TEXT;           -- reference (provinces.csv) | facts
CREATE INDEX subjects_name_2025 ON subjects(name_2025);
CREATE TABLE subject_aliases (
  alias TEXT PRIMARY KEY,   -- folded spelling: no tone marks, đ→d, lower case, single spaces
  name TEXT NOT NULL,
  type TEXT NOT NULL
);
ALTER TABLE metrics ADD COLUMN vocabulary INTEGER NOT NULL DEFAULT 0;  -- 1: in the spec's vocabulary

CREATE INDEX facts_subject_metric ON facts(subject, metric, is_target, year);
CREATE INDEX facts_year_kind ON facts(year, kind);
CREATE INDEX documents_published ON documents(published);

CREATE TABLE fact_groups (
  key TEXT PRIMARY KEY,
  base_key TEXT NOT NULL,   -- the same without kind: links a rank to its score
  subject TEXT NOT NULL, subject_type TEXT NOT NULL, province TEXT, metric TEXT NOT NULL,
  year INTEGER, kind TEXT NOT NULL, is_target INTEGER NOT NULL,
  total REAL,               -- for ranks: the ranking (34 or 63 provinces), when stated
  n_values INTEGER NOT NULL DEFAULT 0,   -- different answers given
  n_facts INTEGER NOT NULL DEFAULT 0     -- facts (one per document) stating any of them
);
CREATE INDEX fact_groups_subject ON fact_groups(subject, metric, year);
CREATE INDEX fact_groups_base ON fact_groups(base_key, kind);
CREATE INDEX fact_groups_disputed ON fact_groups(n_values) WHERE n_values > 1;
CREATE INDEX fact_groups_metric ON fact_groups(kind, metric, year);
CREATE TABLE fact_claims (
  key TEXT PRIMARY KEY,
  group_key TEXT NOT NULL,
  value REAL NOT NULL, total REAL, scale REAL,
  documents INTEGER NOT NULL DEFAULT 0   -- facts (one per document) stating this figure
);
CREATE INDEX fact_claims_group ON fact_claims(group_key, documents);

CREATE TRIGGER fact_claims_ai AFTER INSERT ON fact_claims BEGIN
  UPDATE fact_groups SET n_values = n_values + 1 WHERE key = new.group_key;
END;
CREATE TRIGGER fact_claims_ad AFTER DELETE ON fact_claims BEGIN
  UPDATE fact_groups SET n_values = n_values - 1 WHERE key = old.group_key;
  DELETE FROM fact_groups WHERE key = old.group_key AND n_values <= 0;
END;

CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, tokenize = "unicode61 remove_diacritics 2");
CREATE VIRTUAL TABLE facts_fts USING fts5(evidence, subject, tokenize = "unicode61 remove_diacritics 2");

CREATE TRIGGER facts_ai AFTER INSERT ON facts BEGIN
  INSERT OR IGNORE INTO subjects(name, type, province, origin)
    VALUES (new.subject, new.subject_type, new.province, 'facts');
  INSERT OR IGNORE INTO metrics(id, vocabulary) VALUES (new.metric, 0);
  INSERT INTO fact_groups(key, base_key, subject, subject_type, province, metric, year, kind, is_target, total, n_facts)
    VALUES ({_group_key('new')}, {_base_key('new')}, new.subject, new.subject_type, new.province, new.metric,
            new.year, new.kind, new.is_target, CASE WHEN new.kind = 'rank' THEN new.total END, 1)
    ON CONFLICT(key) DO UPDATE SET n_facts = n_facts + 1;
  INSERT INTO fact_claims(key, group_key, value, total, scale, documents)
    VALUES ({_claim_key('new')}, {_group_key('new')}, new.value, new.total, new.scale, 1)
    ON CONFLICT(key) DO UPDATE SET documents = documents + 1;
  INSERT INTO facts_fts(rowid, evidence, subject) VALUES (new.id, {_fold_dd('new.evidence')}, {_fold_dd('new.subject')});
END;
CREATE TRIGGER facts_ad AFTER DELETE ON facts BEGIN
  UPDATE fact_claims SET documents = documents - 1 WHERE key = {_claim_key('old')};
  DELETE FROM fact_claims WHERE key = {_claim_key('old')} AND documents <= 0;
  UPDATE fact_groups SET n_facts = n_facts - 1 WHERE key = {_group_key('old')};
  DELETE FROM facts_fts WHERE rowid = old.id;
END;
-- Facts are written once and replaced by delete + insert (save_document); an UPDATE by hand
-- is re-counted the same way.
CREATE TRIGGER facts_au AFTER UPDATE ON facts BEGIN
  UPDATE fact_claims SET documents = documents - 1 WHERE key = {_claim_key('old')};
  DELETE FROM fact_claims WHERE key = {_claim_key('old')} AND documents <= 0;
  UPDATE fact_groups SET n_facts = n_facts - 1 WHERE key = {_group_key('old')};
  DELETE FROM facts_fts WHERE rowid = old.id;
  INSERT INTO fact_groups(key, base_key, subject, subject_type, province, metric, year, kind, is_target, total, n_facts)
    VALUES ({_group_key('new')}, {_base_key('new')}, new.subject, new.subject_type, new.province, new.metric,
            new.year, new.kind, new.is_target, CASE WHEN new.kind = 'rank' THEN new.total END, 1)
    ON CONFLICT(key) DO UPDATE SET n_facts = n_facts + 1;
  INSERT INTO fact_claims(key, group_key, value, total, scale, documents)
    VALUES ({_claim_key('new')}, {_group_key('new')}, new.value, new.total, new.scale, 1)
    ON CONFLICT(key) DO UPDATE SET documents = documents + 1;
  INSERT INTO facts_fts(rowid, evidence, subject) VALUES (new.id, {_fold_dd('new.evidence')}, {_fold_dd('new.subject')});
END;

CREATE TRIGGER documents_fts_ai AFTER INSERT ON documents BEGIN
  INSERT INTO documents_fts(rowid, title, text)
    VALUES (new.id, {_fold_dd("ifnull(new.title, '')")}, {_fold_dd("ifnull(new.text, '')")});
END;
CREATE TRIGGER documents_fts_au AFTER UPDATE OF title, text ON documents BEGIN
  DELETE FROM documents_fts WHERE rowid = old.id;
  INSERT INTO documents_fts(rowid, title, text)
    VALUES (new.id, {_fold_dd("ifnull(new.title, '')")}, {_fold_dd("ifnull(new.text, '')")});
END;
CREATE TRIGGER documents_fts_ad AFTER DELETE ON documents BEGIN
  DELETE FROM documents_fts WHERE rowid = old.id;
END;

-- Facts and documents stored before this migration.
INSERT OR IGNORE INTO subjects(name, type, province, origin)
  SELECT DISTINCT subject, subject_type, province, 'facts' FROM facts;
INSERT OR IGNORE INTO metrics(id, vocabulary) SELECT DISTINCT metric, 0 FROM facts;
INSERT INTO fact_groups(key, base_key, subject, subject_type, province, metric, year, kind, is_target, total, n_facts)
  SELECT {_group_key('f')}, {_base_key('f')}, subject, subject_type, province, metric, year, kind, is_target,
         CASE WHEN kind = 'rank' THEN total END, count(*)
  FROM facts f GROUP BY 1;
INSERT INTO fact_claims(key, group_key, value, total, scale, documents)
  SELECT {_claim_key('f')}, {_group_key('f')}, value, total, max(scale), count(*) FROM facts f GROUP BY 1;
INSERT INTO facts_fts(rowid, evidence, subject)
  SELECT id, {_fold_dd('evidence')}, {_fold_dd('subject')} FROM facts;
INSERT INTO documents_fts(rowid, title, text)
  SELECT id, {_fold_dd("ifnull(title, '')")}, {_fold_dd("ifnull(text, '')")} FROM documents;

-- Views. Each states where its numbers come from; see README "The database".
CREATE VIEW dti_rankings AS
SELECT {_RANKING_COLUMNS},
  r.value AS rank, g.total AS total, r.documents AS rank_documents, g.n_values AS rank_values,
  s.value AS score, s.scale AS scale, s.documents AS score_documents, sg.n_values AS score_values
FROM fact_groups g
JOIN metrics m ON m.id = g.metric AND m.vocabulary = 1
LEFT JOIN fact_claims r ON r.key = (SELECT c.key FROM fact_claims c WHERE c.group_key = g.key
                                    ORDER BY c.documents DESC, c.value LIMIT 1)
LEFT JOIN fact_groups sg ON sg.base_key = g.base_key AND sg.kind = 'score'
LEFT JOIN fact_claims s ON s.key = (SELECT c.key FROM fact_claims c WHERE c.group_key = sg.key
                                    ORDER BY c.documents DESC, c.value DESC LIMIT 1)
WHERE g.kind = 'rank' AND g.is_target = 0
UNION ALL
SELECT {_RANKING_COLUMNS},
  NULL, NULL, NULL, NULL,
  s.value, s.scale, s.documents, g.n_values
FROM fact_groups g
JOIN metrics m ON m.id = g.metric AND m.vocabulary = 1
LEFT JOIN fact_claims s ON s.key = (SELECT c.key FROM fact_claims c WHERE c.group_key = g.key
                                    ORDER BY c.documents DESC, c.value DESC LIMIT 1)
WHERE g.kind = 'score' AND g.is_target = 0
  AND NOT EXISTS (SELECT 1 FROM fact_groups x WHERE x.base_key = g.base_key AND x.kind = 'rank');

CREATE VIEW indicators AS
SELECT f.id AS fact_id, f.subject, f.subject_type, f.province, f.metric, f.metric_phrase, f.year,
  f.kind, f.value, f.total, f.unit, f.qualifier, f.is_target,
  (SELECT c.documents FROM fact_claims c WHERE c.key = {_claim_key('f')}) AS documents,
  f.evidence, d.url, d.published, d.outlet, f.document_id, f.page, f.table_row, f.table_col
FROM facts f JOIN documents d ON d.id = f.document_id
WHERE NOT (f.kind IN ('rank', 'score') AND f.metric IN (SELECT id FROM metrics WHERE vocabulary = 1));

CREATE VIEW targets_vs_actuals AS
SELECT t.subject, t.subject_type, t.province, t.metric,
  t.kind AS target_kind, t.qualifier AS target_qualifier, t.value AS target_value,
  t.total AS target_total, t.unit AS target_unit, t.year AS target_year,
  a.kind AS actual_kind, a.value AS actual_value, a.total AS actual_total, a.year AS actual_year,
  CASE
    WHEN a.id IS NULL THEN NULL
    WHEN t.kind IN ('rank', 'top_n') AND a.kind IN ('rank', 'top_n') THEN a.value <= t.value
    WHEN t.kind <> a.kind OR t.kind NOT IN ('score', 'percent', 'count') THEN NULL
    WHEN t.qualifier = 'at_most' THEN a.value <= t.value
    WHEN t.kind = 'score' THEN
      a.value / coalesce(a.scale, CASE WHEN a.value <= 1 THEN 1 WHEN a.value <= 100 THEN 100 ELSE 1000 END)
      >= t.value / coalesce(t.scale, CASE WHEN t.value <= 1 THEN 1 WHEN t.value <= 100 THEN 100 ELSE 1000 END)
    ELSE a.value >= t.value
  END AS reached,
  t.evidence AS target_evidence, td.url AS target_url,
  a.evidence AS actual_evidence, ad.url AS actual_url, ad.published AS actual_published,
  t.id AS target_fact_id, a.id AS actual_fact_id
FROM facts t
JOIN documents td ON td.id = t.document_id
LEFT JOIN facts a ON a.id = (
  SELECT f.id FROM facts f JOIN documents d ON d.id = f.document_id
  WHERE f.subject = t.subject AND f.metric = t.metric AND f.is_target = 0
    AND f.subject_type = t.subject_type
    AND (f.kind = t.kind OR (t.kind IN ('rank', 'top_n') AND f.kind IN ('rank', 'top_n')))
  ORDER BY f.year IS NULL, f.year DESC, d.published DESC, f.id DESC LIMIT 1)
LEFT JOIN documents ad ON ad.id = a.document_id
WHERE t.is_target = 1;

CREATE VIEW province_history AS
SELECT s.name_2025 AS province_2025, f.subject AS stated_as, s.code AS code_2004,
  s.merged_2025 AS merged, f.year, f.metric, f.kind, f.value, f.total, f.scale, f.is_target,
  f.evidence, d.url, d.published, f.id AS fact_id, f.document_id
FROM subjects s
JOIN facts f ON f.subject = s.name AND f.subject_type = 'province'
JOIN documents d ON d.id = f.document_id
WHERE s.type = 'province' AND s.name_2025 IS NOT NULL;
"""

# Migration 4: targets_vs_actuals finds the latest year through the (subject, metric, is_target,
# year) index first, then the latest-published fact of that year: ~10x faster at a million facts.
_MIGRATION_4 = """
DROP VIEW targets_vs_actuals;
CREATE VIEW targets_vs_actuals AS
SELECT t.subject, t.subject_type, t.province, t.metric,
  t.kind AS target_kind, t.qualifier AS target_qualifier, t.value AS target_value,
  t.total AS target_total, t.unit AS target_unit, t.year AS target_year,
  a.kind AS actual_kind, a.value AS actual_value, a.total AS actual_total, a.year AS actual_year,
  CASE
    WHEN a.id IS NULL THEN NULL
    WHEN t.kind IN ('rank', 'top_n') AND a.kind IN ('rank', 'top_n') THEN a.value <= t.value
    WHEN t.kind <> a.kind OR t.kind NOT IN ('score', 'percent', 'count') THEN NULL
    WHEN t.qualifier = 'at_most' THEN a.value <= t.value
    WHEN t.kind = 'score' THEN
      a.value / coalesce(a.scale, CASE WHEN a.value <= 1 THEN 1 WHEN a.value <= 100 THEN 100 ELSE 1000 END)
      >= t.value / coalesce(t.scale, CASE WHEN t.value <= 1 THEN 1 WHEN t.value <= 100 THEN 100 ELSE 1000 END)
    ELSE a.value >= t.value
  END AS reached,
  t.evidence AS target_evidence, td.url AS target_url,
  a.evidence AS actual_evidence, ad.url AS actual_url, ad.published AS actual_published,
  t.id AS target_fact_id, a.id AS actual_fact_id
FROM facts t
JOIN documents td ON td.id = t.document_id
LEFT JOIN facts a ON a.id = (
  SELECT f.id FROM facts f JOIN documents d ON d.id = f.document_id
  WHERE f.subject = t.subject AND f.metric = t.metric AND f.is_target = 0
    AND f.subject_type = t.subject_type
    AND (f.kind = t.kind OR (t.kind IN ('rank', 'top_n') AND f.kind IN ('rank', 'top_n')))
    AND f.year IS (SELECT y.year FROM facts y WHERE y.subject = t.subject AND y.metric = t.metric AND y.is_target = 0
    AND y.subject_type = t.subject_type
    AND (y.kind = t.kind OR (t.kind IN ('rank', 'top_n') AND y.kind IN ('rank', 'top_n')))
                   ORDER BY y.year DESC LIMIT 1)
  ORDER BY d.published DESC, f.id DESC LIMIT 1)
LEFT JOIN documents ad ON ad.id = a.document_id
WHERE t.is_target = 1;

"""

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
    (2, _MIGRATION_2),
    # 3 (crawler): the frontier is the crawl state of every URL, listings and feeds included, so
    # conditional GETs work for them and for documents the keyword filter did not keep.
    (3, """
ALTER TABLE frontier ADD COLUMN etag TEXT;
ALTER TABLE frontier ADD COLUMN last_modified TEXT;
ALTER TABLE frontier ADD COLUMN content_hash TEXT;
ALTER TABLE frontier ADD COLUMN http_status INTEGER;
ALTER TABLE frontier ADD COLUMN fetched_at TEXT;
ALTER TABLE frontier ADD COLUMN run_id INTEGER;
CREATE INDEX frontier_run ON frontier(run_id);
"""),
    (4, _MIGRATION_4),
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
    from pipeline import reference_data  # lazily: keeps `import pipeline.store` light
    if schema_version(db) >= 2:
        reference_data.ensure_loaded(db)
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
        rows, seen = [], set()
        for f in facts:
            # One row per distinct fact per document (spec): a figure repeated in a caption
            # would otherwise count as a second source in the views.
            if f.key() in seen:
                continue
            seen.add(f.key())
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
