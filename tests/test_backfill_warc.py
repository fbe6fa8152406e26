"""`backfill --warc`: WARC (gzipped or not) and WACZ files written here with warcio; bad input
named with the rest of the run going on; nothing stored twice; a crashed run resumed."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from pipeline import store
from pipeline.backfill import backfill_warc
from pipeline.cli import cli
from pipeline.config import load_sources
from pipeline.research.query import FactQuery, query_facts
from tests.archives import Page, broken_header_record, warc_bytes, write_wacz, write_warc
from tests.backfill_pages import FOOTBALL, SITE, content, lao_cai_rank, province_page, sources_yaml

ROOT = Path(__file__).resolve().parents[1]
A = f"{SITE}/chuyen-doi-so/lao-cai-dti.html"


def pages(n: int = 0) -> list[Page]:
    """A site's archive: the Lào Cai page captured twice, edited between; other provinces; an
    off-topic page; things no source allows (a listing, an image, another site)."""
    out = [Page(A, "2021-03-01T01:00:00Z", lao_cai_rank(14)),
           Page(A, "2022-05-15T09:30:00Z", lao_cai_rank(12)),
           Page(f"{SITE}/chuyen-doi-so/bong-da.html", "2022-06-01T00:00:00Z", FOOTBALL),
           Page(f"{SITE}/chuyen-doi-so/", "2022-06-01T00:00:00Z", "<html><body>listing</body></html>"),
           Page(f"{SITE}/chuyen-doi-so/anh.html", "2022-06-01T00:00:00Z", b"\x89PNG...", "image/png"),
           Page("http://other.test/chuyen-doi-so/x.html", "2022-06-01T00:00:00Z", lao_cai_rank(1))]
    provinces = ["Thái Nguyên", "Nghệ An", "Quảng Ninh", "Đà Nẵng", "Cần Thơ", "Bắc Ninh", "Hà Giang", "Gia Lai"]
    for i in range(n):
        p = provinces[i % len(provinces)]
        out.append(Page(f"{SITE}/chuyen-doi-so/tinh-{i}.html", f"20{21 + i % 4}-0{1 + i % 9}-02T00:00:00Z",
                        province_page(p, 1 + i % 60, 2020 + i % 4, f"0,{5000 + i}")))
    return out


def sources(tmp_path):
    return load_sources(sources_yaml(tmp_path / "sources.yaml")).sources


def q(db, sql, params=()):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_warc_files_gzipped_or_not_and_wacz(tmp_path):
    ps = pages(2)
    write_warc(tmp_path / "a.warc.gz", ps[:3])
    write_warc(tmp_path / "b.warc", ps[3:6], gzipped=False)
    write_wacz(tmp_path / "c.wacz", ps[6:])
    db = tmp_path / "dti.sqlite"
    report = backfill_warc([str(tmp_path / "*.warc*"), str(tmp_path / "c.wacz")], sources(tmp_path), db)
    assert report.problems == [] and report.exit_code == 0
    assert (report.inputs, report.shards) == (3, 3)
    urls = {u for (u,) in q(db, "SELECT url FROM documents")}
    assert urls == {A, f"{SITE}/chuyen-doi-so/tinh-0.html", f"{SITE}/chuyen-doi-so/tinh-1.html"}
    assert report.off_topic == 1
    # revisions: both versions of the edited page with their capture times; the row holds the latest
    conn = store.connect(db)
    every = query_facts(conn, FactQuery(subject="Lào Cai", kind="rank", revisions=True))
    assert sorted((r["archived_at"], r["value"]) for r in every) == [
        ("2021-03-01T08:00:00+07:00", 14), ("2022-05-15T16:30:00+07:00", 12)]
    assert [r["value"] for r in query_facts(conn, FactQuery(subject="Lào Cai", kind="rank"))] == [12]
    # a plain WARC's record is where reprocess can find it again
    (file, offset), = q(db, "SELECT warc_file, warc_offset FROM documents WHERE url = ?", [A])
    assert file == str(tmp_path / "a.warc.gz") and offset > 0
    assert q(db, "SELECT locator FROM captures WHERE url LIKE '%tinh-0%'") == [
        (f"c.wacz#archive/data.warc.gz@{_offset(tmp_path / 'c.wacz')}",)]


def _offset(wacz: Path) -> int:
    import io
    import zipfile
    from warcio.archiveiterator import ArchiveIterator
    with zipfile.ZipFile(wacz) as z:
        it = ArchiveIterator(io.BytesIO(z.read("archive/data.warc.gz")))
        for rec in it:
            if rec.rec_type == "response" and "tinh-0" in rec.rec_headers.get_header("WARC-Target-URI"):
                return it.offset
    raise AssertionError("no record")


def test_all_keeps_every_page_and_no_source_is_needed(tmp_path, monkeypatch):
    write_warc(tmp_path / "a.warc.gz", pages())
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)       # no sources.yaml here
    named = runner.invoke(cli, ["backfill", "--warc", str(tmp_path / "a.warc.gz"), "--sources", "none.yaml",
                                "--all", "--db", str(tmp_path / "dti.sqlite")])
    result = runner.invoke(cli, ["backfill", "--warc", str(tmp_path / "a.warc.gz"), "--all",
                                 "--db", str(tmp_path / "dti.sqlite"), "--quiet"])
    assert named.exit_code == 2 and "none.yaml: no such sources file" in named.output   # named, so meant
    assert result.exit_code == 0, result.output
    urls = {u for (u,) in q(str(tmp_path / "dti.sqlite"), "SELECT url FROM documents")}
    # every page, other sites' and the listing too; never the image
    assert urls == {A, f"{SITE}/chuyen-doi-so/bong-da.html", f"{SITE}/chuyen-doi-so/",
                    "http://other.test/chuyen-doi-so/x.html"}


def test_bad_input_is_named_and_the_rest_goes_on(tmp_path):
    good = warc_bytes(pages()[:2])
    (tmp_path / "1-good.warc.gz").write_bytes(good)
    # truncated files: one cut inside its last record's body, one inside its last record's header
    (tmp_path / "2-truncated.warc.gz").write_bytes(warc_bytes(pages(3)[6:])[:-120])
    (tmp_path / "2-truncated-more.warc.gz").write_bytes(warc_bytes(pages(8)[12:])[:-300])
    # a record whose HTTP header is broken, between two good ones
    mixed = (warc_bytes([pages(4)[9]]) + broken_header_record(f"{SITE}/chuyen-doi-so/hong.html",
                                                              "2022-01-01T00:00:00Z")
             + warc_bytes([pages(5)[10]]))
    (tmp_path / "3-broken-header.warc.gz").write_bytes(mixed)
    write_wacz(tmp_path / "4-no-index.wacz", pages(6)[11:], with_index=False)
    (tmp_path / "5-not-a-warc.txt").write_text("hello")
    db = tmp_path / "db" / "dti.sqlite"
    sources_yaml(tmp_path / "sources.yaml")
    result = CliRunner().invoke(cli, ["backfill", "--warc", str(tmp_path / "[1-5]-*"), "--sources",
                                      str(tmp_path / "sources.yaml"), "--db", str(db), "--quiet"])
    out = result.output
    assert result.exit_code == 3, out
    assert "2-truncated.warc.gz: record 4 (http://baolaocai.test/chuyen-doi-so/tinh-2.html) is cut short" in out
    assert "2-truncated-more.warc.gz: truncated: " in out and "after record 2 at byte" in out
    assert "3-broken-header.warc.gz: record 3 (http://baolaocai.test/chuyen-doi-so/hong.html) has a broken HTTP header" in out
    assert "4-no-index.wacz: a WACZ without its index" in out
    assert "5-not-a-warc.txt: not a WARC" in out
    urls = {u for (u,) in q(str(db), "SELECT url FROM documents")}
    # the good file, the records around the broken one, the WACZ's page and the record before the cut
    assert {A, f"{SITE}/chuyen-doi-so/tinh-3.html", f"{SITE}/chuyen-doi-so/tinh-4.html",
            f"{SITE}/chuyen-doi-so/tinh-5.html", f"{SITE}/chuyen-doi-so/tinh-0.html",
            f"{SITE}/chuyen-doi-so/tinh-6.html"} == urls - {f"{SITE}/chuyen-doi-so/tinh-1.html"}
    assert f"{SITE}/chuyen-doi-so/tinh-1.html" in urls
    before = content(db)
    again = CliRunner().invoke(cli, ["backfill", "--warc", str(tmp_path / "[1-4]*"), "--sources",
                                     str(tmp_path / "sources.yaml"), "--db", str(db), "--quiet"])
    assert "5 files in 5 shards (5 done before, skipped)" in again.output, again.output
    assert content(db) == before


def test_the_same_captures_in_new_files_change_nothing(tmp_path):
    write_warc(tmp_path / "a.warc.gz", pages(3))
    db = tmp_path / "dti.sqlite"
    first = backfill_warc([str(tmp_path / "a.warc.gz")], sources(tmp_path), db)
    before = content(db)
    write_warc(tmp_path / "copy.warc", pages(3), gzipped=False)     # another file, the very same captures
    second = backfill_warc([str(tmp_path / "copy.warc")], sources(tmp_path), db)
    assert content(db) == before
    assert second.stored == 0 and second.known == first.stored > 0


def test_a_crashed_backfill_resumes_from_the_shards_done(tmp_path):
    for i in range(6):
        write_warc(tmp_path / f"part-{i}.warc.gz", [p for j, p in enumerate(pages(36)[6:]) if j % 6 == i])
    write_warc(tmp_path / "part-9.warc.gz", pages()[:2])
    sources_yaml(tmp_path / "sources.yaml")
    clean, crashed = tmp_path / "clean.sqlite", tmp_path / "crashed.sqlite"
    args = ["backfill", "--warc", str(tmp_path / "part-*.warc.gz"), "--sources", str(tmp_path / "sources.yaml")]
    backfill_warc([str(tmp_path / "part-*.warc.gz")], sources(tmp_path), clean)
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", *args, "--db", str(crashed), "--quiet"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done = 0
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            done = q(str(crashed), "SELECT count(*) FROM backfill_shards")[0][0]
        except sqlite3.Error:
            done = 0
        if done >= 2:
            os.kill(proc.pid, signal.SIGKILL)      # a crash in the middle of the run
            break
        time.sleep(0.02)
    proc.wait()
    done = q(str(crashed), "SELECT count(*) FROM backfill_shards")[0][0]
    assert 2 <= done < 7, f"the run ended before it could be killed ({done} shards)"
    again = CliRunner().invoke(cli, [*args, "--db", str(crashed), "--quiet"])
    assert again.exit_code == 0, again.output
    assert f"7 files in 7 shards ({done} done before, skipped)" in again.output
    assert content(crashed) == content(clean)
