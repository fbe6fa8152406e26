"""Whose figure it is when no name says so: the nation's (an average over the provinces, a share
or a count of the country's provinces or ministries, a national index), a denial ('không còn nằm
trong top 10'), a fronted figure ('Với 0,3897 điểm, Quảng Ninh …')."""
from __future__ import annotations

from pipeline.extract.candidates import RANKISH, Candidate
from pipeline.extract.discourse import Discourse
from pipeline.extract.sentence import SentenceView


def negated(c: Candidate, v: SentenceView) -> bool:
    """'không còn nằm trong top 10', 'chưa lọt vào tốp 20': a group or place denied."""
    a = max(v.clause_start(c.span[0], ("semi", "period", "comma")), c.span[0] - 4)
    return c.kind in RANKISH and any(t.has("negation") for t in v.toks[a:c.span[0]])


def counts_units(v: SentenceView, i: int) -> bool:
    """'Có 33 tỉnh, thành phố …', '7/17 bộ, ngành …': a count of provinces or ministries is the
    nation's (or the region's named before it), not the article's province."""
    nxt = v.toks[i + 1] if i + 1 < len(v.toks) else None
    return nxt is not None and nxt.text.lower() in ("tỉnh", "tỉnh thành", "tỉnh thành phố", "tỉnh/thành",
                                                    "tỉnh/thành phố", "bộ", "bộ ngành", "địa phương", "quốc gia")


def share_of_provinces(v: SentenceView, i: int) -> bool:
    """'100% bộ, tỉnh đều có chỉ số tăng': a share of the country's provinces or ministries is
    the nation's figure (a share of 'xã' or 'sở' stays the province's)."""
    k = i + 1
    if k < len(v.toks) and v.toks[k].text.lower() in ("các", "số"):
        k += 1
    return k < len(v.toks) and v.toks[k].text.lower() in ("tỉnh", "tỉnh thành", "tỉnh thành phố", "tỉnh/thành",
                                                           "tỉnh/thành phố", "bộ", "bộ ngành")


def fronted_figure(v: SentenceView, i: int) -> bool:
    """'Với 0,3897 điểm, Quảng Ninh đứng thứ 4': the figure sits in a fronted phrase."""
    first = [t for t in v.toks[:4] if not t.has("PUNCT")]
    starts = [t.text.lower() for t in first[:2]]
    if "với" not in starts and not (starts and starts[0] in ("cụ", "đạt")):
        return False
    commas = [k for k in range(i, len(v.toks)) if v.toks[k].has("comma")]
    return bool(commas) and not v.has_between(0, i, "SUBJ")


def aggregate(c: Candidate, v: SentenceView, state: Discourse) -> bool:
    """An average over the provinces or ministries ('DTI trung bình cấp tỉnh đạt 0,3026', 'vượt
    mức bình quân cả nước là 82,7%'): the nation's figure. 'Bình quân, …' opening a sentence is
    an adverb ('on average'), and says nothing of whose figure it is."""
    a, i = v.window(c.tok)
    if a and v.toks[a - 1].has("lpar"):
        a = max(v.clause_start(c.tok, ("semi", "period")), (v.prev_figure(a) or -1) + 1)
    cue = [k for k in range(a, i) if v.toks[k].has("aggregate") and
           not (k + 1 < len(v.toks) and v.toks[k + 1].has("comma") and k <= 1)]
    if cue and not v.has_between(cue[-1], i, "SUBJ", "self_ref"):
        return True
    # 'Khối bộ, ngành đạt 63,47%': a figure over all the units of a kind
    block = [k for k in range(a, i) if v.toks[k].has("block_word") and k + 1 < len(v.toks) and
             v.toks[k + 1].has("group_noun")]
    if block and c.kind in ("percent", "count", "score") and \
            not v.has_between(v.clause_start(c.tok, ("semi", "period")), block[-1], "SUBJ", "self_ref") and \
            not v.has_between(block[-1] + 2, i, "SUBJ"):
        return True
    prev = v.prev_figure(c.tok)
    if prev is not None and c.notes.get("prev_aggregate") and not v.has_between(prev, i, "SUBJ", "self_ref"):
        c.notes["nation_goes_on"] = True      # the figure before was the nation's: so is this one
        return True
    # 'giá trị trung bình cả nước của 3 trụ cột đều tăng: Chính quyền số đạt 0,7240; …': an
    # average heading a colon list holds for the figures of the list
    colon = [k for k in range(0, c.tok) if v.toks[k].has("colon")]
    if colon and c.kind in ("score", "percent"):
        heads = [k for k in range(0, colon[-1]) if v.toks[k].has("aggregate")]
        if heads and not v.has_between(heads[-1], c.tok, "SUBJ", "self_ref"):
            c.notes["nation_goes_on"] = True
            return True
    # 'DTI bình quân đạt 0,6961. Cả ba trụ cột đều đi lên: Chính quyền số đạt 0,7582 …': the
    # averages go on in the next sentence of the paragraph while it names no one
    if state.aggregate_paragraph == v.t.paragraph and c.kind in ("score", "percent") and \
            not v.has_between(0, len(v.toks), "SUBJ", "self_ref"):
        c.notes["nation_goes_on"] = True
        return True
    return False


def national_index(c: Candidate, v: SentenceView) -> bool:
    """'DTI quốc gia năm 2024 đạt 0,7955', 'chỉ số chuyển đổi số quốc gia năm 2022 là 0,71'."""
    a, i = v.window(c.tok)
    for k in range(a, i):
        t = v.toks[k]
        if t.has("nation_index") and not t.has("aggregate") and not v.has_between(k, i, "SUBJ"):
            near_metric = v.has_between(max(0, k - 2), k + 1, "METRIC") or "dti" in t.text.lower() or \
                t.text.lower().startswith("cấp")
            if near_metric:
                return True
    return False
