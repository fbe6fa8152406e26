"""Constructions that state a figure, sentence by sentence.

Each rule finds a construction (a rank, a top group, a change of rank, a score, a percentage,
a count), then resolves its subject, metric, year and target status from the sentence, its
paragraph and the document. Rules run in order and consume the figures they use, so one figure
yields one fact.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional

from pipeline.extract.context import DocContext, YearMention, find_years
from pipeline.extract.gazetteer import UPPER, SubjectMention, find_subjects
from pipeline.extract.metrics import MetricMention, find_metrics, label_for
from pipeline.extract.numbers import NumberMention, find_numbers, parse_number, parse_number_words, qualifier_before
from pipeline.extract.sentences import Sentence
from pipeline.models import Fact

NUMWORD = (r"(?<![\w])(?:một|hai|ba|bốn|tư|năm|sáu|bảy|bẩy|tám|chín|mười|nhất|nhì)"
           r"(?:\s+(?:mươi|lăm|mốt|một|hai|ba|bốn|tư|năm|sáu|bảy|tám|chín))*(?![\w])")
INT = r"\d{1,3}"

RANK_RE = re.compile(
    rf"(?P<trigger>(?:(?:xếp|đứng|đạt|giữ|ở|nằm|vươn|leo|tụt|lùi|rơi|chiếm|duy\s+trì|giữ\s+vững|trở\s+lại|"
    rf"thăng|tăng|lên|xuống)\s+(?:(?:ở|lên|xuống|tại|vào|được|hạng\s+ở)\s+)?)?"
    rf"(?:(?:vị\s+trí|thứ\s+hạng|hạng|vị\s+thứ|rank)\s+(?:thứ\s+|số\s+)?|(?<![\w])thứ\s+))"
    rf"(?P<num>{INT}|{NUMWORD})(?![\w,.]\d)(?:\s*/\s*(?P<total>\d{{1,3}})(?![\d/]))?", re.I)
RANK_VERB_BEFORE = re.compile(r"(?:xếp|đứng|đạt|giữ|ở|nằm|vươn\s+lên|leo\s+lên|tụt|chiếm|thuộc\s+về|là)\s*$", re.I)
NOT_RANK_BEFORE = re.compile(r"(?:lần|năm|kỳ|khóa|khoá|đợt|phiên|ngày|tuần|tháng|giải|hội\s+nghị|cuộc|"
                             r"quý|lớp|tầng|số|điều|chương|mục|bước)\s*$", re.I)
RANK1_RE = re.compile(
    r"(?<!người\s)(?P<trigger>(?:đứng|xếp)\s+(?:ở\s+)?(?:vị\s+trí\s+)?(?:đầu|số\s+(?:1|một)|thứ\s+nhất)(?!\s+(?:tiên|đoàn))|"
    r"dẫn\s+đầu|quán\s+quân|giữ\s+ngôi\s+(?:đầu|vương)|vị\s+trí\s+(?:số\s+(?:1|một)|dẫn\s+đầu|cao\s+nhất)|"
    r"xếp\s+(?:hạng\s+)?cao\s+nhất|(?:xếp\s+)?hạng\s+nhất|giữ\s+ngôi\s+đầu|ranked\s+#\s*1|No\.?\s*1(?!\d)|#1(?!\d))", re.I)
RANK_EN_RE = re.compile(r"(?P<trigger>(?:ranked|vị\s+trí|hạng|đứng|giữ|lên|xếp|ở)\s+)(?:#|No\.?\s*)(?P<num>\d{1,3})(?!\d)|"
                        r"(?P<runner>runner[-\s]up|á\s+quân|hạng\s+nhì|ngôi\s+nhì)", re.I)
LAST_RE = re.compile(r"(?:xếp|đứng|nằm|ở)\s+(?:ở\s+)?(?:vị\s+trí\s+)?(?:cuối\s+cùng|cuối\s+bảng|cuối)(?!\s+(?:năm|kỳ|tháng))", re.I)
GROUP_NOUN = (r"(?:tỉnh,?\s*thành(?:\s+phố)?|tỉnh,?\s*thành|tỉnh|thành\s+phố|địa\s+phương|đơn\s+vị|cơ\s+quan|quận|huyện|"
              r"sở,?\s*(?:ban,?\s*)?ngành|bộ,?\s*ngành|bộ|quốc\s+gia|nước|xã|phường|doanh\s+nghiệp)")
TOP_RE = re.compile(
    rf"(?<![\w])(?P<word>top|tốp|nhóm|bottom)\s+(?P<num>{INT}|{NUMWORD})(?![\d,.]|\s*[-–]\s*\d|\s*(?:%|điểm|chỉ\s+số|trụ\s+cột))"
    rf"(?P<rest>[^.;:]{{0,80}})", re.I)
TOP_IN_RE = re.compile(
    rf"(?:trong|vào|thuộc)\s+(?:số\s+)?(?P<num>{INT}|{NUMWORD})\s+{GROUP_NOUN}(?:\s+\w+){{0,3}}?\s+"
    rf"(?P<dir>dẫn\s+đầu|đứng\s+đầu|cao\s+nhất|xếp\s+đầu|tốt\s+nhất|đứng\s+cuối|thấp\s+nhất|xếp\s+cuối)", re.I)
LIST_INTRO_RE = re.compile(
    rf"(?:(?P<num>{INT}|{NUMWORD})\s+)?(?:{GROUP_NOUN})?\s*(?:[^.;:]{{0,60}}?\s)?"
    rf"(?P<dir>dẫn\s+đầu|đứng\s+đầu|xếp\s+đầu|cao\s+nhất|đứng\s+cuối|xếp\s+cuối|cuối\s+bảng|thấp\s+nhất)"
    rf"(?P<mid>[^.;:]{{0,80}}?)\s*(?:(?P<lanluot>lần\s+lượt\s+là)|gồm\s+có|bao\s+gồm|gồm|là|thuộc\s+về)\s*:?\s*", re.I)
LIST_DIR_RE = re.compile(r"dẫn\s+đầu|đứng\s+đầu|xếp\s+đầu|cao\s+nhất|đứng\s+cuối|xếp\s+cuối|cuối\s+bảng|thấp\s+nhất", re.I)
# A sentence can state a figure only if it has a digit or a word that names a place or a number.
FIGURE_HINT = re.compile(r"\d|đầu|nhất|nhì|cuối|thứ|top|tốp|nhóm|bậc|hạng|runner|á\s+quân|tuyệt\s+đối|tối\s+đa", re.I)
CHANGE_RE = re.compile(
    rf"(?P<verb>tăng|giảm|tụt|lên|xuống|vượt|thăng|vươn\s+lên|nhảy|rơi|lùi|cải\s+thiện|sụt|mất|leo|nhích|bứt\s+phá|tiến)\s+(?:thêm\s+|tới\s+|đến\s+|liền\s+)?"
    rf"(?P<num>{INT}|{NUMWORD})\s+(?:bậc|hạng|vị\s+trí|thứ\s+hạng|bậc\s+xếp\s+hạng)", re.I)
PILLARS = [("dti.government", "Chính quyền số"), ("dti.economy", "Kinh tế số"), ("dti.society", "Xã hội số")]
UP_VERBS = ("leo", "nhích", "bứt", "tiến", "tăng", "lên", "vượt", "thăng", "vươn", "nhảy", "cải")
POINT_NOUNS = re.compile(r"\s*(?:cầu|quan\s+trọng|trường|du\s+lịch|giao\s+dịch|bán|phát|truy\s+cập|wifi|wi-fi|kết\s+nối|"
                         r"dân\s+cư|đỗ|sạt|nóng|tiêm|thu|cung\s+cấp|phục\s+vụ|tiếp\s+nhận|trạm|di\s+tích|đến|dừng|"
                         r"camera|chốt|mỏ|thi|bưu|văn\s+hóa|văn\s+hoá|sinh\s+hoạt|hỗ\s+trợ|đón|ngập|đen|tập\s+kết|"
                         r"giao|mua|vui|check|xanh|trên|tại|ở|như|khác|và|,)", re.I)
TARGET_CUE = re.compile(r"mục\s+tiêu|phấn\s+đấu|chỉ\s+tiêu|đề\s+ra|đặt\s+ra|hướng\s+tới|hướng\s+đến|định\s+hướng|"
                        r"dự\s+kiến|\bsẽ\b|kỳ\s+vọng|quyết\s+tâm|tầm\s+nhìn|cần\s+đạt|phải\s+đạt|theo\s+kế\s+hoạch|kế\s+hoạch\s+đề\s+ra|"
                        r"nhiệm\s+vụ\s+đến|lộ\s+trình", re.I)
ACHIEVED_CUE = re.compile(r"(?<![\w])(?:đã|đạt\s+được|hiện\s+nay|hiện\s+đã|thực\s+tế|kết\s+quả|đến\s+nay|tính\s+đến)(?![\w])", re.I)
DELIM = re.compile(r"[;:()\[\]\n!?]|\.(?:\s|$)|,\s(?=\d)")
# The article's own province, named without its name: 'tỉnh đã …', 'của tỉnh', 'chúng ta', 'thành phố'.
SELF_REFERENCE = re.compile(r"(?<![\w])(?:[Tt]ỉnh(?!\s+[A-ZĐ])|[Tt]hành\s+phố(?!\s+[A-ZĐ])|[Cc]húng\s+(?:ta|tôi)|"
                            r"[Đđ]ịa\s+phương(?!\s+[A-ZĐ])|[Tt]ỉnh\s+nhà|[Tt]hủ\s+đô(?!\s+[A-ZĐ]))(?![\w])")

COUNT_UNITS = [
    "lượt tấn công", "lượt truy cập", "lượt người", "lượt", "email", "thư điện tử", "thư", "hồ sơ", "người dân",
    "người dùng", "người", "cán bộ", "công chức", "viên chức", "đảng viên", "học viên", "học sinh", "sinh viên",
    "doanh nghiệp", "hợp tác xã", "hộ gia đình", "hộ kinh doanh", "hộ", "hệ thống", "dịch vụ", "thủ tục", "TTHC",
    "điểm", "trạm BTS", "trạm", "lớp", "khóa học", "khoá học", "thôn", "bản", "tổ dân phố", "xã", "phường",
    "tài khoản", "thuê bao", "máy tính", "máy chủ", "camera", "nền tảng", "ứng dụng", "văn bản", "cơ sở dữ liệu",
    "CSDL", "sản phẩm", "tổ công nghệ số", "tổ", "thành viên", "giao dịch", "cuộc tấn công", "cuộc gọi",
    "mã độc", "sự cố", "lỗ hổng", "website", "trang thông tin", "cổng", "km", "đồng", "USD", "tin nhắn",
    "chữ ký số", "chứng thư số", "căn cước", "mã QR", "điểm phát sóng", "cơ quan", "đơn vị", "bệnh viện",
    "trường học", "trường", "cơ sở", "gian hàng", "chủ thể", "video", "tin", "bài", "lượt xem", "hội nghị",
    "cuộc họp", "phòng họp", "điểm cầu", "máy", "thiết bị", "sim", "kết nối", "cửa hàng", "hợp đồng",
    "nông dân", "hội viên", "công dân", "tình nguyện viên", "kỹ sư", "chuyên gia", "nhân lực", "lao động",
    "mô hình", "sáng kiến", "đề tài", "dự án", "nhiệm vụ", "bộ dữ liệu", "sàn", "phản ánh", "cảnh báo", "truy cập",
    "căn nhà", "căn hộ", "ngôi nhà", "ứng dụng", "phần mềm", "hội thảo", "lớp tập huấn",
]
_UNIT_RE = re.compile(r"\s*(?:" + "|".join(re.escape(u).replace(r"\ ", r"\s+") for u in
                                            sorted(COUNT_UNITS, key=len, reverse=True)) + r")(?![\w])", re.I)
NOT_COUNT_BEFORE = re.compile(r"(?<![\w])(?:số|Số|mức|mức\s+độ|cấp\s+độ|(?<!cung\s)cấp|phiên\s+bản|Nghị\s+quyết|Quyết\s+định|Kế\s+hoạch|"
                              r"Chỉ\s+thị|Thông\s+tư|Nghị\s+định|Luật|Tier|khóa|khoá|lần|Điều|điều|khoản|Khoản|"
                              r"chương|tuyến|quốc\s+lộ|QL|giai\s+đoạn|ngày|Ngày|tháng|quý|năm|Năm|thứ|Thứ|top|tốp|"
                              r"nhóm|hạng|vị\s+trí|phòng|tổ\s+dân\s+phố|thôn|xóm|bản|lô|km\s+số|tầng|đường|"
                              r"nhiệm\s+kỳ|Đề\s+án|kỷ\s+niệm|hotline|điện\s+thoại|ĐT|Tel|Fax|tổng\s+đài)\s*:?\s*$")
STRUCTURAL_AFTER = re.compile(r"\s*(?:chỉ\s+số|trụ\s+cột|tiêu\s+chí|nhóm|năm|tháng|ngày|giờ|phút|lần|bước|"
                              r"giai\s+đoạn|kỳ|nhiệm\s+kỳ|cấp|mức|đột\s+phá|nội\s+dung|nhiệm\s+vụ\s+trọng\s+tâm|"
                              r"chỉ\s+số\s+thành\s+phần|đồng\s+chí|tuổi|tiết|chương|điều)(?![\w])", re.I)
# Units that count members of a ranking or of the administration: a figure only as a share (27/27 sở, ngành).
GROUP_UNITS = re.compile(r"\s*(?:sở,?\s*(?:ban,?\s*)?ngành|bộ,?\s*(?:ngành|tỉnh)|địa\s+phương|tỉnh,?\s*thành(?:\s+phố)?|"
                         r"chỉ\s+tiêu)(?![\w])", re.I)


def clean_phrase(phrase: str) -> str:
    """A metric phrase as words: no commas or semicolons, '/' set apart ('dịch vụ / thủ tục')."""
    phrase = re.sub(r"\s*/\s*", " / ", phrase)
    phrase = re.sub(r"[,;:]", " ", phrase)
    return re.sub(r"\s+", " ", phrase).strip(" .-")


@dataclass
class SentenceState:
    """What carries from one sentence to the next within a paragraph."""
    paragraph: int = -1
    year: Optional[int] = None
    subject: Optional[SubjectMention] = None
    target_year: Optional[int] = None
    in_target_frame: bool = False
    metric: Optional[MetricMention] = None


@dataclass
class Analysis:
    s: Sentence
    text: str
    numbers: list[NumberMention]
    subjects: list[SubjectMention]
    metrics: list[MetricMention]
    years: list[YearMention]
    consumed: set = field(default_factory=set)      # starts of figures already used

    def free(self, start: int) -> bool:
        return start not in self.consumed


class SentenceExtractor:
    def __init__(self, ctx: DocContext, version: str):
        self.ctx = ctx
        self.version = version
        self.state = SentenceState()
        self.pending_list: Optional[dict] = None   # a list announced at the end of a paragraph
        self.doc_year: Optional[int] = None        # the data year the text last stated for an index
        self.last_rank: Optional[float] = None     # the last rank stated ('bốn vị trí kế tiếp' continues it)
        self.rank_paragraph: int = -1

    # ----------------------------------------------------------------- resolution helpers
    def subject_before(self, a: Analysis, pos: int, types: tuple = ()) -> Optional[SubjectMention]:
        cands = [s for s in a.subjects if s.end <= pos and not s.attribution and (not types or s.type in types)]
        if not cands:
            return None
        best = cands[-1]
        # 'của X' right after a metric is still the subject; a subject far behind a ';' is not
        between = a.text[best.end:pos]
        if ";" in between:
            return None
        return best

    def subject_after(self, a: Analysis, pos: int, limit: int = 120) -> Optional[SubjectMention]:
        for s in a.subjects:
            if s.start >= pos and s.start - pos <= limit and not s.attribution:
                if ";" in a.text[pos:s.start]:
                    return None
                return s
        return None

    def implicit_subject(self, a: Analysis) -> Optional[SubjectMention]:
        if self.state.subject is not None:
            return self.state.subject
        if self.ctx.province:
            return SubjectMention(-1, -1, self.ctx.province, "province")
        if self.ctx.national or re.search(r"cả\s+nước|toàn\s+quốc|quốc\s+gia|nước\s+ta|Việt\s+Nam", a.text):
            return SubjectMention(-1, -1, "Việt Nam", "country")
        return None

    def resolve_subject(self, a: Analysis, start: int, end: int, after_first: bool = False) -> Optional[SubjectMention]:
        if after_first:
            s = self.subject_after(a, end, 40) or self.subject_before(a, start)
        else:
            s = self.subject_before(a, start)
            if s is None and SELF_REFERENCE.search(a.text[:start]):
                if self.ctx.province:
                    return SubjectMention(-1, -1, self.ctx.province, "province")
                if self.state.subject is not None:
                    return self.state.subject
            s = s or self.subject_after(a, end)
        return s or self.implicit_subject(a)

    def coordinated(self, items: list, anchor, text: str) -> list:
        """The chain of mentions joined to `anchor` by ',', ';', 'và' only (A, B và C)."""
        idx = items.index(anchor)
        chain = [anchor]
        j = idx - 1
        while j >= 0:
            gap = text[items[j].end:chain[0].start]
            if re.fullmatch(r"\s*(?:,|;|và|,\s*và|cùng|hoặc)\s*(?:chỉ\s+số\s+|trụ\s+cột\s+)?", gap, re.I):
                chain.insert(0, items[j])
                j -= 1
            else:
                break
        return chain

    def coordinated_after(self, items: list, first, text: str) -> list:
        idx = items.index(first)
        chain = [first]
        for nxt in items[idx + 1:]:
            gap = text[chain[-1].end:nxt.start]
            if re.fullmatch(r"\s*(?:,|;|và|,\s*và)\s*(?:chỉ\s+số\s+|trụ\s+cột\s+)?", gap, re.I):
                chain.append(nxt)
            else:
                break
        return chain

    def metric_for(self, a: Analysis, start: int, end: int, kind: str) -> tuple[Optional[str], str, Optional[MetricMention]]:
        """(metric id, metric phrase, the mention) for a construction at [start, end)."""
        text = a.text
        # 1. 'về X' just after the construction names what is ranked
        m = re.match(r"(?:\s*(?:tỉnh,?\s*thành(?:\s+phố)?|tỉnh|địa\s+phương|đơn\s+vị|cơ\s+quan|quốc\s+gia|nước|"
                     r"trực\s+thuộc\s+Trung\s+ương|cả\s+nước|toàn\s+quốc|trên\s+cả\s+nước|của\s+cả\s+nước|dẫn\s+đầu|"
                     r"đứng\s+đầu|cao\s+nhất|hàng\s+đầu|xuất\s+sắc|,))*"
                     r"\s*(?P<prep>về|trong|ở)\s+(?:lĩnh\s+vực\s+|việc\s+|chỉ\s+số\s+(?=[a-zà-ỹ]))?(?P<phrase>[^,.;()]{3,90})",
                     text[end:])
        if m:
            pstart = end + m.start("phrase")
            inside = [mm for mm in a.metrics if pstart <= mm.start < pstart + 12]
            if inside:
                return inside[0].id, inside[0].phrase, inside[0]
            phrase = m.group("phrase").strip()
            if kind in ("rank", "top_n", "bottom_n", "rank_change") and m.group("prep").lower() == "về" \
                    and not re.match(r"(?:chuyển\s+đổi\s+số|bảng\s+xếp\s+hạng|kết\s+quả|số\s+điểm|điểm)", phrase, re.I):
                phrase = re.split(r"\s+(?:năm|với|đạt|và\s+là|so\s+với)\s+", phrase)[0]
                return label_for(phrase), phrase, None
        # 2. the nearest metric mention before, in the same clause run; 3. after
        before = [mm for mm in a.metrics if mm.end <= start and ";" not in text[mm.end:start]]
        if before:
            mm = before[-1]
            phrase = mm.phrase
            if not mm.vocab:   # 'Chỉ số phát triển Chính phủ điện tử (EGDI)': keep the name, not the acronym
                phrase = max((x.phrase for x in a.metrics if x.id == mm.id), key=len)
            return mm.id, phrase, mm
        after = [mm for mm in a.metrics if mm.start >= end and ";" not in text[end:mm.start]
                 and mm.start - end < 90 and re.search(r"(?:về|trong|của|theo|ở)\s", text[end:mm.start])]
        if after:
            return after[0].id, after[0].phrase, after[0]
        # 4. 'chỉ số này', 'trụ cột này': the metric the previous sentence named
        if self.state.metric is not None and re.search(r"(?:chỉ\s+số|trụ\s+cột)\s+(?:này|đó|trên)", text, re.I):
            return self.state.metric.id, self.state.metric.phrase, None
        # 5. a ranking in a digital-transformation text is the DTI
        if kind in ("rank", "top_n", "bottom_n", "rank_change", "score") and (
                self.ctx.dti_doc or re.search(r"chuyển\s+đổi\s+số|DTI", text, re.I)):
            return "dti", "chuyển đổi số", None
        return None, "", None

    def year_for(self, a: Analysis, start: int, mention: Optional[MetricMention], metric: Optional[str],
                 target: bool, end: Optional[int] = None) -> Optional[int]:
        from pipeline.extract.context import _year_after
        if target:
            due = [y for y in a.years if y.role in ("deadline", "period_end", "plain", "vision")]
            if due:
                pref = [y for y in due if y.role in ("deadline", "period_end")] or due
                return max(pref, key=lambda y: (y.role != "vision", -abs(y.start - start))).year
            return self.state.target_year or self.ctx.title_year
        if end is not None:
            m = re.match(r"\s*(?:(?:vào\s+|trong\s+|của\s+)?năm\s+|\(\s*)((?:19|20)\d{2})(?![\d/])", a.text[end:end + 20])
            if m:
                return int(m.group(1))
        usable = [y for y in a.years if y.role in ("plain", "period_end", "deadline")]
        lead = re.match(r"\s*(?:Trong\s+|Tính\s+đến\s+|Đến\s+)?[Nn]ăm\s+((?:19|20)\d{2})\s*,", a.text)
        if lead and start > lead.end() and not any(lead.end() < y.start < start for y in usable):
            return int(lead.group(1))   # 'Năm 2023, …' frames the sentence up to the next year named
        if mention is not None and abs(mention.start - start) < 120:
            y = _year_after(a.text, mention.end)
            if y and any(u.year == y for u in usable):
                return y
        if usable:
            # the closest year, preferring one before the figure in its own clause
            def dist(y):
                d = abs(y.start - start)
                return d if y.start < start else d * 1.5
            return min(usable, key=dist).year
        if self.state.year:
            return self.state.year
        if metric and metric in self._vocab():
            return self.doc_year or self.ctx.dti_year
        return self.ctx.title_year or self.ctx.dti_year_explicit

    @staticmethod
    def _vocab():
        from pipeline.extract.metrics import VOCABULARY
        return VOCABULARY

    def _target_cue_end(self, text: str, years: list[YearMention]) -> Optional[int]:
        """End of the last target cue in `text` (a plan word or a future deadline), or None.
        `years` are the sentence's year mentions; those past the end of `text` are ignored."""
        ends = [m.end() for m in TARGET_CUE.finditer(text)]
        for y in years:
            if y.end <= len(text) and y.role in ("deadline", "period_end") and (
                    self.ctx.ref_year is None or y.year >= self.ctx.ref_year):
                ends.append(y.end)
        return max(ends) if ends else None

    def is_target(self, a: Analysis, pos: int) -> bool:
        """A goal or plan: a target cue earlier in the sentence (outside closed parentheses) with no
        achievement between it and the figure's own clause, or a paragraph opened by a target frame."""
        head = a.text[:pos]
        for subj in a.subjects:   # cue words inside names ('Bộ Kế hoạch và Đầu tư') do not count
            if subj.start >= 0 and subj.end <= pos:
                head = head[:subj.start] + " " * (subj.end - subj.start) + head[subj.end:]
        head = re.sub(r"\([^()]*\)", lambda m: " " * len(m.group(0)), head)
        clause = head[head.rfind(";") + 1:]
        cue_end = self._target_cue_end(head, a.years)
        if cue_end is not None:
            since = head[max(cue_end, len(head) - len(clause)):]
            return not ACHIEVED_CUE.search(since)
        return self.state.in_target_frame and not ACHIEVED_CUE.search(clause)

    def evidence(self, a: Analysis, pos: int) -> tuple[str, int, int]:
        s = a.s
        if len(s.text) <= 320:
            return s.text, s.start, s.end
        # long sentence: the ';'-clause holding the figure
        lo = a.text.rfind(";", 0, pos) + 1
        hi = a.text.find(";", pos)
        hi = len(a.text) if hi < 0 else hi
        while lo < hi and a.text[lo] == " ":
            lo += 1
        return a.text[lo:hi], s.start + lo, s.start + hi

    def make(self, a: Analysis, rule: str, kind: str, value: float, subj: SubjectMention, metric: str,
             phrase: str, year: Optional[int], pos: int, total=None, scale=None, unit=None,
             qualifier="exact", target=False) -> Fact:
        ev, st, en = self.evidence(a, pos)
        phrase = clean_phrase(phrase)
        province = subj.province if subj.type in ("district", "agency", "other") else None
        return Fact(subject=subj.name, subject_type=subj.type, province=province, metric=metric,
                    metric_phrase=phrase, kind=kind, value=float(value), evidence=ev, start=st, end=en,
                    year=year, total=total, scale=scale, unit=unit, qualifier=qualifier, is_target=target,
                    extractor=f"rules.{rule}", extractor_version=self.version)

    # ----------------------------------------------------------------- the sentence
    def analyse(self, s: Sentence, full: bool = True) -> Analysis:
        """The sentence's mentions. A sentence that cannot state a figure (`full` False) only feeds
        the paragraph's memory: its subjects, years, and an index it names for 'chỉ số này'."""
        text = s.text
        metrics = find_metrics(text) if full or re.search(r"chỉ\s+số|trụ\s+cột|DTI", text, re.I) else []
        numbers = find_numbers(text, self.ctx.english_numbers) if full else []
        return Analysis(s, text, numbers, find_subjects(text, self.ctx.province), metrics, find_years(text))

    def run(self, s: Sentence) -> list[Fact]:
        if s.paragraph != self.state.paragraph:
            self.state = SentenceState(paragraph=s.paragraph)
            if self.rank_paragraph < s.paragraph - 2:
                self.last_rank = None   # 'tiếp theo là …' continues only a nearby ranking
            if s.paragraph in self.ctx.sections:
                self.state.in_target_frame = True
                self.state.target_year = self.ctx.sections[s.paragraph] or None
        can_state = bool(FIGURE_HINT.search(s.text))
        a = self.analyse(s, full=can_state or self.pending_list is not None)
        facts: list[Fact] = self.list_item(a)
        ranks_before = len(facts)
        rules = () if not can_state else (
            self.rule_ranking_line, self.rule_positions, self.rule_lists, self.rule_group_after_list,
            self.rule_respectively, self.rule_next_place, self.rule_rank, self.rule_rank_en,
            self.rule_last, self.rule_rank1, self.rule_top, self.rule_change, self.rule_score,
            self.rule_percent_respectively, self.rule_percent,
            self.rule_count)
        for rule in rules:
            facts.extend(rule(a))
        ranks = [f.value for f in facts[ranks_before:] if f.kind == "rank" and f.metric == "dti"]
        if ranks:
            self.last_rank = max(ranks)
            self.rank_paragraph = s.paragraph
        self._update_state(a)
        return facts

    def list_item(self, a: Analysis) -> list[Fact]:
        """A line of a list announced by the previous paragraph ('5 cơ quan dẫn đầu gồm:')."""
        pl = self.pending_list
        if pl is None or a.s.paragraph == pl["paragraph"]:
            return []
        m = re.match(r"\s*(?:[-+•*–]|\d{1,2}[.)]|[a-zđ][.)])?\s*", a.text)
        first = next((x for x in a.subjects if x.start == m.end()), None)
        if first is None or a.s.paragraph > pl["paragraph"] + pl["seen"] + 2:
            self.pending_list = None
            return []
        pl["seen"] += 1
        pl["paragraph_last"] = a.s.paragraph
        out = [self.make(a, "list_item", pl["kind"], pl["value"], first, pl["metric"], pl["phrase"], pl["year"],
                         first.start, target=pl["target"])]
        if pl["seen"] >= (pl["value"] or 99):
            self.pending_list = None
        return out

    def _update_state(self, a: Analysis) -> None:
        plain = [y for y in a.years if y.role in ("plain",)]
        if plain:
            self.state.year = plain[-1].year
            if a.metrics and (self.ctx.ref_year is None or plain[-1].year <= self.ctx.ref_year) \
                    and not TARGET_CUE.search(a.text):
                self.doc_year = plain[-1].year
        explicit = [x for x in a.subjects if x.type == "province" and not x.attribution]
        if explicit:
            self.state.subject = explicit[0]   # the sentence's own subject comes first
        if a.metrics:
            self.state.metric = a.metrics[-1]
        future = [y for y in a.years if y.role in ("deadline", "period_end")
                  and (self.ctx.ref_year is None or y.year >= self.ctx.ref_year)]
        cue_end = self._target_cue_end(a.text, a.years)
        if future and cue_end is not None and not ACHIEVED_CUE.search(a.text[cue_end:]):
            # 'Mục tiêu đến năm 2025, …' / 'Về …, đến năm 2025, …': what follows in the paragraph is planned
            self.state.in_target_frame = True
            self.state.target_year = future[0].year
        elif plain and ACHIEVED_CUE.search(a.text):
            self.state.in_target_frame = False

    # ----------------------------------------------------------------- numbers in words
    @staticmethod
    def _num(token: str) -> Optional[float]:
        if token[0].isdigit():
            return parse_number(token)
        low = token.lower()
        if low in ("nhất",):
            return 1
        if low in ("nhì",):
            return 2
        if low == "tư":
            return 4    # 'thứ tư' is the fourth
        r = parse_number_words(low.split())
        return float(r[0]) if r else None

    # ----------------------------------------------------------------- rules
    def rule_group_after_list(self, a: Analysis) -> list[Fact]:
        """'Cao Bằng, Gia Lai và Bắc Kạn là ba địa phương có DTI thấp nhất': the group follows its members."""
        out = []
        for m in re.finditer(rf"(?:là|gồm)\s+(?P<num>{INT}|{NUMWORD})\s+{GROUP_NOUN}[^.;]{{0,50}}?"
                             rf"(?P<dir>thấp\s+nhất|cao\s+nhất|dẫn\s+đầu|đứng\s+đầu|đứng\s+cuối|xếp\s+cuối|cuối\s+bảng)",
                             a.text, re.I):
            before = [x for x in a.subjects if x.end <= m.start() and not re.search(r"[;.]", a.text[x.end:m.start()])]
            if not before or m.start() - before[-1].end > 3:
                continue
            chain = self.coordinated(a.subjects, before[-1], a.text)
            n = self._num(m.group("num"))
            if n is None or len(chain) != n or not a.free(m.start("num")):
                continue
            kind = "bottom_n" if re.search(r"thấp|cuối", m.group("dir"), re.I) else "top_n"
            metric, phrase, mm = self.metric_for(a, m.start(), m.end(), kind)
            if metric is None:
                continue
            target = self.is_target(a, m.start())
            year = self.year_for(a, m.start(), mm, metric, target, m.end())
            for one in chain:
                out.append(self.make(a, "group_after_list", kind, n, one, metric, phrase, year, m.start(), target=target))
            a.consumed.add(m.start("num"))
        return out

    def rule_ranking_line(self, a: Analysis) -> list[Fact]:
        """A line of a ranking written as text: 'N. Subject: score điểm' under a ranking heading."""
        m = re.match(r"\s*(?:Hạng\s+|Thứ\s+)?(\d{1,3})\s*[.):]\s+", a.text)
        if not m or a.s.paragraph not in self.ctx.ranking_lines:
            return []
        subj = next((x for x in a.subjects if x.start == m.end()), None)
        if subj is None:
            return []
        rank = float(m.group(1))
        metric = self.ctx.ranking_lines[a.s.paragraph] or "dti"
        year = self.ctx.dti_year if metric in self._vocab() else None
        out = [self.make(a, "ranking_line", "rank", rank, subj, metric, "xếp hạng", year, m.start(1))]
        a.consumed.add(m.start(1))
        sc = re.match(r"\s*(?:[:\-–(]|với|đạt)\s*(\d[\d.,]*)\s*(?:/\s*(1\.000|1000|100|1))?\s*(?:điểm)?", a.text[subj.end:])
        if sc:
            v = parse_number(sc.group(1))
            if v is not None:
                explicit = parse_number(sc.group(2)) if sc.group(2) else None
                out.append(self.make(a, "ranking_line", "score", v, subj, metric, "điểm", year, subj.end,
                                     scale=self._scale(v, metric, explicit), unit="điểm"))
                a.consumed.add(subj.end + sc.start(1))
        return out

    def rule_lists(self, a: Analysis) -> list[Fact]:
        """'5 địa phương dẫn đầu gồm: A, B, C' → top_n for each; '… đứng cuối là A, B' → bottom_n;
        'Đứng đầu khối … là A; B, C' → top_n of the list's length; 'lần lượt là' also gives ranks."""
        out = []
        if not LIST_DIR_RE.search(a.text):
            return out
        for m in LIST_INTRO_RE.finditer(a.text):
            after = [s for s in a.subjects if s.start >= m.end()]
            if not m.group("num"):
                # the count may sit after a longer lead-in: 'Khối sở, ngành …, 5 cơ quan dẫn đầu gồm'
                lead = re.search(rf"({INT}|{NUMWORD})\s+{GROUP_NOUN}\s*$", a.text[m.start():m.start("dir")].rstrip(), re.I)
                num_text = lead.group(1) if lead else None
            else:
                num_text = m.group("num")
            if (not after or after[0].start - m.end() > 3) and num_text and not a.text[m.end():].strip(" .:"):
                # '5 cơ quan dẫn đầu gồm:' ending the paragraph: the items follow, one per line
                metric, phrase, mm = self.metric_for(a, m.start(), m.end(), "top_n")
                if metric:
                    bottom = bool(re.search(r"cuối|thấp", m.group("dir"), re.I))
                    target = self.is_target(a, m.start())
                    self.pending_list = dict(kind="bottom_n" if bottom else "top_n", value=self._num(num_text),
                                             metric=metric, phrase=phrase, target=target,
                                             year=self.year_for(a, m.start(), mm, metric, target, m.end()),
                                             paragraph=a.s.paragraph, ordered=bool(m.group("lanluot")), seen=0)
                continue
            chain = []
            if after and after[0].start - m.end() <= 3:
                chain = self.coordinated_after(a.subjects, after[0], a.text)
            else:
                chain = self.bare_names(a, m.end(), m.group(0))   # '3 huyện đứng cuối gồm Mường Lát, Quan Sơn …'
            if not chain:
                continue
            n = self._num(m.group("num")) if m.group("num") else None
            if len(chain) < 2 and not n:
                continue
            bottom = re.search(r"cuối|thấp", m.group("dir"), re.I)
            kind = "bottom_n" if bottom else "top_n"
            value = n or len(chain)
            if n and n < len(chain):
                continue
            metric, phrase, mm = self.metric_for(a, m.start(), m.end(), "top_n")
            if metric is None:
                continue
            target = self.is_target(a, m.start())
            year = self.year_for(a, m.start(), mm, metric, target)
            for i, subj in enumerate(chain):
                out.append(self.make(a, "list", kind, value, subj, metric, phrase, year, m.start(), target=target))
                if m.group("lanluot") and not bottom:
                    out.append(self.make(a, "list_order", "rank", i + 1, subj, metric, phrase, year, m.start(),
                                         target=target))
            if m.group("num"):
                a.consumed.add(m.start("num"))
        return out

    def bare_names(self, a: Analysis, pos: int, intro: str) -> list[SubjectMention]:
        """Names listed without their prefix after a group noun that gives it ('huyện', 'thị xã')."""
        noun = re.search(r"(huyện|thị\s+xã|quận|xã|phường)", intro, re.I)
        if not noun:
            return []
        prefix = re.sub(r"\s+", " ", noun.group(1).lower())
        clause = re.split(r"[.;:()]", a.text[pos:])[0]
        out = []
        offset = pos
        for part in re.split(r"(,\s*|\s+và\s+)", clause):
            item = part.strip()
            if re.fullmatch(rf"[{UPPER}][\wÀ-ỹ]*(?:\s+[{UPPER}][\wÀ-ỹ]*){{0,3}}", item):
                start = a.text.index(item, offset)
                out.append(SubjectMention(start, start + len(item), f"{prefix} {item}", "district", self.ctx.province))
            elif item and not re.fullmatch(r",|và", item):
                break
            offset += len(part)
        return out if len(out) >= 2 else []

    def rule_positions(self, a: Analysis) -> list[Fact]:
        """Positions filled in order: 'Từ vị trí thứ 6 đến thứ 10 lần lượt là A, B, …',
        '5 vị trí dẫn đầu lần lượt thuộc về A, B, …', 'Bốn vị trí kế tiếp lần lượt thuộc về …'."""
        out = []
        for m in re.finditer(r"lần\s+lượt\s+(?:là|thuộc\s+về)\s*:?\s*", a.text, re.I):
            first = [x for x in a.subjects if 0 <= x.start - m.end() <= 2]
            if not first:
                continue
            chain = self.coordinated_after(a.subjects, first[0], a.text)
            head = a.text[:m.start()]
            start_rank = None
            rng = re.search(rf"từ\s+(?:vị\s+trí\s+)?(?:thứ\s+)?({INT}|{NUMWORD})\s+(?:đến|tới)\s+(?:vị\s+trí\s+)?(?:thứ\s+)?({INT}|{NUMWORD})\s*$",
                            head, re.I)
            cnt = re.search(rf"({INT}|{NUMWORD})\s+vị\s+trí\s+(?P<which>dẫn\s+đầu|đầu(?:\s+tiên)?|cao\s+nhất|kế\s+tiếp|tiếp\s+theo)\s*$",
                            head, re.I)
            if rng:
                lo, hi = self._num(rng.group(1)), self._num(rng.group(2))
                if lo and hi and hi - lo + 1 == len(chain):
                    start_rank = lo
            elif cnt and self._num(cnt.group(1)) == len(chain):
                if re.match(r"kế|tiếp", cnt.group("which"), re.I):
                    start_rank = (self.last_rank + 1) if self.last_rank else None
                else:
                    start_rank = 1
            if start_rank is None:
                continue
            metric, phrase, mm = self.metric_for(a, m.start(), m.end(), "rank")
            if metric is None:
                continue
            year = self.year_for(a, m.start(), mm, metric, False, m.end())
            total = self.table_size(a)
            for i, subj in enumerate(chain):
                out.append(self.make(a, "positions", "rank", start_rank + i, subj, metric, phrase, year, m.start(),
                                     total=total))
            if rng:
                a.consumed.update({m.start() - len(head) + rng.start(1), m.start() - len(head) + rng.start(2)})
        return out

    def rule_respectively(self, a: Analysis) -> list[Fact]:
        """'A, B và C lần lượt xếp thứ 1, 2 và 3' / '… lần lượt đạt 0,8; 0,7 điểm'."""
        out = []
        for m in re.finditer(r"lần\s+lượt\s+(?!là)", a.text, re.I):
            left = [s for s in a.subjects if s.end <= m.start()]
            chain = self.coordinated(a.subjects, left[-1], a.text) if left else []
            clause_start = max(a.text.rfind(";", 0, m.start()), a.text.rfind(":", 0, m.start())) + 1
            lmetrics = [x for x in a.metrics if clause_start <= x.start and x.end <= m.start()]
            if lmetrics:
                lmetrics = self.coordinated(a.metrics, lmetrics[-1], a.text)
            rest = a.text[m.end():m.end() + 160]
            one = rf"(?:{INT}(?![.,]\d)|{NUMWORD})"
            rank = re.match(rf"(?:(?:xếp|đứng|ở|giữ|chiếm|đạt)\s+)?(?:hạng\s+|ở\s+)?(?:các\s+)?(?:vị\s+trí\s+|hạng\s+)?(?:thứ\s+)?"
                            rf"({one}(?:\s*(?:,|;|và)\s*(?:thứ\s+|hạng\s+)?{one})+)(?![.,]?\d)(?!\s*(?:%|điểm))", rest, re.I)
            score = re.match(r"(?:đạt|với|có)\s+((?:\d[\d.,]*\s*(?:điểm\s*)?(?:,|;|và)\s*)+\d[\d.,]*)\s*điểm", rest, re.I)
            first_n = re.match(rf"(?:chiếm|giữ|là|nằm\s+ở)\s+(?P<n>\d{{1,2}}|{NUMWORD})\s+vị\s+trí\s+(?:đầu(?:\s+tiên)?|dẫn\s+đầu|cao\s+nhất)",
                               rest, re.I)
            if first_n and self._num(first_n.group("n")) == len(chain) and len(chain) > 1:
                n = len(chain)
                metric, phrase, mm = self.metric_for(a, m.start(), m.end() + first_n.end(), "rank")
                if metric is None:
                    continue
                year = self.year_for(a, m.start(), mm, metric, False, m.end() + first_n.end())
                total = self.table_size(a)
                for i, subj in enumerate(chain, start=1):
                    out.append(self.make(a, "respectively", "rank", i, subj, metric, phrase, year, m.start(), total=total))
                    out.append(self.make(a, "respectively", "top_n", n, subj, metric, phrase, year, m.start()))
                a.consumed.add(m.end() + first_n.start("n"))
                continue
            if rank and not re.match(r"đạt\s", rest, re.I):
                vals = [self._num(v) for v in re.findall(rf"{INT}|{NUMWORD}", rank.group(1), re.I)]
                kind = "rank"
            elif score:
                vals = [parse_number(v) for v in re.findall(r"\d[\d.,]*\d|\d", score.group(1))]
                kind = "score"
            else:
                continue
            if any(v is None for v in vals):
                continue
            pairs = []
            pillars = re.search(r"(?:các|ba|3)\s+trụ\s+cột(?:\s+(?:này|trên|đó))?[^.;]{0,40}$", a.text[clause_start:m.start()], re.I)
            if len(chain) == len(vals) and len(chain) > 1:
                pairs = [(s, None, v) for s, v in zip(chain, vals)]
            elif pillars and len(vals) == 3:
                subj = self.resolve_subject(a, m.start(), m.start())
                if subj is not None:
                    pairs = [(subj, MetricMention(-1, -1, pid, pname, True), v) for (pid, pname), v in zip(PILLARS, vals)]
            elif len(lmetrics) == len(vals) and len(vals) > 1:
                subj = self.resolve_subject(a, lmetrics[0].start, lmetrics[0].start)
                if subj is None:
                    continue
                pairs = [(subj, mm, v) for mm, v in zip(lmetrics, vals)]
            for subj, mm, v in pairs:
                if mm is None:
                    metric, phrase, mm2 = self.metric_for(a, m.start(), m.end() + (rank or score).end(), kind)
                else:
                    metric, phrase, mm2 = mm.id, mm.phrase, mm
                if metric is None:
                    continue
                year = self.year_for(a, m.start(), mm2, metric, False)
                scale = None
                if kind == "score":
                    scale = self._scale(v, metric, None)
                out.append(self.make(a, "respectively", kind, v, subj, metric, phrase, year, m.start(), scale=scale,
                                     total=self.table_size(a) if kind == "rank" else None,
                                     unit="điểm" if kind == "score" else None))
            if pairs:
                seg_start, seg_end = m.end(), m.end() + (rank or score).end()
                for n in a.numbers:
                    if seg_start <= n.start < seg_end:
                        a.consumed.add(n.start)
                for wm in re.finditer(rf"{INT}|{NUMWORD}", a.text[seg_start:seg_end], re.I):
                    a.consumed.add(seg_start + wm.start())
        return out

    def table_size(self, a: Analysis) -> Optional[float]:
        """The size of the ranking a sentence speaks of: 'Trong bảng 34 tỉnh, thành phố, …'."""
        m = re.search(r"(?:bảng(?:\s+xếp\s+hạng)?|trong\s+(?:số|tổng\s+số)?|trên\s+(?:tổng\s+số)?|(?:tính\s+)?theo|giữa|"
                      r"xếp\s+hạng)\s+(\d{2,3})\s+"
                      r"(?:tỉnh|địa\s+phương|quốc\s+gia|nền\s+kinh\s+tế|bộ|đơn\s+vị|cơ\s+quan)", a.text, re.I)
        return float(m.group(1)) if m else None

    def _rank_facts(self, a: Analysis, rule: str, value: float, total, start: int, end: int,
                    subject_after: bool = False) -> list[Fact]:
        out = self._rank_facts_now(a, rule, value, total, start, end, subject_after)
        past = re.search(r"(?<![\w])từng(?![\w])", a.text[max(0, start - 60):start]) or \
            re.match(r"[^.;]{0,30}(?:ở\s+)?(?:kỳ\s+(?:đánh\s+giá\s+)?trước|năm\s+trước|năm\s+ngoái)", a.text[end:])
        if past:
            for f in out:
                if f.year and not f.is_target and not re.search(rf"{f.year}", a.text[max(0, start - 60):end + 30]):
                    f.year -= 1
        return out

    def _rank_facts_now(self, a: Analysis, rule: str, value: float, total, start: int, end: int,
                        subject_after: bool = False) -> list[Fact]:
        out = []
        if total is None:
            total = self.table_size(a)
            if total is not None and value > total:
                total = None
        metric, phrase, mm = self.metric_for(a, start, end, "rank")
        if metric is None:
            return out
        # 'ở vị trí thứ 2 là Huế', 'vị trí thứ 3 thuộc về Hải Phòng'
        tail = re.match(r"\s*(?:,\s*)?(?:là|thuộc\s+về|gọi\s+tên)\s+", a.text[end:])
        subj = None
        if tail:
            subj = self.subject_after(a, end, len(tail.group(0)) + 3)
        if subj is None:
            subj = self.resolve_subject(a, start, end, after_first=subject_after)
        if subj is None:
            return out
        target = self.is_target(a, start)
        year = self.year_for(a, start, mm, metric, target, end)
        subjects = [subj]
        if subj.start >= 0 and subj in a.subjects and re.search(r"(?:cùng|đều|đồng)\s+\S*\s*$", a.text[:start], re.I):
            subjects = self.coordinated(a.subjects, subj, a.text)
        metrics = [(metric, phrase, mm)]
        if mm is not None and mm.end <= start:
            chain = self.coordinated(a.metrics, mm, a.text)
            if len(chain) > 1 and re.search(r"(?:cùng|đều|đồng)\s+\S*\s*$|"
                                            r"(?:hai|ba|\d+|các|cả\s+hai)\s+(?:chỉ\s+số|trụ\s+cột)[^.;]{0,80}$",
                                            a.text[:start], re.I):
                metrics = [(x.id, x.phrase, x) for x in chain]
        if re.match(r"\s*(?:ở|tại|về|trong)\s+(?:cả\s+)?(?:ba|3)\s+trụ\s+cột", a.text[end:], re.I):
            metrics = [(pid, pname, None) for pid, pname in PILLARS]
        for s in subjects:
            for mid, ph, m2 in metrics:
                y = year if m2 is mm else self.year_for(a, start, m2, mid, target, end)
                out.append(self.make(a, rule, "rank", value, s, mid, ph, y, start, total=total, target=target))
        return out

    def rule_rank(self, a: Analysis) -> list[Fact]:
        out = []
        for m in RANK_RE.finditer(a.text):
            num_start = m.start("num")
            if not a.free(num_start):
                continue
            trig = m.group("trigger").strip().lower()
            head = a.text[:m.start()]
            after_metric = any(0 <= m.start() - x.end <= 2 for x in a.metrics)  # 'Xã hội số thứ 6'
            if trig.startswith("thứ") and NOT_RANK_BEFORE.search(head) and not after_metric:
                continue
            if trig.startswith("thứ") and not RANK_VERB_BEFORE.search(head) and not after_metric and not re.search(
                    r"(?:xếp|đứng|đạt|giữ|vị\s+trí|hạng)[^.;,]{0,60}$", head, re.I):
                if not m.group("total"):
                    continue
            if re.search(r"(?:không|chưa)\s+(?:có|còn)\s+$|không\s+$", head[-14:], re.I):
                continue  # a negated rank: there is no 16th place
            if re.match(r"Thứ\s", a.text[m.start("trigger"):]) and re.match(r"\s*,?\s*ngày", a.text[m.end():]):
                continue  # a weekday: 'Thứ Ba, ngày 21/10'
            if re.match(r"(?:tăng|lên|xuống|thăng)\b", trig) and not re.search(r"vị\s+trí|thứ\s+hạng|hạng\s+thứ|thứ", trig):
                continue
            value = self._num(m.group("num"))
            if value is None or value < 1 or value > 200:
                continue
            total = float(m.group("total")) if m.group("total") else None
            if total is not None and value > total:
                continue
            if re.match(r"\s*(?:%|điểm|bậc|năm(?!\s+(?:19|20)\d{2}))", a.text[m.end():]):
                continue
            if not m.group("total") and not re.search(r"thứ\s*$", a.text[:num_start]) and \
                    re.match(rf"\s*{GROUP_NOUN}", a.text[m.end():], re.I):
                continue  # 'bảng xếp hạng 34 tỉnh, thành phố': the table's size
            if total is None:
                tm = re.match(r"\s*(?:trên|trong|/)\s+(?:tổng\s+)?(?:số\s+)?(\d{1,3})\s+(?:tỉnh|địa\s+phương|quốc\s+gia|nước|"
                              r"đơn\s+vị|cơ\s+quan|bộ|huyện|quận|sở|thành\s+phố|nền\s+kinh\s+tế)", a.text[m.end():])
                if tm:
                    total = float(tm.group(1))
            facts = self._rank_facts(a, "rank", value, total, m.start(), m.end())
            if facts:
                a.consumed.add(num_start)
                if m.group("total"):
                    a.consumed.add(m.start("total"))
                out.extend(facts)
        return out

    def rule_next_place(self, a: Analysis) -> list[Fact]:
        """'Thành phố Lào Cai dẫn đầu …; tiếp theo là huyện Chợ Mới': the place after the last stated."""
        out = []
        if not self.last_rank:
            return out
        for m in re.finditer(r"(?:tiếp\s+theo|theo\s+sau|kế\s+đến|xếp\s+sau|kế\s+tiếp)\s+(?:là|đó\s+là)\s+", a.text, re.I):
            first = [x for x in a.subjects if 0 <= x.start - m.end() <= 2]
            if not first:
                continue
            chain = self.coordinated_after(a.subjects, first[0], a.text) or [first[0]]
            metric, phrase, mm = self.metric_for(a, m.start(), m.end(), "rank")
            if metric is None:
                continue
            year = self.year_for(a, m.start(), mm, metric, False, m.end())
            for i, subj in enumerate(chain, start=1):
                out.append(self.make(a, "next_place", "rank", self.last_rank + i, subj, metric, phrase, year, m.start()))
        return out

    def rule_rank_en(self, a: Analysis) -> list[Fact]:
        """'giữ vị trí No.1', 'ranked #2', 'ở vị trí runner-up' (rank 2)."""
        out = []
        for m in RANK_EN_RE.finditer(a.text):
            value = 2.0 if m.group("runner") else float(m.group("num"))
            if m.group("num") and not a.free(m.start("num")):
                continue
            out.extend(self._rank_facts(a, "rank_en", value, None, m.start(), m.end()))
            if m.group("num"):
                a.consumed.add(m.start("num"))
        return out

    def rule_last(self, a: Analysis) -> list[Fact]:
        """'xếp cuối bảng 63 tỉnh', 'ở vị trí cuối trong 30 đơn vị': the last rank is the total."""
        out = []
        for m in LAST_RE.finditer(a.text):
            if not re.match(r"\s*(?:bảng\s+|cùng\s+)?(?:xếp\s+hạng\s+)?(?:trong\s+|trên\s+|của\s+)?(?:tổng\s+số\s+)?\d", a.text[m.end():]) \
                    and self.ctx.common_total and not re.match(r"\s*(?:trong\s+)?(?:khu\s+vực|vùng|khối|nhóm)", a.text[m.end():], re.I):
                # 'Gia Lai xếp cuối', 'Bắc Kạn xếp cuối cùng': a named province right before, no list after
                subj = next((x for x in a.subjects if x.type == "province" and 0 <= m.start() - x.end <= 12), None)
                if subj is None or re.match(r"\s*(?:bảng\s+)?(?:là|gồm|thuộc)\s", a.text[m.end():], re.I):
                    continue
                metric, phrase, mm = self.metric_for(a, m.start(), m.end(), "rank")
                year = self.year_for(a, m.start(), mm, metric, False, m.end()) if metric == "dti" else None
                total = 63.0 if year and year <= 2023 else (
                    34.0 if year and year >= 2024 and re.search(r"\b34\s+tỉnh|/\s*34\b", self.ctx.title + a.text) else None)
                if total:
                    out.extend(self._rank_facts(a, "last", total, total, m.start(), m.end()))
                continue
            tm = re.match(rf"\s*(?:bảng\s+|cùng\s+)?(?:xếp\s+hạng\s+)?(?:trong\s+|trên\s+|của\s+)?(?:tổng\s+số\s+)?(\d{{1,3}})\s+{GROUP_NOUN}",
                          a.text[m.end():], re.I)
            if not tm:
                continue
            total = float(tm.group(1))
            end = m.end() + tm.end()
            facts = self._rank_facts(a, "last", total, total, m.start(), end)
            if facts:
                a.consumed.add(m.end() + tm.start(1))
                out.extend(facts)
        return out

    def rule_rank1(self, a: Analysis) -> list[Fact]:
        out = []
        for m in RANK1_RE.finditer(a.text):
            if any(m.start() <= c < m.end() for c in a.consumed):
                continue
            head = a.text[:m.start()]
            for x in a.subjects:   # number words inside names ('Sở Tư pháp') are not counts
                if x.end <= m.start():
                    head = head[:x.start] + "X" * (x.end - x.start) + head[x.end:]
            rest = a.text[m.end():m.end() + 60]
            # a group leads ('5 địa phương dẫn đầu', 'nhóm … dẫn đầu'): membership, not rank 1
            if re.search(rf"(?:\d+|{NUMWORD}|các|những|nhóm|tốp|top|thuộc|trong|vào)\s+(?:[\w,]+\s+){{0,5}}$",
                         head[-60:], re.I) and re.search(rf"{GROUP_NOUN}[\w\s,]{{0,40}}$", head[-60:], re.I):
                continue
            if re.search(r"(?:nhóm|tốp|top|các|những)\s+(?:[\w,]+\s+){0,3}$", head[-40:], re.I):
                continue
            if re.match(r"\s*(?:khu\s+vực|vùng|miền|các\s+tỉnh|đoàn|tỉnh\s+miền)", rest, re.I):
                continue  # a regional lead, or 'dẫn đầu đoàn' (led a delegation)
            lst = re.search(r"(?:là|gồm)\s*:?\s*", a.text[m.end():m.end() + 90])
            if lst:
                first = [x for x in a.subjects if 0 <= x.start - (m.end() + lst.end()) <= 2]
                if first and len(self.coordinated_after(a.subjects, first[0], a.text)) > 1:
                    continue  # 'Đứng đầu khối … là A; B, C': a membership list
            if re.match(r"\s*(?:,\s*)?(?:là|gồm)\s", rest):
                # 'dẫn đầu là X' with a single subject → rank 1 for X; lists are handled by rule_lists
                after = [s for s in a.subjects if s.start >= m.end()]
                if after and len(self.coordinated_after(a.subjects, after[0], a.text)) > 1:
                    continue
            explicit = [s for s in a.subjects if not s.attribution]
            if not explicit and not SELF_REFERENCE.search(a.text[:m.start()]):
                continue
            if re.search(rf"(?:{GROUP_NOUN}|vị\s+trí)\s*$", head, re.I) and not re.fullmatch(
                    r"\s*(?:[^,;]{0,30},\s*)?(?:[Tt]ỉnh|[Tt]hành\s+phố|[Tt]ỉnh\s+ta|[Tt]hủ\s+đô)\s*", head):
                continue  # 'địa phương đứng đầu' as a noun phrase: the leader, unnamed
            out.extend(self._rank_facts(a, "rank1", 1, None, m.start(), m.end()))
        return out

    def rule_top(self, a: Analysis) -> list[Fact]:
        out = []
        for rx in (TOP_RE, TOP_IN_RE):
            for m in rx.finditer(a.text):
                if not a.free(m.start("num")):
                    continue
                n = self._num(m.group("num"))
                if n is None or n < 1 or n > 100:
                    continue
                if rx is TOP_RE and m.group("word").lower() == "nhóm":
                    if not re.match(rf"\s*{GROUP_NOUN}[^.;]{{0,50}}?(?:dẫn\s+đầu|đứng\s+đầu|cao\s+nhất|xuất\s+sắc|hàng\s+đầu|"
                                    rf"tốt\s+nhất|đứng\s+cuối|thấp\s+nhất|cuối\s+bảng)", m.group("rest"), re.I):
                        continue
                    # a list follows: rule_lists made the facts
                    if re.search(r"(?:gồm|là)\s*:?\s*$", a.text[:m.end()][-12:]):
                        continue
                if re.search(r"(?:tiến\s+sát|sát|gần|chưa\s+(?:vào|lọt)|không\s+(?:vào|lọt|thuộc|nằm|có\s+mặt)|ngoài|khỏi|"
                             r"rời|văng|bật|trượt|vắng\s+mặt)\s+(?:\S+\s+){0,2}$", a.text[:m.start()][-40:], re.I):
                    continue
                span_text = m.group(0)
                bottom = (re.search(r"cuối|thấp\s+nhất|kém\s+nhất", span_text, re.I) and
                          not re.search(r"dẫn\s+đầu|cao\s+nhất|đứng\s+đầu", span_text, re.I)) or \
                    (rx is TOP_RE and m.group("word").lower() == "bottom")
                kind = "bottom_n" if bottom else "top_n"
                end = m.end("num")
                metric, phrase, mm = self.metric_for(a, m.start(), end, kind)
                if metric is None:
                    continue
                target = self.is_target(a, m.start())
                year = self.year_for(a, m.start(), mm, metric, target, end)
                # 'Top 10 … còn có A, B, C', 'Bottom 3 … thuộc về A, B và C': the members are listed
                members = self.list_after(a, end, 90)
                if members:
                    for subj in members:
                        out.append(self.make(a, "top_list", kind, n, subj, metric, phrase, year, m.start(), target=target))
                    a.consumed.add(m.start("num"))
                    continue
                if not [x for x in a.subjects if x.end <= m.start() and not x.attribution] and \
                        not SELF_REFERENCE.search(a.text[:m.start()]) and self.state.subject is None and \
                        not self.ctx.province:
                    a.consumed.add(m.start("num"))
                    continue  # 'Top 3 không có bất ngờ', 'Nhóm 10 địa phương dẫn đầu có …': no member named
                subj = self.resolve_subject(a, m.start(), end)
                if subj is None:
                    continue
                subjects = [subj]
                if subj in a.subjects and re.search(r"(?:cùng|đều)?\s*(?:nằm\s+trong|thuộc|vào|lọt\s+vào|là)\s*$",
                                                    a.text[subj.end:m.start()], re.I):
                    subjects = self.coordinated(a.subjects, subj, a.text)   # 'A và B cùng nằm trong nhóm 10'
                for one in subjects:
                    out.append(self.make(a, "top", kind, n, one, metric, phrase, year, m.start(), target=target))
                a.consumed.add(m.start("num"))
        return out

    def list_after(self, a: Analysis, pos: int, limit: int) -> list[SubjectMention]:
        """Subjects listed after 'còn có / gồm / là / thuộc về / :' within `limit` characters of pos."""
        for m in re.finditer(r"(?:còn\s+có|gồm\s+có|bao\s+gồm|gồm|chính\s+là|là|thuộc\s+về|gọi\s+tên)\s*:?\s*|:\s*",
                             a.text[pos:pos + limit]):
            if ";" in a.text[pos:pos + m.start()] or any(pos <= x.start < pos + m.start() for x in a.subjects):
                return []
            start = pos + m.end()
            first = [x for x in a.subjects if 0 <= x.start - start <= 2]
            if first:
                chain = self.coordinated_after(a.subjects, first[0], a.text)
                if len(chain) >= 2:
                    return chain
        return []

    def rule_change(self, a: Analysis) -> list[Fact]:
        out = []
        for m in CHANGE_RE.finditer(a.text):
            if not a.free(m.start("num")):
                continue
            n = self._num(m.group("num"))
            if n is None or n < 1 or n > 60:
                continue
            sign = 1 if m.group("verb").lower().startswith(UP_VERBS) else -1
            metric, phrase, mm = self.metric_for(a, m.start(), m.end(), "rank_change")
            if metric is None:
                continue
            subj = self.resolve_subject(a, m.start(), m.end())
            if subj is None:
                continue
            target = self.is_target(a, m.start())
            year = self.year_for(a, m.start(), mm, metric, target, m.end())
            compare = [y.year for y in a.years if y.role == "compare"]
            usable = {y.year for y in a.years if y.role in ("plain", "period_end")}
            if not target and compare and compare[0] + 1 in usable:
                year = compare[0] + 1          # 'năm 2023 … giảm 3 bậc so với năm 2022'
            elif not target and len(usable) > 1 and re.search(r"(?<![\w])từ\s", a.text, re.I):
                year = max(usable)             # 'từ thứ 39 năm 2021 lên thứ 11 năm 2022'
            out.append(self.make(a, "change", "rank_change", sign * n, subj, metric, phrase, year, m.start(),
                                 target=target))
            a.consumed.add(m.start("num"))
        return out

    def _scale(self, value: float, metric: Optional[str], explicit) -> Optional[float]:
        if explicit:
            return explicit
        if value <= 1:
            return 1.0
        if metric and metric.startswith("dti"):
            return 1000.0
        if metric in ("pci", "par_index", "sipas"):
            return 100.0
        return 100.0 if value <= 100 else 1000.0

    def rule_score(self, a: Analysis) -> list[Fact]:
        out = []
        text = a.text
        candidates: list[tuple[int, int, float, Optional[float], int, str]] = []  # start,end,value,scale,num_start,rule
        for m in re.finditer(r"điểm\s+(?:tuyệt\s+đối|tối\s+đa)(?:\s*\(?\s*(?P<v>\d[\d.,]*)\s*(?:điểm)?\s*\)?)?", text, re.I):
            v = parse_number(m.group("v")) if m.group("v") else None
            value, scale = (v, 1000.0 if v and v > 1 else 1.0) if v else (1.0, 1.0)
            candidates.append((m.start(), m.end(), value, scale, m.start("v") if m.group("v") else m.start(), "perfect"))
        for n in a.numbers:
            if not a.free(n.start) or n.is_percent:
                continue
            after = text[n.end:n.end + 40]
            before = text[max(0, n.start - 40):n.start]
            frac = re.match(r"\s*/\s*(1\.000|1000|100|10|1)(?![\d.,])\s*(?:điểm)?|\s*/\s*(\d{1,4})(?![\d.,])\s*điểm", after)
            pts = re.match(r"\s*điểm(?![\w])(?!\s+phần\s+trăm)", after)
            label = re.search(r"(?:điểm(?:\s+số)?|tổng\s+điểm|số\s+điểm)(?:\s+(?:DTI|chuyển\s+đổi\s+số|trung\s+bình|đạt\s+được))?"
                              r"(?:\s+(?:là|đạt|đạt\s+được|với))?\s*:?\s*$", before, re.I)
            paren = re.search(r"\(\s*$", before) and re.match(r"\s*(?:điểm)?\s*\)", after) and n.value < 1 and n.has_decimal
            decimal_score = (n.has_decimal and 0 < n.value <= 1 and len(re.split(r"[.,]", n.text)[-1]) >= 2 and
                             re.search(r"(?:đạt|với|là|score|giá\s+trị|ở\s+mức|điểm(?:\s+số)?)\s*(?:\S+\s+){0,2}$",
                                       before, re.I) and (a.metrics or self.ctx.dti_doc))
            if frac:
                scale = parse_number(frac.group(1) or frac.group(2))
                if scale and n.value <= scale:
                    candidates.append((n.start, n.end + frac.end(), n.value, scale, n.start, "score_fraction"))
                continue
            if pts:
                if any(c[4] == n.start for c in candidates):
                    continue
                if POINT_NOUNS.match(text[n.end + pts.end():]) and not n.has_decimal:
                    continue
                if not n.has_decimal and not re.search(r"(?:đạt|với|được|giành|là|ghi|\(|tổng|số)\s*(?:\S+\s+){0,2}$",
                                                       before, re.I):
                    continue
                candidates.append((n.start, n.end + pts.end(), n.value, None, n.start, "score_points"))
            elif label or paren:
                if n.value > 1000:
                    continue
                candidates.append((n.start, n.end, n.value, None, n.start, "score_label"))
            elif decimal_score:
                # 'DTI năm 2024 đạt 0,7955', 'với giá trị 0,4449': an index value on the 0–1 scale
                candidates.append((n.start, n.end, n.value, 1.0, n.start, "score_value"))
        for start, end, value, scale, num_start, rule in candidates:
            if not a.free(num_start):
                continue
            if re.search(r"(?:cách(?:\s+biệt)?|chênh(?:\s+lệch)?|khoảng\s+cách|cao\s+hơn|thấp\s+hơn|kém|tăng|giảm|"
                         r"nhiều\s+hơn|ít\s+hơn|hơn\s+kém|thêm|ngưỡng|dưới|từ)\s+(?:\S+\s+){0,3}$", text[max(0, start - 40):start], re.I) \
                    or re.search(r"(?:chênh\s+lệch|khoảng\s+cách|trung\s+bình|bình\s+quân)[^;.]{0,80}$", text[max(0, start - 90):start], re.I):
                a.consumed.add(num_start)
                continue  # a difference, a threshold or an average is not a subject's score
            metric, phrase, mm = self.metric_for(a, start, end, "score")
            if metric is None:
                continue
            subj = self.resolve_subject(a, start, end)
            if subj is None:
                continue
            subjects = [subj]
            members = self.list_after(a, end, 60)
            if members:
                subjects = members          # 'sáu địa phương đạt điểm tối đa 1.000 điểm, gồm A, B, C'
            elif subj in a.subjects and re.search(r"(?:cùng|đều)\s+(?:\S+\s+){0,1}$", text[:start], re.I):
                subjects = self.coordinated(a.subjects, subj, text)   # 'A và B cùng đạt 1.000 điểm'
            target = self.is_target(a, start)
            metrics = [(metric, phrase, mm)]
            # 'điểm tuyệt đối ở 2/8 chỉ số là: Nhận thức số và Thể chế số'
            lst = re.match(r"[^.;]{0,40}?(?:là|gồm)\s*:?\s*", text[end:])
            if lst:
                firsts = [x for x in a.metrics if x.start >= end + lst.end() and x.start - (end + lst.end()) < 4]
                if firsts:
                    chain = self.coordinated_after(a.metrics, firsts[0], text)
                    metrics = [(x.id, x.phrase, x) for x in chain]
            elif mm is not None and mm.end <= start and (
                    re.search(r"(?:cùng|đều)\s+(?:\S+\s+){0,2}$", text[:start], re.I) or
                    re.search(r"(?:\d+|hai|ba|bốn|các|cả\s+hai)\s+(?:chỉ\s+số|trụ\s+cột)\s+(?:\S+\s+){0,3}$", text[:start], re.I)):
                chain = self.coordinated(a.metrics, mm, text)
                metrics = [(x.id, x.phrase, x) for x in chain]
            q, _ = qualifier_before(text, start if rule != "perfect" else start)
            for mid, ph, m2 in metrics:
                year = self.year_for(a, start, m2, mid, target, end)
                for one in subjects:
                    out.append(self.make(a, rule, "score", value, one, mid, ph, year, start,
                                         scale=self._scale(value, mid, scale), unit="điểm", qualifier=q, target=target))
            a.consumed.add(num_start)
        # fractions after a perfect score ('ở 2/8 chỉ số') are not counts
        for m in re.finditer(r"(\d+)\s*/\s*(\d+)\s+chỉ\s+số", text):
            a.consumed.add(m.start(1))
        return out

    # ----------------------------------------------------------------- indicators
    def _phrase_after(self, text: str, pos: int, max_words: int = 12) -> str:
        m = DELIM.search(text, pos)
        chunk = text[pos:m.start() if m else len(text)]
        chunk = re.split(r",\s*(?=\d)|\s+(?:và|với|,)\s+(?:(?:khoảng|hơn|gần|trên|gần|chừng)\s+)?(?=\d)|,\s+(?=(?:trong\s+đó|đồng\s+thời|tăng|giảm|đạt|chiếm|là|"
                         r"với|so\s+với|bằng|gấp|vượt|góp\s+phần|giúp|nhằm|tạo)(?![\w]))", chunk)[0]
        words = chunk.strip().split()
        return " ".join(words[:max_words]).strip(" ,")

    def _phrase_before(self, text: str, pos: int, max_words: int = 14) -> str:
        head = text[:pos]
        cut = max(head.rfind(";"), head.rfind(":"), head.rfind("("), head.rfind(". "), head.rfind(")"))
        chunk = head[cut + 1:]
        rate = list(re.finditer(r"(?:tỷ|tỉ)\s+(?:lệ|trọng)", chunk, re.I)) or \
            list(re.finditer(r"số\s+lượng|tổng\s+số|mức\s+độ|chỉ\s+số", chunk, re.I))[-1:]
        if rate:
            chunk = chunk[rate[0].start():]
        else:
            commas = [m.end() for m in re.finditer(r",\s+(?!\d)", chunk)]
            if commas and len(chunk[commas[-1]:].split()) >= 2:
                chunk = chunk[commas[-1]:]
        # drop a trailing verb and qualifier: 'tỷ lệ … đạt trên' → 'tỷ lệ …'
        chunk = re.sub(r"(?:\s+(?:đạt|đạt\s+được|chiếm|là|lên|tới|đến|ở\s+mức|bằng|khoảng|hơn|trên|gần|dưới|"
                       r"tối\s+thiểu|ít\s+nhất|tăng|giảm|còn|xuống|vượt|ước|mới|chỉ|không\s+quá|tối\s+đa|"
                       r"trung\s+bình|bình\s+quân|với))+\s*$", "", chunk.rstrip(), flags=re.I)
        words = chunk.strip(" ,").split()
        return " ".join(words[-max_words:])

    def _noun_start(self, text: str) -> bool:
        w = text.strip().split(" ", 1)[0].lower() if text.strip() else ""
        return bool(w) and w[0].isalpha() and w not in {"so", "trở", "kế", "với", "trên", "dưới", "tổng", "đạt", "là", "cả", "của",
                                     "năm", "vào", "tại", "trong", "đến", "tới", "và", "thì", "mà", "nhưng", "nên",
                                     "kể", "hoặc", "cho", "trước", "sau", "mỗi", "một", "phản", "(", "-", "kết"}

    def _subject_for_indicator(self, a: Analysis, pos: int) -> Optional[SubjectMention]:
        s = self.subject_before(a, pos)
        if s is not None and s.type in ("agency", "ministry") and re.match(
                r"\s*(?:,\s*)?(?:cho\s+biết|thông\s+tin|báo\s+cáo|nhấn\s+mạnh|chia\s+sẻ|khẳng\s+định|nêu\s+rõ)",
                a.text[s.end:]):
            s = None  # 'Sở X cho biết …': the agency reports, it is not what is measured
        if s is not None and s.type == "agency" and s.province and s.name.endswith(s.province):
            s = SubjectMention(s.start, s.end, s.province, "province")
        if s is not None:
            return s
        return self.implicit_subject(a)

    def percent_phrase(self, a: Analysis, n: NumberMention) -> str:
        """What a percentage measures: the noun phrase after it ('70,8% hộ gia đình có cáp quang'),
        or, when a verb introduces the figure ('tỷ lệ … đạt 37%', '… chiếm 20% GRDP'), the clause
        before it, completed by a short noun after it."""
        start = n.qualifier_start if n.qualifier_start is not None else n.start
        after = self._phrase_after(a.text, n.end, 24)
        after = re.sub(r"^(?:đến|tới)\s+", "", after)  # '99,5% đến trung tâm thôn': coverage of the places
        verb_before = re.search(r"(?<![\w])(?:đạt|chiếm|là|ở\s+mức|còn|bằng|lên|xuống|tăng|giảm|vượt|tới\s+mức|"
                                r"trung\s+bình|bình\s+quân|ước)\s+(?:(?:khoảng|hơn|trên|gần|dưới|tối\s+thiểu|ít\s+nhất|"
                                r"không\s+quá|tối\s+đa|chỉ|mới|ước|xấp\s+xỉ|chừng)\s+){0,2}$",
                                a.text[max(0, n.start - 40):n.start], re.I)
        if verb_before or not self._noun_start(after):
            before = self._phrase_before(a.text, start, 20)
            if before:
                if after and self._noun_start(after) and len(after.split()) <= 6:
                    return before + " " + after
                return before
        return after if self._noun_start(after) else self._phrase_before(a.text, start, 20)

    def rule_percent_respectively(self, a: Analysis) -> list[Fact]:
        """'tỷ lệ số hóa hồ sơ ở cấp bộ, cấp tỉnh, cấp huyện và cấp xã lần lượt đạt 82%, 78%, 69% và 61%':
        each level gets its own percentage and a phrase naming it."""
        out = []
        for m in re.finditer(r"lần\s+lượt\s+(?:là|đạt|chiếm|ở\s+mức|đạt\s+mức)?\s*", a.text, re.I):
            clause_end = a.text.find(";", m.end())
            clause_end = len(a.text) if clause_end < 0 else clause_end
            values = [n for n in a.numbers if n.is_percent and m.end() <= n.start < clause_end and a.free(n.start)]
            if len(values) < 2 or values[0].start - m.end() > 12:
                continue
            head_start = a.text.rfind(";", 0, m.start()) + 1
            head = a.text[head_start:m.start()]
            items = list(re.finditer(r"(?<![\w])(cấp|khu\s+vực|vùng|khối|nhóm)\s+[^;]+?"
                                     r"(?=,\s*(?:và\s+)?\1\s|\s+và\s+\1\s|\s+(?:được|có|đã|đạt|là|chiếm)\s|\s*$)", head, re.I))
            # the last run of items joined only by ',' and 'và' ('cấp bộ, cấp tỉnh và cấp xã')
            runs: list[list] = []
            for it in items:
                if runs and re.fullmatch(r"\s*(?:,|và|,\s*và)\s*", head[runs[-1][-1].end():it.start()]):
                    runs[-1].append(it)
                else:
                    runs.append([it])
            run = next((r for r in reversed(runs) if len(r) == len(values)), None)
            if run is None or len({it.group(1).lower() for it in run}) != 1:
                continue
            items = run
            base = self._phrase_before(a.text, head_start + items[0].start(), 24)
            tail = head[items[-1].end():].strip(" ,")
            subj = self._subject_for_indicator(a, head_start + items[0].start())
            if subj is None:
                continue
            for it, n in zip(items, values):
                phrase = " ".join(p for p in (base, it.group(0).strip(" ,"), tail) if p)
                target = self.is_target(a, n.start)
                year = self.year_for(a, n.start, None, None, target)
                out.append(self.make(a, "percent_respectively", "percent", n.value, subj, label_for(phrase), phrase,
                                     year, n.start, unit="%", qualifier=n.qualifier, target=target))
                a.consumed.add(n.start)
        return out

    def rule_percent(self, a: Analysis) -> list[Fact]:
        out = []
        for n in a.numbers:
            if not n.is_percent or not a.free(n.start) or n.value > 1000:
                continue
            phrase = self.percent_phrase(a, n)
            if not phrase:
                continue
            if re.search(r"(?:DTI|giá\s+trị|điểm|chỉ\s+số)[^;]{0,60}(?:tăng|giảm)\s*$",
                         a.text[max(0, n.start - 80):n.start], re.I):
                continue  # 'giá trị DTI trung bình … tăng 7,5%': a change of a score
            lead = a.text[max(0, n.start - 30):n.start]
            if not self._noun_start(self._phrase_after(a.text, n.end, 3)) and not re.search(
                    r"(?:đạt|chiếm|là|còn|lên|xuống|tăng|giảm|bằng|vượt|mức|khoảng|tới|đến|ước|trên|dưới|gần|hơn|"
                    r"quá|thiểu|đa|nhất|,|và)\s*$", lead, re.I):
                continue  # '… với tinh thần 100%': no quantity is measured
            subj = self._subject_for_indicator(a, n.start)
            if subj is None:
                continue
            metric = None
            vm = [x for x in a.metrics if x.end <= n.start and not re.search(r"[;,]", a.text[x.end:n.start])
                  and x.vocab and not x.id.startswith("dti")]
            if vm:
                metric, phrase = vm[-1].id, vm[-1].phrase
            target = self.is_target(a, n.start)
            year = self.year_for(a, n.start, None, metric, target)
            out.append(self.make(a, "percent", "percent", n.value, subj, metric or label_for(phrase), phrase, year,
                                 n.start, unit="%", qualifier=n.qualifier, target=target))
            a.consumed.add(n.start)
        return out

    def rule_count(self, a: Analysis) -> list[Fact]:
        out = []
        text = a.text
        for n in a.numbers:
            if not a.free(n.start) or n.is_percent:
                continue
            if re.fullmatch(r"(?:19|20)\d{2}", n.text):
                continue
            head = text[:n.start]
            if NOT_COUNT_BEFORE.search(head[-25:]):
                continue
            if re.match(r"\s*[/-]\s*\d+\s*[/-]", text[n.end:]) or re.search(r"\d\s*[/-]\s*$", head):
                continue  # a date or a code
            rest = text[n.end:]
            total = None
            frac = re.match(r"\s*/\s*(\d[\d.,]*)", rest)
            unit_start = n.end
            if frac:
                total = parse_number(frac.group(1))
                if total is None or total < n.value:
                    continue
                unit_start = n.end + frac.end()
            if STRUCTURAL_AFTER.match(text[unit_start:]):
                continue
            group = GROUP_UNITS.match(text[unit_start:])
            if group and total is None:
                continue
            if re.search(r"(?:tối\s+đa|thang\s+điểm|tổng\s+điểm|trên\s+tổng)\s*$", head[-20:], re.I) or \
                    re.match(r"\s*(?:đơn\s+vị|cơ\s+quan|địa\s+phương|bộ|tỉnh)[\w\s,]{0,30}?(?:được|tham\s+gia)\s+đánh\s+giá",
                             text[unit_start:], re.I):
                continue  # 'tổng điểm tối đa 1.000 điểm', '20 đơn vị được đánh giá' 
            um = GROUP_UNITS.match(text[unit_start:]) if group else _UNIT_RE.match(text[unit_start:])
            if not um:
                continue
            if re.match(rf"\s*{GROUP_NOUN}\s+(?:\w+\s+){{0,2}}?(?:dẫn\s+đầu|đứng\s+đầu|cao\s+nhất|đứng\s+cuối|"
                        rf"xếp\s+cuối|thấp\s+nhất|xuất\s+sắc)", text[unit_start:], re.I):
                continue
            unit = re.sub(r"\s+", " ", um.group(0).strip())
            if re.match(r"(?:xã|phường|thôn|bản|tổ\s+dân\s+phố|huyện)$", unit, re.I) and \
                    re.search(r"(?<!còn\s)(?:có|gồm|sau\s+sắp\s+xếp\s+còn)\s*$", head[-15:], re.I) and \
                    not re.match(r"[^.;]{0,30}(?:chưa|không|đã|được)\s", text[unit_start + um.end():]):
                continue  # 'tỉnh có 225 xã, phường': how a province is divided, not an indicator
            if re.search(r"dân\s+số\s+(?:\S+\s+){0,2}$", head[-25:], re.I):
                continue  # population
            if re.match(r"\s*/\s*[^\d\s]", text[unit_start + um.end():]):
                continue  # a rate or a price: 'đồng/lít', 'USD/ounce', 'người/km²'
            if unit.lower() in ("đồng", "usd") and re.search(r"(?<![\w])(?:giá|vé|niêm\s+yết|bán)(?![\w])",
                                                        head[head.rfind(";") + 1:], re.I):
                continue  # a price, not an amount achieved
            if unit.lower() == "điểm" and n.has_decimal:
                continue
            unit_end = unit_start + um.end()
            # '1.168 dịch vụ/2.018 thủ tục hành chính': the total after the unit phrase
            if total is None:
                tm = re.match(r"([^/,.;()]{0,60}?)/\s*(\d[\d.,]*)\s+[\w]", text[unit_end:])
                if tm:
                    t = parse_number(tm.group(2))
                    if t and t >= n.value:
                        total = t
            phrase = self._phrase_after(text, unit_start, 14)
            if unit.lower() in ("điểm", "người", "lượt", "hộ", "tổ", "cơ sở", "đơn vị", "bộ", "máy", "vụ", "con",
                                "tin", "bài", "xã", "phường", "thôn", "bản", "trường", "đồng", "usd"):
                before = self._phrase_before(text, n.qualifier_start if n.qualifier_start is not None else n.start, 6)
                if before:
                    phrase = before + " … " + phrase
            subj = self._subject_for_indicator(a, n.start)
            if subj is None:
                continue
            target = self.is_target(a, n.start)
            year = self.year_for(a, n.start, None, None, target)
            out.append(self.make(a, "count", "count", n.value, subj, label_for(phrase), phrase, year, n.start,
                                 total=total, unit=unit, qualifier=n.qualifier, target=target))
            a.consumed.add(n.start)
        return out
