"""Extract stage: Document → facts (../shared/spec/facts.md), each with its evidence, span,
page or table cell, the construction that found it, which resolver step decided each slot, and
the extractor version (a hash of this package's code and data).

    sentence → tokens.tag_sentence → constructions.find_candidates → resolver.facts
             → discourse.after_sentence;  then tables, ranking sizes, one fact per figure.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import replace
from importlib import resources
from typing import Optional

from pipeline.extract.constructions import find_candidates
from pipeline.extract.context import build_context
from pipeline.extract.discourse import Discourse, PendingList, RankingFrame
from pipeline.extract.frames import group_frames, sentence_frame
from pipeline.extract.postprocess import finish
from pipeline.extract.phrases import evaluated_goal
from pipeline.extract.resolver import Resolver
from pipeline.extract.sentence import SentenceView
from pipeline.extract.sentences import split_sentences
from pipeline.extract.tables import table_facts
from pipeline.extract.tokens import tag_sentence
from pipeline.models import Document, Fact


def _version() -> str:
    """A digest of every code and data file of the package: facts say which rule set made them."""
    h = hashlib.sha256()
    root = resources.files("pipeline.extract")
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith((".py", ".yaml")):
            h.update(entry.name.encode())
            h.update(entry.read_bytes())
    return "2." + h.hexdigest()[:12]


EXTRACTOR_VERSION = _version()

# A sentence can state a figure only if it holds a digit or a word of rank or number.
FIGURE_HINT = re.compile(r"\d|No\.|#|(?<!\w)(?:đầu|nhất|nhì|cuối|thứ|top|tốp|nhóm|bậc|hạng|một|hai|ba|bốn|năm|sáu|"
                         r"bảy|bẩy|tám|chín|mười|xếp|đứng|vị\s+trí|tiếp|sau|kế|lượt|giữ\s+nguyên)(?!\w)", re.I)


def _sentence_year(view: SentenceView) -> tuple[Optional[int], bool]:
    """The year a sentence states for its figures, and whether it opens with it ('Năm 2020, …'),
    which then frames the rest of the paragraph."""
    plain = [y for y in view.years if y.role in ("plain", "month")]
    if not plain:
        return None, False
    if len({y.year for y in view.years if y.role in ("plain", "month", "compare")}) > 1:
        return plain[0].year, False      # 'Năm 2021, … như vậy năm 2022 …': it frames nothing after it
    first = plain[0]
    words = [t for t in view.toks[:first.tok] if not t.has("PUNCT")]
    opens = len(words) <= 3 and first.tok + 1 < len(view.toks) and view.toks[first.tok + 1].has("comma")
    return first.year, opens


def _group_frames(view: SentenceView, paragraph: int) -> list[RankingFrame]:
    """'Nhóm có cung cấp DVC gồm 17 bộ …', 'đối với 27 sở, ban, ngành và 26 huyện': the groups being ranked."""
    return [RankingFrame(total=size, group=group, paragraph=paragraph, words=words)
            for size, group, words in group_frames(view)]


def _announced_list(view: SentenceView, ctx, paragraph: int) -> Optional[PendingList]:
    """A line that announces a ranking whose members follow as numbered lines: 'Top 10 xếp hạng
    DTI năm 2020 cấp Bộ có cung cấp dịch vụ công', 'Xếp hạng DTI năm 2020 cấp Bộ không cung cấp …'."""
    toks = view.toks
    if view.subjects or len(view.t.text) > 160 or re.match(r"\s*\d{1,3}\s*[.)]", view.t.text):
        return None
    if any(t.has("self_ref", "target_cue", "achieved_cue") for t in toks):
        return None      # 'Tỉnh phấn đấu lọt vào top 5 …': a statement about someone, not a list's heading
    size, kind = None, None
    for k, t in enumerate(toks[:-1]):
        if t.has("top_word", "bottom_word") and toks[k + 1].has("NUM") and toks[k + 1].value:
            size, kind = toks[k + 1].value, ("bottom_n" if t.has("bottom_word") else "top_n")
            break
        # '5 cơ quan dẫn đầu gồm:' closing a line: the members follow
        if t.has("NUM", "NUMWORD") and t.value and toks[k + 1].has("group_noun"):
            lead = next((x for x in toks[k + 2:k + 6] if x.has("lead_adj", "trail_adj", "rank1", "last_place")), None)
            if lead is not None and (toks[-1].has("colon", "include") or toks[-2].has("include")):
                size = t.value
                kind = "bottom_n" if lead.has("trail_adj", "last_place") else "top_n"
                break
    if kind is None and not any(t.has("ranking_frame", "rank_verb_noun") for t in toks):
        return None
    metric = next((t.ref for t in toks if t.has("METRIC") and t.ref.vocab), None)
    years = [y.year for y in view.years if y.role in ("plain", "month")]
    return PendingList(kind or "rank", size, metric.id if metric else ("dti" if ctx.dti_doc else None),
                       metric.phrase if metric else "chuyển đổi số", years[0] if years else None,
                       paragraph, (view.t.offset, view.t.offset + len(view.t.text)))


def _ranking_sizes(view: SentenceView, ctx) -> list[tuple[float, Optional[int]]]:
    """'Báo cáo xếp hạng … năm 2022 của 63 tỉnh, thành phố', 'bảng xếp hạng 34 tỉnh sau sáp nhập': the
    size of the provincial ranking the text speaks of, and its year — for the ranks it states
    elsewhere without one."""
    toks = view.toks
    if not any(t.has("ranking_frame", "rank_verb_noun", "METRIC") or t.text.lower() in ("đánh giá", "xếp")
               for t in toks):
        return []
    out = []
    for k, t in enumerate(toks[:-1]):
        if t.has("NUM") and t.value in (34.0, 63.0) and toks[k + 1].has("group_noun") and \
                toks[k + 1].text.lower() in ("tỉnh", "tỉnh thành", "tỉnh thành phố", "địa phương", "tỉnh/thành",
                                             "tỉnh/thành phố"):
            prev = toks[k - 1].text.lower() if k > 0 else ""
            if prev in ("có", "và") or toks[k - 1].has("FRAC"):
                continue
            years = [y for y in view.years if y.role in ("plain",) and y.tok < k]
            out.append((t.value, years[-1].year if years else ctx.edition))
    return out


def _target_frame(view: SentenceView, ctx, state: Discourse) -> None:
    """'Về phát triển Chính quyền số, đến năm 2025, xây dựng …', 'mục tiêu đến năm 2025 …': a
    sentence that sets a goal makes the figures after it in its paragraph goals too."""
    now = ctx.ref_year or (ctx.edition + 1 if ctx.edition else 2025)
    first_fig = view.figures[0] if view.figures else len(view.toks)
    due = [y for y in view.years if y.role == "deadline" and y.year >= now and y.tok < first_fig]
    cue = any(t.has("target_cue") and view.paren[t.i] == 0 and not evaluated_goal(view, t.i)
              for t in view.toks[:first_fig])
    done = any(t.has("achieved_cue") for t in view.toks[:first_fig])
    if (due or cue) and not done:
        state.target_paragraph = view.t.paragraph
        state.target_year = due[-1].year if due else state.target_year


def _same_year_as_rank(facts: list[Fact]) -> None:
    """'đứng thứ 55 trong cả nước, tụt 7 bậc so với năm 2020': a change of rank stated with a rank
    is of the rank's year, whatever year it is compared with."""
    for f in facts:
        moved = [g.year for g in facts if g.extractor == "change.from_to" and g.kind == "rank" and g.year and
                 g.subject == f.subject and g.start == f.start]
        if f.kind == "rank_change" and moved:
            f.year = max(moved)       # 'từ vị trí thứ 17 năm 2023 vươn lên thứ 8, tăng 9 bậc': the change ends now
            continue
        if f.kind == "rank_change" and f.provenance.get("year") not in ("clause", "construction", "sentence"):
            ranks = [g for g in facts if g.kind == "rank" and g.subject == f.subject and g.metric == f.metric
                     and g.year and g.start == f.start]
            if ranks:
                f.year = max(g.year for g in ranks)      # 'từ thứ 7 lên thứ 3': the rank now, not the one before
                f.provenance["year"] = "rank"


def _is_heading(s, text: str) -> bool:
    """A short line with no closing punctuation, over a paragraph of its own ('Bắc Kạn: Từ cuối bảng
    lên thứ 49'): a heading, which restates a figure its paragraph states in full."""
    line_end = text.find("\n", s.end)
    line = text[text.rfind("\n", 0, s.start) + 1:line_end if line_end >= 0 else len(text)]
    nxt = text[line_end + 1:text.find("\n", line_end + 1)] if line_end >= 0 else ""
    return line.strip() == s.text.strip() and not re.search(r"[.!?…:;]\s*$", line) and \
        len(line.split()) <= 16 and len(nxt.split()) > len(line.split())


def extract(doc: Document) -> list[Fact]:
    """Every fact the document states, one per distinct figure."""
    if not doc.text.strip():
        return []
    if not unicodedata.is_normalized("NFC", doc.text) or not unicodedata.is_normalized("NFC", doc.title or ""):
        # decomposed marks ('Thanh Hoá' as o + U+0301): read as composed; offsets are of the composed text
        doc = replace(doc, text=unicodedata.normalize("NFC", doc.text),
                      title=unicodedata.normalize("NFC", doc.title) if doc.title else doc.title)
    ctx = build_context(doc)
    state = Discourse()
    resolver = Resolver(ctx, state, EXTRACTOR_VERSION)
    table_spans = [span for t in doc.tables for span in t.row_spans]
    facts: list[Fact] = []
    sizes: list[tuple[float, Optional[int]]] = []
    named_groups: list[RankingFrame] = []       # every group the text sizes, for the tables
    for s in split_sentences(doc.text):
        if any(a <= s.start < b for a, b in table_spans):
            continue  # table rows are read by the table reader
        if not FIGURE_HINT.search(s.text):
            continue
        tagged = tag_sentence(s.text, s.start, s.paragraph, ctx.province, ctx.english)
        view = SentenceView(tagged)
        frames = _group_frames(view, s.paragraph)
        if not frames:
            size = sentence_frame(view)
            if size:
                frames = [RankingFrame(total=size, group="province", paragraph=s.paragraph)]
        # 'Nếu quy đổi theo 63 tỉnh, Bắc Ninh xếp thứ 7/63': a size its own ranks state frames nothing else
        own = {t.value2 for t in view.toks if t.has("FRAC", "ORD") and t.value2}
        for frame in frames:
            # the 34/63 question is the provinces' own: a ministry's '2/17' sizes its group
            if frame.total not in own or frame.group not in (None, "province"):
                state.open_frame(frame)
                named_groups.append(frame)
        sizes.extend(size for size in _ranking_sizes(view, ctx) if size[0] not in own)
        sentence_facts: list[Fact] = []
        prev_aggregate, prev_subject, prev_metric = False, None, None
        for cand in find_candidates(tagged, state):
            cand.notes["prev_aggregate"] = prev_aggregate
            cand.notes["prev_subject"] = prev_subject
            cand.notes["prev_metric"] = prev_metric
            got = resolver.facts(cand, view)
            if got:
                prev_aggregate = any(f.provenance.get("subject") == "aggregate" for f in got)
                last = got[-1]
                from pipeline.extract.gazetteer import SubjectMention
                prev_subject = (SubjectMention(-1, -1, last.subject, last.subject_type, last.province),
                                last.provenance.get("subject"))
                prev_metric = (last.metric, last.metric_phrase)
            sentence_facts.extend(got)
        _same_year_as_rank(sentence_facts)
        if _is_heading(s, doc.text):
            for f in sentence_facts:
                f.provenance["heading"] = s.paragraph
        announced = _announced_list(view, ctx, s.paragraph)
        if announced is not None:
            state.pending = announced
            # the heading's group belongs to the lines that follow, not to the nation
            sentence_facts = [f for f in sentence_facts if f.kind not in ("top_n", "bottom_n") or
                              f.provenance.get("subject") in ("construction", "clause_before")]
        elif state.pending is not None and s.paragraph > state.pending.paragraph and \
                not re.match(r"\s*\d{1,3}\s*[.)]\s", s.text) and not re.match(r"(?i)\s*tham\s+khảo", s.text):
            state.pending = None
        year, opens = _sentence_year(view)
        state.after_sentence(tagged, sentence_facts, year, opens, None)
        _target_frame(view, ctx, state)
        facts.extend(sentence_facts)
    for table in doc.tables:
        facts.extend(table_facts(doc, table, ctx, EXTRACTOR_VERSION, named_groups))
    for f in facts:
        if f.page is None and doc.page_starts:
            f.page = doc.page_at(f.start)
    return finish(facts, sizes)
