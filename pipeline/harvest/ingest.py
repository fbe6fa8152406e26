"""`ingest`: local files through the same parse → extract → store path as a harvest (process.py)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from pipeline import process, store
from pipeline.models import OK, UNPARSEABLE, Document

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
        processed = _read(path, url)
        doc = processed.document
        if doc.status != OK:
            report.failed += 1
            report.lines.append(f"{path}: {doc.status}: {doc.status_detail}")
        with store.transaction(db):
            n = process.save(db, processed)
        report.documents += 1
        report.facts += n
    return report


def _read(path: Path, url: Optional[str]) -> process.Processed:
    url = url or path.resolve().as_uri()
    try:
        body = path.read_bytes()
    except OSError as e:
        return process.Processed(Document(url=url, status=UNPARSEABLE, source="local",
                                          status_detail=f"cannot read {path}: {e.strerror}"))
    return process.read(process.Raw(body=body, url=url, source_name="local"))
