"""Reprocess: every archived document re-parsed and re-extracted from the WARC files, offline."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from click.testing import CliRunner

from pipeline import store
from pipeline.cli import cli
from pipeline.harvest.crawler import harvest
from pipeline.extract import EXTRACTOR_VERSION
from tests.servers import FaultServer, article, listing
from tests.test_crawl import sf_for, source

TEXT = ("Năm 2024, tỉnh Lào Cai xếp thứ 14/34 tỉnh, thành phố về Chỉ số chuyển đổi số (DTI), đạt 0,7167 điểm.\n"
        "Chính quyền số của tỉnh tiếp tục được đầu tư.")


def q(db, sql, params=()):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def harvested(tmp_path) -> str:
    db = str(tmp_path / "dti.sqlite")
    with FaultServer() as srv:
        srv.page("/robots.txt", "", content_type="text/plain")
        for n in (1, 2):
            srv.page(f"/bai-viet/dti-{n}-post{n}.html", article(f"Lào Cai và DTI {n}", TEXT))
        srv.page("/tin-tuc", listing([f"/bai-viet/dti-{n}-post{n}.html" for n in (1, 2)]))
        assert harvest(sf_for(source(srv)), [source(srv)], db).exit_code == 0
    return db  # the server is gone: reprocessing cannot use the network


def test_reprocess_rebuilds_text_and_facts_from_the_archive(tmp_path):
    db = harvested(tmp_path)
    before_docs = q(db, "SELECT url, title, text, content_hash FROM documents ORDER BY url")
    before_facts = q(db, "SELECT d.url, f.subject, f.kind, f.value, f.total, f.year FROM facts f "
                         "JOIN documents d ON d.id = f.document_id ORDER BY 1, 2, 3, 4")
    assert before_facts, "the extractor should find the rank in TEXT"
    # what an old parser and extractor would have left: wrong text, old version, a stale fact
    conn = store.connect(db)
    conn.execute("UPDATE documents SET text = 'hỏng', extractor_version = '0.0.0'")
    conn.execute("UPDATE facts SET value = 99, extractor_version = '0.0.0'")
    conn.conn.close()

    result = CliRunner().invoke(cli, ["reprocess", "--db", db, "--quiet"])
    assert result.exit_code == 0, result.output
    assert f"reprocessed 2 documents with extractor {EXTRACTOR_VERSION}" in result.output
    assert q(db, "SELECT url, title, text, content_hash FROM documents ORDER BY url") == before_docs
    after = q(db, "SELECT d.url, f.subject, f.kind, f.value, f.total, f.year FROM facts f "
                  "JOIN documents d ON d.id = f.document_id ORDER BY 1, 2, 3, 4")
    assert after == before_facts  # replaced, not added to
    assert q(db, "SELECT DISTINCT extractor_version FROM facts") == [(EXTRACTOR_VERSION,)]
    assert q(db, "SELECT DISTINCT extractor_version FROM documents") == [(EXTRACTOR_VERSION,)]


def test_a_damaged_archive_is_reported_not_fatal(tmp_path):
    db = harvested(tmp_path)
    warc = q(db, "SELECT warc_file FROM documents ORDER BY id LIMIT 1")[0][0]
    path = Path(db).parent / warc
    path.write_bytes(path.read_bytes()[:200])  # truncated file
    result = CliRunner().invoke(cli, ["reprocess", "--db", db, "--quiet"])
    assert result.exit_code == 1
    assert "could not be read back" in result.output
    assert q(db, "SELECT count(*) FROM documents WHERE text != ''")[0][0] == 2  # nothing lost


def test_reprocess_without_a_database_is_misuse(tmp_path):
    result = CliRunner().invoke(cli, ["reprocess", "--db", str(tmp_path / "none.sqlite")])
    assert result.exit_code == 2 and "harvest" in result.output
