"""The checks a pattern construction names with `filter:` in constructions.yaml: what a count
counts, whether a group leads, whether a fraction is a ranking, whether a score or a percentage
sits among the words of one. Each returns True to keep the candidate."""
from __future__ import annotations

import re
from typing import Optional

from pipeline.extract.candidates import Candidate
from pipeline.extract.registry import candidate_filter
from pipeline.extract.sentence import FIGURES, SentenceView
from pipeline.extract.tokens import Tagged

_NOT_UNITS = {"ngày", "tháng", "năm", "giờ", "phút", "giây", "tuần", "quý", "tuổi", "lần", "cấp", "bậc", "hạng",
              "mức", "kỳ", "khóa", "khoá", "đợt", "bước", "khâu", "giai", "nội", "phần", "trang", "chương", "điều",
              "mục", "lượt/ngày", "km2", "ha", "m2", "độ", "°c", "tầng", "x", "chiều", "vòng", "ký", "số", "trên",
              "so", "và", "hoặc", "đến", "tới", "là", "thì", "cho", "của", "với", "từ", "trong", "ở", "tại",
              "nhóm", "đã", "được", "sẽ", "đang", "vẫn", "cũng", "đều", "rồi", "chữ", "con", "vị trí", "kb", "mb",
              "gb", "kbps", "mbps", "px", "inch", "ms", "min", "mins", "sec", "h"}


_NOT_COUNT_BEFORE = {"mức độ", "độ", "mức", "cấp", "số", "lần", "thứ", "khóa", "khoá", "kỳ", "loại", "nhóm",
                     "bậc", "phiên", "tuổi", "quý", "tháng", "ngày", "năm", "giai đoạn", "lớp", "tầng", "điều",
                     "khoản", "chương", "mục", "phần", "tập", "số hiệu", "mã", "phòng", "tuyến", "km", "quận",
                     "đường", "hotline", "tổng đài", "đài", "kênh", "thế hệ", "phiên bản", "version", "tiêu chuẩn"}


_CLASSIFIERS = {"lượt", "cuộc", "vụ", "bản", "chiếc", "hộ", "con", "cái", "tấm"}


@candidate_filter("count_noun")
def count_noun(tagged: Tagged, cand: Candidate) -> bool:
    """A count needs a noun it counts, not a unit of time, a level or a methodology size."""
    v = SentenceView(tagged)
    i = cand.tok
    nxt = tagged.tokens[i + 1] if i + 1 < len(tagged.tokens) else None
    if nxt is None or nxt.has("PUNCT"):
        named = _unit_named_before(v, i)
        if named:
            cand.unit = named
            return True
        return False
    word = nxt.text.lower()
    prev = tagged.tokens[i - 1] if i > 0 else None
    if tagged.tokens[i].has("NUMWORD") and tagged.tokens[i].value == 1:
        return False        # 'một hệ thống', 'một trong …': not a count
    if cand.value is not None and not float(cand.value).is_integer():
        return False        # 'cao hơn 0,13 so với năm 2020': things are counted in whole numbers
    after = tagged.tokens[i + 2].text.lower() if i + 2 < len(tagged.tokens) else ""
    if nxt.has("methodology", "group_noun") and after in ("sau", "này", "trên", "đó", "kể"):
        return False        # 'hai trụ cột sau tăng …': the figure refers back
    if nxt.has("PUNCT", "YEAR", "DATE", "CODE", *FIGURES) or word in _NOT_UNITS:
        return False
    if prev is not None and prev.text.lower() == "cả":
        return False        # 'cả hai chỉ số', 'cả 3 trụ cột': all of them, not a count
    if nxt.has("SUBJ"):
        return False        # 'Hai tỉnh Thanh Hóa và Yên Bái': the number names who, it counts nothing
    if nxt.has("methodology") and i + 2 < len(tagged.tokens) and tagged.tokens[i + 2].has("METRIC"):
        return False        # 'Hai chỉ số Nhận thức số và Thể chế số đạt …': the number names which
    if nxt.has("group_noun") and not tagged.tokens[i].has("FRAC") and \
            any(t.has("lead_adj", "trail_adj") and not v.paren[t.i] for t in tagged.tokens[i + 2:i + 12]):
        return False        # 'Mười địa phương có Chỉ số … cao nhất': a leading group, not a count
    if prev is not None and prev.text.lower() in ("địa chỉ số", "số nhà", "số điện thoại", "đường dây nóng"):
        return False        # 'gửi về địa chỉ số 28': an address
    if nxt.has("rank_noun", "then_list"):
        return False        # 'Bốn vị trí kế tiếp thuộc về …': places, not things counted
    if nxt.has("group_noun") and any(t.has("SUBJ") for t in tagged.tokens[i + 2:i + 4]):
        return False        # 'Hai tỉnh Ninh Bình và Thanh Hóa': the number names who, it counts nothing
    if prev is not None and prev.has("slash"):
        return False        # '1.168 dịch vụ/2.018 thủ tục': the whole of the count before
    tong_so = prev is not None and prev.text.lower() == "số" and i > 1 and tagged.tokens[i - 2].text.lower() == "tổng"
    # 'cấp 1,98 triệu thẻ': the verb 'to issue' before a large number, not a level ('cấp 3')
    issued = prev is not None and prev.text.lower() == "cấp" and cand.value is not None and cand.value > 10
    if prev is not None and not tong_so and not issued and (prev.text.lower() in _NOT_COUNT_BEFORE or
                                             prev.has("rank_noun", "rank_verb_noun", "ord_marker", "top_word",
                                                      "scale_word")):
        return False
    if _threshold(v, i):
        return False
    if nxt.has("point_unit") and prev is not None and prev.text.lower() in ("tại", "ở", "trên", "có") and \
            not any(x.has("score_verb", "score_noun") for x in tagged.tokens[max(0, i - 3):i]):
        cand.unit = "điểm"
        return True
    if nxt.has("change_noun", "point_unit", "times_word", "top_word", "level_word", "METRIC"):
        return False
    if nxt.has("methodology") and not _result_count(v, i):
        return False
    if nxt.has("methodology") and i > 1 and tagged.tokens[i - 1].has("comma") and tagged.tokens[i - 2].has("METRIC"):
        return False        # 'thể chế số và nhận thức số, 2 trụ cột đạt …': the metrics restated
    if nxt.has("group_noun") and not _subset_count(v, cand):
        return False
    cand.unit = _unit(v, i)
    return True


def _unit_named_before(v: SentenceView, i: int) -> Optional[str]:
    """'số địa chỉ máy tính (IP) … vẫn ở mức hơn 432.437', 'tổng số hồ sơ … là 1.250': a count whose
    noun comes before it, after 'số'."""
    a = v.clause_start(i, ("semi", "period"))
    prev = v.toks[i - 1].text.lower() if i > 0 else ""
    if prev not in ("là", "ở mức", "đạt", "lên", "mức", "khoảng", "hơn", "gần", "trên", "lên tới", "tới"):
        return None
    if v.toks[i].value is None or v.toks[i].value < 2 or any(t.has("scale_word") for t in v.toks[a:i]):
        return None
    for k in range(a, i):
        if v.toks[k].text.lower() in ("số", "tổng số", "số lượng") and k + 1 < i and v.toks[k + 1].has("W") and \
                not v.toks[k - 1].text.lower() in ("chỉ",) if k > 0 else True:
            words = [t.text for t in v.toks[k + 1:min(i, k + 4)] if t.has("W")]
            return " ".join(words[:2]) or None
    return None


def _threshold(v: SentenceView, i: int) -> bool:
    """'từ mức 0,5 trở lên', 'trên 0,40' after 'giá trị' in a count's phrase: a bound, not a figure."""
    before = " ".join(t.text.lower() for t in v.toks[max(0, i - 2):i])
    after = " ".join(t.text.lower() for t in v.toks[i + 1:i + 3])
    return bool(re.search(r"(?:từ\s+)?mức$", before)) or after.startswith(("trở lên", "trở xuống", "trở đi"))


def _result_count(v: SentenceView, i: int) -> bool:
    """'còn 61 chỉ số chưa đạt điểm tối đa', 'có 28 chỉ số 0 điểm': a count of results, not of make-up."""
    words = []
    for t in v.toks[i + 1:i + 9]:
        if t.has("semi", "period", "lpar", "rpar", "colon", "comma"):
            break
        words.append(t.text.lower())
    text = " ".join(words)
    return bool(re.search(r"chưa|không\s+đạt|đạt\s+điểm|(?<![\d.,])0\s+điểm|thuộc\s+nhóm|dẫn\s+đầu|đứng\s+đầu|"
                          r"tối\s+đa|tuyệt\s+đối", text)) or bool(re.match(r"\S+(?:\s+\S+)?\s+(?:tăng|giảm)", text))


def _subset_count(v: SentenceView, cand: Candidate) -> bool:
    """'Có 33 tỉnh … thuộc nhóm …', '7/17 bộ, ngành có …', '19 website thuộc 9 bộ, ngành': a part of
    the units, not their whole ('63 tỉnh, thành phố'), nor the group ranked ('gồm 17 bộ')."""
    i = cand.tok
    t = v.toks[i]
    prev = v.toks[i - 1].text.lower() if i > 0 else ""
    if t.has("FRAC"):
        return True
    if prev in ("gồm", "trong", "nhóm", "khối", "của", "các", "cả", "số", "với", "toàn", "là") or \
            v.toks[i - 1].has("include", "top_word") if i > 0 else False:
        return False
    if any(x.has("lead_adj", "trail_adj", "copula", "include") for x in v.toks[i + 1:i + 5]) and prev != "có":
        return False
    if t.value in (34, 63) and prev != "có":
        return False
    if prev in ("có", "thuộc", "ở", "tại") or v.toks[i - 1].has("achieved_cue"):
        return True
    opens_clause = i == 0 or v.toks[i - 1].has("comma", "semi", "colon") or prev in ("và", "còn")
    after = " ".join(x.text.lower() for x in v.toks[i + 2:i + 6])
    return opens_clause and bool(re.search(r"\b(?:được|đạt|xếp|có|đã|thuộc|ban hành|hoàn thành|tham gia|triển khai)\b", after))


def _unit(v: SentenceView, i: int) -> str:
    words = []
    for t in v.toks[i + 1:i + 4]:
        if t.has("PUNCT", *FIGURES) or t.text.lower() in ("đã", "được", "của", "trên", "trong", "và", "có", "đạt",
                                                         "chiếm", "ở", "tại", "cho", "với", "là"):
            break
        words.append(t.text)
        # a classifier takes the noun after it: 'lượt tấn công', 'cuộc tấn công', 'hộ gia đình'
        if len(words) == (3 if words[0].lower() in _CLASSIFIERS else 2):
            break
    return " ".join(words) or None


@candidate_filter("not_group_lead")
def not_group_lead(tagged: Tagged, cand: Candidate) -> bool:
    """'5 cơ quan dẫn đầu', 'các địa phương dẫn đầu': a leading group, not a first place."""
    i = cand.span[0]
    toks = tagged.tokens
    # 'giữa địa phương đứng đầu và đứng cuối': the second of two coordinated places reads as the first
    while i > 1 and toks[i - 1].text.lower() == "và" and toks[i - 2].has("rank1", "last_place"):
        i -= 2
    if i > 0 and toks[i - 1].text.lower().split()[:1] in (["nhóm"], ["khối"], ["tốp"], ["top"]):   # 'nhóm các tỉnh dẫn đầu'
        return False
    k = i - 1
    while k >= 0 and toks[k].has("group_noun", "comma"):
        k -= 1
    if k < i - 1 and k >= 0 and (toks[k].has("NUM", "NUMWORD") or toks[k].text.lower() in
                                 ("các", "những", "nhóm", "của", "với", "so", "hơn", "giữa", "có")):
        return False     # '5 cơ quan dẫn đầu', 'điểm số của địa phương đứng đầu': a group, not a place
    return True


@candidate_filter("ranking_fraction")
def ranking_fraction(tagged: Tagged, cand: Candidate) -> bool:
    """'23/63' is a position when its denominator can be a ranking's size."""
    return cand.total is not None and 1 <= cand.value <= cand.total <= 250


@candidate_filter("top_group")
def top_group(tagged: Tagged, cand: Candidate) -> bool:
    """A top group of at least 2; not the size of a ranking a position is stated in ('thứ 7 trong
    nhóm 34 tỉnh'), nor a group a counted thing belongs to ('4/8 chỉ số chính thuộc nhóm 10 …')."""
    if cand.value < 2:
        return False
    v = SentenceView(tagged)
    if v.fronted_field(cand.tok):
        return False      # 'Trong nhóm 17 bộ, ngành …, Bộ Tài chính giữ ngôi đầu': the field ranked
    i = cand.span[0]
    start = v.clause_start(i, ("semi", "period"))
    for t in tagged.tokens[max(start, i - 5):i]:
        if t.has("ORD") or (t.has("NUM") and t.i > 0 and tagged.tokens[t.i - 1].has("rank_noun")):
            return False
    prev = v.prev_figure(i)
    if prev is not None and prev >= start and tagged.tokens[prev].has("FRAC", "NUM") and \
            not tagged.tokens[prev].has("YEAR") and prev + 1 < len(tagged.tokens) and \
            tagged.tokens[prev + 1].has("methodology"):
        return False
    return True


def _methodology_near(v: SentenceView, i: int) -> bool:
    """A scale word in the figure's clause before it ('thang 1.000 điểm'), or a make-up noun just
    after it in the same parenthesis ('(400 điểm; 133 tiêu chí)')."""
    a = v.clause_start(i, ("semi", "period"))
    if any(t.has("scale_word") for t in v.toks[a:i]):
        return True
    after = []
    for t in v.toks[i + 1:i + 5]:
        if t.has("rpar", "period"):
            break
        after.append(t)
    return any(t.has("methodology") and t.text.lower() in ("tiêu chí", "chỉ số thành phần", "chỉ số", "trụ cột",
                                                            "tiêu chí thành phần", "chỉ số chính") for t in after)


@candidate_filter("score_context")
def score_context(tagged: Tagged, cand: Candidate) -> bool:
    """Not a score: a change in points ('tăng 0,2052 điểm'), a scale or weight ('thang 1.000
    điểm', 'chính quyền số (400 điểm, 133 tiêu chí)'), a maximum ('giá trị tối đa là 1,0'), a gap
    between two ('khoảng cách điểm … là 0,21 điểm')."""
    v = SentenceView(tagged)
    i = cand.tok
    if any(t.has("gap_word") for t in v.toks[v.clause_start(i, ("semi", "period")):i]):
        return False
    before = v.toks[max(0, i - 3):i]
    if any(t.has("change_up", "change_down") and not t.has("rank_verb") for t in before):
        return False
    if any(t.text.lower() in ("thấp", "cao", "hơn", "kém") for t in v.toks[max(0, i - 2):i]) and \
            not any(t.has("score_verb") for t in before):
        return False
    if _methodology_near(v, i):
        return False
    after = " ".join(x.text.lower() for x in v.toks[i + 1:i + 4])
    if re.search(r"\btrở\s+(?:lên|xuống)\b", after) or (i > 0 and v.toks[i - 1].text.lower() == "ngưỡng"):
        return False      # 'đạt từ 700 điểm trở lên', 'vượt ngưỡng 0,75 điểm': a threshold
    t = v.toks[i]
    a = v.clause_start(i, ("semi", "period"))
    if cand.qualifier != "exact" and any(x.has("NUM", "FRAC", "NUMWORD") and x.i + 1 < i and v.toks[x.i + 1].has("group_noun")
                                         for x in v.toks[a:i]):
        return False      # 'có 7/9 huyện đạt trên 600 điểm': the bar a count of units clears, no one's score
    if t.has("FRAC") and t.value2 and t.value > t.value2:
        return False
    nxt = v.toks[i + 1] if i + 1 < len(v.toks) else None
    if t.has("FRAC") and float(t.value).is_integer() and not (nxt is not None and nxt.has("point_unit", "score_noun")) \
            and nxt is not None and not nxt.has("PUNCT"):
        return False      # '16/16 nhiệm vụ', '23/34 mục tiêu': things counted, not points
    if t.has("NUM") and not t.has("dec") and not t.has("FRAC"):
        # a whole number of points is a score only when stated as one ('đạt 801 điểm')
        if not any(x.has("score_verb") for x in before) or t.value > 1000:
            return False
    return True


@candidate_filter("percent_context")
def percent_context(tagged: Tagged, cand: Candidate) -> bool:
    """Not a figure: the weights of an index's make-up ('trọng số lần lượt là 20%, 40%')."""
    v = SentenceView(tagged)
    if any(t.text.lower() == "trọng số" or t.text.lower() == "trọng" for t in v.toks):
        return False
    return not tagged.tokens[cand.tok].has("RANGE")


@candidate_filter("not_describing_a_group")
def not_describing_a_group(tagged: Tagged, cand: Candidate) -> bool:
    """'lọt vào tốp 10 địa phương có chỉ số DTI cao nhất cả nước': the superlative says which group,
    it places no one first."""
    v = SentenceView(tagged)
    i = cand.span[0]
    toks = tagged.tokens
    a = v.clause_start(i, ("semi", "period", "comma"))
    for k in range(a, i - 1):
        if (toks[k].has("top_word", "bottom_word") or toks[k].text.lower() == "nhóm") and \
                toks[k + 1].has("NUM", "NUMWORD") and toks[k + 1].value and toks[k + 1].value > 1:
            return False
    return True
