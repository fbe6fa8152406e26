"""Migration 7's indexes serve the canned queries they were made for: on a database of synthetic
facts (the bench's, small), SQLite's planner reads each query through its index. Speed itself is
the bench's business (`make bench`); this says the plan, which does not depend on the machine."""
from __future__ import annotations

import sqlite3

import pytest

from bench.db_bench import fill
from pipeline.research.serve import canned_queries

SERVES = {
    "dti_coverage": "facts_by_metric",
    "targets_against_actuals": "facts_subject_latest",
}


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    path = tmp_path_factory.mktemp("idx") / "facts.sqlite"
    fill(path, 20_000)
    c = sqlite3.connect(path)
    yield c
    c.close()


@pytest.mark.parametrize("name", sorted(SERVES))
def test_each_canned_query_reads_through_its_index(conn, name):
    sql = canned_queries()[name]["sql"]
    params = {"metric": "", "from_year": "", "to_year": ""} if ":metric" in sql else \
        {"subject": "Lào Cai"} if ":subject" in sql else {}
    plan = " | ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params))
    assert SERVES[name] in plan, plan
