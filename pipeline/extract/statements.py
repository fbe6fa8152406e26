"""Constructions written in code over one statement, registered by name and listed with their
examples in constructions.yaml: 'từ hạng 14 lên hạng 9' (the rank now, the rank before, the
change), a position over several metrics ('dẫn đầu ở cả ba trụ cột'), perfect scores, the
leading places a list of subjects holds ('lần lượt chiếm năm vị trí đầu tiên')."""
from __future__ import annotations

from typing import Optional

from pipeline.extract.candidates import Candidate, of_construction as _cand
from pipeline.extract.registry import construction
from pipeline.extract.sentence import SentenceView
from pipeline.extract.tokens import Tagged, Token

@construction("from_to")
def from_to(tagged: Tagged, state, c) -> list[Candidate]:
    """'từ hạng 14 lên hạng 9', 'từ vị trí thứ 14 vươn lên thứ 9': the rank now, the rank before
    (the previous year) and the change."""
    v = SentenceView(tagged)
    toks = tagged.tokens
    out = []
    for t in toks:
        if t.text.lower() != "từ":
            continue
        a = _rank_at(v, t.i + 1)
        if a is None:
            continue
        fa, ea = a
        k = ea
        while k < len(toks) and (toks[k].has("YEAR") or toks[k].text.lower() == "năm"):
            k += 1      # 'từ vị trí thứ 17 năm 2023 vươn lên thứ 8'
        if k < len(toks) and toks[k].has("change_up", "change_down"):
            b = _rank_at(v, k + 1)
            if b is None:
                continue
            fb, eb = b
            prev = _cand(c, "rank", fa.value, fa.i, (t.i, eb), claims=frozenset({fa.i}), total=fa.value2)
            prev.notes["previous"] = True
            now = _cand(c, "rank", fb.value, fb.i, (t.i, eb), claims=frozenset({fb.i}), total=fb.value2)
            # 'từ vị trí thứ 17 năm 2023 vươn lên thứ 8': the year names the place before; now is the next
            year_of_before = next((x for x in toks[ea:k] if x.has("YEAR") and x.value), None)
            if year_of_before is not None:
                prev.year, now.year = int(year_of_before.value), int(year_of_before.value) + 1
            out += [now, prev]
            # 'tăng bốn bậc, từ thứ 7 lên thứ 3': the change is stated already
            stated = any(x.has("change_noun") for x in toks[max(0, t.i - 6):t.i]) or \
                any(x.has("change_noun") for x in toks[eb:v.clause_end(eb - 1)])
            if not stated:      # 'tăng bốn bậc, từ thứ 7 lên thứ 3' / '… lên thứ 8, tăng 9 bậc': said already
                change = _cand(c, "rank_change", fa.value - fb.value, k, (t.i, eb), claims=frozenset({k}))
                change.year = now.year
                out.append(change)
    return out


def _rank_at(v: SentenceView, k: int) -> Optional[tuple[Token, int]]:
    toks = v.toks
    while k < len(toks) and (toks[k].has("rank_noun") and not toks[k].has("ORD")):
        k += 1
    if k < len(toks) and (toks[k].has("ORD") or (toks[k].has("NUM") and toks[k].has("small"))):
        return toks[k], k + 1
    return None


@construction("metric_predicate")
def metric_predicate(tagged: Tagged, state, c) -> list[Candidate]:
    """A position over several metrics: 'dẫn đầu ở 4 chỉ số chính gồm A, B, C và D' (a rank each and
    the count), 'đứng thứ nhất ở 5/8 chỉ số chính, cụ thể là …', 'dẫn đầu ở cả ba trụ cột',
    'cả ba trụ cột … đều xếp thứ 2/63'."""
    v = SentenceView(tagged)
    toks = tagged.tokens
    out = []
    for t in toks:
        if not (t.has("rank1") or t.has("ORD")):
            continue
        value = 1.0 if t.has("rank1") else t.value
        k = t.i + 1
        if k < len(toks) and toks[k].has("nation_scope"):
            k += 1
        if k < len(toks) and toks[k].text.lower() in ("ở", "tại", "trong", "về"):
            k += 1
        count_tok = None
        if k < len(toks) and toks[k].has("all_of"):
            k += 1
        if k < len(toks) and toks[k].has("NUM", "NUMWORD", "FRAC") and toks[k].value:
            count_tok = toks[k]
            k += 1
        if k < len(toks) and toks[k].has("METRIC") and toks[k].text.lower().startswith(("trụ cột", "pillar")) and \
                count_tok is not None:
            k = k  # 'cả ba trụ cột chính quyền số, …': the noun and the first name are one token
        elif k >= len(toks) or not (toks[k].has("methodology") or toks[k].text.lower() in ("chỉ", "chỉ số")):
            continue
        if count_tok is None and not toks[k - 1].has("all_of"):
            continue
        # the metrics named: after 'gồm', 'cụ thể là', ':' or right after the noun
        names = [x for x in toks[k:k + 30] if x.has("METRIC")]
        metrics = []
        if names:
            first = names[0].i
            metrics = [toks[x] for x in v.coordination(first, "METRIC")]
        if not metrics and toks[k].text.lower() == "trụ cột" and count_tok is not None and count_tok.value == 3:
            metrics = []   # 'cả ba trụ cột' without names: the three pillars
            pillars = [("dti.government", "Chính quyền số"), ("dti.economy", "Kinh tế số"), ("dti.society", "Xã hội số")]
            from pipeline.extract.metrics import MetricMention
            for mid, phrase in pillars:
                out.append(_cand(c, "rank", value, t.i, (t.i, k + 1), metrics=[MetricMention(-1, -1, mid, phrase, True)],
                                 claims=frozenset({t.i})))
        for m in metrics:
            out.append(_cand(c, "rank", value, t.i, (t.i, m.i + 1), metrics=[m.ref], claims=frozenset({t.i})))
        if count_tok is not None and (metrics or count_tok.value) and not toks[count_tok.i - 1].has("all_of"):
            total = count_tok.value2 if count_tok.has("FRAC") else None
            cand = _cand(c, "count", count_tok.value, count_tok.i, (t.i, k + 1), claims=frozenset({count_tok.i}),
                         total=total, unit="chỉ số" if "chỉ" in toks[k].text.lower() else toks[k].text.lower())
            cand.phrase = f"{t.text} {tagged.span_text(t.i + 1, k + 1)}"
            out.append(cand)
    return out


@construction("perfect_score")
def perfect_score(tagged: Tagged, state, c) -> list[Candidate]:
    """'đạt điểm tuyệt đối (1.000 điểm) ở 2/8 chỉ số là: A và B': the maximum of the scale, for each
    metric named, and the count of them; 'chỉ số Nhận thức số đạt điểm tuyệt đối'."""
    v = SentenceView(tagged)
    toks = tagged.tokens
    out = []
    for t in toks:
        if not t.has("perfect_score"):
            continue
        value, scale = 1.0, 1.0
        written = None
        for x in toks[t.i + 1:t.i + 3]:
            if x.has("NUM", "FRAC") and x.value:
                written = x
                break
            if not (x.has("lpar") or x.text.lower() in ("là", "với")):
                break
        if written is not None:
            value = written.value
            scale = written.value2 if written.has("FRAC") and written.value2 else (1000.0 if value > 100 else
                                                                                     (100.0 if value > 1 else 1.0))
        start = v.clause_start(t.i, ("semi", "period"))
        before = [x for x in toks[start:t.i] if x.has("METRIC")]
        after = t.i + 1 < len(toks) and any(x.text.lower() in ("ở", "tại") for x in toks[t.i + 1:t.i + 6])
        if before and not after:
            metrics = [toks[k] for k in v.coordination(before[-1].i, "METRIC")]
        else:
            names = [x for x in toks[t.i + 1:t.i + 25] if x.has("METRIC")]
            metrics = [toks[k] for k in v.coordination(names[0].i, "METRIC")] if names else []
        claims = {t.i} | ({written.i} if written is not None else set())
        for m in metrics:
            out.append(_cand(c, "score", value, t.i, (t.i, m.i + 1), metrics=[m.ref], scale=scale,
                             claims=frozenset(claims)))
    return out


@construction("leading_places")
def leading_places(tagged: Tagged, state, c) -> list[Candidate]:
    """'A, B và C chiếm ba vị trí dẫn đầu' (top_n of the group's size each); with 'lần lượt' before
    it and as many subjects as places, each also holds its place in order ('A, B, C, D và E lần
    lượt chiếm năm vị trí đầu tiên'). 'vị trí cuối bảng' gives bottom_n."""
    v = SentenceView(tagged)
    toks = tagged.tokens
    out = []
    for t in toks:
        if not (t.has("NUM", "NUMWORD") and t.has("int") and t.value and 2 <= t.value <= 30):
            continue
        k = t.i + 1
        if k >= len(toks):
            continue
        if toks[k].has("rank1", "last_place"):
            end, last = k + 1, toks[k].has("last_place")
        elif toks[k].has("rank_noun") and k + 1 < len(toks) and toks[k + 1].has("lead_adj", "first_word", "trail_adj"):
            end, last = k + 2, toks[k + 1].has("trail_adj")
        else:
            continue
        out.append(_cand(c, "bottom_n" if last else "top_n", t.value, t.i, (t.i, end), claims=frozenset(range(t.i, end))))
        respectively = any(x.has("respectively") or x.text.lower() == "lần lượt" for x in toks[max(0, t.i - 3):t.i])
        before = [x for x in v.subjects if x < t.i]
        chain = v.coordination(before[-1]) if before else []
        if respectively and not last and len(chain) == int(t.value):
            for place, subj in enumerate(chain, start=1):
                out.append(_cand(c, "rank", place, subj, (t.i, end), subjects=[toks[subj].ref],
                                 claims=frozenset({subj})))
    return out
