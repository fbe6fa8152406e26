"""When and out of how many: the year a figure's words tie it to ('Năm 2022, …', 'so với năm
2020 (khi đó …)', 'năm trước', 'Cũng trong năm này') and the ranking size a sentence states or
frames ('thứ 11 trong tổng số 63 tỉnh', 'Trong bảng xếp hạng 34 tỉnh, …', '(20 đơn vị được đánh
giá)'), with the region a rank is stated within."""
from __future__ import annotations

import re
from typing import Optional

from pipeline import domain
from pipeline.extract.candidates import Candidate
from pipeline.extract.sentence import FIGURES, SentenceView

def then_year(v: SentenceView, i: int) -> Optional[int]:
    """'tăng 43 bậc so với năm 2020 (khi đó xếp thứ 55/63)': the year of the comparison."""
    a = max(0, i - 6)
    words = " ".join(t.text.lower() for t in v.toks[a:i])
    if "khi đó" not in words and "lúc đó" not in words:
        return None
    compares = [y for y in v.years if y.role == "compare" and y.tok < i]
    return compares[-1].year if compares else None


def opening_year(v: SentenceView) -> Optional[int]:
    """'Trong năm 2020, …', 'Năm 2022, …': a year that opens the sentence frames all its figures."""
    plain = [y for y in v.years if y.role in ("plain", "month")]
    if not plain:
        return None
    first = plain[0]
    words = [t for t in v.toks[:first.tok] if not t.has("PUNCT")]
    nxt = v.toks[first.tok + 1] if first.tok + 1 < len(v.toks) else None
    if len(words) <= 3 and nxt is not None and nxt.has("comma"):
        return first.year
    return None


def year_after_metric(v: SentenceView, k: int) -> Optional[int]:
    """'DTI 2021', 'chỉ số DTI năm 2020', 'DTI cấp tỉnh năm 2020': the year named with the metric."""
    toks = v.toks
    j = k + 1
    while j < len(toks) and j <= k + 6:
        t = toks[j]
        if t.has("YEAR") and not t.has("period"):
            return int(t.value)
        if t.has("level_word", "lpar", "rpar") or t.text.lower() in ("năm", "cấp", "tỉnh", "(dti)", "dti") \
                or t.has("METRIC"):
            j += 1
            continue
        break
    return None


def names_year_before(v: SentenceView, i: int) -> bool:
    """'Cũng trong năm này, …', 'năm đó': the figure's year is the one the text spoke of last."""
    a = v.clause_start(i, ("semi", "period"))
    return any(t.has("rel_that_year") for t in v.toks[a:min(len(v.toks), i + 5)])


def relative_year(v: SentenceView, i: int) -> Optional[int]:
    """-1 for 'năm trước', 0 for 'năm nay' stated in the figure's clause (not as the comparison)."""
    a = v.clause_start(i, ("semi", "period"))
    for k in range(a, min(len(v.toks), i + 5)):
        t = v.toks[k]
        if t.has("rel_this_year"):
            return 0
        if t.has("rel_prev_year") and not (k > 0 and v.toks[k - 1].has("compare")):
            # 'A, đơn vị dẫn đầu hai năm trước, và B xếp thứ 2': an aside about another year
            aside = k < i and k - a > 3 and any(x.has("comma") for x in v.toks[k + 1:i])
            if not aside:
                return -1
        if t.has("past_marker") and k < i and v.clause_start(i, ("semi", "period", "comma")) <= k:
            return -1
    return None


_SIZE_NOUN = ("tỉnh", "thành", "địa phương", "quốc gia", "bộ", "ngành", "đơn vị", "cơ quan", "nước", "nền kinh tế",
              "sở", "huyện", "xã", "quận", "tỉnh thành", "thành phố", "tỉnh/thành", "tỉnh/thành phố")


def size_after(v: SentenceView, c: Candidate) -> Optional[float]:
    """'thứ 11 trong tổng số 63 tỉnh', 'vị trí thứ 7 trong nhóm 34 tỉnh', 'thứ 71 trong số 193 quốc gia'."""
    toks = v.toks
    k = c.span[1]
    if k < len(toks) and toks[k].i == c.tok + 1 and False:
        return None
    j = k
    seen = 0
    while j < len(toks) and seen < 5:
        t = toks[j]
        low = t.text.lower()
        if low in ("trong", "trên", "của", "số", "tổng", "nhóm", "bảng", "trong số", "xếp", "hạng") or \
                t.has("ranking_frame", "prep_scope"):
            j += 1
            seen += 1
            continue
        if t.has("NUM") and t.has("int") and t.value and t.value >= 2:
            nxt = toks[j + 1] if j + 1 < len(toks) else None
            if nxt is not None and (nxt.has("group_noun") or nxt.text.lower() in _SIZE_NOUN):
                if t.value >= c.value:
                    return t.value
        break
    return None


def count_total(v: SentenceView, c: Candidate) -> Optional[float]:
    """'trong tổng số 3.224 hệ thống …, đã có 2.145 hệ thống' and 'Trên tổng số 98 chỉ số …': the whole."""
    toks = v.toks
    # '1.168 dịch vụ/2.018 thủ tục', '80.294 hồ sơ giải quyết trực tuyến/218.949 hồ sơ': the whole after a slash
    for k in range(c.tok + 1, min(len(toks), c.tok + 9)):
        t = toks[k]
        if t.has(*FIGURES) or t.has("semi", "period", "comma", "lpar"):
            break
        if t.has("slash") and k + 1 < len(toks) and toks[k + 1].has("NUM") and toks[k + 1].value and \
                toks[k + 1].value >= c.value:
            return toks[k + 1].value
    for k in range(0, c.tok):
        if toks[k].text.lower() == "tổng" and k + 2 < c.tok and toks[k + 1].text.lower() == "số" and \
                toks[k + 2].has("NUM") and toks[k + 2].value and toks[k + 2].value > c.value:
            return toks[k + 2].value
    # '544 sản phẩm, trong đó có 416 sản phẩm tiêu biểu': a part of the count before it
    prev = v.prev_figure(c.tok)
    if prev is not None and toks[prev].has("NUM") and toks[prev].value and toks[prev].value > c.value:
        between = " ".join(t.text.lower() for t in toks[prev + 1:c.tok])
        unit_prev = toks[prev + 1].text.lower() if prev + 1 < len(toks) else ""
        unit = toks[c.tok + 1].text.lower() if c.tok + 1 < len(toks) else ""
        if "trong đó" in between and unit and unit == unit_prev:
            return toks[prev].value
    return None


def sentence_frame(v: SentenceView) -> Optional[float]:
    """A ranking size the sentence frames its ranks with: 'bảng xếp hạng 34 tỉnh', 'sau sáp nhập'."""
    toks = v.toks
    for k, t in enumerate(toks):
        tags, low = t.tags, t.text.lower()
        # 'bảng xếp hạng 34 tỉnh', 'trong 63 tỉnh', 'xếp cuối bảng 63 tỉnh, thành phố'
        if "ranking_frame" in tags or low in ("bảng", "trong", "giữa") or low.endswith(" bảng"):
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            if nxt is not None and nxt.text.lower() == "của" and k + 2 < len(toks):
                k, nxt = k + 1, toks[k + 2]
            if nxt is not None and nxt.has("NUM") and nxt.has("int") and nxt.value in (34, 63) and k + 2 < len(toks) \
                    and toks[k + 2].has("group_noun"):
                return nxt.value
        if "merger_after" in tags and low != "mới":
            return 34.0
        if "merger_before" in tags and low != "cũ":
            return 63.0
    return None


_GROUP_SIZES = frozenset({"FRAC", "ORD", "NUM"})


def group_frames(v: SentenceView) -> list[tuple[float, Optional[str], str]]:
    """The sizes and kinds of the groups a sentence names as the field of a ranking: 'gồm 17 bộ, …',
    'trong 19 sở, ban, ngành tỉnh', 'nhóm 8 bộ, ngành không có dịch vụ công', 'đối với 27 sở, ban,
    ngành cấp tỉnh và 26 huyện, thị xã, thành phố'."""
    toks = v.toks
    out: list[tuple[float, Optional[str], str]] = []
    for k, t in enumerate(toks[:-1]):
        if t.tags.isdisjoint(_GROUP_SIZES):
            continue          # only a place or a number sizes a group
        # 'Bộ Tài chính xếp thứ 2/17 bộ, ngành có cung cấp dịch vụ công': a place out of a named
        # group of ministries or agencies sizes that group for the ranks that follow
        ranked = t.has("ORD") or (k > 0 and toks[k - 1].has("rank_verb", "rank_noun", "rank_verb_noun"))
        if t.has("FRAC", "ORD") and t.value2 and 2 <= t.value2 <= 200 and ranked:
            group = _GROUP_OF_NOUN.get(toks[k + 1].text.lower())
            if group in ("ministry", "agency", "district", "other"):
                end = next((j for j in range(k + 1, min(len(toks), k + 16)) if toks[j].has("semi", "period", "colon",
                                                                                         *FIGURES)), min(len(toks), k + 16))
                out.append((t.value2, group, " ".join(x.text for x in toks[k + 1:end])))
            continue
        if t.has("FRAC"):
            continue
        if not (t.has("NUM") and t.has("int") and t.value and 2 <= t.value <= 200):
            continue
        noun = toks[k + 1]
        if noun.text.lower() not in _GROUP_OF_NOUN:
            continue
        group = _GROUP_OF_NOUN[noun.text.lower()]
        before = toks[k - 1].text.lower() if k > 0 else ""
        before2 = toks[k - 2].text.lower() if k > 1 else ""
        fronted = v.fronted_field(k)
        if before == "nhóm" and before2 in ("thuộc", "vào", "trong", "là", "lọt") and not fronted:
            continue          # 'thuộc nhóm 30 tỉnh': a top group, not the field
        after = " ".join(x.text.lower() for x in toks[k + 2:k + 6])
        field_of = fronted or before in ("gồm", "trong", "nhóm", "khối", "của", "số", "có", "(") or \
            toks[k - 1].has("include") or \
            before in ("đối với", "cho") or (before == "và" and out) or \
            (before == ":" and any(x.text.lower() in ("nhóm", "khối", "đánh giá", "xếp hạng") or x.has("ranking_frame")
                                   for x in toks[:k]))
        if not field_of:
            continue
        if before in ("có", "(") and not re.search(r"được\s+đánh\s+giá|tham\s+gia", after):
            continue
        if any(x.has("lead_adj", "trail_adj") for x in toks[k + 1:k + 6]):
            continue          # '5 tỉnh dẫn đầu': a top group, not the field
        end = next((j for j in range(k + 1, min(len(toks), k + 16)) if toks[j].has("semi", "period", "colon", *FIGURES)),
                   min(len(toks), k + 16))
        out.append((t.value, group, " ".join(x.text for x in toks[k + 1:end])))   # the words that describe it
    return out


_GROUP_OF_NOUN = {"bộ": "ministry", "ngành": "ministry", "bộ ngành": "ministry", "cơ quan ngang bộ": "ministry",
                  "sở": "agency", "ban": "agency", "huyện": "district", "quận": "district", "thị xã": "district",
                  "xã": "other", "phường": "other", "tỉnh": "province", "thành phố": "province",
                  "tỉnh thành": "province", "tỉnh thành phố": "province", "địa phương": "province",
                  "tỉnh/thành": "province", "tỉnh/thành phố": "province", "quốc gia": "country",
                  "cơ quan": None, "đơn vị": None,
                  "nước": "country", "nền kinh tế": "country"}


def region_of(c: Candidate, v: SentenceView) -> Optional[str]:
    """'xếp thứ 5 khu vực Tây Nguyên', 'thứ 3/5 tỉnh Tây Nguyên', 'dẫn đầu khu vực Bắc Trung Bộ':
    the region a rank is stated within."""
    toks = v.toks
    if c.span[1] < len(toks) and toks[c.span[1]].has("nation_scope"):
        return None
    for k in range(c.span[1], min(len(toks), c.span[1] + 4)):
        t = toks[k]
        if t.has("REGION"):
            return v.t.span_text(c.span[1], k + 1)
        if not (t.has("region_word", "group_noun", "prep_scope") or t.text.lower() in ("các", "trong")):
            break
    # 'Trong khu vực miền núi phía Bắc, Lạng Sơn là tỉnh có thứ hạng cao nhất'; but 'Ở khu vực
    # miền núi phía Bắc, Yên Bái xếp thứ 38/63': a national place named by region
    if c.total in domain.NATIONAL_SIZES or (c.kind == "rank" and c.value and c.value > domain.LARGEST_REGION):
        return None
    for k in range(0, min(5, c.span[0])):
        if toks[k].has("REGION") and any(x.has("comma") for x in toks[k:c.span[0]]) and \
                any(x.has("region_word") or x.text.lower() in ("trong", "ở", "tại") for x in toks[:k]):
            return v.t.span_text(0, k + 1)
    return None
