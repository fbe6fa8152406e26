"""Vietnamese official documents (quyết định, kế hoạch, báo cáo …): their numbers, and the
metadata and title read from the first page, for PDFs and Word files alike."""
from __future__ import annotations

import re

from pipeline.parse.dates import issued_date
from pipeline.textnorm import normalize_text

# 684/QĐ-UBND, 15/2024/QĐ-UBND, 1234/QĐ-BTTTT, 23/KH-UBND, 456/BC-STTTT
DOC_NUMBER = re.compile(
    r"(?<![\w/])(\d{1,6}(?:/\d{4})?/(?:QĐ|QD|NQ|KH|CT|TB|BC|HD|HĐ|TTr|CV|KL)(?:-[A-ZĐ0-9]+)+)(?![\w])")


def find_decision_numbers(text: str) -> list[str]:
    """The official document numbers a text mentions, in order, each once, with QD → QĐ."""
    out: list[str] = []
    for m in DOC_NUMBER.finditer(text):
        number = m.group(1).replace("/QD-", "/QĐ-").replace("/HD-", "/HĐ-")
        if number not in out:
            out.append(number)
    return out


_MOTTO = re.compile(r"CỘNG\s+HÒA\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|Độc\s+lập\s*-\s*Tự\s+do\s*-\s*Hạnh\s+phúc"
                    r"|[-_=.]{3,}", re.I)
_DOC_KINDS = ("QUYẾT ĐỊNH", "NGHỊ QUYẾT", "KẾ HOẠCH", "BÁO CÁO", "THÔNG BÁO", "CHỈ THỊ", "HƯỚNG DẪN", "CÔNG VĂN", "TỜ TRÌNH")


def decision_metadata(paragraphs: list[str]) -> dict:
    """số hiệu, ngày ban hành, cơ quan ban hành and trích yếu from the first page's paragraphs."""
    meta: dict = {}
    number_at = None
    for i, p in enumerate(paragraphs[:15]):
        m = re.search(r"\bSố\s*:?\s*" + DOC_NUMBER.pattern, p)
        if m:
            meta["decision_number"] = find_decision_numbers(m.group(0))[0]
            number_at = i
            break
    head = "\n".join(paragraphs[:20])
    issued = issued_date(head)
    if issued:
        meta["issued"] = issued
    if number_at is not None:
        issuer = " ".join(_MOTTO.sub(" ", " ".join(paragraphs[:number_at])).split())
        # the header's right column sometimes comes out on the "Số" line: drop the place-and-date
        issuer = re.sub(r"\S+,\s*ngày.*$", "", issuer).strip(" -")
        if issuer:
            meta["issuer"] = issuer
    for i, p in enumerate(paragraphs[:30]):
        kind = next((k for k in _DOC_KINDS if p.strip().upper() == k), None)
        if kind is None:
            continue
        meta["doc_kind"] = kind.capitalize()
        summary = []
        for q in paragraphs[i + 1:i + 6]:
            if q.isupper() or re.match(r"(Căn cứ|Theo đề nghị|Xét đề nghị)", q):
                break
            summary.append(q)
        if summary:
            meta["summary"] = " ".join(" ".join(summary).split())
        break
    if "summary" not in meta:
        vv = next((p for p in paragraphs[:15] if re.match(r"V/v\b", p)), None)
        if vv:
            meta["summary"] = re.sub(r"^V/v\s*:?\s*", "", vv)
    return meta


def decision_title(meta: dict, info: dict, first: list[str]) -> str:
    """A decision's title: its kind, number and summary; else the file's own title; else its first line."""
    if meta.get("summary"):
        kind = meta.get("doc_kind", "Văn bản")
        number = f" {meta['decision_number']}" if meta.get("decision_number") else ""
        return normalize_text(f"{kind}{number} {meta['summary']}")
    title = normalize_text(info.get("Title", "") or "")
    if len(title) >= 8 and not re.search(r"\.(docx?|pdf)$|^Microsoft|^untitled", title, re.I):
        return title
    return next((p for p in first if len(p) >= 8), first[0] if first else "")
