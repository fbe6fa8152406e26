"""Subjects: provinces (the 63 before the 2025 merger and the 34 after, under every name and
prefix), districts and cities, provincial agencies, ministries and the nation.

Matching runs on the text as stored (offsets stay exact); both tone-mark spellings
(Thanh Hoá / Thanh Hóa) are generated as variants instead of rewriting the text.
"""
from __future__ import annotations

import csv
import functools
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import Optional

from pipeline.textnorm import fold, phrase_alternation

# Latin capitals including every precomposed Vietnamese capital (the À..Ỹ range mixes cases,
# so the class is built from the characters themselves).
UPPER = "A-Z" + "".join(sorted({c for c in map(chr, range(0xC0, 0x1EFA)) if c.isupper() and c.isalpha()}))
CAP_WORD = rf"[{UPPER}][\wÀ-ỹ]*"

# Old-style ↔ new-style tone placement on oa/oe/uy: hoà ↔ hòa, khoẻ ↔ khỏe, thuỷ ↔ thủy.
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _move_tone(word: str, to_first: bool) -> str:
    nfd = unicodedata.normalize("NFD", word)
    base = "".join(c for c in nfd if c not in _TONES)
    tones = [c for c in nfd if c in _TONES]
    if len(tones) != 1:
        return word
    low = base.lower()
    for pair in ("oa", "oe", "uy"):
        i = low.find(pair)
        if i >= 0 and i + 2 == len(low):  # only when the pair ends the syllable
            pos = i + 1 if to_first else i + 2
            out = base[:pos] + tones[0] + base[pos:]
            return unicodedata.normalize("NFC", out)
    return word


def tone_variants(name: str) -> set[str]:
    """The name with both tone placements on each word: {'Thanh Hóa', 'Thanh Hoá'}."""
    words = name.split(" ")
    variants = {""}
    for w in words:
        options = {w, _move_tone(w, True), _move_tone(w, False)}
        variants = {(v + " " + o).strip() for v in variants for o in options}
    return variants


@dataclass(frozen=True)
class Province:
    name: str          # canonical (the spec's form): 'Lào Cai', 'Huế', 'Hồ Chí Minh'
    code: str
    name_2025: str
    centrally_run: bool


# Canonical names where the spec prefers another form than the reference table.
CANONICAL = {"Thừa Thiên Huế": "Huế"}

# Other written forms of a province (besides tone variants and prefixes).
EXTRA_ALIASES = {
    "Hồ Chí Minh": ["TP.HCM", "TP. HCM", "TPHCM", "TP HCM", "Tp.HCM", "Tp. HCM", "TP.Hồ Chí Minh",
                    "Sài Gòn", "HCMC", "Ho Chi Minh City", "Ho Chi Minh"],
    "Huế": ["Thừa Thiên Huế", "Thừa Thiên - Huế", "Thừa Thiên-Huế", "TT-Huế", "TT Huế", "Thua Thien Hue"],
    "Bà Rịa - Vũng Tàu": ["Bà Rịa-Vũng Tàu", "Bà Rịa Vũng Tàu", "BR-VT", "BRVT"],
    "Hà Nội": ["Thủ đô Hà Nội", "Hanoi", "Ha Noi"],
    "Đắk Lắk": ["Đắc Lắc", "Đăk Lăk", "Đắk Lăk", "Daklak", "Dak Lak"],
    "Đắk Nông": ["Đắc Nông", "Đăk Nông", "Dak Nong"],
    "Kon Tum": ["Kontum"],
    "Đà Nẵng": ["Da Nang"],
    "Hải Phòng": ["Hai Phong"],
    "Cần Thơ": ["Can Tho"],
}

PROVINCE_PREFIX = r"(?:(?i:tỉnh|thành\s+phố|thủ\s+đô)|TP\.?|Tp\.?)"


@functools.lru_cache(maxsize=1)
def provinces() -> dict[str, Province]:
    """Canonical name → Province, for the 63 provinces before 2025 (new names are among them)."""
    out = {}
    with resources.files("pipeline.data").joinpath("provinces.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name = CANONICAL.get(row["name_until_2025"], row["name_until_2025"])
            new = CANONICAL.get(row["name_from_2025"], row["name_from_2025"])
            out[name] = Province(name, row["code_2004"], new, row["centrally_run_city_from_2025"] == "yes")
    return out


CENTRAL_CITIES = {"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế"}


@functools.lru_cache(maxsize=1)
def province_aliases() -> dict[str, str]:
    """Every written form (exact case) → canonical name."""
    out = {}
    for name in provinces():
        forms = {name} | set(EXTRA_ALIASES.get(name, []))
        for form in forms:
            for v in tone_variants(form):
                out[v] = name
                out[v.upper()] = name
    return out


@functools.lru_cache(maxsize=1)
def province_regex() -> re.Pattern:
    alt = phrase_alternation(province_aliases())
    return re.compile(rf"(?<![\w.])(?:(?P<prefix>{PROVINCE_PREFIX})\s+)?(?P<name>{alt})(?![\w])")


def canonical_province(text: str) -> Optional[str]:
    """The canonical province for a written name (with or without prefix), or None."""
    t = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text.strip()))
    t = re.sub(r"\s*[–—‐-]\s*", " - ", t)        # 'Bà Rịa – Vũng Tàu', 'Bà Rịa-Vũng Tàu': one dash
    t = re.sub(rf"^{PROVINCE_PREFIX}\s*", "", t, flags=re.I) if not t.upper().startswith("TP.HCM") else t
    aliases = province_aliases()
    if t in aliases:
        return aliases[t]
    return _folded_aliases().get(fold(t))


@functools.lru_cache(maxsize=1)
def _folded_aliases() -> dict[str, str]:
    """Spelling-blind key of every written form → canonical name, built once."""
    return {fold(form): name for form, name in province_aliases().items()}


@dataclass
class SubjectMention:
    start: int
    end: int
    name: str             # canonical
    type: str             # province | district | agency | ministry | country | other
    province: Optional[str] = None
    attribution: bool = False   # 'theo Bộ …', 'của Bộ …': a source, not a subject


DISTRICT_PREFIX = r"(?:(?i:thành\s+phố|thị\s+xã|huyện|quận|thị\s+trấn)|TP\.?|Tp\.?)"
COMMUNE_PREFIX = r"(?:xã|phường|đặc\s+khu)"

# Agency heads; the name continues with capitalised words and connectors (see _agency_end).
AGENCY_HEADS = [
    r"Sở", r"Ban", r"Văn\s+phòng", r"Đài", r"Tỉnh\s+đoàn", r"Thành\s+đoàn", r"Công\s+an\s+(?:tỉnh|thành\s+phố)",
    r"Bộ\s+Chỉ\s+huy", r"Bảo\s+hiểm\s+xã\s+hội", r"Kho\s+bạc\s+Nhà\s+nước", r"Thanh\s+tra\s+tỉnh", r"Cục",
    r"Chi\s+cục", r"Trung\s+tâm", r"Ủy\s+ban\s+(?:Mặt\s+trận|Kiểm\s+tra|nhân\s+dân)", r"UBND", r"Hội\s+(?:Nông\s+dân|Liên\s+hiệp|Cựu\s+chiến\s+binh)",
    r"Liên\s+đoàn\s+Lao\s+động", r"Báo", r"Tòa\s+án\s+nhân\s+dân", r"Viện\s+Kiểm\s+sát\s+nhân\s+dân",
    r"Ngân\s+hàng\s+Nhà\s+nước", r"Hải\s+quan", r"Sở,\s+ngành",
]
AGENCY_RE = re.compile(rf"(?<![\w])(?:{'|'.join(AGENCY_HEADS)})(?=\s+[{UPPER}]|\s+tỉnh\b|\s+thành\s+phố\b)")
# Companies and banks ranked in their own groups (ICT Index): 'Ngân hàng TMCP Kỹ Thương Việt Nam',
# 'Tập đoàn Điện lực Việt Nam', 'Tổng công ty Lương thực miền Nam'.
COMPANY_RE = re.compile(rf"(?<![\w])(?:Ngân\s+hàng(?:\s+(?:TMCP|Thương\s+mại\s+cổ\s+phần))?|Tập\s+đoàn|Tổng\s+công\s+ty|"
                        rf"Công\s+ty(?:\s+(?:cổ\s+phần|TNHH))?)(?=\s+[{UPPER}])")
# Agencies whose whole name is a fixed phrase.
STANDALONE_AGENCY_RE = re.compile(r"(?<![\w])(Tỉnh\s+đoàn|Thành\s+đoàn|Công\s+an\s+tỉnh|Thanh\s+tra\s+tỉnh|"
                                  r"Văn\s+phòng\s+(?:UBND|HĐND|Ủy\s+ban\s+nhân\s+dân)\s+tỉnh|Văn\s+phòng\s+Tỉnh\s+ủy|"
                                  r"Văn\s+phòng\s+Đoàn\s+ĐBQH(?:\s+và\s+HĐND)?\s+tỉnh)(?![\w])")
CENTRAL_AGENCY_RE = re.compile(
    r"(?<![\w])(Viện\s+Hàn\s+lâm\s+Khoa\s+học\s+(?:và\s+Công\s+nghệ|Xã\s+hội)\s+Việt\s+Nam|"
    r"Ủy\s+ban\s+Quản\s+lý\s+vốn\s+nhà\s+nước\s+tại\s+doanh\s+nghiệp|Ủy\s+ban\s+Dân\s+tộc|"
    r"Đài\s+Truyền\s+hình\s+Việt\s+Nam|Đài\s+Tiếng\s+nói\s+Việt\s+Nam|Thông\s+tấn\s+xã\s+Việt\s+Nam|"
    r"Bảo\s+hiểm\s+xã\s+hội\s+Việt\s+Nam|Ngân\s+hàng\s+Nhà\s+nước(?:\s+Việt\s+Nam)?|Thanh\s+tra\s+Chính\s+phủ|"
    r"Văn\s+phòng\s+Chính\s+phủ|Kiểm\s+toán\s+(?:N|n)hà\s+nước|Viện\s+Kiểm\s+sát\s+nhân\s+dân\s+tối\s+cao|"
    r"Tòa\s+án\s+nhân\s+dân\s+tối\s+cao|Đại\s+học\s+Quốc\s+gia\s+(?:Hà\s+Nội|Thành\s+phố\s+Hồ\s+Chí\s+Minh))(?![\w])")
MINISTRY_RE = re.compile(rf"(?<![\w])(?:Bộ|Ngân\s+hàng\s+Nhà\s+nước\s+Việt\s+Nam|Văn\s+phòng\s+Chính\s+phủ|Thanh\s+tra\s+Chính\s+phủ)"
                         rf"(?=\s+[{UPPER}])")
COUNTRY_RE = re.compile(r"(?<![\w])(Việt\s+Nam|nước\s+ta)(?![\w])")
# 'Việt Nam' inside a proper name is not the nation as a subject.
COUNTRY_NOT = re.compile(r"(Mặt\s+trận\s+Tổ\s+quốc|chủ\s+nghĩa|Cộng\s+sản|Ngân\s+hàng\s+Nhà\s+nước|Liên\s+hiệp|"
                         r"Tập\s+đoàn|Tổng\s+công\s+ty|Hội|Đài|Thông\s+tấn\s+xã|Báo|Công\s+ty|Chính\s+phủ|"
                         r"người|Đại\s+học|Học\s+viện)[\w\s]{0,20}$", re.I)

# Lower-case words that may continue an agency name ('Sở Y tế', 'Đài Phát thanh - Truyền hình tỉnh').
_NAME_STOP = set("""là đạt xếp đứng dẫn có với được đã đang sẽ trong của về tại theo cùng lần tăng giảm tụt
vươn lên xuống giữ nằm thuộc ở từ đến so năm chiếm gồm bao cũng thì mà nhưng như khi vì do để còn và,
hiện tiếp cho biết vừa mới luôn tiếp nhấn chia khẳng đề yêu báo thông tổ triển thực phê ban đánh công
trở này đó ấy hạng nhất nhì bậc điểm vị thứ xác định nêu tiếp luôn giành chỉ vào lọt góp ghi""".split())
# Lower-case words that do continue names ('Giao thông vận tải', 'Phát triển nông thôn', 'Y tế').
_NAME_CONTINUE = set("""tế chính dục tạo động binh hội trường thông tin truyền nghệ học tư vụ pháp dựng tải nghiệp
triển thôn hóa hoá thao lịch hoạch đầu tượng nguyên ngoại nội thương dân tộc giáo tôn trị chức vận tuyên
kiểm tra sát án lao cứu khoa hình phát thanh thực lực miền""".split())


def _starts_new_name(rest: str) -> bool:
    """Does `rest` open another subject (a new agency, ministry, province or district)?"""
    return bool(AGENCY_RE.match(rest) or MINISTRY_RE.match(rest) or CENTRAL_AGENCY_RE.match(rest) or
                STANDALONE_AGENCY_RE.match(rest) or
                re.match(rf"(?:{PROVINCE_PREFIX}|{DISTRICT_PREFIX})\s", rest) or province_regex().match(rest))


def _name_end(text: str, pos: int, limit: int) -> int:
    """End of a proper name that starts at `pos`: capitalised words, with lower-case words
    after them ('Y tế'), joined by 'và', '-', ','. Stops at punctuation or a verb/preposition."""
    i = pos
    end = pos
    last_cap = False
    n_lower = 0
    while i < limit:
        m = re.match(r"\s*([\w&À-ỹ]+|-|,)", text[i:limit])
        if not m:
            break
        tok = m.group(1)
        tok_end = i + m.end()
        if tok == "-":
            nxt = re.match(rf"\s*[{UPPER}]", text[tok_end:limit])
            if not nxt:
                break
            i = tok_end
            continue
        if tok == ",":
            # a comma continues a name only before a capitalised word that is not a new head
            rest = text[tok_end:limit]
            if re.match(rf"\s*[{UPPER}]", rest) and not _starts_new_name(rest.lstrip()):
                i = tok_end
                continue
            break
        if tok[0].isupper() or tok[0].isdigit() or tok in ("&",):
            last_cap, n_lower = True, 0
            end = tok_end
        elif tok == "và":
            rest = text[tok_end:limit]
            nxt = re.match(rf"\s*[{UPPER}]", rest)
            if not nxt or _starts_new_name(rest.lstrip()):
                break
        elif tok in ("tỉnh", "thành", "phố", "huyện") and last_cap is not None:
            # 'Truyền hình tỉnh', 'Văn phòng UBND tỉnh': the trailing province word
            end = tok_end
            if tok == "thành":
                m2 = re.match(r"\s+phố", text[tok_end:limit])
                if m2:
                    end = tok_end + m2.end()
                    tok_end = end
        elif (tok.lower() in _NAME_STOP and tok.lower() not in _NAME_CONTINUE) or n_lower >= 3 or not last_cap:
            break
        else:
            n_lower += 1
            end = tok_end
        i = tok_end
    return end


FAMILY_NAMES = set("""Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trịnh Đoàn Lương
Mai Tô Lâm Tạ Cao Chu Vương Quách Triệu Thái Kiều Lưu Từ Đào Giang Hứa Tăng Văn Thị Đức Hữu Ngọc Minh Quang""".split())


def _after_person_name(text: str, pos: int) -> bool:
    m = re.search(r"([\wÀ-ỹ]+)\s+$", text[max(0, pos - 20):pos])
    return bool(m) and m.group(1) in FAMILY_NAMES


def _spaces(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


@functools.lru_cache(maxsize=1)
def _bodies() -> dict:
    import yaml
    return yaml.safe_load(resources.files("pipeline.data").joinpath("bodies.yaml").read_text("utf-8"))


def _body_key(name: str) -> str:
    """'Bộ Văn hóa - Thể thao và Du lịch' and 'Bộ Văn hóa, Thể thao và Du lịch' are one name."""
    return re.sub(r"\s*[,\-–]\s*", ", ", _spaces(name)).lower()


@functools.lru_cache(maxsize=1)
def _body_patterns() -> tuple[re.Pattern, re.Pattern, dict[str, tuple[str, str]]]:
    """Ministries, central agencies and companies (bodies.yaml) under every written form: full
    names case-insensitively, abbreviations as written."""
    forms: dict[str, tuple[str, str]] = {}
    for section, kind in (("ministries", "ministry"), ("agencies", "agency"), ("companies", "other"),
                          ("countries", "country")):
        for entry in _bodies().get(section) or []:
            for form in [entry["name"]] + list(entry.get("aliases") or []):
                for v in tone_variants(form):
                    forms[v] = (entry["name"], kind)
    names = {f for f in forms if any(c.islower() for c in f.split(" ", 1)[-1]) and len(f) > 8}
    abbrevs = {f for f in forms if f not in names}

    def alt(items):      # ', ' and ' - ' between a name's parts are one joint, written either way
        return phrase_alternation({x.replace(", ", ",").replace(" - ", ",") for x in items},
                                  special={",": r"\s*[,\-–]\s*"})
    names = {n.lower() for n in names}        # matched case-insensitively
    by_key = {_body_key(k): v for k, v in forms.items()}
    return (re.compile(rf"(?<![\w&])(?:{alt(names)})(?![\w&])", re.I),
            re.compile(rf"(?<![\w&])(?:{alt(abbrevs)})(?![\w&])"), by_key)


def find_bodies(text: str) -> list[SubjectMention]:
    names, abbrevs, by_key = _body_patterns()
    out = []
    for rx in (names, abbrevs):
        for m in rx.finditer(text):
            hit = by_key.get(_body_key(m.group()))
            if hit:
                out.append(SubjectMention(m.start(), m.end(), hit[0], hit[1]))
    return out


@functools.lru_cache(maxsize=1)
def _unit_re() -> tuple[re.Pattern, dict[str, str]]:
    units = _bodies().get("units") or {}
    alt = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    return re.compile(rf"(?<![\w&])(?:{alt})(?![\w&])"), units


def expand_units(name: str) -> str:
    """'Sở TT&TT' → 'Sở Thông tin và Truyền thông', 'Văn phòng UBND tỉnh' → '… Ủy ban nhân dân tỉnh'."""
    rx, units = _unit_re()
    return rx.sub(lambda m: units[m.group()], name)


_NAME = rf"[{UPPER}][\wÀ-ỹ]*(?:\s+[{UPPER}][\wÀ-ỹ]*){{0,3}}"
# 'các huyện Mường Lát, Quan Sơn và Quan Hóa', '3 huyện đứng cuối gồm Mường Lát, Quan Sơn và Quan Hóa':
# one unit noun before a list of bare names makes each of them a unit of that kind
_BARE_LIST = re.compile(
    rf"(?<![\w])(?P<noun>(?i:huyện|quận|thị\s+xã|xã(?!\s+hội)|phường))"
    rf"(?P<gap>(?:\s+[^\s.;:,]+){{0,6}}?\s+(?:gồm|là|có)\s*:?\s*|\s*:\s*|\s+)"
    rf"(?P<list>{_NAME}(?:\s*,\s*{_NAME})*\s*(?:,\s*)?\s+và\s+{_NAME}|{_NAME}(?:\s*,\s*{_NAME})+)")


def _bare_members(text: str, default_province: Optional[str]) -> list[SubjectMention]:
    out = []
    for m in _BARE_LIST.finditer(text):
        noun = _spaces(m.group("noun")).lower()
        kind = "other" if noun in ("xã", "phường") else "district"
        for n in re.finditer(_NAME, m.group("list")):
            name = _spaces(n.group())
            if canonical_province(name) or name.split()[0].lower() in ("tỉnh", "thành", "tp", "huyện", "quận"):
                continue      # 'huyện A và tỉnh B': the list has left the unit noun
            if name.isupper():
                continue      # 'quận A, UBND quận B': an abbreviation ('UBND', 'HĐND') names no unit
            a = m.start("list") + n.start()
            out.append(SubjectMention(a, a + len(n.group()), f"{noun} {name}", kind, default_province))
    return out


def find_subjects(text: str, default_province: Optional[str] = None) -> list[SubjectMention]:
    """Subject mentions in `text`, left to right, without overlaps (longest wins)."""
    found: list[SubjectMention] = []
    bodies = find_bodies(text)
    body_spans = [(b.start, b.end) for b in bodies]

    def in_body(pos: int) -> bool:
        return any(a <= pos < b for a, b in body_spans)
    # districts and cities first: 'thành phố Lào Cai' is a district, not the province
    for m in re.finditer(rf"(?<![\w])({DISTRICT_PREFIX})\s+([{UPPER}][\wÀ-ỹ]*(?:\s+[{UPPER}][\wÀ-ỹ]*){{0,3}})", text):
        prefix = re.sub(r"\s+", " ", m.group(1)).lower()  # 'Huyện Bá Thước' → 'huyện Bá Thước' 
        raw = m.group(2)
        prov = canonical_province(raw)
        low = prefix.lower()
        if prov and (low.startswith("thành phố") or low.startswith("tp")):
            if prov in CENTRAL_CITIES:
                found.append(SubjectMention(m.start(), m.end(), prov, "province"))
                continue
            found.append(SubjectMention(m.start(), m.end(), "thành phố " + _spaces(raw), "district", prov))
            continue
        if prov and low in ("tp", "tp."):
            found.append(SubjectMention(m.start(), m.end(), prov, "province"))
            continue
        if low.startswith("tp"):
            prefix = "thành phố"
        name = prefix + " " + _spaces(raw)
        found.append(SubjectMention(m.start(), m.end(), name, "district", default_province))
    found.extend(_bare_members(text, default_province))
    for m in re.finditer(r"(?<![\w])([Qq]uận)\s+(\d{1,2})(?![\w,.]\d)", text):
        found.append(SubjectMention(m.start(), m.end(), "quận " + m.group(2), "district", default_province))
    for m in re.finditer(rf"(?<![\w])({COMMUNE_PREFIX})\s+([{UPPER}][\wÀ-ỹ]*(?:\s+[{UPPER}][\wÀ-ỹ]*){{0,3}})", text):
        name = _spaces(m.group(1)).lower() + " " + _spaces(m.group(2))
        found.append(SubjectMention(m.start(), m.end(), name, "other", default_province))
    for m in province_regex().finditer(text):
        if not m.group("prefix") and _after_person_name(text, m.start()):
            continue     # 'Phó Thủ tướng Nguyễn Hòa Bình': a person, not the province
        found.append(SubjectMention(m.start(), m.end(), province_aliases()[m.group("name")]
                                    if m.group("name") in province_aliases()
                                    else canonical_province(m.group("name")), "province"))
    for m in AGENCY_RE.finditer(text):
        if in_body(m.start()):
            continue
        end = _name_end(text, m.end(), min(len(text), m.end() + 90))
        if end <= m.end():
            continue
        name = re.sub(r"\s+", " ", text[m.start():end]).strip(" ,")
        full = expand_units(name)
        prov = default_province
        pm = province_regex().search(name)
        if pm and pm.end() == len(name):
            prov = province_aliases().get(pm.group("name"), prov)
        source = bool(re.search(r"(?:^|[\s,(])[Tt]heo\s*$", text[max(0, m.start() - 8):m.start()]))
        found.append(SubjectMention(m.start(), m.start() + len(text[m.start():end].rstrip(" ,")), full,
                                    "agency", prov, attribution=source))
    for m in COMPANY_RE.finditer(text):
        if in_body(m.start()) or text.startswith("Ngân hàng Nhà nước", m.start()):
            continue
        end = _name_end(text, m.end(), min(len(text), m.end() + 70))
        if end > m.end():
            found.append(SubjectMention(m.start(), end, _spaces(text[m.start():end]).strip(" ,"), "other"))
    for m in STANDALONE_AGENCY_RE.finditer(text):
        found.append(SubjectMention(m.start(), m.end(), expand_units(_spaces(m.group(1))), "agency", default_province))
    for m in MINISTRY_RE.finditer(text):
        if in_body(m.start()):
            continue
        end = _name_end(text, m.end(), min(len(text), m.end() + 80))
        if end <= m.end():
            continue
        name = re.sub(r"\s+", " ", text[m.start():end]).strip(" ,")
        if re.match(r"Bộ\s+(chỉ\s+số|tiêu\s+chí|Chính\s+trị|CHQS|Chỉ\s+huy)", name, re.I):
            continue
        before = text[max(0, m.start() - 30):m.start()].lower()
        after = text[m.start() + len(name):m.start() + len(name) + 30].lower()
        attribution = bool(re.search(_SOURCE_BEFORE, before)) or \
            bool(re.match(r"\s*(?:vừa\s+|đã\s+|chính\s+thức\s+)?(?:công\s+bố|ban\s+hành|tổ\s+chức|đánh\s+giá\s+và)", after))
        found.append(SubjectMention(m.start(), m.start() + len(name), expand_units(name), "ministry", None,
                                    attribution))
    for m in COUNTRY_RE.finditer(text):
        if COUNTRY_NOT.search(text[max(0, m.start() - 60):m.start()]):
            continue
        found.append(SubjectMention(m.start(), m.end(), "Việt Nam", "country"))
    for b in bodies:
        before = text[max(0, b.start - 30):b.start].lower()
        after = text[b.end:b.end + 30].lower()
        b.attribution = b.type == "ministry" and (
            bool(re.search(_SOURCE_BEFORE, before)) or
            bool(re.match(r"\s*(?:\([^)]*\)\s*)?(?:vừa\s+|đã\s+|chính\s+thức\s+)?(?:công\s+bố|ban\s+hành|tổ\s+chức|"
                          r"đánh\s+giá\s+và|phối\s+hợp|cho\s+biết|chủ\s+trì|hướng\s+dẫn)", after)))
    # bodies named in full win over the generic name readers; then longest first, non-overlapping
    found = [f for f in found if not any(a <= f.start < b or f.start < a < f.end and f.type in ("ministry", "agency")
                                         for a, b in body_spans)]
    found.extend(bodies)
    found.sort(key=lambda s: (-(s.end - s.start), s.start))
    kept: list[SubjectMention] = []
    for s in found:
        if all(s.end <= k.start or s.start >= k.end for k in kept):
            kept.append(s)
    kept.sort(key=lambda s: s.start)
    for s in kept:
        # 'UBND quận Hải Châu': the district's committee is the district, in one mention
        m = _COMMITTEE_BEFORE.search(text, 0, s.start)
        if s.type == "district" and m and m.end() == s.start and \
                all(k.end <= m.start() or k is s for k in kept if k.start < s.start):
            s.start = m.start()
    return kept


_COMMITTEE_BEFORE = re.compile(r"(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+$")


# the words before a ministry's name that make it a source, not the one ranked: 'theo', 'do', or a
# report 'của' it ('báo cáo của Bộ …'; 'hệ thống … của Bộ Tài chính' is the ministry's own)
_SOURCE_BEFORE = (r"(?:theo|do|bởi|từ|tại|cùng|được|vừa\s+được|(?:báo\s+cáo|công\s+bố|số\s+liệu|thống\s+kê|đánh\s+giá|"
                  r"kết\s+quả|khảo\s+sát|quyết\s+định|hướng\s+dẫn|đề\s+nghị|chỉ\s+đạo|văn\s+bản|đại\s+diện|"
                  r"lãnh\s+đạo|đoàn(?:\s+công\s+tác)?)\s+của)\s*$")


def document_province(title: str, text: str) -> Optional[str]:
    """The province an article is about: the most mentioned in the title and opening, if any."""
    counts: dict[str, float] = {}
    for weight, chunk in ((3.0, title), (1.0, text[:3000])):
        for s in find_subjects(chunk):
            prov = s.name if s.type == "province" else s.province
            if prov and s.type in ("province", "district", "agency"):   # 'UBND tỉnh Phú Thọ' names it too
                counts[prov] = counts.get(prov, 0) + weight
    if not counts:
        return None
    best = max(counts.values())
    leaders = [p for p, c in counts.items() if c == best]
    return leaders[0] if len(leaders) == 1 else None
