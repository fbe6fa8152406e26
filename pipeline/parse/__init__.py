"""Parse stage: bytes (fetched, archived or local) → a Document with clean NFC text, its tables,
metadata and a status. `parse_bytes` dispatches on what the bytes are (dispatch.py) to the HTML,
PDF, Word and plain-text readers; the rest are their shared parts (charset, legacy fonts, page
furniture, dates, official-document metadata, blocks)."""
from pipeline.parse.dispatch import parse_bytes, parse_file
from pipeline.parse.sniff import sniff_type

__all__ = ["parse_bytes", "parse_file", "sniff_type"]
