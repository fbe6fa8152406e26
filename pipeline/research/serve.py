"""`serve`: browse the database in Datasette, with titles, descriptions, facets and canned queries.

Datasette runs as a subprocess on the live database file, not in immutable mode (`-i`): a
harvest may be writing, and WAL lets Datasette read while it does. The fact-checker's canned
queries (factcheck/audit_queries.py) are shown beside the researcher's.
"""
from __future__ import annotations

import json
import signal
import threading
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Optional

from pipeline import store
from pipeline.factcheck import audit_queries
from pipeline.research.coverage import COVERAGE_SQL
from pipeline.research.export import FIELD_DESCRIPTIONS, LICENSE

FACETS = ["subject", "metric", "year", "kind"]
SETTINGS = {
    # Datasette's default is 1 s. At a million facts (make bench) every canned query but two answers
    # its page within 1 s; audit_conflicts (~2 s) and audit_reference (~4 s) compare every fact,
    # so the limit is 5 s, enough for those and short enough to stop a runaway query (README).
    "sql_time_limit_ms": "5000",
    "facet_time_limit_ms": "500",
    "default_page_size": "50",
    "max_returned_rows": "5000",
}

_DTI_METRIC = "(g.metric = 'dti' OR g.metric LIKE 'dti.%')"
# The province as typed, or its folded alias when typed without marks ("lao cai"); lower()
# only lowers ASCII, which is what an unmarked spelling is.
_PROVINCE_MATCH = """(s.name = :province OR s.name_2025 = :province OR s.name_2025 IN
      (SELECT a.name FROM subject_aliases a WHERE a.alias = lower(trim(:province))))"""



def _num(expr: str) -> str:
    """A stored REAL shown as 14, not 14.0, when it is whole."""
    return f"CASE WHEN {expr} = CAST({expr} AS INTEGER) THEN CAST({expr} AS INTEGER) ELSE {expr} END"


CANNED_QUERIES: dict[str, dict[str, str]] = {
    "province_dti_history": {
        "title": "A province's DTI history",
        "description": "Every DTI rank and score (index, pillars, components) stated for a province, year by "
                       "year, with how many documents state each figure. A province as of 2025 includes the "
                       "provinces merged into it (Lào Cai shows Yên Bái's earlier figures). Type the name with "
                       "or without marks: Lào Cai, lao cai.",
        "sql": f"""SELECT g.year, g.subject AS stated_as, s.name_2025 AS province_2025, g.metric, g.kind,
  {_num("c.value")} AS value, {_num("c.total")} AS total, {_num("c.scale")} AS scale, c.documents
FROM subjects s
JOIN fact_groups g ON g.subject = s.name AND g.subject_type = 'province'
JOIN fact_claims c ON c.group_key = g.key
WHERE s.type = 'province' AND {_PROVINCE_MATCH}
  AND g.is_target = 0 AND g.kind IN ('rank', 'score') AND {_DTI_METRIC}
ORDER BY g.year, g.metric = 'dti' DESC, g.metric, g.subject, g.kind, c.documents DESC""",
    },
    "document_figures": {
        "title": "All figures of one document",
        "description": "Every fact stored for one document (give its URL or its id), in reading order, with "
                       "the evidence and where in the document it stands.",
        "sql": """SELECT f.id AS fact_id, f.subject, f.subject_type, f.province, f.metric, f.year, f.kind, f.value,
  f.total, f.scale, f.unit, f.qualifier, f.is_target, f.evidence, f.start, f."end", f.page, f.table_row,
  f.table_col, f.extractor, f.extractor_version, d.url, d.title
FROM documents d JOIN facts f ON f.document_id = d.id
WHERE d.url = :document OR d.id = :document
ORDER BY f.start, f.id""",
    },
    "sources_disagree": {
        "title": "Figures that sources disagree on",
        "description": "Questions (subject, metric, year, kind; for ranks, the ranking's size) to which the "
                       "documents give different answers; scores compared on a common scale. Each answer "
                       "shows how many documents give it. Open one with `document_figures` or "
                       "`python -m pipeline query`.",
        "sql": """SELECT g.subject, g.subject_type, g.province, g.metric, g.year, g.kind, g.total AS ranking_of,
  (SELECT group_concat(answer, '; ') FROM (
     SELECT printf('%g', c.value) || CASE WHEN c.total IS NOT NULL AND g.kind <> 'rank'
              THEN '/' || printf('%g', c.total) ELSE '' END
            || CASE WHEN c.scale IS NOT NULL THEN ' of ' || printf('%g', c.scale) ELSE '' END
            || ' (' || c.documents || ')' AS answer
     FROM fact_claims c WHERE c.group_key = g.key ORDER BY c.documents DESC, c.value)) AS "answers (documents)",
  g.n_facts AS documents
FROM fact_groups g
WHERE g.n_values > 1 AND g.is_target = 0
  -- ranks differ by value within a group (the ranking's size is part of it); other answers may
  -- differ only by scale or by a stated total, so those are compared on the value itself
  AND (g.kind = 'rank' OR (SELECT count(DISTINCT CASE WHEN g.kind = 'score'
         THEN round(c.value / coalesce(c.scale, CASE WHEN c.value <= 1 THEN 1 ELSE 1000 END), 4)
         ELSE c.value END) FROM fact_claims c WHERE c.group_key = g.key) > 1)
ORDER BY g.n_facts DESC, g.subject, g.metric, g.year""",
    },
    "targets_against_actuals": {
        "title": "Targets against actuals",
        "description": "Each goal (mục tiêu, phấn đấu, chỉ tiêu) beside the latest achieved figure of the same "
                       "subject and metric, and whether it is reached. Leave the subject empty for all.",
        "sql": """SELECT subject, metric, target_kind, target_qualifier, target_value, target_year, actual_kind,
  actual_value, actual_total, actual_year, reached, target_evidence, actual_evidence, target_url, actual_url
FROM targets_vs_actuals WHERE subject = :subject
UNION ALL
SELECT subject, metric, target_kind, target_qualifier, target_value, target_year, actual_kind,
  actual_value, actual_total, actual_year, reached, target_evidence, actual_evidence, target_url, actual_url
FROM targets_vs_actuals WHERE :subject = ''""",
    },
}


CANNED_QUERIES["dti_coverage"] = {
    "title": "Coverage: which provinces and years have a rank and a score",
    "description": "One row per province and data year, for the 63 provinces of the rankings up to DTI 2024 "
                   "and the 34 from DTI 2024: the rank and score most documents state, from how many documents "
                   "and sources, whether an imported official table covers it, and the status (missing, score "
                   "only, rank only, complete, not ranked). Gaps first. Leave the parameters empty for DTI "
                   "from 2020 to the latest year stored; the same as `python -m pipeline coverage --format csv`.",
    "sql": COVERAGE_SQL,
}


def _columns(names) -> dict[str, str]:
    return {n: FIELD_DESCRIPTIONS[n] for n in names if n in FIELD_DESCRIPTIONS}


def table_metadata() -> dict[str, Any]:
    fact_cols = _columns(FIELD_DESCRIPTIONS)
    return {
        "facts": {
            "title": "Facts",
            "description": "One figure a document states about one subject, with the sentence that states it "
                           "(evidence) and where it stands (start/end offsets, page, table cell).",
            "facets": FACETS, "columns": fact_cols, "fts_table": "facts_fts", "fts_pk": "id",
            "label_column": "evidence",
        },
        "documents": {
            "title": "Documents",
            "description": "Articles, portal pages and decision PDFs, with their text and crawl state. "
                           "Search is blind to tone marks and đ.",
            "facets": ["outlet", "doc_type", "status", "source"],
            "fts_table": "documents_fts", "fts_pk": "id", "label_column": "title",
        },
        "dti_rankings": {
            "title": "DTI rankings",
            "description": "Subject × year × metric of the DTI and sister indices: the rank most documents "
                           "state, in which ranking (total: 34 or 63), how many documents state it and how many "
                           "different ranks are stated; the same for the score.",
            "facets": ["subject", "metric", "year", "total"],
        },
        "indicators": {
            "title": "Indicators",
            "description": "Every other figure (percentages, counts, top-N groups, rank changes, rankings of "
                           "districts and agencies, targets), each with its evidence and URL.",
            "facets": FACETS + ["is_target"], "columns": fact_cols,
        },
        "targets_vs_actuals": {
            "title": "Targets against actuals",
            "description": "Each target beside the latest achieved figure of the same subject and metric; "
                           "reached is 1, 0, or empty when they cannot be compared.",
            "facets": ["subject", "metric", "reached"],
        },
        "province_history": {
            "title": "Province history across the 2025 merger",
            "description": "Province-level figures under the province each subject became in 2025: Yên Bái's "
                           "figures from before the merger appear with Lào Cai (stated_as Yên Bái, merged 1).",
            "facets": ["province_2025", "metric", "year", "kind"],
        },
        "subjects": {"title": "Subjects",
                     "description": "The 63 provinces (2004 codes) with the 34 they became in 2025, and the "
                                    "districts and agencies facts name.",
                     "facets": ["type", "name_2025", "merged_2025"]},
        "metrics": {"title": "Metrics", "description": "The metric vocabulary with Vietnamese names.",
                    "facets": ["vocabulary", "pillar"]},
        "runs": {"title": "Harvest runs", "description": "One row per harvest: when, status and counts."},
        "sources": {"title": "Sources", "description": "The configured sources (sources.yaml)."},
        "fact_claims": {"hidden": True}, "fact_groups": {"hidden": True}, "subject_aliases": {"hidden": True},
        "_migrations": {"hidden": True}, "_reference_data": {"hidden": True},
    }


def canned_queries() -> dict[str, dict[str, str]]:
    queries = dict(CANNED_QUERIES)
    for name, q in audit_queries.CANNED_QUERIES.items():
        queries.setdefault(name, {k: q[k] for k in ("sql", "title", "description") if k in q})
    return queries


def build_metadata(db_path: str | Path) -> dict[str, Any]:
    name = Path(db_path).stem
    return {
        "title": "DTI harvester: Vietnam's digital-transformation figures",
        "description": "Ranks, scores and indicators of Vietnam's provincial digital transformation, harvested "
                       "from provincial portals, newspapers and decision PDFs; every figure links to the "
                       "document and the sentence that states it.",
        "license": LICENSE["name"], "license_url": LICENSE["path"],
        "source": "Provincial portals, newspapers and decisions (see the sources and documents tables)",
        "databases": {name: {"title": "DTI figures", "tables": table_metadata(), "queries": canned_queries()}},
    }


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def datasette_command(db_path: str | Path, metadata_path: str | Path, host: str, port: int) -> list[str]:
    cmd = [sys.executable, "-m", "datasette", "serve", str(db_path), "--metadata", str(metadata_path),
           "--host", host, "--port", str(port)]
    for key, value in SETTINGS.items():
        cmd += ["--setting", key, value]
    return cmd


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001,
          metadata_out: Optional[str] = None) -> int:
    """Run Datasette until it stops or Ctrl-C; returns its exit code."""
    store.connect(db_path)  # migrate first, so the views and tables the metadata names exist
    metadata = build_metadata(db_path)
    if metadata_out:
        Path(metadata_out).write_text(json.dumps(metadata, ensure_ascii=False, indent=1), encoding="utf-8")
    port = port or free_port(host)
    with tempfile.TemporaryDirectory(prefix="dti-serve-") as tmp:
        meta_path = Path(tmp) / "metadata.json"
        meta_path.write_text(json.dumps(metadata, ensure_ascii=False), encoding="utf-8")
        print(f"serving {db_path} at http://{host}:{port}/ (Ctrl-C stops)", flush=True)
        proc = subprocess.Popen(datasette_command(db_path, meta_path, host, port))
        if threading.current_thread() is threading.main_thread():
            # SIGTERM (a service manager, a test) unwinds through `finally`, which stops Datasette
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
        try:
            return proc.wait()
        except KeyboardInterrupt:
            proc.send_signal(signal.SIGINT)
            try:
                return proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                return proc.wait()
        finally:
            if proc.poll() is None:   # stopped by SIGTERM: do not leave Datasette behind
                proc.terminate()
                proc.wait(timeout=10)
