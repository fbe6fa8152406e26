"""Domain knowledge read by every stage: the editions of each index and when they were
published (pipeline/data/editions.yaml), and score scales (`scale_of`)."""
from __future__ import annotations

import datetime as dt
import functools
from importlib import resources
from typing import Optional

import yaml


@functools.lru_cache(maxsize=1)
def editions() -> dict[str, list[tuple[int, dt.date]]]:
    """Index → [(data year, publication date)], oldest first."""
    raw = yaml.safe_load(resources.files("pipeline.data").joinpath("editions.yaml").read_text("utf-8"))
    out = {}
    for index, rows in raw.items():
        out[index] = sorted((int(r["year"]), r["published"] if isinstance(r["published"], dt.date)
                             else dt.date.fromisoformat(str(r["published"]))) for r in rows)
    return out


def edition_published_by(index: str, when: dt.date) -> Optional[int]:
    """The latest edition of `index` published on or before `when` (None before the first)."""
    best = None
    for year, published in editions().get(index, []):
        if published <= when:
            best = year
    return best


# The provinces a region ranks (Trung du và miền núi phía Bắc, 14 of the 63): a place beyond it,
# or out of a national ranking, is a national place even in a sentence framed by a region.
LARGEST_REGION = 14
NATIONAL_SIZES = (34, 63)

# The centrally governed cities: a 'tỉnh' (province) referred back to is none of them.
CITIES = frozenset({"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế"})

# The first data year ranked after the 2025 merger of provinces: DTI 2024 was published both ways
# (34 and 63), earlier editions ranked the 63, later ones the 34.
MERGER_EDITION = 2024


def national_ranking_size(metric: Optional[str], year: Optional[int]) -> Optional[int]:
    """The one size a national ranking of provinces by a DTI index had in `year`, when it had only
    one: 63 up to DTI 2023, 34 from DTI 2025; None for DTI 2024 (both) and other indices."""
    if not metric or not (metric == "dti" or metric.startswith("dti.")) or year is None:
        return None
    if year < MERGER_EDITION:
        return 63
    return 34 if year > MERGER_EDITION else None


# Indices whose values are percentages: a rank stated after such a value ranks the index itself.
PERCENT_INDICES = frozenset({"sipas", "par_index"})


def scale_of(value: float, metric: Optional[str] = None, stated: Optional[float] = None) -> Optional[float]:
    """The maximum of the scale a score is written on: the one stated ('760,39/1.000' → 1000),
    unless the value contradicts it ('0,3026/1.000' is on the 0-1 scale); else 1 for a value
    up to 1, 1000 for a DTI-family value above 100, 100 for other values up to 100."""
    if stated:
        if value <= 1 < stated and not float(value).is_integer():
            return 1.0
        return float(stated)
    if value <= 1:
        return 1.0
    if metric and (metric == "dti" or metric.startswith("dti.")) and value > 100:
        return 1000.0
    if value <= 100:
        return 100.0
    return 1000.0 if value <= 1000 else None
