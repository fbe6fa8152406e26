"""Ingest local files through the same parse → extract → store path as a harvest."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from pipeline import store
from pipeline.extract import EXTRACTOR_VERSION, extract
from pipeline.models import OK
from pipeline.parse import parse_file

SUFFIXES = {".html", ".htm", ".pdf", ".txt", ".docx"}


@dataclass
class IngestReport:
    documents: int = 0
    facts: int = 0
    failed: int = 0
    lines: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"ingested {self.documents} documents, {self.facts} facts" + (
            f", {self.failed} not readable" if self.failed else "")


def ingest_paths(paths: list[Path], db_path: str, url: Optional[str] = None) -> IngestReport:
    db = store.connect(db_path)
    report = IngestReport()
    for path in paths:
        if path.suffix.lower() not in SUFFIXES:
            report.lines.append(f"skipped {path}: not one of {', '.join(sorted(SUFFIXES))}")
            continue
        doc = parse_file(path, url=url)
        doc.source = doc.source or "local"
        facts = extract(doc) if doc.status == OK else []
        if doc.status != OK:
            report.failed += 1
            report.lines.append(f"{path}: {doc.status}: {doc.status_detail}")
        store.save_document(db, doc, facts, extractor_version=EXTRACTOR_VERSION)
        report.documents += 1
        report.facts += len(facts)
    return report
