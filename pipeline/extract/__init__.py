"""Extract stage: Document → facts (../shared/spec/facts.md), each with its evidence, span,
page or table cell, and the name and version of the rule that made it."""
from __future__ import annotations

from pipeline.extract.context import build_context
from pipeline.extract.rules import SentenceExtractor
from pipeline.extract.sentences import split_sentences
from pipeline.extract.tables import table_facts
from pipeline.models import Document, Fact

EXTRACTOR_VERSION = "1.0.0"


def extract(doc: Document) -> list[Fact]:
    """Every fact the document states, one per distinct figure."""
    if not doc.text.strip():
        return []
    ctx = build_context(doc)
    table_spans = [span for t in doc.tables for span in t.row_spans]
    facts: list[Fact] = []
    sx = SentenceExtractor(ctx, EXTRACTOR_VERSION)
    for s in split_sentences(doc.text):
        if any(a <= s.start < b for a, b in table_spans):
            continue  # table rows are read by the table reader
        facts.extend(sx.run(s))
    for table in doc.tables:
        facts.extend(table_facts(doc, table, ctx, EXTRACTOR_VERSION))
    for f in facts:
        if f.page is None and doc.page_starts:
            f.page = doc.page_at(f.start)
    return deduplicate(facts)


def deduplicate(facts: list[Fact]) -> list[Fact]:
    """One row per distinct fact: the same figure stated twice (a caption, the title) is one fact;
    a version without the denominator yields to one that gives it."""
    by_key: dict[tuple, Fact] = {}
    for f in facts:
        k = f.key()
        if k not in by_key:
            by_key[k] = f
    kept = list(by_key.values())
    # the title often repeats a figure without its year: keep the dated statement
    dated = [f for f in kept if f.year is not None]
    kept = [f for f in kept if f.year is not None or not any(
        g.subject == f.subject and g.kind == f.kind and round(g.value, 6) == round(f.value, 6) and
        g.is_target == f.is_target and (g.metric.startswith(f.metric) or f.metric.startswith(g.metric))
        for g in dated)]
    with_total = {(f.subject, f.metric, f.year, f.kind, round(f.value, 6), f.is_target)
                  for f in kept if f.total is not None}
    return [f for f in kept if f.total is not None or
            (f.subject, f.metric, f.year, f.kind, round(f.value, 6), f.is_target) not in with_total]
