"""The researcher's side, over the stored facts: `query` (query.py), full-text `search`,
Datasette (`serve`), charts (`plot`) and exports, a Frictionless data package among them
(export.py)."""
