"""Parse stage: raw bytes (fetched or local) → Document. Dispatches on type; never raises for
bad input: a document that cannot be read gets a status and one readable line."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from pipeline import furniture
from pipeline.models import Document, EMPTY, OK, SourceConfig, UNPARSEABLE, sha256
from pipeline.textnorm import normalize_text


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


def parse_bytes(body: bytes, url: str, content_type: str = "", source: Optional[SourceConfig] = None,
                headers: Optional[dict] = None) -> Document:
    kind = sniff_type(body, url, content_type)
    if not body.strip():
        return Document(url=url, doc_type=kind, status=EMPTY, status_detail="empty body",
                        content_hash=sha256(body))
    if kind == "pdf":
        from pipeline.parse_pdf import parse_pdf
        doc = parse_pdf(body, url)
    elif kind == "html":
        from pipeline.parse_html import parse_html
        doc = parse_html(body, url, source=source, headers=headers or {})
    else:
        doc = parse_text_file(body, url)
    doc.content_hash = doc.content_hash or sha256(body)
    if source is not None:
        doc.source = source.name
        doc.outlet = doc.outlet or source.outlet
    return doc


def parse_file(path: Path, url: Optional[str] = None) -> Document:
    url = url or path.resolve().as_uri()
    try:
        body = path.read_bytes()
    except OSError as e:
        return Document(url=url, status=UNPARSEABLE, status_detail=f"cannot read {path}: {e.strerror}")
    return parse_bytes(body, url)
