"""A real HTTP server on 127.0.0.1 that misbehaves on demand, for the crawler's tests.

    with FaultServer() as srv:
        srv.page("/a.html", "<html>...</html>", etag='"v1"')
        srv.route("/flaky", statuses([503, 200], body=b"ok"))
        srv.route("/reset", reset())
        ... srv.url("/a.html"), srv.hits("/a.html") ...

Each server is its own host:port, so several of them are several hosts to the crawler.
Behaviours are small functions of the request handler; `srv.hits` records every request with
its headers and monotonic time, for politeness and revalidation checks.
"""
from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Optional, Union

Behaviour = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    at: float          # time.monotonic() when the request line arrived
    done: float = 0.0  # when the handler finished writing


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like real servers; every response has a length

    def do_GET(self):
        srv: FaultServer = self.server.owner  # type: ignore[attr-defined]
        hit = Hit(self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
        with srv.lock:
            srv.log.append(hit)
        behaviour = srv.routes.get(self.path) or srv.routes.get(self.path.split("?")[0])
        try:
            if behaviour is None:
                send(self, 404, b"not found", "text/plain")
            else:
                behaviour(self)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            hit.done = time.monotonic()

    def log_message(self, *args):  # keep test output clean
        pass


def send(h: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str = "text/html; charset=utf-8",
         headers: Optional[dict[str, str]] = None) -> None:
    h.send_response(status)
    h.send_header("Content-Type", content_type)
    for k, v in (headers or {}).items():
        h.send_header(k, v)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def page(body: Union[str, bytes], content_type: str = "text/html; charset=utf-8", etag: Optional[str] = None,
         last_modified: Optional[float] = None, status: int = 200,
         headers: Optional[dict[str, str]] = None) -> Behaviour:
    """A page that honours If-None-Match / If-Modified-Since with 304 when given validators."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    lm = formatdate(last_modified, usegmt=True) if last_modified is not None else None

    def behave(h):
        extra = dict(headers or {})
        if etag:
            extra["ETag"] = etag
        if lm:
            extra["Last-Modified"] = lm
        inm, ims = h.headers.get("If-None-Match"), h.headers.get("If-Modified-Since")
        if (etag and inm == etag) or (lm and not etag and ims == lm):
            h.send_response(304)
            for k, v in extra.items():
                h.send_header(k, v)
            h.end_headers()
            return
        send(h, status, data, content_type, extra)
    return behave


def statuses(sequence: list[int], body: Union[str, bytes] = b"ok", content_type: str = "text/html; charset=utf-8",
             retry_after: Optional[str] = None) -> Behaviour:
    """Answer with each status of `sequence` in turn (the last one repeats)."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    calls = {"n": 0}
    lock = threading.Lock()

    def behave(h):
        with lock:
            status = sequence[min(calls["n"], len(sequence) - 1)]
            calls["n"] += 1
        extra = {"Retry-After": retry_after} if retry_after and status in (429, 503) else {}
        send(h, status, data if status == 200 else f"status {status}".encode(), content_type, extra)
    return behave


def reset(times: int = 1_000_000, then: Optional[Behaviour] = None) -> Behaviour:
    """Reset the connection (TCP RST) without a response, `times` times, then behave like `then`."""
    calls = {"n": 0}

    def behave(h):
        calls["n"] += 1
        if calls["n"] > times and then is not None:
            return then(h)
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.close_connection = True
        h.connection.close()
    return behave


def stall_after_headers(seconds: float, declared: int = 1000) -> Behaviour:
    def behave(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(declared))
        h.end_headers()
        h.wfile.flush()
        time.sleep(seconds)
        h.close_connection = True
    return behave


def trickle(total: int, interval: float, chunk: bytes = b"x") -> Behaviour:
    """Send a body of `total` bytes, one small chunk every `interval` seconds."""
    def behave(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(total))
        h.end_headers()
        sent = 0
        while sent < total:
            h.wfile.write(chunk)
            h.wfile.flush()
            sent += len(chunk)
            time.sleep(interval)
    return behave


def truncated(declared: int, sent: bytes) -> Behaviour:
    """Promise `declared` bytes, send fewer, close."""
    def behave(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(declared))
        h.end_headers()
        h.wfile.write(sent)
        h.wfile.flush()
        h.close_connection = True
    return behave


def redirect(location: str, status: int = 302) -> Behaviour:
    def behave(h):
        send(h, status, b"", "text/plain", {"Location": location})
    return behave


def chunked(body: bytes, content_type: str = "text/html; charset=utf-8", encoding: Optional[str] = None,
            chunk_size: int = 64 * 1024) -> Behaviour:
    """A body without Content-Length (chunked transfer encoding), optionally Content-Encoded."""
    def behave(h):
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        if encoding:
            h.send_header("Content-Encoding", encoding)
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        for i in range(0, len(body), chunk_size):
            part = body[i:i + chunk_size]
            h.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
        h.wfile.write(b"0\r\n\r\n")
    return behave


def gzip_bomb(expanded: int) -> bytes:
    """`expanded` zero bytes gzipped: a few KB on the wire per MB inflated."""
    return gzip.compress(b"\0" * expanded, compresslevel=9)


class FaultServer:
    def __init__(self, host: str = "127.0.0.1"):
        self.routes: dict[str, Behaviour] = {}
        self.log: list[Hit] = []
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer((host, 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = self  # type: ignore[attr-defined]
        self.host, self.port = self.httpd.server_address[:2]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, behaviour: Behaviour) -> "FaultServer":
        self.routes[path] = behaviour
        return self

    def page(self, path: str, body: Union[str, bytes], **kwargs) -> "FaultServer":
        return self.route(path, page(body, **kwargs))

    def hits(self, path: Optional[str] = None) -> list[Hit]:
        with self.lock:
            return [h for h in self.log if path is None or h.path == path]

    def start(self) -> "FaultServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> "FaultServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def article(title: str, body: str, links: tuple[str, ...] = ()) -> str:
    """A small article page in the shape of a provincial news site."""
    anchors = "".join(f'<p><a href="{u}">{u.rsplit("/", 1)[-1]}</a></p>' for u in links)
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n") if p.strip())
    return (f"<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>{title}</title></head>"
            f"<body><article><h1>{title}</h1>{paragraphs}{anchors}</article></body></html>")


def listing(links: list[str], next_page: Optional[str] = None) -> str:
    items = "".join(f'<li><a href="{u}">{u}</a></li>' for u in links)
    nxt = f'<a class="next" href="{next_page}">Trang sau</a>' if next_page else ""
    return f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Tin tức</title></head><body><ul>{items}</ul>{nxt}</body></html>"
