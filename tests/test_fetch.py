"""The fetcher against real misbehaving servers on 127.0.0.1 (tests/servers.py)."""
from __future__ import annotations

import gzip
import time
from email.utils import formatdate

import brotli
import pytest

from pipeline.harvest.archive import WarcArchive, read_response
from pipeline.harvest.fetch import (HTTP_ERROR, REFUSED, TOO_LARGE, TRANSIENT, Fetcher, HostDeferred,
                            retry_after_seconds)
from pipeline.models import Settings
from pipeline.harvest.urls import host_key, source_hosts
from tests import servers
from tests.servers import FaultServer

UA = "DTIHarvesterTest/1.0 (+https://example.org/contact)"


def settings(**kw) -> Settings:
    base = dict(user_agent=UA, allow_hosts=["127.0.0.1"], timeout_connect=2.0, timeout_read=0.5,
                deadline=2.0, max_bytes=200_000, max_redirects=3, retries=2, backoff=0.01,
                retry_after_cap=1.0)
    base.update(kw)
    return Settings(**base)


@pytest.fixture
def srv():
    with FaultServer() as s:
        yield s


def fetch(srv, path, s=None, **kw):
    fetcher = Fetcher(s or settings())
    try:
        return fetcher.fetch(srv.url(path), source_hosts([srv.base]), **kw)
    finally:
        fetcher.close()


def test_ok_page_sends_identifying_user_agent(srv):
    srv.page("/a", "<html><body>xin chào</body></html>", etag='"1"')
    r = fetch(srv, "/a")
    assert r.status == 200 and r.error is None
    assert "xin chào".encode() in r.body
    assert r.headers["etag"] == '"1"'
    assert srv.hits("/a")[0].headers["user-agent"] == UA


def test_404_is_final_without_retry(srv):
    r = fetch(srv, "/missing")
    assert r.status == 404 and r.attempts == 1
    assert len(srv.hits("/missing")) == 1


def test_503_then_success_is_retried(srv):
    srv.route("/flaky", servers.statuses([503, 503, 200], body=b"<html>done</html>"))
    r = fetch(srv, "/flaky")
    assert r.status == 200 and r.body == b"<html>done</html>"
    assert r.attempts == 3 and len(srv.hits("/flaky")) == 3


def test_503_forever_gives_up_after_retries(srv):
    srv.route("/down", servers.statuses([503]))
    r = fetch(srv, "/down", settings(retries=1))
    assert r.status == 503 and r.error_kind == HTTP_ERROR and "after 2 attempts" in r.error
    assert len(srv.hits("/down")) == 2


def test_429_retry_after_seconds_is_honoured(srv):
    srv.route("/busy", servers.statuses([429, 200], body=b"ok", retry_after="1"))
    r = fetch(srv, "/busy", settings(retry_after_cap=5))
    hits = srv.hits("/busy")
    assert r.status == 200
    assert hits[1].at - hits[0].at >= 0.95  # waited as told, not just the tiny backoff


def test_429_retry_after_http_date_is_honoured(srv):
    when = formatdate(time.time() + 2, usegmt=True)
    srv.route("/busy", servers.statuses([429, 200], body=b"ok", retry_after=when))
    r = fetch(srv, "/busy", settings(retry_after_cap=5))
    hits = srv.hits("/busy")
    assert r.status == 200 and hits[1].at - hits[0].at >= 0.9


def test_retry_after_over_the_cap_defers_the_host(srv):
    srv.route("/busy", servers.statuses([429], retry_after="3600"))
    with pytest.raises(HostDeferred) as e:
        fetch(srv, "/busy", settings(retry_after_cap=60))
    assert "3600" in str(e.value) and host_key(srv.base) in str(e.value)
    assert len(srv.hits("/busy")) == 1


def test_retry_after_parsing():
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 60) == 60
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_connection_reset_is_retried_then_succeeds(srv):
    srv.route("/rst", servers.reset(times=1, then=servers.page("<html>back</html>")))
    r = fetch(srv, "/rst")
    assert r.status == 200 and r.body == b"<html>back</html>" and r.attempts == 2


def test_connection_reset_every_time_fails_readably(srv):
    srv.route("/rst", servers.reset())
    r = fetch(srv, "/rst", settings(retries=1))
    assert r.status == 0 and r.error_kind == TRANSIENT
    assert "\n" not in r.error and "after 2 attempts" in r.error


def test_stall_after_headers_times_out(srv):
    srv.route("/stall", servers.stall_after_headers(3))
    r = fetch(srv, "/stall", settings(retries=0, timeout_read=0.3))
    assert r.error_kind == TRANSIENT and "stalled" in r.error and r.body == b""


def test_slow_trickle_hits_the_deadline(srv):
    # a byte every 0.1 s never trips the idle timeout; only the total deadline stops it
    srv.route("/slow", servers.trickle(total=200, interval=0.1))
    r = fetch(srv, "/slow", settings(retries=0, timeout_read=1.0, deadline=1.0))
    assert r.error_kind == TRANSIENT and "slow trickle" in r.error and r.body == b""


def test_truncated_body_is_an_error_not_a_page(srv):
    srv.route("/cut", servers.truncated(declared=5000, sent=b"<html>only part"))
    r = fetch(srv, "/cut", settings(retries=1))
    assert r.error_kind == TRANSIENT and "truncated" in r.error
    assert r.body == b""


def test_redirect_followed_within_the_source(srv):
    srv.route("/old", servers.redirect("/new", 301))
    srv.page("/new", "<html>new home</html>")
    r = fetch(srv, "/old")
    assert r.status == 200 and r.final_url == srv.url("/new") and r.url == srv.url("/old")


def test_redirect_loop_is_refused(srv):
    srv.route("/a", servers.redirect("/b"))
    srv.route("/b", servers.redirect("/a"))
    r = fetch(srv, "/a")
    assert r.error_kind == REFUSED and "loop" in r.error
    assert len(srv.hits()) == 2  # detected, not retried


def test_too_many_redirects(srv):
    for i in range(6):
        srv.route(f"/r{i}", servers.redirect(f"/r{i + 1}"))
    r = fetch(srv, "/r0", settings(max_redirects=3))
    assert r.error_kind == REFUSED and "more than 3 redirects" in r.error


def test_redirect_off_the_allowlist_is_not_followed(srv):
    with FaultServer() as other:
        other.page("/x", "<html>elsewhere</html>")
        srv.route("/go", servers.redirect(other.url("/x")))
        r = fetch(srv, "/go")
        assert r.error_kind == REFUSED and "not one of the source's hosts" in r.error
        assert other.hits() == []


def test_non_http_schemes_refused(srv):
    srv.route("/ftp", servers.redirect("ftp://127.0.0.1/file"))
    r = fetch(srv, "/ftp")
    assert r.error_kind == REFUSED and "only http and https" in r.error


def test_non_global_address_refused_unless_allowed(srv):
    r = fetch(srv, "/a", settings(allow_hosts=[]))
    assert r.error_kind == REFUSED and "not a public address" in r.error and "allow_hosts" in r.error
    assert srv.hits() == []


def test_oversize_with_content_length_is_aborted_before_reading(srv):
    srv.page("/big", b"a" * 300_000, content_type="text/plain")
    r = fetch(srv, "/big", settings(max_bytes=100_000))
    assert r.error_kind == TOO_LARGE and "Content-Length 300000" in r.error and r.body == b""


def test_oversize_without_content_length_is_aborted_while_streaming(srv):
    srv.route("/big", servers.chunked(b"a" * 300_000, chunk_size=8192))
    r = fetch(srv, "/big", settings(max_bytes=100_000))
    assert r.error_kind == TOO_LARGE and r.body == b""


def test_gzip_bomb_is_aborted_at_the_limit(srv):
    bomb = servers.gzip_bomb(50_000_000)  # ~50 KB on the wire
    assert len(bomb) < 100_000
    srv.route("/bomb", servers.chunked(bomb, encoding="gzip"))
    r = fetch(srv, "/bomb", settings(max_bytes=1_000_000))
    assert r.error_kind == TOO_LARGE and "gzip bomb" in r.error


def test_brotli_bomb_is_aborted_at_the_limit(srv):
    bomb = brotli.compress(b"\0" * 50_000_000)
    srv.route("/bomb", servers.chunked(bomb, encoding="br"))
    r = fetch(srv, "/bomb", settings(max_bytes=1_000_000))
    assert r.error_kind == TOO_LARGE and "brotli" in r.error


def test_gzip_and_brotli_bodies_are_decoded(srv):
    text = "Chuyển đổi số ".encode() * 1000
    srv.route("/gz", servers.chunked(gzip.compress(text), encoding="gzip"))
    srv.route("/br", servers.chunked(brotli.compress(text), encoding="br"))
    assert fetch(srv, "/gz").body == text
    assert fetch(srv, "/br").body == text


def test_conditional_get_gets_304(srv):
    srv.page("/a", "<html>v1</html>", etag='"v1"')
    r = fetch(srv, "/a", headers={"If-None-Match": '"v1"'})
    assert r.status == 304 and r.not_modified and r.body == b""


def test_every_exchange_is_archived(srv, tmp_path):
    srv.route("/old", servers.redirect("/new"))
    srv.page("/new", "<html>mới</html>", etag='"e"')
    archive = WarcArchive(tmp_path)
    fetcher = Fetcher(settings(), archive=archive)
    r = fetcher.fetch(srv.url("/old"), source_hosts([srv.base]))
    archive.close()
    rec = read_response(tmp_path, r.warc_file, r.warc_offset)
    assert rec.url == srv.url("/new") and rec.status == 200 and rec.body == "<html>mới</html>".encode()
    assert rec.headers["etag"] == '"e"'


def test_dns_rebinding_is_caught_at_the_connected_address(srv, monkeypatch):
    # the resolver check passed (as if the name had resolved to a public address), but the
    # connection lands on loopback: the body must not be read
    srv.page("/a", "<html>nội bộ</html>")
    fetcher = Fetcher(settings(allow_hosts=[]))
    monkeypatch.setattr(fetcher, "_address_problem", lambda host, port: None)
    r = fetcher.fetch(srv.url("/a"), source_hosts([srv.base]))
    fetcher.close()
    assert r.error_kind == REFUSED and "connected to 127.0.0.1" in r.error and r.body == b""
