"""Vietnamese numbers: `.` groups thousands and `,` marks decimals (`1.000`, `0,7167`, `6.050`),
multipliers (`1,24 triệu`), number words (`hai mươi mốt`), qualifiers (`hơn`, `gần`), and the
tokens that look like numbers but are not figures (dates, decision numbers, phone numbers)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

MULTIPLIERS = {"nghìn": 1e3, "ngàn": 1e3, "ngìn": 1e3, "triệu": 1e6, "tỷ": 1e9, "tỉ": 1e9,
               "thousand": 1e3, "million": 1e6, "billion": 1e9}

DIGIT_WORDS = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5,
               "nhăm": 5, "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9}
ORDINAL_WORDS = {"nhất": 1, "nhì": 2, "tư": 4}

# Qualifier words that precede a figure; longest first so "hơn … một chút" and "ít nhất" win.
QUALIFIERS = [
    (r"trên\s+dưới", "approx"), (r"xấp\s+xỉ", "approx"), (r"khoảng", "approx"), (r"gần", "approx"),
    (r"chừng", "approx"), (r"ước\s+(?:tính|đạt)?", "approx"), (r"hơn", "at_least"), (r"trên", "at_least"),
    (r"ngoài", "at_least"), (r"tối\s+thiểu", "at_least"), (r"ít\s+nhất", "at_least"),
    (r"không\s+dưới", "at_least"), (r"từ", "at_least_if_tro_len"), (r"vượt", "at_least"),
    (r"dưới", "at_most"), (r"tối\s+đa", "at_most"), (r"không\s+quá", "at_most"),
    (r"chưa\s+(?:đến|tới)", "at_most"), (r"chỉ", "exact"),
]
_QUAL_RE = re.compile(r"(?:^|(?<=[\s(]))(" + "|".join(q for q, _ in QUALIFIERS) + r")\s*$", re.I)

# A figure token: digits with '.'/',' separators; validated by parse_number.
NUMBER_TOKEN = re.compile(r"(?<![\w.,/\-])(\d[\d.,]*\d|\d)(?![\w])")


def parse_number(token: str, english: bool = False) -> Optional[float]:
    """The value of a digit token written the Vietnamese way (or, unambiguously, the English way).

    '1.000' → 1000, '0,7167' → 0.7167, '6.050' → 6050, '760,39' → 760.39, '1.234,5' → 1234.5,
    '0.7167' → 0.7167 (a leading 0 cannot group thousands). Phone-like tokens ('0214.3840.888')
    and malformed groups return None.
    """
    t = token.strip()
    if not re.fullmatch(r"\d[\d.,]*", t) or t.endswith((".", ",")):
        return None
    if english and re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?|\d+(\.\d+)?", t):
        return float(t.replace(",", ""))  # a text written the English way: 1,250 and 0.6419
    if "." in t and "," in t:
        if t.rfind(",") > t.rfind("."):          # 1.234,5 (Vietnamese)
            intpart, dec = t.rsplit(",", 1)
            if not re.fullmatch(r"\d{1,3}(\.\d{3})+", intpart):
                return None
            return float(intpart.replace(".", "") + "." + dec)
        intpart, dec = t.rsplit(".", 1)           # 1,234.5 (English)
        if not re.fullmatch(r"\d{1,3}(,\d{3})+", intpart):
            return None
        return float(intpart.replace(",", "") + "." + dec)
    if "," in t:
        parts = t.split(",")
        if len(parts) != 2:
            # 1,234,567 (English grouping)
            if re.fullmatch(r"\d{1,3}(,\d{3})+", t):
                return float(t.replace(",", ""))
            return None
        return float(parts[0] + "." + parts[1])
    if "." in t:
        if re.fullmatch(r"[1-9]\d{0,2}(\.\d{3})+", t):
            return float(t.replace(".", ""))
        if t.count(".") == 1 and (t.startswith("0") or not re.fullmatch(r"\d+\.\d{3}", t)):
            return float(t)                       # 0.7167, 12.5: a decimal point
        return None
    if len(t) > 1 and t.startswith("0"):
        return None                               # 0214…: a phone or code, not a figure
    return float(t)


def format_vietnamese(value: float, decimals: int = 0) -> str:
    """Format the Vietnamese way: '.' between thousands, ',' before decimals (for tests and output)."""
    neg = value < 0
    value = abs(value)
    whole = int(value)
    frac = round(value - whole, decimals) if decimals else 0
    if decimals and round(frac * 10 ** decimals) == 10 ** decimals:
        whole, frac = whole + 1, 0
    s = f"{whole:,}".replace(",", ".")
    if decimals:
        s += "," + f"{round(frac * 10 ** decimals):0{decimals}d}"
    return ("-" if neg else "") + s


def parse_number_words(words: list[str]) -> Optional[tuple[int, int]]:
    """Read a number written in words at the start of `words`: (value, words used) or None.

    'mười lăm' → 15, 'hai mươi mốt' → 21, 'ba mươi tư' → 34, 'một trăm linh năm' → 105.
    """
    w = [x.lower() for x in words] + ["", "", ""]
    plain = {k: v for k, v in DIGIT_WORDS.items() if k not in ("mốt", "lăm", "nhăm", "không")}

    def is_year(j: int) -> bool:  # 'năm 2024' is a year, not five
        return w[j] == "năm" and bool(re.fullmatch(r"\d{4}", w[j + 1]))

    i, value = 0, 0
    if w[0] in plain and w[1] == "trăm":
        value, i = plain[w[0]] * 100, 2
        if w[i] in ("linh", "lẻ"):
            i += 1
    tens = False
    if w[i] == "mười":
        value, i, tens = value + 10, i + 1, True
    elif w[i] in plain and w[i + 1] == "mươi":
        value, i, tens = value + plain[w[i]] * 10, i + 2, True
    if w[i] in DIGIT_WORDS and w[i] != "không" and not is_year(i):
        if w[i] in ("mốt", "lăm", "nhăm") and not tens:
            return (value, i) if i else None
        if w[i] == "tư" and not tens:
            return (value, i) if i else None
        value, i = value + DIGIT_WORDS[w[i]], i + 1
    return (value, i) if i else None


@dataclass
class NumberMention:
    start: int
    end: int               # end of the figure including a multiplier word / percent sign
    value: float
    text: str
    is_percent: bool = False
    qualifier: str = "exact"
    qualifier_start: Optional[int] = None
    has_decimal: bool = False


_MULT_RE = re.compile(r"\s+(nghìn|ngàn|triệu|tỷ|tỉ|thousand|million|billion)(?!\s+đồng\s*/)", re.I)
_PERCENT_RE = re.compile(r"\s?(%|phần\s+trăm)")


def apply_multipliers(text: str, end: int, value: float, rx: re.Pattern = _MULT_RE) -> tuple[float, int]:
    """The multipliers written after a number that ends at `end`, compounded ('2,5 nghìn triệu',
    '1,5 triệu tỷ'): the value and where the figure now ends. `rx` reads one multiplier."""
    m = rx.match(text, end)
    while m:
        value *= MULTIPLIERS[m.group(1).lower()]
        end = m.end()
        m = rx.match(text, end)
    return value, end


def qualifier_before(text: str, pos: int) -> tuple[str, Optional[int]]:
    """The qualifier written just before position `pos`, and where it starts."""
    window = text[max(0, pos - 24):pos]
    m = _QUAL_RE.search(window)
    if not m:
        return "exact", None
    word = re.sub(r"\s+", " ", m.group(1).lower())
    for pattern, q in QUALIFIERS:
        if re.fullmatch(pattern, word):
            if q == "at_least_if_tro_len":
                return "exact", None
            return q, max(0, pos - 24) + m.start(1)
    return "exact", None


def english_style(text: str) -> bool:
    """Does the text write decimals with '.' (0.6419, 98.7%) rather than the Vietnamese ','?"""
    en = len(re.findall(r"(?<![\d.,])(?:0\.\d{2,4}|\d{1,3}\.\d{1,2}(?=\s*%|\s+(?:million|triệu|điểm)))(?![\d.,])", text))
    vi = len(re.findall(r"(?<![\d.,])(?:0,\d{2,4}|\d{1,3},\d{1,2}(?=\s*%|\s+(?:triệu|điểm)))(?![\d.,])", text))
    return en > vi


def find_numbers(text: str, english: bool = False) -> list[NumberMention]:
    """Every figure token in `text` that parses, with multiplier, percent sign and qualifier."""
    out = []
    for m in NUMBER_TOKEN.finditer(text):
        value = parse_number(m.group(1), english)
        if value is None:
            continue
        end = m.end()
        value, end = apply_multipliers(text, end, value)
        pct = _PERCENT_RE.match(text, end)
        is_percent = bool(pct)
        if pct:
            end = pct.end()
        qualifier, qstart = qualifier_before(text, m.start())
        after = text[end:end + 20].lower()
        if re.match(r"\s*(trở\s+lên|trở\s+đi)", after):
            qualifier = "at_least"
        elif re.match(r"\s*trở\s+xuống", after):
            qualifier = "at_most"
        out.append(NumberMention(m.start(), end, round(value, 6), m.group(1), is_percent, qualifier, qstart,
                                 has_decimal=("," in m.group(1) or (("." in m.group(1)) and
                                                                     m.group(1).startswith("0")))))
    return out


_RANGE_RE = re.compile(r"(?<![\d.,])(\d[\d.,]*)\s*(?:-|–|đến|tới)\s*(\d[\d.,]*)(?![\d.,])")


def parse_range(text: str) -> Optional[tuple[float, float]]:
    """A range written '10-15', '10 – 15' or '10 đến 15' at the start of `text`: (low, high)."""
    m = _RANGE_RE.match(text.strip())
    if not m:
        return None
    lo, hi = parse_number(m.group(1)), parse_number(m.group(2))
    if lo is None or hi is None or lo >= hi:
        return None
    return lo, hi
