"""Paragraphs and sentences of a document's text, with exact offsets (underthesea splits)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from underthesea import sent_tokenize


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int        # index of its paragraph (line) in the document


def _split_paragraph(par: str) -> list[tuple[int, int]]:
    spans, cursor = [], 0
    for s in sent_tokenize(par):
        s = s.strip()
        if not s:
            continue
        i = par.find(s, cursor)
        if i < 0:  # the tokenizer rewrote the text: fall back to a punctuation split
            return [(m.start(), m.end()) for m in re.finditer(r"[^.!?]+(?:[.!?]+|$)", par) if m.group().strip()]
        spans.append((i, i + len(s)))
        cursor = i + len(s)
    # a list number ('1.', 'a)') split off by the tokenizer belongs to the item that follows
    merged: list[tuple[int, int]] = []
    for span in spans:
        prev = par[merged[-1][0]:merged[-1][1]] if merged else ""
        if merged and (re.fullmatch(r"\s*(?:\d{1,3}|[a-zđ]|[IVX]+)[.)]\s*", prev) or
                       re.search(r"(?:^|\s)(?:No|TP|Tp|ThS|TS|PGS|GS|Q|P|St|Mr|Ms)\.$", prev)):
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return merged


def split_sentences(text: str) -> list[Sentence]:
    out = []
    pos = 0
    for p_index, line in enumerate(text.split("\n")):
        if line.strip():
            for a, b in _split_paragraph(line):
                out.append(Sentence(pos + a, pos + b, line[a:b], p_index))
        pos += len(line) + 1
    return out
