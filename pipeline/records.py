"""Records as the command line prints them: CSV with a header (a list in a cell joined by " | "),
or JSON. The table form belongs to each kind of record; these two forms are shared."""
from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable


def to_csv(rows: Iterable[dict[str, Any]], fields: list[str]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: " | ".join(map(str, v)) if isinstance(v, list) else v for k, v in row.items()})
    return buf.getvalue()


def to_json(rows: list[dict[str, Any]], indent: int = 1) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=indent)
