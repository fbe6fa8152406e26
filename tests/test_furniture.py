"""Page furniture: DOM selectors, teaser blocks, furniture lines, repeated captions."""
import lxml.html

from pipeline.parse import furniture


def tree(html: str):
    return lxml.html.document_fromstring(html)


def text(t) -> str:
    return " ".join(t.text_content().split())


def test_default_selectors_remove_share_bars_menus_counters():
    t = tree("""<html><body><ul class="main-menu"><li>Trang chủ</li></ul>
      <div class="article"><p>Nội dung chính của bài.</p>
      <div class="share-tools">Chia sẻ Facebook Zalo</div><span class="view-count">Lượt xem: 3950</span></div>
      <footer>Bản quyền</footer><script>var x = 1;</script></body></html>""")
    assert furniture.remove_elements(t, furniture.DEFAULT_REMOVE_SELECTORS) == []
    assert text(t) == "Nội dung chính của bài."


def test_invalid_selector_is_reported_not_fatal():
    t = tree("<html><body><p class='x'>a</p></body></html>")
    assert furniture.remove_elements(t, ["p[", ".x"]) == ["p["]
    assert text(t) == ""


def test_teaser_block_with_figures_is_removed_but_the_article_stays():
    t = tree("""<html><body><div class="main"><p>Lào Cai xếp thứ 14/34 về chuyển đổi số năm 2024.</p>
      <div class="box"><div class="title"><h3>Tin liên quan</h3></div>
      <ul><li><a href="/a">Hà Nội xếp thứ 1 về DTI</a></li><li><a href="/b">Huế đứng thứ 2</a></li></ul></div>
      <p>Đoạn kết của bài viết vẫn còn.</p></div></body></html>""")
    furniture.remove_teaser_blocks(t)
    assert text(t) == "Lào Cai xếp thứ 14/34 về chuyển đổi số năm 2024. Đoạn kết của bài viết vẫn còn."


def test_bare_teaser_heading_and_its_link_list():
    t = tree("""<html><body><article><p>Bài chính dài về chuyển đổi số của tỉnh trong năm 2024.</p>
      <h4>Các tin khác</h4><ul><li><a href="/1">Tin một 12/34</a></li><li><a href="/2">Tin hai</a></li></ul>
      </article></body></html>""")
    furniture.remove_teaser_blocks(t)
    assert text(t) == "Bài chính dài về chuyển đổi số của tỉnh trong năm 2024."


def test_strip_lines():
    lines = ["Tiêu đề", "Đoạn một của bài.", "a1.png", "z7139634054578-ab12.jpg", "Lượt xem: 1.234",
             "Chia sẻ", "Đoạn hai của bài.", "Tin liên quan", "Hà Nội xếp thứ 1"]
    assert furniture.strip_lines(lines) == ["Tiêu đề", "Đoạn một của bài.", "Đoạn hai của bài."]


def test_repeated_caption_is_dropped_and_a_new_sentence_is_kept():
    paragraphs = [
        "Theo công bố, tỉnh Lào Cai xếp thứ 14/34 tỉnh, thành phố về chuyển đổi số năm 2024, đạt 0,7167 điểm.",
        "Lào Cai xếp thứ 14/34 tỉnh, thành phố về chuyển đổi số năm 2024",
        "Ảnh: Lãnh đạo tỉnh nhận bằng khen tại hội nghị.",
    ]
    assert furniture.drop_repeated(paragraphs) == [1]
    assert furniture.drop_repeated(paragraphs, candidates={2}) == []
