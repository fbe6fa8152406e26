"""The extractor, construction by construction, on sentences written for these tests."""
import unicodedata

import pytest

from pipeline.extract import EXTRACTOR_VERSION, extract
from pipeline.extract.constructions import all_constructions
from pipeline.models import Document, Table


def facts(body, title="Chuyển đổi số", **meta):
    doc = Document(url="test:", text=f"{title}\n\n{body}", title=title, doc_type="txt", metadata=meta)
    return extract(doc)


def has(fs, **want):
    return any(all(getattr(f, k) == v for k, v in want.items()) for f in fs)


def test_rank_with_total_and_score_in_one_sentence():
    fs = facts("Năm 2023, tỉnh Bắc Ninh xếp thứ 9/63 tỉnh, thành phố về Chỉ số chuyển đổi số, đạt 0,6512 điểm.")
    assert has(fs, subject="Bắc Ninh", kind="rank", value=9, total=63, metric="dti", year=2023)
    assert has(fs, subject="Bắc Ninh", kind="score", value=0.6512, scale=1, metric="dti", year=2023)
    assert len(fs) == 2


def test_rank_words_and_first_place():
    fs = facts("Trong DTI 2022, Đà Nẵng dẫn đầu cả nước, Thành phố Hồ Chí Minh đứng thứ hai.")
    assert has(fs, subject="Đà Nẵng", kind="rank", value=1, year=2022)
    assert has(fs, subject="Hồ Chí Minh", kind="rank", value=2, year=2022)


def test_position_then_subject():
    fs = facts("Ở bảng DTI 2021, vị trí thứ ba thuộc về Quảng Ninh.")
    assert has(fs, subject="Quảng Ninh", kind="rank", value=3, year=2021)


def test_respectively_pairs_subjects_with_values():
    fs = facts("Năm 2024, Hà Nội, Huế và Hải Phòng lần lượt xếp thứ nhất, thứ hai và thứ ba về chuyển đổi số.")
    assert [(f.subject, f.value) for f in fs if f.kind == "rank"] == [("Hà Nội", 1), ("Huế", 2), ("Hải Phòng", 3)]


def test_two_indices_share_one_rank():
    fs = facts("Năm 2023, hai chỉ số Hạ tầng số và Nhân lực số của Lạng Sơn cùng xếp thứ 4.")
    assert {f.metric for f in fs if f.kind == "rank" and f.value == 4} == {"dti.infrastructure", "dti.workforce"}


def test_membership_list_gives_top_n_for_each_and_no_order():
    fs = facts("Theo DTI 2024, 3 địa phương dẫn đầu gồm: Hà Nội, Huế và Hải Phòng.")
    assert {f.subject for f in fs if f.kind == "top_n" and f.value == 3} == {"Hà Nội", "Huế", "Hải Phòng"}
    assert not [f for f in fs if f.kind == "rank"]


def test_bottom_group():
    fs = facts("Ba địa phương đứng cuối bảng DTI 2023 là Lai Châu, Điện Biên và Hà Giang.")
    assert {f.subject for f in fs if f.kind == "bottom_n"} == {"Lai Châu", "Điện Biên", "Hà Giang"}


def test_signed_rank_changes():
    fs = facts("Năm 2022, Long An tăng 28 bậc, trong khi Ninh Bình tụt 15 bậc về chuyển đổi số.")
    assert has(fs, subject="Long An", kind="rank_change", value=28)
    assert has(fs, subject="Ninh Bình", kind="rank_change", value=-15)


def test_thousand_point_scale_and_perfect_score():
    fs = facts("Năm 2023, thành phố Lào Cai đạt tổng số điểm 760,39/1.000.", title="Xếp hạng chuyển đổi số cấp huyện")
    assert has(fs, subject="thành phố Lào Cai", subject_type="district", kind="score", value=760.39, scale=1000)
    fs = facts("Thái Nguyên đạt điểm tuyệt đối (1.000 điểm) ở chỉ số Thể chế số năm 2024.")
    assert has(fs, subject="Thái Nguyên", kind="score", value=1000, scale=1000, metric="dti.institutions")


def test_coordinated_percentages_keep_their_own_noun_phrases():
    fs = facts("Toàn tỉnh Sơn La có 92 % thôn, bản và 65,4% hộ gia đình có hạ tầng cáp quang.")
    pct = {f.value: f.metric_phrase for f in fs if f.kind == "percent"}
    assert "thôn" in pct[92] and "hộ gia đình" in pct[65.4]


def test_counts_with_units_qualifiers_and_multipliers():
    fs = facts("Hệ thống giám sát của tỉnh Hà Tĩnh đã chặn khoảng 2,3 triệu thư rác và hơn 15.200 lượt tấn công.")
    assert has(fs, kind="count", value=2_300_000, qualifier="approx")
    assert has(fs, kind="count", value=15200, qualifier="at_least", unit="lượt tấn công")


def test_fraction_count_keeps_its_total():
    fs = facts("Tỉnh Phú Thọ đã phê duyệt cấp độ an toàn cho 212/215 hệ thống thông tin.")
    assert has(fs, kind="count", value=212, total=215)


def test_target_with_due_year():
    fs = facts("Tỉnh Gia Lai phấn đấu đến năm 2030 nằm trong nhóm 20 địa phương dẫn đầu cả nước về chuyển đổi số.")
    assert has(fs, subject="Gia Lai", kind="top_n", value=20, is_target=True, year=2030)


def test_achievement_is_not_a_target():
    fs = facts("Năm 2024, tỷ lệ hồ sơ trực tuyến của tỉnh Nam Định đã đạt 71,3%.")
    assert has(fs, kind="percent", value=71.3, is_target=False, year=2024)


def test_dates_decisions_phones_and_counters_are_not_facts():
    body = ("Ngày 3/4/2025, UBND tỉnh ban hành Quyết định số 684/QĐ-UBND; đường dây nóng 0214.3840.888.\n"
            "Lượt xem: 3950")
    assert facts(body) == []


def test_implicit_subject_is_the_article_province():
    fs = facts("Tỉnh xếp thứ 12 về chuyển đổi số năm 2023.", title="Hà Tĩnh nỗ lực chuyển đổi số")
    assert has(fs, subject="Hà Tĩnh", kind="rank", value=12, year=2023)


def test_data_year_is_not_the_publication_year():
    doc = Document(url="test:", text="Lào Cai đứng thứ 14 về chuyển đổi số\n\nTỉnh xếp thứ 14/34.",
                   title="Lào Cai đứng thứ 14 về chuyển đổi số", published="2025-10-21T13:38:00+07:00")
    assert has(extract(doc), kind="rank", value=14, total=34, year=2024)


def test_nfd_and_nfc_texts_give_identical_facts():
    text = "Năm 2023, Thanh Hoá xếp thứ 11/63 về chỉ số chuyển đổi số, đạt 0,6021 điểm."
    nfd = unicodedata.normalize("NFC", unicodedata.normalize("NFD", text))
    assert [f.key() for f in facts(text)] == [f.key() for f in facts(nfd)]


def test_a_repeated_sentence_is_one_fact_and_evidence_spans_are_exact():
    body = "Năm 2024, Lào Cai xếp thứ 14/34 về chuyển đổi số.\n\nNăm 2024, Lào Cai xếp thứ 14/34 về chuyển đổi số."
    doc = Document(url="test:", text=f"T\n\n{body}", title="T")
    fs = extract(doc)
    assert len(fs) == 1
    assert doc.text[fs[0].start:fs[0].end] == fs[0].evidence
    assert fs[0].extractor in {c.name for c in all_constructions()} and fs[0].extractor_version == EXTRACTOR_VERSION


def test_ranking_table_rows_keep_ties_and_cells():
    rows = [["Xếp hạng", "Tỉnh, thành phố", "Giá trị DTI"], ["15", "Thanh Hóa", "0,5592"], ["15", "Yên Bái", "0,5592"]]
    lines = [" | ".join(r) for r in rows]
    title = "Xếp hạng DTI năm 2022"
    text = title + "\n\n" + "\n".join(lines)
    spans, pos = [], len(title) + 2
    for line in lines:
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    doc = Document(url="test:", text=text, title=title, tables=[Table(rows=rows, row_spans=spans, caption=title)])
    fs = extract(doc)
    ranks = {(f.subject, f.value, f.table_row, f.table_col) for f in fs if f.kind == "rank"}
    assert ranks == {("Thanh Hóa", 15, 1, 0), ("Yên Bái", 15, 2, 0)}
    assert has(fs, subject="Yên Bái", kind="score", value=0.5592, scale=1, year=2022, table_col=2)


def test_percentages_by_level_are_paired_with_their_level():
    fs = facts("Năm 2024, tỷ lệ cán bộ, công chức cấp tỉnh, cấp huyện và cấp xã của tỉnh Long An được cấp "
               "chữ ký số lần lượt là 100%, 97,5% và 91,2%.")
    phrases = {f.value: f.metric_phrase for f in fs if f.kind == "percent"}
    assert "cấp tỉnh" in phrases[100] and "cấp huyện" in phrases[97.5] and "cấp xã" in phrases[91.2]
    assert all("chữ ký số" in p for p in phrases.values())


def _table_doc(caption, rows, title="Xếp hạng DTI năm 2022"):
    lines = [" | ".join(r) for r in rows]
    text = title + "\n\n" + caption + "\n\n" + "\n".join(lines)
    spans, pos = [(0, 0)], len(title) + len(caption) + 4
    for line in lines:
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return Document(url="test:", text=text, title=title,
                    tables=[Table(rows=rows, row_spans=spans[1:], caption=caption)])


@pytest.mark.parametrize("extra_row,expected", [(False, 3), (True, None)])
def test_table_captioned_as_a_leading_group_gives_each_row_membership(extra_row, expected):
    rows = [["Xếp hạng", "Tỉnh, thành phố", "Giá trị DTI"], ["1", "Đà Nẵng", "0,6688"],
            ["2", "Quảng Ninh", "0,6207"], ["3", "Cần Thơ", "0,6098"]]
    if extra_row:
        rows.append(["4", "Lạng Sơn", "0,6025"])      # four rows: the caption's group is not the table
    fs = extract(_table_doc("Xếp hạng DTI năm 2022 (3 địa phương dẫn đầu)", rows))
    tops = sorted((f.subject, f.value) for f in fs if f.kind == "top_n")
    if expected is None:
        assert tops == []
    else:
        assert tops == [("Cần Thơ", 3), ("Quảng Ninh", 3), ("Đà Nẵng", 3)]


def test_a_heading_restating_its_paragraphs_figure_is_one_fact_with_the_paragraphs_year():
    body = ("Bắc Kạn: Từ cuối bảng lên thứ 49\n"
            "Sau khi xếp cuối bảng 63 tỉnh, thành phố trong DTI 2022, Bắc Kạn đã vươn lên thứ 49 trong DTI 2023.")
    ranks = [(f.value, f.year, f.total) for f in facts(body, title="Tin vắn chuyển đổi số") if f.kind == "rank"
             and f.value == 49]
    assert ranks == [(49, 2023, 63)]


def test_an_aside_between_dashes_keeps_its_year_to_itself():
    fs = facts("Năm 2022, Ninh Bình - địa phương từng đứng thứ 6 năm 2021 - đã tụt 15 bậc, xuống thứ 21.")
    assert has(fs, subject="Ninh Bình", kind="rank", value=21, year=2022)
    assert has(fs, subject="Ninh Bình", kind="rank_change", value=-15, year=2022)


@pytest.mark.parametrize("sentence,year", [
    ("Năm 2022, Thái Nguyên giữ nguyên vị trí thứ 8 như năm trước.", 2022),     # 'như năm trước' compares
    ("Năm 2021, Quảng Ninh đứng thứ 4, như vậy năm 2022 tỉnh đã xếp thứ 3.", 2022),  # 'như vậy' compares nothing
])
def test_a_year_compared_with_is_not_the_figures_year(sentence, year):
    fs = facts(sentence)
    assert any(f.kind == "rank" and f.year == year and f.value in (8, 3) for f in fs), \
        [(f.kind, f.value, f.year) for f in fs]


def test_a_ministrys_place_out_of_its_group_sizes_the_groups_next_ranks():
    fs = facts("Năm 2023, Bộ Tài chính xếp thứ 2/17 bộ, ngành có cung cấp dịch vụ công. "
               "Vị trí dẫn đầu thuộc về Bộ Kế hoạch và Đầu tư; Ngân hàng Nhà nước Việt Nam và Bộ Tư pháp "
               "lần lượt xếp thứ 3 và 4. Chỉ 12/89 bộ, tỉnh đạt DTI từ 0,5 trở lên.",
               title="Chuyển đổi số cấp bộ năm 2023")
    ranks = sorted((f.subject, f.value, f.total) for f in fs if f.kind == "rank")
    assert ranks == [("Bộ Kế hoạch và Đầu tư", 1, 17), ("Bộ Tài chính", 2, 17), ("Bộ Tư pháp", 4, 17),
                     ("Ngân hàng Nhà nước Việt Nam", 3, 17)]


def test_tinh_after_a_source_that_names_its_province_is_that_province():
    fs = facts("Năm 2021, Bắc Giang xếp thứ 12. Theo Sở Thông tin và Truyền thông Bắc Ninh, tỉnh hiện cung cấp "
               "hơn 1.250 dịch vụ công trực tuyến mức độ 4.", title="Top 10 DTI 2021")
    assert has(fs, kind="count", subject="Bắc Ninh", value=1250)
    assert not has(fs, kind="count", subject="Bắc Giang")


def test_tinh_refers_back_to_a_province_not_to_a_city_named_before():
    fs = facts("Năm 2020, Thành phố Hồ Chí Minh xếp thứ 2. Xét riêng các trụ cột chính quyền số, kinh tế số, "
               "xã hội số, thứ hạng của tỉnh lần lượt là 22, 9, 13.", title="Hải Dương xếp thứ 14 về DTI 2020")
    assert has(fs, subject="Hải Dương", kind="rank", value=9, metric="dti.economy")
    assert not has(fs, subject="Hồ Chí Minh", kind="rank", value=9)


def test_a_statement_about_the_province_is_no_list_heading():
    fs = facts("Tỉnh phấn đấu năm 2025 lọt vào top 5 cả nước về DTI.", title="Chuyển đổi số Thanh Hóa")
    assert has(fs, subject="Thanh Hóa", kind="top_n", value=5, year=2025, is_target=True)


def test_a_province_marked_old_is_ranked_among_the_63():
    fs = facts("Trong bảng xếp hạng 34 tỉnh năm 2024, Gia Lai đứng thứ 20. Gia Lai (cũ) tăng bốn bậc nhưng vẫn "
               "chỉ đứng thứ 59.", title="Tây Nguyên và DTI 2024")
    assert has(fs, subject="Gia Lai", kind="rank", value=59, total=63)
    assert has(fs, subject="Gia Lai", kind="rank", value=20, total=34)


def test_a_figure_compared_with_is_of_the_year_it_names():
    fs = facts("Trong 9 tháng đầu năm 2024, tỷ lệ hồ sơ trực tuyến toàn trình đạt 42,1%, tăng so với mức 38,3% "
               "của cùng kỳ năm 2023.", title="Chuyển đổi số cả nước 9 tháng năm 2024")
    assert has(fs, kind="percent", value=42.1, year=2024) and has(fs, kind="percent", value=38.3, year=2023)
