"""`sources check`: every source's URL patterns against the real addresses in its `examples`,
without the network, so a pattern that no longer fits its site is noticed before a harvest.

A source is
  verified    every example is classified as stated (documents by `allow`, listings by `follow`,
              rejected addresses by neither), sits on the source's own hosts, and every pattern
              is matched by at least one example;
  unverified  it has no examples, or some pattern is matched by none (nothing shows it works);
  broken      some example is classified otherwise, or lies on a host the crawler never visits.
The crawler classifies canonical URLs (harvest/urls.py), so the examples are canonicalized first.

The province keys are checked here too, against the 63 -> 34 table of the store's reference data
(config.py, below the store, checks only the file's shape): a harvest checks them before it
records its sources, and `sources check` before it reports.
"""
from __future__ import annotations

import difflib
import json
import re
from dataclasses import asdict, dataclass, field, fields
from typing import Optional

from pipeline import records
from pipeline.errors import ConfigError
from pipeline.harvest.discover import classify
from pipeline.harvest.urls import canonicalize, host_key, source_hosts
from pipeline.models import SourceConfig, SourcesFile
from pipeline.store.reference_data import provinces
from pipeline.textnorm import fold

VERIFIED, UNVERIFIED, BROKEN = "verified", "unverified", "broken"
STATUSES = (VERIFIED, UNVERIFIED, BROKEN)
# what each list of examples must be classified as (discover.classify)
EXPECTED = {"documents": "document", "listings": "listing", "rejected": None}
MIN_SOURCES_PER_PROVINCE = 2
MIN_EXAMPLES = 3


@dataclass
class SourceCheck:
    name: str
    status: str
    province: Optional[str]
    province_before_2025: Optional[str]
    enabled: bool
    examples: int
    problems: list[str] = field(default_factory=list)   # examples classified otherwise (broken)
    untested: list[str] = field(default_factory=list)   # patterns no example matches (unverified)

    def to_dict(self) -> dict:
        return asdict(self)


def _kind_name(kind: Optional[str]) -> str:
    return {"document": "a document (allow)", "listing": "a listing (follow)"}.get(kind, "neither")


def check_source(src: SourceConfig) -> SourceCheck:
    hosts = source_hosts(src.start_urls + src.feeds + src.sitemaps)
    problems: list[str] = []
    matched: dict[str, list[str]] = {"documents": [], "listings": []}
    count = 0
    for group, expected in EXPECTED.items():
        for url in getattr(src.examples, group):
            count += 1
            canonical = canonicalize(url)
            if canonical is None:
                problems.append(f"{url}: not an http(s) URL")
                continue
            got = classify(src, canonical)
            if got != expected:
                problems.append(f"{url}: listed under {group} but taken for {_kind_name(got)}")
            if expected is not None and host_key(canonical) not in hosts:
                problems.append(f"{url}: host {host_key(canonical)} is not among the source's hosts "
                                f"({', '.join(sorted(hosts))}); the crawler never leaves them")
            if expected is not None:
                matched[group].append(canonical)
    untested = [f"allow {p}" for p in src.allow if not any(re.search(p, u) for u in matched["documents"])]
    untested += [f"follow {p}" for p in src.follow if not any(re.search(p, u) for u in matched["listings"])]
    status = BROKEN if problems else UNVERIFIED if (not count or untested) else VERIFIED
    return SourceCheck(src.name, status, src.province, src.province_before_2025, src.enabled, count,
                       problems, untested)


def check_sources(sf: SourcesFile, names: list[str] | tuple[str, ...] = ()) -> list[SourceCheck]:
    check_provinces(sf)
    chosen = [s for s in sf.sources if not names or s.name in names]
    return [check_source(s) for s in chosen]


def check_provinces(sf: SourcesFile) -> None:
    """Every source's `province` names one of the 34 provinces of 2025 and its
    `province_before_2025` one of the 63 that became it (pipeline/data/provinces.csv);
    ConfigError naming the source and the fix otherwise."""
    became = {p.name: p.name_2025 for p in provinces()}
    for src in sf.sources:
        _check_province(src, f"source {src.name!r}", sf.path, became)


def _check_province(src: SourceConfig, label: str, path: str, became: dict[str, str]) -> None:
    units = sorted(set(became.values()))
    if src.province is not None and src.province not in units:
        if src.province in became:
            raise ConfigError(f"{path}: {label}: {src.province} became part of {became[src.province]} in 2025; "
                              f"set province: {became[src.province]} and province_before_2025: {src.province}")
        hint = difflib.get_close_matches(src.province, units, n=1)
        raise ConfigError(f"{path}: {label}: province {src.province!r} is not one of the 34 provinces of 2025"
                          + (f"; did you mean {hint[0]!r}?" if hint else "; see pipeline/data/provinces.csv"))
    old = src.province_before_2025
    if old is None:
        return
    if old not in became:
        hint = difflib.get_close_matches(old, list(became), n=1)
        raise ConfigError(f"{path}: {label}: province_before_2025 {old!r} is not one of the 63 provinces"
                          + (f"; did you mean {hint[0]!r}?" if hint else "; see pipeline/data/provinces.csv"))
    if src.province != became[old]:
        raise ConfigError(f"{path}: {label}: {old} became part of {became[old]} in 2025; "
                          f"set province: {became[old]}")


@dataclass
class ProvinceCoverage:
    province: str
    sources: list[str]            # enabled sources about it
    verified: list[str]           # of which verified with at least MIN_EXAMPLES examples

    @property
    def enough(self) -> bool:
        return len(self.verified) >= MIN_SOURCES_PER_PROVINCE


def province_coverage(checks: list[SourceCheck]) -> list[ProvinceCoverage]:
    """For each of the 34 provinces of 2025: its enabled sources and how many are verified."""
    units = sorted({p.name_2025 for p in provinces()}, key=fold)
    out = []
    for unit in units:
        mine = [c for c in checks if c.province == unit and c.enabled]
        out.append(ProvinceCoverage(unit, [c.name for c in mine],
                                    [c.name for c in mine if c.status == VERIFIED and c.examples >= MIN_EXAMPLES]))
    return out


def render_table(checks: list[SourceCheck], verbose: bool = False) -> str:
    width = max([len(c.name) for c in checks] + [6])
    lines = [f"{'source':<{width}}  {'status':<10}  {'examples':>8}  province"]
    for c in checks:
        where = c.province or "(national)"
        if c.province_before_2025:
            where += f" (was {c.province_before_2025})"
        lines.append(f"{c.name:<{width}}  {c.status:<10}  {c.examples:>8}  {where}"
                     + ("" if c.enabled else "  [disabled]"))
        if verbose or c.status == BROKEN:
            lines += [f"{'':<{width}}    ! {p}" for p in c.problems]
        if verbose or c.status == UNVERIFIED:
            lines += [f"{'':<{width}}    ? no example matches {p}" for p in c.untested]
    counts = {s: sum(c.status == s for c in checks) for s in STATUSES}
    lines.append("")
    lines.append(f"{len(checks)} sources: " + ", ".join(f"{counts[s]} {s}" for s in STATUSES))
    short = [p for p in province_coverage(checks) if not p.enough]
    if short:
        lines.append(f"provinces with fewer than {MIN_SOURCES_PER_PROVINCE} verified sources "
                     f"(each with {MIN_EXAMPLES}+ examples): "
                     + ", ".join(f"{p.province} ({len(p.verified)})" for p in short))
    else:
        lines.append(f"every province has at least {MIN_SOURCES_PER_PROVINCE} verified sources")
    return "\n".join(lines)


COLUMNS = [f.name for f in fields(SourceCheck)]


def to_csv(checks: list[SourceCheck]) -> str:
    """One row per source (problems and untested patterns joined by " | ")."""
    return records.to_csv([c.to_dict() for c in checks], COLUMNS).rstrip("\n")


def to_json(checks: list[SourceCheck]) -> str:
    """The sources, and per province of 2025 its enabled and its verified sources."""
    return json.dumps({"sources": [c.to_dict() for c in checks],
                       "provinces": [{"province": p.province, "sources": p.sources, "verified": p.verified}
                                     for p in province_coverage(checks)]}, ensure_ascii=False, indent=2)


def failed(checks: list[SourceCheck], strict: bool, whole_file: bool) -> bool:
    """A broken source fails the check; with `strict`, so does an unverified enabled source or (the
    whole file checked) a province with too few verified sources."""
    if any(c.status == BROKEN for c in checks):
        return True
    return strict and (any(c.status != VERIFIED and c.enabled for c in checks) or
                       (whole_file and not all(p.enough for p in province_coverage(checks))))


def render(checks: list[SourceCheck], fmt: str = "table", verbose: bool = False) -> str:
    if fmt == "table":
        return render_table(checks, verbose=verbose)
    return {"csv": to_csv, "json": to_json}[fmt](checks)
