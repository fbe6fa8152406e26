"""The CDX API of web archives (the Wayback Machine's, and pywb's, which takes the same query):
what to ask for a source, how to read the answer, and where a capture's original bytes are.

A query is `url` with `matchType=prefix`, `from`/`to` (years), `filter=statuscode:200`,
`collapse=digest` (one capture per run of identical bodies) and `output=json`. The Wayback Machine
answers a JSON array whose first row names the fields (`urlkey timestamp original mimetype
statuscode digest length`), and pages with `showResumeKey` (an empty row, then the key); pywb
answers one JSON object a line (`url`, `timestamp`, `status`, `mime`, `digest`). Both are read.
A capture's original bytes are at `PREFIX{timestamp}id_/{original}` (`id_`: as archived, not
rewritten for replay).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Optional
from urllib.parse import urlencode

from pipeline.clock import vn_iso
from pipeline.models import SourceConfig

WAYBACK_REPLAY = "https://web.archive.org/web/"
PAGE_SIZE = 5000          # captures per CDX request; the rest comes with the resume key

_META = set(".^$*+?{}[]|()\\")
_SCHEME = re.compile(r"^\^?(?:\(\?:)?(?:https\?|https|http|\(https\?\)|\(http\|https\))(?:\))?(?::|\\:)"
                     r"(?:\\/|/){2}")
_WWW = re.compile(r"^\((?:\?:)?www\\\.\)\?")


class CdxError(Exception):
    """An answer that is not a CDX listing."""


@dataclass(frozen=True)
class CdxCapture:
    timestamp: str       # 14 digits, UTC
    original: str
    status: str = "200"
    mimetype: str = ""
    digest: str = ""


def literal_prefix(pattern: str) -> Optional[str]:
    """The URL prefix an `allow` regex fixes (`^https?://baolaocai\\.vn/chuyen-doi-so/.+` →
    `baolaocai.vn/chuyen-doi-so/`), or None when it does not fix a host."""
    rest = _SCHEME.sub("", pattern, count=1)
    if rest == pattern:
        rest = pattern.lstrip("^")
    rest = _WWW.sub("", rest)
    out, i = [], 0
    while i < len(rest):
        ch = rest[i]
        if ch == "\\" and i + 1 < len(rest) and not rest[i + 1].isalnum():
            out.append(rest[i + 1])
            i += 2
            continue
        if ch in _META:
            # a quantifier makes the character before it optional
            if ch in "?*{" and out:
                out.pop()
            break
        out.append(ch)
        i += 1
    prefix = "".join(out)
    host = prefix.split("/", 1)[0]
    return prefix if "." in host or ":" in host else None


def query_urls(source: SourceConfig) -> list[str]:
    """What to ask the CDX server for a source: its start URLs and the prefixes its `allow`
    patterns fix, each once, and none that another one covers."""
    wanted = [re.sub(r"^https?://", "", u) for u in source.start_urls]
    wanted += [p for p in (literal_prefix(a) for a in source.allow) if p]
    wanted = sorted(set(wanted), key=len)
    kept: list[str] = []
    for w in wanted:
        if not any(w.startswith(k) for k in kept):
            kept.append(w)
    return kept


def query(endpoint: str, url: str, year_from: Optional[int], year_to: Optional[int],
          resume_key: Optional[str] = None) -> str:
    params = {"url": url, "matchType": "prefix", "filter": "statuscode:200", "collapse": "digest",
              "output": "json", "limit": str(PAGE_SIZE), "showResumeKey": "true"}
    if year_from:
        params["from"] = str(year_from)
    if year_to:
        params["to"] = str(year_to)
    if resume_key:
        params["resumeKey"] = resume_key
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"


def parse(body: bytes) -> tuple[list[CdxCapture], Optional[str]]:
    """The captures of one CDX answer and its resume key (None: the last page). CdxError when
    the answer is neither form."""
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        return [], None
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, list):
        return _wayback(data)
    if isinstance(data, dict):
        data = None
    captures = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:
            raise CdxError(f"line {n} is not JSON ({line[:60]!r})") from None
        if not isinstance(row, dict) or "timestamp" not in row or not (row.get("url") or row.get("original")):
            raise CdxError(f"line {n} is not a CDX capture ({line[:60]!r})")
        captures.append(_capture(str(row["timestamp"]), row.get("original") or row["url"],
                                 str(row.get("status") or row.get("statuscode") or ""),
                                 row.get("mime") or row.get("mimetype") or "", row.get("digest") or ""))
    return captures, None


def _wayback(rows: list) -> tuple[list[CdxCapture], Optional[str]]:
    if not rows:
        return [], None
    head = rows[0]
    if not (isinstance(head, list) and "timestamp" in head and "original" in head):
        raise CdxError(f"the first row does not name the fields ({str(head)[:60]})")
    resume = None
    if len(rows) >= 3 and rows[-2] == [] and isinstance(rows[-1], list) and len(rows[-1]) == 1:
        resume, rows = str(rows[-1][0]), rows[:-2]
    col = {name: i for i, name in enumerate(head)}
    captures = []
    for row in rows[1:]:
        if not isinstance(row, list) or len(row) != len(head):
            raise CdxError(f"a row does not have the {len(head)} fields of the header ({str(row)[:60]})")
        get = lambda name: str(row[col[name]]) if name in col else ""    # noqa: E731
        captures.append(_capture(get("timestamp"), get("original"), get("statuscode"), get("mimetype"),
                                 get("digest")))
    return captures, resume


def _capture(timestamp: str, original: str, status: str, mimetype: str, digest: str) -> CdxCapture:
    if not re.fullmatch(r"\d{14}", timestamp):
        raise CdxError(f"timestamp {timestamp[:20]!r} is not 14 digits")
    return CdxCapture(timestamp, original, status, mimetype, digest)


def capture_time(timestamp: str) -> str:
    """A 14-digit CDX timestamp (UTC) as the project stores instants."""
    return vn_iso(datetime.strptime(timestamp, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc))


def replay_url(prefix: str, timestamp: str, original: str) -> str:
    return f"{prefix}{timestamp}id_/{original}"


def replay_timestamp(prefix: str, url: str) -> Optional[str]:
    """The timestamp a replay URL names (after the archive redirected to its nearest capture)."""
    if not url.startswith(prefix):
        return None
    m = re.match(r"(\d{14})", url[len(prefix):])
    return m.group(1) if m else None
