"""Ranking tables (HTML or PDF): a rank and a score fact per row and column.

Columns are recognised by their header: a rank column (Xếp hạng, Hạng, Thứ hạng, STT when the
rows are ordered by score), a name column (Tỉnh, Đơn vị, Cơ quan, Địa phương …), a total score
column and one column per sub-index named in the vocabulary. Ties keep their shared rank.
"""
from __future__ import annotations

import re
from typing import Optional

from pipeline.extract.context import DocContext, find_years
from pipeline.extract.gazetteer import SubjectMention, canonical_province, find_subjects
from pipeline.extract.metrics import find_metrics
from pipeline.extract.numbers import parse_number
from pipeline.models import Document, Fact, Table

RANK_HEADER = re.compile(r"^(?:xếp\s+hạng|hạng|thứ\s+hạng|vị\s+trí|thứ\s+tự\s+xếp\s+hạng|xh)\b", re.I)
SEQ_HEADER = re.compile(r"^(?:stt|tt|số\s+tt|số\s+thứ\s+tự)$", re.I)
NAME_HEADER = re.compile(r"(?:tên|đơn\s+vị|tỉnh|thành\s+phố|địa\s+phương|cơ\s+quan|sở|huyện|bộ|ngành|xã|phường)", re.I)
SCORE_HEADER = re.compile(r"(?:điểm|chỉ\s+số|dti|kết\s+quả)", re.I)


def _cell_number(cell: str) -> Optional[float]:
    m = re.search(r"\d[\d.,]*", cell or "")
    return parse_number(m.group(0)) if m else None


def _subject(cell: str, ctx: DocContext) -> Optional[SubjectMention]:
    cell = cell.strip()
    if not cell:
        return None
    found = find_subjects(cell, ctx.province)
    if found and found[0].start <= 2:
        return found[0]
    prov = canonical_province(cell)
    if prov:
        return SubjectMention(0, len(cell), prov, "province")
    if re.match(r"[A-ZÀ-ỸĐ]", cell) and len(cell) < 90:
        return SubjectMention(0, len(cell), cell, "other", ctx.province)
    return None


def _table_year(doc: Document, table: Table, ctx: DocContext) -> Optional[int]:
    """The data year of a table: from its caption, else from the heading text just before it
    ('KẾT QUẢ XẾP HẠNG … NĂM 2024'), never the date the decision was signed."""
    years = [y.year for y in find_years(table.caption or "") if y.role in ("plain", "period_end")]
    if years:
        return years[0]
    start = table.row_spans[0][0] if table.row_spans else 0
    before = doc.text[max(0, start - 700):start]
    stated = [y.year for y in find_years(before) if y.role in ("plain", "period_end")]
    if stated:
        return stated[-1]
    return ctx.dti_year


def table_facts(doc: Document, table: Table, ctx: DocContext, version: str) -> list[Fact]:
    if len(table.rows) < 2:
        return []
    header = [c.strip() for c in table.rows[0]]
    rank_col = next((i for i, h in enumerate(header) if RANK_HEADER.search(h)), None)
    seq_col = next((i for i, h in enumerate(header) if SEQ_HEADER.match(h)), None)
    name_col = next((i for i, h in enumerate(header) if NAME_HEADER.search(h) and i not in (rank_col, seq_col)
                     and not SCORE_HEADER.search(h)), None)
    if name_col is None:
        return []
    context = " ".join([table.caption or "", ctx.title])
    table_metric = next((m.id for m in find_metrics(table.caption or "") if m.vocab), None) or \
        ("dti" if ctx.dti_doc else None)
    year = _table_year(doc, table, ctx)
    score_cols: list[tuple[int, str]] = []
    for i, h in enumerate(header):
        if i in (rank_col, seq_col, name_col):
            continue
        ms = [m for m in find_metrics(h) if m.vocab]
        if ms:
            score_cols.append((i, ms[0].id))
        elif SCORE_HEADER.search(h) and table_metric:
            score_cols.append((i, table_metric))
    if table_metric is None and not score_cols:
        return []
    rows = table.rows[1:]
    # STT is a rank only when the rows are ordered by the (first) score and the caption ranks them
    if rank_col is None and seq_col is not None and score_cols and re.search(r"xếp\s+hạng|kết\s+quả", context, re.I):
        scores = [_cell_number(r[score_cols[0][0]]) if len(r) > score_cols[0][0] else None for r in rows]
        if all(s is not None for s in scores) and all(x >= y for x, y in zip(scores, scores[1:])):
            rank_col = seq_col
    out: list[Fact] = []
    for idx, row in enumerate(rows, start=1):
        if len(row) <= name_col:
            continue
        subj = _subject(row[name_col], ctx)
        if subj is None:
            continue
        span = table.row_spans[idx] if idx < len(table.row_spans) else (0, 0)
        evidence = doc.text[span[0]:span[1]]
        common = dict(subject=subj.name, subject_type=subj.type,
                      province=subj.province if subj.type in ("district", "agency", "other") else None,
                      evidence=evidence, start=span[0], end=span[1], year=year, page=table.page,
                      table_row=idx, extractor_version=version)
        if rank_col is not None and len(row) > rank_col and table_metric:
            r = _cell_number(row[rank_col])
            if r is not None and r >= 1 and float(r).is_integer():
                out.append(Fact(metric=table_metric, metric_phrase=header[rank_col], kind="rank", value=r,
                                table_col=rank_col, extractor="tables.rank", **common))
        col_values = {}
        for col, metric in score_cols:
            if len(row) > col:
                v = _cell_number(row[col])
                if v is not None:
                    col_values[col] = v
        for col, metric in score_cols:
            if col not in col_values:
                continue
            v = col_values[col]
            column = [_cell_number(r[col]) for r in rows if len(r) > col]
            top = max([c for c in column if c is not None] or [v])
            scale = 1.0 if top <= 1 else (1000.0 if metric.startswith("dti") or top > 100 else 100.0)
            hdr_scale = re.search(r"/\s*(1\.000|1000|100)", header[col])
            if hdr_scale:
                scale = parse_number(hdr_scale.group(1))
            out.append(Fact(metric=metric, metric_phrase=header[col], kind="score", value=v, scale=scale,
                            unit="điểm", table_col=col, extractor="tables.score", **common))
    return out
