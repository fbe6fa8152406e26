"""The harvest: discover, fetch politely, archive, parse, extract and store, resumably.

The frontier table is the durable queue. Each processed URL commits its own state, its
document and facts, the URLs it revealed and the run's counters in ONE transaction, so a run
killed at any moment resumes where it stopped: nothing is lost, nothing is stored twice.

Scheduling: one queue per host (host:port), one request at a time per host, at least the
source's `delay` (or a larger robots.txt Crawl-delay) between the end of one request and the
start of the next; a pool of worker threads serves whichever hosts are ready, so different
hosts are fetched concurrently.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Optional, TextIO

from pipeline import discover, store
from pipeline.clock import VN_TZ, now_iso, parse_instant
from pipeline.archive import WarcArchive
from pipeline.errors import UsageError
from pipeline.extract import EXTRACTOR_VERSION, extract
from pipeline.fetch import TOO_LARGE as FETCH_TOO_LARGE, Fetched, Fetcher, HostDeferred
from pipeline.lock import HarvestLock, lock_path
from pipeline.models import (FETCH_FAILED, OK, TOO_LARGE, UNPARSEABLE, Document, Settings, SourceConfig,
                             SourcesFile, sha256)
from pipeline.parse import parse_bytes
from pipeline.robots import Robots, from_response
from pipeline.urls import canonicalize, host_key, source_hosts

log = logging.getLogger("pipeline.crawl")

WORKERS = 16                 # threads; each serves any ready host, so hosts may outnumber them
MAX_ATTEMPTS = 5             # a URL failing in this many runs is left alone (status 'failed')
SEED_KINDS = ("listing", "feed", "sitemap")
# Content types we read (after sniffing the bytes, which wins: servers mislabel PDFs and pages)
DOCUMENT_TYPES = ("text/html", "application/xhtml+xml", "application/pdf", "text/plain", "application/x-pdf")


# -- the summary ----------------------------------------------------------------------------------

@dataclass
class SourceStats:
    fetched: int = 0            # responses with a body (200s)
    not_modified: int = 0       # 304s and 200s whose body hash was unchanged
    new_documents: int = 0
    changed_documents: int = 0
    new_facts: int = 0
    errors: int = 0
    off_topic: int = 0
    disallowed: int = 0
    documents_tried: int = 0
    documents_ok: int = 0
    failed: bool = False        # a seed, robots.txt or the whole host failed
    problems: list[str] = field(default_factory=list)

    def problem(self, text: str, fatal: bool = False) -> None:
        self.errors += 1
        if len(self.problems) < 20:
            self.problems.append(text)
        if fatal:
            self.failed = True

    @property
    def status(self) -> str:
        if self.failed or (self.documents_tried and not self.documents_ok):
            return "failed"
        return "ok"


@dataclass
class HarvestSummary:
    run_id: int
    started: str
    ended: str = ""
    seconds: float = 0.0
    per_source: dict[str, SourceStats] = field(default_factory=dict)
    interrupted: bool = False

    @property
    def failed_sources(self) -> list[str]:
        return [n for n, s in self.per_source.items() if s.status != "ok"]

    @property
    def status(self) -> str:
        if self.interrupted:
            return "interrupted"
        failed = self.failed_sources
        if not failed:
            return "ok"
        return "failed" if len(failed) == len(self.per_source) else "partial"

    @property
    def exit_code(self) -> int:
        return 0 if self.status == "ok" else 3

    def totals(self) -> SourceStats:
        t = SourceStats()
        for s in self.per_source.values():
            for name in ("fetched", "not_modified", "new_documents", "changed_documents", "new_facts",
                         "errors", "off_topic", "disallowed"):
                setattr(t, name, getattr(t, name) + getattr(s, name))
        return t

    def render(self) -> str:
        head = (f"harvest run {self.run_id}: {self.status}, {self.seconds:.1f} s "
                f"({self.started} → {self.ended})")
        cols = ("fetched", "304/same", "new", "changed", "facts", "errors", "status")
        width = max([len("source"), len("total")] + [len(n) for n in self.per_source])
        lines = [head, "", f"{'source':<{width}}  " + "  ".join(f"{c:>8}" for c in cols)]

        def row(name: str, s: SourceStats, status: str) -> str:
            vals = (s.fetched, s.not_modified, s.new_documents, s.changed_documents, s.new_facts, s.errors)
            return f"{name:<{width}}  " + "  ".join(f"{v:>8}" for v in vals) + f"  {status:>8}"

        for name, s in self.per_source.items():
            lines.append(row(name, s, s.status))
        if len(self.per_source) > 1:
            lines.append(row("total", self.totals(), self.status))
        problems = [f"  {n}: {p}" for n, s in self.per_source.items() for p in s.problems]
        if problems:
            lines += ["", "problems:"] + problems[:12]
            if len(problems) > 12:
                lines.append(f"  ... and {len(problems) - 12} more (see the log)")
        return "\n".join(lines)


# -- the scheduler --------------------------------------------------------------------------------

@dataclass
class Task:
    url: str
    source: SourceConfig
    kind: str                   # document | attachment | listing | feed | sitemap
    parent_url: Optional[str] = None
    depth: int = 0


@dataclass
class _Host:
    key: str
    queue: deque = field(default_factory=deque)
    next_at: float = 0.0
    busy: bool = False
    robots: Optional[Robots] = None
    delay: float = 1.0
    closed: Optional[str] = None   # why the host is skipped for the rest of the run


class _Scheduler:
    """Per-host FIFO queues; hands a worker the task of a host that is idle and due."""

    def __init__(self):
        self.cond = threading.Condition()
        self.hosts: dict[str, _Host] = {}
        self.active = 0
        self.stopping = False

    def host(self, key: str) -> _Host:
        with self.cond:
            return self.hosts.setdefault(key, _Host(key))

    def push(self, task: Task) -> None:
        with self.cond:
            self.hosts.setdefault(host_key(task.url), _Host(host_key(task.url))).queue.append(task)
            self.cond.notify()

    def next(self) -> Optional[tuple[_Host, Task]]:
        with self.cond:
            while True:
                if self.stopping:
                    return None
                now = time.monotonic()
                best: Optional[_Host] = None
                for h in self.hosts.values():
                    if not h.busy and h.queue and (best is None or h.next_at < best.next_at):
                        best = h
                if best is None and self.active == 0:
                    self.stopping = True   # nothing queued, nobody working who could add more
                    self.cond.notify_all()
                    return None
                if best is not None and best.next_at <= now:
                    best.busy = True
                    self.active += 1
                    return best, best.queue.popleft()
                self.cond.wait(None if best is None else best.next_at - now)

    def release(self, h: _Host, requested: bool) -> None:
        with self.cond:
            h.busy = False
            self.active -= 1
            if requested:
                h.next_at = time.monotonic() + h.delay
            self.cond.notify_all()

    def stop(self) -> None:
        with self.cond:
            self.stopping = True
            self.cond.notify_all()


# -- the crawler ----------------------------------------------------------------------------------

def default_warc_dir(settings: Settings, db_path: str | Path) -> Path:
    """WARC files live in `warc/` beside the database, unless settings.warc_dir says otherwise."""
    if settings.warc_dir != Settings.warc_dir:
        return Path(settings.warc_dir)
    return Path(db_path).resolve().parent / "warc"


class Crawler:
    def __init__(self, sf: SourcesFile, sources: list[SourceConfig], db_path: str | Path,
                 progress: bool = False, stream: Optional[TextIO] = None, workers: int = WORKERS):
        self.sf = sf
        self.settings = sf.settings
        self.sources = sources
        self.db_path = Path(db_path)
        self.progress = progress
        self.stream = stream or sys.stderr
        self.tty = progress and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.workers = workers
        self.hosts_of = {s.name: source_hosts(s.start_urls + s.feeds + s.sitemaps) for s in sources}
        self.scheduler = _Scheduler()
        self.enqueued: set[str] = set()
        self.listing_pages: dict[str, int] = {}
        self.db_lock = threading.RLock()
        self.stats_lock = threading.Lock()

    # -- entry point ------------------------------------------------------------------------------

    def run(self) -> HarvestSummary:
        with HarvestLock(lock_path(self.db_path)):
            self.db = store.connect(self.db_path)
            try:
                return self._run()
            finally:
                self.db.conn.close()

    def _run(self) -> HarvestSummary:
        t0 = time.monotonic()
        warc_dir = default_warc_dir(self.settings, self.db_path)
        self.archive = WarcArchive(warc_dir)
        self.warc_root = self.db_path.resolve().parent
        self.fetcher = Fetcher(self.settings, archive=self.archive)
        with store.transaction(self.db):
            # runs left 'running' by a killed harvest: we hold the lock, so they are dead
            self.db.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
            run_id = self.db["runs"].insert({
                "started": now_iso(), "status": "running", "pid": os.getpid(),
                "sources": json.dumps([s.name for s in self.sources], ensure_ascii=False)}).last_pk
            self._record_sources()
        self.summary = HarvestSummary(run_id=run_id, started=now_iso(),
                                      per_source={s.name: SourceStats() for s in self.sources})
        self.run_id = run_id
        self._seed()
        try:
            self._work()
        except KeyboardInterrupt:
            self.summary.interrupted = True
            self.scheduler.stop()
            raise
        finally:
            self.summary.ended = now_iso()
            self.summary.seconds = time.monotonic() - t0
            if self.tty:
                self.stream.write("\n")
            with self.db_lock, store.transaction(self.db):
                self._write_counters(final=True)
            self.archive.close()
            self.fetcher.close()
        return self.summary

    def _work(self) -> None:
        threads = [threading.Thread(target=self._worker, name=f"crawl-{i}", daemon=True)
                   for i in range(self.workers)]
        for t in threads:
            t.start()
        for t in threads:
            while t.is_alive():
                t.join(0.5)  # a timed join keeps Ctrl-C deliverable to the main thread

    def _record_sources(self) -> None:
        for s in self.sources:
            self.db["sources"].upsert({"name": s.name, "outlet": s.outlet, "province": s.province,
                                       "start_urls": json.dumps(s.start_urls),
                                       "config": json.dumps(asdict(s), ensure_ascii=False)}, pk="name")

    # -- the frontier -----------------------------------------------------------------------------

    def _seed(self) -> None:
        """Queue this run's work: the seeds again, and whatever an earlier run left pending."""
        by_name = {s.name: s for s in self.sources}
        now = now_iso()
        with self.db_lock, store.transaction(self.db):
            for s in self.sources:
                seeds = [(u, "listing") for u in s.start_urls] + [(u, "feed") for u in s.feeds] + \
                        [(u, "sitemap") for u in s.sitemaps]
                for url, kind in seeds:
                    url = canonicalize(url) or url
                    self.db.execute(
                        """INSERT INTO frontier (url, source, kind, depth, status, discovered_at, run_id)
                           VALUES (?, ?, ?, 0, 'pending', ?, ?)
                           ON CONFLICT(url) DO UPDATE SET status = 'pending', run_id = excluded.run_id""",
                        [url, s.name, kind, now, self.run_id])
            marks = ",".join("?" * len(by_name))
            self.db.execute(f"""UPDATE frontier SET status = 'pending' WHERE source IN ({marks}) AND
                                (status = 'deferred' OR (status = 'failed' AND attempts < ?))""",
                            [*by_name, MAX_ATTEMPTS])
            # documents no listing showed lately: revalidate them now and then all the same
            stale = (datetime.now(VN_TZ) - timedelta(days=self.settings.revalidate_days)).isoformat()
            self.db.execute(f"""UPDATE frontier SET status = 'pending', run_id = ? WHERE source IN ({marks})
                                AND kind IN ('document', 'attachment') AND status IN ('done', 'off_topic')
                                AND fetched_at IS NOT NULL AND fetched_at < ?""",
                            [self.run_id, *by_name, stale])
            rows = self.db.execute(
                f"""SELECT url, source, kind, parent_url, depth FROM frontier
                    WHERE source IN ({marks}) AND status = 'pending' ORDER BY depth, rowid""",
                list(by_name)).fetchall()
        for url, source, kind, parent, depth in rows:
            self.enqueued.add(url)
            self.scheduler.push(Task(url, by_name[source], kind, parent, depth or 0))

    def _discovered(self, task: Task, url: str, kind: str, lastmod: Optional[str] = None) -> Optional[Task]:
        """Record a newly found URL as pending (inside the caller's transaction); the Task to queue
        once the transaction commits, or None if it is already queued this run or not ours."""
        if url in self.enqueued or host_key(url) not in self.hosts_of[task.source.name]:
            return None
        self.db.execute(
            """INSERT INTO frontier (url, source, kind, parent_url, depth, status, discovered_at, lastmod, run_id)
               VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)
               ON CONFLICT(url) DO UPDATE SET status = 'pending', run_id = excluded.run_id,
                 lastmod = coalesce(excluded.lastmod, frontier.lastmod)""",
            [url, task.source.name, kind, task.url, task.depth + 1,
             now_iso(), lastmod, self.run_id])
        self.enqueued.add(url)
        return Task(url, task.source, kind, task.url, task.depth + 1)

    def _state(self, url: str) -> dict[str, Any]:
        row = self.db.execute("SELECT * FROM frontier WHERE url = ?", [url]).fetchone()
        cols = [c[0] for c in self.db.execute("SELECT * FROM frontier LIMIT 0").description]
        return dict(zip(cols, row)) if row else {}

    def _document(self, url: str) -> Optional[dict[str, Any]]:
        rows = list(self.db.query("SELECT id, status, content_hash, etag, last_modified, fetched_at "
                                  "FROM documents WHERE url = ?", [url]))
        return rows[0] if rows else None

    def _known(self, url: str) -> bool:
        """Stored before (as a document, or as a fetched page the keyword filter left out)."""
        row = self.db.execute("""SELECT 1 FROM documents WHERE url = ? AND status != ?
                                 UNION ALL SELECT 1 FROM frontier WHERE url = ? AND status = 'off_topic'""",
                              [url, FETCH_FAILED, url]).fetchone()
        return row is not None

    def _mark(self, task: Task, status: str, resp: Optional[Fetched] = None, error: Optional[str] = None,
              content_hash: Optional[str] = None) -> None:
        fields = {"status": status, "run_id": self.run_id}
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

    # -- workers ----------------------------------------------------------------------------------

    def _worker(self) -> None:
        while True:
            item = self.scheduler.next()
            if item is None:
                return
            host, task = item
            requested = False
            try:
                requested = self._step(host, task)
            except Exception as e:  # one bad page must not end the run; say what and where
                log.exception("crawler error on %s", task.url)
                with self.stats_lock:
                    self.summary.per_source[task.source.name].problem(f"{task.url}: internal error: {e}")
                try:
                    with self.db_lock, store.transaction(self.db):
                        self._mark(task, "failed", error=f"internal error: {e}")
                except Exception:
                    log.exception("could not record the failure of %s", task.url)
            finally:
                self.scheduler.release(host, requested)

    def _step(self, host: _Host, task: Task) -> bool:
        """Process one task; True if a request went to the host (so the delay applies)."""
        stats = self.summary.per_source[task.source.name]
        if host.closed:
            self._defer(task)
            return False
        if host.robots is None:
            host.queue.appendleft(task)  # robots.txt first, as its own politely spaced request
            self._load_robots(host, task)
            return True
        if not host.robots.allowed(task.url):
            with self.db_lock, store.transaction(self.db):
                self._mark(task, "disallowed", error="disallowed by robots.txt")
                with self.stats_lock:
                    stats.disallowed += 1
                self._write_counters()
            self._say(f"robots.txt disallows {task.url}")
            return False
        try:
            if task.kind in ("document", "attachment"):
                self._document_task(task, stats)
            else:
                self._discovery_task(task, stats)
        except HostDeferred as e:
            self._close_host(host, task, str(e))
        return True

    def _load_robots(self, host: _Host, task: Task) -> None:
        robots_url = f"{task.url.split('://')[0]}://{host.key}/robots.txt"
        try:
            resp = self.fetcher.fetch(robots_url, self.hosts_of[task.source.name], retries=0)
            robots = from_response(resp.status, resp.body, self.settings.user_agent,
                                   None if resp.status else resp.error)
        except HostDeferred as e:
            robots = Robots.unavailable(f"robots.txt: {e}")
        except Exception as e:  # never leave robots unset: the task waiting behind it would loop
            log.exception("robots.txt of %s", host.key)
            robots = Robots.unavailable(f"robots.txt could not be read ({e})")
        host.robots = robots
        host.delay = max(task.source.delay, robots.crawl_delay or 0.0)
        if robots.disallow_all:
            self._close_host(host, task, robots.reason)
            return
        found = []
        with self.db_lock, store.transaction(self.db):
            for sm in robots.sitemaps:
                url = canonicalize(sm)
                if url:
                    t = self._discovered(Task(robots_url, task.source, "robots"), url, "sitemap")
                    found += [t] if t else []
        for t in found:
            self.scheduler.push(t)

    def _close_host(self, host: _Host, task: Task, reason: str) -> None:
        """Skip a host for the rest of the run; its queued URLs wait for the next run."""
        host.closed = reason
        with self.stats_lock:
            self.summary.per_source[task.source.name].problem(f"{host.key}: {reason}", fatal=True)
        self._defer(task)
        self._say(f"{host.key}: {reason}")

    def _defer(self, task: Task) -> None:
        with self.db_lock, store.transaction(self.db):
            self._mark(task, "deferred")
            self._write_counters()

    # -- discovery pages --------------------------------------------------------------------------

    def _conditional(self, state: dict[str, Any]) -> dict[str, str]:
        headers = {}
        if state.get("etag"):
            headers["If-None-Match"] = state["etag"]
        if state.get("last_modified"):
            headers["If-Modified-Since"] = state["last_modified"]
        return headers

    def _discovery_task(self, task: Task, stats: SourceStats) -> None:
        src = task.source
        with self.db_lock:
            state = self._state(task.url)
        if task.kind == "listing":
            with self.stats_lock:
                n = self.listing_pages[src.name] = self.listing_pages.get(src.name, 0) + 1
            if n > src.max_pages:
                with self.db_lock, store.transaction(self.db):
                    self._mark(task, "done", error=f"not fetched: over max_pages ({src.max_pages})")
                return
        resp = self.fetcher.fetch(task.url, self.hosts_of[src.name], headers=self._conditional(state))
        found: list[Task] = []
        with self.db_lock, store.transaction(self.db):
            if resp.error or resp.status >= 400:
                self._mark(task, "failed", resp, error=resp.error or f"HTTP {resp.status}")
                with self.stats_lock:
                    stats.problem(f"{task.kind} {task.url}: {resp.error or 'HTTP %d' % resp.status}",
                                  fatal=task.depth == 0)
            elif resp.not_modified:
                self._mark(task, "done", resp)
                with self.stats_lock:
                    stats.not_modified += 1
                if task.kind == "sitemap":  # an unchanged index may still have changed children
                    self.db.execute("UPDATE frontier SET status = 'pending', run_id = ? WHERE parent_url = ? "
                                    "AND kind = 'sitemap' AND status = 'done' AND run_id != ?",
                                    [self.run_id, task.url, self.run_id])
                    for (url,) in self.db.execute("SELECT url FROM frontier WHERE parent_url = ? AND kind = 'sitemap' "
                                                  "AND status = 'pending'", [task.url]).fetchall():
                        if url not in self.enqueued:
                            self.enqueued.add(url)
                            found.append(Task(url, src, "sitemap", task.url, task.depth + 1))
            else:
                with self.stats_lock:
                    stats.fetched += 1
                found = self._links(task, resp)
                self._mark(task, "done", resp, content_hash=sha256(resp.body))
            self._write_counters()
        for t in found:
            self.scheduler.push(t)
        self._say(f"{resp.status or 'ERR'} {task.kind} {task.url} (+{len(found)} queued)")

    def _links(self, task: Task, resp: Fetched) -> list[Task]:
        src, base = task.source, resp.final_url
        found: list[Task] = []
        if task.kind == "listing":
            docs, pages = [], []
            for url in discover.listing_links(resp.body, base):
                kind = discover.classify(src, url)
                (docs if kind == "document" else pages if kind == "listing" else []).append(url)
            new_docs = [u for u in docs if not self._known(u)]
            for url in docs:
                t = self._discovered(task, url, "document")
                found += [t] if t else []
            # a page listing only documents we already have: older pages hold nothing new
            if not (src.stop_on_known and docs and not new_docs):
                for url in pages:
                    t = self._discovered(task, url, "listing")
                    found += [t] if t else []
        elif task.kind == "feed":
            for link in discover.feed_links(resp.body, base):
                if discover.classify(src, link.url) == "document":
                    t = self._discovered(task, link.url, "document", link.lastmod)
                    found += [t] if t else []
        elif task.kind == "sitemap":
            sm = discover.sitemap_links(resp.body, base)
            if sm is None:
                with self.stats_lock:
                    self.summary.per_source[src.name].problem(f"sitemap {task.url}: not a sitemap")
                return []
            for link in sm.links:
                if sm.is_index:
                    t = self._discovered(task, link.url, "sitemap", link.lastmod)
                elif discover.classify(src, link.url) != "document" or self._fresh(link):
                    continue
                else:
                    t = self._discovered(task, link.url, "document", link.lastmod)
                found += [t] if t else []
        return found

    def _fresh(self, link: discover.Link) -> bool:
        """A known document whose sitemap lastmod is older than our last fetch needs no revalidation."""
        if not link.lastmod:
            return False
        doc = self._document(link.url)
        if not doc or not doc["fetched_at"] or doc["status"] == FETCH_FAILED:
            return False
        try:
            mod = parse_instant(link.lastmod)
            seen = parse_instant(doc["fetched_at"])
        except ValueError:
            return False
        return mod < seen

    # -- documents --------------------------------------------------------------------------------

    def _document_task(self, task: Task, stats: SourceStats) -> None:
        with self.db_lock:
            prior = self._document(task.url)
            state = self._state(task.url)
        with self.stats_lock:
            stats.documents_tried += 1
        # revalidate only what we hold a copy of: a stored document, or a page the filter left out
        if prior and prior["status"] != FETCH_FAILED:
            cond = self._conditional(prior)
        elif state.get("content_hash"):
            cond = self._conditional(state)
        else:
            cond = {}
        resp = self.fetcher.fetch(task.url, self.hosts_of[task.source.name], headers=cond)
        extra = {"final_url": resp.final_url, "http_status": resp.status or None, "fetched_at": resp.fetched_at,
                 "content_type": resp.content_type or None, "parent_url": task.parent_url}
        if resp.warc_file:
            extra.update(warc_file=self._warc_ref(resp.warc_file), warc_offset=resp.warc_offset)
        outcome = ""
        if resp.error and resp.error_kind == FETCH_TOO_LARGE:
            doc = Document(url=task.url, status=TOO_LARGE, status_detail=resp.error, source=task.source.name,
                           outlet=task.source.outlet)
            outcome = self._store_failure(task, stats, prior, resp, doc, extra)
        elif resp.error or resp.status >= 400 or (resp.status >= 300 and not resp.not_modified):
            detail = resp.error or f"HTTP {resp.status} from {resp.final_url}"
            doc = Document(url=task.url, status=FETCH_FAILED, status_detail=detail, source=task.source.name,
                           outlet=task.source.outlet)
            outcome = self._store_failure(task, stats, prior, resp, doc, extra)
        elif resp.not_modified:
            with self.db_lock, store.transaction(self.db):
                if prior:
                    self.db["documents"].update(prior["id"], {"fetched_at": resp.fetched_at})
                self._mark(task, state.get("status") if state.get("status") == "off_topic" else "done",
                           resp)
                with self.stats_lock:
                    stats.not_modified += 1
                    stats.documents_ok += 1
                self._write_counters()
            outcome = "304 not modified"
        else:
            outcome = self._store_body(task, stats, prior, state, resp, extra)
        self._say(f"{resp.status or 'ERR'} {outcome} {task.url}")

    def _warc_ref(self, name: str) -> str:
        path = (self.archive.directory / name).resolve()
        try:
            return str(path.relative_to(self.warc_root))
        except ValueError:
            return str(path)

    def _store_failure(self, task, stats, prior, resp, doc, extra) -> str:
        with self.db_lock, store.transaction(self.db):
            # never overwrite good stored text with a failure: only a never-stored URL gets the row
            if not prior or prior["status"] in (FETCH_FAILED, TOO_LARGE):
                store.save_document(self.db, doc, [], EXTRACTOR_VERSION, **extra)
            if doc.status == TOO_LARGE:
                self._mark(task, "done", resp, error=doc.status_detail)
            else:
                self._mark(task, "failed", resp, error=doc.status_detail)
            with self.stats_lock:
                stats.problem(f"{task.url}: {doc.status_detail}")
            self._write_counters()
        return doc.status

    def _store_body(self, task, stats, prior, state, resp, extra) -> str:
        digest = sha256(resp.body)
        with self.stats_lock:
            stats.fetched += 1
            stats.documents_ok += 1
        known_hash = prior["content_hash"] if prior and prior["status"] != FETCH_FAILED else state.get("content_hash")
        if known_hash == digest:
            with self.db_lock, store.transaction(self.db):
                if prior:
                    self.db["documents"].update(prior["id"], {
                        "etag": resp.headers.get("etag"), "last_modified": resp.headers.get("last-modified"),
                        "fetched_at": resp.fetched_at, "http_status": resp.status})
                self._mark(task, state.get("status") if state.get("status") == "off_topic" else "done",
                           resp, content_hash=digest)
                with self.stats_lock:
                    stats.not_modified += 1
                self._write_counters()
            return "unchanged"
        doc = self._parse(task, resp)
        doc.content_hash = digest
        if task.kind == "document" and doc.status == OK and not discover.on_topic(task.source, doc.title, doc.text):
            with self.db_lock, store.transaction(self.db):
                self._mark(task, "off_topic", resp, content_hash=digest)
                with self.stats_lock:
                    stats.off_topic += 1
                self._write_counters()
            return "off topic"
        facts = extract(doc) if doc.status == OK else []
        extra.update(etag=resp.headers.get("etag"), last_modified=resp.headers.get("last-modified"))
        found: list[Task] = []
        with self.db_lock, store.transaction(self.db):
            _, n_facts = store.save_document(self.db, doc, facts, EXTRACTOR_VERSION, **extra)
            self._mark(task, "done", resp, content_hash=digest)
            if task.kind == "document":
                for url in discover.attachment_urls(doc.attachments, resp.final_url):
                    t = self._discovered(task, url, "attachment")
                    found += [t] if t else []
            with self.stats_lock:
                if prior and prior["status"] != FETCH_FAILED:
                    stats.changed_documents += 1
                else:
                    stats.new_documents += 1
                stats.new_facts += n_facts
            self._write_counters()
        for t in found:
            self.scheduler.push(t)
        return f"{'changed' if prior and prior['status'] != FETCH_FAILED else 'new'} {doc.status}, {n_facts} facts"

    def _parse(self, task: Task, resp: Fetched) -> Document:
        ct = resp.content_type
        head = resp.body[:1024].lstrip().lower()
        looks_readable = head.startswith((b"%pdf", b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head
        if ct and not ct.startswith(DOCUMENT_TYPES) and not looks_readable:
            return Document(url=task.url, status=UNPARSEABLE, source=task.source.name, outlet=task.source.outlet,
                            status_detail=f"served as {ct}, which is not a page or a PDF; not parsed")
        doc = parse_bytes(resp.body, resp.final_url, ct, source=task.source, headers=resp.headers)
        doc.url = task.url
        doc.source = task.source.name
        return doc

    # -- bookkeeping ------------------------------------------------------------------------------

    def _write_counters(self, final: bool = False) -> None:
        """The run's counters, inside the current transaction so they match what was stored."""
        with self.stats_lock:
            t = self.summary.totals()
            per = {n: {k: v for k, v in asdict(s).items() if k not in ("documents_tried", "documents_ok")}
                   | {"status": s.status} for n, s in self.summary.per_source.items()}
            row = {"fetched": t.fetched, "not_modified": t.not_modified, "new_documents": t.new_documents,
                   "changed_documents": t.changed_documents, "new_facts": t.new_facts, "errors": t.errors,
                   "per_source": json.dumps(per, ensure_ascii=False)}
            if final:
                row.update(ended=self.summary.ended, status=self.summary.status)
        self.db["runs"].update(self.run_id, row)

    def _say(self, line: str) -> None:
        if not self.progress:
            return
        if self.tty:
            t = self.summary.totals()
            queued = sum(len(h.queue) for h in self.scheduler.hosts.values())
            self.stream.write(f"\r\x1b[K{t.fetched} fetched, {t.not_modified} unchanged, {t.new_documents} new, "
                              f"{t.changed_documents} changed, {t.errors} errors, {queued} queued")
        else:
            self.stream.write(f"{datetime.now().isoformat(timespec='seconds')} {line}\n")
        self.stream.flush()


def harvest(sf: SourcesFile, sources: list[SourceConfig], db_path: str | Path, progress: bool = False,
            **kwargs: Any) -> HarvestSummary:
    """Crawl `sources`; the summary says what happened (`render()`) and how to exit (`exit_code`)."""
    if not sources:
        raise UsageError(f"{sf.path}: no enabled source to harvest; set `enabled: true` on one or name it "
                         "with --source")
    return Crawler(sf, sources, db_path, progress=progress, **kwargs).run()
