"""`--jobs N`: parse and extract in N worker processes, one writer. The database it leaves is the
one `--jobs 1` leaves: the same documents with the same ids, the same facts, row for row."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import cli
from tests.test_reprocess import harvested

GOLD_DOCS = Path(__file__).parent / "gold" / "docs"
# what differs between two runs however they are made: the clock
TIMES = {"first_seen", "last_seen", "parsed_at", "fetched_at", "processed_at", "updated_at"}


def dump(db: str) -> dict[str, list[tuple]]:
    """Every row of the documents and facts (ids included), and the derived tables, clock aside."""
    conn = sqlite3.connect(db)
    try:
        out = {}
        for table in ("documents", "facts", "fact_claims", "fact_groups", "revisions", "revision_facts"):
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] not in TIMES]
            out[table] = conn.execute(f"SELECT {', '.join(map(repr, cols))} FROM {table} ORDER BY 1, 2").fetchall()
        return out
    finally:
        conn.close()


def ingest(db: Path, jobs: int) -> None:
    result = CliRunner().invoke(cli, ["ingest", *sorted(map(str, GOLD_DOCS.iterdir())), "--db", str(db),
                                      "--jobs", str(jobs)])
    assert result.exit_code == 0, result.output


def test_ingest_with_two_jobs_fills_the_database_one_job_fills(tmp_path):
    ingest(tmp_path / "one.sqlite", 1)
    ingest(tmp_path / "two.sqlite", 2)
    one, two = dump(str(tmp_path / "one.sqlite")), dump(str(tmp_path / "two.sqlite"))
    assert len(one["documents"]) == len(list(GOLD_DOCS.iterdir()))
    assert len(one["facts"]) > 500          # the gold documents state well over a thousand figures
    for table in one:
        assert two[table] == one[table], table


def test_reprocess_with_two_jobs_gives_the_facts_of_one(tmp_path):
    (tmp_path / "a").mkdir()
    db = Path(harvested(tmp_path / "a"))
    copy = tmp_path / "b"
    shutil.copytree(db.parent, copy)        # the database and its WARC files beside it
    for path, jobs in ((db, 1), (copy / db.name, 2)):
        conn = sqlite3.connect(path)
        conn.execute("DELETE FROM facts")   # what reprocess must rebuild
        conn.commit()
        conn.close()
        result = CliRunner().invoke(cli, ["reprocess", "--db", str(path), "--quiet", "--jobs", str(jobs)])
        assert result.exit_code == 0, result.output
        assert "reprocessed 2 documents" in result.output
    one, two = dump(str(db)), dump(str(copy / db.name))
    assert one["facts"]
    for table in one:
        assert two[table] == one[table], table


def test_jobs_must_be_at_least_one(tmp_path):
    result = CliRunner().invoke(cli, ["ingest", str(next(GOLD_DOCS.iterdir())), "--db",
                                      str(tmp_path / "x.sqlite"), "--jobs", "0"])
    assert result.exit_code == 2
    assert "--jobs" in result.output


def test_a_harvest_parsing_in_two_processes_stores_the_facts_of_one(tmp_path):
    from pipeline.harvest.crawler import harvest
    from tests.servers import FaultServer, article, listing
    from tests.test_crawl import sf_for, source
    from tests.test_reprocess import TEXT

    def facts(db: str) -> list[tuple]:
        conn = sqlite3.connect(db)
        try:
            return conn.execute("SELECT d.url, f.subject, f.metric, f.year, f.kind, f.value, f.total, f.evidence "
                                "FROM facts f JOIN documents d ON d.id = f.document_id ORDER BY 1, 2, 3, 4, 5, 6"
                                ).fetchall()
        finally:
            conn.close()

    pages = [f"/bai-viet/dti-{n}-post{n}.html" for n in range(1, 7)]
    with FaultServer() as srv:
        srv.page("/robots.txt", "", content_type="text/plain")
        for n, page in enumerate(pages, 1):
            srv.page(page, article(f"Lào Cai và DTI {n}", TEXT.replace("14/34", f"{n}/34")))
        srv.page("/tin-tuc", listing(pages))
        for jobs in (1, 2):
            summary = harvest(sf_for(source(srv)), [source(srv)], str(tmp_path / f"j{jobs}.sqlite"), jobs=jobs)
            assert summary.exit_code == 0 and summary.totals().new_documents == len(pages)
    one = facts(str(tmp_path / "j1.sqlite"))
    assert len(one) >= len(pages)
    assert facts(str(tmp_path / "j2.sqlite")) == one
