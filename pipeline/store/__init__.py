"""Store stage: the SQLite database (db.py: connection, transactions, migrations; schema.py;
views.py; reference_data.py: provinces and metrics), documents with their facts (documents.py),
every captured version of them (revisions.py), and the sources they came from (sources.py).
Below it nothing imports it: fetch, parse and extract hand it typed records."""
from pipeline.store.db import DEFAULT_DB, connect, migrate, schema_version, split_statements, transaction
from pipeline.store.figures import bulk_writes
from pipeline.store.documents import document_row, fact_rows, load_document, save_document
from pipeline.store.revisions import (Saved, capture_known, refresh_revision, revision_fact_rows,
                                      save_capture)
from pipeline.store.schema import MIGRATIONS
from pipeline.store.sources import record_sources, source_configs

__all__ = ["DEFAULT_DB", "MIGRATIONS", "Saved", "bulk_writes", "capture_known", "connect", "document_row", "fact_rows",
           "load_document", "migrate", "record_sources", "refresh_revision", "revision_fact_rows",
           "save_capture", "save_document", "schema_version", "source_configs", "split_statements",
           "transaction"]
