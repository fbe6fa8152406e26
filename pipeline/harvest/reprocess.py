"""Re-parse and re-extract every archived document from its WARC record, without the network.

After a parser or extractor upgrade: each document row points at the WARC response record it
was parsed from (`warc_file`, `warc_offset`); the body is read back, checked against the stored
content hash, parsed with the source's stored configuration, extracted and saved with the
current EXTRACTOR_VERSION by the harvest's own path (process.py), one transaction per document
(so a crash loses nothing). Reading the record back, parsing and extracting run in `jobs` worker
processes (pipeline/parallel.py); this process alone writes, in the documents' order, so
`--jobs 2` and `--jobs 1` leave the same database.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, TextIO

from pipeline import process, store
from pipeline.errors import UsageError
from pipeline.harvest.archive import read_response
from pipeline.harvest.lock import HarvestLock, lock_path
from pipeline.models import FETCH_FAILED, sha256
from pipeline.parallel import local_engine


@dataclass
class ReprocessReport:
    documents: int = 0
    facts: int = 0
    facts_before: int = 0
    not_archived: int = 0
    problems: list[str] = field(default_factory=list)

    def render(self) -> str:
        line = (f"reprocessed {self.documents} documents with extractor {process.EXTRACTOR_VERSION}: "
                f"{self.facts} facts (was {self.facts_before})")
        if self.not_archived:
            line += f"; {self.not_archived} documents have no archived copy (ingested from files)"
        if self.problems:
            line += f"; {len(self.problems)} could not be read back:\n" + "\n".join(
                f"  {p}" for p in self.problems[:20])
        return line

    @property
    def exit_code(self) -> int:
        return 1 if self.problems else 0


def reprocess(db_path: str | Path, sources: Optional[list[str]] = None, progress: bool = False,
              stream: Optional[TextIO] = None, jobs: Optional[int] = 1) -> ReprocessReport:
    db_path = Path(db_path)
    if not db_path.exists():
        raise UsageError(f"{db_path}: no database yet; run `python -m pipeline harvest` first, or pass --db")
    stream = stream or sys.stderr
    with HarvestLock(lock_path(db_path)):  # a harvest writing the same rows meanwhile would race us
        db = store.connect(db_path)
        try:
            return _reprocess(db, db_path.resolve().parent, sources, progress, stream, jobs)
        finally:
            db.conn.close()


def _reprocess(db, root: Path, names, progress, stream, jobs) -> ReprocessReport:
    report = ReprocessReport()
    configs = store.source_configs(db)
    where, params = "status != ?", [FETCH_FAILED]
    if names:
        where += f" AND source IN ({','.join('?' * len(names))})"
        params += list(names)
    report.facts_before = db.execute(
        f"SELECT count(*) FROM facts WHERE document_id IN (SELECT id FROM documents WHERE {where})",
        params).fetchone()[0]
    rows = db.execute(f"SELECT url, final_url, source, content_type, content_hash, warc_file, warc_offset "
                      f"FROM documents WHERE {where} ORDER BY id", params)
    engine = local_engine(jobs)
    try:
        with store.bulk_writes(db):
            for row, outcome, error in engine.map_ordered(_read_back, _archived(rows, report), str(root), configs):
                if error is not None:       # _read_back names every fault it knows; this one is a bug
                    raise error
                if isinstance(outcome, str):
                    report.problems.append(outcome)
                    continue
                n = process.write(db, outcome)
                report.documents += 1
                report.facts += n
                if progress:
                    stream.write(f"{outcome.document.status} {n} facts {row[0]}\n")
    finally:
        engine.close()
    return report


def _archived(rows, report: ReprocessReport):
    """The rows with a WARC record, one at a time (the others are counted)."""
    for row in rows.fetchall():
        if row[5]:
            yield row
        else:
            report.not_archived += 1


def _read_back(row: tuple, root: str, configs: dict):
    """On a worker: the archived body read back, checked and processed; a problem as a line."""
    url, final_url, source, content_type, content_hash, warc_file, warc_offset = row
    path = Path(warc_file) if Path(warc_file).is_absolute() else Path(root) / warc_file
    try:
        rec = read_response(path.parent, path.name, warc_offset)
    except Exception as e:  # a missing or torn file: say which, go on with the rest
        return f"{url}: {warc_file}@{warc_offset}: {e}"
    if content_hash and sha256(rec.body) != content_hash:
        return f"{url}: the archived body does not match the stored hash; not reprocessed"
    return process.read(process.Raw(
        body=rec.body, url=url, final_url=final_url, headers=rec.headers, source=configs.get(source),
        content_type=content_type or rec.headers.get("content-type", ""), source_name=source))
