"""The discourse state: what carries from one sentence to the next, changed in one place
(`after_sentence`) once a sentence's facts are resolved."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from pipeline.extract.gazetteer import SubjectMention
from pipeline.extract.tokens import Tagged


@dataclass
class RankingFrame:
    """A ranking the text has opened: its size, the metric and year it ranks, the group ranked."""
    total: Optional[float] = None
    metric: Optional[str] = None
    year: Optional[int] = None
    group: Optional[str] = None          # 'ministry' | 'agency' | 'district' | 'province' ...
    paragraph: int = -1
    words: str = ""                      # what the text says of the group ('bộ, ngành có cung cấp dịch vụ công')


@dataclass
class PendingList:
    """A list announced at the end of a line ('Top 10 … gồm:', 'Top 10 xếp hạng DTI 2020'), whose
    members follow as numbered or bulleted lines."""
    kind: str                            # top_n | rank | bottom_n
    size: Optional[float]
    metric: Optional[str]
    metric_phrase: str
    year: Optional[int]
    paragraph: int
    evidence: tuple[int, int]            # the announcing sentence's span
    next_rank: int = 1


@dataclass
class Discourse:
    paragraph: int = -1
    subject: Optional[SubjectMention] = None      # the last sentence's subject
    subject_paragraph: int = -1
    year: Optional[int] = None                    # a year framing the paragraph ('Năm 2020, …')
    year_paragraph: int = -1
    metric: Optional[tuple[str, str]] = None      # (id, phrase) of the last ranked metric
    metric_paragraph: int = -1
    frames: dict = field(default_factory=dict)    # group ('agency', 'district' … or None) → RankingFrame
    last_rank: Optional[float] = None             # the last position stated, for 'tiếp theo là'
    last_rank_metric: Optional[tuple[str, str]] = None
    pending: Optional[PendingList] = None
    target_year: Optional[int] = None             # the due year of a target stated before
    target_paragraph: int = -1
    metric_list: list = field(default_factory=list)   # the last metrics named together ('ba trụ cột: A, B, C')
    last_metric: Optional[tuple[str, str]] = None     # the last vocabulary metric named, for 'chỉ số này'
    any_year: Optional[int] = None                # the last year written, dates included
    any_year_paragraph: int = -1
    aggregate_paragraph: int = -1                 # the last sentence stated an average of the nation's
    fact_year: Optional[int] = None               # the year of the last sentence's figures, for 'năm này'
    fact_year_paragraph: int = -1
    indicator: Optional[tuple[str, str]] = None   # the last quantity a percentage named, for bare ones
    indicator_paragraph: int = -1

    def recent_indicator(self, paragraph: int) -> Optional[tuple[str, str]]:
        return self.indicator if self.indicator is not None and paragraph - self.indicator_paragraph <= 4 else None

    def open_frame(self, frame: RankingFrame) -> None:
        self.frames[frame.group] = frame

    def frame_for(self, group: Optional[str], paragraph: int) -> Optional[RankingFrame]:
        """The size of the ranking a subject of `group` is placed in: a group the text named with its
        size ('27 sở, ban, ngành', 'bảng xếp hạng 34 tỉnh') holds until another size of it is named;
        a size of no named group holds for the next paragraph."""
        named = self.frames.get(group)
        if named is not None and named.total:
            return named
        loose = self.frames.get(None)
        if loose is not None and loose.total and loose.paragraph >= paragraph - 2:
            return loose
        return None

    def paragraph_year(self, paragraph: int) -> Optional[int]:
        return self.year if self.year_paragraph == paragraph else None

    def recent_subject(self, paragraph: int) -> Optional[SubjectMention]:
        return self.subject if self.subject is not None and paragraph - self.subject_paragraph <= 2 else None

    def ranked_metric(self, paragraph: int) -> Optional[tuple[str, str]]:
        return self.metric if self.metric is not None and paragraph - self.metric_paragraph <= 4 else None

    def after_sentence(self, tagged: Tagged, facts: list, sentence_year: Optional[int], frames_year: bool,
                       frame: Optional[RankingFrame]) -> None:
        """Carry what this sentence established into the next one."""
        p = tagged.paragraph
        if p != self.paragraph:
            self.paragraph = p
        named = [f for f in facts if f.provenance.get("subject") in ("construction", "clause_before",
                                                                      "clause_after", "coordination")]
        if named:
            last = named[-1]
            self.subject = SubjectMention(-1, -1, last.subject, last.subject_type, last.province)
            self.subject_paragraph = p
        if frames_year and sentence_year is not None:
            self.year, self.year_paragraph = sentence_year, p
        ranked = [f for f in facts if f.kind in ("rank", "top_n", "bottom_n")]
        if ranked:
            last = ranked[-1]
            if all(f.subject == last.subject and f.value == last.value for f in ranked):
                last = ranked[0]      # a place over several metrics: the first named is the one carried
            self.metric, self.metric_paragraph = (last.metric, last.metric_phrase), p
            rank_facts = [f for f in ranked if f.kind == "rank"]
            if rank_facts:
                self.last_rank = max(f.value for f in rank_facts if f.metric == rank_facts[-1].metric)
                self.last_rank_metric = (rank_facts[-1].metric, rank_facts[-1].metric_phrase)
        if frame is not None:
            self.open_frame(frame)
        named = [t for t in tagged.tokens if t.has("METRIC") and t.ref is not None and t.ref.vocab]
        if len(named) >= 2:
            self.metric_list = [(t.ref.id, t.ref.phrase) for t in named]
        if named:
            self.last_metric = (named[-1].ref.id, named[-1].ref.phrase)
        written = [t for t in tagged.tokens if (t.has("YEAR") and t.value) or (t.has("DATE") and t.value2)]
        if written:
            last = written[-1]
            self.any_year = int(last.value2 if last.has("DATE") or last.has("period") else last.value)
            self.any_year_paragraph = p
        self.aggregate_paragraph = p if any(f.provenance.get("subject") == "aggregate" for f in facts) else -1
        dated = [f for f in facts if f.year and not f.is_target]
        if dated:
            self.fact_year, self.fact_year_paragraph = dated[-1].year, p
        named_share = [f for f in facts if f.kind == "percent" and f.provenance.get("metric") == "phrase"]
        if named_share:
            self.indicator, self.indicator_paragraph = (named_share[-1].metric, named_share[-1].metric_phrase), p
        targets = [f for f in facts if f.is_target and f.year]
        # a sentence of goals makes its paragraph's figures goals; one weighing results against a
        # goal ('mới đạt 45,8%, trong khi mục tiêu là 50%') does not
        if targets and all(f.is_target for f in facts):
            self.target_year, self.target_paragraph = targets[-1].year, p
