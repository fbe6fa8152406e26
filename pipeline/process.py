"""The one path from bytes to stored facts: parse → extract → store.

Every importer goes through it: the harvest (harvest/crawler.py), `ingest` of local files,
`reprocess` of the WARC archive, and any later one (a web-archive backfill). `read` is the pure
half, parse and extract with no database, so it can run in a pool of worker processes; `save`
writes one document and all its facts, inside the caller's transaction or in one of its own.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import sqlite_utils

from pipeline import store
from pipeline.extract import EXTRACTOR_VERSION, extract
from pipeline.models import OK, Document, Fact, SourceConfig
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


def save(db: sqlite_utils.Database, processed: Processed, **columns: Any) -> int:
    """Store the document and its facts, replacing what its URL held; the number of facts stored
    (a figure repeated in one document is one fact). `columns`: crawl state (fetched_at, etag,
    warc_file …) for the documents row."""
    _, n = store.save_document(db, processed.document, processed.facts, EXTRACTOR_VERSION, **columns)
    return n


def process(db: sqlite_utils.Database, raw: Raw, **columns: Any) -> tuple[Processed, int]:
    """`read` then `save`, in one transaction of its own."""
    processed = read(raw)
    with store.transaction(db):
        return processed, save(db, processed, **columns)
