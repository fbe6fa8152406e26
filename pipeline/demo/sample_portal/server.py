"""Serve the sample sites on 127.0.0.1: one ThreadingHTTPServer per site, each on its own free
port, so each site is its own host:port with its own politeness queue in the crawler.

    with start_portal() as portal:
        portal.sites["baolaocai"]      # 'http://127.0.0.1:PORT'
        portal.sources_yaml()          # a sources config that harvests all of it

Responses carry Content-Type with a charset, Content-Length, ETag and Last-Modified, and
conditional GETs (If-None-Match, If-Modified-Since) get 304, so a second harvest is incremental.
"""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional
from urllib.parse import urlsplit

import yaml

from pipeline.demo.sample_portal.content import SITES, articles_of
from pipeline.demo.sample_portal.templates import Page, http_date, listing_url, render_site, categories

USER_AGENT = "dti-harvester-demo/0.1 (+https://example.org/dti-harvester; sample portal on 127.0.0.1)"
NOT_FOUND = ("<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>404</title></head>"
             "<body><h1>Không tìm thấy trang</h1></body></html>").encode("utf-8")


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:24] + '"'


@dataclass(frozen=True)
class Hit:
    """One request the portal answered (tests read these to check revalidation)."""
    site: str
    method: str
    path: str
    status: int
    user_agent: str


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, site: str, log: list[Hit], lock: threading.Lock, port: int = 0):
        super().__init__(("127.0.0.1", port), _Handler)
        self.site = site
        self.pages: dict[str, Page] = {}
        self.etags: dict[str, str] = {}
        self.log = log
        self.log_lock = lock


class _Handler(BaseHTTPRequestHandler):
    server: _SiteServer
    protocol_version = "HTTP/1.1"      # keep-alive, so the crawler's pooled session is exercised
    server_version = "SamplePortal/1.0"

    def log_message(self, format, *args):  # the Hit log replaces stderr noise
        pass

    def _record(self, status: int) -> None:
        with self.server.log_lock:
            self.server.log.append(Hit(self.server.site, self.command, self.path, status,
                                       self.headers.get("User-Agent", "")))

    def _not_modified(self, etag: str, page: Page) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
            tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
            return "*" in tags or etag in tags
        ims = self.headers.get("If-Modified-Since")
        if ims:
            try:
                since = parsedate_to_datetime(ims)
            except (TypeError, ValueError):
                return False
            if since.tzinfo is None:
                since = since.replace(tzinfo=timezone.utc)
            return page.last_modified.replace(microsecond=0) <= since
        return False

    def _respond(self, send_body: bool) -> None:
        path = self.path
        parts = urlsplit(path)
        page = self.server.pages.get(path) or self.server.pages.get(parts.path if not parts.query else path)
        if page is None:
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(NOT_FOUND)))
            self.end_headers()
            if send_body:
                self.wfile.write(NOT_FOUND)
            self._record(404)
            return
        etag = self.server.etags[path if path in self.server.pages else parts.path]
        if self._not_modified(etag, page):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", http_date(page.last_modified))
            self.end_headers()
            self._record(304)
            return
        self.send_response(200)
        self.send_header("Content-Type", page.content_type)
        self.send_header("Content-Length", str(len(page.body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", http_date(page.last_modified))
        self.send_header("Cache-Control", "max-age=60")
        self.end_headers()
        if send_body:
            self.wfile.write(page.body)
        self._record(200)

    def do_GET(self):
        self._respond(True)

    def do_HEAD(self):
        self._respond(False)


@dataclass
class Portal:
    """The running sample sites. Use as a context manager, or call close()."""
    sites: dict[str, str] = field(default_factory=dict)      # site name → base URL
    hits: list[Hit] = field(default_factory=list)
    _servers: dict[str, _SiteServer] = field(default_factory=dict, repr=False)
    _threads: list[threading.Thread] = field(default_factory=list, repr=False)

    def __enter__(self) -> "Portal":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for srv in self._servers.values():
            srv.shutdown()
            srv.server_close()
        for t in self._threads:
            t.join(timeout=5)
        self._servers.clear()

    def paths(self, site: str) -> list[str]:
        """Every path (with query) the site serves."""
        return sorted(self._servers[site].pages)

    def url(self, site: str, path: str) -> str:
        return self.sites[site] + path

    def article_urls(self, site: Optional[str] = None) -> list[str]:
        """Absolute URLs of the articles (of one site, or all), newest first per site."""
        names = [site] if site else list(self.sites)
        return [self.sites[n] + a.path for n in names for a in articles_of(n)]

    def attachment_urls(self) -> list[str]:
        return [self.sites[a.site] + a.attachment_path for n in self.sites for a in articles_of(n)
                if a.attachment]

    def sources(self, delay: float = 0.05) -> dict:
        """A sources config (as data) that harvests the whole portal through the normal crawler."""
        entries = []
        for name, base in self.sites.items():
            spec = SITES[name]
            entry: dict = {"name": f"sample-{name}", "outlet": spec.outlet, "delay": delay,
                           "start_urls": [base + listing_url(spec, c) for c in categories(spec)]}
            if spec.province:
                entry["province"] = spec.province
            if spec.remove_selectors:
                entry["remove_selectors"] = list(spec.remove_selectors)
            if spec.family == "newspaper":
                entry["allow"] = [r"/baolaocai/[a-z0-9-]+/[a-z0-9-]+-post\d+\.html$"]
                entry["follow"] = [r"/baolaocai/[a-z0-9-]+(\?page=\d+)?$"]
                entry["feeds"] = [base + "/rss/chuyen-doi-so.rss"]
            elif spec.family == "nukeviet":
                entry["allow"] = [r"/thanhhoa/vi/news/[a-z0-9-]+/[a-z0-9-]+-\d+\.html$",
                                  r"/thanhhoa/uploads/news/[a-z0-9-]+\.pdf$"]
                entry["follow"] = [r"/thanhhoa/vi/news/[a-z0-9-]+/(page-\d+)?$"]
            else:
                entry["allow"] = [r"/thoibaoso/[a-z0-9-]+/[a-z0-9-]+-\d+\.html$"]
                entry["follow"] = [r"/thoibaoso/[a-z0-9-]+$"]
                entry["sitemaps"] = [base + "/sitemap.xml"]
            entries.append(entry)
        return {"settings": {"user_agent": USER_AGENT, "allow_hosts": ["127.0.0.1"],
                             "timeout_connect": 5.0, "timeout_read": 10.0, "retries": 1, "backoff": 0.1},
                "sources": entries}

    def sources_yaml(self, delay: float = 0.05) -> str:
        header = "# Generated by pipeline.demo.sample_portal for the sample portal running on 127.0.0.1.\n"
        return header + yaml.safe_dump(self.sources(delay), allow_unicode=True, sort_keys=False, width=120)


def _bind(site: str, log: list[Hit], lock: threading.Lock, port: int) -> _SiteServer:
    """The site's server on `port` when it is free, otherwise on a free port."""
    if port:
        try:
            return _SiteServer(site, log, lock, port)
        except OSError:
            pass  # taken by another program: any free port will do
    return _SiteServer(site, log, lock, 0)


def start_portal(cache_dir: Optional[str] = None, ports: Optional[dict[str, int]] = None) -> Portal:
    """Start every sample site on 127.0.0.1 in daemon threads; returns at once.

    Each site gets a free port, or the port `ports` asks for when that one is free (the demo
    asks for last run's ports so that its URLs, hence its stored documents, stay the same)."""
    from pipeline.demo.sample_portal.pdfs import build_all
    pdfs = build_all(cache_dir)
    portal = Portal()
    lock = threading.Lock()
    started = datetime.now(timezone.utc).replace(microsecond=0)
    try:
        for name, spec in SITES.items():
            srv = _bind(name, portal.hits, lock, (ports or {}).get(name, 0))
            base = f"http://127.0.0.1:{srv.server_address[1]}"
            srv.pages = render_site(spec, base, pdfs, started)
            srv.etags = {p: etag_of(page.body) for p, page in srv.pages.items()}
            portal._servers[name] = srv
            portal.sites[name] = base
            t = threading.Thread(target=srv.serve_forever, name=f"sample-portal-{name}", daemon=True)
            t.start()
            portal._threads.append(t)
    except BaseException:
        portal.close()
        raise
    return portal
