"""Page furniture that is not news: view counters, teasers of other articles, image file
names, share bars. Shared by the HTML and plain-text parsers; the patterns are data."""
from __future__ import annotations

import functools
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
    return any(p.match(line) for p in FURNITURE_LINES) or is_date_line(line)


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


# --- HTML furniture, removed from the DOM before the main text is taken ---------------------
# Elements that are never article text on any site. Per-site additions live in sources.yaml
# (`remove_selectors`), never here.
DEFAULT_REMOVE_SELECTORS = [
    "script", "style", "noscript", "template", "nav", "footer", "aside", "form", "button",
    "select", "iframe", "object", "embed", "svg", "canvas",
    "[class*=share]", "[id*=share]", "[class*=social]", "[class*=related]", "[id*=related]",
    "[class*=lien-quan]", "[class*=lienquan]", "[id*=lienquan]", "[class*=other-news]",
    "[class*=othernews]", "[class*=tin-khac]", "[class*=tinkhac]", "[class*=comment]",
    "[id*=comment]", "[class*=binh-luan]", "[class*=breadcrumb]", "[class*=view-count]",
    "[class*=viewcount]", "[class*=luot-xem]", "[class*=luotxem]", "[class*=print]",
    "[class*=toolbar]", "[class*=banner]", "[class*=advert]", "[class~=ads]", "[class*=sidebar]",
    "[class*=menu]", "[class*=counter]", "[class*=thong-ke]", "[class*=tags]", "[class*=views]",
    "[class*=author]", "[class*=byline]",
]

# What a date-and-counter line is made of ("21-10-2025 19:45 18342 lượt đọc", "Thứ Ba, 21/10/2025"):
# a line with nothing else is furniture, the date having been read as metadata already.
_DATE_LINE_PARTS = re.compile(
    r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{1,2}\s*(?::|h|giờ)\s*\d{2}(?::\d{2})?|\d[\d.,]*\s*lượt\s*(?:xem|đọc|truy\s*cập)|"
    r"lượt\s*(?:xem|đọc)\s*:?\s*\d[\d.,]*|gmt\s*[+-]\s*\d+|\b(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy)|chủ\s+nhật|"
    r"cập\s+nhật|đăng\s+ngày|ngày|lúc|sáng|chiều|tối|am|pm)\b|[\s,|·\-:()/]+", re.I)


def is_date_line(line: str) -> bool:
    """A line of only dates, times, weekdays and view counts."""
    return bool(re.search(r"\d", line)) and len(line) <= 80 and not _DATE_LINE_PARTS.sub("", line).strip()


@functools.lru_cache(maxsize=512)
def css_selector(selector: str):
    """A compiled CSS selector (compiling costs more than matching), or None when invalid."""
    from cssselect import SelectorError
    from lxml.cssselect import CSSSelector
    try:
        return CSSSelector(selector)
    except SelectorError:
        return None


def remove_elements(tree, selectors: list[str]) -> list[str]:
    """Remove every element matching one of the CSS selectors, keeping tail text; returns the
    selectors that are not valid CSS (reported, never fatal)."""
    bad = [s for s in selectors if css_selector(s) is None]
    good = [s for s in selectors if s not in bad]
    matcher = css_selector(", ".join(good)) if good else None     # one pass over the page for them all
    for el in matcher(tree) if matcher is not None else []:
        if el.getparent() is not None and el.tag not in ("html", "body"):
            el.drop_tree()
    return bad


_RIGHT = re.compile(r"text-right|text-align\s*:\s*right|align-right", re.I)


def remove_bylines(tree) -> list[str]:
    """Remove the right-aligned short signature line Vietnamese articles end with (NukeViet's
    `<p class="text-right"><strong>Tên tác giả</strong></p>`); returns the names removed."""
    names = []
    for el in list(tree.iter("p", "div")):
        marks = f"{el.get('class', '')} {el.get('style', '')} {el.get('align', '')}"
        if not (_RIGHT.search(marks) or el.get("align", "").lower() == "right"):
            continue
        text = " ".join(el.text_content().split())
        if 0 < len(text) <= 60 and not re.search(r"[.!?;:]$", text) and len(text.split()) <= 8:
            names.append(text)
            el.drop_tree()
    return names


def remove_teaser_blocks(tree) -> None:
    """Remove a "Tin liên quan" / "Các tin khác" block: the heading and the widest ancestor that
    holds little besides it and links to other articles."""
    for el in list(tree.iter("h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "span", "strong", "b", "li", "a")):
        if el.getparent() is None:
            continue
        own = " ".join(el.text_content().split())
        if not own or len(own) > 60 or not is_teaser_heading(own):
            continue
        block = el
        while True:
            parent = block.getparent()
            if parent is None or parent.tag in ("body", "html", "article", "main"):
                break
            link_text = sum(len(" ".join(a.text_content().split())) for a in parent.iter("a"))
            plain = len(" ".join(parent.text_content().split())) - link_text
            if plain > len(own) + 60:
                break
            block = parent
        if block.getparent() is not None:
            nxt = block.getnext()
            # a bare heading followed by its list of links: drop the list as well
            if block is el and nxt is not None and nxt.tag in ("ul", "ol", "div") and _mostly_links(nxt):
                nxt.drop_tree()
            block.drop_tree()


def _mostly_links(el) -> bool:
    text = len(" ".join(el.text_content().split()))
    links = sum(len(" ".join(a.text_content().split())) for a in el.iter("a"))
    return text > 0 and links >= 0.6 * text


def paragraph_key(text: str) -> str:
    """A paragraph's words, case-folded and without punctuation: two spellings of one line meet on it."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def drop_repeated(paragraphs: list[str], candidates: set[int] | None = None) -> list[int]:
    """Indices of paragraphs to drop: a short paragraph (typically an image caption) whose words
    all appear, in order, inside another paragraph says nothing new. When `candidates` is given,
    only those indices (known captions) may be dropped, else any paragraph under 300 characters."""
    keys = [paragraph_key(p) for p in paragraphs]
    drop = []
    for i, k in enumerate(keys):
        if not k or (candidates is not None and i not in candidates):
            continue
        if candidates is None and len(paragraphs[i]) >= 300:
            continue
        if len(k.split()) < 4:
            continue
        if any(j != i and len(keys[j]) > len(k) and f" {k} " in f" {keys[j]} " for j in range(len(keys))):
            drop.append(i)
    return drop
