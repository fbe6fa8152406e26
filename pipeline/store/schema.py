"""The database schema: numbered migrations of tables, indexes and triggers, applied in order
(db.py). The SQL expressions that identify a question and a figure are defined here once; the
views (views.py) and the triggers share them."""
from __future__ import annotations

from pipeline.store import figures

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
# The views over these tables are defined once, in views.py, and recreated after migrating.

_SEP = "char(31)"


def group_key_sql(a: str) -> str:
    return (f"{a}.subject||{_SEP}||{a}.subject_type||{_SEP}||ifnull({a}.province,'')||{_SEP}||"
            f"{a}.metric||{_SEP}||ifnull({a}.year,'')||{_SEP}||{a}.is_target||{_SEP}||{a}.kind||{_SEP}||"
            f"CASE WHEN {a}.kind = 'rank' THEN ifnull({a}.total,'') ELSE '' END")


def base_key_sql(a: str) -> str:
    return (f"{a}.subject||{_SEP}||{a}.subject_type||{_SEP}||ifnull({a}.province,'')||{_SEP}||"
            f"{a}.metric||{_SEP}||ifnull({a}.year,'')||{_SEP}||{a}.is_target")


def claim_key_sql(a: str) -> str:
    return f"{group_key_sql(a)}||{_SEP}||round({a}.value, 6)||{_SEP}||ifnull({a}.total,'')"


def fold_dd_sql(expr: str) -> str:
    return f"replace(replace({expr}, 'đ', 'd'), 'Đ', 'D')"


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
    VALUES ({group_key_sql('new')}, {base_key_sql('new')}, new.subject, new.subject_type, new.province, new.metric,
            new.year, new.kind, new.is_target, CASE WHEN new.kind = 'rank' THEN new.total END, 1)
    ON CONFLICT(key) DO UPDATE SET n_facts = n_facts + 1;
  INSERT INTO fact_claims(key, group_key, value, total, scale, documents)
    VALUES ({claim_key_sql('new')}, {group_key_sql('new')}, new.value, new.total, new.scale, 1)
    ON CONFLICT(key) DO UPDATE SET documents = documents + 1;
  INSERT INTO facts_fts(rowid, evidence, subject) VALUES (new.id, {fold_dd_sql('new.evidence')}, {fold_dd_sql('new.subject')});
END;
CREATE TRIGGER facts_ad AFTER DELETE ON facts BEGIN
  UPDATE fact_claims SET documents = documents - 1 WHERE key = {claim_key_sql('old')};
  DELETE FROM fact_claims WHERE key = {claim_key_sql('old')} AND documents <= 0;
  UPDATE fact_groups SET n_facts = n_facts - 1 WHERE key = {group_key_sql('old')};
  DELETE FROM facts_fts WHERE rowid = old.id;
END;
-- Facts are written once and replaced by delete + insert (save_document); an UPDATE by hand
-- is re-counted the same way.
CREATE TRIGGER facts_au AFTER UPDATE ON facts BEGIN
  UPDATE fact_claims SET documents = documents - 1 WHERE key = {claim_key_sql('old')};
  DELETE FROM fact_claims WHERE key = {claim_key_sql('old')} AND documents <= 0;
  UPDATE fact_groups SET n_facts = n_facts - 1 WHERE key = {group_key_sql('old')};
  DELETE FROM facts_fts WHERE rowid = old.id;
  INSERT INTO fact_groups(key, base_key, subject, subject_type, province, metric, year, kind, is_target, total, n_facts)
    VALUES ({group_key_sql('new')}, {base_key_sql('new')}, new.subject, new.subject_type, new.province, new.metric,
            new.year, new.kind, new.is_target, CASE WHEN new.kind = 'rank' THEN new.total END, 1)
    ON CONFLICT(key) DO UPDATE SET n_facts = n_facts + 1;
  INSERT INTO fact_claims(key, group_key, value, total, scale, documents)
    VALUES ({claim_key_sql('new')}, {group_key_sql('new')}, new.value, new.total, new.scale, 1)
    ON CONFLICT(key) DO UPDATE SET documents = documents + 1;
  INSERT INTO facts_fts(rowid, evidence, subject) VALUES (new.id, {fold_dd_sql('new.evidence')}, {fold_dd_sql('new.subject')});
END;

CREATE TRIGGER documents_fts_ai AFTER INSERT ON documents BEGIN
  INSERT INTO documents_fts(rowid, title, text)
    VALUES (new.id, {fold_dd_sql("ifnull(new.title, '')")}, {fold_dd_sql("ifnull(new.text, '')")});
END;
CREATE TRIGGER documents_fts_au AFTER UPDATE OF title, text ON documents BEGIN
  DELETE FROM documents_fts WHERE rowid = old.id;
  INSERT INTO documents_fts(rowid, title, text)
    VALUES (new.id, {fold_dd_sql("ifnull(new.title, '')")}, {fold_dd_sql("ifnull(new.text, '')")});
END;
CREATE TRIGGER documents_fts_ad AFTER DELETE ON documents BEGIN
  DELETE FROM documents_fts WHERE rowid = old.id;
END;

-- Facts and documents stored before this migration.
INSERT OR IGNORE INTO subjects(name, type, province, origin)
  SELECT DISTINCT subject, subject_type, province, 'facts' FROM facts;
INSERT OR IGNORE INTO metrics(id, vocabulary) SELECT DISTINCT metric, 0 FROM facts;
INSERT INTO fact_groups(key, base_key, subject, subject_type, province, metric, year, kind, is_target, total, n_facts)
  SELECT {group_key_sql('f')}, {base_key_sql('f')}, subject, subject_type, province, metric, year, kind, is_target,
         CASE WHEN kind = 'rank' THEN total END, count(*)
  FROM facts f GROUP BY 1;
INSERT INTO fact_claims(key, group_key, value, total, scale, documents)
  SELECT {claim_key_sql('f')}, {group_key_sql('f')}, value, total, max(scale), count(*) FROM facts f GROUP BY 1;
INSERT INTO facts_fts(rowid, evidence, subject)
  SELECT id, {fold_dd_sql('evidence')}, {fold_dd_sql('subject')} FROM facts;
INSERT INTO documents_fts(rowid, title, text)
  SELECT id, {fold_dd_sql("ifnull(title, '')")}, {fold_dd_sql("ifnull(text, '')")} FROM documents;
"""


# --- Migration 5: revisions, not replacement ------------------------------------------------
#
# A page captured several times (a web archive's captures, a harvest that finds it changed) is
# one `documents` row holding its latest version, with the facts of that version in `facts`, so
# every view, summary and rule reads the latest by default. Every version is kept beside it:
#   revisions       one row per distinct body of a document (content hash) with its text and
#                   first and last capture;
#   revision_facts  the facts of each revision (the latest one's too, so history reads one table);
#   captures        one row per capture (URL, capture time): which revision it showed, whence;
#                   a capture stored once is never stored again.
# `documents.archived_at` is the capture time of the version it holds. `backfill_shards` lists
# the input shards a backfill has finished, so a crashed one resumes after them.

FACT_COLUMNS = ("subject", "subject_type", "province", "metric", "metric_phrase", "year", "kind", "value",
                "total", "scale", "unit", "qualifier", "is_target", "evidence", "start", '"end"', "page",
                "table_row", "table_col", "extractor", "extractor_version")
_FACT_LIST = ", ".join(FACT_COLUMNS)

_MIGRATION_5 = f"""
ALTER TABLE documents ADD COLUMN archived_at TEXT;
CREATE TABLE revisions (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  content_hash TEXT NOT NULL,
  title TEXT,
  published TEXT,
  status TEXT NOT NULL,
  text TEXT,
  first_captured TEXT NOT NULL,
  last_captured TEXT NOT NULL,
  extractor_version TEXT,
  UNIQUE (document_id, content_hash)
);
CREATE TABLE captures (
  id INTEGER PRIMARY KEY,
  revision_id INTEGER NOT NULL REFERENCES revisions(id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  archived_at TEXT NOT NULL,
  origin TEXT NOT NULL,     -- harvest | cdx | warc
  locator TEXT,             -- the replay URL, or WARC file@offset
  UNIQUE (url, archived_at)
);
CREATE INDEX captures_revision ON captures(revision_id);
CREATE TABLE revision_facts (
  id INTEGER PRIMARY KEY,
  revision_id INTEGER NOT NULL REFERENCES revisions(id) ON DELETE CASCADE,
  subject TEXT NOT NULL, subject_type TEXT NOT NULL, province TEXT, metric TEXT NOT NULL, metric_phrase TEXT,
  year INTEGER, kind TEXT NOT NULL, value REAL NOT NULL, total REAL, scale REAL, unit TEXT,
  qualifier TEXT NOT NULL DEFAULT 'exact', is_target INTEGER NOT NULL DEFAULT 0, evidence TEXT NOT NULL,
  start INTEGER, "end" INTEGER, page INTEGER, table_row INTEGER, table_col INTEGER,
  extractor TEXT, extractor_version TEXT
);
CREATE INDEX revision_facts_revision ON revision_facts(revision_id);
CREATE TABLE backfill_shards (
  key TEXT PRIMARY KEY,     -- the input and its size and first bytes' digest
  path TEXT NOT NULL,
  records INTEGER, documents INTEGER, facts INTEGER,
  problems TEXT,            -- JSON list of lines
  done_at TEXT
);

-- Documents harvested before: each is its first revision, captured when it was fetched.
UPDATE documents SET archived_at = fetched_at WHERE content_hash IS NOT NULL AND fetched_at IS NOT NULL;
INSERT INTO revisions(document_id, content_hash, title, published, status, text, first_captured,
                      last_captured, extractor_version)
  SELECT id, content_hash, title, published, status, text, archived_at, archived_at, extractor_version
  FROM documents WHERE archived_at IS NOT NULL;
INSERT INTO captures(revision_id, url, archived_at, origin, locator)
  SELECT r.id, d.url, d.archived_at, 'harvest', d.warc_file || '@' || d.warc_offset
  FROM revisions r JOIN documents d ON d.id = r.document_id;
INSERT INTO revision_facts(revision_id, {_FACT_LIST})
  SELECT r.id, {", ".join("f." + c for c in FACT_COLUMNS)} FROM facts f JOIN revisions r ON r.document_id = f.document_id;
"""

# --- Migration 7: indexes for the canned queries at a million facts -------------------------
#
# The canned queries `serve` offers over `facts` (targets_against_actuals, research/coverage.py's
# dti_coverage, the dti_rankings view) read facts by keys no earlier index served, so at a
# million facts they built an automatic index per run or read a table row per fact. Each index
# below serves one, reading the index instead of the table (the audit_* queries read
# `audit_findings` and the ranking ones `figures`, migration 6):
#   facts_by_metric      dti_coverage (and any metric's province figures), covering
#   facts_targets        targets_vs_actuals: a subject's targets, not all its facts
#   facts_subject_latest targets_vs_actuals: a subject's latest achieved figure from the index
#                        alone (it replaces facts_subject_metric, its prefix)
#   fact_claims_answers  dti_rankings: a question's answers read from the index alone (it
#                        replaces fact_claims_group, its prefix)
#   reference_facts_key  coverage, the checker: the official figure of one question
_MIGRATION_7 = """
CREATE INDEX IF NOT EXISTS facts_by_metric ON facts(metric, subject_type, is_target, year, kind, subject, value, total,
  scale, document_id);
CREATE INDEX IF NOT EXISTS facts_targets ON facts(subject, metric) WHERE is_target = 1;
CREATE INDEX IF NOT EXISTS facts_subject_latest ON facts(subject, metric, is_target, year, subject_type, kind,
  document_id);
DROP INDEX IF EXISTS facts_subject_metric;
CREATE INDEX IF NOT EXISTS fact_claims_answers ON fact_claims(group_key, documents, value, total, scale);
DROP INDEX IF EXISTS fact_claims_group;
CREATE INDEX IF NOT EXISTS reference_facts_key ON reference_facts(subject, metric, kind, year);
ANALYZE;
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
    # 4 rewrote the targets_vs_actuals view; views now live in views.py (recreated after migrating)
    (4, ""),
    (5, _MIGRATION_5),
    # 6: the consolidated `figures` table, one row per question (figures.py keeps it); the audit's
    # findings as of its last run, which `audit` and `serve` write and the audit_* queries read
    (6, figures.MIGRATION_SQL + """
CREATE TABLE audit_findings (
  id INTEGER PRIMARY KEY,
  rule TEXT NOT NULL, severity TEXT NOT NULL, subject TEXT, metric TEXT, year INTEGER, kind TEXT,
  status TEXT, message TEXT NOT NULL,
  figures TEXT, url TEXT, urls TEXT, evidence TEXT, "references" TEXT,   -- lists: one a line
  audited_at TEXT NOT NULL
);
CREATE INDEX audit_findings_rule ON audit_findings(rule);
"""),
    (7, _MIGRATION_7),     # issue 11 (indexes at a million facts)
]
