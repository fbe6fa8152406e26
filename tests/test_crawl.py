"""The harvest end to end against real servers on 127.0.0.1: discovery, politeness, robots,
revalidation, failures, the lock, and runs."""
from __future__ import annotations

import gzip
import re
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import store
from pipeline.clock import now_iso
from pipeline.harvest.archive import iter_responses, read_response
from pipeline.cli import cli
from pipeline.errors import LockedError
from pipeline.harvest.crawler import harvest
from pipeline.harvest.lock import HarvestLock, lock_path
from pipeline.models import Settings, SourceConfig, SourcesFile
from tests import servers
from tests.servers import FaultServer, article, listing

UA = "DTIHarvesterTest/1.0 (+https://example.org/contact)"
ALLOW = [r"/bai-viet/[a-z0-9-]+-post\d+\.html$", r"\.pdf$"]
FOLLOW = [r"/tin-tuc(\?page=\d+)?$"]


def sf_for(*sources: SourceConfig, **kw) -> SourcesFile:
    base = dict(user_agent=UA, allow_hosts=["127.0.0.1"], timeout_connect=2.0, timeout_read=1.0, deadline=5.0,
                max_bytes=500_000, retries=1, backoff=0.01, retry_after_cap=2.0)
    base.update(kw)
    return SourcesFile(settings=Settings(**base), sources=list(sources))


def source(srv: FaultServer, name: str = "tinh", **kw) -> SourceConfig:
    base = dict(name=name, start_urls=[srv.url("/tin-tuc")], allow=ALLOW, follow=FOLLOW, delay=0.02,
                outlet="Báo Thử", province="Lào Cai")
    base.update(kw)
    return SourceConfig(**base)


def body_of(n: int) -> str:
    return (f"Bài số {n}: Chuyển đổi số ở địa phương tiếp tục có bước tiến.\n"
            f"Năm 2024, tỉnh đã cấp {n * 100} tài khoản định danh điện tử cho người dân và doanh nghiệp.\n"
            "Các cơ quan đã số hóa hồ sơ, kết nối dữ liệu và đưa dịch vụ công trực tuyến đến từng xã.")


def build_site(srv: FaultServer, pages: int = 2, per_page: int = 4, etags: bool = True,
               robots: str = "User-agent: *\nAllow: /\n") -> list[str]:
    """A news site: /tin-tuc (page 1), /tin-tuc?page=N, articles, robots.txt. Returns article paths."""
    srv.page("/robots.txt", robots, content_type="text/plain")
    paths = []
    for p in range(1, pages + 1):
        links = []
        for i in range(per_page):
            n = (p - 1) * per_page + i + 1
            path = f"/bai-viet/chuyen-doi-so-{n}-post{1000 + n}.html"
            paths.append(path)
            # tracking parameters and fragments must not make a second document
            links += [path, f"{path}?utm_source=fb#binh-luan"]
            srv.page(path, article(f"Chuyển đổi số: bài {n}", body_of(n)), etag=f'"a{n}"' if etags else None)
        nxt = f"/tin-tuc?page={p + 1}" if p < pages else None
        html = listing(links, nxt)
        srv.page("/tin-tuc" if p == 1 else f"/tin-tuc?page={p}", html, etag=f'"l{p}"' if etags else None)
    return paths


TONES = "\u0300\u0301\u0303\u0309\u0323"


def encode_cp1258(text: str) -> bytes:
    """windows-1258 as Vietnamese sites write it: base letters precomposed, tone marks combining."""
    import unicodedata
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out.append((base + "".join(c for c in parts if c in TONES)).encode("cp1258"))
    return b"".join(out)


def rows(db_path, sql, params=()):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


@pytest.fixture
def srv():
    with FaultServer() as s:
        yield s


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "dti.sqlite")


def test_first_harvest_follows_pagination_and_stores_every_document_once(srv, db, tmp_path):
    paths = build_site(srv, pages=3, per_page=3)
    summary = harvest(sf_for(source(srv)), [source(srv)], db)
    assert summary.exit_code == 0, summary.render()
    urls = {r[0] for r in rows(db, "SELECT url FROM documents")}
    assert urls == {srv.url(p) for p in paths}
    assert rows(db, "SELECT count(*) FROM documents WHERE status = 'ok'")[0][0] == 9
    # each article requested once despite the tracking and fragment variants
    assert all(len(srv.hits(p)) == 1 for p in paths)
    assert rows(db, "SELECT DISTINCT status FROM frontier") == [("done",)]
    etag, lm, h, warc, off, src = rows(db, "SELECT etag, last_modified, content_hash, warc_file, warc_offset, source "
                                           "FROM documents WHERE url = ?", [srv.url(paths[0])])[0]
    assert etag == '"a1"' and len(h) == 64 and src == "tinh"
    rec = read_response(Path(db).parent, warc, off)
    assert rec.url == srv.url(paths[0]) and "Chuyển đổi số: bài 1".encode() in rec.body
    run = rows(db, "SELECT status, fetched, new_documents, changed_documents, errors, per_source, ended FROM runs")
    assert run[0][:5] == ("ok", 9 + 3, 9, 0, 0) and run[0][6]
    assert json.loads(run[0][5])["tinh"]["new_documents"] == 9
    assert "tinh" in summary.render() and "ok" in summary.render()


def test_second_run_revalidates_with_etag_and_stops_at_known_listing(srv, db):
    build_site(srv, pages=3, per_page=3)
    harvest(sf_for(source(srv)), [source(srv)], db)
    parsed = dict(rows(db, "SELECT url, parsed_at FROM documents"))
    summary = harvest(sf_for(source(srv)), [source(srv)], db)
    assert summary.exit_code == 0
    t = summary.totals()
    assert (t.new_documents, t.changed_documents, t.fetched) == (0, 0, 0)
    # page 1 answered 304, so pages 2 and 3 were not asked again
    assert srv.hits("/tin-tuc")[-1].headers.get("if-none-match") == '"l1"'
    assert len(srv.hits("/tin-tuc?page=2")) == 1
    assert dict(rows(db, "SELECT url, parsed_at FROM documents")) == parsed


def test_changed_article_is_reparsed_and_replaced(srv, db):
    paths = build_site(srv, pages=1, per_page=3)
    harvest(sf_for(source(srv)), [source(srv)], db)
    doc_id = rows(db, "SELECT id FROM documents WHERE url = ?", [srv.url(paths[1])])[0][0]
    srv.page(paths[1], article("Chuyển đổi số: bài 2 (cập nhật)", body_of(2) + "\nĐã cập nhật số liệu."),
             etag='"a2-v2"')
    srv.page("/tin-tuc", listing(paths), etag='"l1-v2"')  # listing changed too, same links
    summary = harvest(sf_for(source(srv)), [source(srv)], db)
    t = summary.totals()
    assert (t.changed_documents, t.new_documents) == (1, 0)
    assert t.not_modified == 2 + 0  # the two other articles: 304
    row = rows(db, "SELECT id, title, etag FROM documents WHERE url = ?", [srv.url(paths[1])])[0]
    assert row == (doc_id, "Chuyển đổi số: bài 2 (cập nhật)", '"a2-v2"')
    assert rows(db, "SELECT count(*) FROM documents")[0][0] == 3


def test_documents_not_relisted_are_revalidated_when_stale(srv, db):
    paths = build_site(srv, pages=2, per_page=2)
    harvest(sf_for(source(srv)), [source(srv)], db)
    harvest(sf_for(source(srv), revalidate_days=7), [source(srv)], db)
    assert all(len(srv.hits(p)) == 1 for p in paths)  # fresh copies, listing unchanged: nothing asked
    summary = harvest(sf_for(source(srv), revalidate_days=0), [source(srv)], db)
    for p in paths:  # every stored article asked again, conditionally, though no listing showed it
        assert srv.hits(p)[-1].headers.get("if-none-match") == f'"a{paths.index(p) + 1}"'
    assert summary.totals().not_modified == 1 + 4 and summary.totals().fetched == 0


def test_last_modified_revalidation(srv, db):
    srv.page("/robots.txt", "User-agent: *\nDisallow:\n", content_type="text/plain")
    path = "/bai-viet/dti-post1.html"
    srv.page(path, article("DTI", body_of(1)), last_modified=1_700_000_000)
    srv.page("/tin-tuc", listing([path]))
    harvest(sf_for(source(srv)), [source(srv)], db)
    summary = harvest(sf_for(source(srv)), [source(srv)], db)
    last = srv.hits(path)[-1]
    assert last.headers.get("if-modified-since") == "Tue, 14 Nov 2023 22:13:20 GMT"
    assert summary.totals().not_modified == 1 and summary.totals().fetched == 1  # the listing, no validator


def test_same_body_without_validators_is_not_parsed_again(srv, db):
    build_site(srv, pages=1, per_page=2, etags=False)
    harvest(sf_for(source(srv)), [source(srv)], db)
    parsed = dict(rows(db, "SELECT url, parsed_at FROM documents"))
    src = source(srv, stop_on_known=False)
    summary = harvest(sf_for(src), [src], db)
    assert summary.totals().fetched == 3 and summary.totals().not_modified == 2
    assert summary.totals().changed_documents == 0
    assert dict(rows(db, "SELECT url, parsed_at FROM documents")) == parsed


def test_robots_disallow_is_obeyed(srv, db):
    paths = build_site(srv, pages=1, per_page=3,
                       robots=f"User-agent: *\nDisallow: {'/bai-viet/chuyen-doi-so-2-'}\n")
    summary = harvest(sf_for(source(srv)), [source(srv)], db)
    assert srv.hits(paths[1]) == [] and len(srv.hits(paths[0])) == 1
    assert rows(db, "SELECT status FROM frontier WHERE url = ?", [srv.url(paths[1])]) == [("disallowed",)]
    assert summary.totals().disallowed == 1 and summary.exit_code == 0


def test_robots_404_allows_everything(srv, db):
    build_site(srv, pages=1, per_page=2)
    del srv.routes["/robots.txt"]
    summary = harvest(sf_for(source(srv)), [source(srv)], db)
    assert summary.exit_code == 0 and rows(db, "SELECT count(*) FROM documents")[0][0] == 2


def test_robots_503_skips_the_host_for_this_run_and_the_next_run_resumes(srv, db):
    build_site(srv, pages=1, per_page=2)
    srv.route("/robots.txt", servers.statuses([503]))
    summary = harvest(sf_for(source(srv)), [source(srv)], db)
    # the only source failed: nothing was harvested, a failure (1), not a partial run (3)
    assert summary.exit_code == 1 and "robots.txt answered 503" in summary.render()
    assert [h.path for h in srv.hits()] == ["/robots.txt"]  # nothing else was asked
    assert rows(db, "SELECT status FROM runs") == [("failed",)]
    srv.page("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    assert harvest(sf_for(source(srv)), [source(srv)], db).exit_code == 0
    assert rows(db, "SELECT count(*) FROM documents")[0][0] == 2


def test_politeness_one_request_at_a_time_with_delay_and_crawl_delay(srv, db):
    build_site(srv, pages=1, per_page=4, robots="User-agent: *\nCrawl-delay: 0.15\nAllow: /\n")
    with FaultServer() as other:
        build_site(other, pages=1, per_page=4)
        a, b = source(srv, delay=0.05), source(other, name="khac", delay=0.3)
        harvest(sf_for(a, b), [a, b], db)
        for server, gap in ((srv, 0.15), (other, 0.3)):
            hits = sorted(server.hits(), key=lambda h: h.at)
            assert len(hits) == 6
            for prev, nxt in zip(hits, hits[1:]):
                assert nxt.at >= prev.done  # never two at once
                assert nxt.at - prev.done >= gap * 0.99  # Crawl-delay beats the smaller delay
        # the two hosts were crawled side by side, not one after the other
        assert min(h.at for h in other.hits()) < max(h.at for h in srv.hits())


def test_rss_feed_discovery(srv, db):
    srv.page("/robots.txt", "", content_type="text/plain")
    items = ""
    for n in (1, 2):
        path = f"/bai-viet/tin-{n}-post{n}.html"
        srv.page(path, article(f"Tin {n}", body_of(n)))
        items += f"<item><title>Tin {n}</title><link>{srv.url(path)}?utm_medium=rss</link>" \
                 f"<pubDate>Tue, 21 Oct 2025 08:30:00 +0700</pubDate></item>"
    items += f"<item><title>Quảng cáo</title><link>{srv.url('/quang-cao')}</link></item>"
    srv.page("/rss/cds.rss", f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>{items}'
                             "</channel></rss>", content_type="application/rss+xml")
    src = source(srv, start_urls=[], feeds=[srv.url("/rss/cds.rss")])
    summary = harvest(sf_for(src), [src], db)
    assert summary.exit_code == 0
    assert {r[0] for r in rows(db, "SELECT url FROM documents")} == \
        {srv.url("/bai-viet/tin-1-post1.html"), srv.url("/bai-viet/tin-2-post2.html")}
    assert srv.hits("/quang-cao") == []


def test_sitemap_index_gz_and_robots_sitemap_line(srv, db):
    srv.page("/robots.txt", f"User-agent: *\nAllow: /\nSitemap: {srv.url('/sitemap-index.xml')}\n",
             content_type="text/plain")
    urls = []
    for n in (1, 2, 3):
        path = f"/bai-viet/sm-{n}-post{n}.html"
        srv.page(path, article(f"Sitemap {n}", body_of(n)))
        urls.append(f"<url><loc>{srv.url(path)}</loc><lastmod>2025-10-2{n}</lastmod></url>")
    child = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             + "".join(urls) + "</urlset>").encode()
    srv.page("/sitemap-1.xml.gz", gzip.compress(child), content_type="application/x-gzip")
    srv.page("/sitemap-index.xml", '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
             f'sitemap/0.9"><sitemap><loc>{srv.url("/sitemap-1.xml.gz")}</loc></sitemap></sitemapindex>',
             content_type="application/xml")
    # the only seed is a start page linking nowhere: documents come from robots.txt → index → .gz
    srv.page("/", "<html><body>Trang chủ</body></html>")
    src = source(srv, start_urls=[srv.url("/")])
    summary = harvest(sf_for(src), [src], db)
    assert summary.exit_code == 0, summary.render()
    assert rows(db, "SELECT count(*) FROM documents")[0][0] == 3
    assert rows(db, "SELECT lastmod FROM frontier WHERE url = ?", [srv.url("/bai-viet/sm-1-post1.html")]) == \
        [("2025-10-21",)]
    # next run: the lastmods are older than our copies, so the documents are not asked again
    harvest(sf_for(src), [src], db)
    assert all(len(srv.hits(f"/bai-viet/sm-{n}-post{n}.html")) == 1 for n in (1, 2, 3))


def test_503_then_success_inside_a_harvest(srv, db):
    paths = build_site(srv, pages=1, per_page=2)
    srv.route(paths[0], servers.statuses([503, 200], body=article("Phục hồi", body_of(9))))
    summary = harvest(sf_for(source(srv)), [source(srv)], db)
    assert summary.exit_code == 0 and len(srv.hits(paths[0])) == 2
    assert rows(db, "SELECT status, title FROM documents WHERE url = ?", [srv.url(paths[0])]) == [("ok", "Phục hồi")]


def test_retry_after_beyond_cap_defers_host_to_next_run(srv, db):
    paths = build_site(srv, pages=1, per_page=3)
    srv.route(paths[0], servers.statuses([429], retry_after="7200"))
    summary = harvest(sf_for(source(srv)), [source(srv)], db)
    assert summary.exit_code == 1 and "deferred" in summary.render()      # its only source
    assert len(srv.hits(paths[0])) == 1
    pending = {r[0] for r in rows(db, "SELECT url FROM frontier WHERE status = 'deferred'")}
    assert srv.url(paths[0]) in pending and len(pending) == 3  # the rest of the host waits too
    srv.page(paths[0], article("Đã mở lại", body_of(1)))
    assert harvest(sf_for(source(srv)), [source(srv)], db).exit_code == 0
    assert rows(db, "SELECT count(*) FROM documents WHERE status = 'ok'")[0][0] == 3


def test_failures_are_recorded_but_never_overwrite_stored_text(srv, db):
    paths = build_site(srv, pages=1, per_page=3)
    srv.route(paths[2], servers.truncated(5000, "<html>nửa".encode()))
    summary = harvest(sf_for(source(srv)), [source(srv)], db)
    assert summary.exit_code == 0  # one bad article does not fail the source
    status, detail = rows(db, "SELECT status, status_detail FROM documents WHERE url = ?", [srv.url(paths[2])])[0]
    assert status == "fetch_failed" and "truncated" in detail
    # a stored article that later fails keeps its text
    srv.route(paths[0], servers.statuses([500]))
    srv.page(paths[2], article("Lần hai", body_of(3)))
    srv.page("/tin-tuc", listing(paths), etag='"l1-v2"')
    src = source(srv, stop_on_known=False)
    harvest(sf_for(src), [src], db)
    assert rows(db, "SELECT status, title FROM documents WHERE url = ?", [srv.url(paths[0])]) == \
        [("ok", "Chuyển đổi số: bài 1")]
    assert rows(db, "SELECT status, title FROM documents WHERE url = ?", [srv.url(paths[2])]) == [("ok", "Lần hai")]
    assert rows(db, "SELECT status FROM frontier WHERE url = ?", [srv.url(paths[0])]) == [("failed",)]


def test_oversize_and_wrong_content_type(srv, db):
    srv.page("/robots.txt", "", content_type="text/plain")
    big, png, mislabeled = ("/bai-viet/lon-post1.html", "/bai-viet/anh-post2.html", "/bai-viet/nhan-sai-post3.html")
    srv.route(big, servers.chunked(b"<html>" + b"a" * 600_000))
    srv.page(png, b"\x89PNG\r\n\x1a\n" + b"\0" * 100, content_type="image/png")
    srv.page(mislabeled, article("Gắn nhãn sai", body_of(4)), content_type="application/octet-stream")
    srv.page("/tin-tuc", listing([big, png, mislabeled]))
    harvest(sf_for(source(srv)), [source(srv)], db)
    got = dict(rows(db, "SELECT url, status FROM documents"))
    assert got == {srv.url(big): "too_large", srv.url(png): "unparseable", srv.url(mislabeled): "ok"}
    detail = rows(db, "SELECT status_detail FROM documents WHERE url = ?", [srv.url(png)])[0][0]
    assert "image/png" in detail


def test_windows_1258_page(srv, db):
    srv.page("/robots.txt", "", content_type="text/plain")
    title = "Lào Cai đứng thứ 14 về chuyển đổi số"
    html = (f"<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1258'>"
            f"<title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{body_of(5).replace(chr(10), '</p><p>')}</p></article></body></html>")
    path = "/bai-viet/cp1258-post5.html"
    srv.page(path, encode_cp1258(html), content_type="text/html; charset=windows-1258")
    srv.page("/tin-tuc", listing([path]))
    harvest(sf_for(source(srv)), [source(srv)], db)
    stored_title, text = rows(db, "SELECT title, text FROM documents WHERE url = ?", [srv.url(path)])[0]
    assert stored_title == title
    assert "định danh điện tử" in text


def test_keyword_filter_keeps_only_topic_documents(srv, db):
    srv.page("/robots.txt", "", content_type="text/plain")
    on, off = "/bai-viet/dti-post1.html", "/bai-viet/lua-post2.html"
    srv.page(on, article("Chỉ số DTI", body_of(1)), etag='"on"')
    srv.page(off, article("Vụ lúa mùa", "Nông dân thu hoạch lúa, năng suất đạt 60 tạ/ha.\nGiá lúa ổn định."),
             etag='"off"')
    srv.page("/tin-tuc", listing([on, off]))
    src = source(srv, keywords=["chuyển đổi số", "DTI"], stop_on_known=False)
    summary = harvest(sf_for(src), [src], db)
    assert [r[0] for r in rows(db, "SELECT url FROM documents")] == [srv.url(on)]
    assert rows(db, "SELECT status FROM frontier WHERE url = ?", [srv.url(off)]) == [("off_topic",)]
    assert summary.totals().off_topic == 1
    harvest(sf_for(src), [src], db)  # the filtered page is revalidated too, not downloaded again
    assert srv.hits(off)[-1].headers.get("if-none-match") == '"off"'


def test_attachment_pdf_is_fetched_with_its_parent(srv, db):
    from tests.pdfs import new_pdf
    pdf = new_pdf("Quyết định")
    pdf.add_page()
    pdf.multi_cell(0, 8, "QUYẾT ĐỊNH về việc công bố Chỉ số chuyển đổi số năm 2024 của các sở, ngành.")
    data = bytes(pdf.output())
    srv.page("/robots.txt", "", content_type="text/plain")
    art = "/bai-viet/cong-bo-post7.html"
    srv.page(art, article("Công bố chỉ số chuyển đổi số", body_of(7), links=("/files/qd-123.pdf",)))
    srv.page("/files/qd-123.pdf", data, content_type="application/pdf")
    srv.page("/tin-tuc", listing([art]))
    harvest(sf_for(source(srv)), [source(srv)], db)
    got = rows(db, "SELECT doc_type, parent_url, content_type FROM documents WHERE url = ?",
               [srv.url("/files/qd-123.pdf")])
    assert got == [("pdf", srv.url(art), "application/pdf")]
    assert rows(db, "SELECT kind FROM frontier WHERE url = ?", [srv.url("/files/qd-123.pdf")]) == [("attachment",)]


def test_every_response_is_archived_with_digests(srv, db):
    build_site(srv, pages=1, per_page=2)
    harvest(sf_for(source(srv)), [source(srv)], db)
    warc_dir = Path(db).parent / "warc"
    records = list(iter_responses(warc_dir))
    assert {r.url for _, _, r in records} >= {srv.url("/robots.txt"), srv.url("/tin-tuc")}
    assert len(records) == len(srv.hits())
    from warcio.archiveiterator import ArchiveIterator
    with open(next(warc_dir.glob("*.warc.gz")), "rb") as f:
        kinds = [(r.rec_type, bool(r.rec_headers.get_header("WARC-Payload-Digest"))) for r in ArchiveIterator(f)]
    assert kinds.count(("request", True)) == len(records) and kinds.count(("response", True)) == len(records)


def test_a_second_harvest_while_one_runs_exits_75_naming_the_pid(srv, db, tmp_path):
    import os
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"settings:\n  user_agent: '{UA}'\n  allow_hosts: ['127.0.0.1']\n"
                       f"sources:\n  - name: tinh\n    start_urls: ['{srv.url('/tin-tuc')}']\n"
                       f"    allow: ['post']\n    delay: 0.1\n", encoding="utf-8")
    with HarvestLock(lock_path(db)):
        result = CliRunner().invoke(cli, ["harvest", "--sources", str(sources), "--db", db])
    assert result.exit_code == 75
    assert f"pid {os.getpid()}" in result.output
    assert srv.hits() == []


def test_cli_harvest_exit_codes(srv, db, tmp_path):
    build_site(srv, pages=1, per_page=1)
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"settings:\n  user_agent: '{UA}'\n  allow_hosts: ['127.0.0.1']\n  retries: 0\n"
                       f"sources:\n  - name: tinh\n    start_urls: ['{srv.url('/tin-tuc')}']\n"
                       f"    allow: ['post']\n    delay: 0.05\n"
                       f"  - name: hong\n    start_urls: ['{srv.url('/khong-co')}']\n"
                       f"    allow: ['post']\n    delay: 0.05\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["harvest", "--sources", str(sources), "--db", db, "--quiet"])
    assert result.exit_code == 3, result.output
    assert "hong" in result.output and "failed" in result.output
    result = CliRunner().invoke(cli, ["harvest", "--sources", str(sources), "--db", db, "--source", "tinh",
                                      "--quiet"])
    assert result.exit_code == 0, result.output
    # every source chosen failed: exit 1, not 3
    result = CliRunner().invoke(cli, ["harvest", "--sources", str(sources), "--db", db, "--source", "hong",
                                      "--quiet"])
    assert result.exit_code == 1, result.output
    result = CliRunner().invoke(cli, ["harvest", "--sources", str(tmp_path / "nope.yaml"), "--db", db])
    assert result.exit_code == 2


def test_the_lock_is_per_database_file(srv, tmp_path):
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    assert lock_path(a) != lock_path(b) and lock_path(a).parent == tmp_path
    with HarvestLock(lock_path(a)):
        with HarvestLock(lock_path(b)):          # another database in the same folder: not blocked
            pass
        with pytest.raises(LockedError):
            HarvestLock(lock_path(a)).acquire()


def test_progress_lines_without_a_terminal(srv, db):
    import io
    build_site(srv, pages=1, per_page=1)
    out = io.StringIO()
    harvest(sf_for(source(srv)), [source(srv)], db, progress=True, stream=out)
    lines = out.getvalue().splitlines()
    assert any("/tin-tuc" in line for line in lines) and "\r" not in out.getvalue()
    # each line starts with its time in Vietnam, with the zone, as the summary and the database write it
    assert all(re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00 ", line) for line in lines), lines[:3]


def test_progress_line_on_a_terminal(srv, db):
    import io

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    build_site(srv, pages=1, per_page=2)
    out = Terminal()
    harvest(sf_for(source(srv)), [source(srv)], db, progress=True, stream=out)
    text = out.getvalue()
    assert text.count("\r") >= 3 and "\n" not in text.rstrip("\n")  # one line, redrawn
    assert "2 new" in text.rsplit("\r", 1)[-1]


def test_killed_run_is_marked_interrupted_by_the_next(srv, db):
    build_site(srv, pages=1, per_page=1)
    conn = store.connect(db)
    conn["runs"].insert({"started": now_iso(), "status": "running", "pid": 999999})
    conn.conn.close()
    harvest(sf_for(source(srv)), [source(srv)], db)
    assert [r[0] for r in rows(db, "SELECT status FROM runs ORDER BY id")] == ["interrupted", "ok"]


# -- kill -9 at several points, then resume: the same database as an uninterrupted run ---------

KILL_CHILD = r"""
import json, sys
from pipeline.harvest.crawler import harvest
from pipeline.models import Settings, SourceConfig, SourcesFile
cfg = json.loads(sys.argv[1])
sources = [SourceConfig(**s) for s in cfg["sources"]]
sf = SourcesFile(settings=Settings(**cfg["settings"]), sources=sources)
sys.exit(harvest(sf, sources, cfg["db"]).exit_code)
"""

DTI_SENTENCES = ["Năm 2024, tỉnh Lào Cai xếp thứ {n}/34 tỉnh, thành phố về Chỉ số chuyển đổi số (DTI), "
                 "đạt 0,{s} điểm.", "Tỉnh đã cấp {c} tài khoản định danh điện tử."]


def _kill_site(srv: FaultServer, tag: str) -> None:
    srv.page("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    pages, per_page = 3, 4
    for p in range(1, pages + 1):
        links = []
        for i in range(per_page):
            n = (p - 1) * per_page + i + 1
            path = f"/bai-viet/{tag}-{n}-post{n}.html"
            links.append(path)
            text = "\n".join(s.format(n=n + 2, s=7000 + n, c=n * 1000) for s in DTI_SENTENCES)
            srv.page(path, article(f"{tag} bài {n}: chuyển đổi số", text), etag=f'"{tag}{n}"')
        nxt = f"/tin-tuc?page={p + 1}" if p < pages else None
        srv.page("/tin-tuc" if p == 1 else f"/tin-tuc?page={p}", listing(links, nxt), etag=f'"{tag}l{p}"')


def _snapshot(db_path) -> dict[str, list]:
    """Everything a harvest decides, without the timestamps and archive offsets that differ by run."""
    q = {
        "documents": "SELECT url, final_url, source, parent_url, title, status, status_detail, http_status, etag, "
                     "last_modified, content_hash, text, doc_type, content_type, extractor_version "
                     "FROM documents ORDER BY url",
        "facts": "SELECT d.url, f.subject, f.kind, f.metric, f.value, f.total, f.year, f.evidence, f.start, "
                 "f.\"end\", f.extractor_version FROM facts f JOIN documents d ON d.id = f.document_id "
                 "ORDER BY d.url, f.start, f.subject, f.kind, f.value",
        "frontier": "SELECT url, source, kind, parent_url, depth, status FROM frontier ORDER BY url",
    }
    return {k: rows(db_path, sql) for k, sql in q.items()}


def _done_count(db_path) -> int:
    try:
        return rows(db_path, "SELECT count(*) FROM frontier WHERE status = 'done'")[0][0]
    except sqlite3.Error:
        return 0


@pytest.mark.slow
def test_kill_9_at_several_points_then_resume_equals_an_uninterrupted_run(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time as _time
    with FaultServer() as a, FaultServer() as b, FaultServer() as c:
        for tag, srv in (("a", a), ("b", b), ("c", c)):
            _kill_site(srv, tag)
        srcs = [source(s, name=n, delay=0.03) for n, s in (("a", a), ("b", b), ("c", c))]
        sf = sf_for(*srcs)
        reference = str(tmp_path / "reference.sqlite")
        harvest(sf, srcs, reference)
        expected = _snapshot(reference)
        assert len(expected["documents"]) == 36 and expected["facts"], "the extractor found no facts"

        def child(db: str, kill_at: int | None) -> int:
            from dataclasses import asdict
            cfg = {"db": db, "settings": asdict(sf.settings), "sources": [asdict(s) for s in srcs]}
            env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
            proc = subprocess.Popen([sys.executable, "-c", KILL_CHILD, json.dumps(cfg)], env=env)
            if kill_at is None:
                return proc.wait(timeout=300)
            while proc.poll() is None and _done_count(db) < kill_at:
                _time.sleep(0.005)
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
            return proc.wait(timeout=60)

        # one database killed twice (early, middle), another killed late; each then resumed
        for name, kills in (("twice", (3, 17)), ("late", (33,))):
            db = str(tmp_path / f"{name}.sqlite")
            for k in kills:
                assert child(db, k) == -signal.SIGKILL, f"the harvest ended before {k} URLs were done"
                assert _done_count(db) < 48
            assert child(db, None) == 0
            got = _snapshot(db)
            for table in ("documents", "facts", "frontier"):
                assert got[table] == expected[table], f"{name}: {table} differs from the uninterrupted run"
            statuses = [r[0] for r in rows(db, "SELECT status FROM runs ORDER BY id")]
            assert statuses == ["interrupted"] * len(kills) + ["ok"]
