"""`ingest`: local files through the same parse → extract → store path as a harvest (process.py).

Files are read, parsed and extracted by `jobs` worker processes (pipeline/parallel.py; default:
the machine's cores) and stored by this process alone, one transaction per document, in the
order given: `--jobs 2` and `--jobs 1` fill the same database."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from pipeline import process, store
from pipeline.parallel import local_engine
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


def ingest_paths(paths: list[Path], db_path: str, url: Optional[str] = None,
                 jobs: Optional[int] = 1) -> IngestReport:
    db = store.connect(db_path)
    report = IngestReport()
    wanted = []
    for path in paths:
        if path.suffix.lower() not in SUFFIXES:
            report.lines.append(f"skipped {path}: not one of {', '.join(sorted(SUFFIXES))}")
        else:
            wanted.append(path)
    engine = local_engine(jobs if len(wanted) > 1 else 1)
    try:
        with store.bulk_writes(db):
            for path, processed, error in engine.map_ordered(_read, wanted, url):
                if error is not None:   # _read turns every bad file into a document; this is a bug
                    raise error
                _store(db, report, path, processed)
    finally:
        engine.close()
        db.conn.close()
    return report


def _store(db, report: IngestReport, path: Path, processed: process.Processed) -> None:
    doc = processed.document
    if doc.status != OK:
        report.failed += 1
        report.lines.append(f"{path}: {doc.status}: {doc.status_detail}")
    report.facts += process.write(db, processed)
    report.documents += 1


def _read(path: Path, url: Optional[str]) -> process.Processed:
    url = url or path.resolve().as_uri()
    try:
        body = path.read_bytes()
    except OSError as e:
        return process.Processed(Document(url=url, status=UNPARSEABLE, source="local",
                                          status_detail=f"cannot read {path}: {e.strerror}"))
    return process.read(process.Raw(body=body, url=url, source_name="local"))
