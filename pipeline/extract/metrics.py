"""Metric mentions: the spec's vocabulary (dti, its pillars and indices, sister indices) and a
few other named indices, from metrics.yaml; any other indicator gets a label from its phrase."""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import Optional

import yaml

VOCABULARY = (
    "dti", "dti.government", "dti.economy", "dti.society", "dti.awareness", "dti.institutions",
    "dti.infrastructure", "dti.workforce", "dti.cybersecurity", "dti.government_activity",
    "dti.economy_activity", "dti.society_activity", "ict_index", "pci", "par_index", "papi", "sipas",
)


@dataclass
class MetricMention:
    start: int
    end: int
    id: str
    phrase: str
    vocab: bool


class MetricRulesError(ValueError):
    pass


@functools.lru_cache(maxsize=1)
def _rules() -> list[tuple[str, bool, re.Pattern]]:
    raw = yaml.safe_load(resources.files("pipeline.extract").joinpath("metrics.yaml").read_text("utf-8"))
    out = []
    for section, vocab in (("metrics", True), ("labels", False)):
        for i, entry in enumerate(raw.get(section) or []):
            where = f"metrics.yaml: {section}[{i}]"
            if set(entry) - {"id", "patterns", "case"} or "id" not in entry or "patterns" not in entry:
                raise MetricRulesError(f"{where}: needs exactly id, patterns and optional case")
            if vocab and entry["id"] not in VOCABULARY:
                raise MetricRulesError(f"{where}: {entry['id']!r} is not in the spec's vocabulary")
            flags = 0 if entry.get("case") else re.IGNORECASE
            for p in entry["patterns"]:
                try:
                    out.append((entry["id"], vocab, re.compile(p, flags)))
                except re.error as e:
                    raise MetricRulesError(f"{where}: bad pattern {p!r}: {e}") from None
    return out


# Any other named index: 'Chỉ số Thương mại điện tử', 'chỉ số Hoạt động chuyển đổi số' (a capital after 'chỉ số').
# 'chỉ số về nguồn nhân lực và hạ tầng công nghệ thông tin', 'Chỉ số giao dịch doanh nghiệp với người tiêu dùng (B2C)'
_INDEX_ABOUT = re.compile(r"(?i:chỉ\s+số)\s+về\s+(?P<name>[\wÀ-ỹ]+(?:\s+(?!(?:của|đạt|xếp|đứng|là|năm|tăng|giảm|được|có)(?![\w]))"
                          r"[\wÀ-ỹ]+){0,9})")
_INDEX_ABBR = re.compile(r"(?i:chỉ\s+số)\s+(?P<name>[a-zđà-ỹ][\wÀ-ỹ]*(?:\s+[\wÀ-ỹ]+){0,9})\s*\((?P<abbr>[A-Z][A-Z0-9&]{1,8})\)")
_NAMED_INDEX = re.compile(r"(?i:chỉ\s+số)\s+(?P<name>[A-ZĐÀ-Ỹ][\w&À-ỹ]*(?:\s+(?!(?:của|đạt|xếp|đứng|là|với|năm|tăng|giảm|"
                          r"trong|ở|tại|được|có|và|cùng|đều|thì|này|đó|mà|so|cũng|lại|vẫn|ghi|nằm|luôn)(?![\w]))"
                          r"[a-zđà-ỹ&][\w&À-ỹ]*){0,6})(?:\s*\((?P<abbr>[A-Z][\w&]{1,10})\))?")


_PILLAR_WORDS = {"chính quyền số": "dti.government", "kinh tế số": "dti.economy", "xã hội số": "dti.society"}
_PILLAR_RE = re.compile(r"(?i)(?<![\w])(?:hoạt\s+động\s+)?(chính\s+quyền\s+số|kinh\s+tế\s+số|xã\s+hội\s+số)(?![\w])")
_JOIN = re.compile(r"\s*(?:,\s*(?:và\s+)?|\s+và\s+|;\s*)$")


def _coordinated_pillars(text: str, found: list) -> None:
    """A pillar in lower case counts when listed with another pillar ('trụ cột chính quyền số,
    kinh tế số, xã hội số'), and an activity index with another activity index."""
    changed = True
    while changed:
        changed = False
        for m in _PILLAR_RE.finditer(text):
            if any(not (m.end() <= f.start or m.start() >= f.end) for f in found):
                continue
            near = [f for f in found if f.id in _PILLAR_WORDS.values() or f.id.endswith("_activity")]
            activity = m.group().lower().startswith("hoạt")
            for f in near:
                gap_before = text[f.end:m.start()]
                gap_after = text[m.end():f.start]
                if (f.end <= m.start() and _JOIN.fullmatch(gap_before)) or \
                        (m.end() <= f.start and re.fullmatch(r"\s*(?:,|và|,\s*và)\s*", gap_after)):
                    base = _PILLAR_WORDS[re.sub(r"\s+", " ", m.group(1).lower())]
                    mid = base.replace("dti.government", "dti.government_activity").replace(
                        "dti.economy", "dti.economy_activity").replace("dti.society", "dti.society_activity") \
                        if (activity or f.id.endswith("_activity")) else base
                    found.append(MetricMention(m.start(), m.end(), mid, text[m.start():m.end()], True))
                    changed = True
                    break
    # '…, hoạt động chính quyền số đạt 88,09/200 điểm; kinh tế số đạt …': after an activity index,
    # a bare pillar name in lower case is the matching activity index
    activity_at = [f.start for f in found if f.id.endswith("_activity")]
    for n, f in enumerate(found):
        if f.id in _PILLAR_WORDS.values() and f.phrase[:1].islower() and not f.phrase.lower().startswith("trụ") \
                and any(a < f.start for a in activity_at):
            found[n] = MetricMention(f.start, f.end, f.id + "_activity", f.phrase, True)


def _leading_word(rx: re.Pattern) -> Optional[str]:
    """The word every match of `rx` begins with ('hoạt' for 'hoạt\\s+động …', 'pci' for '\\bPCI\\b'),
    lower-cased, when the pattern has one: a text without it cannot match, so the rule is skipped."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import sre_constants as c
        import sre_parse
        items = list(sre_parse.parse(rx.pattern, rx.flags))
    word = []
    while items:
        op, arg = items[0]
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT) and not word:
            items = items[1:]       # anchors and lookarounds consume nothing: the word still begins the match
        elif op is c.SUBPATTERN and not word:
            items = list(arg[-1]) + items[1:]       # '(?i:…)', '(…)': look inside
        elif op is c.LITERAL:
            word.append(chr(arg))
            items = items[1:]
        else:
            break
    text = "".join(word).lower()
    return text if len(text) >= 2 and text.isalpha() else None


@functools.lru_cache(maxsize=1)
def _gated_rules() -> list[tuple[str, bool, re.Pattern, Optional[str]]]:
    return [(mid, vocab, rx, _leading_word(rx)) for mid, vocab, rx in _rules()]


def _matches(rx: re.Pattern, word: Optional[str], text: str, lower: str, starts: dict[str, list[int]]):
    """rx.finditer(text), tried only where the rule's leading word occurs: a scan of the text per
    rule is what made a long text slow."""
    if word is None or len(lower) != len(text):       # lower() kept every offset, or scan it all
        yield from rx.finditer(text)
        return
    if word not in starts:
        at, pos = [], lower.find(word)
        while pos >= 0:
            at.append(pos)
            pos = lower.find(word, pos + 1)
        starts[word] = at
    end = 0
    for pos in starts[word]:
        if pos >= end:
            m = rx.match(text, pos)
            if m is not None and m.end() > m.start():
                end = m.end()
                yield m


def find_metrics(text: str) -> list[MetricMention]:
    """Non-overlapping metric mentions, left to right; earlier rules win overlaps, and a named
    index outside the vocabulary gets the indicator id of its name."""
    found: list[MetricMention] = []
    lower = text.lower()
    starts: dict[str, list[int]] = {}
    for mid, vocab, rx, word in _gated_rules():
        if word is not None and word not in lower:
            continue
        for m in _matches(rx, word, text, lower, starts):
            if any(not (m.end() <= f.start or m.start() >= f.end) for f in found):
                continue
            found.append(MetricMention(m.start(), m.end(), mid, text[m.start():m.end()], vocab))
    _coordinated_pillars(text, found)
    from pipeline.extract.indicators import identify
    for rx in (_INDEX_ABBR, _INDEX_ABOUT, _NAMED_INDEX):
        for m in rx.finditer(text):
            overlaps = [f for f in found if not (m.end() <= f.start or m.start() >= f.end)]
            # 'chỉ số Hạ tầng viễn thông (TII)': the named index holds the abbreviation a label found
            if any(f.vocab or f.start < m.start() or f.end > m.end() for f in overlaps):
                continue
            found[:] = [f for f in found if f not in overlaps]
            name = m.group("name")
            found.append(MetricMention(m.start(), m.end(), identify("chỉ số " + name), text[m.start():m.end()], False))
    found.sort(key=lambda f: f.start)
    return found


def label_for(phrase: str, limit: int = 6) -> str:
    """A snake_case label for an indicator outside the vocabulary, from its phrase."""
    nfd = unicodedata.normalize("NFD", phrase.lower().replace("đ", "d"))
    ascii_ = "".join(c for c in nfd if not unicodedata.combining(c))
    words = re.findall(r"[a-z0-9]+", ascii_)
    stop = {"cac", "nhung", "duoc", "da", "la", "cua", "va", "cho", "tren", "trong", "voi", "so", "tong"}
    words = [w for w in words if w not in stop and not w.isdigit()][:limit]
    return "_".join(words) or "indicator"
