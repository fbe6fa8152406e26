"""Claims typed without tone marks ("Thanh Hoa xep thu 5/34 nam 2024"), as `query` and `search`
accept them: the marks are put back from the extractor's own vocabulary before it reads the
sentence. Names (provinces, ministries, agencies) come from the gazetteer and bodies.yaml, the
words of rankings from lexicon.yaml, indicator terms from indicators.yaml and metric names from
metrics.csv; the longest run of words that folds to a known phrase wins. A sentence with any
Vietnamese mark is left as it is: its writer chose its spelling."""
from __future__ import annotations

import functools
import re
from importlib import resources

import yaml

from pipeline.textnorm import fold

# Everyday words of a claim that no vocabulary file lists as a phrase of its own.
_COMMON = ("năm", "tỉnh", "thành phố", "điểm", "về", "của", "với", "trên", "đạt", "chiếm", "tỷ lệ", "chỉ số",
           "chuyển đổi số", "chỉ số chuyển đổi số", "cả nước", "huyện", "thị xã", "sở", "bộ", "địa phương",
           "tỉnh, thành phố", "xếp thứ", "đứng thứ", "xếp hạng", "nhóm", "trong", "đứng đầu", "dẫn đầu",
           "đứng cuối", "mục tiêu", "phấn đấu", "kinh tế số", "GRDP", "hộ gia đình", "thôn", "người dân")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_MAX_WORDS = 8


def _lexicon_phrases() -> list[str]:
    raw = yaml.safe_load(resources.files("pipeline.extract").joinpath("lexicon.yaml").read_text("utf-8"))
    return [p for c in (raw.get("classes") or {}).values() for p in (c.get("phrases") or []) if isinstance(p, str)]


def _indicator_terms() -> list[str]:
    raw = yaml.safe_load(resources.files("pipeline.extract").joinpath("indicators.yaml").read_text("utf-8"))
    return [t for e in raw.get("indicators") or [] for t in list(e.get("all") or []) + list(e.get("any") or [])]


def _names() -> list[str]:
    from pipeline.extract.gazetteer import province_aliases
    bodies = yaml.safe_load(resources.files("pipeline.data").joinpath("bodies.yaml").read_text("utf-8"))
    names = [n for n in province_aliases() if not n.isupper()]
    for section in ("ministries", "agencies", "companies"):
        for entry in bodies.get(section) or []:
            names += [entry["name"]] + list(entry.get("aliases") or [])
    return names


def _metric_names() -> list[str]:
    import csv
    with resources.files("pipeline.data").joinpath("metrics.csv").open(encoding="utf-8") as fh:
        return [re.sub(r"\s*\(.*?\)", "", r["name_vi"]) for r in csv.DictReader(fh) if r.get("name_vi")]


@functools.lru_cache(maxsize=1)
def _table() -> dict[tuple[str, ...], str]:
    """Folded words → the marked phrase. Earlier sources win a folded key: names first (so
    "ha nam" is Hà Nam), then metric names, everyday words, the lexicon and indicator terms."""
    table: dict[tuple[str, ...], str] = {}
    for phrase in [*_names(), *_metric_names(), *_COMMON, *_lexicon_phrases(), *_indicator_terms()]:
        key = tuple(fold(phrase).split())
        if key and len(key) <= _MAX_WORDS and not any(w.isdigit() for w in key):
            table.setdefault(key, phrase)
    return table


def has_marks(text: str) -> bool:
    """Any Vietnamese letter beyond ASCII (a tone, a hat, đ)?"""
    return any(ord(c) > 127 and c.isalpha() for c in text)


def restore_marks(text: str) -> str:
    """The sentence with tone marks put back where a run of its words is a known phrase;
    unchanged when it already has marks."""
    if has_marks(text):
        return text
    table = _table()
    words = list(_WORD.finditer(text))
    out, pos, i = [], 0, 0
    while i < len(words):
        for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
            span = words[i:i + n]
            # a phrase runs over spaces and hyphens only, never across a number or a full stop
            gaps = [text[a.end():b.start()] for a, b in zip(span, span[1:])]
            if any(not re.fullmatch(r"[\s\-–]+", g) for g in gaps):
                continue
            marked = table.get(tuple(fold(w.group()) for w in span))
            if marked:
                start, end = span[0].start(), span[-1].end()
                out.append(text[pos:start])
                out.append(_like(text[start:end], marked))
                pos, i = end, i + n
                break
        else:
            i += 1
    out.append(text[pos:])
    return "".join(out)


def _like(typed: str, marked: str) -> str:
    """The marked phrase in the case the writer typed: a capital where they wrote one."""
    if typed[:1].isupper() and marked[:1].islower():
        return marked[:1].upper() + marked[1:]
    return marked
