"""How the fact-checker names things: subjects and metrics, matched across spellings.

`tone_fold` keeps every letter and tone and only moves the tone mark to the end of its
syllable, so old and new placement (Thanh Hoá / Thanh Hóa) meet while names that differ by a
tone stay apart (Hà Nam / Hà Nội): claims, official tables and stored facts meet on it. The
store's lookup for a typed name (store/reference_data.py) is blinder on purpose: a researcher
may type "thanh hoa" with no marks at all, and the shared `textnorm.fold` drops them.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from typing import Optional

from pipeline.store import reference_data

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}   # huyền, sắc, ngã, hỏi, nặng
_PROVINCE_PREFIX = re.compile(r"^(?:tỉnh|thành phố|tp\.?|t\.p\.?)\s*", re.IGNORECASE)
_DISTRICT_TP = re.compile(r"^(?:tp\.?|t\.p\.?)\s*(?=\w)", re.IGNORECASE)

# Folded spelling → canonical name (spec: a province without its prefix).
_ALIASES = {
    "hcm": "Hồ Chí Minh", "tphcm": "Hồ Chí Minh", "tp.hcm": "Hồ Chí Minh", "tp hcm": "Hồ Chí Minh",
    "sài gòn": "Hồ Chí Minh", "hồ chí minh": "Hồ Chí Minh",
    "thừa thiên huế": "Huế", "thừa thiên - huế": "Huế", "tt huế": "Huế", "tt-huế": "Huế",
    "hà nội": "Hà Nội", "hn": "Hà Nội",
    "bà rịa vũng tàu": "Bà Rịa - Vũng Tàu", "brvt": "Bà Rịa - Vũng Tàu",
    "đăk lăk": "Đắk Lắk", "đắc lắc": "Đắk Lắk", "đắk lắc": "Đắk Lắk", "đăk nông": "Đắk Nông",
    "kontum": "Kon Tum", "bắc cạn": "Bắc Kạn",
}


def tone_fold(text: str) -> str:
    """Lower case, NFC, one space, tone marks moved to the end of their syllable.

    Old and new tone placement (hoá/hóa, thuỷ/thủy) then fold to the same string, while names
    that differ in a letter or a tone stay apart.
    """
    text = unicodedata.normalize("NFD", (text or "").strip().lower())
    out, tone, word = [], "", []
    for ch in text + " ":
        if ch in _TONES:
            tone = ch
        elif ch.isalnum() or unicodedata.category(ch).startswith("M"):
            word.append(ch)
        else:
            out.append("".join(word) + tone)
            out.append(ch)
            word, tone = [], ""
    folded = unicodedata.normalize("NFC", "".join(out))
    folded = re.sub(r"\s*-\s*", " - ", folded)
    return re.sub(r"\s+", " ", folded).strip()


def ascii_fold(text: str) -> str:
    """Without any diacritics (đ → d): for matching column headers and unaccented names."""
    text = unicodedata.normalize("NFD", (text or "").lower().replace("đ", "d").replace("Đ", "d"))
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("M"))
    return re.sub(r"\s+", " ", text).strip()


@functools.lru_cache(maxsize=1)
def _provinces() -> tuple[dict[str, str], dict[str, str], frozenset[str]]:
    """(folded name → canonical, unaccented name → canonical for unique ones, centrally-run names),
    from the project's reference data (pipeline/store/reference_data.py)."""
    by_fold: dict[str, str] = {}
    central: set[str] = set()
    for p in reference_data.provinces():
        by_fold[tone_fold(p.name)] = p.name
        by_fold.setdefault(tone_fold(p.name_2025), p.name_2025)
        if p.centrally_run_2025 and not p.merged:
            central.add(p.name)
    for old, new in reference_data.CANONICAL.items():     # "Thừa Thiên Huế" → "Huế"
        by_fold[tone_fold(old)] = new
    for alias, name in _ALIASES.items():
        by_fold[tone_fold(alias)] = name
    by_ascii: dict[str, Optional[str]] = {}
    for key, name in by_fold.items():
        a = ascii_fold(key)
        by_ascii[a] = name if by_ascii.get(a, name) == name else None   # None: ambiguous
    for name, aliases in reference_data.EXTRA_ALIASES.items():
        for alias in aliases:
            by_ascii.setdefault(ascii_fold(alias), name)
    return by_fold, {k: v for k, v in by_ascii.items() if v}, frozenset(central)


def _clean(name: str) -> str:
    """Lower case, NFC, one space, one spelling of a hyphen: for the prefix patterns."""
    text = unicodedata.normalize("NFC", (name or "").strip().lower())
    return re.sub(r"\s+", " ", re.sub(r"\s*-\s*", " - ", text))


def province_name(name: str) -> Optional[str]:
    """The canonical province for a spelling (with or without prefix, alias), or None."""
    by_fold, by_ascii, _ = _provinces()
    bare = _PROVINCE_PREFIX.sub("", _clean(name)).strip()
    for key in (tone_fold(name), tone_fold(bare), tone_fold(bare.replace(" ", ""))):   # "TP.HCM" → "hcm"
        if key in by_fold:
            return by_fold[key]
    return by_ascii.get(ascii_fold(bare))


def canonical_subject(name: str, subject_type: Optional[str] = None) -> tuple[str, str]:
    """(canonical name, subject type); the type is guessed when not given.

    A city prefix on a province that is not a centrally-run city ("thành phố Lào Cai") names
    the city, a district, not the province.
    """
    name = unicodedata.normalize("NFC", re.sub(r"\s+", " ", (name or "").strip()))
    key = _clean(name)
    has_city_prefix = bool(re.match(r"^(?:thành phố|tp\b|tp\.|t\.p)", key))
    province = province_name(name)
    _, _, central = _provinces()
    if subject_type in (None, "province") and province:
        if subject_type is None and has_city_prefix and province not in central:
            return _DISTRICT_TP.sub("thành phố ", name), "district"
        return province, "province"
    if subject_type is None:
        if re.match(r"^(?:huyện|quận|thị xã|thành phố|tp\b|tp\.)", key):
            subject_type = "district"
        elif re.match(r"^(?:sở|ban|văn phòng|ủy ban|uỷ ban|đài|trung tâm|công an|tỉnh đoàn|bộ chỉ huy)", key):
            subject_type = "agency"
        elif key in ("việt nam", "cả nước", "vn"):
            return "Việt Nam", "country"
        else:
            subject_type = "other"
    if subject_type == "district":
        name = _DISTRICT_TP.sub("thành phố ", name)
    return name, subject_type


@functools.lru_cache(maxsize=8192)    # audit asks for the same few hundred names many times
def subject_key(name: str, subject_type: str) -> tuple[str, str]:
    """What two subjects must share to be the same: type and folded canonical name."""
    canon, stype = canonical_subject(name, subject_type)
    return stype, tone_fold(canon)


def metric_in(text: str) -> Optional[str]:
    """The vocabulary metric a header or phrase names (the extractor's own rules); None if none."""
    from pipeline.extract.metrics import find_metrics
    return next((m.id for m in find_metrics(text or "") if m.vocab), None)


def index_metrics() -> frozenset[str]:
    """Ranked indices: a claim about one of them must say which year."""
    from pipeline.extract.metrics import VOCABULARY
    return frozenset(VOCABULARY)
