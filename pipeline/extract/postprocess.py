"""The document's facts as a whole: ranking sizes the text states once given to the ranks of that
ranking that lack one, and one fact per distinct figure (a caption or the title repeating the
body is one fact)."""
from __future__ import annotations

from collections import defaultdict

from pipeline.models import Fact

RANKED = ("rank", "top_n", "bottom_n")


def _family(metric: str) -> str:
    return "dti" if metric == "dti" or metric.startswith("dti.") else metric


def _group(f: Fact) -> str:
    if f.subject_type == "ministry" or (f.subject_type == "agency" and not f.province):
        return "ministry"
    return f.subject_type


def propagate_totals(facts: list[Fact], frames: list = ()) -> None:
    """'Annotation conventions: ranking size': a rank whose ranking the document sizes elsewhere
    ('đứng thứ 9/63' … 'vào top 10') gets that size — when the document states only one size for
    that metric family, year and kind of subject (DTI 2024 ranked of 34 and of 63 stays apart)."""
    sizes: dict[tuple, set] = defaultdict(set)
    for f in facts:
        if f.kind in RANKED and f.total and not f.is_target and f.subject_type != "country" and \
                not f.metric.endswith("_regional"):
            sizes[(_family(f.metric), f.year, _group(f))].add(f.total)
    for size, year in frames:
        sizes[("dti", year, "province")].add(size)
    regional: dict[tuple, set] = defaultdict(set)
    for f in facts:
        if f.kind in RANKED and f.total and f.provenance.get("region"):
            regional[(f.provenance["region"], f.year)].add(f.total)
    for f in facts:
        found = regional.get((f.provenance.get("region"), f.year)) if f.provenance.get("region") else None
        if f.kind in RANKED and f.total is None and found and len(found) == 1 and f.value <= next(iter(found)):
            f.total = next(iter(found))
            f.provenance["total"] = "region"
    for f in facts:
        if f.kind in RANKED and f.total is None and f.subject_type != "country" and not f.metric.endswith("_regional"):
            found = sizes.get((_family(f.metric), f.year, _group(f)))
            if found and len(found) == 1:
                size = next(iter(found))
                if f.kind != "rank" or f.value <= size:
                    if f.kind == "top_n" and f.value >= size:
                        continue
                    f.total = size
                    f.provenance["total"] = "document"


def deduplicate(facts: list[Fact]) -> list[Fact]:
    """One row per distinct fact; a statement without a year or total yields to the same figure
    stated with them (the title often repeats a figure without its year)."""
    by_key: dict[tuple, list[Fact]] = {}
    for f in facts:
        same = by_key.setdefault(f.key(), [])
        # two figures of one sentence are two facts even when they read alike ('02/34 mục tiêu chưa
        # hoàn thành; 02/34 mục tiêu không thực hiện'); a repeat in another sentence is the same fact
        if not same or (all(g.start == f.start for g in same) and
                        all(g.provenance.get("at") != f.provenance.get("at") for g in same)):
            same.append(f)
    kept = [f for same in by_key.values() for f in same]

    def loose(f: Fact) -> tuple:
        return (f.subject, f.kind, round(f.value, 6), f.is_target, f.metric)

    fuller = defaultdict(list)
    for f in kept:
        fuller[loose(f)].append(f)
    out = []
    for f in kept:
        rivals = [g for g in fuller[loose(f)] if g is not f]
        if any((f.year is None and g.year is not None) or
               (f.year == g.year and f.total is None and g.total is not None) for g in rivals):
            continue
        out.append(f)
    return out


def sizes_of_full_lists(facts: list[Fact]) -> None:
    """'kết quả xếp hạng khối UBND cấp huyện như sau: 1. … 8. …': a numbered list ranking every unit
    is as long as the ranking."""
    lists: dict = defaultdict(list)
    for f in facts:
        if f.provenance.get("full_list") is not None:
            lists[f.provenance["full_list"]].append(f)
    for members in lists.values():
        ranks = sorted(f.value for f in members)
        if len(ranks) >= 3 and ranks[0] == 1 and ranks[-1] <= len(ranks):
            for f in members:
                if f.total is None:
                    f.total = float(len(ranks))
                    f.provenance["total"] = "full_list"


def places_from_totals(facts: list[Fact]) -> list[Fact]:
    """With the ranking's size known, 'Gia Lai xếp cuối' is rank N of N, and an ordered list of the
    last three ('lần lượt là A, B và C') holds ranks N-2, N-1 and N; without it they say nothing more."""
    out = []
    for f in facts:
        bottom = f.provenance.get("from_bottom")
        if bottom is not None:
            if not f.total:
                continue
            n, size = bottom
            f.value = float(f.total - size + n)
        out.append(f)
        if f.kind == "bottom_n" and f.value == 1 and f.total and f.provenance.get("construction") == "rank.last":
            rank = Fact(**{k: getattr(f, k) for k in f.__dataclass_fields__ if k != "provenance"})
            rank.kind, rank.value = "rank", float(f.total)
            rank.provenance = dict(f.provenance, derived="last_place")
            out.append(rank)
    return out


def headings_restated(facts: list[Fact]) -> list[Fact]:
    """A heading's figure that its paragraph states again (with the year, the size) is the
    paragraph's: 'Bắc Kạn: Từ cuối bảng lên thứ 49' over '… vươn lên thứ 49 trong DTI 2023'."""
    def loose(f: Fact) -> tuple:
        return (f.subject, f.kind, round(f.value, 6), f.is_target, f.metric)
    body = defaultdict(list)
    for f in facts:
        if f.provenance.get("heading") is None:
            body[loose(f)].append(f)
    out = []
    for f in facts:
        h = f.provenance.get("heading")
        if h is not None and any(g.start > f.start and g.provenance.get("heading") is None for g in body[loose(f)]):
            continue
        out.append(f)
    return out


def restated_shares(facts: list[Fact]) -> list[Fact]:
    """'Với tỷ lệ 68,54%, …' and, later, 'Hà Nam đã xử lý trực tuyến toàn trình 68,54% …': one
    subject's percentage of one year with the same exact, non-round value is one figure, stated
    twice under two descriptions; the first is kept."""
    seen: set = set()
    out = []
    for f in facts:
        if f.kind == "percent" and not float(f.value).is_integer():
            key = (f.subject, f.year, round(f.value, 4), f.is_target)
            if key in seen:
                continue
            seen.add(key)
        out.append(f)
    return out


def finish(facts: list[Fact], frames: list = ()) -> list[Fact]:
    sizes_of_full_lists(facts)
    propagate_totals(facts, frames)
    return restated_shares(headings_restated(deduplicate(places_from_totals(facts))))
