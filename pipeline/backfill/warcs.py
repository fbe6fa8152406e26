"""Existing web archives read back: WARC files (gzipped or not) and WACZ packages, as the
response records a backfill may keep, and every fault found on the way, named.

A shard is one WARC file, or one WARC file inside a WACZ (`archive/*.warc.gz`). Reading never
raises for bad input: a truncated file, a record whose HTTP header is broken, a body over the
size limit, a WACZ without its index each become a line naming the file (and the record),
and the records before and after them are still read.
"""
from __future__ import annotations

import glob
import hashlib
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Optional, Union

from warcio.archiveiterator import ArchiveIterator

from pipeline.clock import vn_iso

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
WACZ_INDEXES = ("indexes/index.cdx.gz", "indexes/index.cdx", "indexes/index.cdxj", "indexes/index.idx")
# bodies no parser reads: not worth a worker's time
_SKIPPED_TYPES = ("image/", "video/", "audio/", "font/", "text/css", "text/javascript", "application/javascript",
                  "application/json", "application/x-javascript")
_TRAILER = 4        # the blank lines after a WARC's last record


@dataclass(frozen=True)
class Shard:
    path: str                       # the WARC or WACZ file, absolute
    member: Optional[str] = None    # the WARC file inside a WACZ
    size: int = 0
    head: str = ""                  # digest of the first bytes: a copy is the same shard, an edit is not

    @property
    def key(self) -> str:
        return f"{self.path}{'#' + self.member if self.member else ''}|{self.size}|{self.head}"

    @property
    def name(self) -> str:
        return Path(self.path).name + (f"#{self.member}" if self.member else "")


@dataclass
class Record:
    """One response record kept for parsing."""
    url: str
    archived_at: str                # WARC-Date at +07:00
    status: int
    headers: dict[str, str]
    body: bytes
    offset: int
    locator: str                    # FILE@offset, or FILE.wacz#member@offset


@dataclass
class ShardScan:
    records: list[Record] = field(default_factory=list)
    seen: int = 0                   # response records read, kept or not
    problems: list[str] = field(default_factory=list)


def expand(patterns: list[str]) -> tuple[list[Path], list[str]]:
    """The files named or matched by each pattern (a glob), in order, each once; and a line for
    each pattern that names nothing."""
    found: list[Path] = []
    missing = []
    for pattern in patterns:
        matched = sorted(glob.glob(pattern, recursive=True)) or ([pattern] if Path(pattern).is_file() else [])
        files = [Path(m).resolve() for m in matched if Path(m).is_file()]
        if not files:
            missing.append(f"{pattern}: no such file")
        found += [f for f in files if f not in found]
    return found, missing


def _head(fh: BinaryIO) -> str:
    return hashlib.sha256(fh.read(64 * 1024)).hexdigest()[:16]


def shards_of(path: Path) -> tuple[list[Shard], list[str]]:
    """The shards of one input file, and what is wrong with it."""
    name = path.name
    if name.endswith(".wacz"):
        try:
            with zipfile.ZipFile(path) as z:
                names = z.namelist()
                members = sorted(n for n in names if n.startswith("archive/") and n.endswith(WARC_SUFFIXES))
                shards = []
                for m in members:
                    with z.open(m) as fh:
                        shards.append(Shard(str(path), m, z.getinfo(m).file_size, _head(fh)))
        except (zipfile.BadZipFile, OSError) as e:
            return [], [f"{name}: not a readable WACZ (zip) file ({e}); skipped"]
        problems = []
        if not members:
            problems.append(f"{name}: a WACZ with no WARC file under archive/; nothing to read")
        if not any(i in names for i in WACZ_INDEXES):
            problems.append(f"{name}: a WACZ without its index (indexes/index.cdx.gz or index.cdxj); "
                            "its WARC files were read in full")
        return shards, problems
    if not name.endswith(WARC_SUFFIXES):
        return [], [f"{name}: not a WARC (.warc, .warc.gz) or WACZ file; skipped"]
    with open(path, "rb") as fh:
        return [Shard(str(path), None, path.stat().st_size, _head(fh))], []


def warc_date(value: Optional[str]) -> Optional[str]:
    if not value:
        return None
    try:
        return vn_iso(datetime.fromisoformat(value.strip().replace("Z", "+00:00")))
    except ValueError:
        return None


def _wanted_type(headers: dict[str, str]) -> bool:
    ctype = headers.get("content-type", "").lower()
    return not ctype.startswith(_SKIPPED_TYPES)


def read_shard_records(shard: Shard, keep, max_bytes: int) -> ShardScan:
    """Every 200 response record of the shard whose URL `keep(url)` accepts, with the faults found."""
    scan = ShardScan()
    try:
        if shard.member:
            with zipfile.ZipFile(shard.path) as z, z.open(shard.member) as fh:
                _scan(fh, shard, keep, max_bytes, scan)
        else:
            with open(shard.path, "rb") as fh:
                _scan(fh, shard, keep, max_bytes, scan)
    except (OSError, zipfile.BadZipFile) as e:
        scan.problems.append(f"{shard.name}: cannot be read ({e})")
    return scan


def _scan(fh: BinaryIO, shard: Shard, keep, max_bytes: int, scan: ShardScan) -> None:
    it = ArchiveIterator(fh)
    n, end, where = 0, 0, shard.name
    try:
        for record in it:
            n += 1
            offset = it.offset
            if record.rec_type == "response":
                _record(record, offset, shard, keep, max_bytes, scan, n)
            it.read_to_end(record)
            end = it.get_record_offset() + it.get_record_length()
    except Exception as e:     # warcio's failures on torn input are of many types
        scan.problems.append(f"{where}: truncated or damaged after record {n - 1} (at byte {end}): "
                             f"{type(e).__name__}: {e}; the records before it were read")
        return
    if shard.size and shard.size - end > _TRAILER:
        scan.problems.append(f"{where}: truncated: {shard.size - end} bytes after record {n} at byte {end} are "
                             "not a whole record; the records before it were read")


def _record(record, offset: int, shard: Shard, keep, max_bytes: int, scan: ShardScan, n: int) -> None:
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    scan.seen += 1
    http = record.http_headers
    statusline = http.statusline if http else ""
    code = http.get_statuscode() if http else ""
    if not (code or "").isdigit() or len(code) != 3:
        scan.problems.append(f"{shard.name}: record {n} ({url}) has a broken HTTP header "
                             f"({statusline[:60]!r}); skipped")
        return
    if int(code) != 200 or not keep(url):
        return
    headers = {k.lower(): v for k, v in http.headers}
    if not _wanted_type(headers):
        return
    at = warc_date(record.rec_headers.get_header("WARC-Date"))
    if at is None:
        scan.problems.append(f"{shard.name}: record {n} ({url}) has no readable WARC-Date; skipped")
        return
    body = record.content_stream().read(max_bytes + 1)
    if len(body) > max_bytes:
        scan.problems.append(f"{shard.name}: record {n} ({url}) is over the {max_bytes}-byte limit; skipped")
        return
    left = getattr(record.raw_stream, "limit", 0)
    if left:
        scan.problems.append(f"{shard.name}: record {n} ({url}) is cut short ({left} bytes missing); skipped")
        return
    scan.records.append(Record(url=url, archived_at=at, status=200, headers=headers, body=body, offset=offset,
                               locator=f"{shard.name}@{offset}"))


def warc_reference(shard: Shard, offset: int) -> dict[str, Union[str, int, None]]:
    """The documents row's pointer to its archived bytes, where reprocess can read them back (a
    plain WARC file; not a member of a WACZ)."""
    if shard.member:
        return {"warc_file": None, "warc_offset": None}
    return {"warc_file": shard.path, "warc_offset": offset}
