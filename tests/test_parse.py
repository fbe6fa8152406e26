"""The parse dispatcher: every input becomes a Document with a status, one log line for a bad
one, and bad files ingested into a real SQLite database neither stop the run nor duplicate rows."""
import logging

from hypothesis import given, settings, strategies as st

from pipeline import store
from pipeline.harvest.ingest import ingest_paths
from pipeline.models import EMPTY, ENCRYPTED, OK, UNPARSEABLE
from pipeline.parse import parse_bytes, parse_file, sniff_type
from tests import pdfs
from tests.test_parse_html import ARTICLE
from tests.test_parse_pdf import RANKING


def test_sniff_type_trusts_bytes_first():
    assert sniff_type(b"%PDF-1.7 ...", "x.html") == "pdf"
    assert sniff_type(b"<!DOCTYPE html><html>", "x.pdf") == "html"
    assert sniff_type(b"plain words", "notes.txt") == "txt"


def test_each_bad_input_gets_a_status_and_one_log_line(caplog):
    raw_pdf = pdfs.text_pdf(["Báo cáo chuyển đổi số năm 2024."] * 10)
    cases = [
        (b"", "http://h/qd.pdf", "", EMPTY),
        (b"<html><body><h1>404</h1></body></html>", "http://h/qd.pdf", "application/pdf", UNPARSEABLE),
        (raw_pdf[:400], "http://h/cut.pdf", "application/pdf", UNPARSEABLE),
        (pdfs.encrypted_pdf(), "http://h/secret.pdf", "", ENCRYPTED),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "http://h/a", "text/html", UNPARSEABLE),
        (b"<html><body></body></html>", "http://h/empty.html", "text/html", EMPTY),
    ]
    for body, url, ctype, status in cases:
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="pipeline.parse"):
            doc = parse_bytes(body, url, ctype)
        assert doc.status == status, (url, doc.status, doc.status_detail)
        assert doc.status_detail and "\n" not in doc.status_detail
        assert doc.content_hash
        lines = [r.getMessage() for r in caplog.records if r.name == "pipeline.parse"]
        assert len(lines) == 1 and lines[0].startswith(url) and status in lines[0]


def test_good_inputs_log_nothing(caplog):
    with caplog.at_level(logging.WARNING, logger="pipeline.parse"):
        doc = parse_bytes(ARTICLE.encode(), "http://h/a.html", "text/html; charset=utf-8")
        txt = parse_bytes("Tiêu đề\n\nĐoạn một.\nLượt xem: 12\n".encode(), "file:///a.txt")
    assert doc.status == OK and txt.status == OK
    assert txt.text == "Tiêu đề\n\nĐoạn một."
    assert not [r for r in caplog.records if r.name == "pipeline.parse"]


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(["", "text/html", "text/plain", "application/octet-stream"]))
def test_never_raises(body, ctype):
    if body.lstrip().startswith(b"%PDF"):
        body = b"x" + body   # keep this property test off the (slower) PDF worker
    doc = parse_bytes(body, "http://h/x", ctype)
    assert doc.status in (OK, EMPTY, UNPARSEABLE)


def test_parse_file_that_cannot_be_read(tmp_path):
    doc = parse_file(tmp_path / "missing.pdf")
    assert doc.status == UNPARSEABLE and "cannot read" in doc.status_detail


def test_ingest_goes_on_past_bad_files_and_never_duplicates(tmp_path):
    raw_pdf = pdfs.decision_pdf(RANKING)
    files = {
        "article.html": ARTICLE.encode(),
        "decision.pdf": raw_pdf,
        "zero.pdf": b"",
        "truncated.pdf": raw_pdf[: len(raw_pdf) // 4],
        "secret.pdf": pdfs.encrypted_pdf(),
        "error-page.pdf": "<!DOCTYPE html><html><body>Trang không tồn tại</body></html>".encode(),
        "binary.html": bytes(range(256)) * 8,
        "empty.html": b"<html><body>   </body></html>",
    }
    paths = []
    for name, body in files.items():
        path = tmp_path / name
        path.write_bytes(body)
        paths.append(path)
    db_path = tmp_path / "dti.sqlite"
    for _ in range(2):   # the second run replaces, never duplicates
        report = ingest_paths(paths, str(db_path))
        assert report.documents == len(files)
        assert report.failed == 6
    db = store.connect(db_path)
    rows = {r["url"].rsplit("/", 1)[1]: r for r in db.query("SELECT url, status, status_detail, doc_type FROM documents")}
    assert len(rows) == len(files)
    assert {name: rows[name]["status"] for name in files} == {
        "article.html": OK, "decision.pdf": OK, "zero.pdf": EMPTY, "truncated.pdf": UNPARSEABLE,
        "secret.pdf": ENCRYPTED, "error-page.pdf": UNPARSEABLE, "binary.html": UNPARSEABLE, "empty.html": EMPTY}
    # the facts come from the two readable documents, both of them, and from nothing else
    with_facts = {r[0].rsplit("/", 1)[1] for r in db.execute(
        "SELECT DISTINCT d.url FROM facts f JOIN documents d ON d.id = f.document_id")}
    assert with_facts == {"article.html", "decision.pdf"}
    pdf_doc = store.load_document(db, next(r["url"] for n, r in rows.items() if n == "decision.pdf"))
    assert pdf_doc.metadata["decision_number"] == "684/QĐ-UBND"
    assert pdf_doc.tables[0].page == 1 and pdf_doc.page_starts


def docx(blocks: list, cut: int = 0) -> bytes:
    """A minimal real .docx: paragraphs (str) and tables (list of rows) in WordprocessingML;
    `cut` drops that many characters from the end of its XML (a damaged file)."""
    import io
    import zipfile
    from xml.sax.saxutils import escape

    def para(text: str) -> str:
        return f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'

    body = []
    for block in blocks:
        if isinstance(block, str):
            body.append(para(block))
        else:
            rows = "".join("<w:tr>" + "".join(f"<w:tc>{para(c)}</w:tc>" for c in row) + "</w:tr>" for row in block)
            body.append(f"<w:tbl>{rows}</w:tbl>")
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                f'<w:body>{"".join(body)}</w:body></w:document>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml", document[: len(document) - cut])
    return buf.getvalue()


def test_docx_attachment_is_read_with_tables_and_decision_metadata():
    from pipeline.parse.legacy_fonts import unicode_to_tcvn3
    raw = docx(["ỦY BAN NHÂN DÂN TỈNH THANH HÓA", "Số: 1426/QĐ-UBND", "Thanh Hóa, ngày 18 tháng 4 năm 2025",
                "QUYẾT ĐỊNH", "Phê duyệt kết quả xếp hạng chuyển đổi số các sở, ban, ngành năm 2024",
                unicode_to_tcvn3("Điều 1. Phê duyệt kết quả theo bảng sau."),
                [["Xếp hạng", "Đơn vị", "Điểm"], ["1", "Sở Tài chính", "0,8012"]]])
    doc = parse_bytes(raw, "http://h/files/qd-1426.docx")
    assert doc.status == OK and doc.doc_type == "docx"
    assert doc.metadata["decision_number"] == "1426/QĐ-UBND" and doc.metadata["issued"] == "2025-04-18"
    assert "Điều 1. Phê duyệt kết quả theo bảng sau." in doc.text        # the TCVN3 paragraph, repaired
    [table] = doc.tables
    assert table.rows[1] == ["1", "Sở Tài chính", "0,8012"]
    assert [doc.text[a:b] for a, b in table.row_spans] == ["Xếp hạng | Đơn vị | Điểm", "1 | Sở Tài chính | 0,8012"]


def test_word_97_and_broken_docx_get_a_status():
    old = parse_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "http://h/a.doc")
    assert old.status == UNPARSEABLE and ".docx or PDF" in old.status_detail
    broken = parse_bytes(docx(["Một đoạn."], cut=20), "http://h/b.docx")
    assert broken.status == UNPARSEABLE and "damaged" in broken.status_detail
