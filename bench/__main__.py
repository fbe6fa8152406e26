"""`make bench`: throughput figures, reported as ratios measured in one run. Never a test.

`python -m bench --quick` (`make bench-quick`, a few minutes): fewer pages and query runs, no
10,000-page memory run, no backfill; the full run is what the README quotes."""
import importlib
import os
import sys

MODULES = ["bench.ingest_bench", "bench.crawl_bench", "bench.db_bench", "bench.backfill_bench"]


QUICK = {"INGEST_BENCH_PAGES": "300", "INGEST_BENCH_RSS": "300,1000", "DB_BENCH_RUNS": "10"}


def main(argv):
    if "--quick" in argv:
        argv = [a for a in argv if a != "--quick"] or MODULES[:3]
        for key, value in QUICK.items():
            os.environ.setdefault(key, value)
    wanted = argv or MODULES
    for name in wanted:
        module = importlib.import_module(name if "." in name else f"bench.{name}")
        print(f"== {name}")
        for line in module.run():
            print(line, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
