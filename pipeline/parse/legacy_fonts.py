"""Vietnamese text set in the pre-Unicode TCVN3 (ABC, .VnTime) and VNI (VNI-Times) fonts.

A PDF made from such a document has a text layer that holds the font's byte codes read as
Latin-1, so "Cộng hòa xã hội" comes out as "Céng hßa x· héi" (TCVN3) or "Coäng hoøa xaõ hoäi"
(VNI). `repair_legacy(text)` detects this by character statistics — the share of words that
are well-formed Vietnamese syllables before and after conversion — and converts line by line,
so a page that mixes a Unicode header with a .VnTime body is repaired where it needs to be.

TCVN3 has codes for the 67 lower-case letters and for the upper-case base letters Ă Â Ê Ô Ơ Ư Đ
only; a capital with a tone mark was typed in the capitals font (.VnTimeH) with the lower-case
code. The decoder therefore restores the capital from context: in a word otherwise written in
capitals, the letter is a capital too.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# --- TCVN3 (TCVN 5712:1993, VN3): one byte per letter --------------------------------------
# Rows: base letter, then its forms with huyền, hỏi, ngã, sắc, nặng; each as the TCVN3 byte.
_TCVN3_ROWS = {
    "a": ("a", 0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
    "ă": (0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xA9, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "e": ("e", 0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
    "i": ("i", 0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": ("o", 0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    "ô": (0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xAC, 0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    "u": ("u", 0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
    "y": ("y", 0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
_TCVN3_EXTRA = {0xAE: "đ", 0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ"}

# Combining tone marks in the order of the rows above.
_TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")


def _compose(base: str, tone: str) -> str:
    return unicodedata.normalize("NFC", base + tone)


def _build_tcvn3() -> dict[str, str]:
    table: dict[str, str] = {}
    for base, codes in _TCVN3_ROWS.items():
        for tone, code in zip(_TONES, codes):
            if isinstance(code, int):
                table[chr(code)] = _compose(base, tone)
    for code, letter in _TCVN3_EXTRA.items():
        table[chr(code)] = letter
    return table


TCVN3_TO_UNICODE: dict[str, str] = _build_tcvn3()
# Encoding: capitals with a tone use the lower-case code (the .VnTimeH convention).
UNICODE_TO_TCVN3: dict[str, str] = {v: k for k, v in TCVN3_TO_UNICODE.items()}
for _k, _v in list(TCVN3_TO_UNICODE.items()):
    if _v.upper() != _v and _v.upper() not in UNICODE_TO_TCVN3:
        UNICODE_TO_TCVN3[_v.upper()] = _k

# --- VNI (VNI-Windows): a base letter followed by a mark byte --------------------------------
# Lower-case mark bytes; the upper-case forms are the same letters in capitals (Ù for ù ...).
_VNI_TONE = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_CIRC = {"": "â", "\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_VNI_BREVE = {"": "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
# Letters with a code of their own (no separate mark byte).
_VNI_SINGLE = {"ơ": "ô", "ư": "ö", "đ": "ñ", "í": "í", "ì": "ì", "ỉ": "æ", "ĩ": "ó", "ị": "ò", "ỵ": "î"}


def _vni_encode_letter(letter: str) -> str:
    """The VNI byte string (as Latin-1 characters) of one lower-case Vietnamese letter."""
    if letter in _VNI_SINGLE:
        return _VNI_SINGLE[letter]
    decomposed = unicodedata.normalize("NFD", letter)
    base, marks = decomposed[0], decomposed[1:]
    # canonical order may put the dot below before the shape mark (ặ = a + ̣ + ̆)
    shape = "".join(m for m in marks if m in "\u0302\u0306\u031b")
    tone = "".join(m for m in marks if m not in "\u0302\u0306\u031b")
    if shape == "\u0302":
        return base + _VNI_CIRC[tone]
    if shape == "\u0306":
        return base + _VNI_BREVE[tone]
    if shape == "\u031b":   # ơ / ư with a tone: the own code of ơ/ư, then the tone byte
        return _VNI_SINGLE[_compose(base, "\u031b")] + _VNI_TONE[tone]
    return base + _VNI_TONE[tone]


def vietnamese_letters() -> list[str]:
    """The 134 letters of Vietnamese outside ASCII (67 in each case), in NFC."""
    lower = []
    for base in _TCVN3_ROWS:
        for tone in _TONES:
            letter = _compose(base, tone)
            if not letter.isascii():
                lower.append(letter)
    lower.append("đ")
    return lower + [c.upper() for c in lower]


def _build_vni() -> dict[str, str]:
    table: dict[str, str] = {}
    for letter in vietnamese_letters():
        code = _vni_encode_letter(letter.lower())
        table[letter] = code.upper() if letter.isupper() else code
    return table


UNICODE_TO_VNI: dict[str, str] = _build_vni()
VNI_TO_UNICODE: dict[str, str] = {v: k for k, v in UNICODE_TO_VNI.items()}
_VNI_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(VNI_TO_UNICODE, key=len, reverse=True)))


def tcvn3_to_unicode(text: str) -> str:
    out = "".join(TCVN3_TO_UNICODE.get(c, c) for c in text)
    return _restore_capitals(text, out)


def unicode_to_tcvn3(text: str) -> str:
    return "".join(UNICODE_TO_TCVN3.get(c, c) for c in unicodedata.normalize("NFC", text))


def vni_to_unicode(text: str) -> str:
    return _VNI_PATTERN.sub(lambda m: VNI_TO_UNICODE[m.group(0)], text)


def unicode_to_vni(text: str) -> str:
    return "".join(UNICODE_TO_VNI.get(c, c) for c in unicodedata.normalize("NFC", text))


def _restore_capitals(src: str, out: str) -> str:
    """Upper-case the converted letters of a word whose other letters are capitals ("CéNG" is
    CỘNG); a word with one plain letter ("X·" for XÃ) follows its neighbours."""
    words = list(re.finditer(r"\w+", out))
    caps: list[int] = []   # per word: number of plain capitals, or -1 if a plain letter is lower
    for m in words:
        plain = [c for i, c in enumerate(m.group(0)) if c.isalpha() and src[m.start() + i] not in TCVN3_TO_UNICODE]
        caps.append(len(plain) if plain and all(c.isupper() for c in plain) else -1)
    pieces, last = [], 0
    for i, m in enumerate(words):
        upper = caps[i] >= 2 or (caps[i] == 1 and any(
            0 <= j < len(words) and caps[j] >= 2 for j in (i - 1, i + 1)))
        if upper and m.group(0) != m.group(0).upper():
            pieces.append(out[last:m.start()])
            pieces.append(m.group(0).upper())
            last = m.end()
    pieces.append(out[last:])
    return "".join(pieces)


# --- detection ------------------------------------------------------------------------------
_VOWELS = "aăâeêioôơuưy"
_LETTERS = set("abcdefghijklmnopqrstuvwxyz") | set(vietnamese_letters()) | {c.upper() for c in "abcdefghijklmnopqrstuvwxyz"}
_SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
    r"([" + _VOWELS + r"]{1,3})"
    r"(ng|nh|ch|[cmnpt]|[iyou])?$")


def _is_syllable(word: str) -> bool:
    """A well-formed Vietnamese syllable with at most one tone mark (the check is on letters)."""
    nfd = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for c in nfd if c in "\u0300\u0301\u0303\u0309\u0323")
    if tones > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in "\u0300\u0301\u0303\u0309\u0323"))
    return bool(_SYLLABLE.match(bare))


def vietnamese_score(text: str) -> tuple[int, int]:
    """(good, bad) among the words with a non-ASCII character: good ones are Vietnamese syllables."""
    good = bad = 0
    for word in re.findall(r"[^\s\d.,;:!?()\[\]\"'/\\|+=*<>%&_-]+", text):
        if word.isascii():
            continue
        if all(c in _LETTERS for c in word) and _is_syllable(word):
            good += 1
        else:
            bad += 1
    return good, bad


def _ratio(text: str) -> tuple[float, int]:
    good, bad = vietnamese_score(text)
    total = good + bad
    return (good / total if total else 1.0), total


@dataclass
class Repair:
    text: str
    encoding: str           # "unicode", "tcvn3", "vni" or "mixed"
    lines_converted: int


_DECODERS = {"tcvn3": tcvn3_to_unicode, "vni": vni_to_unicode}


def detect_legacy(text: str) -> str:
    """'tcvn3', 'vni' or 'unicode' for a whole text, by which reading makes it most Vietnamese."""
    base, total = _ratio(text)
    if total < 3 or base >= 0.9:
        return "unicode"
    best, best_ratio = "unicode", base
    for name, decode in _DECODERS.items():
        ratio, _ = _ratio(decode(text))
        if ratio > best_ratio + 0.2 and ratio >= 0.7:
            best, best_ratio = name, ratio
    return best


def repair_legacy(text: str) -> Repair:
    """Convert TCVN3 or VNI text to Unicode where that makes it Vietnamese; leave the rest."""
    encoding = detect_legacy(text)
    if encoding == "unicode":
        return Repair(text, "unicode", 0)
    fix = line_fixer(encoding)
    lines = text.split("\n")
    out = [fix(line) for line in lines]
    converted = sum(a != b for a, b in zip(out, lines))
    return Repair(unicodedata.normalize("NFC", "\n".join(out)), encoding, converted)


def line_fixer(encoding: str):
    """For a file found to be in `encoding` (tcvn3, vni or unicode): a function that converts one
    line, and keeps the line as it is where converting reads worse (a Unicode header line)."""
    if encoding not in _DECODERS:
        return lambda s: s
    decode = _DECODERS[encoding]

    def fix(s: str) -> str:
        before, n = _ratio(s)
        if n == 0:
            return s
        candidate = decode(s)
        return candidate if _ratio(candidate)[0] > before else s
    return fix
