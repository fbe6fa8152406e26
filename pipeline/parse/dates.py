"""Dates as Vietnamese sites and decisions write them → ISO 8601 in Asia/Ho_Chi_Minh.

`parse_vn_date(text)` reads one date string (a meta tag's ISO value, or a visible line such as
"Thứ Ba, ngày 21/10/2025 - 13:38 GMT+7", "Chiều ngày 17/3/2021", "21-10-2025 08:30",
"ngày 21 tháng 10 năm 2025") and returns "2025-10-21T13:38:00+07:00" when a time is given,
"2025-10-21" when only the day is, and None when there is no valid date.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Optional

from pipeline.clock import VN_TZ

_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<z>Z|[+-]\d{2}:?\d{2})?)?")
# 21/10/2025, 21-10-2025, 21.10.2025 (day first, as Vietnamese write it)
_DMY = re.compile(r"(?<!\d)(?P<d>\d{1,2})\s*[/.\-]\s*(?P<m>\d{1,2})\s*[/.\-]\s*(?P<y>\d{4})(?!\d)")
# ngày 21 tháng 10 năm 2025
_WORDS = re.compile(r"(?<!\d)(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s*(?:,\s*|\s+)năm\s+(?P<y>\d{4})", re.I)
# 13:38, 13h38, 8 giờ 30, 13:38:05
_TIME = re.compile(r"(?<!\d)(?P<H>\d{1,2})\s*(?::|h|g|giờ)\s*(?P<M>\d{2})(?:\s*:\s*(?P<S>\d{2}))?(?!\d)", re.I)
# GMT+7, UTC+07:00, (GMT+7)
_ZONE = re.compile(r"\b(?:GMT|UTC)\s*(?P<sign>[+-])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?", re.I)
# 12-hour clock: "08:30 PM", "8:30 CH" (chiều), "SA" (sáng)
_PM = re.compile(r"\b(PM|CH)\b", re.I)
_AM = re.compile(r"\b(AM|SA)\b", re.I)


def _valid(y: int, m: int, d: int) -> Optional[date]:
    try:
        day = date(y, m, d)
    except ValueError:
        return None
    return day if 1990 <= y <= 2100 else None


def _iso(day: date, hh: Optional[int], mm: Optional[int], ss: Optional[int], offset: Optional[timedelta]) -> str:
    if hh is None:
        return day.isoformat()
    if not (0 <= hh < 24 and 0 <= (mm or 0) < 60 and 0 <= (ss or 0) < 60):
        return day.isoformat()
    moment = datetime(day.year, day.month, day.day, hh, mm or 0, ss or 0)
    if offset is None:
        moment = moment.replace(tzinfo=VN_TZ)
    else:
        moment = moment.replace(tzinfo=timezone(offset)).astimezone(VN_TZ)
    return moment.isoformat(timespec="seconds")


def _offset(zone: str) -> timedelta:
    if zone.upper() == "Z":
        return timedelta(0)
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    return sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))


def parse_vn_date(text: Optional[str]) -> Optional[str]:
    """The first date in `text` as ISO 8601 (+07:00 when a time is known), or None."""
    if not text:
        return None
    text = " ".join(str(text).split())
    m = _ISO.search(text)
    if m and _valid(int(m["y"]), int(m["m"]), int(m["d"])):
        day = _valid(int(m["y"]), int(m["m"]), int(m["d"]))
        if m["H"] is None:
            return day.isoformat()
        offset = _offset(m["z"]) if m["z"] else None
        return _iso(day, int(m["H"]), int(m["M"]), int(m["S"] or 0), offset)
    found = None
    for pattern in (_DMY, _WORDS):
        m = pattern.search(text)
        if m and _valid(int(m["y"]), int(m["m"]), int(m["d"])):
            if found is None or m.start() < found.start():
                found = m
    if found is None:
        return None
    day = _valid(int(found["y"]), int(found["m"]), int(found["d"]))
    # a time right before or after the date ("13:38 21/10/2025", "21/10/2025 - 13:38")
    rest = text[found.end():found.end() + 30]
    before = text[max(0, found.start() - 12):found.start()]
    t = _TIME.search(rest) or _TIME.search(before)
    if t is None:
        return day.isoformat()
    hh, mm = int(t["H"]), int(t["M"])
    near = text[max(0, found.start() - 12):found.end() + 40]
    if _PM.search(near) and hh < 12:
        hh += 12
    elif _AM.search(near) and hh == 12:
        hh = 0
    z = _ZONE.search(near)
    offset = None
    if z:
        sign = -1 if z["sign"] == "-" else 1
        offset = sign * timedelta(hours=int(z["h"]), minutes=int(z["m"] or 0))
    return _iso(day, hh, mm, int(t["S"] or 0), offset)


def issued_date(text: str) -> Optional[str]:
    """The date a decision was signed: the "…, ngày 21 tháng 10 năm 2025" line, as an ISO date."""
    m = re.search(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", text, re.I)
    if m:
        day = _valid(int(m[3]), int(m[2]), int(m[1]))
        if day:
            return day.isoformat()
    return None
