"""The sources a database was filled from, with their sources.yaml entries, so that documents can
be parsed again later (reprocess) with the configuration they were read with."""
from __future__ import annotations

import dataclasses
import json
from dataclasses import asdict
from typing import Iterable

import sqlite_utils

from pipeline.models import SourceConfig, SourceExamples


def record_sources(db: sqlite_utils.Database, sources: Iterable[SourceConfig]) -> None:
    """Upsert each source's row (inside the caller's transaction)."""
    for s in sources:
        db["sources"].upsert({"name": s.name, "outlet": s.outlet, "province": s.province,
                              "start_urls": json.dumps(s.start_urls),
                              "config": json.dumps(asdict(s), ensure_ascii=False)}, pk="name")


def source_configs(db: sqlite_utils.Database) -> dict[str, SourceConfig]:
    """The sources as they were recorded; a row that no longer reads as a source is left out."""
    known = {f.name for f in dataclasses.fields(SourceConfig)}
    out = {}
    for name, config in db.execute("SELECT name, config FROM sources").fetchall():
        try:
            data = json.loads(config or "{}")
            fields = {k: v for k, v in data.items() if k in known}
            if isinstance(fields.get("examples"), dict):
                fields["examples"] = SourceExamples(**fields["examples"])
            out[name] = SourceConfig(**fields)
        except (ValueError, TypeError):
            continue
    return out
