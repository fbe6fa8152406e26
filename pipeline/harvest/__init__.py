"""Harvest stage: getting documents in. `harvest` crawls the sources (crawler.py orchestrates the
frontier, scheduler, robots, fetch, archive and run summary); `ingest_paths` reads local files;
reprocess.py reads the WARC archive back. All three hand the bytes to process.py, the one
parse → extract → store path."""
from pipeline.harvest.crawler import harvest
from pipeline.harvest.ingest import ingest_paths

__all__ = ["harvest", "ingest_paths"]
