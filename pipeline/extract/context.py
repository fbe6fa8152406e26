"""What every sentence needs from its document: the article's province, its date, the DTI
edition it speaks of, the index it is about, and the headings that frame its paragraphs (a
target section, an assessment of a past year)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Optional

from pipeline import domain
from pipeline.extract.gazetteer import document_province
from pipeline.extract.metrics import MetricMention, find_metrics
from pipeline.extract.numbers import english_style
from pipeline.models import Document

_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)\d{2})(?!\d)")
_PUBLISHED_CUE = re.compile(r"(?i)công\s+bố[^.;\n]{0,40}?(?:hồi|vào|trong|ngày|hôm)?\s*(?:cuối|đầu|giữa)?\s*"
                            r"(?:tháng\s+(?P<m>\d{1,2})\s*[/.]\s*(?P<y>(?:19|20)\d{2})|"
                            r"(?P<d2>\d{1,2})\s*/\s*(?P<m2>\d{1,2})\s*/\s*(?P<y2>(?:19|20)\d{2}))")
_YEAR_AFTER_METRIC = re.compile(r"(?:\s*(?:\([^)]{0,40}\)|,|cấp\s+(?:tỉnh|bộ|quốc\s+gia|sở|huyện|xã)|của\s+[^,.;()]{0,40}?(?=\s+năm)))*"
                                r"\s*(?:năm\s+)?((?:19|20)\d{2})(?![\d/])")
_HEADING_TARGET = re.compile(r"(?i)mục\s+tiêu|chỉ\s+tiêu|phấn\s+đấu|nhiệm\s+vụ\s+(?:và\s+giải\s+pháp|trọng\s+tâm)|"
                             r"kế\s+hoạch\s+năm|định\s+hướng|tầm\s+nhìn")
_HEADING_DONE = re.compile(r"(?i)đánh\s+giá|kết\s+quả|tình\s+hình\s+thực\s+hiện|thực\s+trạng|hiện\s+trạng|"
                           r"đã\s+đạt|tổng\s+kết|sơ\s+kết")


_DX_TOPIC = re.compile(r"(?i)số\s+hóa|số\s+hoá|công\s+nghệ\s+thông\s+tin|\bCNTT\b|dịch\s+vụ\s+công|"
                       r"định\s+danh|VNeID|căn\s+cước|chữ\s+ký\s+số|hóa\s+đơn\s+điện\s+tử|hoá\s+đơn\s+điện\s+tử|"
                       r"an\s+toàn\s+thông\s+tin|an\s+ninh\s+mạng|tấn\s+công\s+mạng|kinh\s+tế\s+số|xã\s+hội\s+số|"
                       r"chính\s+quyền\s+số|thương\s+mại\s+điện\s+tử|\b[45]G\b|cáp\s+quang|"
                       r"chính\s+quyền\s+điện\s+tử|chính\s+phủ\s+điện\s+tử|đô\s+thị\s+thông\s+minh|\bICT\b|"
                       r"PAR\s*Index|SIPAS|\bPCI\b|PAPI|cải\s+cách\s+hành\s+chính|thủ\s+tục\s+hành\s+chính|"
                       r"nền\s+tảng\s+số|khoa\s+học\s+và\s+công\s+nghệ|đổi\s+mới\s+sáng\s+tạo|"
                       r"trí\s+tuệ\s+nhân\s+tạo|điện\s+toán|thanh\s+toán\s+không\s+dùng\s+tiền\s+mặt")
# words any text may use in passing ('vé bán trực tuyến', 'phòng họp trực tuyến'): two of them
# make a text about the field, one does not
_DX_WEAK = re.compile(r"(?i)trực\s+tuyến|Internet|viễn\s+thông|dữ\s+liệu|phần\s+mềm|\bAI\b|công\s+nghệ\s+số")


def _about_the_field(text: str) -> bool:
    return bool(_DX_TOPIC.search(text)) or len({m.group().lower() for m in _DX_WEAK.finditer(text)}) >= 2


@dataclass
class HeadingFrame:
    year: Optional[int]
    target: Optional[bool]        # True: a target section; False: an assessment; None: neither
    level: int


@dataclass
class DocContext:
    title: str
    province: Optional[str]
    published: Optional[dt.date]
    ref_year: Optional[int]
    edition: Optional[int]                     # the DTI edition the text speaks of
    edition_stated: bool                       # named by the text, not inferred from a date
    topic: Optional[MetricMention]             # the index the text is about, when it names one
    dti_doc: bool
    national: bool
    english: bool
    title_year: Optional[int] = None
    headings: dict = field(default_factory=dict)   # paragraph index → HeadingFrame
    dx_doc: bool = True                        # about digital transformation, ICT or administrative reform
    report_year: Optional[int] = None          # the year the text reports on ('báo cáo … năm 2024')
    index_years: dict = field(default_factory=dict)   # index family → the year first stated with it


def _date(value) -> Optional[dt.date]:
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", str(value or ""))
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    return None


def _byline_date(text: str) -> Optional[dt.date]:
    """A dated byline near the top ('Thu Hà 16:14, 05/04/2023', '21/10/2025'), for plain text."""
    for m in _DATE.finditer(text[:600]):
        try:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            continue
    return None


def stated_edition(text: str, found: Optional[list] = None) -> Optional[int]:
    """The DTI edition the text names first: 'DTI 2024', 'chỉ số chuyển đổi số năm 2021' (`found`:
    the text's metric mentions, when already read)."""
    for m in (find_metrics(text) if found is None else found):
        if m.id.startswith("dti"):
            y = _YEAR_AFTER_METRIC.match(text, m.end)
            if y:
                return int(y.group(1))
    return None


def stated_index_years(text: str, found: Optional[list] = None) -> dict[str, int]:
    """The year the text first names each other index with: 'ICT Index năm 2023' → {'ict_index': 2023}."""
    out: dict[str, int] = {}
    for m in (find_metrics(text) if found is None else found):
        family = m.id.split(".")[0]
        if family != "dti" and family not in out:
            y = _YEAR_AFTER_METRIC.match(text, m.end)
            if y:
                out[family] = int(y.group(1))
    return out


def _published_edition(text: str) -> Optional[int]:
    """'được Bộ TT&TT công bố hồi tháng 7.2023': the edition published then."""
    m = _PUBLISHED_CUE.search(text)
    if not m:
        return None
    if m.group("y"):
        when = dt.date(int(m.group("y")), int(m.group("m")) if 1 <= int(m.group("m")) <= 12 else 12, 28)
    else:
        try:
            when = dt.date(int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))
        except ValueError:
            return None
    return domain.edition_published_by("dti", when)


def _topic(title: str, lead: str) -> Optional[MetricMention]:
    about = _about_topic(title)
    if about is not None and not find_metrics(about.phrase):
        return about
    for chunk in (title, lead):
        found = find_metrics(chunk)
        if found:
            named = [m for m in found if m.vocab] or found
            if named[0].id.startswith("dti."):
                # 'Huế: Hạ tầng số đứng thứ hai cả nước': a sub-index is the topic of the sentences
                # that name it; a place stated without a name is the overall index's
                return MetricMention(-1, -1, "dti", "chuyển đổi số", True)
            return named[0]
    return None


_REPORT_YEAR = re.compile(r"(?i)\b(?:năm|tháng\s+\d{1,2}\s*/|quý\s+(?:[IV]{1,3}|\d)\s*/)\s*((?:19|20)\d{2})(?![\d/-])")


def _report_year(title: str, lead: str) -> Optional[int]:
    """The year a text reports on when it says so early ('Trong báo cáo … năm 2024, …', 'trong
    tháng 2/2024, …'), not a year it compares with or counts from."""
    for chunk in (title, lead):
        for m in _REPORT_YEAR.finditer(chunk):
            before = chunk[max(0, m.start() - 25):m.start()].lower()
            if re.search(r"so với|cùng kỳ|từ|đến|tới|kể từ|trước|ngày\s*\d*\s*$|định hướng|tầm nhìn|giai đoạn", before):
                continue
            return int(m.group(1))
    return None


def _about_topic(title: str) -> Optional[MetricMention]:
    """'Bắc Ninh dẫn đầu cả nước về tỉ trọng kinh tế số trên GRDP': what a title ranks."""
    m = re.search(r"(?i)(?:dẫn\s+đầu|đứng\s+đầu|xếp\s+thứ\s+\S+|đứng\s+thứ\s+\S+|top\s+\d+|tốp\s+\d+)[^.]*?\bvề\s+(.{6,80})$",
                  title.strip())
    if not m:
        return None
    from pipeline.extract.indicators import identify
    phrase = m.group(1).strip(" .")
    if re.search(r"(?i)chuyển\s+đổi\s+số|\bDTI\b", phrase):
        return MetricMention(-1, -1, "dti", phrase, True)
    return MetricMention(-1, -1, identify(phrase), phrase, False)


def heading_frames(text: str) -> dict:
    """Paragraphs that sit under a heading which makes them targets ('I. MỤC TIÊU') or an
    assessment of a year ('ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN NĂM 2022'), with that heading's year."""
    out: dict[int, HeadingFrame] = {}
    stack: list[HeadingFrame] = []
    lines = text.split("\n")
    for i, line in enumerate(lines):
        s = line.strip()
        if not s:
            continue
        level = _heading_level(s)
        if level is not None:
            while stack and stack[-1].level >= level:
                stack.pop()
            done, target = bool(_HEADING_DONE.search(s)), bool(_HEADING_TARGET.search(s))
            years = [int(y) for y in re.findall(r"(?<![\d/])((?:19|20)\d{2})(?![\d/])", s)]
            frame = HeadingFrame(years[-1] if years else None, False if done else (True if target else None), level)
            if level == 0 and i + 1 < len(lines) and _heading_level(lines[i + 1].strip()) == 99:
                pass
            stack.append(frame)
            continue
        if stack:
            year = next((f.year for f in reversed(stack) if f.year), None)
            target = next((f.target for f in reversed(stack) if f.target is not None), None)
            out[i] = HeadingFrame(year, target, stack[-1].level)
    return out


def _heading_level(s: str) -> Optional[int]:
    if len(s) > 140 or s.endswith((".", ";")) and len(s) > 60:
        return None
    letters = [c for c in s if c.isalpha()]
    upper = bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8 and len(letters) > 5
    if re.match(r"(?i)^phần\s+(?:[IVX]+|\d+)\b", s):
        return 0
    if re.match(r"^[IVX]+[.)]\s+\S", s):
        return 1
    if re.match(r"^\d+[.)]\s+\S", s) and (s.endswith(":") or len(s) < 90) and not re.search(r"\d[.,]\d", s[3:]):
        return 2
    if re.match(r"^\d+\.\d+[.)]?\s+\S", s) and len(s) < 90:
        return 3
    if upper:
        return 1
    if re.match(r"^[a-zđ][.)]\s+\S", s) and len(s) < 90:
        return 4
    return None


def build_context(doc: Document) -> DocContext:
    text = doc.text
    title = doc.title or text.split("\n", 1)[0]
    lead = text[:2500]
    province = doc.metadata.get("province") or document_province(title, text)
    published = _date(doc.published) or _date(doc.metadata.get("issued")) or _byline_date(text)
    body = text[:20000]
    in_body = find_metrics(body)          # read once: the edition and the other indices' years come from it
    stated = stated_edition(title) or stated_edition(body, in_body)
    edition = stated
    if edition is None:
        edition = _published_edition(lead)
    if edition is None and published is not None:
        edition = domain.edition_published_by("dti", published)
    ref_year = published.year if published else None
    title_years = [int(y) for y in re.findall(r"(?<![\d/.])((?:19|20)\d{2})(?![\d/])", title)]
    dti_doc = bool(re.search(r"chuyển\s+đổi\s+số|\bDTI\b|CĐS", title + "\n" + lead, re.I))
    dx_doc = dti_doc or _about_the_field(title + "\n" + lead)
    national = province is None and bool(re.search(r"cả\s+nước|toàn\s+quốc|quốc\s+gia|Việt\s+Nam|63\s+tỉnh|34\s+tỉnh",
                                                   title + "\n" + lead, re.I))
    return DocContext(title=title, province=province, published=published, ref_year=ref_year, edition=edition,
                      edition_stated=stated is not None, topic=_topic(title, lead[:1200]), dti_doc=dti_doc,
                      national=national, english=english_style(text),
                      title_year=title_years[0] if title_years else None, headings=heading_frames(text),
                      dx_doc=dx_doc, report_year=_report_year(title, lead[:900]),
                      index_years={**stated_index_years(body, in_body), **stated_index_years(title)})
