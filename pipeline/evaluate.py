"""Score extracted facts against hand-labelled gold facts: precision, recall and F1 per kind.

The matching rules are those of the project's accuracy evaluation (../shared/eval): a predicted
fact matches a gold one when document, kind, subject (aliases and tone spellings folded), metric
(a vocabulary id exactly, or every gold keyword inside the predicted metric phrase), value, year
and total (where the gold gives them) and is_target agree. Kept here so the project's own gold
gate runs without ../shared.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from pipeline.extract.metrics import VOCABULARY

TONES = "\u0300\u0301\u0303\u0309\u0323"
PROVINCE_ALIASES = {
    "hồ chí minh": ["tp.hcm", "tphcm", "tp hcm", "hcm", "sài gòn"],
    "huế": ["thừa thiên huế", "thừa thiên - huế", "thừa thiên-huế", "tt-huế", "tt huế"],
    "bà rịa - vũng tàu": ["bà rịa-vũng tàu", "bà rịa vũng tàu", "br-vt", "brvt"],
    "hà nội": ["hn"],
    "việt nam": ["cả nước", "quốc gia"],
}


def key(text: Any) -> str:
    """NFC, lower case, single spaces, tone marks moved to the end of each word."""
    text = unicodedata.normalize("NFD", str(text or "")).lower().replace("\u00a0", " ")
    text = re.sub(r"\s*-\s*", " - ", text)

    def move_tones(m: re.Match) -> str:   # within a run of letters: punctuation after a word changes nothing
        word = m.group()
        return "".join(c for c in word if c not in TONES) + "".join(c for c in word if c in TONES)
    return unicodedata.normalize("NFC", re.sub(r"[\w\u0300-\u036f]+", move_tones, " ".join(text.split())))


_ALIASES = {key(v): key(c) for c, vs in PROVINCE_ALIASES.items() for v in vs + [c]}
_PREFIXES = sorted((key(p) for p in ("tỉnh", "thành phố", "tp.", "tp")), key=len, reverse=True)


def province_key(name: Any) -> str:
    """The shared scorer's key; a spelling its aliases do not know ("Bà Rịa – Vũng Tàu" with an
    en dash) resolved by the extractor's gazetteer, as every other consumer resolves it."""
    k = key(str(name or "").replace("TP.", "TP. ").replace("Tp.", "Tp. "))
    for prefix in _PREFIXES:
        if k.startswith(prefix + " ") and _ALIASES.get(k) is None:
            k = key(k[len(prefix):])
            break
    if k in _ALIASES:
        return _ALIASES[k]
    from pipeline.extract.gazetteer import canonical_province
    from pipeline.textnorm import normalize_text
    canon = canonical_province(normalize_text(str(name or "")).strip())
    return _ALIASES.get(key(canon), key(canon)) if canon else k


def body_key(name: Any) -> str:
    """A ministry's or agency's key: its full name as the gazetteer reads it (Bộ TT&TT → Bộ
    Thông tin và Truyền thông), else the name itself."""
    from pipeline.extract.gazetteer import find_subjects
    from pipeline.textnorm import normalize_text
    text = normalize_text(str(name or "")).strip()
    found = find_subjects(text)
    if len(found) == 1 and found[0].start == 0 and found[0].end >= len(text.rstrip(" .")):
        return key(found[0].name)
    return key(text)


def _subject_ok(gold: dict, pred: dict) -> bool:
    if gold.get("subject_type") in ("province", "country", None):
        return province_key(gold["subject"]) == province_key(pred.get("subject"))
    return key(gold["subject"]) == key(pred.get("subject")) or body_key(gold["subject"]) == body_key(pred.get("subject"))


def _value_ok(gold: dict, pred: dict) -> bool:
    g, p = gold.get("value"), pred.get("value")
    if g is None or p is None:
        return g is None and p is None
    try:
        p = float(p)
    except (TypeError, ValueError):
        return False
    if gold["kind"] == "score":
        if gold.get("scale") and pred.get("scale"):
            gs, ps = float(g) / float(gold["scale"]), p / float(pred["scale"])
            return abs(gs - ps) <= 1e-4 * max(1.0, abs(gs))
        return abs(float(g) - p) <= 1e-4 * max(1.0, abs(float(g)))
    if gold["kind"] == "percent":
        return abs(float(g) - p) <= 0.01
    return abs(float(g) - p) < 1e-9


def _metric_ok(gold: dict, pred: dict) -> bool:
    if gold["metric"] in VOCABULARY:
        return pred.get("metric") == gold["metric"]
    phrase = key(" ".join(str(pred.get(f) or "") for f in ("metric_phrase", "metric")))
    return all(key(k) in phrase for k in gold.get("metric_keywords") or [])


def matches(gold: dict, pred: dict) -> bool:
    if gold["kind"] != pred.get("kind") or bool(gold.get("is_target")) != bool(pred.get("is_target")):
        return False
    if gold.get("year") is not None and pred.get("year") != gold["year"]:
        return False
    if gold.get("total") is not None and pred.get("total") != gold["total"]:
        return False
    return _subject_ok(gold, pred) and _metric_ok(gold, pred) and _value_ok(gold, pred)


_SLOTS = ("subject", "metric", "year", "total", "value", "is_target", "kind")


def _slot_ok(slot: str, gold: dict, pred: dict) -> bool:
    if slot == "subject":
        return _subject_ok(gold, pred)
    if slot == "metric":
        return _metric_ok(gold, pred)
    if slot == "value":
        return _value_ok(gold, pred)
    if slot == "is_target":
        return bool(gold.get("is_target")) == bool(pred.get("is_target"))
    if slot in ("year", "total"):
        return gold.get(slot) is None or pred.get(slot) == gold[slot]
    return gold.get(slot) == pred.get(slot)


def near_miss(gold: dict, preds: list[dict]) -> tuple[dict, str] | None:
    """The prediction that differs from a missed gold fact in one slot only, and that slot: what
    went wrong, with the resolver step that decided it (from the fact's provenance)."""
    for p in preds:
        wrong = [s for s in _SLOTS if not _slot_ok(s, gold, p)]
        if len(wrong) == 1:
            return p, wrong[0]
    return None


def why(gold: dict, pred: dict, slot: str) -> str:
    step = (pred.get("provenance") or {}).get("target" if slot == "is_target" else slot)
    got = pred.get("metric_phrase") if slot == "metric" and gold["metric"] not in VOCABULARY else pred.get(slot)
    decided = f" (decided by: {step})" if step else ""
    return f"{slot} {got!r} instead of {gold.get(slot)!r} by {pred.get('extractor')}{decided}"


@dataclass
class Score:
    tp: dict = field(default_factory=lambda: defaultdict(int))
    fp: dict = field(default_factory=lambda: defaultdict(int))
    fn: dict = field(default_factory=lambda: defaultdict(int))
    misses: list = field(default_factory=list)
    extras: list = field(default_factory=list)
    # per construction (the fact's `extractor`): [tp, fp, fn]; a miss counts against the
    # construction of its near miss, or against '(none)' when nothing came close
    constructions: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    reasons: dict = field(default_factory=dict)      # id(missed gold) → why

    @staticmethod
    def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def kind(self, k: str) -> tuple[float, float, float]:
        return self.prf(self.tp[k], self.fp[k], self.fn[k])

    def overall(self) -> tuple[float, float, float]:
        return self.prf(sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values()))

    def kinds(self) -> list[str]:
        return sorted(set(self.tp) | set(self.fp) | set(self.fn))

    def report(self, verbose: bool = False) -> str:
        lines = [f"{'kind':<12}{'tp':>5}{'fp':>5}{'fn':>5}{'P':>8}{'R':>8}{'F1':>8}"]
        for k in self.kinds():
            p, r, f = self.kind(k)
            lines.append(f"{k:<12}{self.tp[k]:>5}{self.fp[k]:>5}{self.fn[k]:>5}{p:>8.3f}{r:>8.3f}{f:>8.3f}")
        if verbose:
            for g in self.misses:
                lines.append(f"MISSED {g['doc']} {g['kind']} {g['subject']} {g['metric']} {g.get('year')} "
                             f"{g['value']} | {g.get('evidence', '')[:100]}")
                if id(g) in self.reasons:
                    lines.append(f"       why: {self.reasons[id(g)]}")
            for d, p in self.extras:
                lines.append(f"EXTRA  {d} {p.get('kind')} {p.get('subject')} {p.get('metric')} {p.get('year')} "
                             f"{p.get('value')} by {p.get('extractor')} | {str(p.get('evidence') or '')[:100]}")
            lines.append(f"{'construction':<28}{'tp':>5}{'fp':>5}{'fn':>5}{'P':>8}{'R':>8}")
            for name, (tp, fp, fn) in sorted(self.constructions.items(), key=lambda kv: -(kv[1][1] + kv[1][2])):
                p, r, _ = self.prf(tp, fp, fn)
                lines.append(f"{name:<28}{tp:>5}{fp:>5}{fn:>5}{p:>8.3f}{r:>8.3f}")
        P, R, F = self.overall()
        lines.append(f"F1 {F:.3f} (P {P:.3f} R {R:.3f})")
        return "\n".join(lines)


def doc_of(url: str, docs: Iterable[str]) -> str | None:
    for d in docs:
        if str(url or "").endswith(d):
            return d
    return None


def score(predicted: list[dict], gold: list[dict]) -> Score:
    docs = sorted({g["doc"] for g in gold}, key=len, reverse=True)
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for p in predicted:
        d = doc_of(p.get("url"), docs)
        if d:
            by_doc[d].append(p)
    sc = Score()
    for doc in sorted(set(docs)):
        preds = list(by_doc[doc])
        golds = sorted((g for g in gold if g["doc"] == doc), key=lambda g: bool(g.get("optional")))
        every = list(preds)
        for g in golds:
            hit = next((p for p in preds if matches(g, p)), None)
            if hit is not None:
                preds.remove(hit)
                sc.tp[g["kind"]] += 1
                sc.constructions[str(hit.get("extractor"))][0] += 1
            elif not g.get("optional"):
                sc.fn[g["kind"]] += 1
                sc.misses.append(g)
                near = near_miss(g, every)
                sc.constructions[str(near[0].get("extractor")) if near else "(none)"][2] += 1
                if near:
                    sc.reasons[id(g)] = why(g, *near)
        for p in preds:
            sc.fp[str(p.get("kind"))] += 1
            sc.extras.append((doc, p))
            sc.constructions[str(p.get("extractor"))][1] += 1
    return sc


def load_jsonl(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def predict_file(path: Path) -> list[dict]:
    """Parse and extract one local document the way `ingest` does, as export rows."""
    from pipeline.extract import extract
    from pipeline.models import OK
    from pipeline.parse import parse_file
    doc = parse_file(path)
    if doc.status != OK:
        return []
    return [{**f.to_dict(), "url": doc.url, "provenance": f.provenance} for f in extract(doc)]


def evaluate_docs(gold: list[dict], docs_dir: Path) -> Score:
    predicted: list[dict] = []
    for name in sorted({g["doc"] for g in gold}):
        path = docs_dir / name
        if path.exists():
            predicted.extend(predict_file(path))
    return score(predicted, gold)
