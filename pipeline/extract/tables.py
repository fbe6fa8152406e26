"""Ranking tables (HTML or PDF): a rank and a score fact per row and column.

Columns are recognised by their header: a rank column (Xếp hạng, Hạng, Thứ hạng, STT when the
rows are ordered by score), a name column (Tỉnh, Đơn vị, Cơ quan, Địa phương …), a total score
column and one column per sub-index named in the vocabulary. Ties keep their shared rank.
"""
from __future__ import annotations

import re
from typing import Optional

from pipeline.extract.context import DocContext
from pipeline.extract.gazetteer import SubjectMention, canonical_province, find_subjects
from pipeline.extract.metrics import find_metrics
from pipeline.extract.numbers import parse_number
from pipeline.extract.tokens import number_word_value
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


_YEAR = re.compile(r"(?<![\d/.-])((?:19|20)\d{2})(?![\d/])")
_DATED = re.compile(r"(?:ngày|tháng)\s+[\d/\s]*(?:năm\s+)?$|\d{1,2}\s*/\s*\d{1,2}\s*/\s*$|so\s+với\s+(?:năm\s+)?$", re.I)


def _stated_years(text: str) -> list[int]:
    """Years a heading states as data years: not dates ('ngày 18 tháng 4 năm 2025'), not comparisons."""
    return [int(m.group(1)) for m in _YEAR.finditer(text) if not _DATED.search(text[max(0, m.start() - 25):m.start()])]


def _table_year(doc: Document, table: Table, ctx: DocContext) -> Optional[int]:
    """The data year of a table: from its caption, else from the heading text just before it
    ('KẾT QUẢ XẾP HẠNG … NĂM 2024'), never the date the decision was signed."""
    years = _stated_years(table.caption or "")
    if years:
        return years[0]
    start = table.row_spans[0][0] if table.row_spans else 0
    stated = _stated_years(doc.text[max(0, start - 700):start])
    if stated:
        return stated[-1]
    return ctx.edition


_CAPTION_FRAME = re.compile(r"(?i)^\s*(?:[\dIVX]+[.)]\s*)?(?:bảng\s*\d*[.:]?\s*)?(?:kết\s+quả\s+)?(?:đánh\s+giá,?\s*)?"
                            r"(?:chỉ\s+số\s+và\s+xếp\s+hạng|xếp\s+hạng(?:\s+và\s+chỉ\s+số)?|chỉ\s+số)?\s*(?:tổng\s+thể\s+)?")
_CAPTION_TAIL = re.compile(r"(?i)\s+(?:của|cấp|năm|giai\s+đoạn|tại|theo|đối\s+với)\b.*$|\s*\(.*$")


def _caption_metric(caption: str) -> Optional[tuple[str, str]]:
    """The quantity a caption names when it is no index of the vocabulary ('Chỉ số và xếp hạng tổng
    thể mức độ ứng dụng công nghệ thông tin của Bộ … năm 2019' → 'mức độ ứng dụng công nghệ thông
    tin'): its id and phrase."""
    from pipeline.extract import indicators
    m = _CAPTION_FRAME.match(caption or "")
    if not m or not m.group(0).strip():
        return None
    body = re.sub(r"^\s*[\dIVX]+[.)]\s*", "", caption)     # '1. Chỉ số và xếp hạng …': a numbered title
    if len(body.split()) > 30 or re.search(r"[.;:]\s+\S", body):
        return None      # a paragraph leading into the table, not a title naming its quantity
    phrase = _CAPTION_TAIL.sub("", caption[m.end():]).strip(" :.-")
    if len(phrase.split()) < 3:
        return None
    return indicators.identify(phrase), phrase


# 'Xếp hạng DTI năm 2022 (17 địa phương dẫn đầu)', 'Top 10 tỉnh, thành phố dẫn đầu': the caption
# names the leading group its rows are
_LEADING_GROUP = re.compile(r"(?i)(?:top|tốp|nhóm)?\s*\b(\d{1,2}|[a-zà-ỹ]+)\s+(?:địa\s+phương|tỉnh|bộ|cơ\s+quan|đơn\s+vị)"
                            r"[\w\s,/]{0,20}?\s(?:dẫn\s+đầu|đứng\s+đầu|cao\s+nhất)")

# '1 (0,9291)' in a column headed 'Xếp hạng (chỉ số)': the place and, in brackets, the score
_RANK_WITH_SCORE = re.compile(r"^\s*(\d{1,3})\s*\(\s*(\d+[.,]\d+)\s*\)\s*$")


def _words(text: str) -> set[str]:
    return set(re.findall(r"[\wÀ-ỹ]+", text.lower()))


def _named_size(table: Table, rows: list[list[str]], name_col: int, ctx: DocContext, groups, top: float) -> Optional[float]:
    """The size the text gives the group a table ranks ('17 bộ … có cung cấp dịch vụ công và 8 cơ
    quan không cung cấp'): of the groups of its subjects' kind at least as large as its last rank,
    the one whose description is nearest the caption's words."""
    kinds = {_subject(r[name_col], ctx).type for r in rows[:5] if len(r) > name_col and _subject(r[name_col], ctx)}
    group = "ministry" if kinds & {"ministry"} or (kinds == {"agency"} and not ctx.province) else \
        (kinds.pop() if len(kinds) == 1 else None)
    fits = [g for g in groups if g.total and g.total >= top and (g.group is None or g.group == group)]
    if not fits:
        return None
    caption = _words(table.caption or "")

    def near(g) -> float:
        w = _words(g.words)
        return len(w & caption) / len(w | caption) if w | caption else 0.0
    best = max(fits, key=near)
    return best.total if len(fits) == 1 or near(best) > 0 else None


def table_facts(doc: Document, table: Table, ctx: DocContext, version: str, groups=()) -> list[Fact]:
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
    named = next((m for m in find_metrics(table.caption or "") if m.vocab), None)
    if rank_col is not None:
        # 'Xếp hạng DTI': the rank column names its index, whatever the caption says
        named = next((m for m in find_metrics(header[rank_col]) if m.vocab), None) or named
    caption_metric = _caption_metric(table.caption) if named is None else None
    table_metric = named.id if named else caption_metric[0] if caption_metric else ("dti" if ctx.dti_doc else None)
    table_phrase = named.phrase if named else caption_metric[1] if caption_metric else None
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
    # a table that ranks every unit of its ranking sizes it ('the 63 provinces', 'the 17 ministries')
    ranked = [_cell_number(r[rank_col]) for r in rows if rank_col is not None and len(r) > rank_col]
    ranked = [x for x in ranked if x is not None]
    size = float(len(ranked)) if len(ranked) >= 5 and max(ranked) <= len(ranked) and min(ranked) == 1 else None
    if size is not None and size not in (34.0, 63.0) and all(
            canonical_province(r[name_col]) for r in rows[:5] if len(r) > name_col):
        size = None     # provinces are ranked of 63 or 34: a shorter table of them is a part
    if ranked and groups:
        named = _named_size(table, rows, name_col, ctx, groups, max(ranked))
        if named is not None:
            size = named    # the text says how many were ranked; the table may show only the first
    group = _LEADING_GROUP.search(table.caption or "")
    group_size = float(number_word_value(group.group(1)) or parse_number(group.group(1)) or 0) if group else 0.0
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
                out.append(Fact(metric=table_metric, metric_phrase=table_phrase or header[rank_col], kind="rank",
                                value=r, total=size, table_col=rank_col, extractor="tables.rank", **common))
            both = _RANK_WITH_SCORE.match(row[rank_col])
            if both and not score_cols:
                score = parse_number(both.group(2))
                out.append(Fact(metric=table_metric, metric_phrase=table_phrase or header[rank_col], kind="score",
                                value=score, scale=1.0 if score <= 1 else 1000.0 if score > 100 else 100.0,
                                table_col=rank_col, extractor="tables.rank_score", **common))
        if group_size == len(rows) and table_metric:
            # '(17 địa phương dẫn đầu)': a caption naming the leading group the table lists
            out.append(Fact(metric=table_metric, metric_phrase=table_phrase or table.caption, kind="top_n",
                            value=group_size, extractor="tables.group", **common))
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
            out.append(Fact(metric=metric, metric_phrase=(table_phrase if metric == table_metric and table_phrase
                                                          else header[col]), kind="score", value=v, scale=scale,
                            unit="điểm", table_col=col, extractor="tables.score", **common))
    return out
