"""Parse stage: raw bytes (fetched or local) → Document. Dispatches on type; never raises for
bad input: a document that cannot be read gets a status and one readable line."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional

from pipeline.models import EMPTY, OK, UNPARSEABLE, Document, SourceConfig, sha256
from pipeline.parse.sniff import expects_pdf, is_binary, served_as_other, sniff_type

log = logging.getLogger("pipeline.parse")   # the stage's logger, whichever reader failed


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
        if source.province:
            # the province a source writes about names the subject of 'tỉnh đã …' sentences
            doc.metadata.setdefault("province", source.province)
    if doc.status != OK:
        log.warning("%s: %s: %s", url, doc.status, doc.status_detail)
    return doc


def _dispatch(body: bytes, url: str, kind: str, content_type: str, source: Optional[SourceConfig],
              headers: Optional[dict]) -> Document:
    if served_as_other(body, content_type):
        ct = content_type.split(";")[0].strip().lower()
        return Document(url=url, status=UNPARSEABLE,
                        status_detail=f"served as {ct}, which is not a page or a PDF; not parsed")
    if not body.strip():
        return Document(url=url, doc_type=kind, status=EMPTY, status_detail="the file is empty (0 bytes of content)")
    if kind == "docx":
        from pipeline.parse.docx import parse_docx
        return parse_docx(body, url)
    if kind == "doc":
        return Document(url=url, doc_type="doc", status=UNPARSEABLE,
                        status_detail="a Word 97-2003 .doc file, which is not read; convert it to .docx or PDF")
    if kind == "pdf" or expects_pdf(url, content_type):
        # a .pdf link that serves an HTML error page becomes an `unparseable` PDF, not an article
        from pipeline.parse.pdf import parse_pdf
        return parse_pdf(body, url)
    if is_binary(body):
        return Document(url=url, doc_type=kind, status=UNPARSEABLE,
                        status_detail="binary data, neither HTML, PDF nor text; check the link")
    if kind == "html":
        from pipeline.parse.html import parse_html
        return parse_html(body, url, source=source, headers=headers or {})
    from pipeline.parse.text import parse_text_file
    return parse_text_file(body, url)


def parse_file(path: Path, url: Optional[str] = None) -> Document:
    """A local file → Document (its URL a file: URI unless given); an unreadable file gets a status."""
    url = url or path.resolve().as_uri()
    try:
        body = path.read_bytes()
    except OSError as e:
        return Document(url=url, status=UNPARSEABLE, status_detail=f"cannot read {path}: {e.strerror}")
    return parse_bytes(body, url)
