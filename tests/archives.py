"""Web archives of the tests' own: a CDX server with its replay on 127.0.0.1 (real HTTP, the
Wayback Machine's query and answer forms, or pywb's), and WARC and WACZ files written with warcio.

    with ArchiveServer() as arc:
        arc.capture("http://site/a.html", "20210301080000", html)
        ... arc.cdx_endpoint, arc.replay_prefix, arc.hits ...
"""
from __future__ import annotations

import gzip
import io
import json
import threading
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from hashlib import sha1
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional, Union
from urllib.parse import parse_qs, urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.servers import Hit


@dataclass
class Snapshot:
    original: str
    timestamp: str              # 14 digits, UTC
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200

    @property
    def digest(self) -> str:
        return sha1(self.body).hexdigest().upper()


def _bare(url: str) -> str:
    return url.split("://", 1)[-1]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        srv: ArchiveServer = self.server.owner  # type: ignore[attr-defined]
        import time
        with srv.lock:
            srv.hits.append(Hit(self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic()))
        path = urlsplit(self.path).path
        try:
            if path == "/robots.txt":
                self._send(200, srv.robots.encode(), "text/plain")
            elif path == "/cdx":
                self._cdx(srv)
            elif path.startswith("/web/"):
                self._replay(srv)
            else:
                self._send(404, b"not found", "text/plain")
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(self, status: int, body: bytes, ctype: str, headers: Optional[dict] = None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _cdx(self, srv: "ArchiveServer"):
        q = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        prefix = q.get("url", "")
        for bad, how in srv.faults.items():
            if prefix.startswith(bad):
                if how == "garbage":
                    return self._send(200, b"<html><body>Service temporarily unavailable</body></html>",
                                      "text/html")
                return self._send(int(how), f"status {how}".encode(), "text/plain")
        rows = sorted((s for s in srv.snapshots if _bare(s.original).startswith(prefix)),
                      key=lambda s: (_bare(s.original), s.timestamp))
        if q.get("from"):
            rows = [s for s in rows if s.timestamp[:len(q["from"])] >= q["from"]]
        if q.get("to"):
            rows = [s for s in rows if s.timestamp[:len(q["to"])] <= q["to"]]
        if q.get("filter") == "statuscode:200":
            rows = [s for s in rows if s.status == 200]
        if q.get("collapse") == "digest":
            rows = [s for i, s in enumerate(rows) if i == 0 or (rows[i - 1].original, rows[i - 1].digest)
                    != (s.original, s.digest)]
        start = int(q.get("resumeKey") or 0)
        limit = int(q.get("limit") or len(rows) or 1)
        page, more = rows[start:start + limit], start + limit < len(rows)
        if srv.style == "pywb":
            body = "".join(json.dumps({"urlkey": _bare(s.original), "timestamp": s.timestamp, "url": s.original,
                                       "mime": s.content_type.split(";")[0], "status": str(s.status),
                                       "digest": s.digest}) + "\n" for s in page)
            return self._send(200, body.encode(), "text/x-ndjson")
        out = [["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]]
        out += [[_bare(s.original), s.timestamp, s.original, s.content_type.split(";")[0], str(s.status), s.digest,
                 str(len(s.body))] for s in page]
        if more and q.get("showResumeKey") == "true":
            out += [[], [str(start + limit)]]
        self._send(200, json.dumps(out).encode(), "application/json")

    def _replay(self, srv: "ArchiveServer"):
        rest = self.path[len("/web/"):]
        stamp, _, original = rest.partition("id_/")
        same = [s for s in srv.snapshots if s.original == original]
        exact = [s for s in same if s.timestamp == stamp]
        if not exact and same:   # the nearest capture, by redirect, as the Wayback Machine does
            near = min(same, key=lambda s: abs(int(s.timestamp) - int(stamp or 0)))
            return self._send(302, b"", "text/plain", {"Location": f"/web/{near.timestamp}id_/{original}"})
        if not exact:
            return self._send(404, b"not archived", "text/plain")
        s = exact[0]
        self._send(s.status, s.body, s.content_type, {"X-Archive-Orig-Server": "nginx"})

    def log_message(self, *args):
        pass


class ArchiveServer:
    """A CDX API at /cdx and replay at /web/{timestamp}id_/{original}, on 127.0.0.1."""

    def __init__(self, style: str = "wayback", robots: str = "User-agent: *\nDisallow: /private/\n"):
        self.snapshots: list[Snapshot] = []
        self.faults: dict[str, Union[int, str]] = {}     # CDX url prefix → HTTP status or "garbage"
        self.style = style
        self.robots = robots
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = self  # type: ignore[attr-defined]
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def cdx_endpoint(self) -> str:
        return self.base + "/cdx"

    @property
    def replay_prefix(self) -> str:
        return self.base + "/web/"

    def capture(self, original: str, timestamp: str, body: Union[str, bytes], **kw) -> Snapshot:
        s = Snapshot(original, timestamp, body.encode("utf-8") if isinstance(body, str) else body, **kw)
        self.snapshots.append(s)
        return s

    def replays(self) -> list[str]:
        with self.lock:
            return [h.path for h in self.hits if h.path.startswith("/web/")]

    def __enter__(self) -> "ArchiveServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# --- WARC and WACZ files -----------------------------------------------------------------------------

@dataclass
class Page:
    url: str
    date: str                   # ISO 8601 UTC, 2021-03-01T08:00:00Z
    body: Union[str, bytes]
    content_type: str = "text/html; charset=utf-8"
    status: int = 200


def warc_bytes(pages: list[Page], gzipped: bool = True) -> bytes:
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=gzipped)
    w.write_record(w.create_warcinfo_record("test.warc", {"software": "tests (warcio)"}))
    for p in pages:
        body = p.body.encode("utf-8") if isinstance(p.body, str) else p.body
        http = StatusAndHeaders(f"{p.status} {'OK' if p.status == 200 else 'Other'}",
                                [("Content-Type", p.content_type), ("Content-Length", str(len(body)))],
                                protocol="HTTP/1.1")
        rec = w.create_warc_record(p.url, "response", payload=io.BytesIO(body), http_headers=http,
                                   warc_headers_dict={"WARC-Date": p.date})
        w.write_record(rec)
    return buf.getvalue()


def broken_header_record(url: str, date: str, gzipped: bool = True) -> bytes:
    """A response record whose HTTP header block is not HTTP."""
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=gzipped)
    payload = b"GARBAGE NOT AN HTTP HEADER\r\n\x00\x01\r\n\r\n<html>lost</html>"
    rec = w.create_warc_record(url, "resource", payload=io.BytesIO(payload), length=len(payload),
                               warc_content_type="application/http; msgtype=response",
                               warc_headers_dict={"WARC-Date": date})
    rec.rec_type = "response"
    rec.rec_headers.replace_header("WARC-Type", "response")
    w.write_record(rec)
    return buf.getvalue()


def write_warc(path: Path, pages: list[Page], gzipped: bool = True) -> Path:
    path.write_bytes(warc_bytes(pages, gzipped))
    return path


def _cdxj(pages: list[Page], data: bytes, name: str) -> bytes:
    """A CDXJ index of the WARC, as WACZ packages carry it (indexes/index.cdxj)."""
    from warcio.archiveiterator import ArchiveIterator
    lines = []
    it = ArchiveIterator(io.BytesIO(data))
    for rec in it:
        if rec.rec_type == "response":
            uri = rec.rec_headers.get_header("WARC-Target-URI")
            when = datetime.fromisoformat(rec.rec_headers.get_header("WARC-Date").replace("Z", "+00:00"))
            stamp = when.astimezone(timezone.utc).strftime("%Y%m%d%H%M%S")
            it.read_to_end(rec)
            lines.append(f"{_bare(uri)} {stamp} " + json.dumps({
                "url": uri, "status": rec.http_headers.get_statuscode(), "offset": it.get_record_offset(),
                "length": it.get_record_length(), "filename": name}))
    return ("\n".join(sorted(lines)) + "\n").encode()


def write_wacz(path: Path, pages: list[Page], with_index: bool = True) -> Path:
    data = warc_bytes(pages)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("archive/data.warc.gz"), data)     # stored, as the spec asks
        if with_index:
            z.writestr("indexes/index.cdxj", _cdxj(pages, data, "data.warc.gz"))
        z.writestr("pages/pages.jsonl", '{"format": "json-pages-1.0", "id": "pages"}\n' + "".join(
            json.dumps({"url": p.url, "ts": p.date}) + "\n" for p in pages))
        z.writestr("datapackage.json", json.dumps({"profile": "data-package", "wacz_version": "1.1.1",
                                                   "resources": [{"name": "data.warc.gz",
                                                                  "path": "archive/data.warc.gz"}]}))
    return path


def gz(data: bytes) -> bytes:
    return gzip.compress(data)
