"""Typed records passed between the stages: fetch → archive → parse → extract → store."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Optional

# Document statuses. A document row always gets one, so nothing is silently dropped.
OK = "ok"
NEEDS_OCR = "needs_ocr"
ENCRYPTED = "encrypted"
UNPARSEABLE = "unparseable"
TOO_LARGE = "too_large"
EMPTY = "empty"
FETCH_FAILED = "fetch_failed"
DOCUMENT_STATUSES = (OK, NEEDS_OCR, ENCRYPTED, UNPARSEABLE, TOO_LARGE, EMPTY, FETCH_FAILED)

FACT_KINDS = ("rank", "score", "top_n", "bottom_n", "rank_change", "percent", "count")
QUALIFIERS = ("exact", "at_least", "at_most", "approx")
SUBJECT_TYPES = ("province", "district", "agency", "ministry", "country", "other")


def sha256(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


@dataclass
class Response:
    """One HTTP exchange (or a local file read), as fetched, before parsing."""
    url: str                      # the URL asked for
    final_url: str                # after redirects
    status: int                   # HTTP status; 0 when no response came
    headers: dict[str, str]
    body: bytes
    fetched_at: str               # ISO 8601 with zone
    error: Optional[str] = None   # one readable line when the fetch failed
    not_modified: bool = False    # 304 on a conditional GET
    warc_file: Optional[str] = None
    warc_offset: Optional[int] = None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", self.headers.get("Content-Type", "")).split(";")[0].strip().lower()


@dataclass
class Table:
    """A table found in a document, rendered into the document text one row a line.

    `row_spans[i]` is the (start, end) of row i in `Document.text`, so facts from a table row
    carry that row as evidence.
    """
    rows: list[list[str]]
    row_spans: list[tuple[int, int]] = field(default_factory=list)
    page: Optional[int] = None
    caption: str = ""


@dataclass
class Document:
    """A parsed document: clean NFC text, its tables, its metadata and a status."""
    url: str
    text: str = ""
    title: str = ""
    published: Optional[str] = None     # ISO 8601 date or datetime (+07:00)
    author: Optional[str] = None
    outlet: Optional[str] = None
    canonical_url: Optional[str] = None
    doc_type: str = "html"               # html | pdf | txt
    status: str = OK
    status_detail: str = ""              # the one readable line behind a non-ok status
    tables: list[Table] = field(default_factory=list)
    # (offset in text where a page starts, page number), ascending; empty for non-paged documents
    page_starts: list[tuple[int, int]] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)   # absolute URLs of PDF/DOC links
    metadata: dict[str, Any] = field(default_factory=dict)  # decision number, OCR confidence, ...
    warnings: list[str] = field(default_factory=list)
    source: Optional[str] = None
    content_hash: Optional[str] = None   # sha256 of the raw bytes

    def page_at(self, offset: int) -> Optional[int]:
        page = None
        for start, number in self.page_starts:
            if start <= offset:
                page = number
            else:
                break
        return page


@dataclass
class Fact:
    """One figure a document states about one subject (../shared/spec/facts.md)."""
    subject: str
    subject_type: str
    metric: str
    metric_phrase: str
    kind: str
    value: float
    evidence: str
    start: int
    end: int
    province: Optional[str] = None
    year: Optional[int] = None
    total: Optional[float] = None
    scale: Optional[float] = None
    unit: Optional[str] = None
    qualifier: str = "exact"
    is_target: bool = False
    page: Optional[int] = None
    table_row: Optional[int] = None
    table_col: Optional[int] = None
    extractor: str = ""            # the construction that found it, and which step filled each slot
    extractor_version: str = ""
    # slot → the resolver step that decided it ('subject': 'clause_before', 'total': 'frame' …)
    provenance: dict = field(default_factory=dict, repr=False, compare=False)

    def key(self) -> tuple:
        """Identity within one document: the same figure stated twice is one fact."""
        value = float(self.value)
        if self.kind == "score" and self.scale:
            value = value / float(self.scale)   # 1.000/1.000 and 1/1 are one perfect score
        return (self.subject, self.subject_type, self.province, self.metric, self.year, self.kind,
                round(value, 6), self.total, self.is_target)

    def to_dict(self) -> dict[str, Any]:
        # shallow: every field is a scalar (asdict's deep copy costs more than the extraction)
        return {f: getattr(self, f) for f in self.__dataclass_fields__ if f != "provenance"}


@dataclass
class SourceExamples:
    """Real addresses of a source's site that its patterns are checked against, offline
    (`python -m pipeline sources check`)."""
    documents: list[str] = field(default_factory=list)   # articles, decisions: must match `allow`
    listings: list[str] = field(default_factory=list)    # categories, pagination: must match `follow`
    rejected: list[str] = field(default_factory=list)    # tag pages, videos, English editions: neither


@dataclass
class Capture:
    """One archived capture of a URL: when the archive saw it, and where its bytes were read.
    Several captures of one URL whose bodies differ are several revisions of one document."""
    url: str
    archived_at: str                     # ISO 8601 at +07:00, to the second (clock.vn_iso)
    origin: str                          # harvest | cdx | warc
    locator: Optional[str] = None        # replay URL, or WARC file@offset


@dataclass
class SourceConfig:
    """One entry of sources.yaml."""
    name: str
    start_urls: list[str]
    allow: list[str]
    follow: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    delay: float = 1.0
    outlet: Optional[str] = None
    province: Optional[str] = None        # the province (one of the 34 since 2025) it writes about
    province_before_2025: Optional[str] = None  # the old province whose site it is, for merged ones
    keywords: list[str] = field(default_factory=list)  # keep only documents mentioning one
    max_pages: int = 50                   # listing pages followed per run
    stop_on_known: bool = True            # stop pagination at a page of only known documents
    remove_selectors: list[str] = field(default_factory=list)  # CSS selectors of furniture
    content_selector: Optional[str] = None
    enabled: bool = True
    examples: SourceExamples = field(default_factory=SourceExamples)


@dataclass
class Settings:
    """The top-level `settings` of sources.yaml."""
    user_agent: str
    allow_hosts: list[str] = field(default_factory=list)
    timeout_connect: float = 10.0
    timeout_read: float = 30.0
    deadline: float = 120.0               # total seconds per document
    max_bytes: int = 30 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 3
    backoff: float = 1.0
    retry_after_cap: float = 120.0
    warc_dir: str = "extracted/warc"
    # known documents not seen in a listing, feed or sitemap for this many days are revalidated
    # anyway (a conditional GET), so an edited old article is noticed
    revalidate_days: float = 7.0


@dataclass
class SourcesFile:
    settings: Settings
    sources: list[SourceConfig]
    path: str = "sources.yaml"
