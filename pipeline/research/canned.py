"""The researcher's canned queries for Datasette (`serve`), over the consolidated `figures`
table: one row per question, integer ranks, the best source's URL and evidence beside it."""
from __future__ import annotations

from pipeline.research.coverage import COVERAGE_SQL

_DTI_METRIC = "(g.metric = 'dti' OR g.metric LIKE 'dti.%')"
# The province as typed, or its folded alias when typed without marks ("lao cai"); lower()
# only lowers ASCII, which is what an unmarked spelling is.
_PROVINCE_MATCH = """(s.name = :province OR s.name_2025 = :province OR s.name_2025 IN
      (SELECT a.name FROM subject_aliases a WHERE a.alias = lower(trim(:province))))"""
# A score beside its rank: the same subject, metric and year (a score belongs to every ranking of its year)
_SCORE_JOIN = """LEFT JOIN figures sc ON sc.subject = g.subject AND sc.subject_type = g.subject_type
  AND sc.province IS g.province AND sc.metric = g.metric AND sc.year IS g.year AND sc.kind = 'score'
  AND sc.is_target = 0"""

RANKING_SQL = f"""SELECT g.value AS rank, g.subject AS province, sc.value AS score, sc.scale AS scale,
  g.status, g.documents, g.outlets, g.answers, g.official, g.url, g.evidence
FROM figures g
{_SCORE_JOIN}
WHERE g.kind = 'rank' AND g.subject_type = 'province' AND g.is_target = 0
  AND g.metric = coalesce(nullif(:metric, ''), 'dti')
  AND g.year = CAST(:year AS INTEGER)
  AND g.ranking = CAST(coalesce(nullif(:size, ''), '34') AS INTEGER)
ORDER BY g.value, g.subject"""

CANNED_QUERIES: dict[str, dict[str, str]] = {
    "ranking": {
        "title": "A year's ranking",
        "description": "The ranking of one year (of 34 provinces, or of 63; 34 when size is empty): one row per "
                       "province, the rank most documents state (or the official table's), its score, how many "
                       "documents and outlets state it and the best source. Metric empty: the DTI.",
        "sql": RANKING_SQL,
    },
    "province_history": {
        "title": "A province's history, with sources",
        "description": "Every DTI rank and score (index, pillars) stated for a province, year by year, one row per "
                       "question with the answer most documents give, its status and its best source. A province "
                       "as of 2025 includes the provinces merged into it (Lào Cai shows Yên Bái's earlier "
                       "figures). Type the name with or without marks: Lào Cai, lao cai.",
        "sql": f"""SELECT g.year, g.subject AS stated_as, s.name_2025 AS province_2025, g.metric, g.kind,
  g.value, g.ranking AS of, g.scale, g.status, g.documents, g.outlets, g.other_answers, g.url, g.evidence
FROM subjects s
JOIN figures g ON g.subject = s.name AND g.subject_type = 'province'
WHERE s.type = 'province' AND {_PROVINCE_MATCH}
  AND g.is_target = 0 AND g.kind IN ('rank', 'score') AND {_DTI_METRIC}
ORDER BY g.year, g.metric = 'dti' DESC, g.metric, g.subject, g.kind, g.ranking""",
    },
    "disputed": {
        "title": "Figures the documents disagree on",
        "description": "Questions (subject, metric, year, kind; for ranks, the ranking's size) to which different "
                       "documents give different answers, with no official table to decide: the answer most "
                       "documents give with its best source, and every other answer with its own counts "
                       "(scores compared on one scale; one document stating a figure twice is one document).",
        "sql": """SELECT g.subject, g.subject_type, g.metric, g.year, g.kind, g.ranking AS of, g.value AS answer,
  g.documents, g.outlets, g.other_answers, g.all_documents, g.url, g.evidence
FROM figures g WHERE g.status = 'disputed'
ORDER BY g.all_documents DESC, g.subject, g.metric, g.year""",
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
    "dti_coverage": {
        "title": "Coverage: which provinces and years have a rank and a score",
        "description": "One row per province and data year, for the 63 provinces of the rankings up to DTI 2024 "
                       "and the 34 from DTI 2024: the rank and score most documents state, from how many "
                       "documents and sources, whether an imported official table covers it, and the status "
                       "(missing, score only, rank only, complete, not ranked). Gaps first. Leave the parameters "
                       "empty for DTI from 2020 to the latest year stored; the same as `python -m pipeline "
                       "coverage --format csv`.",
        "sql": COVERAGE_SQL,
    },
}
