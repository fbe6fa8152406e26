"""The audit's rules in plain SQL, as Datasette canned queries (`serve` shows them beside its own).
SQL cannot fold tone spellings or reason on spans, so these are the plain cases; `pipeline audit`
(audit.py) is complete."""
from __future__ import annotations

_SCORE_NORM = "(f.value / COALESCE(f.scale, CASE WHEN f.value <= 1 THEN 1.0 ELSE 1000.0 END))"
# Old-style tone placement (Thanh Hoá, Hoà Bình, thuỷ) rewritten to the new style, in SQL.
_OLD_TONES = {"oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "oè": "òe", "oé": "óe",
              "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe", "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy"}


def _tone_sql(expr: str) -> str:
    for old, new in _OLD_TONES.items():
        expr = f"replace({expr}, '{old}', '{new}')"
    return expr

CANNED_QUERIES: dict[str, dict[str, str]] = {
    "audit_conflicts": {
        "title": "Audit: documents that disagree",
        "description": "One subject, metric, year and kind (and ranking size) with different ranks or "
                       "scores in different documents; scores compared on a common scale, to two decimals "
                       "(top-N groups of different sizes are not a conflict).",
        "sql": f"""SELECT f.subject, f.metric, f.year, f.kind, f.total,
  group_concat(DISTINCT CASE WHEN f.kind = 'score' THEN round({_SCORE_NORM}, 2) ELSE f.value END) AS "values",
  count(DISTINCT f.document_id) AS documents,
  group_concat(DISTINCT d.url) AS urls
FROM facts f JOIN documents d ON d.id = f.document_id
WHERE f.is_target = 0 AND f.kind IN ('rank', 'score', 'rank_change')
GROUP BY {_tone_sql("f.subject")}, f.subject_type, f.metric, f.year, f.kind, COALESCE(f.total, '')
HAVING count(DISTINCT CASE WHEN f.kind = 'score' THEN round({_SCORE_NORM}, 2) ELSE f.value END) > 1
   AND count(DISTINCT f.document_id) > 1
ORDER BY f.metric, f.year, f.subject""",
    },
    "audit_arithmetic": {
        "title": "Audit: percentages against their own fraction",
        "description": "A percentage and a count out of a total stated in the same sentence, more than "
                       "one point apart.",
        "sql": """SELECT p.subject, p.metric, p.value AS percent, c.value AS part, c.total AS whole,
  round(100.0 * c.value / c.total, 1) AS computed, d.url, p.evidence
FROM facts p JOIN facts c ON c.document_id = p.document_id AND c.kind = 'count' AND c.total > 0
  AND p.start < c."end" AND c.start < p."end"
JOIN documents d ON d.id = p.document_id
WHERE p.kind = 'percent' AND p.is_target = c.is_target
  AND abs(100.0 * c.value / c.total - p.value) > 1
  AND NOT EXISTS (SELECT 1 FROM facts c2 WHERE c2.document_id = p.document_id AND c2.kind = 'count'
    AND c2.total > 0 AND p.start < c2."end" AND c2.start < p."end"
    AND abs(100.0 * c2.value / c2.total - p.value) <= 1)
ORDER BY d.url, p.start""",
    },
    "audit_impossible": {
        "title": "Audit: impossible values",
        "description": "A rank above its total, a score above its scale, a share over 100 %, a part "
                       "above its whole.",
        "sql": f"""SELECT f.subject, f.metric, f.year, f.kind, f.value, f.total, f.scale, d.url, f.evidence
FROM facts f JOIN documents d ON d.id = f.document_id
WHERE (f.kind IN ('rank', 'top_n', 'bottom_n') AND (f.value < 1 OR f.value > f.total))
   OR (f.kind = 'score' AND (f.value < 0 OR {_SCORE_NORM} > 1))
   OR (f.kind = 'percent' AND f.value > 100 AND f.evidence NOT LIKE '%tăng%' AND f.evidence NOT LIKE '%so với%')
   OR (f.kind = 'count' AND (f.value < 0 OR f.value > f.total))
ORDER BY d.url, f.start""",
    },
    "audit_same_rank": {
        "title": "Audit: two subjects with the same rank",
        "description": "Two subjects said to hold one rank in one year and metric, where no table of "
                       "one document shows them tied.",
        "sql": f"""SELECT a.metric, a.year, a.value AS rank, a.subject AS subject_a, b.subject AS subject_b,
  da.url AS url_a, db.url AS url_b
FROM facts a JOIN facts b ON a.metric = b.metric AND a.year IS b.year AND a.value = b.value
  AND a.subject_type = b.subject_type AND {_tone_sql("a.subject")} < {_tone_sql("b.subject")}
  AND COALESCE(a.province, '') = COALESCE(b.province, '')
  AND (a.total IS NULL OR b.total IS NULL OR a.total = b.total)
JOIN documents da ON da.id = a.document_id JOIN documents db ON db.id = b.document_id
WHERE a.kind = 'rank' AND b.kind = 'rank' AND a.is_target = 0 AND b.is_target = 0
  AND a.qualifier = 'exact' AND b.qualifier = 'exact'
  AND NOT (a.document_id = b.document_id AND a.table_row IS NOT NULL AND b.table_row IS NOT NULL)
ORDER BY a.metric, a.year, a.value""",
    },
    "audit_targets": {
        "title": "Audit: targets against achievements",
        "description": "Each target beside the figures achieved up to its year for the same subject "
                       "and metric.",
        "sql": f"""SELECT t.subject, t.metric, t.kind AS target_kind, t.value AS target, t.year AS by_year,
  a.kind AS achieved_kind, a.value AS achieved, a.total AS achieved_total, a.year AS achieved_year,
  CASE WHEN a.kind = 'rank' AND t.kind IN ('top_n', 'rank') THEN
         CASE WHEN a.value <= t.value THEN 'met' ELSE 'not met' END
       WHEN a.kind = t.kind AND t.kind IN ('percent', 'count', 'score') THEN
         CASE WHEN a.value >= t.value THEN 'met' ELSE 'not met' END
  END AS status
FROM facts t JOIN facts a ON {_tone_sql("a.subject")} = {_tone_sql("t.subject")} AND a.metric = t.metric AND a.is_target = 0
  AND a.year <= t.year
  AND ((t.kind IN ('top_n', 'rank') AND a.kind IN ('rank', 'top_n')) OR a.kind = t.kind)
WHERE t.is_target = 1
ORDER BY t.subject, t.metric, a.year DESC""",
    },
    "audit_reference": {
        "title": "Audit: documents that differ from an official table",
        "description": "Stored figures whose value differs from the imported official figure for the "
                       "same subject, metric, year and kind.",
        "sql": f"""SELECT f.subject, f.metric, f.year, f.kind, f.value AS document_value,
  r.value AS official_value, r.reference, d.url, f.evidence
FROM facts f JOIN reference_facts r ON r.subject = {_tone_sql("f.subject")} AND r.metric = f.metric
  AND r.year IS f.year AND r.kind = f.kind
JOIN documents d ON d.id = f.document_id
WHERE f.is_target = 0 AND (
  (f.kind = 'rank' AND f.value <> r.value AND (f.total IS NULL OR r.total IS NULL OR f.total = r.total))
  OR (f.kind = 'score' AND abs({_SCORE_NORM} - r.value / COALESCE(r.scale, 1.0)) > 0.005))
ORDER BY f.subject, f.metric""",
    },
}
