"""Plain-text documents: UTF-8, or a legacy charset guessed; the first line is the title."""
from __future__ import annotations

from pipeline.models import EMPTY, OK, Document, sha256
from pipeline.parse import furniture
from pipeline.parse.charset import guess_encoding
from pipeline.parse.legacy_fonts import repair_legacy
from pipeline.textnorm import normalize_text


def parse_text_file(body: bytes, url: str) -> Document:
    """A plain-text document (UTF-8, or a legacy charset guessed); its first line is the title."""
    try:
        raw = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raw = body.decode(guess_encoding(body), errors="replace")
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
