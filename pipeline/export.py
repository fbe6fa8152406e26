"""Export facts in the form of the spec (JSONL or CSV)."""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any, Iterator

from pipeline import store

# The spec's fields first, in its order; then provenance the project adds.
SPEC_FIELDS = ["url", "published", "subject", "subject_type", "province", "metric", "metric_phrase",
               "year", "kind", "value", "total", "scale", "unit", "qualifier", "is_target",
               "evidence", "start", "end"]
EXTRA_FIELDS = ["page", "table_row", "table_col", "extractor", "extractor_version", "document_title",
                "outlet"]
FIELDS = SPEC_FIELDS + EXTRA_FIELDS


def _number(v: Any) -> Any:
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def export_rows(db) -> Iterator[dict[str, Any]]:
    for row in store.fact_rows(db):
        out = {k: row.get(k) for k in FIELDS}
        for k in ("value", "total", "scale"):
            out[k] = _number(out[k])
        out["is_target"] = bool(out["is_target"])
        published = out["published"]
        out["published"] = published[:10] if published else None
        yield out


def export_facts(db_path: str, fmt: str = "jsonl", output: str = "-") -> int:
    db = store.connect(db_path)
    stream = sys.stdout if output == "-" else open(Path(output), "w", encoding="utf-8", newline="")
    n = 0
    try:
        if fmt == "csv":
            writer = csv.DictWriter(stream, fieldnames=FIELDS)
            writer.writeheader()
            for row in export_rows(db):
                writer.writerow(row)
                n += 1
        else:
            for row in export_rows(db):
                stream.write(json.dumps(row, ensure_ascii=False) + "\n")
                n += 1
    finally:
        if stream is not sys.stdout:
            stream.close()
    return n
