"""Scanned PDFs: OCR with Tesseract's Vietnamese model when present, `needs_ocr` when not."""
import pytest

from pipeline.parse import ocr
from pipeline.models import NEEDS_OCR, OK
from pipeline.parse.pdf import PdfLimits, parse_pdf
from tests import pdfs

LINES = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
         "Tỉnh Lào Cai xếp thứ 14/34 về chuyển đổi số",
         "năm 2024, đạt 0,7167 điểm."]

usable, why = ocr.tesseract_status("vie")
needs_tesseract = pytest.mark.skipif(not usable, reason=f"{why} (the OCR path is tested by .ci/run)")


def test_tsv_parsing_groups_paragraphs_and_averages_confidence():
    tsv = ("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
           "1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t\n"
           "5\t1\t1\t1\t1\t1\t0\t0\t10\t10\t90\tLào\n"
           "5\t1\t1\t1\t1\t2\t0\t0\t10\t10\t80\tCai\n"
           "5\t1\t1\t1\t2\t1\t0\t0\t10\t10\t70\txếp\n"
           "5\t1\t2\t1\t1\t1\t0\t0\t10\t10\t60\tthứ\n")
    page = ocr.parse_tsv(tsv)
    assert page.paragraphs == ["Lào Cai xếp", "thứ"]
    assert page.confidence == 75.0 and page.words == 4


@needs_tesseract
def test_scanned_pdf_is_read_with_its_confidence():
    doc = parse_pdf(pdfs.scanned_pdf(LINES), "file:///scan.pdf")
    assert doc.status == OK
    assert doc.metadata["ocr_pages"] == [1]
    assert 60 <= doc.metadata["ocr_confidence"] <= 100
    words = doc.text.split()
    for expected in ("Lào", "Cai", "14/34", "chuyển", "đổi", "0,7167", "điểm."):
        assert expected in words
    assert doc.page_at(len(doc.text) - 1) == 1


def test_scanned_pdf_without_tesseract_needs_ocr(monkeypatch, tmp_path):
    # a PATH without tesseract: what a machine without the system packages sees
    monkeypatch.setenv("PATH", str(tmp_path))
    ocr.tesseract_status.cache_clear()
    try:
        doc = parse_pdf(pdfs.scanned_pdf(LINES), "file:///scan.pdf")
    finally:
        ocr.tesseract_status.cache_clear()
    assert doc.status == NEEDS_OCR
    assert "tesseract-ocr-vie" in doc.status_detail and "\n" not in doc.status_detail
    assert doc.metadata["pages_without_text"] == [1]


def test_ocr_can_be_turned_off():
    doc = parse_pdf(pdfs.scanned_pdf(LINES), "file:///scan.pdf", PdfLimits(ocr=False))
    assert doc.status == NEEDS_OCR
    assert ("turned off" if usable else "tesseract-ocr") in doc.status_detail
