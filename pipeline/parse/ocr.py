"""OCR of scanned pages with Tesseract's Vietnamese model (Debian: tesseract-ocr, tesseract-ocr-vie).

Tesseract is an optional system program: `tesseract_status()` says whether it can be used and,
if not, what to install; the PDF parser then stores the document as `needs_ocr`.
"""
from __future__ import annotations

import csv
import functools
import io
import os
import shutil
import subprocess
from dataclasses import dataclass, field

INSTALL_HINT = "install tesseract-ocr and tesseract-ocr-vie (apt-get, or `make system-deps`) and re-run"


@dataclass
class OcrPage:
    paragraphs: list[str] = field(default_factory=list)
    confidence: float = 0.0      # mean word confidence, 0–100, as Tesseract reports it
    words: int = 0


@functools.lru_cache(maxsize=None)
def tesseract_status(lang: str = "vie") -> tuple[bool, str]:
    """(usable, reason): Tesseract is on PATH and has the `lang` model."""
    exe = shutil.which("tesseract")
    if exe is None:
        return False, f"Tesseract is not installed; {INSTALL_HINT}"
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return False, f"Tesseract does not run ({e}); {INSTALL_HINT}"
    langs = {line.strip() for line in (out.stdout + out.stderr).splitlines()}
    if lang not in langs:
        return False, f"Tesseract has no {lang!r} model; {INSTALL_HINT}"
    return True, ""


def ocr_png(png: bytes, lang: str = "vie", timeout: float = 120) -> OcrPage:
    """OCR one page image (PNG bytes): its paragraphs and the mean word confidence."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}   # one thread: the machine is shared
    proc = subprocess.run(["tesseract", "stdin", "stdout", "-l", lang, "--psm", "3", "tsv"],
                          input=png, capture_output=True, timeout=timeout, env=env)
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(f"tesseract failed: {message[-1] if message else proc.returncode}")
    return parse_tsv(proc.stdout.decode("utf-8", "replace"))


def parse_tsv(tsv: str) -> OcrPage:
    """Tesseract's TSV → paragraphs (its block/paragraph numbers), lines joined by spaces."""
    paragraphs: dict[tuple[int, int], list[str]] = {}
    confs: list[float] = []
    reader = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in reader:
        word = (row.get("text") or "").strip()
        if row.get("level") != "5" or not word:
            continue
        try:
            conf = float(row.get("conf") or -1)
        except ValueError:
            conf = -1
        if conf >= 0:
            confs.append(conf)
        key = (int(row["block_num"]), int(row["par_num"]))
        paragraphs.setdefault(key, []).append(word)
    texts = [" ".join(words) for _, words in sorted(paragraphs.items())]
    return OcrPage(paragraphs=texts, confidence=round(sum(confs) / len(confs), 1) if confs else 0.0,
                   words=len(confs))
