"""Archive stage: every HTTP request and response of a harvest, in gzipped WARC files (warcio).

Each run writes its own files (`harvest-<time>-<pid>-<n>.warc.gz`, rotated at `max_size`), so a
run killed mid-record only leaves a torn tail in its own last file. Response records hold the
body after Content-Encoding was undone (the crawler has to decompress with a limit anyway);
the original header is kept as `X-Archive-Orig-Content-Encoding`, as pywb does. warcio adds
WARC-Block-Digest and WARC-Payload-Digest. A record is flushed before the database points at it.
"""
from __future__ import annotations

import io
import os
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator, Optional
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline import __version__
from pipeline.models import Settings

DEFAULT_MAX_SIZE = 1024 ** 3
# Hop-by-hop and encoding headers that no longer describe the stored (decoded) body
_REWRITTEN = {"content-encoding", "transfer-encoding", "content-length"}


@dataclass
class ArchivedResponse:
    """One response record read back from a WARC file."""
    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    date: str


def default_warc_dir(settings: Settings, db_path: str | Path) -> Path:
    """WARC files live in `warc/` beside the database, unless settings.warc_dir says otherwise."""
    if settings.warc_dir != Settings.warc_dir:
        return Path(settings.warc_dir)
    return Path(db_path).resolve().parent / "warc"


class WarcArchive:
    """Thread-safe WARC writer for one harvest run."""

    def __init__(self, directory: str | Path, max_size: int = DEFAULT_MAX_SIZE, prefix: str = "harvest"):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.max_size = max_size
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
        self.stem = f"{prefix}-{stamp}-{os.getpid()}"
        self.serial = 0
        self._lock = threading.Lock()
        self._file = None
        self._writer: Optional[WARCWriter] = None
        self.path: Optional[Path] = None

    def _open(self) -> None:
        if self._file is not None:
            self._file.close()
        self.path = self.directory / f"{self.stem}-{self.serial:05d}.warc.gz"
        self.serial += 1
        self._file = open(self.path, "ab")
        self._writer = WARCWriter(self._file, gzip=True)
        info = self._writer.create_warcinfo_record(self.path.name, {
            "software": f"dti-harvester/{__version__} (warcio)",
            "format": "WARC File Format 1.1",
            "description": "response bodies are stored decoded; see X-Archive-Orig-Content-Encoding",
        })
        self._writer.write_record(info)
        self._file.flush()

    def write_exchange(self, url: str, request_headers: dict[str, str], status: int, reason: str,
                       response_headers: list[tuple[str, str]], body: bytes,
                       truncated: Optional[str] = None) -> tuple[str, int]:
        """Write a request/response pair; return (file name, offset of the response record)."""
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        req_headers = [(k, v) for k, v in request_headers.items()]
        if not any(k.lower() == "host" for k, _ in req_headers):
            req_headers.insert(0, ("Host", parts.netloc))
        resp_headers = []
        for k, v in response_headers:
            if k.lower() in _REWRITTEN:
                if k.lower() == "content-encoding":
                    resp_headers.append(("X-Archive-Orig-Content-Encoding", v))
                continue
            resp_headers.append((k, v))
        resp_headers.append(("Content-Length", str(len(body))))
        with self._lock:
            if self._file is None or self._file.tell() > self.max_size:
                self._open()
            w = self._writer
            req = w.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=StatusAndHeaders(
                f"GET {target} HTTP/1.1", req_headers, is_http_request=True))
            warc_headers = {"WARC-Truncated": truncated} if truncated else None
            resp = w.create_warc_record(url, "response", payload=io.BytesIO(body), length=None,
                                        http_headers=StatusAndHeaders(f"{status} {reason}".strip(), resp_headers,
                                                                      protocol="HTTP/1.1"),
                                        warc_headers_dict=warc_headers)
            req.rec_headers.add_header("WARC-Concurrent-To", resp.rec_headers.get_header("WARC-Record-ID"))
            w.write_record(req)
            offset = self._file.tell()
            w.write_record(resp)
            self._file.flush()
            return self.path.name, offset

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.flush()
                os.fsync(self._file.fileno())
                self._file.close()
                self._file = None


def read_response(directory: str | Path, file: str, offset: int) -> ArchivedResponse:
    """The response record at `offset` of `file` (as stored in documents.warc_file/warc_offset)."""
    with open(Path(directory) / file, "rb") as f:
        f.seek(offset)
        for record in ArchiveIterator(f):
            if record.rec_type != "response":
                break
            return _archived(record)
    raise ArchiveLoadFailed(f"{file}@{offset}: no response record there")


def iter_responses(directory: str | Path) -> Iterator[tuple[str, int, ArchivedResponse]]:
    """Every response record of every WARC file, oldest file first; a torn tail (a run killed
    mid-write) ends that file's iteration instead of failing."""
    for path in sorted(Path(directory).glob("*.warc.gz")):
        with open(path, "rb") as f:
            it = ArchiveIterator(f)
            try:
                for record in it:
                    if record.rec_type == "response":
                        yield path.name, it.offset, _archived(record)
            except (ArchiveLoadFailed, EOFError, OSError, ValueError):
                continue


def _archived(record) -> ArchivedResponse:
    http = record.http_headers
    status = int((http.get_statuscode() or "0")) if http else 0
    headers = {k.lower(): v for k, v in (http.headers if http else [])}
    body = record.content_stream().read()
    return ArchivedResponse(url=record.rec_headers.get_header("WARC-Target-URI"), status=status,
                            headers=headers, body=body, date=record.rec_headers.get_header("WARC-Date"))
