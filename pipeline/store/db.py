"""The connection: WAL, a busy timeout, foreign keys; migrated on opening; one transaction per
unit of work, so a crash between two documents loses nothing and duplicates nothing."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from pipeline.clock import now_iso
from pipeline.store import figures, reference_data
from pipeline.store.schema import MIGRATIONS
from pipeline.store.views import ensure_views

DEFAULT_DB = "extracted/dti.sqlite"


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
            for statement in split_statements(script):
                conn.execute(statement)
            conn.execute("INSERT INTO _migrations VALUES (?, ?)", (version, now_iso()))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    _after_migrate(db)


def split_statements(script: str) -> list[str]:
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


def _after_migrate(db: sqlite_utils.Database) -> None:
    """What every connection needs beyond the tables: the reference data and the views."""
    if schema_version(db) >= 2:
        reference_data.ensure_loaded(db)
        ensure_views(db.conn)
        figures.refresh_pending(db.conn)


class transaction:
    """`with transaction(db):` one atomic unit of work (BEGIN IMMEDIATE … COMMIT)."""

    def __init__(self, db: sqlite_utils.Database):
        self.conn = db.conn

    def __enter__(self):
        self.conn.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type:
            self.conn.execute("ROLLBACK")
        else:
            figures.commit(self.conn)   # the figures this unit changed, in the same transaction
        return False
