"""`backfill`: documents of the past, from web archives, through the one archive → parse →
extract → store path (process.py), each capture kept as a revision (store/revisions.py).

- `--cdx`: ask a CDX server for each source's captures, fetch each one's original bytes from the
  replay prefix through the harvest's polite fetcher (robots.txt of the archive host, a delay
  between requests, retries, size limits), archive them in our own WARC files, read and store
  them. Only the archive's hosts are contacted, never the sources'.
- `--warc`: read existing WARC and WACZ files in shards, on this process or on Dask workers
  (parallel.py); workers return documents with their facts and this process alone writes them,
  one transaction per document, marking each shard done after its last document, so a crashed
  run resumes after the shards it finished.
Captures stored already are skipped, so running a backfill again changes nothing.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, TextIO

from pipeline import process, store
from pipeline.backfill import cdx
from pipeline.backfill.shards import ReadOptions, ShardResult, done_keys, mark_done, read_shard
from pipeline.backfill.warcs import expand, shards_of
from pipeline.config import MIN_DELAY
from pipeline.errors import UsageError
from pipeline.harvest.archive import WarcArchive, default_warc_dir
from pipeline.harvest.discover import matches
from pipeline.harvest.fetch import Fetched, Fetcher, HostDeferred
from pipeline.harvest.lock import HarvestLock, lock_path
from pipeline.harvest.robots import Robots, from_response
from pipeline.harvest.urls import canonicalize, host_key
from pipeline.models import Capture, Settings, SourceConfig
from pipeline.parallel import open_engine


@dataclass
class BackfillReport:
    mode: str                        # cdx | warc
    engine: str = "this process"
    inputs: int = 0                  # CDX queries asked, or files read
    shards: int = 0
    shards_done_before: int = 0      # finished by an earlier run: not read again
    captures: int = 0                # captures listed (cdx) or response records read (warc)
    stored: int = 0                  # captures handed to the writer and stored
    known: int = 0                   # captures stored already: skipped
    off_topic: int = 0
    documents: int = 0               # what the database gained
    revisions: int = 0
    facts: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def render(self) -> str:
        what = (f"{self.inputs} CDX queries" if self.mode == "cdx" else
                f"{self.inputs} files in {self.shards} shards"
                + (f" ({self.shards_done_before} done before, skipped)" if self.shards_done_before else ""))
        lines = [f"backfill from {what} on {self.engine} in {self.seconds:.1f} s: "
                 f"{self.captures} captures read, {self.stored} stored, {self.known} already stored, "
                 f"{self.off_topic} off topic",
                 f"database: +{self.documents} documents, +{self.revisions} revisions, +{self.facts} facts of revisions"]
        if self.problems:
            lines.append(f"{len(self.problems)} problems (the rest of the run went on):")
            lines += [f"  {p}" for p in self.problems[:50]]
            if len(self.problems) > 50:
                lines.append(f"  … and {len(self.problems) - 50} more")
        return "\n".join(lines)

    @property
    def exit_code(self) -> int:
        """0 all read; 3 some inputs could not be read (named above); 1 nothing could be."""
        if not self.problems:
            return 0
        return 3 if self.stored or self.known or self.shards_done_before else 1


def _counts(db) -> tuple[int, int, int]:
    return tuple(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("documents", "revisions", "revision_facts"))  # type: ignore[return-value]


def _write(db, processed: process.Processed, capture: Capture, report: BackfillReport, **columns) -> None:
    """The one writer: a capture stored already is left alone; any other is one transaction."""
    if store.capture_known(db, capture.url, capture.archived_at, process.EXTRACTOR_VERSION):
        report.known += 1
        return
    process.write(db, processed, capture, **columns)
    report.stored += 1


class _Run:
    """The lock, the database and the report's counts around one backfill."""

    def __init__(self, db_path: str | Path, sources: list[SourceConfig], report: BackfillReport):
        self.db_path, self.sources, self.report = Path(db_path), sources, report

    def __enter__(self):
        self.t0 = time.monotonic()
        self.lock = HarvestLock(lock_path(self.db_path))
        self.lock.__enter__()
        try:
            self.db = store.connect(self.db_path)
            with store.transaction(self.db):
                store.record_sources(self.db, self.sources)
            self.before = _counts(self.db)
            self.bulk = store.bulk_writes(self.db).__enter__()
        except BaseException:
            self.lock.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        try:
            self.bulk.__exit__(*exc)
            after = _counts(self.db)
            self.report.documents, self.report.revisions, self.report.facts = (
                a - b for a, b in zip(after, self.before))
            self.report.seconds = time.monotonic() - self.t0
            self.db.conn.close()
        finally:
            self.lock.__exit__(*exc)
        return False


# --- from WARC and WACZ files ------------------------------------------------------------------

def backfill_warc(patterns: list[str], sources: list[SourceConfig], db_path: str | Path, include_all: bool = False,
                  engine: str = "serial", scheduler: Optional[str] = None, workers: int = 2,
                  max_bytes: int = Settings.max_bytes, progress: bool = False,
                  stream: Optional[TextIO] = None) -> BackfillReport:
    stream = stream or sys.stderr
    if not sources and not include_all:
        raise UsageError("no source to match the archived URLs against; pass --sources FILE, or --all to keep "
                         "every page")
    files, missing = expand(patterns)
    if not files:
        raise UsageError(f"{missing[0] if missing else 'no file given'}; give WARC or WACZ files (or a glob)")
    report = BackfillReport("warc", inputs=len(files), problems=list(missing))
    shards = []
    for f in files:
        found, problems = shards_of(f)
        shards += found
        report.problems += problems
    report.shards = len(shards)
    with _Run(db_path, sources, report) as run:
        done = done_keys(run.db)
        todo = [s for s in shards if s.key not in done]
        report.shards_done_before = len(shards) - len(todo)
        options = ReadOptions(sources, include_all, max_bytes)
        with open_engine(engine, scheduler, workers) as eng:
            report.engine = eng.describe()
            for shard, result, error in eng.map_unordered(read_shard, todo, options):
                if error is not None:     # not marked done: the next run reads it again
                    report.problems.append(f"{shard.name}: could not be read ({type(error).__name__}: {error})")
                    continue
                _store_shard(run.db, result, report)
                if progress:
                    stream.write(f"{shard.name}: {result.seen} records, {len(result.items)} documents\n")
                    stream.flush()
    return report


def _store_shard(db, result: ShardResult, report: BackfillReport) -> None:
    report.captures += result.seen
    report.off_topic += result.off_topic
    report.problems += result.problems
    facts = 0
    for item in result.items:
        _write(db, item.processed, item.capture, report, **item.columns)
        facts += len(item.processed.facts)
    with store.transaction(db):
        mark_done(db, result, len(result.items), facts)


# --- from a CDX server and its replay --------------------------------------------------------------

class ArchiveClient:
    """Requests to the archive's hosts only, politely: robots.txt of each host read first and
    obeyed, one request at a time with `delay` seconds (or the host's Crawl-delay) between the end
    of one and the start of the next; retries and limits are the fetcher's."""

    def __init__(self, fetcher: Fetcher, settings: Settings, delay: float, sleep=time.sleep):
        self.fetcher, self.settings, self.delay, self.sleep = fetcher, settings, delay, sleep
        self.robots: dict[str, Robots] = {}
        self.last: dict[str, float] = {}
        self.closed: dict[str, str] = {}

    def _pace(self, host: str) -> None:
        wait = max(self.delay, (self.robots.get(host) or Robots()).crawl_delay or 0.0)
        if host in self.last:
            left = self.last[host] + wait - time.monotonic()
            if left > 0:
                self.sleep(left)

    def _request(self, url: str, host: str) -> Fetched:
        self._pace(host)
        try:
            return self.fetcher.fetch(url, {host})
        finally:
            self.last[host] = time.monotonic()

    def get(self, url: str) -> tuple[Optional[Fetched], str]:
        """The response, or None and the one-line reason."""
        host = host_key(url)
        if host in self.closed:
            return None, self.closed[host]
        try:
            if host not in self.robots:
                scheme = url.split("://")[0]
                r = self._request(f"{scheme}://{host}/robots.txt", host)
                self.robots[host] = from_response(r.status, r.body, self.settings.user_agent,
                                                  None if r.status else r.error)
                if self.robots[host].disallow_all:
                    self.closed[host] = f"{host}: {self.robots[host].reason}"
                    return None, self.closed[host]
            if not self.robots[host].allowed(url):
                return None, f"robots.txt of {host} disallows {url}"
            resp = self._request(url, host)
        except HostDeferred as e:
            self.closed[host] = str(e)
            return None, str(e)
        if resp.error or resp.status != 200:
            return None, f"{url}: {resp.error or f'HTTP {resp.status}'}"
        return resp, ""


def _check_cdx_options(settings: Settings, endpoint: str, replay: str, delay: float) -> None:
    for name, url in (("--cdx", endpoint), ("--replay", replay)):
        if not canonicalize(url):
            raise UsageError(f"{name} {url!r} is not an http(s) URL")
    if not replay.endswith("/"):
        raise UsageError(f"--replay {replay!r} must end with '/' (the timestamp follows it)")
    local = {h.split(":")[0] for h in (host_key(endpoint), host_key(replay))} <= set(settings.allow_hosts)
    if delay < MIN_DELAY and not local:
        raise UsageError(f"--delay {delay:g} is below the polite minimum of {MIN_DELAY:g} second for a public archive")


def backfill_cdx(settings: Settings, sources: list[SourceConfig], db_path: str | Path, endpoint: str,
                 replay: str = cdx.WAYBACK_REPLAY, year_from: Optional[int] = None, year_to: Optional[int] = None,
                 delay: float = MIN_DELAY, progress: bool = False, stream: Optional[TextIO] = None,
                 sleep=time.sleep) -> BackfillReport:
    stream = stream or sys.stderr
    if not sources:
        raise UsageError("no enabled source to look up; set `enabled: true` on one or name it with --source")
    _check_cdx_options(settings, endpoint, replay, delay)
    report = BackfillReport("cdx", engine="this process")
    db_path = Path(db_path)
    with _Run(db_path, sources, report) as run:
        archive = WarcArchive(default_warc_dir(settings, db_path), prefix="backfill")
        fetcher = Fetcher(settings, archive=archive)
        client = ArchiveClient(fetcher, settings, delay, sleep)
        root = db_path.resolve().parent
        try:
            for src in sources:
                seen: set[tuple[str, str]] = set()
                for prefix in cdx.query_urls(src):
                    report.inputs += 1
                    for capture in _listing(client, endpoint, prefix, year_from, year_to, report):
                        url = canonicalize(capture.original)
                        if not url or not matches(src.allow, url) or capture.status not in ("", "200") \
                                or (url, capture.timestamp) in seen:
                            continue
                        seen.add((url, capture.timestamp))
                        report.captures += 1
                        _replay(run.db, client, src, url, capture, replay, root, report)
                        if progress:
                            stream.write(f"{capture.timestamp} {url}\n")
                            stream.flush()
        finally:
            archive.close()
            fetcher.close()
    return report


def _listing(client: ArchiveClient, endpoint: str, prefix: str, year_from, year_to,
             report: BackfillReport) -> Iterable[cdx.CdxCapture]:
    resume = None
    while True:
        url = cdx.query(endpoint, prefix, year_from, year_to, resume)
        resp, why = client.get(url)
        if resp is None:
            report.problems.append(f"CDX query for {prefix}: {why}")
            return
        try:
            captures, resume = cdx.parse(resp.body)
        except cdx.CdxError as e:
            report.problems.append(f"CDX query for {prefix}: {host_key(url)} answered something that is not a "
                                   f"CDX listing ({e})")
            return
        yield from captures
        if not resume:
            return


def _replay(db, client: ArchiveClient, src: SourceConfig, url: str, capture: cdx.CdxCapture, prefix: str,
            root: Path, report: BackfillReport) -> None:
    at = cdx.capture_time(capture.timestamp)
    if store.capture_known(db, url, at, process.EXTRACTOR_VERSION):
        report.known += 1      # known before we fetch: a second backfill asks the archive nothing
        return
    where = cdx.replay_url(prefix, capture.timestamp, capture.original)
    resp, why = client.get(where)
    if resp is None:
        report.problems.append(f"capture {capture.timestamp} of {url}: {why}")
        return
    # an archive may answer with its nearest capture instead: that one is what we read
    stamp = cdx.replay_timestamp(prefix, resp.final_url) or capture.timestamp
    at = cdx.capture_time(stamp)
    processed = process.read(process.Raw(body=resp.body, url=url, final_url=capture.original,
                                         content_type=resp.content_type, headers=resp.headers, source=src),
                             topic_filter=True)
    if processed.off_topic:
        report.off_topic += 1
        return
    warc = str((Path(client.fetcher.archive.directory) / resp.warc_file).resolve()) if resp.warc_file else None
    if warc and Path(warc).is_relative_to(root):
        warc = str(Path(warc).relative_to(root))
    _write(db, processed, Capture(url, at, "cdx", resp.final_url), report, final_url=capture.original,
           http_status=resp.status, content_type=resp.content_type or None, warc_file=warc,
           warc_offset=resp.warc_offset)
