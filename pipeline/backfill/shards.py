"""A shard of archived records, read and extracted on a worker, and the shards a backfill has
finished (table `backfill_shards`), so a run that crashed resumes after them.

`read_shard` is the worker's whole job and touches no database: it returns plain data (each kept
document with its facts and its capture) for the one writer to store, one transaction per
document (process.write). It runs the same in this process and on a Dask worker.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Optional

import sqlite_utils

from pipeline import process
from pipeline.backfill.warcs import Shard, read_shard_records, warc_reference
from pipeline.clock import now_iso
from pipeline.harvest.discover import matches
from pipeline.harvest.urls import canonicalize
from pipeline.models import Capture, SourceConfig

UNSOURCED = "backfill"      # the source recorded for a document no source's `allow` matches (--all)


@dataclass
class ReadOptions:
    sources: list[SourceConfig]
    include_all: bool = False       # keep responses no source's `allow` matches
    max_bytes: int = 30 * 1024 * 1024


@dataclass
class Item:
    """What a worker hands the writer for one document."""
    processed: process.Processed
    capture: Capture
    columns: dict[str, Any]


@dataclass
class ShardResult:
    shard: Shard
    items: list[Item] = field(default_factory=list)
    seen: int = 0                   # response records in the shard
    off_topic: int = 0              # kept by URL, left out by the source's keywords
    problems: list[str] = field(default_factory=list)


def source_for(url: str, sources: list[SourceConfig]) -> Optional[SourceConfig]:
    """The first source whose `allow` patterns match the URL."""
    return next((s for s in sources if matches(s.allow, url)), None)


def read_shard(shard: Shard, options: ReadOptions) -> ShardResult:
    def keep(url: str) -> bool:
        canonical = canonicalize(url)
        return bool(canonical) and (options.include_all or source_for(canonical, options.sources) is not None)

    scan = read_shard_records(shard, keep, options.max_bytes)
    result = ShardResult(shard, seen=scan.seen, problems=scan.problems)
    for rec in scan.records:
        url = canonicalize(rec.url)
        source = source_for(url, options.sources)
        processed = process.read(process.Raw(
            body=rec.body, url=url, final_url=rec.url, content_type=rec.headers.get("content-type", ""),
            headers=rec.headers, source=source, source_name=None if source else UNSOURCED), topic_filter=True)
        if processed.off_topic:
            result.off_topic += 1
            continue
        columns = {"final_url": rec.url, "http_status": rec.status,
                   "content_type": rec.headers.get("content-type", "").split(";")[0].strip() or None,
                   **warc_reference(shard, rec.offset)}
        result.items.append(Item(processed, Capture(url, rec.archived_at, "warc", rec.locator), columns))
    return result


def done_keys(db: sqlite_utils.Database) -> set[str]:
    return {r[0] for r in db.execute("SELECT key FROM backfill_shards WHERE done_at IS NOT NULL")}


def mark_done(db: sqlite_utils.Database, result: ShardResult, documents: int, facts: int) -> None:
    """The shard is finished (its documents were each committed already)."""
    db["backfill_shards"].upsert({"key": result.shard.key, "path": result.shard.name, "records": result.seen,
                                  "documents": documents, "facts": facts,
                                  "problems": json.dumps(result.problems, ensure_ascii=False),
                                  "done_at": now_iso()}, pk="key")
