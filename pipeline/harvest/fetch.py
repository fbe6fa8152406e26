"""Fetch stage: one URL → `Fetched` (a `Response`), safely and politely, with retries.

One `requests.Session` (pooled connections, identifying User-Agent). Every hop is checked
before it is requested: http(s) only, a host on the source's allowlist, and an address that is
global unless the host is in `settings.allow_hosts`. Bodies are streamed and decompressed by
us, so an oversize body or a gzip/brotli bomb is cut at `max_bytes` without being held in memory.
Transient failures (429/5xx, resets, timeouts, truncated bodies) are retried with exponential
backoff and jitter; a Retry-After longer than the cap defers the host to the next run.
"""
from __future__ import annotations

import email.utils
import ipaddress
import random
import socket
import threading
import time
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Optional
from urllib.parse import urljoin, urlsplit

import brotli
import requests
import urllib3
from requests.adapters import HTTPAdapter

from pipeline.clock import now_iso
from pipeline.models import Response, Settings
from pipeline.harvest.urls import SCHEMES, host_key

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK = 16 * 1024
MAX_BACKOFF = 60.0

# Fetched.error_kind values
TRANSIENT = "transient"    # retried, still failing: a timeout, a reset, a 5xx
REFUSED = "refused"        # not requested on purpose: scheme, allowlist, address, redirect loop
TOO_LARGE = "too_large"    # body (or its decompression) over max_bytes
HTTP_ERROR = "http_error"  # a final 4xx (or a 5xx after all retries)


@dataclass
class Fetched(Response):
    """A Response with what the crawler needs to decide: why it failed, how many tries it took."""
    error_kind: str = ""
    attempts: int = 1


class HostDeferred(Exception):
    """The server asked us to wait longer than `retry_after_cap`: leave the host for the next run."""

    def __init__(self, host: str, wait: float):
        super().__init__(f"{host} asked to wait {wait:.0f} s (Retry-After); deferred to the next run")
        self.host = host
        self.wait = wait


class _Failure(Exception):
    def __init__(self, kind: str, message: str, status: int = 0):
        super().__init__(message)
        self.kind = kind
        self.status = status


def retry_after_seconds(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Retry-After as seconds from now: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


class _Decoder:
    """Incremental Content-Encoding decoding that never produces more than asked for."""

    def __init__(self, encoding: str):
        self.encoding = encoding
        if encoding in ("", "identity"):
            self.kind = "identity"
        elif encoding in ("gzip", "x-gzip"):
            self.kind, self.z = "zlib", zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self.kind, self.z, self.raw_tried = "zlib", zlib.decompressobj(), False
        elif encoding == "br":
            self.kind, self.b = "br", brotli.Decompressor()
        else:
            raise _Failure(REFUSED, f"unsupported Content-Encoding {encoding!r}")

    def feed(self, data: bytes, room: int) -> bytes:
        """Decode `data`; raise TOO_LARGE if the output would exceed `room` bytes."""
        if self.kind == "identity":
            if len(data) > room:
                raise _Failure(TOO_LARGE, "body larger than the limit")
            return data
        try:
            if self.kind == "zlib":
                out = self._zlib(data, room)
            else:
                out = self.b.process(data, output_buffer_limit=room + 1)
                if len(out) > room or not self.b.can_accept_more_data():
                    raise _Failure(TOO_LARGE, "decompressed body larger than the limit (brotli bomb?)")
        except (zlib.error, brotli.error) as e:
            raise _Failure(TRANSIENT, f"corrupt {self.encoding} body ({e})") from None
        return out

    def _zlib(self, data: bytes, room: int) -> bytes:
        try:
            out = self.z.decompress(data, room + 1)
        except zlib.error:
            if self.encoding == "deflate" and not self.raw_tried:
                # servers send raw deflate as often as the zlib format the RFC asks for
                self.raw_tried = True
                self.z = zlib.decompressobj(-zlib.MAX_WBITS)
                return self._zlib(data, room)
            raise
        if self.encoding == "deflate":
            self.raw_tried = True
        if len(out) > room or self.z.unconsumed_tail:
            raise _Failure(TOO_LARGE, "decompressed body larger than the limit (gzip bomb?)")
        if self.z.eof and self.z.unused_data and self.encoding != "deflate":
            rest = self.z.unused_data  # concatenated gzip members
            self.z = zlib.decompressobj(16 + zlib.MAX_WBITS)
            out += self._zlib(rest, room - len(out))
        return out


class Fetcher:
    """Fetch URLs for the crawler. Thread-safe; the crawler serializes requests per host."""

    def __init__(self, settings: Settings, archive=None, sleep: Callable[[float], None] = time.sleep):
        self.settings = settings
        self.archive = archive
        self.sleep = sleep
        self.session = requests.Session()
        # one pool per host; one connection each suffices because a host gets one request at a time
        adapter = HTTPAdapter(pool_connections=128, pool_maxsize=2, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update({
            "User-Agent": settings.user_agent,
            "Accept": "text/html,application/xhtml+xml,application/pdf;q=0.9,application/xml;q=0.8,*/*;q=0.5",
            "Accept-Encoding": "gzip, deflate, br",
            "Accept-Language": "vi,en;q=0.5",
        })
        self._addresses: dict[str, Optional[str]] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self.session.close()

    # -- safety -------------------------------------------------------------------------------

    def check_url(self, url: str, allowed_hosts: Optional[set[str]]) -> None:
        """Raise _Failure(REFUSED) unless `url` may be requested at all."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in SCHEMES:
            raise _Failure(REFUSED, f"refused {url}: only http and https are fetched")
        host = (parts.hostname or "").lower()
        if not host:
            raise _Failure(REFUSED, f"refused {url}: no host")
        if allowed_hosts is not None and host_key(url) not in allowed_hosts:
            raise _Failure(REFUSED, f"refused {url}: {host_key(url)} is not one of the source's hosts")
        if host in self.settings.allow_hosts:
            return
        problem = self._address_problem(host, parts.port or (443 if parts.scheme == "https" else 80))
        if problem:
            raise _Failure(REFUSED, f"refused {url}: {problem}; list the host in settings.allow_hosts "
                                    "if it is meant to be crawled")

    def _address_problem(self, host: str, port: int) -> Optional[str]:
        with self._lock:
            if host in self._addresses:
                return self._addresses[host]
        try:
            addresses = [ipaddress.ip_address(host)]
        except ValueError:
            try:
                infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except socket.gaierror as e:
                raise _Failure(TRANSIENT, f"cannot resolve {host} ({e.strerror})") from None
            addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
        bad = [str(a) for a in addresses if not a.is_global]
        problem = f"{host} resolves to {bad[0]}, which is not a public address" if bad else None
        with self._lock:
            self._addresses[host] = problem
        return problem

    # -- fetching -----------------------------------------------------------------------------

    def fetch(self, url: str, allowed_hosts: Optional[set[str]] = None,
              headers: Optional[dict[str, str]] = None, max_bytes: Optional[int] = None,
              retries: Optional[int] = None) -> Fetched:
        """GET `url` with retries. Never raises for network trouble (the result says it), except
        HostDeferred when the server asks for a pause longer than the cap."""
        s = self.settings
        retries = s.retries if retries is None else retries
        last: Optional[Fetched] = None
        for attempt in range(1, retries + 2):
            wait = None
            try:
                result = self._fetch_once(url, allowed_hosts, headers or {}, max_bytes or s.max_bytes)
            except _Failure as f:
                result = Fetched(url=url, final_url=url, status=f.status, headers={}, body=b"",
                                 fetched_at=now_iso(), error=str(f), error_kind=f.kind)
                if f.kind != TRANSIENT:
                    result.attempts = attempt
                    return result
            else:
                if result.status not in RETRY_STATUSES:
                    result.attempts = attempt
                    return result
                result.error = f"HTTP {result.status} from {result.final_url}"
                result.error_kind = HTTP_ERROR
                wait = retry_after_seconds(result.headers.get("retry-after"))
                if wait is not None and wait > s.retry_after_cap:
                    raise HostDeferred(host_key(url), wait)
            result.attempts = attempt
            last = result
            if attempt > retries:
                break
            backoff = min(MAX_BACKOFF, s.backoff * 2 ** (attempt - 1)) * random.uniform(0.5, 1.5)
            self.sleep(max(backoff, wait or 0.0))
        assert last is not None
        last.error = f"{last.error} (after {last.attempts} attempts)"
        return last

    def _fetch_once(self, url: str, allowed_hosts: Optional[set[str]], headers: dict[str, str],
                    max_bytes: int) -> Fetched:
        s = self.settings
        deadline = time.monotonic() + s.deadline
        current, seen, hops = url, {url}, 0
        while True:
            self.check_url(current, allowed_hosts)
            try:
                r = self.session.get(current, headers=headers, stream=True, allow_redirects=False,
                                     timeout=(s.timeout_connect, s.timeout_read))
            except requests.exceptions.Timeout:
                raise _Failure(TRANSIENT, f"timed out connecting to or waiting for {host_key(current)}") from None
            except requests.exceptions.ConnectionError as e:
                raise _Failure(TRANSIENT, f"connection to {host_key(current)} failed ({_reason(e)})") from None
            except requests.exceptions.RequestException as e:
                raise _Failure(REFUSED, f"cannot request {current} ({_reason(e)})") from None
            with r:
                self._check_peer(r, current)
                resp_headers = {k.lower(): v for k, v in r.headers.items()}
                if r.status_code in REDIRECT_STATUSES and "location" in resp_headers:
                    self._archive(r, current, b"", resp_headers)
                    target = urljoin(current, resp_headers["location"])
                    hops += 1
                    if target in seen:
                        raise _Failure(REFUSED, f"redirect loop at {target}", r.status_code)
                    if hops > s.max_redirects:
                        raise _Failure(REFUSED, f"more than {s.max_redirects} redirects from {url}", r.status_code)
                    seen.add(target)
                    current = target
                    continue
                try:
                    body = self._read_body(r, max_bytes, deadline)
                except _Failure as f:
                    f.status = r.status_code
                    self._archive(r, current, b"", resp_headers, truncated=f.kind == TOO_LARGE and "length")
                    raise
                file, offset = self._archive(r, current, body, resp_headers)
                return Fetched(url=url, final_url=current, status=r.status_code, headers=resp_headers,
                               body=body, fetched_at=now_iso(), not_modified=r.status_code == 304,
                               warc_file=file, warc_offset=offset)

    def _check_peer(self, r: requests.Response, url: str) -> None:
        """The address actually connected to must pass the same test as the resolved one: a DNS
        answer that changed between our check and the connection (rebinding) is refused here,
        before the body is read."""
        host = (urlsplit(url).hostname or "").lower()
        if host in self.settings.allow_hosts:
            return
        try:
            peer = r.raw._connection.sock.getpeername()[0]
        except (AttributeError, OSError, IndexError):
            return  # no socket to ask (already released): the resolver check stands
        if not ipaddress.ip_address(peer.split("%")[0]).is_global:
            raise _Failure(REFUSED, f"refused {url}: connected to {peer}, which is not a public address "
                                    "(the DNS answer changed); list the host in settings.allow_hosts if meant")

    def _read_body(self, r: requests.Response, max_bytes: int, deadline: float) -> bytes:
        length = r.headers.get("content-length", "")
        if length.isdigit() and int(length) > max_bytes:
            raise _Failure(TOO_LARGE, f"Content-Length {length} is over the {max_bytes}-byte limit")
        decoder = _Decoder(r.headers.get("content-encoding", "").strip().lower())
        out = bytearray()
        try:
            while True:
                # read1: whatever has arrived, so the deadline is checked while a body trickles in
                chunk = r.raw.read1(CHUNK, decode_content=False)
                if not chunk:
                    break
                out += decoder.feed(chunk, max_bytes - len(out))
                if time.monotonic() > deadline:
                    raise _Failure(TRANSIENT, f"body still arriving after {self.settings.deadline:g} s "
                                              "(slow trickle); gave up")
        except _Failure as f:
            if f.kind == TOO_LARGE:
                f.args = (f"{f} ({max_bytes} bytes) at {r.url}",)
            raise
        except (urllib3.exceptions.ReadTimeoutError, socket.timeout):
            raise _Failure(TRANSIENT, f"no data for {self.settings.timeout_read:g} s from {host_key(r.url)} "
                                      "(stalled)") from None
        except urllib3.exceptions.ProtocolError as e:
            raise _Failure(TRANSIENT, f"truncated body from {host_key(r.url)} ({_reason(e)})") from None
        except (urllib3.exceptions.HTTPError, OSError) as e:
            raise _Failure(TRANSIENT, f"reading body from {host_key(r.url)} failed ({_reason(e)})") from None
        return bytes(out)

    def _archive(self, r: requests.Response, url: str, body: bytes, headers: dict[str, str],
                 truncated=None) -> tuple[Optional[str], Optional[int]]:
        if self.archive is None:
            return None, None
        return self.archive.write_exchange(
            url=url, request_headers=dict(r.request.headers), status=r.status_code, reason=r.reason or "",
            response_headers=list(r.raw.headers.items()), body=body, truncated=truncated)


def _reason(e: BaseException) -> str:
    """The innermost readable cause of a requests/urllib3 error, on one line."""
    for _ in range(10):
        inner = None
        if e.args and isinstance(e.args[0], BaseException):
            inner = e.args[0]
        elif isinstance(getattr(e, "reason", None), BaseException):
            inner = e.reason
        elif e.__cause__ is not None:
            inner = e.__cause__
        if inner is None or inner is e:
            break
        e = inner
    text = str(e).strip()
    return (text.splitlines()[0] if text else type(e).__name__)[:200]


def http_date(ts: datetime) -> str:
    return email.utils.format_datetime(ts.astimezone(timezone.utc), usegmt=True)
