"""Decision PDFs → Document: text with page numbers, tables, decision metadata, text repair, OCR.

The PDF itself is read by pipeline/parse/pdf_worker.py in a child process under an address-space
limit, a CPU limit, a wall-clock timeout and a page limit (`PdfLimits`): a hostile file ends
that process and becomes a document with a status, and the harvest goes on. This module turns
the worker's lines and tables into the Document the extractor expects.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from typing import Optional

from pipeline.models import NEEDS_OCR, OK, TOO_LARGE, UNPARSEABLE, Document, Table
from pipeline.parse import ocr
from pipeline.parse.blocks import add_table
from pipeline.parse.decision import decision_metadata, decision_title, find_decision_numbers
from pipeline.parse.legacy_fonts import line_fixer, repair_legacy
from pipeline.textnorm import TextBuilder, normalize_text


@dataclass
class PdfLimits:
    max_bytes: int = 50 * 1024 * 1024
    max_pages: int = 500
    seconds: float = 180.0        # wall clock for the whole file, OCR included
    memory_mb: int = 2048         # address space of the worker
    ocr: bool = True              # OCR pages without a text layer when Tesseract is present
    ocr_dpi: int = 300
    ocr_lang: str = "vie"


# --- text repair -------------------------------------------------------------------------------
_MARKS = "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b"
_SPACING_TONES = {"\u0060": "\u0300", "\u00b4": "\u0301", "\u02dc": "\u0303", "\u02c0": "\u0309"}


def repair_marks(text: str) -> str:
    """Combining marks detached from their letter by PDF extraction ("Vie ̣t", "Viê ̣t") are
    re-attached; then NFC."""
    text = re.sub(rf"(?<=[\w{_MARKS}])[ \u00a0]+([{_MARKS}]+)", r"\1", text)
    # a mark with no letter before it cannot be placed: drop it rather than keep a stray accent
    text = re.sub(rf"(?<![\w{_MARKS}])[{_MARKS}]+", "", text)
    return unicodedata.normalize("NFC", text)


_CID = re.compile(r"\(cid:\d+\)")


# --- worker ------------------------------------------------------------------------------------

def run_worker(body: bytes, limits: PdfLimits) -> dict:
    """Run pdf_worker on the bytes; every failure becomes {"ok": False, "status", "detail"}."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(body)
        tmp.flush()
        usable, _ = ocr.tesseract_status(limits.ocr_lang)
        cmd = [sys.executable, "-m", "pipeline.parse.pdf_worker", tmp.name, "--max-pages", str(limits.max_pages),
               "--memory-mb", str(limits.memory_mb), "--cpu-seconds", str(int(limits.seconds) + 1),
               "--dpi", str(limits.ocr_dpi), "--lang", limits.ocr_lang] + (["--ocr"] if limits.ocr and usable else [])
        # The worker sets its own rlimits first thing (no preexec_fn: the crawler is threaded);
        # its own session lets a timeout kill it together with any tesseract it started.
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
        try:
            out, err = proc.communicate(timeout=limits.seconds)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)   # the worker and its tesseract, if any
            proc.communicate()
            return {"ok": False, "status": TOO_LARGE,
                    "detail": f"reading the PDF took longer than the {limits.seconds:g} s limit; the file is too complex or hostile"}
    if proc.returncode != 0 or not out.strip():
        tail = err.decode("utf-8", "replace").strip().splitlines()
        reason = tail[-1] if tail else f"exit status {proc.returncode}"
        if proc.returncode < 0:
            name = signal.Signals(-proc.returncode).name
            if -proc.returncode in (signal.SIGXCPU, signal.SIGKILL, signal.SIGABRT):
                return {"ok": False, "status": TOO_LARGE,
                        "detail": f"the PDF reader was stopped by {name}, over its limits ({limits.memory_mb} MB "
                                  f"memory, {limits.seconds:g} s CPU); the file is too large or hostile"}
            return {"ok": False, "status": UNPARSEABLE, "detail": f"the PDF reader crashed ({name}); the file is damaged or hostile"}
        if "MemoryError" in reason:
            return {"ok": False, "status": TOO_LARGE,
                    "detail": f"reading the PDF needs more than the {limits.memory_mb} MB memory limit"}
        return {"ok": False, "status": UNPARSEABLE, "detail": f"the PDF reader failed: {reason}"}
    try:
        return json.loads(out)
    except ValueError:
        return {"ok": False, "status": UNPARSEABLE, "detail": "the PDF reader's output was cut short"}


# --- assembly ----------------------------------------------------------------------------------

def parse_pdf(body: bytes, url: str, limits: Optional[PdfLimits] = None) -> Document:
    limits = limits or PdfLimits()
    doc = Document(url=url, doc_type="pdf")
    if len(body) > limits.max_bytes:
        doc.status, doc.status_detail = TOO_LARGE, (
            f"the PDF is {len(body) / 1e6:.1f} MB, over the {limits.max_bytes / 1e6:.0f} MB limit")
        return doc
    head = body[:1024].lstrip()
    if not head.startswith(b"%PDF"):
        low = head.lower()
        what = "an HTML page (an error or login page?)" if (b"<html" in low or b"<!doctype" in low or b"<body" in low) \
            else "not a PDF (no %PDF header)"
        doc.status, doc.status_detail = UNPARSEABLE, f"expected a PDF but the file is {what}; check the link"
        return doc
    result = run_worker(body, limits)
    if not result.get("ok"):
        doc.status, doc.status_detail = result["status"], result["detail"]
        return doc
    return assemble(doc, result, limits)


def _paragraphs(lines: list[dict], width: float) -> list[str]:
    """Join a page's wrapped lines into paragraphs: a new one after a wide vertical gap, at a
    list or article marker, or after a short line that ends a sentence."""
    paras: list[list[str]] = []
    right = max((l["x1"] for l in lines), default=width)
    left = min((l["x0"] for l in lines), default=0.0)
    gaps = sorted(b["top"] - a["bottom"] for a, b in zip(lines, lines[1:]))
    usual = gaps[len(gaps) // 2] if gaps else 0.0    # the page's line spacing inside a paragraph
    prev = None
    for line in lines:
        text = line["text"]
        start_new = prev is None
        if prev is not None:
            gap = line["top"] - prev["bottom"]
            short = prev["x1"] < right - 0.15 * max(1.0, right - left)
            height = max(1.0, prev["bottom"] - prev["top"])
            start_new = bool(gap > max(usual * 1.4, usual + 3) or gap > 1.1 * height
                             or re.match(r"(Điều\s+\d+|Chương\s+[IVX\d]+|\d+(\.\d+)*[.)]\s|[a-zđ]\)\s|[-+•*]\s)", text)
                             or (short and re.search(r"[.:;!?]$", prev["text"]))
                             or text.isupper() != prev["text"].isupper())
        if start_new:
            paras.append([text])
        else:
            paras[-1].append(text)
        prev = line
    return [" ".join(" ".join(p).split()) for p in paras]


def assemble(doc: Document, result: dict, limits: PdfLimits) -> Document:
    pages = result["pages"]
    warnings: list[str] = list(result.get("errors", []))
    # One legacy-font decision for the whole file, applied line by line where it helps.
    raw = "\n".join([i["text"] for p in pages for i in p["items"] if i["type"] == "line"]
                    + [c for p in pages for i in p["items"] if i["type"] == "table" for r in i["rows"] for c in r])
    legacy = repair_legacy(raw)
    fix_line = line_fixer(legacy.encoding)

    def clean(s: str) -> str:
        return normalize_text(repair_marks(fix_line(_CID.sub("", s)))).replace("\n", " ")

    cids = sum(p["cids"] for p in pages)
    if cids:
        warnings.append(f"{cids} glyphs came out as (cid:N) codes (a font without a Unicode map); "
                        "that text is missing unless the page was OCR'd")
        doc.metadata["cid_glyphs"] = cids
    if legacy.encoding != "unicode":
        doc.metadata["legacy_encoding"] = legacy.encoding
        warnings.append(f"text was set in a legacy {legacy.encoding.upper()} font and converted to Unicode")

    page_blocks: list[tuple[int, list]] = []   # (page number, [("p", text) | ("table", rows)])
    confidences, ocr_pages, blank_pages = [], [], []
    for page in pages:
        blocks: list = []
        if page.get("ocr"):
            for para in page["ocr"]["paragraphs"]:
                if clean(para):
                    blocks.append(("p", clean(para)))
            confidences.append((page["ocr"]["confidence"], page["ocr"]["words"]))
            ocr_pages.append(page["number"])
        else:
            if page["needs_ocr"]:
                blank_pages.append(page["number"])
            run: list[dict] = []
            items = _without_page_numbers(page["items"])
            for item in items + [None]:
                if item is not None and item["type"] == "line":
                    run.append({**item, "text": clean(item["text"])})
                    continue
                blocks += [("p", t) for t in _paragraphs([l for l in run if l["text"]], page["width"]) if t]
                run = []
                if item is not None:
                    rows = [[clean(c) for c in r] for r in item["rows"]]
                    rows = [r for r in rows if any(r)]
                    if rows:
                        blocks.append(("table", rows))
        page_blocks.append((page["number"], blocks))

    first = [b[1] for b in page_blocks[0][1] if b[0] == "p"] if page_blocks else []
    meta = decision_metadata(first)
    doc.metadata.update(meta)
    title = decision_title(meta, result.get("info", {}), first)
    doc.title = title
    _render(doc, title, page_blocks)
    if ocr_pages:
        total_words = sum(w for _, w in confidences) or 1
        doc.metadata["ocr_confidence"] = round(sum(c * w for c, w in confidences) / total_words, 1)
        doc.metadata["ocr_pages"] = ocr_pages
    numbers = find_decision_numbers(doc.text)
    if numbers:
        doc.metadata["decisions"] = numbers
    doc.metadata["pages"] = result["pages_total"]

    doc.status = OK
    broken = [p for p in pages if p.get("error")]
    if broken and len(broken) == len(pages):
        doc.status = TOO_LARGE if any(p.get("memory") for p in broken) else UNPARSEABLE
        doc.status_detail = (f"no page could be read: {broken[0]['error']}"
                             + (f" (over the {limits.memory_mb} MB memory limit)" if doc.status == TOO_LARGE else ""))
        doc.warnings = warnings
        return doc
    if blank_pages:
        usable, reason = ocr.tesseract_status(limits.ocr_lang)
        why = reason if not usable else "OCR was turned off" if not limits.ocr else "OCR failed on them"
        if len(blank_pages) == len(pages):
            doc.status = NEEDS_OCR
            what = ("no usable text layer (its glyphs have no Unicode map)" if cids
                    else "scanned PDF: no text layer")
            doc.status_detail = f"{what} on its {len(pages)} page(s); {why}"
        else:
            warnings.append(f"pages {', '.join(map(str, blank_pages))} have no text layer; {why}")
        doc.metadata["pages_without_text"] = blank_pages
    if result["pages_total"] > limits.max_pages:
        doc.status = TOO_LARGE
        doc.status_detail = (f"the PDF has {result['pages_total']} pages; only the first {limits.max_pages} "
                             f"were read (PdfLimits.max_pages)")
    elif doc.status == OK and not doc.text.strip():
        doc.status, doc.status_detail = UNPARSEABLE, "the PDF has no text"
    doc.warnings = warnings
    return doc


_PAGE_NUMBER = re.compile(r"^\s*(?:-\s*)?(?:trang\s+)?\d{1,4}(?:\s*/\s*\d{1,4})?(?:\s*-)?\s*$", re.I)


def _without_page_numbers(items: list[dict]) -> list[dict]:
    """Drop the page number printed at the top or bottom of a page ("2", "- 2 -", "Trang 2/5")."""
    lines = [i for i in items if i["type"] == "line"]
    drop = {id(i) for i in (lines[:1] + lines[-1:]) if _PAGE_NUMBER.match(i["text"])}
    return [i for i in items if id(i) not in drop]


def _render(doc: Document, title: str, page_blocks: list[tuple[int, list]]) -> None:
    builder = TextBuilder()
    add = builder.add
    if title:
        add(title)
    previous = ""
    for number, blocks in page_blocks:
        first_on_page = True
        for kind, content in blocks:
            if kind == "p" and len(builder) == 1 and content == title:
                start = 0    # the title was taken from this paragraph: do not repeat it
            elif kind == "p":
                start = add(content)
                previous = content
            else:
                start, spans = add_table(builder, content)
                doc.tables.append(Table(rows=content, row_spans=spans, page=number, caption=previous))
                previous = ""
            if first_on_page:
                doc.page_starts.append((start, number))
                first_on_page = False
    doc.text = builder.text
