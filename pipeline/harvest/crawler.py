"""The harvest: discover, fetch politely, archive, then parse → extract → store (process.py),
resumably. The crawler orchestrates; the crawl state and its locking live in the Frontier
(frontier.py), the per-host queues in the Scheduler (scheduler.py), what a fetch comes to in
outcome.py, and the counters in the run summary (summary.py).
"""
from __future__ import annotations

import logging
import sys
import threading
import time
from pathlib import Path
from typing import Any, Optional, TextIO

from pipeline import process, store
from pipeline.clock import now_iso, parse_instant
from pipeline.errors import UsageError
from pipeline.harvest import discover, outcome
from pipeline.harvest.archive import WarcArchive, default_warc_dir
from pipeline.harvest.fetch import Fetched, Fetcher, HostDeferred
from pipeline.harvest.frontier import Frontier
from pipeline.harvest.lock import HarvestLock, lock_path
from pipeline.harvest.robots import Robots, from_response
from pipeline.harvest.scheduler import Host, Scheduler, Task
from pipeline.harvest.sources_check import check_provinces
from pipeline.harvest.summary import HarvestSummary, SourceStats
from pipeline.harvest.urls import canonicalize, source_hosts
from pipeline.parallel import local_engine
from pipeline.models import FETCH_FAILED, TOO_LARGE, Capture, Document, SourceConfig, SourcesFile, sha256

log = logging.getLogger("pipeline.crawl")

WORKERS = 16                 # threads; each serves any ready host, so hosts may outnumber them


class Crawler:
    def __init__(self, sf: SourcesFile, sources: list[SourceConfig], db_path: str | Path,
                 progress: bool = False, stream: Optional[TextIO] = None, workers: int = WORKERS,
                 jobs: Optional[int] = 1):
        self.settings = sf.settings
        self.sources = sources
        self.db_path = Path(db_path)
        self.progress = progress
        self.stream = stream or sys.stderr
        self.tty = progress and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.workers = workers
        self.jobs = jobs              # processes that parse and extract (1: the fetching threads do)
        self.local = threading.local()
        self.hosts_of = {s.name: source_hosts(s.start_urls + s.feeds + s.sitemaps) for s in sources}
        self.scheduler = Scheduler()
        self.listing_pages: dict[str, int] = {}
        self.pages_lock = threading.Lock()

    # -- the run ----------------------------------------------------------------------------------

    def run(self) -> HarvestSummary:
        with HarvestLock(lock_path(self.db_path)):
            db = store.connect(self.db_path)
            try:
                return self._run(db)
            finally:
                db.conn.close()

    def _run(self, db) -> HarvestSummary:
        t0 = time.monotonic()
        self.archive = WarcArchive(default_warc_dir(self.settings, self.db_path))
        self.warc_root = self.db_path.resolve().parent
        self.fetcher = Fetcher(self.settings, archive=self.archive)
        self.engine = local_engine(self.jobs)
        self.frontier = Frontier(db, self.hosts_of)
        run_id = self.frontier.start_run(self.sources, lambda final: self.summary.runs_row(final))
        self.summary = HarvestSummary(run_id=run_id, started=now_iso(),
                                      per_source={s.name: SourceStats() for s in self.sources})
        self._push(self.frontier.seed(self.sources, self.settings.revalidate_days))
        try:
            with store.bulk_writes(db):
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
            self.frontier.finish()
            self.archive.close()
            self.fetcher.close()
            self.engine.close()
        return self.summary

    def _work(self) -> None:
        threads = [threading.Thread(target=self._worker, name=f"crawl-{i}", daemon=True)
                   for i in range(self.workers)]
        for t in threads:
            t.start()
        for t in threads:
            while t.is_alive():
                t.join(0.5)  # a timed join keeps Ctrl-C deliverable to the main thread

    def _push(self, tasks: list[Task]) -> None:
        for t in tasks:
            self.scheduler.push(t)

    # -- workers ----------------------------------------------------------------------------------

    def _worker(self) -> None:
        while True:
            item = self.scheduler.next()
            if item is None:
                return
            host, task = item
            requested = self.local.freed = False
            self.local.host = host
            try:
                requested = self._step(host, task)
            except Exception as e:  # one bad page must not end the run; say what and where
                log.exception("crawler error on %s", task.url)
                self.summary.problem(task.source.name, f"{task.url}: internal error: {e}")
                try:
                    self.frontier.record(task, "failed", error=f"internal error: {e}")
                except Exception:
                    log.exception("could not record the failure of %s", task.url)
            finally:
                self.scheduler.release(host, requested, freed=self.local.freed)

    def _step(self, host: Host, task: Task) -> bool:
        """Process one task; True if a request went to the host (so the delay applies)."""
        if host.closed:
            self.frontier.record(task, "deferred")
            return False
        if host.robots is None:
            host.queue.appendleft(task)  # robots.txt first, as its own politely spaced request
            self._load_robots(host, task)
            return True
        if not host.robots.allowed(task.url):
            with self.frontier.unit():
                self.frontier.mark(task, "disallowed", error="disallowed by robots.txt")
                self.summary.count(task.source.name, disallowed=1)
            self._say(f"robots.txt disallows {task.url}")
            return False
        try:
            if task.kind in ("document", "attachment"):
                self._document_task(task)
            else:
                self._discovery_task(task)
        except HostDeferred as e:
            self._close_host(host, task, str(e))
        return True

    def _load_robots(self, host: Host, task: Task) -> None:
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
        with self.frontier.unit():
            for sm in robots.sitemaps:
                url = canonicalize(sm)
                t = self.frontier.discovered(Task(robots_url, task.source, "robots"), url, "sitemap") if url else None
                found += [t] if t else []
        self._push(found)

    def _close_host(self, host: Host, task: Task, reason: str) -> None:
        """Skip a host for the rest of the run; its queued URLs wait for the next run."""
        host.closed = reason
        self.summary.problem(task.source.name, f"{host.key}: {reason}", fatal=True)
        self.frontier.record(task, "deferred")
        self._say(f"{host.key}: {reason}")

    # -- discovery pages --------------------------------------------------------------------------

    def _discovery_task(self, task: Task) -> None:
        src = task.source
        if task.kind == "listing":
            with self.pages_lock:
                n = self.listing_pages[src.name] = self.listing_pages.get(src.name, 0) + 1
            if n > src.max_pages:
                self.frontier.record(task, "done", error=f"not fetched: over max_pages ({src.max_pages})")
                return
        held = self.frontier.state(task.url)
        resp = self.fetcher.fetch(task.url, self.hosts_of[src.name], headers=outcome.conditional_headers(held))
        found: list[Task] = []
        with self.frontier.unit():
            if resp.error or resp.status >= 400:
                self.frontier.mark(task, "failed", resp, error=resp.error or f"HTTP {resp.status}")
                self.summary.problem(src.name, f"{task.kind} {task.url}: {resp.error or 'HTTP %d' % resp.status}",
                                     fatal=task.depth == 0)
            elif resp.not_modified:
                self.frontier.mark(task, "done", resp)
                self.summary.count(src.name, not_modified=1)
                if task.kind == "sitemap":
                    found = self.frontier.requeue_child_sitemaps(task)
            else:
                self.summary.count(src.name, fetched=1)
                found = self._links(task, resp)
                self.frontier.mark(task, "done", resp, content_hash=sha256(resp.body))
        self._push(found)
        self._say(f"{resp.status or 'ERR'} {task.kind} {task.url} (+{len(found)} queued)")

    def _links(self, task: Task, resp: Fetched) -> list[Task]:
        """The URLs a listing, feed or sitemap reveals, recorded (inside the caller's unit)."""
        src, base = task.source, resp.final_url
        wanted: list[tuple[str, str, Optional[str]]] = []     # (url, kind, lastmod)
        if task.kind == "listing":
            docs, pages = [], []
            for url in discover.listing_links(resp.body, base):
                kind = discover.classify(src, url)
                (docs if kind == "document" else pages if kind == "listing" else []).append(url)
            wanted += [(u, "document", None) for u in docs]
            # a page listing only documents we already have: older pages hold nothing new
            if not (src.stop_on_known and docs and all(self.frontier.known(u) for u in docs)):
                wanted += [(u, "listing", None) for u in pages]
        elif task.kind == "feed":
            wanted += [(link.url, "document", link.lastmod) for link in discover.feed_links(resp.body, base)
                       if discover.classify(src, link.url) == "document"]
        elif task.kind == "sitemap":
            sm = discover.sitemap_links(resp.body, base)
            if sm is None:
                self.summary.problem(src.name, f"sitemap {task.url}: not a sitemap")
                return []
            for link in sm.links:
                if sm.is_index:
                    wanted.append((link.url, "sitemap", link.lastmod))
                elif discover.classify(src, link.url) == "document" and not self._fresh(link):
                    wanted.append((link.url, "document", link.lastmod))
        found = [self.frontier.discovered(task, url, kind, lastmod) for url, kind, lastmod in wanted]
        return [t for t in found if t]

    def _fresh(self, link: discover.Link) -> bool:
        """A known document whose sitemap lastmod is older than our last fetch needs no revalidation."""
        if not link.lastmod:
            return False
        doc = self.frontier.document(link.url)
        if not doc or not doc["fetched_at"] or doc["status"] == FETCH_FAILED:
            return False
        try:
            return parse_instant(link.lastmod) < parse_instant(doc["fetched_at"])
        except ValueError:
            return False

    # -- documents --------------------------------------------------------------------------------

    def _document_task(self, task: Task) -> None:
        name = task.source.name
        prior, state = self.frontier.document(task.url), self.frontier.state(task.url)
        self.summary.count(name, documents_tried=1)
        held = outcome.held_copy(prior, state)
        resp = self.fetcher.fetch(task.url, self.hosts_of[name], headers=outcome.conditional_headers(held))
        self.scheduler.free(self.local.host)     # the request is over: the host's delay runs from now
        self.local.freed = True
        stored = bool(prior and prior["status"] != FETCH_FAILED)
        result = outcome.fetch_outcome(resp, held, stored)
        columns: dict[str, Any] = {"final_url": resp.final_url, "http_status": resp.status or None,
                                   "fetched_at": resp.fetched_at, "content_type": resp.content_type or None,
                                   "parent_url": task.parent_url}
        if resp.warc_file:
            columns.update(warc_file=self._warc_ref(resp.warc_file), warc_offset=resp.warc_offset)
        if result in (outcome.OVERSIZE, outcome.FAILED):
            said = self._store_failure(task, prior, resp, result, columns)
        elif result in (outcome.NOT_MODIFIED, outcome.UNCHANGED):
            with self.frontier.unit():
                if prior:
                    self.frontier.refresh_document(prior["id"], resp)
                if result == outcome.NOT_MODIFIED:
                    self.frontier.mark(task, outcome.keeps_status(state), resp)
                    self.summary.count(name, not_modified=1, documents_ok=1)
                else:
                    self.frontier.mark(task, outcome.keeps_status(state), resp, content_hash=sha256(resp.body))
                    self.summary.count(name, fetched=1, documents_ok=1, not_modified=1)
            said = "304 not modified" if result == outcome.NOT_MODIFIED else "unchanged"
        else:
            said = self._store_body(task, resp, result, columns)
        self._say(f"{resp.status or 'ERR'} {said} {task.url}")

    def _warc_ref(self, name: str) -> str:
        path = (self.archive.directory / name).resolve()
        try:
            return str(path.relative_to(self.warc_root))
        except ValueError:
            return str(path)

    def _store_failure(self, task: Task, prior, resp: Fetched, result: str, columns: dict[str, Any]) -> str:
        status = TOO_LARGE if result == outcome.OVERSIZE else FETCH_FAILED
        detail = resp.error if result == outcome.OVERSIZE else resp.error or f"HTTP {resp.status} from {resp.final_url}"
        doc = Document(url=task.url, status=status, status_detail=detail, source=task.source.name,
                       outlet=task.source.outlet)
        with self.frontier.unit():
            if outcome.failure_replaces(prior):
                process.save(self.frontier.db, process.Processed(doc), **columns)
            self.frontier.mark(task, "done" if status == TOO_LARGE else "failed", resp, error=detail)
            self.summary.problem(task.source.name, f"{task.url}: {detail}")
        return status

    def _store_body(self, task: Task, resp: Fetched, result: str, columns: dict[str, Any]) -> str:
        name, digest = task.source.name, sha256(resp.body)
        raw = process.Raw(body=resp.body, url=task.url, final_url=resp.final_url, content_type=resp.content_type,
                          headers=resp.headers, source=task.source)
        processed = self.engine.run(process.read, raw, task.kind == "document")   # on a worker process
        if processed.off_topic:
            with self.frontier.unit():
                self.frontier.mark(task, "off_topic", resp, content_hash=digest)
                self.summary.count(name, fetched=1, documents_ok=1, off_topic=1)
            return "off topic"
        doc = processed.document
        columns.update(etag=resp.headers.get("etag"), last_modified=resp.headers.get("last-modified"))
        found: list[Task] = []
        with self.frontier.unit():
            # the live page is one more capture: an edited article keeps its earlier revision
            capture = Capture(task.url, resp.fetched_at, "harvest",
                              f"{columns['warc_file']}@{columns['warc_offset']}" if resp.warc_file else None)
            n_facts = process.save(self.frontier.db, processed, capture, **columns)
            self.frontier.mark(task, "done", resp, content_hash=digest)
            if task.kind == "document":
                found = [t for url in discover.attachment_urls(doc.attachments, resp.final_url)
                         if (t := self.frontier.discovered(task, url, "attachment"))]
            self.summary.count(name, fetched=1, documents_ok=1, new_facts=n_facts,
                               **{"changed_documents" if result == outcome.CHANGED else "new_documents": 1})
        self._push(found)
        return f"{result} {doc.status}, {n_facts} facts"

    # -- progress ---------------------------------------------------------------------------------

    def _say(self, line: str) -> None:
        if not self.progress:
            return
        if self.tty:
            t = self.summary.totals()
            queued = sum(len(h.queue) for h in self.scheduler.hosts.values())
            self.stream.write(f"\r\x1b[K{t.fetched} fetched, {t.not_modified} unchanged, {t.new_documents} new, "
                              f"{t.changed_documents} changed, {t.errors} errors, {queued} queued")
        else:
            self.stream.write(f"{now_iso()} {line}\n")     # +07:00, like the summary
        self.stream.flush()


def harvest(sf: SourcesFile, sources: list[SourceConfig], db_path: str | Path, progress: bool = False,
            **kwargs: Any) -> HarvestSummary:
    """Crawl `sources`; the summary says what happened (`render()`) and how to exit (`exit_code`)."""
    if not sources:
        raise UsageError(f"{sf.path}: no enabled source to harvest; set `enabled: true` on one or name it "
                         "with --source")
    check_provinces(sf)   # before the sources are recorded with their provinces
    return Crawler(sf, sources, db_path, progress=progress, **kwargs).run()
