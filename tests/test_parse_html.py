"""HTML articles: main text without furniture, tables, metadata, attachments, charsets, NFD."""
import unicodedata

import pytest

from pipeline.extract import extract
from pipeline.models import EMPTY, OK, SourceConfig
from pipeline.parse.html import parse_html

URL = "http://127.0.0.1:8000/tin-tuc/thai-nguyen-dti-2024.html"

ARTICLE = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>Thái Nguyên đứng thứ 8 về chuyển đổi số - Cổng TTĐT Thái Nguyên</title>
<meta property="og:site_name" content="Cổng TTĐT Thái Nguyên">
<link rel="canonical" href="/tin-tuc/thai-nguyen-dti-2024.html">
<meta name="author" content="Hoàng Lan"></head><body>
<div class="header"><ul class="main-menu"><li><a href="/">Trang chủ</a></li><li><a href="/tin-tuc">Tin tức</a></li></ul></div>
<div class="detail"><h1 class="title">Thái Nguyên đứng thứ 8 về chuyển đổi số</h1>
<div class="post-date">Thứ Ba, ngày 21/10/2025 - 13:38 GMT+7</div>
<div class="share-bar"><a href="#">Facebook</a> <a href="#">Zalo</a> In bài</div>
<div class="content">
<p>Năm 2024, Chỉ số chuyển đổi số (DTI) của Thái Nguyên đứng thứ 8/34 tỉnh, thành phố với 0,6532 điểm, tăng hai bậc so với năm trước.</p>
<p><img src="/up/img-7343-6778.jpg"></p><p>img-7343-6778.jpg</p>
<p><em>Chỉ số chuyển đổi số (DTI) của Thái Nguyên đứng thứ 8/34 tỉnh, thành phố</em></p>
<p>Kết quả các chỉ số thành phần như sau:</p>
<table><tr><th>Chỉ số</th><th>Xếp hạng</th></tr><tr><td>Nhận thức số</td><td>3</td></tr><tr><td>Hạ tầng số</td><td>11</td></tr></table>
<p>Tỉnh đặt mục tiêu nâng tỷ lệ hồ sơ trực tuyến toàn trình lên 80% theo Quyết định số 1520/QĐ-UBND.</p>
<p>Xem toàn văn: <a href="/files/qd-1520.pdf">Quyết định 1520</a>, <a href="/download.aspx?file=/files/ke-hoach.docx">Kế hoạch</a></p>
<div class="counter">Lượt xem: 3950</div>
</div>
<div class="box"><h3>Tin liên quan</h3><ul><li><a href="/t1">Hà Nội xếp thứ 1 về DTI năm 2024</a></li>
<li><a href="/t2">Huế giữ vị trí thứ 2 trong bảng xếp hạng</a></li></ul></div>
</div><div class="footer">Bản quyền thuộc Cổng TTĐT Thái Nguyên. Số lượt truy cập: 123456</div></body></html>"""

EXPECTED_TEXT = """Thái Nguyên đứng thứ 8 về chuyển đổi số

Năm 2024, Chỉ số chuyển đổi số (DTI) của Thái Nguyên đứng thứ 8/34 tỉnh, thành phố với 0,6532 điểm, tăng hai bậc so với năm trước.

Kết quả các chỉ số thành phần như sau:

Chỉ số | Xếp hạng
Nhận thức số | 3
Hạ tầng số | 11

Tỉnh đặt mục tiêu nâng tỷ lệ hồ sơ trực tuyến toàn trình lên 80% theo Quyết định số 1520/QĐ-UBND.

Xem toàn văn: Quyết định 1520, Kế hoạch"""


@pytest.fixture(scope="module")
def doc():
    return parse_html(ARTICLE.encode("utf-8"), URL, headers={"Content-Type": "text/html; charset=utf-8"})


def test_main_text_without_furniture(doc):
    assert doc.status == OK
    assert doc.text == EXPECTED_TEXT
    for furniture in ("Trang chủ", "Facebook", "In bài", "Lượt xem", "3950", ".jpg", "Tin liên quan",
                      "Hà Nội xếp thứ 1", "Bản quyền", "13:38"):
        assert furniture not in doc.text


def test_tables_are_rows_with_spans(doc):
    [table] = doc.tables
    assert table.rows == [["Chỉ số", "Xếp hạng"], ["Nhận thức số", "3"], ["Hạ tầng số", "11"]]
    assert table.caption == "Kết quả các chỉ số thành phần như sau:"
    assert [doc.text[a:b] for a, b in table.row_spans] == ["Chỉ số | Xếp hạng", "Nhận thức số | 3", "Hạ tầng số | 11"]


def test_metadata(doc):
    assert doc.title == "Thái Nguyên đứng thứ 8 về chuyển đổi số"
    assert doc.published == "2025-10-21T13:38:00+07:00"
    assert doc.author == "Hoàng Lan"
    assert doc.outlet == "Cổng TTĐT Thái Nguyên"
    assert doc.canonical_url == "http://127.0.0.1:8000/tin-tuc/thai-nguyen-dti-2024.html"
    assert doc.metadata["decisions"] == ["1520/QĐ-UBND"]


def test_attachments_are_found(doc):
    assert doc.attachments == ["http://127.0.0.1:8000/files/qd-1520.pdf",
                               "http://127.0.0.1:8000/files/ke-hoach.docx"]


@pytest.mark.parametrize("head, expected", [
    ('<meta property="article:published_time" content="2025-10-21T01:30:00Z">', "2025-10-21T08:30:00+07:00"),
    ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2021-03-17T15:00:00+07:00"}</script>',
     "2021-03-17T15:00:00+07:00"),
    ('', "2021-03-17"),
])
def test_publication_date_sources(head, expected):
    html = (f"<html><head>{head}<title>Tin</title></head><body><h1>Tin</h1><span class='time'>Chiều ngày 17/3/2021</span>"
            "<p>Đoạn văn thứ nhất của bài viết về hạ tầng số và dữ liệu số của tỉnh.</p></body></html>")
    assert parse_html(html.encode(), URL).published == expected


def test_site_selectors_come_from_the_source_config():
    html = ("<html><body><div id='main'><h1>Tin chính</h1><p>Đoạn nội dung chính của bài về chuyển đổi số.</p>"
            "<div class='quang-cao'>Mua ngay điện thoại giá 1.990.000 đồng</div></div>"
            "<div id='other'><p>Một đoạn khác ngoài vùng nội dung, không thuộc bài.</p></div></body></html>").encode()
    source = SourceConfig(name="t", start_urls=[URL], allow=[".*"], content_selector="#main",
                          remove_selectors=[".quang-cao"], outlet="Báo Thử")
    doc = parse_html(html, URL, source=source)
    assert doc.text == "Tin chính\n\nĐoạn nội dung chính của bài về chuyển đổi số."
    assert doc.outlet == "Báo Thử"
    plain = parse_html(html, URL)
    assert "1.990.000" in plain.text and "ngoài vùng nội dung" in plain.text


def test_bad_selector_is_a_warning():
    source = SourceConfig(name="t", start_urls=[URL], allow=[".*"], content_selector="#nothing-here")
    doc = parse_html(ARTICLE.encode(), URL, source=source)
    assert doc.status == OK and any("matched nothing" in w for w in doc.warnings)


def test_windows_1258_page_reads_as_the_utf8_one(doc):
    from tests.test_charset import cp1258
    legacy = cp1258(ARTICLE.replace('charset="utf-8"', 'charset="windows-1258"'))
    other = parse_html(legacy, URL, headers={"Content-Type": "text/html"})
    assert other.metadata["charset"] == "cp1258"
    assert other.text == doc.text
    assert unicodedata.is_normalized("NFC", other.text)


def test_nfd_and_nfc_pages_give_identical_text_and_facts(doc):
    nfd = unicodedata.normalize("NFD", ARTICLE).replace(" ", "\u00a0", 5).encode("utf-8")
    other = parse_html(nfd, URL)
    assert other.text == doc.text
    facts_nfc = [f.to_dict() for f in extract(doc)]
    facts_nfd = [f.to_dict() for f in extract(other)]
    assert facts_nfc == facts_nfd
    assert any(f["subject"] == "Thái Nguyên" and f["kind"] == "rank" and f["value"] == 8 for f in facts_nfc)


def test_short_page_keeps_its_structure():
    html = ("<html><body><h1>Thông báo</h1><p>Lịch tiếp công dân tháng 11.</p>"
            "<table><tr><td>Ngày</td><td>Người tiếp</td></tr><tr><td>5/11</td><td>Chủ tịch</td></tr></table>"
            "</body></html>").encode()
    doc = parse_html(html, URL)
    assert doc.text == "Thông báo\n\nLịch tiếp công dân tháng 11.\n\nNgày | Người tiếp\n5/11 | Chủ tịch"
    assert doc.tables[0].rows == [["Ngày", "Người tiếp"], ["5/11", "Chủ tịch"]]


def test_empty_page():
    doc = parse_html(b"<html><head><title></title></head><body><div class='menu'>Trang chu</div></body></html>", URL)
    assert doc.status == EMPTY and doc.status_detail
