"""The one path from bytes to stored facts: parse → extract → store.

Every importer goes through it: the harvest (harvest/crawler.py), `ingest` of local files,
`reprocess` of the WARC archive, and any later one (a web-archive backfill). `read` is the pure
half, parse and extract with no database, so it can run in a pool of worker processes or on a
Dask cluster (pipeline/parallel.py); `save` writes one document and all its facts inside the
caller's transaction, and `write` is the single writer's step: one document, one transaction.
A `Capture` with the bytes keeps each archived version as a revision (store/revisions.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import sqlite_utils

from pipeline import store
from pipeline.extract import EXTRACTOR_VERSION, extract
from pipeline.models import OK, Capture, Document, Fact, SourceConfig
from pipeline.parse import parse_bytes
from pipeline.textnorm import normalize_text


@dataclass
class Raw:
    """Bytes to read, with what is known of where they came from. Plain data: it pickles."""
    body: bytes
    url: str                                # the document's identity in the database
    final_url: Optional[str] = None         # where the bytes were read from, after redirects
    content_type: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    source: Optional[SourceConfig] = None   # its sources.yaml entry: selectors, outlet, province, keywords
    source_name: Optional[str] = None       # recorded as the document's source (default: source.name)


@dataclass
class Processed:
    document: Document
    facts: list[Fact] = field(default_factory=list)
    off_topic: bool = False                 # left out by the source's keywords: nothing extracted


def on_topic(source: SourceConfig, title: str, text: str) -> bool:
    """True when the source has no keyword filter, or the document mentions one keyword."""
    if not source.keywords:
        return True
    hay = normalize_text(title + "\n" + text).casefold()
    return any(normalize_text(k).casefold() in hay for k in source.keywords)


def read(raw: Raw, topic_filter: bool = False) -> Processed:
    """Parse and extract. With `topic_filter`, a readable document of a source with keywords
    that mentions none of them is marked off topic and not extracted."""
    doc = parse_bytes(raw.body, raw.final_url or raw.url, raw.content_type, source=raw.source,
                      headers=raw.headers)
    doc.url = raw.url
    doc.source = raw.source_name or (raw.source.name if raw.source else doc.source)
    if topic_filter and raw.source and doc.status == OK and not on_topic(raw.source, doc.title, doc.text):
        return Processed(doc, off_topic=True)
    return Processed(doc, extract(doc) if doc.status == OK else [])


def save(db: sqlite_utils.Database, processed: Processed, capture: Optional[Capture] = None,
         **columns: Any) -> int:
    """Store the document and its facts; the number of facts stored (a figure repeated in one
    document is one fact). With a `capture` (when and where an archive saw these bytes) the
    version is kept as a revision beside the others, and the document row holds the latest one;
    without, the URL's row is replaced. `columns`: crawl state (fetched_at, etag, warc_file …)
    for the documents row."""
    doc, facts = processed.document, processed.facts
    if capture is not None and doc.content_hash:
        return store.save_capture(db, doc, facts, EXTRACTOR_VERSION, capture, **columns).facts
    doc_id, n = store.save_document(db, doc, facts, EXTRACTOR_VERSION, **columns)
    store.refresh_revision(db, doc_id, doc.content_hash, facts, EXTRACTOR_VERSION)
    return n


def write(db: sqlite_utils.Database, processed: Processed, capture: Optional[Capture] = None,
          **columns: Any) -> int:
    """The one writer's step: one document (read anywhere, by any worker) stored in one
    transaction of its own, so a crash between two documents loses nothing and doubles nothing."""
    with store.transaction(db):
        return save(db, processed, capture, **columns)


def process(db: sqlite_utils.Database, raw: Raw, **columns: Any) -> tuple[Processed, int]:
    """`read` then `write`."""
    processed = read(raw)
    return processed, write(db, processed, **columns)
