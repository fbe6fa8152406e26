"""The crawl's state in the database, and the one lock around it.

The `frontier` table is the durable queue: every URL with its kind, status, validators (ETag,
Last-Modified), content hash and last fetch. A unit of work (`with frontier.unit():`) takes the
lock and one transaction, and writes the run's counters before it commits, so a URL's state, its
document and facts, the URLs it revealed and the `runs` row change together or not at all: a
run killed at any moment is resumed by the next one with nothing lost and nothing stored twice.
"""
from __future__ import annotations

import json
import os
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, Callable, Iterator, Optional

import sqlite_utils

from pipeline import store
from pipeline.clock import VN_TZ, now_iso
from pipeline.harvest.fetch import Fetched
from pipeline.harvest.scheduler import Task
from pipeline.harvest.urls import canonicalize, host_key
from pipeline.models import FETCH_FAILED, SourceConfig

MAX_ATTEMPTS = 5             # a URL failing in this many runs is left alone (status 'failed')


class Frontier:
    def __init__(self, db: sqlite_utils.Database, hosts_of: dict[str, set[str]]):
        self.db = db
        self.hosts_of = hosts_of            # source name → its hosts: URLs elsewhere are not ours
        self.lock = threading.RLock()
        self.enqueued: set[str] = set()     # queued in this run already
        self.run_id: Optional[int] = None
        self._counters: Callable[[bool], dict[str, Any]] = lambda final: {}

    # -- units of work ----------------------------------------------------------------------------

    @contextmanager
    def unit(self) -> Iterator[None]:
        """One atomic change, with the run's counters as they stand when it commits."""
        with self.lock, store.transaction(self.db):
            yield
            if self.run_id is not None:
                self.db["runs"].update(self.run_id, self._counters(False))

    def start_run(self, sources: list[SourceConfig], counters: Callable[[bool], dict[str, Any]]) -> int:
        """Open the run's row (runs a killed harvest left 'running' are marked interrupted: we
        hold the lock, so they are dead) and record the sources as configured."""
        with self.lock, store.transaction(self.db):
            self.db.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
            self.run_id = self.db["runs"].insert({
                "started": now_iso(), "status": "running", "pid": os.getpid(),
                "sources": json.dumps([s.name for s in sources], ensure_ascii=False)}).last_pk
            store.record_sources(self.db, sources)
        self._counters = counters
        return self.run_id

    def finish(self) -> None:
        with self.lock, store.transaction(self.db):
            self.db["runs"].update(self.run_id, self._counters(True))

    # -- the queue --------------------------------------------------------------------------------

    def seed(self, sources: list[SourceConfig], revalidate_days: float) -> list[Task]:
        """This run's work: the seeds again, whatever an earlier run left pending or deferred, failed
        URLs with attempts left, and stored documents not revalidated for `revalidate_days`."""
        by_name = {s.name: s for s in sources}
        marks = ",".join("?" * len(by_name))
        now = now_iso()
        with self.unit():
            for s in sources:
                seeds = [(u, "listing") for u in s.start_urls] + [(u, "feed") for u in s.feeds] + \
                        [(u, "sitemap") for u in s.sitemaps]
                for url, kind in seeds:
                    self.db.execute(
                        """INSERT INTO frontier (url, source, kind, depth, status, discovered_at, run_id)
                           VALUES (?, ?, ?, 0, 'pending', ?, ?)
                           ON CONFLICT(url) DO UPDATE SET status = 'pending', run_id = excluded.run_id""",
                        [canonicalize(url) or url, s.name, kind, now, self.run_id])
            self.db.execute(f"""UPDATE frontier SET status = 'pending' WHERE source IN ({marks}) AND
                                (status = 'deferred' OR (status = 'failed' AND attempts < ?))""",
                            [*by_name, MAX_ATTEMPTS])
            stale = (datetime.now(VN_TZ) - timedelta(days=revalidate_days)).isoformat()
            self.db.execute(f"""UPDATE frontier SET status = 'pending', run_id = ? WHERE source IN ({marks})
                                AND kind IN ('document', 'attachment') AND status IN ('done', 'off_topic')
                                AND fetched_at IS NOT NULL AND fetched_at < ?""",
                            [self.run_id, *by_name, stale])
            rows = self.db.execute(
                f"""SELECT url, source, kind, parent_url, depth FROM frontier
                    WHERE source IN ({marks}) AND status = 'pending' ORDER BY depth, rowid""",
                list(by_name)).fetchall()
        self.enqueued.update(url for url, *_ in rows)
        return [Task(url, by_name[source], kind, parent, depth or 0) for url, source, kind, parent, depth in rows]

    def discovered(self, task: Task, url: str, kind: str, lastmod: Optional[str] = None) -> Optional[Task]:
        """Record a URL `task` revealed as pending (inside a unit); the Task to queue once the unit
        commits, or None if it is queued this run already or not on the source's hosts."""
        if url in self.enqueued or host_key(url) not in self.hosts_of[task.source.name]:
            return None
        self.db.execute(
            """INSERT INTO frontier (url, source, kind, parent_url, depth, status, discovered_at, lastmod, run_id)
               VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)
               ON CONFLICT(url) DO UPDATE SET status = 'pending', run_id = excluded.run_id,
                 lastmod = coalesce(excluded.lastmod, frontier.lastmod)""",
            [url, task.source.name, kind, task.url, task.depth + 1, now_iso(), lastmod, self.run_id])
        self.enqueued.add(url)
        return Task(url, task.source, kind, task.url, task.depth + 1)

    def requeue_child_sitemaps(self, task: Task) -> list[Task]:
        """An unchanged sitemap index may still have changed children: queue them again (in a unit)."""
        self.db.execute("UPDATE frontier SET status = 'pending', run_id = ? WHERE parent_url = ? "
                        "AND kind = 'sitemap' AND status = 'done' AND run_id != ?",
                        [self.run_id, task.url, self.run_id])
        found = []
        for (url,) in self.db.execute("SELECT url FROM frontier WHERE parent_url = ? AND kind = 'sitemap' "
                                      "AND status = 'pending'", [task.url]).fetchall():
            if url not in self.enqueued:
                self.enqueued.add(url)
                found.append(Task(url, task.source, "sitemap", task.url, task.depth + 1))
        return found

    def mark(self, task: Task, status: str, resp: Optional[Fetched] = None, error: Optional[str] = None,
             content_hash: Optional[str] = None) -> None:
        """A URL's new state (inside a unit); a failure counts an attempt."""
        fields: dict[str, Any] = {"status": status, "run_id": self.run_id}
        if error is not None:
            fields["last_error"] = error[:500]
        if resp is not None and resp.status:
            fields["http_status"] = resp.status
            fields["fetched_at"] = resp.fetched_at
            if resp.status == 200:
                fields["etag"] = resp.headers.get("etag")
                fields["last_modified"] = resp.headers.get("last-modified")
        if content_hash is not None:
            fields["content_hash"] = content_hash
        sets = ", ".join(f"{k} = ?" for k in fields)
        extra = ", attempts = attempts + 1" if status == "failed" else ""
        self.db.execute(f"UPDATE frontier SET {sets}{extra} WHERE url = ?", [*fields.values(), task.url])

    def record(self, task: Task, status: str, **kwargs: Any) -> None:
        """`mark` as a unit of its own."""
        with self.unit():
            self.mark(task, status, **kwargs)

    # -- what we hold -----------------------------------------------------------------------------

    def state(self, url: str) -> dict[str, Any]:
        """The URL's frontier row ({} when unknown)."""
        with self.lock:
            cur = self.db.execute("SELECT * FROM frontier WHERE url = ?", [url])
            row = cur.fetchone()
            return dict(zip([c[0] for c in cur.description], row)) if row else {}

    def document(self, url: str) -> Optional[dict[str, Any]]:
        """The stored document's crawl columns, or None."""
        with self.lock:
            rows = list(self.db.query("SELECT id, status, content_hash, etag, last_modified, fetched_at "
                                      "FROM documents WHERE url = ?", [url]))
        return rows[0] if rows else None

    def known(self, url: str) -> bool:
        """Stored before (as a document, or as a fetched page the keyword filter left out)."""
        with self.lock:
            row = self.db.execute("""SELECT 1 FROM documents WHERE url = ? AND status != ?
                                     UNION ALL SELECT 1 FROM frontier WHERE url = ? AND status = 'off_topic'""",
                                  [url, FETCH_FAILED, url]).fetchone()
        return row is not None

    def refresh_document(self, document_id: int, resp: Fetched) -> None:
        """A revalidated document's crawl columns (inside a unit): when it was fetched, and on a 200
        the validators and status that came with the same body."""
        row: dict[str, Any] = {"fetched_at": resp.fetched_at}
        if not resp.not_modified:
            row.update(etag=resp.headers.get("etag"), last_modified=resp.headers.get("last-modified"),
                       http_status=resp.status)
        self.db["documents"].update(document_id, row)
