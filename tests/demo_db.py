"""The demo database (`python -m pipeline demo` on the bundled sample portal), built once per test
session and shared read-only by the tests that check what a researcher sees on it."""
from __future__ import annotations

import functools
import io
import tempfile
from pathlib import Path


@functools.lru_cache(maxsize=1)
def demo_database() -> Path:
    from pipeline.demo.run import run_demo
    path = Path(tempfile.mkdtemp(prefix="dti-demo-db-")) / "dti.sqlite"
    code = run_demo(path, out=io.StringIO(), progress=False)
    assert code == 0, f"the demo harvest exited {code}"
    return path
