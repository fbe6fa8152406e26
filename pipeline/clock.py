"""The project's clock: Vietnam's time zone, the timestamp every stage records, and reading one back."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def now_iso() -> str:
    """Now in Vietnam, ISO 8601 to the second (2025-10-21T13:38:05+07:00)."""
    return datetime.now(VN_TZ).isoformat(timespec="seconds")


def parse_instant(text: str) -> datetime:
    """An ISO date or datetime (a sitemap's lastmod, a stored fetched_at) as an aware datetime;
    a bare date or a time without a zone is taken in Vietnam. ValueError when unreadable."""
    text = text.strip().replace("Z", "+00:00")
    if len(text) == 10:
        d = date.fromisoformat(text)
        return datetime(d.year, d.month, d.day, tzinfo=VN_TZ)
    when = datetime.fromisoformat(text)
    return when if when.tzinfo else when.replace(tzinfo=VN_TZ)


def vn_iso(when: datetime) -> str:
    """An aware datetime as the project stores instants: ISO 8601 at +07:00, to the second, so
    stored instants sort as strings."""
    return when.astimezone(VN_TZ).isoformat(timespec="seconds")
