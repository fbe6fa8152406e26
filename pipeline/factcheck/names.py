"""How the fact-checker names things: subjects and metrics, through the extractor's own
gazetteer (pipeline/extract/gazetteer.py), so a claim, an official table, the audit and a
document name one province, ministry or agency alike (BR-VT, Bà Rịa – Vũng Tàu, TP.HCM,
Thanh Hoá / Thanh Hóa, Bộ TT&TT).

`tone_fold` keeps every letter and tone and only evens out the tone's placement, so Thanh Hoá
and Thanh Hóa meet while names that differ by a tone stay apart (Hà Nam / Hà Nội). The store's
lookup of a typed name (store/reference_data.py) is blinder on purpose and drops every mark
(`textnorm.fold`), for a researcher typing "thanh hoa".
"""
from __future__ import annotations

import functools
import re
import unicodedata
from typing import Optional

from pipeline.extract.gazetteer import CENTRAL_CITIES, canonical_province, find_subjects, tone_variants
from pipeline.textnorm import normalize_text

_DISTRICT_TP = re.compile(r"^(?:tp\.?|t\.p\.?)\s*(?=\w)", re.IGNORECASE)


def _clean(name: str) -> str:
    """Lower case, NFC, one space, one spelling of a hyphen (en dashes too)."""
    text = normalize_text(unicodedata.normalize("NFC", (name or "").strip())).lower()
    return re.sub(r"\s+", " ", re.sub(r"\s*[-–—]\s*", " - ", text)).strip()


@functools.lru_cache(maxsize=8192)
def tone_fold(text: str) -> str:
    """Lower case, NFC, one space, one tone placement: the gazetteer's variants of the name,
    the first of them in order, so old and new placement (hoá/hóa, thuỷ/thủy) fold alike."""
    clean = _clean(text)
    return min(tone_variants(clean)) if clean else ""


def province_name(name: str) -> Optional[str]:
    """The canonical province for a spelling (with or without prefix, alias, marks), or None."""
    clean = normalize_text(name or "").strip()
    return canonical_province(clean) if clean else None


def _mention(name: str):
    """The one subject the gazetteer reads in `name` when it covers the whole of it."""
    clean = normalize_text(name or "").strip()
    found = find_subjects(clean)
    if len(found) == 1 and found[0].start == 0 and found[0].end >= len(clean.rstrip(" .")):
        return found[0]
    return None


def canonical_subject(name: str, subject_type: Optional[str] = None) -> tuple[str, str]:
    """(canonical name, subject type), as the extractor names it; the type is guessed when not given.

    A city prefix on a province that is not a centrally-run city ("thành phố Lào Cai") names
    the city, a district, not the province.
    """
    name = normalize_text(unicodedata.normalize("NFC", re.sub(r"\s+", " ", (name or "").strip())))
    key = _clean(name)
    has_city_prefix = bool(re.match(r"^(?:thành phố|tp\b|tp\.|t\.p)", key))
    province = province_name(name)
    if subject_type in (None, "province") and province:
        if subject_type is None and has_city_prefix and province not in CENTRAL_CITIES:
            return _DISTRICT_TP.sub("thành phố ", name), "district"
        return province, "province"
    mention = _mention(name)
    if mention is not None and mention.type != "province" and subject_type in (None, mention.type):
        return mention.name, mention.type           # Bộ TT&TT → Bộ Thông tin và Truyền thông
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
