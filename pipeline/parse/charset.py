"""Decode an HTML page's bytes: BOM, then the HTTP header, then a <meta> tag, then a guess.

Vietnamese portals still serve windows-1258 (whose letters decode to base + combining mark,
so the result is NFC-normalized) and sometimes a wrong label (a page that is UTF-8 but says
iso-8859-1). A declared label is trusted only if the bytes decode under it cleanly and are not
plainly UTF-8; the stored text is NFC either way, and a text with many U+FFFD is flagged.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Optional

from charset_normalizer import from_bytes

from pipeline.textnorm import replacement_ratio

_BOMS = [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]
_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_HEADER = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:\-]+)", re.I)
# Above this share of U+FFFD the text is flagged: a few stray bytes are normal, more is not.
FFFD_FLAG = 0.005


@dataclass
class Decoded:
    text: str                 # NFC
    encoding: str             # the codec used
    declared: Optional[str]   # what the header/meta said, if anything
    how: str                  # bom | header | meta | utf-8 | guess
    replacement_ratio: float = 0.0
    warnings: list[str] = field(default_factory=list)


def _codec(label: Optional[str]) -> Optional[str]:
    if not label:
        return None
    label = label.strip().lower()
    # Browsers treat these labels as windows-1252 (WHATWG Encoding); so do we.
    if label in ("iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii", "iso8859-1"):
        label = "windows-1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def header_charset(headers: Optional[dict]) -> Optional[str]:
    for key, value in (headers or {}).items():
        if key.lower() == "content-type":
            m = _HEADER.search(value or "")
            return m.group(1) if m else None
    return None


def meta_charset(body: bytes) -> Optional[str]:
    m = _META.search(body[:8192])
    return m.group(1).decode("ascii", "replace") if m else None


def _utf8_strict(body: bytes) -> Optional[str]:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def decode_html(body: bytes, headers: Optional[dict] = None) -> Decoded:
    for bom, name in _BOMS:
        if body.startswith(bom):
            return _finish(body[len(bom):].decode(name, errors="replace"), name, None, "bom")
    declared_label = header_charset(headers)
    how = "header"
    if not _codec(declared_label):
        declared_label, how = meta_charset(body), "meta"
    declared = _codec(declared_label)
    as_utf8 = _utf8_strict(body)
    warnings: list[str] = []
    if declared and declared != "utf-8":
        # Non-ASCII bytes that form valid UTF-8 are almost never a legacy encoding: the label lies.
        if as_utf8 is not None and not body.isascii():
            return _finish(as_utf8, "utf-8", declared_label, "utf-8",
                           [f"charset label {declared_label!r} is wrong: the page is UTF-8"])
        try:
            return _finish(body.decode(declared), declared, declared_label, how)
        except UnicodeDecodeError:
            warnings.append(f"charset label {declared_label!r} does not fit the bytes; guessed instead")
    elif declared == "utf-8":
        if as_utf8 is not None:
            return _finish(as_utf8, "utf-8", declared_label, how)
        warnings.append(f"charset label {declared_label!r} does not fit the bytes; guessed instead")
    elif as_utf8 is not None:
        return _finish(as_utf8, "utf-8", declared_label, "utf-8")
    guess = guess_encoding(body)
    return _finish(body.decode(guess, errors="replace"), guess, declared_label, "guess", warnings)


def guess_encoding(body: bytes) -> str:
    """The codec that reads the bytes best; Vietnamese legacy pages are mostly windows-1258."""
    best = from_bytes(body[:200_000], cp_isolation=["cp1258", "cp1252", "utf_8", "utf_16"]).best()
    if best is not None and best.encoding:
        return codecs.lookup(best.encoding).name
    return "cp1258"


def _finish(text: str, encoding: str, declared: Optional[str], how: str,
            warnings: Optional[list[str]] = None) -> Decoded:
    text = unicodedata.normalize("NFC", text)
    ratio = replacement_ratio(text)
    warnings = list(warnings or [])
    if ratio > FFFD_FLAG:
        warnings.append(f"{text.count(chr(0xFFFD))} undecodable characters ({ratio:.1%}) after decoding "
                        f"as {encoding}: the page's charset is wrong or the page is damaged")
    return Decoded(text, encoding, declared, how, ratio, warnings)
