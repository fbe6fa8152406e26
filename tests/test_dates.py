"""Vietnamese date formats → ISO 8601 in Asia/Ho_Chi_Minh."""
import pytest

from pipeline.parse.dates import issued_date, parse_vn_date


@pytest.mark.parametrize("raw, expected", [
    ("Thứ Ba, ngày 21/10/2025 - 13:38 GMT+7", "2025-10-21T13:38:00+07:00"),
    ("Chiều ngày 17/3/2021", "2021-03-17"),
    ("21-10-2025 08:30", "2025-10-21T08:30:00+07:00"),
    ("Cập nhật: 08:30 21/10/2025", "2025-10-21T08:30:00+07:00"),
    ("Đăng lúc 13h38 ngày 5/1/2024", "2024-01-05T13:38:00+07:00"),
    ("21.10.2025", "2025-10-21"),
    ("ngày 21 tháng 10 năm 2025", "2025-10-21"),
    ("08:30 PM 21/10/2025", "2025-10-21T20:30:00+07:00"),
    # meta tags: ISO with any zone, converted to +07:00
    ("2025-10-21T01:30:00Z", "2025-10-21T08:30:00+07:00"),
    ("2025-10-21T08:30:00+07:00", "2025-10-21T08:30:00+07:00"),
    ("2025-10-20T20:30:00-05:00", "2025-10-21T08:30:00+07:00"),
    ("2025-10-21", "2025-10-21"),
    # a zone written on the page counts
    ("21/10/2025 - 13:38 GMT+0", "2025-10-21T20:38:00+07:00"),
])
def test_formats(raw, expected):
    assert parse_vn_date(raw) == expected


@pytest.mark.parametrize("raw", ["", None, "Lượt xem: 1234", "31/02/2025", "14/34 tỉnh", "năm 2024"])
def test_no_date(raw):
    assert parse_vn_date(raw) is None


def test_issued_date_of_a_decision():
    assert issued_date("Số: 684/QĐ-UBND Lào Cai, ngày 21 tháng 10 năm 2025") == "2025-10-21"
    assert issued_date("Số: 684/QĐ-UBND") is None
