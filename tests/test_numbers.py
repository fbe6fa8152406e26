"""Vietnamese numbers: '.' groups thousands, ',' marks decimals; words and multipliers."""
import pytest
from hypothesis import given, strategies as st

from pipeline.extract.numbers import find_numbers, format_vietnamese, parse_number, parse_number_words


@given(st.integers(min_value=0, max_value=10**12))
def test_integers_round_trip_through_vietnamese_grouping(n):
    assert parse_number(format_vietnamese(n)) == n


@given(st.integers(min_value=0, max_value=10**7), st.integers(min_value=1, max_value=4))
def test_decimals_round_trip_with_a_comma(whole, decimals):
    value = whole + 0.5 ** decimals  # exactly representable fractions
    text = format_vietnamese(value, decimals)
    assert abs(parse_number(text) - round(value, decimals)) < 10 ** -decimals


@pytest.mark.parametrize("text,value", [
    ("1.000", 1000), ("0,7167", 0.7167), ("6.050", 6050), ("760,39", 760.39), ("99,5", 99.5),
    ("1.234,5", 1234.5), ("0.7167", 0.7167), ("146", 146), ("12.5", 12.5), ("1,250,000", 1250000),
])
def test_written_forms(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["0214.3840.888", "08", "1.23.4", "12,"])
def test_phone_numbers_and_codes_are_not_figures(text):
    assert parse_number(text) is None


@pytest.mark.parametrize("words,value", [
    ("một", 1), ("hai", 2), ("mười", 10), ("mười lăm", 15), ("hai mươi mốt", 21), ("ba mươi tư", 34),
    ("sáu mươi ba", 63), ("một trăm linh năm", 105),
])
def test_number_words(words, value):
    assert parse_number_words(words.split())[0] == value


def test_a_year_after_nam_is_not_five():
    assert parse_number_words("năm 2024".split()) is None


def test_multipliers_percent_signs_and_qualifiers():
    found = {n.text: n for n in find_numbers("hơn 57.800 lượt, 1,24 triệu email, 96 % thôn, gần 100.000 người, "
                                             "tối thiểu 30%, không quá 1%")}
    assert found["57.800"].value == 57800 and found["57.800"].qualifier == "at_least"
    assert found["1,24"].value == 1_240_000
    assert found["96"].is_percent and found["96"].value == 96
    assert found["100.000"].qualifier == "approx"
    assert found["30"].qualifier == "at_least" and found["1"].qualifier == "at_most"


def test_fraction_parts_are_not_separate_figures():
    texts = [n.text for n in find_numbers("xếp thứ 14/34 tỉnh")]
    assert texts == ["14"]


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=10**6),
       st.sampled_from(["-", " - ", "–", " đến "]))
def test_ranges_read_both_ends(lo, width, sep):
    from pipeline.extract.numbers import parse_range
    text = format_vietnamese(lo) + sep + format_vietnamese(lo + width)
    assert parse_range(text) == (lo, lo + width)


def test_a_range_is_not_a_top_group():
    from pipeline.extract import extract
    from pipeline.models import Document
    text = "T\n\nThái Nguyên luôn thuộc nhóm 10-15 địa phương có kết quả chuyển đổi số nổi bật."
    assert [f for f in extract(Document(url="t:", text=text, title="T")) if f.kind == "top_n"] == []


@pytest.mark.parametrize("text,value", [("2,5 nghìn triệu giao dịch", 2.5e9), ("hơn 1,5 triệu tỷ đồng", 1.5e15)])
def test_multipliers_compound(text, value):
    from pipeline.extract.tokens import scan_figures
    assert any(abs(s.value - value) < 1 for s in scan_figures(text) if s.value)
