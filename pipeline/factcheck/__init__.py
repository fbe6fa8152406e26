"""Fact-checking: is a figure right, and where do the sources disagree? Claims are read
(claims.py) and compared with the stored facts and official tables (check.py) as the values
they allow (figures.py), subjects and metrics matched across spellings (names.py); the audit
(audit.py, and its SQL for Datasette in audit_queries.py) reports the disagreements of the
whole database; official.py imports the ministry's tables."""
from pipeline.factcheck.check import CheckResult, check_claim, check_file
from pipeline.factcheck.claims import Claim, read_claims

__all__ = ["CheckResult", "Claim", "check_claim", "check_file", "read_claims"]
