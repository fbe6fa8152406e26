"""Parse stage: raw bytes (fetched or local) → Document. Dispatches on type; never raises for
bad input: a document that cannot be read gets a status and one readable line."""
from __future__ import annotations

import io
import logging
import zipfile
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

from pipeline import furniture
from pipeline.models import Document, EMPTY, OK, SourceConfig, TOO_LARGE, UNPARSEABLE, sha256
from pipeline.textnorm import normalize_text

log = logging.getLogger(__name__)


_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or 13 < b)


def is_binary(body: bytes) -> bool:
    """Bytes that are no kind of text: NUL bytes or many control characters near the start."""
    head = body[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False   # UTF-16 text has NULs
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return b"\x00" in head or controls > len(head) * 0.05


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"     # Word 97-2003 .doc (and .xls)
DOCX_MAX_XML = 50 * 1024 * 1024                     # inflated word/document.xml: more is a zip bomb


def _is_docx(body: bytes) -> bool:
    if not body.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            return "word/document.xml" in z.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def sniff_type(body: bytes, url: str = "", content_type: str = "") -> str:
    """'pdf', 'html', 'docx', 'doc' or 'txt', from the bytes first, then the Content-Type, then the name."""
    head = body[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if body.startswith(OLE_MAGIC):
        return "doc"
    if _is_docx(body):
        return "docx"
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
    """A plain-text document (UTF-8, or a legacy charset guessed); its first line is the title."""
    from pipeline.charset import _guess
    from pipeline.legacy_fonts import repair_legacy
    try:
        raw = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raw = body.decode(_guess(body), errors="replace")
    text = normalize_text(repair_legacy(raw).text)
    if not text:
        return Document(url=url, doc_type="txt", status=EMPTY, status_detail="empty text file",
                        content_hash=sha256(body))
    lines = text.split("\n")
    title = lines[0].strip()
    body_lines = furniture.strip_lines(lines[1:])
    clean = normalize_text("\n".join([title, ""] + body_lines))
    return Document(url=url, text=clean, title=title, doc_type="txt", status=OK,
                    content_hash=sha256(body))


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def parse_docx(body: bytes, url: str) -> Document:
    """A Word .docx (decisions are often attached as Word files): paragraphs and tables in
    document order, decision metadata as for a PDF, legacy TCVN3/VNI text repaired."""
    import lxml.etree
    from pipeline.legacy_fonts import repair_legacy
    from pipeline.parse_html import Block, render
    from pipeline.parse_pdf import decision_metadata, find_decision_numbers, _title
    doc = Document(url=url, doc_type="docx")
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            info = z.getinfo("word/document.xml")
            if info.file_size > DOCX_MAX_XML:
                doc.status, doc.status_detail = TOO_LARGE, (
                    f"the Word document's text is {info.file_size / 1e6:.0f} MB inflated, over the "
                    f"{DOCX_MAX_XML / 1e6:.0f} MB limit")
                return doc
            xml = z.read(info)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, RuntimeError) as e:
        doc.status, doc.status_detail = UNPARSEABLE, f"not a readable .docx ({type(e).__name__}); the file is damaged"
        return doc
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = lxml.etree.fromstring(xml, parser)
    except lxml.etree.XMLSyntaxError as e:
        doc.status, doc.status_detail = UNPARSEABLE, f"the .docx text is not well-formed XML ({e}); the file is damaged"
        return doc

    def para_text(p) -> str:
        parts = []
        for el in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br"):
            parts.append(el.text or "" if el.tag == f"{_W}t" else " ")
        return "".join(parts)

    def clean(s: str) -> str:
        return normalize_text(repair_legacy(s).text).replace("\n", " ")

    blocks: list[Block] = []
    body_el = root.find(f"{_W}body")
    for el in (body_el if body_el is not None else []):
        if el.tag == f"{_W}p":
            text = clean(para_text(el))
            if text:
                blocks.append(Block("p", text))
        elif el.tag == f"{_W}tbl":
            rows = []
            for tr in el.iter(f"{_W}tr"):
                cells = [clean(" ".join(para_text(p) for p in tc.iter(f"{_W}p"))).replace("|", "/")
                         for tc in tr.findall(f"{_W}tc")]
                if any(cells):
                    rows.append(cells)
            if rows:
                blocks.append(Block("table", rows=rows))
    paragraphs = [b.text for b in blocks if b.kind == "p"]
    if not blocks:
        doc.status, doc.status_detail = EMPTY, "the Word document has no text"
        return doc
    doc.metadata.update(decision_metadata(paragraphs))
    title = _title(doc.metadata, {}, paragraphs)
    if blocks and blocks[0].kind == "p" and blocks[0].text == title:
        blocks = blocks[1:]
    doc.title = title
    doc.text, doc.tables = render(title, blocks)
    numbers = find_decision_numbers(doc.text)
    if numbers:
        doc.metadata["decisions"] = numbers
    doc.status = OK
    return doc


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
        if source.province:
            # the province a source writes about names the subject of 'tỉnh đã …' sentences
            doc.metadata.setdefault("province", source.province)
    if doc.status != OK:
        log.warning("%s: %s: %s", url, doc.status, doc.status_detail)
    return doc


def _dispatch(body: bytes, url: str, kind: str, content_type: str, source: Optional[SourceConfig],
              headers: Optional[dict]) -> Document:
    if not body.strip():
        return Document(url=url, doc_type=kind, status=EMPTY, status_detail="the file is empty (0 bytes of content)")
    if kind == "docx":
        return parse_docx(body, url)
    if kind == "doc":
        return Document(url=url, doc_type="doc", status=UNPARSEABLE,
                        status_detail="a Word 97-2003 .doc file, which is not read; convert it to .docx or PDF")
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
