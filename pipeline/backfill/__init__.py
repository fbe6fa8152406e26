"""Backfill stage: documents of the past from web archives. `backfill_cdx` asks a CDX server
(the Wayback Machine, pywb) and reads each capture from its replay; `backfill_warc` reads WARC
and WACZ files in shards, in this process or on Dask workers. Both hand the bytes to process.py,
the one parse → extract → store path, and keep every capture as a revision."""
from pipeline.backfill.run import BackfillReport, backfill_cdx, backfill_warc

__all__ = ["BackfillReport", "backfill_cdx", "backfill_warc"]
