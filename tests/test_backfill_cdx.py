"""`backfill --cdx`: a CDX server and its replay of the tests' own on 127.0.0.1, with captures of
generated pages across several years, one page edited between two captures."""
from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from pipeline import store
from pipeline.backfill import backfill_cdx
from pipeline.backfill.cdx import capture_time
from pipeline.cli import cli
from pipeline.config import load_sources
from pipeline.factcheck.audit import audit
from pipeline.research.query import FactQuery, query_facts
from tests.archives import ArchiveServer
from tests.backfill_pages import FOOTBALL, content, lao_cai_rank, province_page, sources_yaml
from tests.servers import FaultServer

DELAY = 0.05


def q(db, sql, params=()):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


@pytest.fixture
def archived():
    """The source site (which must never be asked) and an archive holding its past."""
    with FaultServer() as site, ArchiveServer(robots="User-agent: *\nDisallow: /web/2019\n") as arc:
        base = site.base + "/chuyen-doi-so"
        arc.capture(f"{base}/", "20210301000000", "<html><body>listing</body></html>")
        arc.capture(f"{base}/lao-cai-dti.html", "20210301080000", lao_cai_rank(14))
        arc.capture(f"{base}/lao-cai-dti.html", "20220515093000", lao_cai_rank(12))   # edited
        arc.capture(f"{base}/thai-nguyen.html", "20230110120000", province_page("Thái Nguyên", 9, 2022, "0,5721"))
        arc.capture(f"{base}/bong-da.html", "20240102000000", FOOTBALL)              # off topic
        arc.capture(f"{base}/cu.html", "20190101000000", province_page("Yên Bái", 30, 2019, "0,3010"))
        yield site, arc


def run(tmp_path, site, arc, **kw):
    sf = load_sources(sources_yaml(tmp_path / "sources.yaml", site.base))
    return backfill_cdx(sf.settings, sf.sources, tmp_path / "dti.sqlite", arc.cdx_endpoint, arc.replay_prefix,
                        delay=DELAY, **kw)


def test_captures_become_revisions_with_their_facts_and_capture_times(tmp_path, archived):
    site, arc = archived
    report = run(tmp_path, site, arc)
    db = str(tmp_path / "dti.sqlite")
    assert site.hits() == []                      # the source's host was never contacted
    urls = {u for (u,) in q(db, "SELECT url FROM documents")}
    base = site.base + "/chuyen-doi-so"
    assert urls == {f"{base}/lao-cai-dti.html", f"{base}/thai-nguyen.html"}   # listing and football left out
    assert report.off_topic == 1
    assert any("disallows" in p and "2019" in p for p in report.problems)      # robots.txt of the archive
    # the edited page: two revisions, each with its own facts and capture time; the row is the latest
    revs = q(db, """SELECT r.first_captured, f.value FROM revisions r JOIN revision_facts f ON f.revision_id = r.id
                    JOIN documents d ON d.id = r.document_id WHERE d.url = ? AND f.kind = 'rank'
                    ORDER BY r.first_captured""", [f"{base}/lao-cai-dti.html"])
    assert revs == [(capture_time("20210301080000"), 14.0), (capture_time("20220515093000"), 12.0)]
    assert capture_time("20220515093000") == "2022-05-15T16:30:00+07:00"
    assert q(db, "SELECT archived_at FROM documents WHERE url = ?", [f"{base}/lao-cai-dti.html"]) == [
        ("2022-05-15T16:30:00+07:00",)]
    conn = store.connect(db)
    latest = query_facts(conn, FactQuery(subject="Lào Cai", kind="rank"))
    assert [r["value"] for r in latest] == [12]
    every = query_facts(conn, FactQuery(subject="Lào Cai", kind="rank", revisions=True))
    assert sorted((r["archived_at"][:10], r["value"], r["latest"]) for r in every) == [
        ("2021-03-01", 14, False), ("2022-05-15", 12, True)]
    edited = audit(conn, ["edited"])
    assert len(edited) == 1 and edited[0].subject == "Lào Cai" and edited[0].kind == "rank"
    assert "14/63" in edited[0].message and "12/63" in edited[0].message
    assert edited[0].urls == [f"{base}/lao-cai-dti.html"]
    # the replayed bytes were archived in our own WARC files before parsing
    assert all(w and w.startswith("warc/backfill-") for (w,) in q(db, "SELECT warc_file FROM documents"))


def test_the_archive_is_asked_politely(tmp_path, archived):
    site, arc = archived
    run(tmp_path, site, arc)
    hits = list(arc.hits)
    assert hits[0].path == "/robots.txt" and len([h for h in hits if h.path == "/robots.txt"]) == 1
    assert not [h for h in hits if h.path.startswith("/web/2019")]
    gaps = [b.at - a.done for a, b in zip(hits, hits[1:])]
    assert min(gaps) >= DELAY * 0.9, gaps
    queries = [h.path for h in hits if h.path.startswith("/cdx")]
    assert all("matchType=prefix" in p and "filter=statuscode%3A200" in p and "collapse=digest" in p
               and "output=json" in p for p in queries)


def test_a_second_backfill_changes_nothing_and_fetches_no_capture(tmp_path, archived):
    site, arc = archived
    first = run(tmp_path, site, arc)
    before = content(tmp_path / "dti.sqlite")
    replays = len(arc.replays())
    second = run(tmp_path, site, arc)
    assert content(tmp_path / "dti.sqlite") == before
    assert len(arc.replays()) - replays == 1        # only the capture off topic, never stored, is asked again
    assert second.stored == 0 and second.known == first.stored == 3
    assert (second.documents, second.revisions, second.facts) == (0, 0, 0)


def test_years_limit_the_captures(tmp_path, archived):
    site, arc = archived
    report = run(tmp_path, site, arc, year_from=2022, year_to=2022)
    db = str(tmp_path / "dti.sqlite")
    assert q(db, "SELECT archived_at FROM captures") == [("2022-05-15T16:30:00+07:00",)]
    assert report.problems == []
    assert all("from=2022" in h.path and "to=2022" in h.path for h in arc.hits if h.path.startswith("/cdx"))


def test_pywb_answers_are_read_too(tmp_path):
    with FaultServer() as site, ArchiveServer(style="pywb") as arc:
        base = site.base + "/chuyen-doi-so"
        arc.capture(f"{base}/lao-cai-dti.html", "20210301080000", lao_cai_rank(14))
        arc.capture(f"{base}/lao-cai-dti.html", "20220515093000", lao_cai_rank(12))
        report = run(tmp_path, site, arc)
    assert report.stored == 2 and report.problems == []
    assert len(q(str(tmp_path / "dti.sqlite"), "SELECT * FROM revisions")) == 2


def test_a_cdx_server_failing_or_answering_garbage_is_named_and_the_rest_goes_on(tmp_path):
    with FaultServer() as site, FaultServer() as other, ArchiveServer() as arc:
        arc.capture(f"{site.base}/chuyen-doi-so/lao-cai-dti.html", "20210301080000", lao_cai_rank(14))
        h1, h2 = other.base.split("://")[1], "127.0.0.1:9"
        arc.faults[h1] = 503
        arc.faults[h2] = "garbage"
        extra = "".join(f"""  - name: {name}
    start_urls: ["http://{host}/chuyen-doi-so/"]
    allow: ['^http://{host.replace('.', chr(92) + '.')}/chuyen-doi-so/.+\\.html$']
""" for name, host in (("thanhhoa", h1), ("rac", h2)))
        sf = load_sources(sources_yaml(tmp_path / "sources.yaml", site.base, extra=extra))
        db = tmp_path / "dti.sqlite"
        result = CliRunner().invoke(cli, ["backfill", "--cdx", arc.cdx_endpoint, "--replay", arc.replay_prefix,
                                          "--sources", str(tmp_path / "sources.yaml"), "--db", str(db),
                                          "--delay", "0", "--quiet"])
        assert other.hits() == []
    assert len(sf.sources) == 3
    assert result.exit_code == 3, result.output
    assert f"CDX query for {h1}/chuyen-doi-so/: " in result.output and "HTTP 503" in result.output
    assert f"CDX query for {h2}/chuyen-doi-so/: " in result.output and "not a CDX listing" in result.output
    assert q(str(db), "SELECT count(*) FROM captures") == [(1,)]          # the good source went through


def test_a_loopback_archive_needs_allow_hosts(tmp_path, archived):
    site, arc = archived
    sources_yaml(tmp_path / "sources.yaml", site.base, allow_hosts=())
    result = CliRunner().invoke(cli, ["backfill", "--cdx", arc.cdx_endpoint, "--replay", arc.replay_prefix,
                                      "--sources", str(tmp_path / "sources.yaml"), "--db", str(tmp_path / "x.sqlite"),
                                      "--quiet"])
    assert result.exit_code == 1, result.output
    assert "not a public address" in result.output and "allow_hosts" in result.output
    assert arc.hits == [] and site.hits() == []


def test_misuse_is_one_line_and_exit_2(tmp_path):
    runner = CliRunner()
    for args, words in ((["backfill"], "either --cdx"),
                        (["backfill", "--cdx", "http://x/cdx", "--warc", "a.warc"], "not both"),
                        (["backfill", "--warc", "a.warc", "--from", "2021"], "--from and --to"),
                        (["backfill", "--warc", "a.warc", "--scheduler", "tcp://x:1"], "--engine dask")):
        r = runner.invoke(cli, args + ["--db", str(tmp_path / "x.sqlite")])
        assert r.exit_code == 2 and words in r.output and len(r.output.strip().splitlines()) == 1, r.output
