"""What kind of file a body is: from its bytes first, then the Content-Type, then the name."""
from __future__ import annotations

import io
import zipfile
from urllib.parse import urlsplit

_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or 13 < b)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"     # Word 97-2003 .doc (and .xls)
# Content types read (after sniffing the bytes, which wins: servers mislabel PDFs and pages)
DOCUMENT_TYPES = ("text/html", "application/xhtml+xml", "application/pdf", "text/plain", "application/x-pdf")


def is_binary(body: bytes) -> bool:
    """Bytes that are no kind of text: NUL bytes or many control characters near the start."""
    head = body[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False   # UTF-16 text has NULs
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return b"\x00" in head or controls > len(head) * 0.05


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


def expects_pdf(url: str, content_type: str = "") -> bool:
    """The link or the server says this is a PDF (whatever the bytes turn out to be)."""
    return "pdf" in (content_type or "").lower() or urlsplit(url).path.lower().endswith(".pdf")


def served_as_other(body: bytes, content_type: str) -> bool:
    """The server labels the body as something that is not a page or a PDF (an image, a script)
    and the bytes do not look like one either: it is not parsed."""
    ct = (content_type or "").split(";")[0].strip().lower()
    if not ct or ct.startswith(DOCUMENT_TYPES):
        return False
    head = body[:1024].lstrip().lower()
    return not (head.startswith((b"%pdf", b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head)
