"""Crawl throughput against the politeness bound, and the cost of an unchanged second run.

20 simulated hosts (one real HTTP server each on 127.0.0.1, its own port) × 50 pages (5
listing pages of 9 articles, and robots.txt), with a per-host delay. The crawler may not beat
the bound (the busiest host's requests × delay); the ratio says how close it comes. The second
run sees nothing changed: its listing pages come back 304, so it stops there; a third run
revalidates every stored document (as happens to stale ones): all 304, no full download.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

from pipeline.harvest.crawler import harvest
from pipeline.models import Settings, SourceConfig, SourcesFile
from pipeline.parallel import default_jobs

HOSTS = 20
LISTING_PAGES = 5
PER_PAGE = 9
DELAY = 0.2
JOBS = default_jobs()        # as `harvest` runs by default: parse and extract on every core
PARAGRAPHS = ["Năm 2024, tỉnh xếp thứ {n}/34 về Chỉ số chuyển đổi số, đạt 0,{s} điểm.",
              "Tỉnh đã cấp {c} tài khoản định danh điện tử và số hóa {p}% hồ sơ thủ tục hành chính.",
              "Các xã đã có tổ công nghệ số cộng đồng hỗ trợ người dân dùng dịch vụ công trực tuyến."]


def _site(srv, host_no: int) -> int:
    from tests.servers import article, listing
    srv.page("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    for p in range(1, LISTING_PAGES + 1):
        links = []
        for i in range(PER_PAGE):
            n = (p - 1) * PER_PAGE + i + 1
            path = f"/bai-viet/tin-{host_no}-{n}-post{n}.html"
            links.append(path)
            text = "\n".join(s.format(n=n % 34 + 1, s=6000 + n, c=n * 1000, p=n % 100) for s in PARAGRAPHS)
            srv.page(path, article(f"Tin {n} của tỉnh {host_no}", text), etag=f'"{host_no}-{n}"')
        nxt = f"/tin-tuc?page={p + 1}" if p < LISTING_PAGES else None
        srv.page("/tin-tuc" if p == 1 else f"/tin-tuc?page={p}", listing(links, nxt), etag=f'"l{host_no}-{p}"')
    return 1 + LISTING_PAGES * (PER_PAGE + 1)


def run() -> list[str]:
    from tests.servers import FaultServer
    servers = [FaultServer().start() for _ in range(HOSTS)]
    try:
        pages = max(_site(s, i) for i, s in enumerate(servers))
        sources = [SourceConfig(name=f"host{i:02d}", start_urls=[s.url("/tin-tuc")], delay=DELAY,
                                allow=[r"-post\d+\.html$"], follow=[r"/tin-tuc\?page=\d+$"])
                   for i, s in enumerate(servers)]
        sf = SourcesFile(settings=Settings(user_agent="DTIHarvesterBench/1.0 (+https://example.org/bench)",
                                           allow_hosts=["127.0.0.1"]), sources=sources)
        with tempfile.TemporaryDirectory() as tmp:
            db = str(Path(tmp) / "bench.sqlite")
            t0 = time.monotonic()
            first = harvest(sf, sources, db, jobs=JOBS)
            t1 = time.monotonic() - t0
            t0 = time.monotonic()
            second = harvest(sf, sources, db, jobs=JOBS)
            t2 = time.monotonic() - t0
            # the same, but every stored document revalidated (as a stale one would be)
            sf.settings.revalidate_days = 0
            t0 = time.monotonic()
            third = harvest(sf, sources, db, jobs=JOBS)
            t3 = time.monotonic() - t0
        bound = pages * DELAY
        a, b, c = first.totals(), second.totals(), third.totals()
        return [
            f"hosts: {HOSTS}, pages per host: {pages} (robots.txt, {LISTING_PAGES} listings, "
            f"{LISTING_PAGES * PER_PAGE} articles), delay {DELAY} s, {JOBS} processes parsing and extracting",
            f"first run: {t1:.1f} s for {a.fetched} downloads ({a.new_documents} documents, {a.errors} errors); "
            f"politeness bound {bound:.1f} s; ratio {t1 / bound:.2f} (aim <= 1.2)",
            f"second run (nothing changed): {b.fetched} full downloads (aim 0), {b.not_modified} not modified, "
            f"{t2:.1f} s = {t2 / t1:.0%} of the first",
            f"third run, every stored page revalidated: {c.fetched} full downloads (aim 0), "
            f"{c.not_modified} not modified, {t3:.1f} s = {t3 / t1:.0%} of the first (bounded by politeness)",
            f"exit codes: {first.exit_code}, {second.exit_code}, {third.exit_code}",
        ]
    finally:
        for s in servers:
            s.stop()


if __name__ == "__main__":
    print("\n".join(run()))
