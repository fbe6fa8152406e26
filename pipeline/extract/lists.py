"""Constructions that patterns cannot say, registered by name and listed with their examples in
constructions.yaml: lists paired with lists ('lần lượt'), groups with their members, positions
filled in order, numbered ranking lines, predicates over several metrics, 'từ hạng 14 lên hạng 9'.
"""
from __future__ import annotations

import re
from typing import Optional

from pipeline.extract.candidates import Candidate, of_construction as _cand
from pipeline.extract.registry import construction
from pipeline.extract.sentence import FIGURES, SentenceView
from pipeline.extract.tokens import Tagged, Token

RANK_FIGS = ("ORD", "NUM", "FRAC", "NUMWORD")


def _value_list(v: SentenceView, start: int, tags=FIGURES) -> list[Token]:
    """Figures listed from token `start`: '22, 9, 13', '0,1931 và 0,2021', '2, 3 và 4'."""
    out = []
    k = start
    while k < len(v.toks):
        t = v.toks[k]
        if t.has(*tags) and t.value is not None:
            out.append(t)
        elif t.has("comma", "semi") or t.text.lower() in ("và", "&", "đến", "tới") or t.has("point_unit", "ORD") or \
                t.text.lower() in ("thứ", "điểm", "hạng"):
            pass
        elif out:
            break
        elif t.has("copula", "colon", "respectively", "rank_verb", "rank_noun", "score_verb", "score_noun", "tie") or \
                t.text.lower() in ("là", "đạt", "xếp", "với", "ở", "giá", "trị", "các", "giữ", "từ"):
            pass
        else:
            break
        k += 1
    return out


def _metric_chain_before(v: SentenceView, i: int) -> list[Token]:
    ms = [k for k in range(0, i) if v.toks[k].has("METRIC")]
    if not ms:
        return []
    chain = v.coordination(ms[-1], "METRIC")
    return [v.toks[k] for k in chain]


def _level_chain_before(v: SentenceView, i: int) -> list[Token]:
    ls = [k for k in range(v.clause_start(i, ("semi", "period")), i) if v.toks[k].has("level_word")]
    return [v.toks[k] for k in v.coordination(ls[-1], "level_word")] if ls else []


def _subject_chain_before(v: SentenceView, i: int) -> list[Token]:
    ss = [k for k in v.subjects if k < i]
    if not ss:
        return []
    return [v.toks[k] for k in v.coordination(ss[-1])]


@construction("respectively")
def respectively(tagged: Tagged, state, c) -> list[Candidate]:
    """'Kinh tế số và Xã hội số … với giá trị lần lượt là 0,1931 và 0,2021'; 'thứ hạng … lần lượt là
    22, 9, 13' after three pillars; 'A, B và C lần lượt xếp thứ 2, 3, 4'."""
    v = SentenceView(tagged)
    out = []
    for t in tagged.tokens:
        if not t.has("respectively"):
            continue
        values = _value_list(v, t.i + 1)
        left_metrics = _metric_chain_before(v, t.i)
        left_subjects = _subject_chain_before(v, t.i)
        if not left_metrics and _refers_to_metrics(v, t.i) and state is not None and state.metric_list:
            from pipeline.extract.metrics import MetricMention
            left_metrics = [Token(-1, -1, -1, p, frozenset({"METRIC"}), ref=MetricMention(-1, -1, m, p, True))
                            for m, p in state.metric_list]
        values = _expand_range(v, values, max(len(left_metrics), len(left_subjects)))
        before_values = [x for x in tagged.tokens[max(0, t.i - 8):t.i] if x.has("ORD")]
        after_members = _members(v, t.i + 1) if not left_subjects and not left_metrics else []
        if len(before_values) == 2 and len(after_members) >= 2:
            a, b = int(before_values[0].value), int(before_values[1].value)
            if b - a + 1 == len(after_members):
                ends = {x.i for x in before_values}      # 'thứ 6 đến thứ 10' belong to the list
                for n, m in enumerate(after_members):
                    out.append(_cand(c, "rank", a + n, m.i, (t.i, m.i + 1), subjects=[m.ref],
                                     claims=frozenset({m.i} | ends)))
                continue
        fronted = _fronted_values(v, left_subjects)
        for s_, fig in fronted:
            kind_ = "percent" if fig.has("PCT") else "score"
            out.append(_cand(c, kind_, fig.value, fig.i, (fig.i, t.i), subjects=[s_.ref], claims=frozenset({fig.i}),
                             qualifier=fig.qualifier))
        paired = _places_then_names(v, t.i)
        if paired:
            for place, (fig, subj) in paired:
                out.append(_cand(c, "rank", place, subj.i, (t.i, subj.i + 1), subjects=[subj.ref],
                                 claims=frozenset({subj.i, fig.i})))
            continue
        lead = _leading_places(v, t.i)
        if lead is not None and len(left_subjects) == lead[0] >= 2:
            n, tok = lead
            for rank, s in enumerate(left_subjects, start=1):
                out.append(_cand(c, "rank", rank, s.i, (t.i, s.i + 1), subjects=[s.ref], claims=frozenset({s.i})))
            out.append(_cand(c, "top_n", n, tok, (t.i, tok + 1), subjects=[s.ref for s in left_subjects],
                             claims=frozenset({tok, tok + 1, tok + 2})))
            continue
        if len(values) < 2:
            continue
        kind = _kind_of_values(v, t.i, values)
        if kind is None:
            continue
        if len(left_metrics) == len(values):
            for m, fig in zip(left_metrics, values):
                out.append(_cand(c, kind, fig.value, fig.i, (t.i, fig.i + 1), metrics=[m.ref],
                                 claims=frozenset({fig.i}), qualifier=fig.qualifier,
                                 total=fig.value2 if kind == "rank" else None,
                                 scale=fig.value2 if kind == "score" else None))
        elif len(_level_chain_before(v, t.i)) == len(values) and kind == "percent":
            # 'tỷ lệ cán bộ cấp tỉnh, cấp huyện và cấp xã … lần lượt là 100%, 97,5% và 91,2%'
            levels = _level_chain_before(v, t.i)
            a = v.clause_start(levels[0].i, ("semi", "period"))
            head, tail = tagged.span_text(a, levels[0].i), tagged.span_text(levels[-1].i + 1, t.i)
            for lv, fig in zip(levels, values):
                cand = _cand(c, kind, fig.value, fig.i, (t.i, fig.i + 1), claims=frozenset({fig.i}),
                             qualifier=fig.qualifier)
                cand.phrase = " ".join(f"{head} {lv.text} {tail}".split())
                out.append(cand)
        elif len(left_subjects) == len(values):
            for n, (s, fig) in enumerate(zip(left_subjects, values)):
                out.append(_cand(c, kind, fig.value, fig.i, (t.i, fig.i + 1), subjects=[s.ref],
                                 claims=frozenset({fig.i}), qualifier=fig.qualifier,
                                 total=fig.value2 if kind == "rank" else None,
                                 scale=fig.value2 if kind == "score" else None))
    return out


@construction("ordinal_list")
def ordinal_list(tagged: Tagged, state, c) -> list[Candidate]:
    """'Thanh Hoá, Điện Biên và Hà Tĩnh giữ các vị trí thứ 5, 6, 7': the places an explicit list of
    ordinals names, paired in order with the subjects before it (as many of each)."""
    v = SentenceView(tagged)
    toks = tagged.tokens
    out = []
    for t in toks:
        if not t.has("ORD") or t.value is None:
            continue
        places = [t]
        for k in range(t.i + 1, len(toks)):
            x = toks[k]
            if x.has("NUM", "ORD") and x.has("int") and x.value is not None:
                places.append(x)
            elif not (x.has("comma") or x.text.lower() == "và"):
                break
        if len(places) < 2 or any(b.value != a.value + 1 for a, b in zip(places, places[1:])):
            continue
        a = v.clause_start(t.i, ("semi", "period", "colon"))
        before = [k for k in v.subjects if a <= k < t.i]
        chain = v.coordination(before[-1]) if before else []
        if len(chain) != len(places) or any(x.has("respectively") for x in toks[chain[-1]:t.i]):
            continue       # 'lần lượt' lists are list.respectively's
        for fig, subj in zip(places, chain):
            out.append(_cand(c, "rank", fig.value, fig.i, (chain[0], places[-1].i + 1), subjects=[toks[subj].ref],
                             claims=frozenset({fig.i})))
    return out


def _fronted_values(v: SentenceView, subjects: list[Token]) -> list:
    """'Với 0,5064 điểm và 0,4880 điểm, Ninh Bình và Thanh Hóa lần lượt đứng thứ 6 và 12': values
    fronted before the subjects 'lần lượt' pairs, as many as they are; (subject, figure) pairs."""
    toks = v.toks
    if len(subjects) < 2 or not toks or toks[0].text.lower() != "với":
        return []
    figs = [t for t in toks[1:subjects[0].i] if t.has("NUM", "PCT") and t.value is not None]
    if len(figs) != len(subjects) or not toks[subjects[0].i - 1].has("comma"):
        return []
    return list(zip(subjects, figs))


def _places_then_names(v: SentenceView, i: int) -> list:
    """'xếp thứ 2 và 3 lần lượt là Sở Tài chính với 379,34 điểm và Sở Kế hoạch và Đầu tư với …':
    places listed before 'lần lượt', the subjects after it (each may carry its own score)."""
    toks = v.toks
    a = v.clause_start(i, ("semi", "period", "colon"))
    ords = [k for k in range(a, i) if toks[k].has("ORD")]
    if not ords:
        return []
    places = [toks[ords[-1]]]
    for k in range(ords[-1] + 1, i):
        x = toks[k]
        if x.has("NUM", "ORD") and x.has("int") and x.value is not None:
            places.append(x)
        elif not (x.has("comma") or x.text.lower() == "và"):
            return []
    names = [k for k in range(i + 1, v.clause_end(i)) if toks[k].has("SUBJ") and v.is_subject(k)]
    if len(places) < 2 or len(names) != len(places):
        return []
    return [(int(f.value), (f, toks[n])) for f, n in zip(places, names)]


def _leading_places(v: SentenceView, i: int) -> Optional[tuple[int, int]]:
    """'lần lượt chiếm năm vị trí dẫn đầu' after token i: (5, token of the number)."""
    toks = v.toks
    for k in range(i + 1, min(len(toks), i + 4)):
        t = toks[k]
        if t.has("NUM", "NUMWORD") and t.value and k + 1 < len(toks) and \
                (toks[k + 1].has("rank1") or (toks[k + 1].has("rank_noun") and k + 2 < len(toks) and
                                               toks[k + 2].has("lead_adj", "rank1"))):
            return int(t.value), k
    return None


def _refers_to_metrics(v: SentenceView, i: int) -> bool:
    """'các trụ cột này lần lượt …', 'ba chỉ số trên lần lượt …': metrics named before."""
    words = " ".join(t.text.lower() for t in v.toks[max(0, i - 5):i])
    return bool(re.search(r"(?:trụ cột|chỉ số)(?: chính)? (?:này|trên|đó|nói trên)", words))


def _expand_range(v: SentenceView, values: list[Token], want: int) -> list:
    """'lần lượt ở các vị trí từ thứ 7 đến thứ 10' for four names: positions 7, 8, 9, 10."""
    if len(values) == 2 and want > 2 and values[0].has("ORD") and values[1].has("ORD"):
        a, b = int(values[0].value), int(values[1].value)
        between = " ".join(t.text.lower() for t in v.toks[values[0].i:values[1].i])
        if "đến" in between and b - a + 1 == want:
            import dataclasses
            return [dataclasses.replace(values[0], value=float(a + n), i=values[0].i if n == 0 else values[1].i
                                        if n == want - 1 else values[0].i) for n in range(want)]
    return values


def _kind_of_values(v: SentenceView, i: int, values: list[Token]) -> Optional[str]:
    if all(f.has("PCT") for f in values):
        return "percent"
    words = " ".join(x.text.lower() for x in v.toks[max(0, i - 12):values[0].i])
    if all(f.has("NUM") and f.has("dec") for f in values) or any(x.has("score_noun") for x in v.toks[i:values[0].i]):
        if all(f.value <= 1 or f.has("FRAC") for f in values):
            return "score"
    if all(f.has("ORD", "NUM", "NUMWORD") and f.value is not None and float(f.value).is_integer() and f.value <= 200
           for f in values) and re.search(r"thứ\s+hạng|xếp|hạng|vị\s+trí|đứng", words):
        return "rank"
    return None


def _members(v: SentenceView, start: int) -> list[Token]:
    return [v.toks[k] for k in v.list_after(start)]


@construction("group_list")
def group_list(tagged: Tagged, state, c) -> list[Candidate]:
    """A group with its members: '5 địa phương dẫn đầu cả nước gồm: A, B, …' (top_n each); with
    'lần lượt là' also their ranks; '3 địa phương đứng cuối bảng là …' (bottom_n); 'chỉ sau 5 tỉnh …
    là A, B …' (top_n); 'Top 10 … gồm A, B …'; '2 tỉnh lọt vào tốp 10 cả nước là A và B'."""
    v = SentenceView(tagged)
    toks = tagged.tokens
    out: list[Candidate] = []
    for t in toks:
        if not (t.has("NUM", "NUMWORD") and t.has("int") and t.value and 2 <= t.value <= 100):
            continue
        k = t.i
        prev = toks[k - 1] if k > 0 else None
        top_word = prev is not None and prev.has("top_word", "bottom_word")
        after_intro = prev is not None and prev.has("after_word")
        # find the direction word (dẫn đầu / cuối bảng) and the list opener after the group noun
        j = k + 1
        direction = None
        opener = None
        while j < len(toks) and j <= k + 18:
            x = toks[j]
            if x.has("semi", "period") or (x.has(*FIGURES) and x.i != k):
                break
            if direction is None and x.has("lead_adj", "trail_adj", "top_word", "bottom_word", "rank1", "last_place"):
                direction = "bottom_n" if x.has("trail_adj", "bottom_word", "last_place") else "top_n"
            if x.has("include", "copula", "respectively") or x.has("colon") or \
                    (x.text.lower() == "có" and j + 1 < len(toks) and toks[j + 1].has("SUBJ")):
                opener = j
                break
            j += 1
        if direction is None:
            lead = [x for x in toks[v.clause_start(k, ("semi", "period")):k] if x.has("lead_adj", "trail_adj")]
            if lead and prev is not None and prev.has("copula"):
                direction = "bottom_n" if lead[-1].has("trail_adj") else "top_n"
                opener = opener if opener is not None else None
        if top_word:
            direction = "bottom_n" if prev.has("bottom_word") else "top_n"
        if after_intro and direction is None:
            direction = "top_n"
        if direction is None or opener is None:
            continue
        members = _members(v, opener)
        if len(members) < 2 and not (len(members) == 1 and t.value == 1):
            continue
        if top_word and any(x.has("then_list") for x in toks[v.clause_start(k, ("semi", "period")):k]):
            continue      # 'Những vị trí kế tiếp trong top 10 lần lượt là …': the places go on (then_list)
        ordered = toks[opener].has("respectively") or any(x.has("respectively") for x in toks[opener:opener + 2])
        claims = {k} | {x for x in range(v.clause_start(k, ("semi", "period")), opener + 1)
                        if toks[x].has("lead_adj", "trail_adj", "rank1", "last_place")}
        size = t.value
        # 'Vùng X có 2 tỉnh lọt vào tốp 10 … là A và B': the members belong to the top 10
        inner = next((toks[x] for x in range(k + 1, opener) if toks[x].has("top_word") and x + 1 < len(toks)
                      and toks[x + 1].has("NUM") and toks[x + 1].value), None)
        if inner is not None:
            size = toks[inner.i + 1].value
            claims.add(inner.i + 1)
        cand = _cand(c, direction, size, k, (k, members[-1].i + 1), subjects=[m.ref for m in members],
                     claims=frozenset(claims))
        out.append(cand)
        if ordered and len(members) == t.value and inner is None:
            for n, m in enumerate(members, start=1):
                rank = _cand(c, "rank", n, m.i, (k, m.i + 1), subjects=[m.ref], claims=frozenset({m.i}))
                if direction == "bottom_n":
                    rank.notes["from_bottom"] = (n, len(members))   # its place counted from the last
                out.append(rank)
    out.extend(_unnumbered_groups(v, toks, c))
    out.extend(_members_before(v, toks, c))
    return out


def _members_before(v: SentenceView, toks: list[Token], c) -> list[Candidate]:
    """'A (…); B (…); … và I (…) là những xã đứng đầu về …': a list named before the group it makes;
    'đứng đầu' is a shared first place, 'dẫn đầu' a leading group as large as the list."""
    out = []
    for t in toks:
        if not t.has("copula") or t.i + 3 >= len(toks):
            continue
        j = t.i + 1
        if toks[j].text.lower() in ("những", "các"):
            j += 1
        stated = None      # 'A, B và C là ba địa phương có DTI thấp nhất'
        if toks[j].has("NUM", "NUMWORD") and toks[j].has("int") and j + 1 < len(toks):
            stated, j = toks[j].value, j + 1
        if not toks[j].has("group_noun"):
            continue
        lead = next((x for x in toks[j + 1:j + 7] if x.has("lead_adj", "rank1", "trail_adj", "last_place")), None)
        if lead is None:
            continue
        members = []
        k = t.i - 1
        while k >= 0:
            x = toks[k]
            if x.has("rpar"):
                while k >= 0 and not toks[k].has("lpar"):
                    k -= 1
                k -= 1
                continue
            if x.has("SUBJ"):
                members.insert(0, x)
            elif not (x.has("comma", "semi") or x.text.lower() == "và"):
                break
            k -= 1
        if len(members) < 2 or (stated is not None and stated != len(members)):
            continue
        if lead.has("trail_adj", "last_place"):
            cand = _cand(c, "bottom_n", len(members), lead.i, (members[0].i, lead.i + 1), subjects=[m.ref for m in members],
                         claims=frozenset({lead.i}))
        elif "đứng đầu" in lead.text.lower():
            cand = _cand(c, "rank", 1, lead.i, (members[0].i, lead.i + 1), subjects=[m.ref for m in members],
                         claims=frozenset({lead.i}))
            cand.notes["tie"] = True
        else:
            cand = _cand(c, "top_n", len(members), lead.i, (members[0].i, lead.i + 1),
                         subjects=[m.ref for m in members], claims=frozenset({lead.i}))
        out.append(cand)
    return out


def _unnumbered_groups(v: SentenceView, toks: list[Token], c) -> list[Candidate]:
    """'Các địa phương dẫn đầu là A, B, C', 'Các cơ quan dẫn đầu gồm: A; B; …': a group as large
    as its members."""
    out = []
    for t in toks:
        if t.text.lower() not in ("các", "những") or t.i + 2 >= len(toks) or not toks[t.i + 1].has("group_noun"):
            continue
        j = t.i + 2
        direction = None
        while j < len(toks) and j <= t.i + 6:
            if toks[j].has("lead_adj", "trail_adj"):
                direction = "bottom_n" if toks[j].has("trail_adj") else "top_n"
                break
            j += 1
        if direction is None:
            continue
        opener = next((x.i for x in toks[j + 1:j + 5] if x.has("include", "copula", "colon")), None)
        if opener is None:
            continue
        members = _members(v, opener)
        if len(members) < 2:
            continue
        out.append(_cand(c, direction, len(members), j, (t.i, members[-1].i + 1), subjects=[m.ref for m in members],
                         claims=frozenset({j})))
    return out


@construction("then_list")
def then_list(tagged: Tagged, state, c) -> list[Candidate]:
    """'Dẫn đầu … là Hà Nội, tiếp theo là Huế, Hải Phòng …', 'Các vị trí xếp sau lần lượt là …':
    ranks in order after the last one stated."""
    v = SentenceView(tagged)
    out = []
    for t in tagged.tokens:
        if not t.has("then_list"):
            continue
        k = t.i + 1
        while k < len(tagged.tokens) and k <= t.i + 7 and not tagged.tokens[k].has("SUBJ") and \
                not tagged.tokens[k].has("semi", "period", "comma"):
            k += 1
        members = _members(v, k) if k < len(tagged.tokens) and tagged.tokens[k].has("SUBJ") else []
        if not members:
            continue      # 'trong những năm tiếp theo, UBND tỉnh …': no list follows
        start = _last_rank_before(v, t.i)
        unranked_before = any(x.has("SUBJ") and v.is_subject(x.i) for x in tagged.tokens[:t.i])
        if start is None and not unranked_before:
            # the list goes on from the last place the text stated, unless this sentence named
            # someone first whose place it does not say ('… là Cần Thơ với 0,6881 điểm, kế đến là …')
            start = state.last_rank if state.last_rank is not None and state.paragraph >= tagged.paragraph - 2 else None
        if start is None:
            low = t.text.lower()
            start = 1 if ("sau" in low or "kế tiếp" in low or "tiếp theo" in low) and _leader_named(v, t.i) else None
        if start is None:
            continue
        ordered = any(x.has("respectively") for x in tagged.tokens[max(0, t.i - 1):t.i + 2]) or "lần lượt" in t.text.lower()
        # 'Những vị trí kế tiếp trong top 10 lần lượt là …': the top 10 bounds the places, it is no group of its own
        bound = {x.i for x in tagged.tokens[t.i + 1:k] if x.has("top_word", "NUM")}
        for n, m in enumerate(members, start=int(start) + 1):
            cand = _cand(c, "rank", n, m.i, (t.i, m.i + 1), subjects=[m.ref], claims=frozenset({m.i} | bound),
                         optional_list=not ordered)
            cand.notes["continues"] = True
            out.append(cand)
    return out


def _last_rank_before(v: SentenceView, i: int) -> Optional[float]:
    for k in range(i - 1, -1, -1):
        t = v.toks[k]
        if t.has("ORD") and t.value:
            return t.value
        if t.has("rank1"):
            return 1.0
    return None


def _leader_named(v: SentenceView, i: int) -> bool:
    return any(t.has("rank1", "ORD") for t in v.toks[:i])


@construction("numbered_lines")
def numbered_lines(tagged: Tagged, state, c) -> list[Candidate]:
    """A numbered line of a ranking announced before it ('Top 10 xếp hạng DTI năm 2020 cấp Bộ …'
    then '1. Bộ Tài chính'): its rank, and membership of the announced group."""
    toks = tagged.tokens
    pending = state.pending
    if not toks:
        return []
    m = re.match(r"\s*(\d{1,3})\s*[.)]\s+\S", tagged.text)
    subj = next((t for t in toks[:6] if t.has("SUBJ")), None)
    if not m or subj is None:
        return []
    if pending is None or tagged.paragraph - pending.paragraph > 40:
        # 'N. Sở Tư pháp: 776,10 điểm': a line of a ranking by its score
        after = [t for t in toks[subj.i + 1:subj.i + 4]]
        if not (after and after[0].has("colon", "dash", "lpar") and any(t.has("NUM", "FRAC") and t.has("dec") or
                                                                         t.has("point_unit") for t in after)):
            return []
    rank = float(m.group(1))
    num = next((t for t in toks if t.has("NUM") and t.value == rank), None)
    anchor = num.i if num is not None else subj.i
    out = [_cand(c, "rank", rank, anchor, (0, subj.i + 1), subjects=[subj.ref], claims=frozenset({anchor}))]
    if pending is None or tagged.paragraph - pending.paragraph > 40:
        return out
    if pending.size and rank <= pending.size and pending.kind in ("top_n", "bottom_n"):
        extra = _cand(c, pending.kind, pending.size, subj.i, (0, subj.i + 1), subjects=[subj.ref],
                      claims=frozenset({subj.i}))
        out.append(extra)
    for x in out:
        x.notes["pending"] = True
        if pending.kind == "rank" and not pending.size:
            x.notes["full_list"] = pending.evidence[0]    # every unit ranked: the list's length sizes it
    return out


