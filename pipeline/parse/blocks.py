"""The blocks a parser reads (paragraphs, headings, tables) and the one way they become a
document's text: paragraphs separated by blank lines, a table one row a line with cells joined
by " | ", each row's (start, end) in the text kept for the extractor's evidence."""
from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.models import Table
from pipeline.textnorm import TextBuilder


@dataclass
class Block:
    kind: str                                   # p | head | table | caption
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)


def add_table(builder: TextBuilder, rows: list[list[str]]) -> tuple[int, list[tuple[int, int]]]:
    """Add a table to the text one row a line; (where it starts, each row's span)."""
    lines = [" | ".join(r) for r in rows]
    start = builder.add("\n".join(lines))
    spans, offset = [], start
    for line in lines:
        spans.append((offset, offset + len(line)))
        offset += len(line) + 1
    return start, spans


def render(title: str, blocks: list[Block]) -> tuple[str, list[Table]]:
    """Title, blank line, then the blocks; a table's caption is the paragraph just before it."""
    builder = TextBuilder()
    tables: list[Table] = []
    if title:
        builder.add(title)
    previous = ""
    for b in blocks:
        if b.kind != "table":
            builder.add(b.text)
            previous = b.text
            continue
        _, spans = add_table(builder, b.rows)
        tables.append(Table(rows=b.rows, row_spans=spans, caption=previous))
        previous = ""
    return builder.text, tables
