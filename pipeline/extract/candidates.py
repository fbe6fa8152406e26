"""What a construction finds, before the resolver fills it: a figure with the slots the sentence
itself fixes (value, kind, qualifier, and any subject, metric, year or total the construction
names), and the tokens it consumes so one figure yields one fact."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from pipeline.extract.gazetteer import SubjectMention
from pipeline.extract.metrics import MetricMention


# the kinds that place a subject in a ranking
RANKISH = ("rank", "top_n", "bottom_n", "rank_change")


@dataclass
class Candidate:
    construction: str
    kind: str
    value: float
    tok: int                                # token index of the figure (the anchor for resolving)
    span: tuple[int, int]                   # token range the construction matched
    priority: int = 50
    qualifier: str = "exact"
    total: Optional[float] = None
    scale: Optional[float] = None
    unit: Optional[str] = None
    subjects: list[SubjectMention] = field(default_factory=list)   # named by the construction
    metrics: list[MetricMention] = field(default_factory=list)     # named by the construction
    year: Optional[int] = None
    is_target: Optional[bool] = None
    claims: frozenset = frozenset()          # token indexes no other candidate may use as its figure
    subject_side: str = "before"            # where the resolver looks first: before | after
    also_overall: bool = False              # 'dẫn đầu bảng xếp hạng ở cả 3 trụ cột': the index itself too
    optional_list: bool = False             # 'tiếp theo là …': ranks in order, stated loosely
    phrase: Optional[str] = None            # the words naming the quantity, when the construction knows them
    notes: dict = field(default_factory=dict)
    group: object = None                    # candidates of one statement (a predicate over a list) share it

    def overlaps(self, other: "Candidate") -> bool:
        if self.group is not None and self.group == other.group:
            return False
        return bool(self.claims & other.claims)


def of_construction(c, kind: str, value: float, tok: int, span, **kw) -> Candidate:
    """A candidate of code construction `c`; the candidates one statement yields share a group
    (the statement's first token), so they do not compete for the figure they share."""
    return Candidate(c.name, kind, float(value), tok, span, priority=c.priority, group=(c.name, span[0]), **kw)
