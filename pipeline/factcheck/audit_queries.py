"""The audit's findings as Datasette canned queries (`serve` shows them beside its own): one rule
code, audit.py's. `audit` and `serve` record the findings of each run in `audit_findings`
(`record`), and each `audit_<rule>` query lists that rule's rows, so the browser and the command
say the same (tests/test_audit.py compares them rule by rule)."""
from __future__ import annotations

from typing import Iterable

from pipeline.clock import now_iso

# rule → (query name, title, what it finds)
RULE_QUERIES = {
    "conflict": ("audit_conflicts", "Audit: documents that disagree",
                 "One subject, metric, year and kind (and ranking size) stated with incompatible values by "
                 "different documents; values compared as the spans they allow (0,7167 and 716,7/1.000 agree; "
                 "rank 14 and top 15 agree, rank 14 and top 5 do not)."),
    "arithmetic": ("audit_arithmetic", "Audit: percentages against their own fraction",
                   "A percentage more than one point off the fraction stated in the same sentence; parts that "
                   "add up to more than their stated total."),
    "impossible": ("audit_impossible", "Audit: impossible values",
                   "A rank above its total, a score above its scale, a share over 100 %, a part above its whole."),
    "target": ("audit_targets", "Audit: targets against achievements",
               "Each target against the latest achievement up to its year: met, not_yet_met, missed or mixed."),
    "same_rank": ("audit_same_rank", "Audit: two subjects with the same rank",
                  "Two subjects said to hold one rank in one year and metric, where no table shows them tied."),
    "reference": ("audit_reference", "Audit: documents that differ from an official table",
                  "Stored figures that differ from the imported official figure for the same question."),
    "edited": ("audit_edited", "Audit: figures edited between captured versions",
               "A figure one page states differently in two consecutive captured revisions."),
}

CANNED_QUERIES: dict[str, dict[str, str]] = {
    name: {"title": title,
           "description": f"{what} As of the last `python -m pipeline audit` (or the start of `serve`): "
                          "audited_at says when.",
           "sql": f"""SELECT subject, metric, year, kind, status, severity, message, figures, url, urls, evidence,
  "references", audited_at
FROM audit_findings WHERE rule = '{rule}' ORDER BY id"""}
    for rule, (name, title, what) in RULE_QUERIES.items()}


def record(db, findings: Iterable, rules: Iterable[str]) -> int:
    """Replace the recorded findings of `rules` with these, in one transaction; returns how many."""
    from pipeline import store
    rules, findings = list(rules), list(findings)
    when = now_iso()
    with store.transaction(db):
        db.conn.execute(f"DELETE FROM audit_findings WHERE rule IN ({','.join('?' * len(rules))})", rules)
        db.conn.executemany(
            """INSERT INTO audit_findings(rule, severity, subject, metric, year, kind, status, message, figures,
                                          url, urls, evidence, "references", audited_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [(f.rule, f.severity, f.subject, f.metric, f.year, f.kind, f.status, f.message, "\n".join(f.figures),
              f.urls[0] if f.urls else None, "\n".join(f.urls), "\n".join(f.evidence), "\n".join(f.references),
              when) for f in findings])
    return len(findings)


def stale(db) -> bool:
    """Has anything been written since the findings were recorded (a document parsed, an official
    table imported), or were none ever recorded? `serve` audits again only then."""
    audited = db.execute("SELECT max(audited_at) FROM audit_findings").fetchone()[0]
    if audited is None:
        return True
    changed = db.execute("""SELECT max(t) FROM (SELECT max(parsed_at) AS t FROM documents
                            UNION ALL SELECT max(imported_at) FROM reference_facts)""").fetchone()[0]
    return changed is not None and changed > audited
