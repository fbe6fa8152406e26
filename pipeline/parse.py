"""Parse stage: raw bytes (fetched or local) → Document. Dispatches on type; never raises for
bad input: a document that cannot be read gets a status and one readable line."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

from pipeline import furniture
from pipeline.models import Document, EMPTY, OK, SourceConfig, UNPARSEABLE, sha256
from pipeline.textnorm import normalize_text

log = logging.getLogger(__name__)


def is_binary(body: bytes) -> bool:
    """Bytes that are no kind of text: NUL bytes or many control characters near the start."""
    head = body[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False   # UTF-16 text has NULs
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return b"\x00" in head or controls > len(head) * 0.05


def sniff_type(body: bytes, url: str = "", content_type: str = "") -> str:
    """'pdf', 'html' or 'txt', from the bytes first, then the Content-Type, then the name."""
    head = body[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    low = head.lower()
    if low.startswith(b"<!doctype html") or low.startswith(b"<html") or b"<body" in low or b"<head" in low:
        return "html"
    ct = (content_type or "").lower()
    if "pdf" in ct:
        return "pdf"
    if "html" in ct or "xml" in ct:
        return "html"
    name = url.lower().split("?")[0]
    if name.endswith(".pdf"):
        return "pdf"
    if name.endswith((".html", ".htm", ".php", ".aspx")):
        return "html"
    return "txt"


def parse_text_file(body: bytes, url: str) -> Document:
    """A UTF-8 plain-text document; its first line is the title."""
    try:
        raw = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raw = body.decode("utf-8", errors="replace")
    text = normalize_text(raw)
    if not text:
        return Document(url=url, doc_type="txt", status=EMPTY, status_detail="empty text file",
                        content_hash=sha256(body))
    lines = text.split("\n")
    title = lines[0].strip()
    body_lines = furniture.strip_lines(lines[1:])
    clean = normalize_text("\n".join([title, ""] + body_lines))
    return Document(url=url, text=clean, title=title, doc_type="txt", status=OK,
                    content_hash=sha256(body))


def expects_pdf(url: str, content_type: str = "") -> bool:
    """The link or the server says this is a PDF (whatever the bytes turn out to be)."""
    return "pdf" in (content_type or "").lower() or urlsplit(url).path.lower().endswith(".pdf")


def parse_bytes(body: bytes, url: str, content_type: str = "", source: Optional[SourceConfig] = None,
                headers: Optional[dict] = None) -> Document:
    """Bytes → Document with a status; never raises for bad input. A non-ok status is logged
    as one line naming the URL, the status and the reason."""
    kind = sniff_type(body, url, content_type)
    try:
        doc = _dispatch(body, url, kind, content_type, source, headers)
    except Exception as e:   # a parser bug must not stop the run: the document keeps a status
        log.exception("parser error on %s", url)
        doc = Document(url=url, doc_type=kind, status=UNPARSEABLE,
                       status_detail=f"parser error ({type(e).__name__}: {e}); please report it with the file")
    doc.content_hash = doc.content_hash or sha256(body)
    if source is not None:
        doc.source = source.name
        doc.outlet = source.outlet or doc.outlet
    if doc.status != OK:
        log.warning("%s: %s: %s", url, doc.status, doc.status_detail)
    return doc


def _dispatch(body: bytes, url: str, kind: str, content_type: str, source: Optional[SourceConfig],
              headers: Optional[dict]) -> Document:
    if not body.strip():
        return Document(url=url, doc_type=kind, status=EMPTY, status_detail="the file is empty (0 bytes of content)")
    if kind == "pdf" or expects_pdf(url, content_type):
        # a .pdf link that serves an HTML error page becomes an `unparseable` PDF, not an article
        from pipeline.parse_pdf import parse_pdf
        return parse_pdf(body, url)
    if is_binary(body):
        return Document(url=url, doc_type=kind, status=UNPARSEABLE,
                        status_detail="binary data, neither HTML, PDF nor text; check the link")
    if kind == "html":
        from pipeline.parse_html import parse_html
        return parse_html(body, url, source=source, headers=headers or {})
    return parse_text_file(body, url)


def parse_file(path: Path, url: Optional[str] = None) -> Document:
    url = url or path.resolve().as_uri()
    try:
        body = path.read_bytes()
    except OSError as e:
        return Document(url=url, status=UNPARSEABLE, status_detail=f"cannot read {path}: {e.strerror}")
    return parse_bytes(body, url)
