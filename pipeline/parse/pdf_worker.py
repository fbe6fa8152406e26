"""The PDF worker: `python -m pipeline.parse.pdf_worker FILE [options]` reads one PDF and prints one
JSON object on stdout. It runs in its own process under memory and CPU limits set by
pipeline/parse/pdf.py, so a hostile PDF can only take this process down, never the harvest.

Output: {"ok": true, "pages_total": N, "info": {...}, "pages": [page, ...]} where a page is
{"number", "width", "items": [{"type": "line", "text", "top", "bottom", "x0", "x1"} |
{"type": "table", "rows", "top", "bottom"}], "chars", "cids", "ocr": null | {"confidence",
"words"}, "needs_ocr": bool}; or {"ok": false, "status": "encrypted" | "unparseable" |
"too_large", "detail": "..."}.
"""
from __future__ import annotations

import argparse
import io
import json
import re
import resource
import sys

CID = re.compile(r"\(cid:\d+\)")
# A page with fewer visible characters than this has no usable text layer (a scan).
MIN_PAGE_CHARS = 20


def _inside(obj: dict, boxes: list[tuple]) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def read_page(page) -> dict:
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    items = []
    for t in tables:
        rows = [[" ".join((c or "").split()) for c in row] for row in t.extract()]
        rows = [r for r in rows if any(r)]
        if rows:
            items.append({"type": "table", "rows": rows, "top": t.bbox[1], "bottom": t.bbox[3]})
    outside = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes)) if boxes else page
    for line in outside.extract_text_lines(layout=False, strip=True, return_chars=False):
        if line["text"].strip():
            items.append({"type": "line", "text": line["text"], "top": line["top"], "bottom": line["bottom"],
                          "x0": line["x0"], "x1": line["x1"]})
    items.sort(key=lambda i: i["top"])
    text = "".join(i.get("text", "") for i in items) + "".join(c for i in items for r in i.get("rows", []) for c in r)
    cids = len(CID.findall(text))
    visible = len(re.sub(r"\s", "", CID.sub("", text)))
    return {"number": page.page_number, "width": float(page.width), "items": items, "chars": visible,
            "cids": cids, "ocr": None, "needs_ocr": visible < MIN_PAGE_CHARS}


def ocr_page(pdf_path: str, index: int, dpi: int, lang: str) -> dict:
    import pypdfium2
    from pipeline.parse.ocr import ocr_png
    doc = pypdfium2.PdfDocument(pdf_path)
    try:
        image = doc[index].render(scale=dpi / 72).to_pil()
    finally:
        doc.close()
    buf = io.BytesIO()
    image.convert("L").save(buf, format="PNG")
    result = ocr_png(buf.getvalue(), lang=lang)
    return {"paragraphs": result.paragraphs, "confidence": result.confidence, "words": result.words}


def run(path: str, max_pages: int, ocr: bool, dpi: int, lang: str) -> dict:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect, PDFEncryptionError
    try:
        pdf = pdfplumber.open(path)
    except Exception as e:   # pdfminer raises many types for broken files; this is the boundary
        cause = e.args[0] if e.args and isinstance(e.args[0], BaseException) else e   # pdfplumber wraps
        if isinstance(cause, MemoryError):
            raise cause
        name = type(cause).__name__
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)) or "Password" in name or "Encrypt" in name:
            return {"ok": False, "status": "encrypted",
                    "detail": f"the PDF is password-protected ({name}); get an unprotected copy"}
        what = f"{name}: {cause}" if str(cause) else name
        return {"ok": False, "status": "unparseable",
                "detail": f"not a readable PDF ({what}); the file is damaged or truncated"}
    with pdf:
        try:
            total = len(pdf.pages)
        except Exception as e:
            return {"ok": False, "status": "unparseable", "detail": f"the PDF has no readable page tree ({type(e).__name__}); the file is damaged or truncated"}
        info = {k: (v.decode("latin-1", "replace") if isinstance(v, bytes) else str(v))
                for k, v in (pdf.metadata or {}).items() if k in ("Title", "Author", "Subject", "CreationDate", "Producer")}
        pages, errors = [], []
        for index, page in enumerate(pdf.pages[:max_pages]):
            try:
                data = read_page(page)
            except MemoryError:
                raise
            except Exception as e:
                errors.append(f"page {index + 1}: {type(e).__name__}: {e}")
                # not OCR'd: a page that broke the parser (a bomb, a broken stream) would break the renderer too
                data = {"number": index + 1, "width": 0, "items": [], "chars": 0, "cids": 0, "ocr": None,
                        "needs_ocr": False, "error": f"{type(e).__name__}: {e}",
                        "memory": isinstance(e, MemoryError) or "allocate" in str(e).lower()}
            if data["needs_ocr"] and ocr:
                try:
                    data["ocr"] = ocr_page(path, index, dpi, lang)
                except Exception as e:
                    errors.append(f"page {index + 1}: OCR failed: {e}")
            pages.append(data)
            page.close()   # frees pdfplumber's per-page caches: long PDFs stay within memory
    return {"ok": True, "pages_total": total, "info": info, "pages": pages, "errors": errors}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="pipeline.parse.pdf_worker")
    ap.add_argument("path")
    ap.add_argument("--max-pages", type=int, default=500)
    ap.add_argument("--ocr", action="store_true")
    ap.add_argument("--dpi", type=int, default=300)
    ap.add_argument("--lang", default="vie")
    ap.add_argument("--memory-mb", type=int, default=0, help="address-space limit (0: none)")
    ap.add_argument("--cpu-seconds", type=int, default=0, help="CPU-time limit (0: none)")
    args = ap.parse_args(argv)
    # Limits before anything heavy is imported; they are inherited by tesseract.
    if args.memory_mb:
        memory = args.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    if args.cpu_seconds:
        resource.setrlimit(resource.RLIMIT_CPU, (args.cpu_seconds, args.cpu_seconds + 5))
    try:
        result = run(args.path, args.max_pages, args.ocr, args.dpi, args.lang)
    except MemoryError:
        result = {"ok": False, "status": "too_large", "detail": "the PDF needs more memory than the limit allows"}
    except RecursionError:
        result = {"ok": False, "status": "unparseable", "detail": "the PDF's structure nests too deeply; the file is damaged or hostile"}
    sys.stdout.write(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
