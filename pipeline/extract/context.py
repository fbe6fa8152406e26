"""What a sentence needs from its document: the article's province, its reference date, the
DTI year it talks about, and year mentions with their roles."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from pipeline.extract.gazetteer import document_province
from pipeline.extract.metrics import find_metrics
from pipeline.extract.numbers import english_style
from pipeline.models import Document

YEAR_RE = re.compile(r"(?<![\d/.,])((?:19[5-9]|20[0-9])\d)(?![\d/%]|\s*(?:%|triệu|tỷ|nghìn))")
DATE_RE = re.compile(r"(?<!\d)(\d{1,2})\s*[/-]\s*(\d{1,2})\s*[/-]\s*((?:19|20)\d{2})(?!\d)")


@dataclass
class YearMention:
    start: int
    end: int
    year: int
    role: str          # plain | compare ('so với năm 2022') | period_start | period_end | date | deadline


def find_years(text: str) -> list[YearMention]:
    out = []
    # 'tháng 9/2025', 'quý II/2025': the time a figure is measured at
    for m in re.finditer(r"(?:tháng\s+\d{1,2}|quý\s+(?:I{1,3}|IV|[1-4]))\s*/\s*((?:19|20)\d{2})(?!\d)", text, re.I):
        out.append(YearMention(m.start(1), m.end(1), int(m.group(1)), "plain"))
    dates = [(m.start(), m.end()) for m in DATE_RE.finditer(text)]
    for m in YEAR_RE.finditer(text):
        if any(a <= m.start() < b for a, b in dates):
            out.append(YearMention(m.start(), m.end(), int(m.group(1)), "date"))
            continue
        before = text[max(0, m.start() - 40):m.start()].lower()
        after = text[m.end():m.end() + 12]
        role = "plain"
        if re.search(r"tháng\s+\d{1,2}\s*(?:năm\s+)?$|ngày\s+\d{1,2}\s*/\s*\d{1,2}\s*/?\s*$", before):
            out.append(YearMention(m.start(), m.end(), int(m.group(1)), "date"))  # 'ngày 18 tháng 4 năm 2025'
            continue
        if re.match(r"\s*[-–]\s*(?:19|20)\d{2}(?!\d)", after) and not re.search(r"(?:nhiệm\s+kỳ|khóa|khoá)\s+$", before):
            out.append(YearMention(m.start(), m.end(), int(m.group(1)), "period_start"))
            continue
        if re.search(r"so\s+với\s+(?:cùng\s+kỳ\s+)?(?:[^\d,.;]{0,25}?\s)?(?:năm\s+)?(?:\d{4}\s*(?:và|,)\s*)?$", before) or \
                re.search(r"(?:nhiệm\s+kỳ|khóa|khoá)\s+$", before):
            role = "compare"
        elif re.search(r"(?:giai\s+đoạn|từ\s+năm|từ)\s+$", before) and re.match(r"\s*[-–]\s*\d{4}|\s+đến\s+(?:năm\s+)?\d{4}", after):
            role = "period_start"
        elif re.search(r"\d{4}\s*[-–]\s*$", before) or re.search(r"\d{4}\s+đến\s+(?:năm\s+)?$", before):
            role = "period_end"
        elif re.search(r"(?:đến|tới|vào)\s+(?:hết\s+|cuối\s+)?(?:năm\s+)?$", before):
            role = "deadline"
        elif re.search(r"(?:tầm\s+nhìn|định\s+hướng)(?:\s+đến)?\s+(?:năm\s+)?$", before):
            role = "vision"
        out.append(YearMention(m.start(), m.end(), int(m.group(1)), role))
    out.sort(key=lambda y: y.start)
    return out


_PUB_DATE_RE = re.compile(r"(?:ngày\s+)?(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*((?:19|20)\d{2})")


def reference_year(doc: Document) -> Optional[int]:
    """The year the document was written: its publication date, else a dated byline."""
    for when in (doc.published, doc.metadata.get("issued")):
        m = re.match(r"(\d{4})", str(when or ""))
        if m:
            return int(m.group(1))
    # plain-text documents: a byline such as '(Báo …, Thứ Ba, ngày 21/10/2025 - 13:38 GMT+7)'
    for line in doc.text.split("\n"):
        if re.search(r"GMT|Nguồn|Cập\s+nhật|Đăng\s+(?:ngày|lúc)|Ngày\s+đăng", line):
            m = _PUB_DATE_RE.search(line)
            if m:
                return int(m.group(3))
    m = _PUB_DATE_RE.search(doc.text[:800])
    return int(m.group(3)) if m else None


DTI_FAMILY = ("dti",)


@dataclass
class DocContext:
    province: Optional[str]
    ref_year: Optional[int]
    dti_year: Optional[int]
    title_year: Optional[int]
    dti_doc: bool
    title: str = ""
    dti_year_explicit: Optional[int] = None   # the DTI year as the text states it (not inferred)
    national: bool = False                     # about the whole country, no one province
    sections: dict = field(default_factory=dict)  # paragraph index → due year of a target section (or 0)
    ranking_lines: dict = field(default_factory=dict)  # paragraph index → metric of a numbered ranking list
    english_numbers: bool = False              # decimals written with '.', thousands with ','
    common_total: Optional[int] = None         # the ranking size the text uses most ('/63', '34 tỉnh')
    notes: dict = field(default_factory=dict)


def _year_after(text: str, pos: int) -> Optional[int]:
    m = re.match(r"(?:\s*(?:\([^)]{0,70}\)|cấp\s+(?:tỉnh|bộ|huyện)|của\s+[^,.;()]{0,30}?(?=\s+năm)))*"
                 r"\s*(?:năm\s+)?((?:19|20)\d{2})(?![\d/])", text[pos:pos + 140])
    return int(m.group(1)) if m else None


def build_context(doc: Document) -> DocContext:
    text = doc.text
    title = doc.title or text.split("\n", 1)[0]
    province = doc.metadata.get("province") or document_province(title, text)
    ref = reference_year(doc)
    dti_year = None
    for m in find_metrics(text[:6000]):
        if m.id.startswith("dti"):
            y = _year_after(text, m.end)
            if y:
                dti_year = y
                break
    explicit = dti_year
    title_years = [y for y in find_years(title) if y.role in ("plain", "deadline")]
    title_year = title_years[0].year if title_years else None
    if dti_year is None and ref is not None:
        dti_year = ref - 1
    dti_doc = bool(re.search(r"chuyển\s+đổi\s+số|\bDTI\b|CĐS", title + "\n" + text[:4000], re.I))
    national = province is None and bool(re.search(r"cả\s+nước|toàn\s+quốc|quốc\s+gia|Việt\s+Nam|63\s+tỉnh|34\s+tỉnh",
                                                   title + "\n" + text[:3000], re.I))
    return DocContext(province=province, ref_year=ref, dti_year=dti_year, title_year=title_year,
                      dti_doc=dti_doc, title=title, dti_year_explicit=explicit, national=national,
                      sections=target_sections(text, ref), ranking_lines=ranking_lines(text),
                      english_numbers=english_style(text), common_total=common_total(text))


def common_total(text: str) -> Optional[int]:
    """The size of the provincial ranking the text speaks of most: 63 or 34 (or another stated size)."""
    counts: dict[int, int] = {}
    for m in re.finditer(r"(?:thứ|hạng|vị\s+trí)\s+\d{1,2}\s*/\s*(\d{2,3})(?!\d)|(?<![\d,.])(\d{2,3})\s+tỉnh,?\s+thành", text):
        n = int(m.group(1) or m.group(2))
        counts[n] = counts.get(n, 0) + 1
    return max(counts, key=counts.get) if counts else None


def ranking_lines(text: str) -> dict:
    """Paragraphs that are numbered lines of a ranking ('1. Sở Tư pháp: 776,10 điểm'): at least
    two consecutive numbered lines holding a score, under text that speaks of a ranking."""
    lines = text.split("\n")
    out: dict = {}
    run: list = []
    line_re = re.compile(r"^\s*(?:Hạng\s+|Thứ\s+)?\d{1,3}\s*[.):]\s+\S.{0,120}?(?:[:\-–(]|với|đạt)\s*\d[\d.,]*\s*(?:/\s*[\d.]+\s*)?(?:điểm)?")

    def flush():
        if len(run) >= 2:
            context = "\n".join(lines[max(0, run[0] - 6):run[0]])
            if re.search(r"xếp\s+hạng|kết\s+quả|bảng|đứng\s+đầu|dẫn\s+đầu|thứ\s+tự|điểm", context, re.I):
                ms = [m for m in find_metrics(context) if m.vocab]
                for i in run:
                    out[i] = ms[-1].id if ms else None
        run.clear()

    for i, line in enumerate(lines):
        if not line.strip():
            continue
        if line_re.match(line):
            run.append(i)
        else:
            flush()
    flush()
    return out


HEADING_RE = re.compile(r"^(?:[IVX]+|[A-Z]|\d+(?:\.\d+)*)[.)]\s+\S")
SECTION_CUE = re.compile(r"mục\s+tiêu|chỉ\s+tiêu|phấn\s+đấu|định\s+hướng|kế\s+hoạch|nhiệm\s+vụ|tầm\s+nhìn", re.I)


def target_sections(text: str, ref_year: Optional[int]) -> dict:
    """Paragraphs that sit under a target heading ('II. CHỈ TIÊU CỤ THỂ ĐẾN NĂM 2025', 'Mục tiêu
    đến năm 2030:'), mapped to the heading's due year (0 when it names none)."""
    out: dict[int, int] = {}
    frame: Optional[int] = None
    list_frame = False
    for i, line in enumerate(text.split("\n")):
        stripped = line.strip()
        if not stripped:
            continue
        letters = [c for c in stripped if c.isalpha()]
        upper = letters and sum(c.isupper() for c in letters) / len(letters) > 0.7
        top_heading = len(stripped) < 120 and (re.match(r"^[IVX]+[.)]\s", stripped) or (upper and len(letters) > 6))
        colon_heading = stripped.endswith(":") and len(stripped) < 200
        if top_heading or colon_heading:
            if SECTION_CUE.search(stripped):
                years = [y.year for y in find_years(stripped) if ref_year is None or y.year >= ref_year]
                frame = years[-1] if years else 0
                list_frame = bool(colon_heading and not top_heading)
                continue
            if top_heading:
                frame = None
                continue
        if frame is not None:
            if list_frame and not re.match(r"^(?:[-+•*–]|\d+[.)]|[a-zđ][.)])\s", stripped):
                frame = None
                continue
            out[i] = frame
    return out
