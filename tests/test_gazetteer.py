"""Subjects: provinces under every name, districts, agencies, ministries and the nation."""
import unicodedata

import pytest

from pipeline.extract.gazetteer import canonical_province, document_province, find_subjects, provinces, tone_variants


def names(text, province=None):
    return [(s.name, s.type, s.province) for s in find_subjects(text, province)]


def test_reference_has_63_provinces_and_34_after_the_merger():
    ps = provinces()
    assert len(ps) == 63
    assert len({p.name_2025 for p in ps.values()}) == 34
    assert ps["Yên Bái"].name_2025 == "Lào Cai" and ps["Huế"].code == "46"


@pytest.mark.parametrize("written,canonical", [
    ("TP.HCM", "Hồ Chí Minh"), ("Thành phố Hồ Chí Minh", "Hồ Chí Minh"), ("TP. Hồ Chí Minh", "Hồ Chí Minh"),
    ("Thừa Thiên - Huế", "Huế"), ("Thừa Thiên Huế", "Huế"), ("Bà Rịa-Vũng Tàu", "Bà Rịa - Vũng Tàu"),
    ("Thanh Hoá", "Thanh Hóa"), ("Khánh Hoà", "Khánh Hòa"), ("tỉnh Lào Cai", "Lào Cai"), ("Đắc Lắc", "Đắk Lắk"),
])
def test_province_aliases(written, canonical):
    assert canonical_province(written) == canonical
    assert names(f"Theo báo cáo, {written} xếp thứ 5.")[0][0] == canonical


def test_both_tone_spellings_are_generated():
    assert tone_variants("Thanh Hóa") == {"Thanh Hóa", "Thanh Hoá"}


def test_district_level_city_is_not_the_province():
    assert names("thành phố Lào Cai dẫn đầu, huyện Bắc Hà thứ hai", "Lào Cai") == [
        ("thành phố Lào Cai", "district", "Lào Cai"), ("huyện Bắc Hà", "district", "Lào Cai")]
    assert names("Thành phố Hà Nội")[0][:2] == ("Hà Nội", "province")


def test_agency_names_stop_at_the_next_name_or_verb():
    text = ("Đứng đầu là Sở Lao động - Thương binh và Xã hội; Sở Y tế, Sở Văn hóa, Thể thao và Du lịch, "
            "Đài Phát thanh - Truyền hình tỉnh và Tỉnh đoàn đạt điểm cao.")
    assert [n for n, t, p in names(text, "Lào Cai") if t == "agency"] == [
        "Sở Lao động - Thương binh và Xã hội", "Sở Y tế", "Sở Văn hóa, Thể thao và Du lịch",
        "Đài Phát thanh - Truyền hình tỉnh", "Tỉnh đoàn"]


def test_a_publishing_ministry_is_a_source_not_a_subject():
    found = find_subjects("Quảng Ninh vừa được Bộ Thông tin và Truyền thông công bố xếp thứ 3")
    ministry = next(s for s in found if s.type == "ministry")
    assert ministry.name == "Bộ Thông tin và Truyền thông" and ministry.attribution


def test_the_nation_but_not_inside_an_organisation_name():
    assert ("Việt Nam", "country", None) in names("Việt Nam xếp thứ 71/193 quốc gia")
    assert all(t != "country" for _, t, _ in names("Mặt trận Tổ quốc Việt Nam tỉnh"))


def test_nfd_text_finds_the_same_subjects_after_normalisation():
    nfd = unicodedata.normalize("NFD", "Thanh Hóa và Lào Cai")
    assert names(unicodedata.normalize("NFC", nfd)) == names("Thanh Hóa và Lào Cai")


def test_document_province_from_title_and_opening():
    assert document_province("Lào Cai đứng thứ 14", "Tỉnh Lào Cai xếp thứ 14/34; Hà Nội dẫn đầu.") == "Lào Cai"
    assert document_province("Bảng xếp hạng", "Hà Nội và Huế") is None


def test_a_districts_committee_is_the_district_in_one_mention():
    from pipeline.extract.gazetteer import find_subjects
    found = find_subjects("UBND quận Thanh Khê, UBND quận Hải Châu và UBND huyện Hòa Vang", "Đà Nẵng")
    assert [(s.name, s.type, s.start) for s in found] == [
        ("quận Thanh Khê", "district", 0), ("quận Hải Châu", "district", 21), ("huyện Hòa Vang", "district", 43)]


@pytest.mark.parametrize("text,source", [
    ("Năm 2023, hệ thống dịch vụ công trực tuyến của Bộ Tài chính tiếp nhận hơn 5,6 triệu hồ sơ.", False),
    ("Theo báo cáo của Bộ Tài chính, cả nước tiếp nhận hơn 5,6 triệu hồ sơ.", True),
    ("Đoàn công tác của Bộ Tài chính làm việc tại Bình Dương.", True),
])
def test_a_ministry_after_cua_is_a_source_only_after_a_report_noun(text, source):
    from pipeline.extract.gazetteer import find_subjects
    ministry = next(s for s in find_subjects(text) if s.name == "Bộ Tài chính")
    assert ministry.attribution is source


@pytest.mark.parametrize("written", ["Bà Rịa – Vũng Tàu", "Bà Rịa-Vũng Tàu", "Bà Rịa — Vũng Tàu", "BR-VT"])
def test_canonical_province_reads_any_dash(written):
    from pipeline.extract.gazetteer import canonical_province
    assert canonical_province(written) == "Bà Rịa - Vũng Tàu"
