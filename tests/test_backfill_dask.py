"""`backfill --warc --engine dask`: a LocalCluster of 2 worker processes gives the same database
as the single-process run, and resumes the same way; a scheduler that is not there is one line."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from pipeline.backfill import backfill_warc
from pipeline.cli import cli
from tests.archives import write_warc
from tests.backfill_pages import content, sources_yaml
from tests.test_backfill_warc import pages, sources


@pytest.mark.slow
def test_two_dask_workers_give_the_database_of_one_process(tmp_path):
    every = pages(24)
    for i in range(4):           # the edited page's two captures in different files, read in any order
        write_warc(tmp_path / f"part-{i}.warc.gz", every[i::4])
    glob = str(tmp_path / "part-*.warc.gz")
    one = backfill_warc([glob], sources(tmp_path), tmp_path / "one.sqlite")
    two = backfill_warc([glob], sources(tmp_path), tmp_path / "two.sqlite", engine="dask", workers=2)
    assert "LocalCluster of 2 Dask workers" in two.engine
    assert one.problems == two.problems == []
    assert (two.stored, two.documents, two.revisions) == (one.stored, one.documents, one.revisions) and one.stored > 20
    assert content(tmp_path / "two.sqlite") == content(tmp_path / "one.sqlite")
    again = backfill_warc([glob], sources(tmp_path), tmp_path / "two.sqlite", engine="dask", workers=2)
    assert again.shards_done_before == 4 and again.stored == 0


def test_a_scheduler_that_is_not_there_is_one_line(tmp_path):
    write_warc(tmp_path / "a.warc.gz", pages())
    sources_yaml(tmp_path / "sources.yaml")
    r = CliRunner().invoke(cli, ["backfill", "--warc", str(tmp_path / "a.warc.gz"), "--engine", "dask",
                                 "--scheduler", "tcp://127.0.0.1:9", "--sources", str(tmp_path / "sources.yaml"),
                                 "--db", str(tmp_path / "dti.sqlite")])
    assert r.exit_code == 1, r.output
    assert r.output.startswith("error: cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    assert len(r.output.strip().splitlines()) == 1
