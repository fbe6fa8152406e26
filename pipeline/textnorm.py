"""Text normalization shared by every parser: NFC, spaces, invisible characters, quotes and
dashes. Offsets are taken on the normalized text, which is what the database stores."""
from __future__ import annotations

import re
import unicodedata

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2002\u2003\u2009\u202f\u3000\t\u2007\u2008\u200a"), " ")
_PUNCT = {ord("\u2013"): "-", ord("\u2014"): "-", ord("\u2212"): "-", ord("\u2010"): "-",
          ord("\u2011"): "-", ord("\u2018"): "'", ord("\u2019"): "'", ord("\u201c"): '"',
          ord("\u201d"): '"', ord("\u2026"): "...", ord("\u00b4"): "'"}


_TABLE = {**_INVISIBLE, **_SPACES, **_PUNCT}       # disjoint keys; no output is a key: one pass does all three
_SPECIAL = re.compile("[" + re.escape("".join(map(chr, _TABLE))) + "]")


def normalize_text(text: str) -> str:
    """NFC; NBSP and other spaces to ' '; zero-width and soft hyphens removed; curly quotes and
    dashes to ASCII; runs of spaces folded; line endings to '\\n'; at most one blank line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _SPECIAL.search(text):      # translate() with a table is slow on non-ASCII text: only when needed
        text = text.translate(_TABLE)
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[ ]{2,}", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def replacement_ratio(text: str) -> float:
    """Share of U+FFFD in the text: a high one means a wrong charset."""
    return text.count("\ufffd") / max(1, len(text))


class TextBuilder:
    """Joins paragraphs with a blank line and says where each one starts, so parsers can record
    the offsets of tables and pages in the text they build."""

    def __init__(self):
        self.parts: list[str] = []
        self.pos = 0

    def add(self, piece: str) -> int:
        if self.parts:
            self.parts.append("\n\n")
            self.pos += 2
        start = self.pos
        self.parts.append(piece)
        self.pos += len(piece)
        return start

    def __len__(self) -> int:
        """How many paragraphs were added."""
        return (len(self.parts) + 1) // 2

    @property
    def text(self) -> str:
        return "".join(self.parts)


def fold(text: str) -> str:
    """A spelling-blind key: no tone or vowel marks, đ→d, lower case, punctuation to spaces.

    "Thanh Hoá" and "Thanh Hóa" (old and new tone placement) fold alike, and so do
    "Bà Rịa-Vũng Tàu" and "Bà Rịa - Vũng Tàu", "TP.HCM" and "tp hcm".
    """
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn").lower()
    text = re.sub(r"[\s.,\-–—_/()]+", " ", text)
    return text.strip()


def phrase_alternation(phrases, space: str = r"\s+", special: dict[str, str] | None = None) -> str:
    """A regex matching any of `phrases` (a space in one matches `space`, a character of `special`
    its regex), as a trie rather than a flat alternation: each position branches on its next
    character instead of trying every phrase in turn. Where phrases share a start the longest is tried first and a shorter one on
    backtracking, as a flat alternation sorted longest first does."""
    special = special or {}
    trie: dict = {}
    for p in filter(None, phrases):
        node = trie
        for ch in p:
            node = node.setdefault(ch, {})
        node[""] = {}                      # a phrase ends here

    def emit(node: dict) -> str:
        branches = [(space if ch == " " else special[ch] if ch in special else re.escape(ch)) + emit(child)
                    for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" not in node:
            return body
        return body + "?" if len(branches) == 1 and len(body) == 1 else f"(?:{body})?"

    return emit(trie)
