"""Revisions, not replacement (store/revisions.py): every captured version of a page is kept with
its facts and capture times, and the document row holds the latest, whatever order the
captures arrive in."""
from __future__ import annotations

import itertools
import sqlite3
import time

from pipeline import process, store
from pipeline.models import FETCH_FAILED, Capture, Document
from tests.backfill_pages import content, lao_cai_rank

URL = "http://baolaocai.test/chuyen-doi-so/lao-cai-dti.html"
CAPTURES = [("2021-03-01T15:00:00+07:00", 14), ("2022-05-15T16:30:00+07:00", 12),
            ("2023-01-10T08:00:00+07:00", 12), ("2024-02-01T09:00:00+07:00", 14)]   # edited, then put back
READ = {rank: process.read(process.Raw(body=lao_cai_rank(rank).encode(), url=URL, content_type="text/html"))
        for rank in (12, 14)}


def store_in(path, order) -> dict:
    db = store.connect(path)
    for at, rank in order:
        process.write(db, READ[rank], Capture(URL, at, "warc", f"x.warc.gz@{rank}"))
    db.conn.close()
    return content(path)


def rank_of_document(path) -> list:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT f.value, d.archived_at FROM facts f JOIN documents d ON d.id = f.document_id "
                            "WHERE f.kind = 'rank'").fetchall()
    finally:
        conn.close()


def test_every_order_of_the_captures_gives_the_same_database(tmp_path):
    results = [store_in(tmp_path / f"{n}.sqlite", order)
               for n, order in enumerate(itertools.permutations(CAPTURES))]
    assert all(r == results[0] for r in results[1:])
    first = results[0]
    assert len(first["documents"]) == 1 and len(first["captures"]) == 4
    # two bodies, two revisions: 14 first seen 2021 and last 2024, 12 seen 2022 to 2023
    assert sorted((r[2], r[3]) for r in first["revisions"]) == [
        ("2021-03-01T15:00:00+07:00", "2024-02-01T09:00:00+07:00"),
        ("2022-05-15T16:30:00+07:00", "2023-01-10T08:00:00+07:00")]
    # the latest capture shows 14 again: that is what the document holds now
    assert rank_of_document(tmp_path / "0.sqlite") == [(14.0, "2024-02-01T09:00:00+07:00")]


def test_storing_a_capture_again_changes_nothing(tmp_path):
    path = tmp_path / "dti.sqlite"
    once = store_in(path, CAPTURES[:2])
    db = store.connect(path)
    saved = store.save_capture(db, READ[12].document, READ[12].facts, process.EXTRACTOR_VERSION,
                               Capture(URL, CAPTURES[1][0], "warc"))
    db.conn.close()
    assert saved.outcome == "known"
    assert content(path) == once


def test_an_older_capture_arriving_late_leaves_the_latest_in_place(tmp_path):
    path = tmp_path / "dti.sqlite"
    store_in(path, [CAPTURES[1]])
    db = store.connect(path)
    saved = store.save_capture(db, READ[14].document, READ[14].facts, process.EXTRACTOR_VERSION,
                               Capture(URL, CAPTURES[0][0], "cdx"))
    db.conn.close()
    assert (saved.outcome, saved.current) == ("new", False)
    assert rank_of_document(path) == [(12.0, "2022-05-15T16:30:00+07:00")]


def test_a_capture_replaces_a_failed_fetch(tmp_path):
    path = tmp_path / "dti.sqlite"
    db = store.connect(path)
    process.write(db, process.Processed(Document(url=URL, status=FETCH_FAILED, status_detail="HTTP 404")))
    process.write(db, READ[14], Capture(URL, CAPTURES[0][0], "cdx"))
    db.conn.close()
    assert rank_of_document(path) == [(14.0, "2021-03-01T15:00:00+07:00")]


def test_re_extraction_in_place_refreshes_the_revision(tmp_path):
    path = tmp_path / "dti.sqlite"
    store_in(path, [CAPTURES[0]])
    conn = sqlite3.connect(path)
    conn.execute("UPDATE revision_facts SET value = 99, extractor_version = 'old'")
    conn.execute("UPDATE revisions SET extractor_version = 'old'")
    conn.commit()
    conn.close()
    db = store.connect(path)
    process.write(db, READ[14])           # as reprocess does: the document read again, no new capture
    db.conn.close()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM revision_facts WHERE kind = 'rank'").fetchall() == [(14.0,)]
    conn.close()


def test_the_migration_makes_each_stored_document_its_first_revision(tmp_path):
    path = tmp_path / "old.sqlite"
    db = store.connect(path)
    doc = READ[14].document
    store.save_document(db, doc, READ[14].facts, "old", fetched_at="2025-01-02T03:04:05+07:00")
    # as a database of before migration 5 would hold it
    for table in ("captures", "revision_facts", "revisions", "backfill_shards"):
        db.execute(f"DROP TABLE {table}")
    db.execute("ALTER TABLE documents DROP COLUMN archived_at")
    db.execute("DELETE FROM _migrations WHERE version >= 5")
    for trigger in ("figures_facts_ai", "figures_facts_ad", "figures_facts_au", "figures_reference_ai",
                    "figures_reference_ad"):
        db.execute(f"DROP TRIGGER {trigger}")
    db.execute("DROP TABLE figures")
    db.execute("DROP TABLE figures_dirty")
    db.execute("DROP TABLE audit_findings")
    db.conn.close()
    store.connect(path).conn.close()        # migrated again
    after = content(path)
    assert after["captures"] == [(URL, "2025-01-02T03:04:05+07:00", "harvest", doc.content_hash)]
    assert after["documents"][0][6] == "2025-01-02T03:04:05+07:00"
    assert sorted(r[1:] for r in after["revision_facts"]) == sorted(r[1:7] for r in after["facts"])
    assert after["facts"]


def test_a_harvest_that_finds_a_page_edited_keeps_both_versions(tmp_path):
    from pipeline.harvest.crawler import harvest
    from tests.servers import FaultServer, listing
    from tests.test_crawl import sf_for, source
    db = str(tmp_path / "dti.sqlite")
    page = "/bai-viet/lao-cai-dti-post1.html"
    with FaultServer() as srv:
        srv.page("/robots.txt", "", content_type="text/plain")
        srv.page("/tin-tuc", listing([page]))
        srv.page(page, lao_cai_rank(14))
        assert harvest(sf_for(source(srv)), [source(srv)], db).exit_code == 0
        time.sleep(1.1)                              # capture times are to the second
        srv.page(page, lao_cai_rank(12))            # the portal rewrites its article
        assert harvest(sf_for(source(srv)), [source(srv)], db).exit_code == 0
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("""SELECT f.value FROM revision_facts f JOIN revisions r ON r.id = f.revision_id
                               WHERE f.kind = 'rank' ORDER BY r.first_captured""").fetchall() == [(14.0,), (12.0,)]
        assert conn.execute("SELECT origin FROM captures").fetchall() == [("harvest",), ("harvest",)]
    finally:
        conn.close()
    assert [v for v, _ in rank_of_document(db)] == [12.0]


def test_another_body_in_the_same_second_is_not_taken_for_the_stored_capture(tmp_path):
    path = tmp_path / "dti.sqlite"
    store_in(path, [CAPTURES[0]])
    db = store.connect(path)
    saved = store.save_capture(db, READ[12].document, READ[12].facts, process.EXTRACTOR_VERSION,
                               Capture(URL, CAPTURES[0][0], "harvest"))
    db.conn.close()
    assert saved.outcome == "new" and saved.current
    assert rank_of_document(path) == [(12.0, CAPTURES[0][0])]
