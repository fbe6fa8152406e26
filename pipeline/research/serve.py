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
from pipeline.factcheck.audit import RULES, audit
from pipeline.research.canned import CANNED_QUERIES
from pipeline.research.export import FIELD_DESCRIPTIONS, LICENSE

FACETS = ["subject", "metric", "year", "kind"]
SETTINGS = {
    # Datasette's default is 1 s. At a million facts (make bench) every canned query answers
    # within 0.6 s, so 1 s would serve them; 5 s is for a researcher's own SQL over the whole facts
    # table (a GROUP BY over a million facts takes seconds), short enough to stop a runaway (README).
    "sql_time_limit_ms": "5000",
    "facet_time_limit_ms": "500",
    "default_page_size": "50",
    "max_returned_rows": "5000",
}

def _columns(names) -> dict[str, str]:
    return {n: FIELD_DESCRIPTIONS[n] for n in names if n in FIELD_DESCRIPTIONS}


# What a researcher opens; crawl state and summary tables stay out of the list.
HIDDEN = ("frontier", "runs", "captures", "revisions", "revision_facts", "backfill_shards", "fact_claims",
          "fact_groups", "figures_dirty", "subject_aliases", "_migrations", "_reference_data", "documents_fts",
          "facts_fts")
STATIC = Path(__file__).resolve().parent / "static"   # dti.css: room for the evidence column


def table_metadata() -> dict[str, Any]:
    fact_cols = _columns(FIELD_DESCRIPTIONS)
    tables: dict[str, Any] = {
        "figures": {
            "title": "Figures: one answer per question",
            "description": "One row per question (subject, metric, year, kind, ranking size, target or not): the "
                           "answer most documents give (the official table's, when one was imported), how many "
                           "distinct documents and outlets state it, the other answers with their counts, the "
                           "status (official, agreed, single_source, disputed) and the best source. Start here.",
            "facets": ["status", "metric", "year", "kind", "subject_type", "ranking"],
            "sort": "subject", "label_column": "subject",
            "columns": {"ranking": "For ranks: the size of the ranking (34, 63, 26 districts ...); empty when "
                                   "unknown.",
                        "documents": "Distinct documents stating the answer (one document stating it twice is one).",
                        "outlets": "Distinct outlets among them.",
                        "other_answers": "Every other answer, with its own documents and outlets.",
                        "status": "official: an imported table decides; agreed: several documents, one answer; "
                                  "single_source: one document; disputed: documents disagree."},
        },
        "facts_sourced": {
            "title": "Facts with their documents",
            "description": "Every stored figure beside the document that states it: title, outlet, publication "
                           "date and URL, and the sentence (evidence).",
            "facets": FACETS, "sort": "subject",
            "columns": {k: v for k, v in fact_cols.items() if k in (
                "subject", "subject_type", "province", "metric", "year", "kind", "value", "total", "scale",
                "unit", "qualifier", "is_target", "evidence", "url", "published", "outlet")},
        },
        "dti_rankings": {
            "title": "DTI rankings",
            "description": "Subject × year × metric × ranking size of the DTI and sister indices, from figures: the "
                           "rank (total: 34 or 63), how many documents state it, how many different ranks are "
                           "stated and its status; the same for the score.",
            "facets": ["subject_type", "metric", "year", "total"], "sort": "rank",
        },
        "indicators": {
            "title": "Indicators",
            "description": "Every other figure (percentages, counts, top-N groups, rank changes, rankings of "
                           "districts and agencies, targets), each with its evidence and URL.",
            "facets": FACETS + ["is_target"], "sort": "subject",
            "columns": {k: v for k, v in fact_cols.items() if k != "extractor_version"},
        },
        "province_history": {
            "title": "Province history across the 2025 merger",
            "description": "Province-level figures under the province each subject became in 2025: Yên Bái's "
                           "figures from before the merger appear with Lào Cai (stated_as Yên Bái, merged 1).",
            "facets": ["province_2025", "metric", "year", "kind"], "sort": "year",
        },
        "targets_vs_actuals": {
            "title": "Targets against actuals",
            "description": "Each target beside the latest achieved figure of the same subject and metric; "
                           "reached is 1, 0, or empty when they cannot be compared.",
            "facets": ["subject", "metric", "reached"],
        },
        "facts": {
            "title": "Facts",
            "description": "One figure a document states about one subject, with the sentence that states it "
                           "(evidence) and where it stands (start/end offsets, page, table cell).",
            "facets": FACETS, "fts_table": "facts_fts", "fts_pk": "id", "sort": "subject",
            "columns": {k: v for k, v in fact_cols.items() if k not in ("url", "published", "document_title",
                                                                         "outlet")},
            "label_column": "evidence",
        },
        "documents": {
            "title": "Documents",
            "description": "Articles, portal pages and decision PDFs, with their text. Search is blind to tone "
                           "marks and đ.",
            "facets": ["outlet", "doc_type", "status"],
            "fts_table": "documents_fts", "fts_pk": "id", "label_column": "title",
        },
        "subjects": {"title": "Subjects",
                     "description": "The 63 provinces (2004 codes) with the 34 they became in 2025, and the "
                                    "districts and agencies facts name.",
                     "facets": ["type", "name_2025", "merged_2025"], "label_column": "name"},
        "metrics": {"title": "Metrics", "description": "The metric vocabulary with Vietnamese names.",
                    "facets": ["vocabulary", "pillar"], "label_column": "name_vi"},
        "audit_findings": {"title": "Audit findings", "facets": ["rule", "severity", "status"],
                           "description": "What `python -m pipeline audit` found at its last run (or serve's start)."},
        "reference_facts": {"title": "Official tables", "description": "Figures of imported official tables."},
        "sources": {"title": "Sources", "description": "The configured sources (sources.yaml)."},
    }
    tables.update({name: {"hidden": True} for name in HIDDEN})
    return tables


def canned_queries() -> dict[str, dict[str, Any]]:
    # the SQL stays one click away: a reader sees the answer first
    queries: dict[str, dict[str, Any]] = {name: {**q, "hide_sql": True} for name, q in CANNED_QUERIES.items()}
    for name, q in audit_queries.CANNED_QUERIES.items():
        queries.setdefault(name, {**{k: q[k] for k in ("sql", "title", "description") if k in q}, "hide_sql": True})
    return queries


def _described_columns_only(db_path: str | Path, tables: dict[str, Any]) -> dict[str, Any]:
    """Each table's column help limited to the columns it has (a view shows fewer than facts)."""
    db = store.connect(db_path)
    try:
        for name, meta in tables.items():
            if meta.get("columns"):
                have = {c[0] for c in db.execute(f"SELECT * FROM [{name}] LIMIT 0").description}
                meta["columns"] = {k: v for k, v in meta["columns"].items() if k in have}
    finally:
        db.conn.close()
    return tables


def build_metadata(db_path: str | Path) -> dict[str, Any]:
    name = Path(db_path).stem
    return {
        "title": "DTI harvester: Vietnam's digital-transformation figures",
        "description": "Ranks, scores and indicators of Vietnam's provincial digital transformation, harvested "
                       "from provincial portals, newspapers and decision PDFs; every figure links to the "
                       "document and the sentence that states it.",
        "license": LICENSE["name"], "license_url": LICENSE["path"],
        "source": "Provincial portals, newspapers and decisions (see the sources and documents tables)",
        "extra_css_urls": ["/assets/dti.css"],
        "databases": {name: {"title": "DTI figures", "tables": _described_columns_only(db_path, table_metadata()),
                             "queries": canned_queries()}},
    }


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def datasette_command(db_path: str | Path, metadata_path: str | Path, host: str, port: int) -> list[str]:
    cmd = [sys.executable, "-m", "datasette", "serve", str(db_path), "--metadata", str(metadata_path),
           "--host", host, "--port", str(port), "--static", f"assets:{STATIC}",
           "--template-dir", str(STATIC.parent / "templates")]
    for key, value in SETTINGS.items():
        cmd += ["--setting", key, value]
    return cmd


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001,
          metadata_out: Optional[str] = None) -> int:
    """Run Datasette until it stops or Ctrl-C; returns its exit code."""
    db = store.connect(db_path)  # migrate first, so the views and tables the metadata names exist
    # the audit_* queries show the findings of the audit's own rules, as of the last write
    if audit_queries.stale(db):
        audit_queries.record(db, audit(db), RULES)
    db.conn.close()
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
