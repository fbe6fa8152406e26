"""Extract stage: Document → facts (../shared/spec/facts.md)."""
from __future__ import annotations

from pipeline.models import Document, Fact

EXTRACTOR_VERSION = "0.0.1"


def extract(doc: Document) -> list[Fact]:
    return []
