"""The tagged token stream of one sentence: figures, ordinals, years, dates and codes, subjects,
metrics and lexicon classes, each token with its exact span in the document text.

Tags a token can carry (besides lexicon class names, see lexicon.yaml):
  NUM      a figure (value; `int` when whole, `dec` when written with decimals, `small` when ≤ 999)
  PCT      a percentage (value)
  FRAC     'a/b' (value a, value2 b)
  RANGE    'a-b', 'a đến b' (value a, value2 b; `PCT` too when a '%' follows)
  ORD      an ordinal of a ranking: 'thứ 14', 'thứ 14/34', 'thứ hai', 'hạng nhất', 'No.1'
  ORDX     an ordinal that ranks nothing: 'lần thứ 3', 'năm thứ hai'
  NUMWORD  a number in words before a noun: 'ba đơn vị', 'hai trụ cột'
  YEAR     a year (value)
  DATE     a date or a month ('19/10', 'tháng 7/2023'; value2 holds its year when written)
  CODE     what looks like a figure and is none: decision numbers, times, phone numbers, file names
  SUBJ     a subject (ref: SubjectMention)     METRIC  a metric (ref: MetricMention)
  PUNCT    punctuation, with `comma`, `semi`, `colon`, `lpar`, `rpar`, `dash`, `period`, `quote`, `slash`
  W        any other word
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any, Optional

from pipeline.extract import lexicon
from pipeline.extract.gazetteer import SubjectMention, find_subjects
from pipeline.extract.metrics import find_metrics
from pipeline.extract.numbers import apply_multipliers, parse_number, qualifier_before
from pipeline.textnorm import phrase_alternation

NUMBER_WORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "sáu": 6, "bảy": 7, "bẩy": 7,
                "tám": 8, "chín": 9, "mười": 10, "nhất": 1, "nhì": 2}
_UNITS_AFTER_TEN = {"một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "lăm": 5, "năm": 5, "sáu": 6,
                    "bảy": 7, "tám": 8, "chín": 9}
_NUMWORD = r"(?:mười(?:\s+(?:một|hai|ba|bốn|tư|lăm|năm|sáu|bảy|tám|chín))?|(?:hai|ba|bốn)\s+mươi(?:\s+(?:mốt|hai|ba|bốn|tư|lăm|sáu|bảy|tám|chín))?|nhất|nhì|một|hai|ba|bốn|tư|năm|sáu|bảy|bẩy|tám|chín)"
_NUM = r"\d[\d.,]*\d|\d"


def number_word_value(words: str) -> Optional[int]:
    """'ba' → 3, 'mười lăm' → 15, 'hai mươi mốt' → 21."""
    w = words.lower().split()
    if not w:
        return None
    if w[0] == "mười":
        return 10 + (_UNITS_AFTER_TEN.get(w[1], 0) if len(w) > 1 else 0)
    if len(w) >= 2 and w[1] == "mươi":
        return NUMBER_WORDS[w[0]] * 10 + (_UNITS_AFTER_TEN.get(w[2], 0) if len(w) > 2 else 0)
    return NUMBER_WORDS.get(w[0])


@dataclass
class Token:
    i: int
    start: int                 # offsets in the document text
    end: int
    text: str
    tags: frozenset
    value: Optional[float] = None
    value2: Optional[float] = None
    qualifier: str = "exact"
    ref: Any = None

    def has(self, *tags: str) -> bool:
        return not self.tags.isdisjoint(tags)


@dataclass
class Tagged:
    """A sentence as tokens, with the code string the construction patterns run on."""
    text: str                  # the sentence
    offset: int                # where it starts in the document text
    paragraph: int
    tokens: list[Token]
    code: str = ""
    code_starts: list[int] = field(default_factory=list)

    def token_at(self, code_pos: int) -> int:
        """Index of the token whose code starts at or before `code_pos`."""
        return bisect.bisect_right(self.code_starts, code_pos) - 1

    def span_text(self, i: int, j: int) -> str:
        """Text covered by tokens i..j-1."""
        if i >= j:
            return ""
        a, b = self.tokens[i].start - self.offset, self.tokens[j - 1].end - self.offset
        return self.text[a:b]

    def subjects(self, i: int = 0, j: Optional[int] = None) -> list[Token]:
        return [t for t in self.tokens[i:j] if "SUBJ" in t.tags]


# ----------------------------------------------------------------------------- figure scanning

_CODE_RES = [
    re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+"),
    re.compile(r"[\w\-.]*\d[\w\-.]*\.(?:jpe?g|png|gif|webp|svg|pdf|docx?|xlsx?)\b", re.I),
    re.compile(r"(?<![\w/])\d+(?:[/-]\d+)*[/-](?:[A-ZĐ][\wĐđ&]*)(?:[/-][\wĐđ&]+)*"),   # 401/QĐ-UBND, 57-NQ/TW
    re.compile(r"(?i:" + phrase_alternation(["đề án", "nghị quyết", "chỉ thị", "quyết định", "kế hoạch", "công văn",
                                              "thông tư", "nghị định", "luật", "chương trình", "điều", "khoản", "mục",
                                              "phụ lục", "chiến dịch"]) + r")\s+(?:số\s+)?\d[\d/.\-]*"),
    re.compile(r"(?<!\d)\d{1,2}\s*[:h]\s*\d{2}(?::\d{2})?(?!\d)(?:\s*(?:GMT|AM|PM|am|pm)(?:\s*\+\s*\d+)?)?"),
    re.compile(r"(?<![\d.,])(?:\+84|0)\d{2,3}[ .]?\d{3}[ .]?\d{3,4}(?![\d,])"),
    re.compile(r"(?<![\d/])24/7(?!\d)"),
    re.compile(r"(?<![\w.,])\d{7,}(?![\w.,])"),          # ids, image numbers
    re.compile(r"(?i:" + phrase_alternation(["lần", "năm", "kỳ", "phiên", "khóa", "khoá", "đợt", "tập", "số", "quý"]) +
               r")\s+(?:thứ\s+)?(?:[IVX]{1,4})(?![\w])"),
    re.compile(r"(?<![\w])(?i:chương\s+trình|chiến\s+dịch|cao\s+điểm)\s+\"?\d+\s+(?:ngày|đêm)[^\"]{0,12}\"?"),
    re.compile(r"(?<![\w])\d+\s+(?:ngày|đêm),\s+(?:ngày|đêm)"),
    re.compile(r"(?i)(?<![\w])(?:4\.0|[345]G\b(?!\s*%)|IPv6|Covid-19|COVID-19|H5N1|top-down)"),
]
_DATE_CUE = r"(?i:ngày|sáng|chiều|tối|trưa|đêm|hôm|lúc|từ|đến|tới|trước|sau|vào|hết|cuối|đầu|giữa)"
_DATE_RES = [
    re.compile(r"(?i)(?:ngày\s+)?\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+(\d{4})"),
    re.compile(r"(?<![\d/.,])\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*((?:19|20)\d{2})(?!\d)"),
    re.compile(r"(?i)(?:tháng|quý)\s+(?:\d{1,2}|[IVX]{1,4})\s*(?:[/.-]|năm)\s*((?:19|20)\d{2})(?!\d)"),
    re.compile(rf"(?<![\w]){_DATE_CUE}\s+(?:ngày\s+)?(?P<d>\d{{1,2}}\s*[/.-]\s*\d{{1,2}})(?![\d/]|[.,]\d)"),
    # a weekday before its date ('Thứ Hai, 08/08/2022', 'thứ 3 (12/3)'), not a place before a score ('thứ hai (0.3668)')
    re.compile(r"(?i)(?<![\w])thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])(?=\s*[,(-]\s*(?:ngày\s+)?(?:0?[1-9]|[12]\d|3[01])\s*[/.-]\s*(?:0?[1-9]|1[0-2])(?!\d))"),
    re.compile(r"(?i)(?<![\w])(?:chủ\s+nhật|thứ\s+(?:hai|ba|tư|năm|sáu|bảy))(?=\s*,\s*(?:ngày\s+)?(?:0?[1-9]|[12]\d|3[01])\s*[/.-])"),
    re.compile(r"(?i)(?<![\w])\d{1,2}\s+tháng\s+(?:đầu|cuối)\s+năm\s+((?:19|20)\d{2})(?!\d)"),  # '6 tháng đầu năm 2023'
    re.compile(r"(?i)(?<![\w])\d{1,2}\s+tháng(?:\s+(?:đầu|cuối|qua))?(?:\s+năm)?(?![\w])"),   # '6 tháng đầu năm'
    re.compile(r"(?i)(?<![\w])tháng\s+\d{1,2}(?![\d/.,%])"),
]
_ORD_BLOCK = re.compile(r"(?i)(?:lần|năm|kỳ|khóa|khoá|đợt|phiên|họp|hội\s+nghị|lớp|tầng|(?<!tế\s)(?<!hội\s)(?<!quyền\s)số|điều|chương|mục|bước|"
                        r"giai\s+đoạn|tuần|ngày|tháng|quý|đại\s+hội|nhiệm\s+kỳ|liên\s+tiếp|mùa|vòng|tiết)\s*$")
_ORD_RE = re.compile(rf"(?i)(?<![\w])(?P<head>thứ|hạng)\s+(?P<n>\d{{1,3}}|{_NUMWORD})"
                     rf"(?![\w,.]\d)(?:\s*/\s*(?P<total>\d{{1,3}})(?![\d/]))?(?![\w])")
_ORD_EN = re.compile(r"(?i)(?<![\w])(?:No\.?\s*|#)(?P<n>\d{1,2})(?![\d%]|[.,]\d)")     # '#4.' ends a sentence
_RANGE_RE = re.compile(rf"(?i)(?P<from>từ\s+)?(?P<a>{_NUM})\s*(?P<pa>%)?\s*(?:-|–|đến|tới)\s*(?P<b>{_NUM})"
                       rf"(?:\s*/\s*(?P<scale>{_NUM}))?(?P<pb>\s?%)?(?![\d/])")
_FRAC_RE = re.compile(rf"(?<![\d.,/])(?P<a>{_NUM})\s*/\s*(?P<b>{_NUM})(?![\d/])")
_NUM_RE = re.compile(rf"(?<![\w.,])(?<!\d/)(?<!\d\s/)(?P<a>{_NUM})(?![\w])")
_MULT_RE = re.compile(r"\s+(nghìn|ngàn|ngìn|triệu|tỷ|tỉ|thousand|million|billion)(?![\w])(?!\s+(?:trọng|lệ)\b)", re.I)
_PCT_RE = re.compile(r"\s?(?:%|phần\s+trăm|percent)")
_NUMWORD_RE = re.compile(rf"(?i)(?<![\w])(?P<w>{_NUMWORD})(?=\s+[\w])")
_GE_RE = re.compile(r"(?:≥|>=|>|≤|<=|<)\s*$")


_ZERO_PADDED = re.compile(r"0\d")
_AT_LEAST_BEFORE = re.compile(r"(?:≥|>=|>)\s*$")
_AT_MOST_BEFORE = re.compile(r"(?:≤|<=|<)\s*$")
_AT_LEAST_AFTER = re.compile(r"\s*(?:trở\s+lên|trở\s+đi)")
_AT_MOST_AFTER = re.compile(r"\s*trở\s+xuống")
_LEVEL_BEFORE = re.compile(r"(?:mức\s+độ|cấp\s+độ|mức|loại)\s*(?:\d+\s*(?:,|và|và\s+mức)\s*)*$")
_POINTS_AFTER = re.compile(r"\s+điểm")
_INDEX_BEFORE = re.compile(r"(?:chỉ\s+số|tiêu\s+chí)\s*$")


@dataclass
class _Span:
    start: int
    end: int
    tags: set
    value: Optional[float] = None
    value2: Optional[float] = None
    qualifier: str = "exact"
    ref: Any = None


def _value(raw: str, english: bool) -> Optional[float]:
    """parse_number, and zero-padded small counts ('08', '02/34') that it leaves to phone numbers."""
    if _ZERO_PADDED.fullmatch(raw):
        return float(raw)
    return parse_number(raw, english)


class _Claimed:
    """The character spans taken so far; `free(a, b)`: [a, b) overlaps none of them, i.e.
    b <= x or a >= y for every taken (x, y). A mask of the characters taken answers that in one
    scan for a span of text; the spans themselves are kept for what the mask cannot tell (a
    taken empty span still blocks the spans strictly around it; an empty query is checked
    against each span)."""
    __slots__ = ("mask", "spans", "points")

    def __init__(self, n: int):
        self.mask = bytearray(n)
        self.spans: list[tuple[int, int]] = []
        self.points: list[int] = []

    def free(self, a: int, b: int) -> bool:
        if a >= b:
            return all(b <= x or a >= y for x, y in self.spans)
        if self.mask.find(1, a, b) >= 0:
            return False
        return not any(a < p < b for p in self.points)

    def take(self, a: int, b: int) -> None:
        self.spans.append((a, b))
        if a >= b:
            self.points.append(a)
        else:
            self.mask[a:b] = b"\x01" * (b - a)


def _qualifier(text: str, start: int, end: int) -> str:
    q, _ = qualifier_before(text, start)
    before = text[max(0, start - 3):start]
    if _AT_LEAST_BEFORE.search(before):
        q = "at_least"
    elif _AT_MOST_BEFORE.search(before):
        q = "at_most"
    after = text[end:end + 16].lower()
    if _AT_LEAST_AFTER.match(after):
        q = "at_least"
    elif _AT_MOST_AFTER.match(after):
        q = "at_most"
    return q


def scan_figures(text: str, english: bool = False) -> list[_Span]:
    """Figures and figure-like tokens of `text`, non-overlapping, the more specific first."""
    spans: list[_Span] = []
    claimed = _Claimed(len(text))

    def claim(a, b, tags, **kw) -> bool:
        if not claimed.free(a, b):
            return False
        claimed.take(a, b)
        spans.append(_Span(a, b, set(tags), **kw))
        return True

    for rx in _CODE_RES:
        for m in rx.finditer(text):
            claim(m.start(), m.end(), {"CODE"})
    for rx in _DATE_RES:
        for m in rx.finditer(text):
            if "d" in rx.groupindex:      # a day/month after its cue word: only the date is claimed
                claim(m.start("d"), m.end("d"), {"DATE"})
                continue
            year = int(m.group(1)) if m.groups() and m.group(1) else None
            claim(m.start(), m.end(), {"DATE"}, value2=year)
    for m in _ORD_RE.finditer(text):
        n = m.group("n")
        value = float(n) if n.isdigit() else number_word_value(n)
        if value is None or value == 0:
            continue
        blocked = bool(_ORD_BLOCK.search(text[max(0, m.start() - 20):m.start()]))
        head = m.group("head").lower()
        if head == "hạng" and n.isdigit():
            continue       # 'hạng 5' is a rank noun and a number, read by the constructions
        if head == "hạng" and value > 3 and not n.isdigit():
            continue       # 'hạng tư' is rare; 'hạng năm' is mostly a year
        tags = {"ORDX"} if blocked else {"ORD"}
        if head.startswith("hạng"):
            tags.add("rank_noun")
        total = float(m.group("total")) if m.group("total") else None
        claim(m.start(), m.end(), tags, value=value, value2=total)
    for m in _ORD_EN.finditer(text):
        value = float(m.group("n"))
        claim(m.start(), m.end(), {"ORD"}, value=value)
    for m in _RANGE_RE.finditer(text):
        a, b = parse_number(m.group("a"), english), parse_number(m.group("b"), english)
        if a is None or b is None or not a < b:
            continue
        if a >= 1900 and b <= 2100 and float(a).is_integer() and len(m.group("a")) == 4:
            claim(m.start("a"), m.end("b"), {"YEAR", "period"}, value=a, value2=b)
            continue
        tags = {"RANGE"}
        if m.group("pa") or m.group("pb"):
            tags.add("PCT")
        scale = parse_number(m.group("scale"), english) if m.group("scale") else None
        end = m.end()
        start = m.start("a") if not m.group("from") else m.start()
        claim(start, end, tags, value=a, value2=b, ref=scale)
    for m in _FRAC_RE.finditer(text):
        a, b = _value(m.group("a"), english), _value(m.group("b"), english)
        if a is None or b is None or b == 0:
            continue
        end = m.end()
        pct = _PCT_RE.match(text, end)
        tags = {"FRAC"}
        if float(a).is_integer():
            tags.add("int")
        claim(m.start(), pct.end() if pct else end, tags, value=a, value2=b,
              qualifier=_qualifier(text, m.start(), end))
    for m in _NUM_RE.finditer(text):
        raw = m.group("a")
        value = _value(raw, english)
        if value is None:
            continue
        end = m.end()
        tags = {"NUM"}
        if len(raw) == 4 and raw.isdigit() and 1990 <= value <= 2039 and not _MULT_RE.match(text, end) \
                and not _PCT_RE.match(text, end):
            claim(m.start(), end, {"YEAR"}, value=value)
            continue
        value, after = apply_multipliers(text, end, value, _MULT_RE)
        mult = after != end
        if mult:
            tags.add("mult")
        end = after
        pct = _PCT_RE.match(text, end)
        if pct:
            end = pct.end()
            tags = {"PCT"}
        if "," in raw or ("." in raw and raw.startswith("0")) or (english and "." in raw and not mult):
            tags.add("dec")
        if float(value).is_integer():
            tags.add("int")
            if value <= 999 and not mult:
                tags.add("small")
        claim(m.start(), end, tags, value=round(value, 6), qualifier=_qualifier(text, m.start(), m.end()))
    spans.sort(key=lambda s: s.start)
    return spans


_NUMWORD_NOUN = re.compile(r"\s+(?:tỉnh|thành|địa\s+phương|đơn\s+vị|cơ\s+quan|bộ|ngành|sở|chỉ\s+số|trụ\s+cột|"
                           r"huyện|xã|quận|phường|trạm|doanh\s+nghiệp|nhóm|vị\s+trí|hạng|bậc|lĩnh\s+vực|nội\s+dung|"
                           r"tiêu\s+chí|cấp|người|hệ\s+thống|nền\s+tảng|mục\s+tiêu|nhiệm\s+vụ|giải|trong)(?![\w])", re.I)


def number_words(text: str, claimed: _Claimed) -> list[_Span]:
    """Numbers in words before a counted noun ('ba đơn vị', 'hai trụ cột'), where nothing else was read."""
    out = []
    for m in _NUMWORD_RE.finditer(text):
        w = m.group("w").lower()
        value = number_word_value(w)
        if value is None or w in ("nhất", "nhì", "tư") or not claimed.free(m.start(), m.end()):
            continue
        if not _NUMWORD_NOUN.match(text, m.end()):
            continue
        out.append(_Span(m.start(), m.end(), {"NUMWORD", "int", "small"}, value=float(value)))
    return out


# ----------------------------------------------------------------------------- the token stream

REGIONS = ["Trung du và miền núi phía Bắc", "Trung du và Miền núi phía Bắc", "TD&MNPB", "Đồng bằng sông Hồng",
           "ĐBSH", "Bắc Trung Bộ", "Duyên hải Nam Trung Bộ", "Nam Trung Bộ", "Duyên hải miền Trung", "Tây Nguyên",
           "Đông Nam Bộ", "Tây Nam Bộ", "Đồng bằng sông Cửu Long", "ĐBSCL", "Tây Bắc", "Đông Bắc", "miền Trung",
           "Miền Trung", "Đông Nam Á", "ASEAN", "châu Á", "Châu Á", "châu Á - Thái Bình Dương",
           "miền núi phía Bắc", "Miền núi phía Bắc", "Đồng bằng Bắc Bộ", "Nam Bộ", "Bắc Bộ", "Trung Bộ",
           "Bắc Trung Bộ và Duyên hải miền Trung", "Tây Nam Bộ", "miền Bắc", "miền Nam"]
_REGION_RE = re.compile(r"(?<![\w&])(?:" + "|".join(re.escape(r).replace(r"\ ", r"\s+") for r in
                                                    sorted(REGIONS, key=len, reverse=True)) + r")(?![\w&])")
_REGION_CANON = {"TD&MNPB": "Trung du và miền núi phía Bắc", "Trung du và Miền núi phía Bắc": "Trung du và miền núi phía Bắc",
                 "ĐBSH": "Đồng bằng sông Hồng", "ĐBSCL": "Đồng bằng sông Cửu Long", "Miền Trung": "miền Trung",
                 "Châu Á": "châu Á"}

_WORD_RE = re.compile(r"[\w&]+(?:['’][\w]+)?|\.\.\.|…|[^\w\s]")
_PUNCT_TAGS = {",": "comma", ";": "semi", ":": "colon", "(": "lpar", ")": "rpar", "[": "lpar", "]": "rpar",
               "-": "dash", "–": "dash", ".": "period", "!": "period", "?": "period", '"': "quote",
               "'": "quote", "“": "quote", "”": "quote", "/": "slash", "...": "ellipsis", "…": "ellipsis",
               "+": "plus", ">": "gt", "<": "lt", "≥": "gt", "≤": "lt", "*": "star", "•": "bullet"}
_SURFACE_CLEAN = re.compile(r"[\s:=|]+")


def tag_sentence(text: str, offset: int, paragraph: int, province: Optional[str] = None,
                 english: bool = False) -> Tagged:
    """Tokens of one sentence (`text` starts at `offset` in the document)."""
    spans: list[_Span] = []
    claimed = _Claimed(len(text))

    def add(s: _Span) -> None:
        if claimed.free(s.start, s.end):
            claimed.take(s.start, s.end)
            spans.append(s)

    figures = scan_figures(text, english)
    for s in figures:
        if s.tags & {"CODE", "DATE"}:
            add(s)
    subjects = find_subjects(text, province)
    for m in _REGION_RE.finditer(text):
        if any(sm.start <= m.start() and m.end() <= sm.end and sm.end - sm.start > m.end() - m.start()
               for sm in subjects):
            continue       # 'Tổng công ty Lương thực miền Nam': the region is part of a name
        name = _REGION_CANON.get(m.group(), m.group())
        add(_Span(m.start(), m.end(), {"REGION"}, ref=SubjectMention(m.start(), m.end(), name, "other")))
    for sm in subjects:
        add(_Span(sm.start, sm.end, {"SUBJ"}, ref=sm))
    for mm in find_metrics(text):
        add(_Span(mm.start, mm.end, {"METRIC"}, ref=mm))
    for s in figures:
        add(s)
    for lm in lexicon.find(text):
        add(_Span(lm.start, lm.end, set(lm.classes)))
    for s in number_words(text, claimed):
        add(s)
    for m in _WORD_RE.finditer(text):
        a, b = m.span()
        if not claimed.free(a, b):
            continue            # most words are inside a figure, a name or a phrase read above
        tok = m.group()
        claimed.take(a, b)
        spans.append(_Span(a, b, {"PUNCT", _PUNCT_TAGS[tok]} if tok in _PUNCT_TAGS else
                           ({"PUNCT"} if not tok[0].isalnum() else {"W"})))
    spans.sort(key=lambda s: s.start)
    # 'mức độ 3, 4', 'cấp độ 2': numbers that name a level are part of a name, not figures
    for n, s in enumerate(spans):
        if "NUM" in s.tags and "int" in s.tags and s.value is not None and s.value <= 10:
            before = text[max(0, s.start - 14):s.start].lower()
            after = text[s.end:s.end + 8].lower()
            if _LEVEL_BEFORE.search(before) or \
                    (s.value == 0 and _POINTS_AFTER.match(after) and _INDEX_BEFORE.search(before)):
                s.tags = (s.tags - {"NUM", "int", "small"}) | {"NAMEDNUM"}     # '28 chỉ số 0 điểm''
    # 'Thứ nhất, …' opening a sentence enumerates points, it ranks nothing
    words = [s for s in spans if "PUNCT" not in s.tags]
    if words and "ORD" in words[0].tags and text[words[0].end:words[0].end + 2].lstrip().startswith(","):
        words[0].tags = (words[0].tags - {"ORD"}) | {"ORDX"}
    tokens: list[Token] = []
    for i, s in enumerate(spans):
        tags = set(s.tags)
        surface = text[s.start:s.end]
        if surface[:1].isupper():
            tags.add("cap")
        tokens.append(Token(i, offset + s.start, offset + s.end, surface, frozenset(tags), s.value, s.value2,
                            s.qualifier, s.ref))
    tagged = Tagged(text, offset, paragraph, tokens)
    encode(tagged)
    return tagged


def encode(t: Tagged) -> None:
    """The string form of a tagged sentence the compiled patterns match against (tags and surface per token)."""
    parts, starts, pos = [], [], 0
    for tok in t.tokens:
        surface = _SURFACE_CLEAN.sub("_", tok.text.lower())[:40]
        code = ":" + ":".join(sorted(tok.tags)) + ":=" + surface + " "
        starts.append(pos)
        parts.append(code)
        pos += len(code)
    t.code = "".join(parts)
    t.code_starts = starts
