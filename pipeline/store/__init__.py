"""Store stage: the SQLite database (db.py: connection, transactions, migrations; schema.py;
views.py; reference_data.py: provinces and metrics), and documents with their facts
(documents.py). Below it nothing imports it: fetch, parse and extract hand it typed records."""
from pipeline.store.db import DEFAULT_DB, connect, migrate, schema_version, split_statements, transaction
from pipeline.store.documents import document_row, fact_rows, load_document, save_document
from pipeline.store.schema import MIGRATIONS

__all__ = ["DEFAULT_DB", "MIGRATIONS", "connect", "document_row", "fact_rows", "load_document", "migrate",
           "save_document", "schema_version", "split_statements", "transaction"]
