"""`make demo`: the bundled sample portal (sample_portal/) served on 127.0.0.1 and harvested by the
same code as a real harvest, with a summary read back from the database (run.py)."""
from pipeline.demo.run import render_database_summary, run_demo

__all__ = ["render_database_summary", "run_demo"]
