"""Plain-text documents: UTF-8, or a legacy charset guessed; the first line is the title."""
from __future__ import annotations

from pipeline.models import EMPTY, OK, Document, Table, sha256
from pipeline.parse import furniture
from pipeline.parse.charset import guess_encoding
from pipeline.parse.dates import parse_vn_date
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
    # a dateline under the title ('21-10-2025 20:05') is dropped as furniture: read it first
    dateline = next((line for line in lines[1:6] if furniture.is_date_line(line)), None)
    body_lines = furniture.strip_lines(lines[1:])
    clean = normalize_text("\n".join([title, ""] + body_lines))
    return Document(url=url, text=clean, title=title, doc_type="txt", status=OK, published=parse_vn_date(dateline),
                    content_hash=sha256(body), tables=pipe_tables(clean))


def pipe_tables(text: str) -> list[Table]:
    """Tables written as text, one row a line with cells between '|' ('1 | Bộ Tài chính | 1 (0,9291)'):
    three or more such lines of the same width; the line before them is the caption."""
    tables: list[Table] = []
    lines = text.split("\n")
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    i = 0
    while i < len(lines):
        width = lines[i].count("|")
        if width == 0:
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j].count("|") == width and lines[j].strip():
            j += 1
        if j - i >= 3:
            rows = [[c.strip() for c in lines[k].strip().strip("|").split("|")] for k in range(i, j)]
            spans = [(starts[k], starts[k] + len(lines[k])) for k in range(i, j)]
            caption = next((lines[k].strip() for k in range(i - 1, max(-1, i - 4), -1) if lines[k].strip()), "")
            tables.append(Table(rows=rows, row_spans=spans, caption=caption))
        i = max(j, i + 1)
    return tables
