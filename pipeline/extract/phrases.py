"""The words around a figure: what quantity it measures (metric phrases and indicator ids),
what a rank is about ('về …'), the ranking size a sentence states, and years tied to a metric."""
from __future__ import annotations

import re
from typing import Optional

from pipeline.extract import indicators
from pipeline.extract.candidates import Candidate
from pipeline.extract.sentence import FIGURES, SentenceView

_STOP_EDGE = {"và", "là", "đạt", "có", "với", "của", "được", "đã", "ở", "tại", "trong", "trên", "cho", "còn",
              "khoảng", "gần", "hơn", "trên", "dưới", "tới", "lên", "đến", "từ", "chiếm", "mới", "chỉ", "thì",
              "vẫn", "đều", "cũng", "đó", "này", "theo", "mức", "the", "of", "at", "in"}
_NOT_CONTENT = _STOP_EDGE | {"năm", "tháng", "sang", "riêng", "nay", "hiện", "ngày", "cụ", "thể", "trong", "đó", "điểm",
                              "tăng", "giảm"}   # a change of a figure before names no quantity of its own
_CAUSE_WORDS = ("nhờ", "do", "bởi", "vì", "trong đó", "còn", "khi", "sau khi")   # words that open a cause or another clause
_HEAD_NOUNS = ("tỷ lệ", "tỉ lệ", "chỉ số", "mức độ", "số lượng", "tỷ trọng", "tỉ trọng", "số", "tổng số", "tốc độ")


def _clean(text: str) -> str:
    text = re.sub(r"[\"“”()\[\]]", " ", text)
    text = re.sub(r"\s+", " ", text).strip(" ,;:.-")
    words = text.split(" ")
    while words and words[0].lower() in _STOP_EDGE:
        words.pop(0)
    while words and words[-1].lower() in _STOP_EDGE:
        words.pop()
    return " ".join(words)


def _content_words(text: str) -> int:
    return sum(1 for w in re.findall(r"[\wÀ-ỹ]+", text.lower()) if w not in _NOT_CONTENT and not w.isdigit())


_CONTRAST = ("còn", "trong khi", "nhưng", "tuy nhiên", "song")


def left_words(v: SentenceView, i: int, stop_at_figure: bool = True) -> tuple[int, int]:
    """Token range of the words before figure i that belong to it."""
    a = v.clause_start(i, ("semi", "colon", "period", "lpar"))
    # '…, còn khối tỉnh, thành chỉ đạt 18,54%': a contrast opens the figure's own clause
    turn = [k for k in range(a, i - 1) if v.toks[k].has("comma") and v.toks[k + 1].text.lower() in _CONTRAST]
    if turn:
        a = turn[-1] + 2
    if stop_at_figure:
        prev = v.prev_figure(i)
        if prev is not None and prev >= a:
            a = prev + 1
            # 'X đạt 17% ở các bộ, ngành và 37% ở địa phương': skip the previous figure's scope
    return a, i


def right_words(v: SentenceView, i: int, limit: int = 30) -> tuple[int, int]:
    """Token range of the words after figure i that name what it counts or measures."""
    b = i + 1
    n = len(v.toks)
    while b < n and b - i <= limit:
        t = v.toks[b]
        if t.has("lpar"):
            close = next((k for k in range(b + 1, min(n, b + 12)) if v.toks[k].has("rpar")), None)
            inner = v.toks[b + 1:close] if close else []
            if close and inner and any(x.has(*FIGURES) for x in inner) and not any(x.has("target_cue") for x in inner):
                b = close + 1          # '33 tỉnh (chiếm 52%) thuộc nhóm …': the phrase goes on
                continue
            if close and inner and len(inner) <= 4 and not any(x.has(*FIGURES, "SUBJ") for x in inner):
                b = close + 1          # '43 trang thông tin (website) bị chèn …': a gloss, the phrase goes on
                continue
            break
        if t.has(*FIGURES) and (_is_threshold(v, b) or _named_number(v, b)):
            b += 1
            continue
        if t.has("semi", "period", "rpar", "colon") or t.has(*FIGURES) or t.has("DATE"):
            break
        if t.has("comma") and v.toks[0].text.lower() == "với" and not v.has_between(0, i, "comma"):
            break                      # 'Với tỷ lệ 68,54%, tỉnh này …': the fronted phrase ends
        if t.has("comma"):
            nxt = v.toks[b + 1] if b + 1 < n else None
            after = v.toks[b + 2] if b + 2 < n else None
            if nxt is None or nxt.has(*FIGURES) or (after is not None and after.has(*FIGURES)) or \
                    nxt.has("specifically", "compare") or \
                    nxt.text.lower() in ("trong", "đạt", "chiếm", "tăng", "giảm", "với", "giúp", "qua", "nhằm", "còn",
                                         "góp", "đồng", "bảo", "đưa", "tạo", "nâng"):
                break
        b += 1
    return i + 1, b


def _is_threshold(v: SentenceView, k: int) -> bool:
    before = " ".join(t.text.lower() for t in v.toks[max(0, k - 2):k])
    after = " ".join(t.text.lower() for t in v.toks[k + 1:k + 3])
    return before.endswith(("mức", "ngưỡng")) or after.startswith(("trở lên", "trở xuống"))


def _named_number(v: SentenceView, k: int) -> bool:
    """A number that is part of a name, not a figure: 'tốp 10', 'mức độ 4', 'cấp độ 3'."""
    prev = v.toks[k - 1] if k > 0 else None
    return prev is not None and (prev.has("top_word", "bottom_word") or prev.text.lower() in
                                 ("mức độ", "cấp độ", "mức", "loại", "nhóm", "top", "tốp"))


def share_of_previous(v: SentenceView, i: int) -> Optional[str]:
    """'2.145 hệ thống thông tin được phê duyệt cấp độ, đạt 66,5%', 'gần 272.000 hồ sơ …, chiếm 31,5%':
    a percentage right after a count is the share that count makes; it measures the same thing."""
    if not v.toks[i].has("PCT") or i < 2:
        return None
    verb, comma = v.toks[i - 1], v.toks[i - 2]
    if v.toks[i - 1].has("qualifier_word") and i >= 3:
        verb, comma = v.toks[i - 2], v.toks[i - 3]
    if not (comma.has("comma", "lpar") and verb.text.lower() in ("đạt", "chiếm", "bằng", "tương đương", "tức", "là")):
        return None       # ', chiếm 31,5%' or '(chiếm 52%)' after the count
    prev = v.prev_figure(i)
    while prev is not None and _is_threshold(v, prev):
        prev = v.prev_figure(prev)     # '12/89 bộ, tỉnh có DTI từ 0,5 trở lên, chiếm 13,48%': the share of the 12
    if prev is None or i - prev > 14 or not v.toks[prev].has("NUM", "FRAC") or v.toks[prev].has("PCT"):
        return None
    pa, _ = left_words(v, prev)
    ra, rb = right_words(v, prev)
    return _clean(f"{v.t.span_text(pa, prev)} {v.t.span_text(ra, rb)} {verb.text}")[:160]


def goal_of_figure_before(v: SentenceView, i: int) -> Optional[int]:
    """'đạt 63,47% (mục tiêu 70%)', 'mới đạt 45,8%, trong khi mục tiêu đề ra là 50%': for a goal
    set beside a figure just stated, that figure."""
    if v.paren[i] > 0:
        lpar = next((k for k in range(i - 1, max(-1, i - 4), -1) if v.toks[k].has("lpar")), None)
        if lpar is None or not any(v.toks[k].has("target_cue") for k in range(lpar + 1, i)):
            return None
        prev = lpar - 1
        return prev if prev >= 0 and v.toks[prev].has(*FIGURES) and not v.toks[prev].has("YEAR") else None
    cue = next((k for k in range(i - 1, max(-1, i - 6), -1) if v.toks[k].has("target_cue")), None)
    while cue is not None and cue > 0 and v.toks[cue - 1].has("target_cue"):
        cue -= 1                       # 'mục tiêu đề ra là 50%'
    if cue is None or v.has_between(cue, i, *FIGURES) or not v.has_between(max(0, cue - 4), cue, "comma"):
        return None
    prev = v.prev_figure(cue)
    return prev if prev is not None and cue - prev <= 6 and not v.toks[prev].has("YEAR") else None


def part_of_count(v: SentenceView, i: int) -> bool:
    """'… 8.887 người, trong đó tỉnh Lào Cai chiếm 60,2%': a share of the count before it."""
    a = v.clause_start(i, ("semi", "period"))
    words = " ".join(t.text.lower() for t in v.toks[max(0, i - 8):i])
    prev = v.prev_figure(i)
    return "trong đó" in words and prev is not None and v.toks[prev].has("NUM", "FRAC") and \
        not v.toks[prev].has("PCT") and prev >= a


def _in_parens(v: SentenceView, i: int) -> bool:
    return v.paren[i] > 0 and any(v.toks[k].has("lpar") for k in range(max(0, i - 3), i))


def metric_phrase(v: SentenceView, c: Candidate) -> str:
    """The words naming the quantity a percentage or count measures: the figure's clause before
    it and the noun phrase after it; when the words before it are only a scope ('… và 37% ở địa
    phương'), the head shared with the figure before."""
    i = c.tok
    own = right_words(v, i)
    outer = goal_of_figure_before(v, i)
    if outer is not None:
        # 'đạt 63,47% (mục tiêu 70%)': the goal is for the quantity the figure before measures
        from dataclasses import replace
        return metric_phrase(v, replace(c, tok=outer))
    if _in_parens(v, i) and own[1] - own[0] == 0:
        # '(chiếm 52%)', '(0,3026)': the figure belongs to the phrase around the parenthesis
        a, b = v.clause_start(i, ("semi", "period")), v.clause_end(i)
        words = [t.text for t in v.toks[a:b] if t.i != i and not t.has("lpar", "rpar")]
        return _clean(" ".join(words))[:160]
    share = share_of_previous(v, i)
    if share is not None:
        return share
    a, _ = left_words(v, i)
    left = v.t.span_text(a, i)
    ra, rb = right_words(v, i)
    right = v.t.span_text(ra, rb)
    shared = re.search(r"(?i)^\W*(?:trong đó|trong khi|còn|vượt|cao hơn|thấp hơn|bằng|so với|gấp)\b", left) or \
        re.search(r"(?i)\b(?:vượt|cao hơn|thấp hơn|so với)\s+(?:mức\s+)?(?:trung bình|bình quân)", left)
    # 'tăng 15,4% so với kỳ trước': a comparison after the figure does not name what it measures
    described = re.sub(r"(?i)^\W*(?:so\s+với|so\s+cùng\s+kỳ|cùng\s+kỳ)\b.*$", "", right)
    if (_content_words(left) < 2 and _content_words(described) < 3) or shared:
        prev = v.prev_figure(i)
        if prev is not None:
            pa, _ = left_words(v, prev)
            pra, prb = right_words(v, prev)
            head = v.t.span_text(pa, prev)
            if shared and re.match(r"(?i)^\W*trong đó", left):
                head += " " + v.t.span_text(pra, prb)       # 'N trạm BTS 5G …; trong đó Viettel chiếm …'
            left = " ".join(head.split()[-14:]) + " " + left
        else:
            sa = v.clause_start(i, ("period",))
            left = v.t.span_text(sa, i)
    right = " ".join(right.split()[:26])
    phrase = _clean(f"{left} {right}")
    return phrase[:200] or _clean(v.t.text[:80])


def change_suffix(v: SentenceView, i: int) -> str:
    """'_growth' or '_decrease' when the figure is a change ('tăng 8,6%', 'giảm tới 9,3%')."""
    k = i - 1
    while k >= 0 and (v.toks[k].text.lower() in ("tới", "đến", "thêm", "khoảng", "gần", "hơn", "trên", "được",
                                                  "mạnh", "liền", "ở", "mức", "là", "đạt", "vượt")):
        k -= 1
    if k >= 0 and v.toks[k].has("change_down"):
        return "_decrease"
    if k >= 0 and (v.toks[k].has("change_up") or v.toks[k].has("growth_word")):
        return "_growth"
    return ""


def indicator_id(v: SentenceView, c: Candidate, phrase: str, aggregate: bool) -> str:
    suffix = change_suffix(v, c.tok) if c.kind == "percent" else ""
    ident = indicators.identify(phrase, suffix)
    if aggregate and "average" not in ident:
        ident += "_average"
    return ident


def about_after(v: SentenceView, c: Candidate) -> list[tuple[str, str]]:
    """'đứng thứ hai toàn quốc về tỷ lệ A và tỷ lệ B': what the rank is about, one per metric."""
    toks = v.toks
    k = c.span[1]
    n = len(toks)
    while k < n and (toks[k].has("nation_scope", "group_noun", "comma", "region_word", "SUBJ", "world_scope") or
                     toks[k].text.lower() in ("trên", "trong", "của", "các", "tỉnh,", "thành", "trực thuộc", "trung ương",
                                              "trực", "thuộc") or
                     (toks[k].has("prep_scope") and not toks[k].has("about"))):
        if toks[k].has("SUBJ") and not (k > 0 and toks[k - 1].has("region_word")):
            break
        k += 1
    if k + 1 < n and toks[k].text.lower() in ("trên", "trong", "ở", "của", "tại") and toks[k + 1].has("ranking_frame"):
        metric_toks = [t for t in toks[k + 2:k + 5] if t.has("METRIC")]
        if metric_toks:
            return [(metric_toks[0].ref.id, metric_toks[0].ref.phrase)]
    if k >= n or not toks[k].has("about") or toks[k].text.lower() not in ("về", "trong lĩnh vực", "về lĩnh vực",
                                                                         "ở lĩnh vực", "đối với", "về mặt", "in terms of"):
        return []
    start = k + 1
    end = start
    while end < n and not toks[end].has("semi", "period", "lpar", "colon") and not toks[end].has(*FIGURES) \
            and not (toks[end].has("comma") and end + 1 < n and (toks[end + 1].has("SUBJ") or toks[end + 1].text.lower()
                                                                  in ("tăng", "giảm", "đạt", "xếp", "đứng", "với", "trong"))):
        if toks[end].has("YEAR") or toks[end].has("rank_verb", "rank1") and end > start + 1:
            break
        end += 1
    if end <= start:
        return []
    metric_toks = [t for t in toks[start:end] if t.has("METRIC")]
    head = " ".join(t.text.lower() for t in toks[start:start + 3])
    if metric_toks and (metric_toks[0].i <= start + 1 or re.match(r"(?:đánh giá|xếp hạng|kết quả|chỉ số|mức độ)", head)):
        chain = v.coordination(metric_toks[0].i, "METRIC")
        return [(toks[x].ref.id, toks[x].ref.phrase) for x in chain]
    text = v.t.span_text(start, end)
    if re.match(r"(?i)\s*(?:chuyển\s+đổi\s+số|bảng\s+xếp\s+hạng|kết\s+quả|số\s+điểm|điểm)", text):
        return []
    parts = _split_metrics(text)
    return [(indicators.identify(p), _clean(p)) for p in parts if _clean(p)]


def _split_metrics(text: str) -> list[str]:
    """'tỷ lệ A và tỷ lệ B' → two phrases; 'A và B' of one head stays one."""
    pieces = re.split(r"\s+và\s+(?=(?:" + "|".join(_HEAD_NOUNS) + r")\s)", text)
    return [p for p in pieces if p.strip()]


def measured_before(v: SentenceView, c: Candidate) -> Optional[int]:
    """The measured figure a rank follows in its clause ('chiếm tỷ trọng 12,52% GRDP, đứng thứ
    12/63'; 'tăng trưởng vượt 20%/năm, nhanh nhất khu vực'): its token, if any."""
    prev = v.prev_figure(c.span[0])
    if prev is None or prev < v.clause_start(c.span[0], ("semi", "period")):
        return None
    t = v.toks[prev]
    nxt = v.toks[prev + 1] if prev + 1 < len(v.toks) else None
    if v.has_between(prev + 1, c.span[0], "SUBJ"):
        return None          # the figure before belongs to another subject
    if t.has("PCT") and not (nxt is not None and nxt.has("change_noun")):
        return prev
    if t.has("NUM") and t.has("mult"):
        return prev
    return None


def indicator_phrase_for_rank(v: SentenceView, c: Candidate, prev: int) -> Optional[str]:
    """A rank of the figure stated just before it: that figure's quantity, with the rank's scope."""
    pseudo = Candidate("phrase", "percent", 0.0, prev, (prev, prev + 1))
    base = metric_phrase(v, pseudo)
    scope = v.t.span_text(c.span[0], v.clause_end(c.tok))
    return _clean(f"{base} {scope}")[:160]


def superlative_phrase(v: SentenceView, c: Candidate) -> Optional[str]:
    """'tốc độ tăng trưởng nhanh nhất khu vực': the noun phrase a superlative ranks, with its scope."""
    a = v.clause_start(c.span[0], ("semi", "period", "comma"))
    words = [t.text for t in v.toks[a:c.span[0]] if not t.has("SUBJ", *FIGURES)]
    text = _clean(" ".join(words))
    if _content_words(text) < 2:
        return None
    scope = v.t.span_text(c.span[0], min(len(v.toks), c.span[1] + 3))
    return _clean(f"{text} {scope}")[:160]


def clause_phrase(v: SentenceView, c: Candidate) -> Optional[str]:
    """The words of a rank's clause besides its subject and its position, as what it ranks."""
    a, b = v.clause_start(c.span[0], ("semi", "period")), v.clause_end(c.tok)
    words = [t.text for t in v.toks[a:b] if not t.has("SUBJ", "PUNCT", *FIGURES) and t.i not in range(*c.span)]
    text = _clean(" ".join(words))
    return text[:160] if _content_words(text) >= 2 else None


def refers_to_metric(v: SentenceView, c: Candidate) -> bool:
    """'… nhóm 15 địa phương dẫn đầu ở trụ cột này', 'chỉ số này của tỉnh xếp thứ 5'."""
    a, b = v.clause_start(c.span[0], ("semi", "period")), v.clause_end(c.tok)
    words = " ".join(t.text.lower() for t in v.toks[a:b])
    return bool(re.search(r"(?:trụ cột|chỉ số)(?: chính)? (?:này|đó|nói trên)\b", words))


def internal_units(v: SentenceView, i: int) -> bool:
    """An average over a province's own agencies, districts or communes ('khối các cơ quan …
    điểm trung bình'), not over the provinces of the country."""
    a = v.clause_start(i, ("semi", "period"))
    words = " ".join(t.text.lower() for t in v.toks[a:i])
    return bool(re.search(r"\b(?:cơ quan|sở|ban|ngành|khối|huyện|xã|phường|thị xã|cấp huyện|cấp xã|đơn vị)\b", words)) \
        and not re.search(r"cả nước|toàn quốc|cấp tỉnh|các tỉnh|tỉnh\s*, thành|quốc gia|bộ\s*, ngành|cấp bộ", words)


def evaluated_goal(v: SentenceView, k: int) -> bool:
    """'chưa đạt mục tiêu', 'vượt chỉ tiêu', 'so với kế hoạch': a goal word that judges a result,
    which makes no figure after it a goal."""
    before = " ".join(t.text.lower() for t in v.toks[max(0, k - 2):k])
    return bool(re.search(r"(?:đạt|vượt|hoàn thành|so với|theo)$", before))


_BARE_WORDS = {"tỷ", "tỉ", "lệ", "mức", "với", "đạt", "đều", "còn", "lại", "dưới", "trên", "chưa", "tới", "nhóm",
               "thấp", "cao", "nhất", "thuộc", "chỉ", "khoảng", "gần", "hơn", "là", "có", "được", "đã", "này",
               "đó", "trong", "vượt", "qua", "mới", "vẫn", "cũng", "tương", "đương", "khi", "các", "những"}
_SCOPE_TAGS = ("SUBJ", "self_ref", "group_noun", "block_word", "lead_adj", "trail_adj", "rank1", "last_place",
               "qualifier_word", "respectively", "nation_scope", "rank_verb", "rank_noun", "ord_marker", "copula",
               "ORD", "PCT", "NUM", "FRAC", "NUMWORD")


def _strip_scope(v: SentenceView, phrase: str) -> str:
    text = " " + phrase.lower() + " "
    for t in sorted(v.toks, key=lambda t: -len(t.text)):
        if t.has(*_SCOPE_TAGS):
            text = text.replace(" " + t.text.lower() + " ", " ").replace(t.text.lower(), " ")
    return text


def bare_phrase(v: SentenceView, phrase: str) -> bool:
    """Do a percentage's words name only whose it is and how it ranks ('Bộ Công Thương dẫn đầu với
    tỷ lệ', 'Khối bộ, ngành đạt'), not what it measures?"""
    if any(t.has("METRIC") and t.text.lower() in phrase.lower() for t in v.toks):
        return False
    words = re.findall(r"[\wÀ-ỹ]+", _strip_scope(v, phrase))
    return len([w for w in words if w not in _NOT_CONTENT and w not in _BARE_WORDS and not w.isdigit()]) < 2


def scope_words(v: SentenceView, phrase: str) -> str:
    """The units a bare percentage is about ('khối bộ, ngành', 'Hà Nội và TP Hồ Chí Minh'), to keep
    beside the quantity it takes."""
    units = [t.text for t in v.toks if t.has("group_noun", "block_word") and t.text.lower() in phrase.lower()]
    if not units:
        return ""
    m = re.search(r"(?i)(?:khối\s+|các\s+)?" + re.escape(units[0]) + r"[\wÀ-ỹ ,/]*", phrase)
    return _clean(m.group(0))[:60] if m else ""


def of_the_nation(v: SentenceView, i: int) -> bool:
    """'tỷ lệ hồ sơ trực tuyến toàn trình của cả nước … đạt 45,8%': the figure's clause names the
    whole country as its owner."""
    a = v.clause_start(i, ("semi", "period"))
    words = " ".join(t.text.lower() for t in v.toks[a:i])
    return bool(re.search(r"\b(?:của|trên)\s+(?:cả\s+nước|toàn\s+quốc)\b|^(?:cả\s+nước|toàn\s+quốc)\b", words))


def national_scope(v: SentenceView, i: int) -> bool:
    """Does the clause of token i speak of the provinces or ministries of the country (an average
    over them is the nation's) rather than of one province's own units?"""
    a = v.clause_start(i, ("semi", "period"))
    b = v.clause_end(i)
    words = " ".join(t.text.lower() for t in v.toks[a:b])
    return bool(re.search(r"cả nước|toàn quốc|cấp tỉnh|các tỉnh|tỉnh\s*, thành|quốc gia|bộ\s*, ngành|cấp bộ|các bộ|"
                          r"địa phương|63|34|dti", words))


def metric_token(v: SentenceView, c: Candidate) -> Optional[int]:
    before = [k for k in range(0, c.span[0]) if v.toks[k].has("METRIC")]
    return before[-1] if before else None


def metric_later(v: SentenceView, c: Candidate) -> Optional[tuple[str, str]]:
    """'Với 0,8412 điểm, Huế … có mức độ chuyển đổi số cao nhất': a named index later in the
    figure's clause, with no other figure between, is the one the figure is of."""
    if c.kind not in ("score", "rank"):
        return None
    toks = v.toks
    # 'Với 0,8412 điểm, Huế …': a fronted figure reads on into its main clause
    fronted = c.span[0] >= 1 and toks[c.span[0] - 1].text.lower() in ("với", "đạt") and \
        (c.span[0] == 1 or toks[c.span[0] - 2].has("comma"))
    for k in range(c.span[1], len(toks)):
        t = toks[k]
        if t.has("comma") and fronted:
            fronted = False
            continue
        if t.has("comma", "semi", "period", "colon", "lpar") or t.text.lower() in _CAUSE_WORDS:
            return None
        if t.has(*FIGURES) and t.value is not None:
            return None
        if t.has("METRIC") and t.ref is not None and t.ref.vocab:
            return (t.ref.id, t.ref.phrase)
    return None


def new_subject_between(v: SentenceView, k: int, end: int) -> bool:
    """'…, Xã hội số của tỉnh sẽ đạt 0,8 điểm, đồng thời Kon Tum sẽ thuộc nhóm 30': a subject
    opening a new clause between a metric and a figure cuts the metric off."""
    for j in range(k + 1, end):
        if v.toks[j].has("SUBJ") and v.is_subject(j) and not (j > 0 and v.toks[j - 1].text.lower() in ("của", "tỉnh")):
            return v.has_between(k + 1, j, "comma", "semi") and v.has_between(k + 1, j, *FIGURES)
    return False


def members_after(v: SentenceView, i: int) -> list[int]:
    """'sáu địa phương đạt điểm tối đa 1.000 điểm, gồm Lào Cai, Thái Nguyên …': a group of units
    states the figure and its members follow it; their tokens."""
    a = v.clause_start(i, ("semi", "period", "colon"))
    if not any(t.has("group_noun") for t in v.toks[a:i]):
        return []
    for k in range(i + 1, min(len(v.toks), i + 9)):
        t = v.toks[k]
        if t.has("semi", "period") or (t.has(*FIGURES) and t.value is not None and k > i + 1):
            return []      # (right after it: the figure's own amount, 'đạt điểm tối đa 1.000 điểm')
        if t.text.lower() in ("gồm", "bao gồm", "gồm có"):
            j = k + 1
            while j < len(v.toks) and v.toks[j].has("colon", "comma"):
                j += 1
            if j < len(v.toks) and v.toks[j].has("SUBJ"):
                return v.coordination(j)
            return []
    return []


def year_described(v: SentenceView, i: int) -> Optional[int]:
    """'so với năm 2022 - năm tỉnh đứng ở vị trí cuối cùng': a clause set after a year by '- năm'
    describes that year; the figure at token i inside it is of that year."""
    toks = v.toks
    for k in range(i - 3, -1, -1):
        if toks[k].has("YEAR") and toks[k + 1].text in ("-", "–", "—") and toks[k + 2].text.lower() == "năm":
            if not any(t.has("YEAR", "semi", "period") for t in toks[k + 3:i]):
                return int(toks[k].value)
            return None
    return None
