"""Decision PDFs: text with pages, tables, decision metadata, legacy fonts, bad and hostile files.
Every PDF is built by the test (tests/pdfs.py) and read through the real worker subprocess."""
import pytest

from pipeline.extract import extract
from pipeline.models import ENCRYPTED, NEEDS_OCR, OK, TOO_LARGE, UNPARSEABLE
from pipeline.parse.decision import decision_metadata, find_decision_numbers
from pipeline.parse.pdf import PdfLimits, parse_pdf, repair_marks
from tests import pdfs

RANKING = [["STT", "Đơn vị", "Điểm", "Xếp hạng"],
           ["1", "Sở Khoa học và Công nghệ", "0,8123", "1"],
           ["2", "Sở Y tế", "0,7561", "2"],
           ["3", "Sở Tài chính", "0,7012", "3"]]
NO_OCR = PdfLimits(ocr=False)


@pytest.fixture(scope="module")
def decision():
    return parse_pdf(pdfs.decision_pdf(RANKING, pages_before_table=1), "http://127.0.0.1/files/qd-684.pdf")


def test_decision_text_pages_and_table(decision):
    doc = decision
    assert doc.status == OK and doc.doc_type == "pdf"
    lines = doc.text.split("\n")
    assert lines[0] == doc.title and lines[1] == ""
    assert "Điều 1. Công bố kết quả xếp hạng mức độ chuyển đổi số năm 2024" in doc.text
    # wrapped lines are joined into one paragraph
    assert "Căn cứ Luật Tổ chức chính quyền địa phương; căn cứ kế hoạch chuyển đổi số của tỉnh giai đoạn" in doc.text
    assert [n for _, n in doc.page_starts] == [1, 2]
    [table] = doc.tables
    assert table.rows == RANKING
    assert table.page == 2
    assert table.caption == "Bảng xếp hạng chỉ số chuyển đổi số các sở, ban, ngành năm 2024"
    for row, (start, end) in zip(table.rows, table.row_spans):
        assert doc.text[start:end] == " | ".join(row)
        assert doc.page_at(start) == 2
    assert doc.page_at(doc.text.index("Điều 1.")) == 1


def test_decision_metadata(decision):
    meta = decision.metadata
    assert meta["decision_number"] == "684/QĐ-UBND"
    assert meta["issued"] == "2025-10-21"
    assert meta["issuer"] == "ỦY BAN NHÂN DÂN TỈNH LÀO CAI"
    assert meta["summary"] == "Về việc công bố kết quả đánh giá chuyển đổi số của các sở, ban, ngành năm 2024"
    assert decision.title.startswith("Quyết định 684/QĐ-UBND Về việc công bố")


def test_facts_from_a_pdf_table_carry_page_row_and_column(decision):
    facts = extract(decision)
    table_facts = [f for f in facts if f.table_row is not None]
    if not table_facts:
        pytest.xfail("the extractor yields no table facts yet")
    header = RANKING[0]
    for f in table_facts:
        assert f.page == 2
        row = RANKING[f.table_row]
        assert row[1] == f.subject
        assert decision.text[f.start:f.end] == f.evidence == " | ".join(row)
        cell = row[f.table_col].replace(",", ".")
        assert float(cell) == pytest.approx(f.value)
        assert header[f.table_col] in ("Điểm", "Xếp hạng")
    assert {(f.subject, f.kind, f.value) for f in table_facts} >= {
        ("Sở Y tế", "rank", 2), ("Sở Y tế", "score", 0.7561)}


def test_tcvn3_text_layer_is_converted():
    paragraphs = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                  "Năm 2024, tỉnh Lào Cai xếp thứ 14/34 về chỉ số chuyển đổi số, người dân được hưởng "
                  "lợi từ dịch vụ công trực tuyến và ứng dụng số trong mọi lĩnh vực của đời sống."]
    raw = pdfs.tcvn3_pdf(paragraphs)
    import io
    import pdfplumber
    assert "CéNG HßA X· HéI" in pdfplumber.open(io.BytesIO(raw)).pages[0].extract_text()
    doc = parse_pdf(raw, "file:///vntime.pdf")
    assert doc.status == OK
    assert doc.metadata["legacy_encoding"] == "tcvn3"
    assert doc.text.split("\n\n") == paragraphs
    assert any("TCVN3" in w for w in doc.warnings)


def test_unicode_pdf_is_not_converted():
    doc = parse_pdf(pdfs.text_pdf(["Đà Nẵng đứng thứ 6 về chuyển đổi số, điểm số đạt 0,6950."]), "x.pdf")
    assert "legacy_encoding" not in doc.metadata
    assert doc.text == "Đà Nẵng đứng thứ 6 về chuyển đổi số, điểm số đạt 0,6950."


def test_cid_glyphs_are_detected_and_reported():
    doc = parse_pdf(pdfs.cid_pdf(), "cid.pdf", NO_OCR)
    assert doc.metadata["cid_glyphs"] > 20
    assert "(cid:" not in doc.text
    assert any("(cid:N)" in w for w in doc.warnings)
    assert doc.status == NEEDS_OCR and "Unicode map" in doc.status_detail


def test_detached_combining_marks_are_reattached():
    assert repair_marks("Vie\u0323 \u0302t Nam chuyê \u0309n đô\u0309i") == "Việt Nam chuyển đổi"
    assert repair_marks("\u0301 đầu dòng") == " đầu dòng"


def test_printed_page_numbers_are_not_text():
    doc = parse_pdf(pdfs.many_pages_pdf(3, numbered=True), "numbered.pdf")
    assert doc.text.split("\n\n") == [f"Trang {i} của báo cáo chuyển đổi số" for i in (1, 2, 3)]
    assert [n for _, n in doc.page_starts] == [1, 2, 3]


def test_decision_numbers():
    text = "Căn cứ Quyết định số 684/QĐ-UBND và 15/2024/QD-UBND, Kế hoạch 23/KH-UBND; điện thoại 0214/3840."
    assert find_decision_numbers(text) == ["684/QĐ-UBND", "15/2024/QĐ-UBND", "23/KH-UBND"]


def test_decision_metadata_of_a_cong_van():
    meta = decision_metadata(["SỞ KHOA HỌC VÀ CÔNG NGHỆ", "Số: 456/STTTT-CĐS", "V/v báo cáo chỉ số DTI năm 2024",
                              "Hà Nội, ngày 5 tháng 3 năm 2025"])
    assert meta.get("summary") == "báo cáo chỉ số DTI năm 2024"
    assert meta["issued"] == "2025-03-05"


# --- bad input: every file becomes a document with a status and one readable line --------------

def test_encrypted():
    doc = parse_pdf(pdfs.encrypted_pdf(), "secret.pdf")
    assert doc.status == ENCRYPTED
    assert "password" in doc.status_detail and "\n" not in doc.status_detail


def test_truncated():
    raw = pdfs.text_pdf(["Báo cáo chuyển đổi số năm 2024 của tỉnh."] * 20)
    doc = parse_pdf(raw[: len(raw) // 3], "truncated.pdf")
    assert doc.status == UNPARSEABLE
    assert "damaged or truncated" in doc.status_detail


def test_html_served_as_pdf():
    doc = parse_pdf(b"<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>", "qd.pdf")
    assert doc.status == UNPARSEABLE and "HTML page" in doc.status_detail


def test_over_the_byte_limit():
    raw = pdfs.text_pdf(["Một trang."])
    doc = parse_pdf(raw, "big.pdf", PdfLimits(max_bytes=len(raw) - 1))
    assert doc.status == TOO_LARGE and "MB" in doc.status_detail


def test_over_the_page_limit_keeps_the_pages_read():
    doc = parse_pdf(pdfs.many_pages_pdf(25), "long.pdf", PdfLimits(max_pages=10, ocr=False))
    assert doc.status == TOO_LARGE
    assert "25 pages" in doc.status_detail and "first 10" in doc.status_detail
    assert [n for _, n in doc.page_starts] == list(range(1, 11))
    assert "Trang 10 của báo cáo" in doc.text and "Trang 11 " not in doc.text


def test_decompression_bomb_stays_in_its_worker():
    doc = parse_pdf(pdfs.bomb_pdf(300), "bomb.pdf", PdfLimits(memory_mb=300))
    assert doc.status == TOO_LARGE
    assert "300 MB" in doc.status_detail


def test_time_limit_stops_the_worker():
    doc = parse_pdf(pdfs.bomb_pdf(300), "slow.pdf", PdfLimits(seconds=2, ocr=False))
    assert doc.status == TOO_LARGE
    assert "2 s" in doc.status_detail
