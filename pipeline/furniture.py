"""Page furniture that is not news: view counters, teasers of other articles, image file
names, share bars. Shared by the HTML and plain-text parsers; the patterns are data."""
from __future__ import annotations

import re

# A line that opens a block of teasers of other articles: everything after it is furniture.
TEASER_HEADINGS = re.compile(
    r"^\s*(tin\s+liên\s+quan|tin\s+cùng\s+chuyên\s+mục|các\s+tin\s*(/\s*bài)?\s+khác|"
    r"bài\s+viết\s+liên\s+quan|bài\s+liên\s+quan|tin\s+khác|xem\s+thêm|tin\s+đọc\s+nhiều|"
    r"tin\s+mới\s+nhất|có\s+thể\s+bạn\s+quan\s+tâm|đọc\s+thêm|tin\s+bài\s+khác|phản\s+hồi|"
    r"gửi\s+bình\s+luận|ý\s+kiến\s+của\s+bạn|họ\s+tên(\s+no\s+image)?)\s*:?\s*$",
    re.IGNORECASE)

# Lines that are furniture on their own.
FURNITURE_LINES = [
    re.compile(r"^\s*[•·\-*]?\s*(lượt\s+xem|lượt\s+đọc|số\s+lượt\s+truy\s+cập|đang\s+online|"
               r"đang\s+truy\s+cập|hôm\s+nay|hôm\s+qua|trong\s+tuần|trong\s+tháng|tất\s+cả|"
               r"tổng\s+truy\s+cập|lượt\s+truy\s+cập)\s*:\s*[\d.,\s]*$", re.I),
    re.compile(r"^\s*(thống\s+kê\s+truy\s+cập|đăng\s+nhập|tin\s+mới|chia\s+sẻ|in\s+bài(\s+viết)?|"
               r"gửi\s+email|bản\s+in|facebook|zalo|twitter|nghe\s+âm\s+thanh(\s+tại\s+đây)?\s*:?|"
               r"dưới\s+đây\s+là\s+quyết\s+định.*tải\s+về|tải\s+về|quay\s+lại|lên\s+đầu\s+trang|"
               r"bình\s+luận|ý\s+kiến\s+bạn\s+đọc|no\s+image)\s*:?\s*$", re.I),
    # an image file name on its own line: a1.png, img-7343-6778.jpg, z7139634054578-….jpg
    re.compile(r"^\s*[\w.\-()%+~]+\.(jpe?g|png|gif|webp|bmp|svg|tiff?)\s*$", re.I),
    re.compile(r"^\s*(họ\s+tên|tiêu\s+đề|nội\s+dung|mã\s+kiểm\s+tra)\s+no\s+image\s*$", re.I),
    re.compile(r"^\s*https?://\S+\s*$"),
]


def is_furniture_line(line: str) -> bool:
    return any(p.match(line) for p in FURNITURE_LINES)


def is_teaser_heading(line: str) -> bool:
    return bool(TEASER_HEADINGS.match(line))


def strip_lines(lines: list[str]) -> list[str]:
    """Drop furniture lines and everything from a teaser heading on (when it comes after the
    article has started); keep the order of the rest."""
    out: list[str] = []
    body_seen = 0
    for line in lines:
        if is_teaser_heading(line):
            if body_seen >= 2:
                break
            continue
        if is_furniture_line(line):
            continue
        if line.strip():
            body_seen += 1
        out.append(line)
    return out
