"""Official ranking tables as an authoritative source.

`import-reference FILE` reads the ministry's published table (CSV, or the HTML page that shows
it) into `reference_facts`; `check` and `audit` then compare documents with it. Its subjects
and metrics are named as the claims and the stored facts are (names.py).
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from pipeline import store
from pipeline.clock import now_iso
from pipeline.errors import UsageError
from pipeline.factcheck.figures import parse_number
from pipeline.factcheck.names import canonical_subject, metric_in, province_name
from pipeline.domain import scale_of
from pipeline.textnorm import fold

@dataclass
class ReferenceFact:
    """One figure of an official table."""
    subject: str
    subject_type: str
    metric: str
    year: int
    kind: str                 # rank | score
    value: float
    total: Optional[float] = None
    scale: Optional[float] = None
    row: int = 0              # 1-based row of the table it came from, for messages


@dataclass
class ImportReport:
    reference: str
    file: str
    facts: list[ReferenceFact] = field(default_factory=list)
    replaced: int = 0

    def summary(self) -> str:
        subjects = len({(f.subject_type, f.subject) for f in self.facts})
        metrics = sorted({f.metric for f in self.facts})
        years = sorted({f.year for f in self.facts})
        return (f"reference {self.reference!r}: {len(self.facts)} figures for {subjects} subjects, "
                f"metrics {', '.join(metrics)}, year {', '.join(map(str, years))}"
                + (f" (replaced {self.replaced} earlier figures)" if self.replaced else ""))


_SKIP_SUBJECTS = {"tong", "tong cong", "trung binh", "binh quan", "ca nuoc", "trung binh ca nuoc"}
_SUBJECT_HEADERS = ("tinh", "thanh pho", "dia phuong", "don vi", "subject", "province", "ten ")
_RANK_HEADERS = ("xep hang", "thu hang", "hang", "rank", "vi tri", "thu tu xep")
_SCORE_HEADERS = ("diem", "score", "gia tri", "chi so")
_IGNORED_HEADERS = {"stt", "tt", "no", "#", "so tt"}


def _header_role(header: str) -> Optional[str]:
    h = fold(header)
    if h in _IGNORED_HEADERS or not h:
        return None
    if h in ("nam", "year"):
        return "year"
    # A rank column header often also names the index ("Xếp hạng DTI"): rank wins over score.
    if any(re.search(rf"\b{w}\b", h) for w in _RANK_HEADERS):
        return "rank"
    if any(re.search(rf"\b{w}\b", h) for w in _SCORE_HEADERS) or metric_in(header):
        return "score"
    if any(h.startswith(w.strip()) or f" {w.strip()}" in f" {h}" for w in _SUBJECT_HEADERS):
        return "subject"
    return None


def _is_number(cell: str) -> bool:
    try:
        parse_number(cell)
        return True
    except ValueError:
        return False


def _html_rows(data: bytes) -> tuple[list[list[list[str]]], str]:
    """Every <table> as a grid of cell texts (rowspan/colspan filled), and the page's title."""
    import lxml.html
    root = lxml.html.fromstring(data.decode("utf-8", errors="replace"))
    title = " ".join(t.text_content() for t in root.xpath("//title|//h1|//h2|//caption"))
    grids = []
    for table in root.xpath("//table"):
        grid: dict[tuple[int, int], str] = {}
        for r, tr in enumerate(table.xpath(".//tr")):
            c = 0
            for cell in tr.xpath("./th|./td"):
                while (r, c) in grid:
                    c += 1
                text = re.sub(r"\s+", " ", cell.text_content()).strip()
                rs, cs = int(cell.get("rowspan", 1) or 1), int(cell.get("colspan", 1) or 1)
                for dr in range(rs):
                    for dc in range(cs):
                        grid[(r + dr, c + dc)] = text
                c += cs
        if grid:
            nrows = max(r for r, _ in grid) + 1
            ncols = max(c for _, c in grid) + 1
            grids.append([[grid.get((r, c), "") for c in range(ncols)] for r in range(nrows)])
    return grids, title


def _csv_rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]


def _year_in(text: str) -> Optional[int]:
    years = {int(y) for y in re.findall(r"(?<!\d)(20[1-3]\d)(?!\d)", text or "")}
    return years.pop() if len(years) == 1 else None


def read_table(rows: list[list[str]], *, file: str, metric: str, year: Optional[int],
               scale: Optional[float], total: Optional[float], subject_type: str,
               context: str = "") -> list[ReferenceFact]:
    """One table's rows → reference facts. Raises UsageError naming the row and the fix."""
    rows = [r for r in rows if any(c.strip() for c in r)]
    captions, header_rows, i = [], [], 0
    while i < len(rows) and not any(_is_number(c) for c in rows[i][1:]):
        # A title row (one text, perhaps spread over merged cells) before the header.
        is_caption = len({c.strip() for c in rows[i] if c.strip()}) == 1 and not header_rows
        (captions if is_caption else header_rows).append(rows[i])
        i += 1
    data = rows[i:]
    if not header_rows or not data:
        raise UsageError(f"{file}: no header row followed by figures; the table needs a header "
                         "such as 'Tỉnh, thành phố,Điểm,Xếp hạng'")
    width = max(len(r) for r in rows)
    headers = []
    for c in range(width):
        parts = []
        for hr in header_rows:
            cell = hr[c] if c < len(hr) else ""
            if cell and cell not in parts:
                parts.append(cell)
        headers.append(" ".join(parts))
    roles = [_header_role(h) for h in headers]
    if "subject" not in roles:
        raise UsageError(f"{file}: no column of subjects; name one 'Tỉnh, thành phố' or 'Địa phương'")
    if "rank" not in roles and "score" not in roles:
        raise UsageError(f"{file}: no column of ranks or scores; name them 'Xếp hạng' and 'Điểm'")
    subj_col = roles.index("subject")
    year_col = roles.index("year") if "year" in roles else None
    year = year or _year_in(" ".join(" ".join(r) for r in captions) + " " + context)
    if year is None and year_col is None:
        raise UsageError(f"{file}: cannot tell which year the table is about; pass --year")
    columns = []   # (col, kind, metric, scale)
    for c, role in enumerate(roles):
        if role in ("rank", "score"):
            col_metric = metric_in(headers[c]) or metric
            col_scale = None
            if role == "score":
                h = headers[c]     # as written: the scale is in its digits and slash
                col_scale = scale or (1000.0 if re.search(r"1[.,]?000", h) else 100.0 if "/100" in h else None)
            columns.append((c, role, col_metric, col_scale))
    if len({(k, m) for _, k, m, _ in columns}) < len(columns):
        raise UsageError(f"{file}: two columns hold the same figure ({', '.join(headers)}); "
                         "keep one or name the index in each header")
    facts: list[ReferenceFact] = []
    for n, row in enumerate(data, start=len(rows) - len(data) + 1):
        name = row[subj_col].strip() if subj_col < len(row) else ""
        if not name or fold(name) in _SKIP_SUBJECTS:
            continue
        canon, stype = canonical_subject(name, subject_type)
        if subject_type == "province" and province_name(name) is None:
            raise UsageError(f"{file}: row {n}: {name!r} is not a province name; correct the cell, "
                             "or pass --subject-type for a table of other subjects")
        row_year = year
        if year_col is not None and year_col < len(row) and row[year_col].strip():
            try:
                row_year = int(parse_number(row[year_col])[0])
            except ValueError:
                raise UsageError(f"{file}: row {n}: year {row[year_col]!r} is not a number") from None
        for c, kind, col_metric, col_scale in columns:
            cell = row[c].strip() if c < len(row) else ""
            if cell in ("", "-", "–", "—", "x"):
                continue
            try:
                value, _ = parse_number(cell)
            except ValueError:
                raise UsageError(f"{file}: row {n}, column {headers[c]!r}: {cell!r} is not a number; "
                                 "fix the cell or leave it empty") from None
            facts.append(ReferenceFact(subject=canon, subject_type=stype, metric=col_metric,
                                       year=row_year, kind=kind, value=value, scale=col_scale, row=n))
    # Ranks are out of the number of subjects ranked; scores without a stated scale are on 1
    # when every score is at most 1, else on the DTI's 1,000 points.
    for c, kind, col_metric, col_scale in columns:
        col = [f for f in facts if f.kind == kind and f.metric == col_metric]
        if kind == "rank":
            # A table of every ranked subject gives the total; an excerpt (ranks beyond its
            # length) does not, unless --total says it.
            listed = len({(f.subject, f.year) for f in col})
            ranked = total or (listed if col and max(f.value for f in col) <= listed else None)
            for f in col:
                f.total = ranked
        elif col_scale is None and col:
            inferred = scale_of(max(f.value for f in col), col_metric) or 1000.0   # the domain's reading
            for f in col:
                f.scale = inferred
    for f in facts:
        if f.kind == "rank" and not (1 <= f.value <= (f.total or f.value)):
            raise UsageError(f"{file}: row {f.row}: rank {f.value:g} is outside 1..{f.total:g}; "
                             "fix the cell or pass --total")
        if f.kind == "score" and not (0 <= f.value <= f.scale):
            raise UsageError(f"{file}: row {f.row}: score {f.value:g} is above the scale {f.scale:g}; "
                             "pass --scale")
    return facts


def read_reference(path: str | Path, *, metric: str = "dti", year: Optional[int] = None,
                   scale: Optional[float] = None, total: Optional[float] = None,
                   subject_type: str = "province") -> list[ReferenceFact]:
    """The facts of an official table in a CSV file or an HTML page (its first usable table)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise UsageError(f"{path}: cannot read ({e.strerror}); check the path") from None
    head = data[:2048].lstrip().lower()
    is_html = path.suffix.lower() in (".html", ".htm") or head.startswith((b"<!doctype", b"<html", b"<table"))
    opts = dict(file=str(path), metric=metric, year=year, scale=scale, total=total,
                subject_type=subject_type)
    if not is_html:
        facts = read_table(_csv_rows(data), context=path.stem, **opts)
    else:
        grids, title = _html_rows(data)
        if not grids:
            raise UsageError(f"{path}: no <table> in the page; save the page that shows the ranking")
        facts, first_error = [], None
        for grid in grids:
            try:
                facts = read_table(grid, context=f"{title} {path.stem}", **opts)
                break
            except UsageError as e:     # layout tables around the ranking: try the next one
                first_error = first_error or e
        if not facts and first_error:
            raise first_error
    if not facts:
        raise UsageError(f"{path}: the table has no figures")
    seen: dict[tuple, ReferenceFact] = {}
    for f in facts:
        key = (f.subject_type, f.subject, f.metric, f.year, f.kind)
        if key in seen and seen[key].value != f.value:
            raise UsageError(f"{path}: {f.subject} appears twice with different {f.kind}s "
                             f"(rows {seen[key].row} and {f.row}); keep one row")
        seen[key] = f
    return list(seen.values())


def import_reference(db_path: str, path: str | Path, name: Optional[str] = None,
                     **options: Any) -> ImportReport:
    """Load an official table, replacing an earlier import of the same name, atomically.

    The file is read and checked completely before anything is written, so a bad file leaves
    the database as it was.
    """
    facts = read_reference(path, **options)
    name = name or Path(path).stem
    db = store.connect(db_path)
    report = ImportReport(reference=name, file=str(path), facts=facts)
    with store.transaction(db):
        report.replaced = db.execute("DELETE FROM reference_facts WHERE reference = ?", [name]).rowcount
        now = now_iso()
        db["reference_facts"].insert_all([
            {"reference": name, "file": str(path), "subject": f.subject, "subject_type": f.subject_type,
             "metric": f.metric, "year": f.year, "kind": f.kind, "value": f.value, "total": f.total,
             "scale": f.scale, "imported_at": now} for f in facts])
    return report


def reference_rows(db) -> list[dict[str, Any]]:
    if "reference_facts" not in db.table_names():
        return []
    return list(db.query("SELECT * FROM reference_facts ORDER BY reference, id"))
