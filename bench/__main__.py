"""`make bench`: throughput figures, reported as ratios measured in one run. Never a test."""
import importlib
import sys

MODULES = ["bench.ingest_bench", "bench.crawl_bench", "bench.db_bench", "bench.backfill_bench"]


def main(argv):
    wanted = argv or MODULES
    for name in wanted:
        module = importlib.import_module(name if "." in name else f"bench.{name}")
        print(f"== {name}")
        for line in module.run():
            print(line, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
