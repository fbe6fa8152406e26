"""The researcher's views, each defined once and (re)created after migrating whenever its
definition here differs from the database's, so a database of any age ends with these.

Each states where its numbers come from; see README "The database".
  dti_rankings        subject × year × metric × ranking size: the rank and the score of `figures`
  facts_sourced       every fact with its document's title, outlet, date and URL
  indicators          every other figure with its evidence and URL
  targets_vs_actuals  each target beside the latest achieved figure of its subject and metric;
                      the latest year through the (subject, metric, is_target, year) index first
  province_history    province figures under the province each subject became in 2025
"""
from __future__ import annotations

import sqlite3

from pipeline.store.schema import claim_key_sql

_RANKING_COLUMNS = """
  g.subject, g.subject_type, g.province, g.metric, m.name_vi AS metric_name, g.year"""

VIEWS: dict[str, str] = {
    # From the consolidated figures: one row per subject, metric, year and ranking size (a
    # score belongs to every ranking of its year), integer ranks, the best source's URL.
    "dti_rankings": f"""CREATE VIEW dti_rankings AS
SELECT {_RANKING_COLUMNS},
  g.value AS rank, g.ranking AS total, g.documents AS rank_documents, g.answers AS rank_values,
  g.status AS rank_status,
  s.value AS score, s.scale AS scale, s.documents AS score_documents, s.answers AS score_values,
  s.status AS score_status, g.url AS url, g.evidence AS evidence
FROM figures g
JOIN metrics m ON m.id = g.metric AND m.vocabulary = 1
LEFT JOIN figures s ON s.subject = g.subject AND s.subject_type = g.subject_type AND s.province IS g.province
  AND s.metric = g.metric AND s.year IS g.year AND s.kind = 'score' AND s.is_target = 0
WHERE g.kind = 'rank' AND g.is_target = 0
UNION ALL
SELECT {_RANKING_COLUMNS},
  NULL, NULL, NULL, NULL, NULL,
  g.value, g.scale, g.documents, g.answers, g.status, g.url, g.evidence
FROM figures g
JOIN metrics m ON m.id = g.metric AND m.vocabulary = 1
WHERE g.kind = 'score' AND g.is_target = 0
  AND NOT EXISTS (SELECT 1 FROM figures x WHERE x.subject = g.subject AND x.subject_type = g.subject_type
    AND x.province IS g.province AND x.metric = g.metric AND x.year IS g.year AND x.kind = 'rank'
    AND x.is_target = 0)""",

    # Every fact beside its document, for reading: integers shown as integers.
    "facts_sourced": """CREATE VIEW facts_sourced AS
SELECT f.subject, f.subject_type, f.province, f.metric, f.year, f.kind,
  CASE WHEN f.value = CAST(f.value AS INTEGER) THEN CAST(f.value AS INTEGER) ELSE f.value END AS value,
  CAST(f.total AS INTEGER) AS total, f.scale, f.unit, f.qualifier, f.is_target, f.evidence,
  d.title, d.outlet, substr(d.published, 1, 10) AS published, d.url, f.id AS fact_id, f.document_id
FROM facts f JOIN documents d ON d.id = f.document_id""",

    "indicators": f"""CREATE VIEW indicators AS
SELECT f.id AS fact_id, f.subject, f.subject_type, f.province, f.metric, f.metric_phrase, f.year,
  f.kind, f.value, f.total, f.unit, f.qualifier, f.is_target,
  (SELECT c.documents FROM fact_claims c WHERE c.key = {claim_key_sql('f')}) AS documents,
  f.evidence, d.url, d.published, d.outlet, f.document_id, f.page, f.table_row, f.table_col
FROM facts f JOIN documents d ON d.id = f.document_id
WHERE NOT (f.kind IN ('rank', 'score') AND f.metric IN (SELECT id FROM metrics WHERE vocabulary = 1))""",

    "targets_vs_actuals": """CREATE VIEW targets_vs_actuals AS
SELECT t.subject, t.subject_type, t.province, t.metric,
  t.kind AS target_kind, t.qualifier AS target_qualifier, t.value AS target_value,
  t.total AS target_total, t.unit AS target_unit, t.year AS target_year,
  a.kind AS actual_kind, a.value AS actual_value, a.total AS actual_total, a.year AS actual_year,
  CASE
    WHEN a.id IS NULL THEN NULL
    WHEN t.kind IN ('rank', 'top_n') AND a.kind IN ('rank', 'top_n') THEN a.value <= t.value
    WHEN t.kind <> a.kind OR t.kind NOT IN ('score', 'percent', 'count') THEN NULL
    WHEN t.qualifier = 'at_most' THEN a.value <= t.value
    WHEN t.kind = 'score' THEN
      a.value / coalesce(a.scale, CASE WHEN a.value <= 1 THEN 1 WHEN a.value <= 100 THEN 100 ELSE 1000 END)
      >= t.value / coalesce(t.scale, CASE WHEN t.value <= 1 THEN 1 WHEN t.value <= 100 THEN 100 ELSE 1000 END)
    ELSE a.value >= t.value
  END AS reached,
  t.evidence AS target_evidence, td.url AS target_url,
  a.evidence AS actual_evidence, ad.url AS actual_url, ad.published AS actual_published,
  t.id AS target_fact_id, a.id AS actual_fact_id
FROM facts t
JOIN documents td ON td.id = t.document_id
LEFT JOIN facts a ON a.id = (
  SELECT f.id FROM facts f JOIN documents d ON d.id = f.document_id
  WHERE f.subject = t.subject AND f.metric = t.metric AND f.is_target = 0
    AND f.subject_type = t.subject_type
    AND (f.kind = t.kind OR (t.kind IN ('rank', 'top_n') AND f.kind IN ('rank', 'top_n')))
    AND f.year IS (SELECT y.year FROM facts y WHERE y.subject = t.subject AND y.metric = t.metric AND y.is_target = 0
    AND y.subject_type = t.subject_type
    AND (y.kind = t.kind OR (t.kind IN ('rank', 'top_n') AND y.kind IN ('rank', 'top_n')))
                   ORDER BY y.year DESC LIMIT 1)
  ORDER BY d.published DESC, f.id DESC LIMIT 1)
LEFT JOIN documents ad ON ad.id = a.document_id
WHERE t.is_target = 1""",

    "province_history": """CREATE VIEW province_history AS
SELECT s.name_2025 AS province_2025, f.subject AS stated_as, s.code AS code_2004,
  s.merged_2025 AS merged, f.year, f.metric, f.kind, f.value, f.total, f.scale, f.is_target,
  f.evidence, d.url, d.published, f.id AS fact_id, f.document_id
FROM subjects s
JOIN facts f ON f.subject = s.name AND f.subject_type = 'province'
JOIN documents d ON d.id = f.document_id
WHERE s.type = 'province' AND s.name_2025 IS NOT NULL""",
}


def ensure_views(conn: sqlite3.Connection) -> bool:
    """Create the views, or replace them where the database holds another definition; True
    when it changed anything. Nothing is written when they are current (a reader during a
    harvest takes no write lock)."""
    stored = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'").fetchall())
    stale = [name for name, sql in VIEWS.items() if (stored.get(name) or "").strip() != sql.strip()]
    if not stale:
        return False
    conn.execute("BEGIN IMMEDIATE")
    try:
        for name in stale:
            conn.execute(f"DROP VIEW IF EXISTS {name}")
            conn.execute(VIEWS[name])
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return True
