"""The document's context (pipeline/extract/context.py): the province it is about, the DTI edition
it speaks of, its topic, whether it is about the field at all, its report year and headings."""
import datetime as dt

import pytest

from pipeline.extract.context import build_context, heading_frames
from pipeline.models import Document


def ctx(text, title=None, published=None, **meta):
    title = title if title is not None else text.split("\n", 1)[0]
    return build_context(Document(url="test:", text=text, title=title, published=published, metadata=meta))


def test_the_province_is_the_one_the_title_and_opening_name_most():
    c = ctx("Lào Cai xếp thứ 14/34 về chuyển đổi số\n\nNăm 2024, tỉnh Lào Cai xếp thứ 14/34; Yên Bái cũ xếp thứ 40.")
    assert c.province == "Lào Cai" and not c.national


def test_a_roundup_of_the_country_has_no_province_and_is_national():
    c = ctx("Công bố DTI 2024 của 34 tỉnh, thành phố\n\nHà Nội dẫn đầu, Huế thứ hai, Hải Phòng thứ ba cả nước.")
    assert c.province is None and c.national


@pytest.mark.parametrize("published,edition", [
    ("2025-10-22T16:00:00+07:00", 2024),     # DTI 2024 was published on 21/10/2025
    ("2025-10-20T16:00:00+07:00", 2023),     # the day before, the latest edition was DTI 2023
])
def test_the_edition_of_an_undated_text_is_the_latest_published_before_it(published, edition):
    c = ctx("Kết quả chuyển đổi số của tỉnh\n\nTỉnh xếp thứ 5 về chuyển đổi số.", published=published)
    assert c.edition == edition and not c.edition_stated


def test_an_edition_the_text_names_wins_over_the_date():
    c = ctx("Nhìn lại DTI 2022 của tỉnh\n\nTrong DTI 2022, tỉnh xếp thứ 9.", published="2025-11-01")
    assert c.edition == 2022 and c.edition_stated


def test_a_sub_index_in_the_title_leaves_unnamed_places_to_the_overall_index():
    c = ctx("Huế: Hạ tầng số đứng thứ hai cả nước\n\nVới 0,8412 điểm, Huế tiếp tục dẫn đầu.")
    assert c.topic is not None and c.topic.id == "dti"


@pytest.mark.parametrize("title,about", [
    ("Thép Xanh Nam Định đánh bại Hà Nội FC, vé bán trực tuyến hết sạch", False),   # one passing word
    ("Thông báo mời chào giá thiết bị phòng họp trực tuyến", False),
    ("Tỷ lệ hồ sơ trực tuyến toàn trình tăng, dữ liệu dân cư được làm sạch", True),  # two of them
    ("Nghệ An đẩy mạnh cấp chữ ký số cho người dân", True),
])
def test_a_text_is_about_the_field_only_when_it_says_so(title, about):
    assert ctx(title + "\n\nNội dung.").dx_doc is about


@pytest.mark.parametrize("lead,year", [
    ("Trong quý I/2024, Bộ TT&TT đã xử lý 2.323 sự cố.", 2024),
    ("Trong tháng 2/2024, cả nước ghi nhận 1.234 cuộc tấn công.", 2024),
    ("So với năm 2022, số sự cố giảm mạnh.", None),              # a year compared with is not reported on
])
def test_the_report_year_is_the_one_the_opening_reports_on(lead, year):
    assert ctx("An toàn thông tin mạng\n\n" + lead).report_year == year


def test_headings_frame_targets_and_assessments_with_their_year():
    text = "Kế hoạch chuyển đổi số\n\nI. ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN NĂM 2022\n\nTỉnh đạt 80%.\n\nII. MỤC TIÊU\n\nĐạt 90%."
    frames = heading_frames(text)
    assessed = [f for f in frames.values() if f.target is False]
    goals = [f for f in frames.values() if f.target is True]
    assert assessed and assessed[0].year == 2022 and goals


def test_the_byline_date_is_read_when_the_page_gives_none():
    c = ctx("Lào Cai tăng hạng chuyển đổi số\nThứ Ba, 21/10/2025 - 18:18\n\nTỉnh xếp thứ 14/34.")
    assert c.published == dt.date(2025, 10, 21) and c.ref_year == 2025
