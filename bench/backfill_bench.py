"""Backfill throughput from WARC files: the same generated archive read into a new database in
one process, then on a Dask LocalCluster of 2 worker processes, measured in the same run; the
report gives pages per second, the ratio, and the cost per million pages on this machine."""
from __future__ import annotations

import io
import random
import tempfile
import time
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from bench.ingest_bench import _article
from pipeline.backfill import backfill_warc
from pipeline.models import SourceConfig
from pipeline.parallel import Dask

SOURCE = SourceConfig(name="bench", start_urls=["http://bench.local/"], allow=[r"^http://bench\.local/bai-\d+\.html$"])


def _warcs(folder: Path, pages: int, files: int) -> None:
    rng = random.Random(11)
    for f in range(files):
        with open(folder / f"bench-{f:02d}.warc.gz", "wb") as out:
            w = WARCWriter(out, gzip=True)
            for i in range(f, pages, files):
                body = _article(i, rng)
                http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
                w.write_record(w.create_warc_record(f"http://bench.local/bai-{i}.html", "response",
                                                    payload=io.BytesIO(body), http_headers=http,
                                                    warc_headers_dict={"WARC-Date": f"2023-0{1 + i % 9}-01T00:00:00Z"}))


def run(pages: int = 800, files: int = 8) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        _warcs(tmp, pages, files)
        glob = str(tmp / "bench-*.warc.gz")
        (tmp / "warm").mkdir()
        _warcs(tmp / "warm", 16, 2)
        backfill_warc([str(tmp / "warm" / "*")], [SOURCE], tmp / "warm.sqlite")    # models loaded here
        t0 = time.perf_counter()
        one = backfill_warc([glob], [SOURCE], tmp / "one.sqlite")
        single = time.perf_counter() - t0
        t0 = time.perf_counter()
        cluster = Dask(workers=2)
        # each worker process loads the parser and the extractor's models once, on its first shard
        backfill_warc([str(tmp / "warm" / "*")], [SOURCE], tmp / "warm2.sqlite", engine="dask",
                      scheduler=cluster.address)
        startup = time.perf_counter() - t0
        try:
            t0 = time.perf_counter()
            two = backfill_warc([glob], [SOURCE], tmp / "two.sqlite", engine="dask", scheduler=cluster.address)
            work = time.perf_counter() - t0
        finally:
            cluster.close()
    assert one.stored == two.stored == pages, (one.render(), two.render())
    hours_one, hours_two = single / pages * 1e6 / 3600, work / pages * 1e6 / 3600
    return [
        f"pages: {pages} in {files} WARC files; facts of revisions per run: {one.facts}",
        f"single process: {pages / single:.0f} pages/s",
        f"2-worker LocalCluster: {pages / work:.0f} pages/s (its start-up and the workers' first load of "
        f"the models, {startup:.1f} s, apart)",
        f"LocalCluster / single-process throughput ratio: {single / work:.2f} "
        f"(2 cores, shared by the two workers and the writer)",
        f"per million pages on this machine: {hours_one:.1f} h in one process, {hours_two:.1f} h on the "
        f"2-worker cluster ({2 * hours_two:.1f} core-hours)",
    ]


if __name__ == "__main__":
    print("\n".join(run()))
