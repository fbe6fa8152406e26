"""Ingest throughput: the whole pipeline (parse → extract → store, as `ingest --jobs 1` runs it)
on generated article pages, as a ratio to bare trafilatura extraction of the same pages, measured
in the same run; where the time goes (cProfile); and the peak memory of `ingest` for 1,000 and
10,000 pages. INGEST_BENCH_PAGES sets the pages timed (default 1,000), INGEST_BENCH_RSS the
sizes whose memory is measured (default 1000,10000; 0 for none)."""
from __future__ import annotations

import cProfile
import os
import pstats
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import trafilatura

from pipeline import process, store
from pipeline.extract import extract
from pipeline.parse import parse_bytes

PROVINCES = ["Lào Cai", "Yên Bái", "Thái Nguyên", "Thanh Hóa", "Nghệ An", "Quảng Ninh", "Đà Nẵng", "Cần Thơ",
             "Bình Dương", "Khánh Hòa", "Hà Giang", "Bắc Ninh", "Hải Phòng", "Lạng Sơn", "Gia Lai"]
INDICES = ["Nhận thức số", "Thể chế số", "Hạ tầng số", "Nhân lực số", "An toàn thông tin mạng",
           "Hoạt động chính quyền số", "Hoạt động kinh tế số", "Hoạt động xã hội số"]
FILLER = ("Lãnh đạo tỉnh nhấn mạnh chuyển đổi số là nhiệm vụ trọng tâm, cần sự vào cuộc của cả hệ thống chính trị "
          "và sự đồng hành của người dân, doanh nghiệp trong suốt quá trình triển khai.")


def _article(i: int, rng: random.Random) -> bytes:
    p = rng.choice(PROVINCES)
    year = rng.choice([2021, 2022, 2023, 2024])
    total = 34 if year == 2024 else 63
    rank = rng.randint(1, total)
    score = f"{rng.uniform(0.3, 0.9):.4f}".replace(".", ",")
    idx = rng.choice(INDICES)
    paras = [
        f"Theo kết quả Chỉ số chuyển đổi số (DTI) năm {year}, tỉnh {p} xếp thứ {rank}/{total} tỉnh, thành phố, "
        f"đạt {score} điểm, tăng {rng.randint(1, 9)} bậc so với năm trước.",
        f"Trong đó, chỉ số {idx} của tỉnh đứng thứ {rng.randint(1, total)} cả nước.",
        FILLER,
        f"Toàn tỉnh có {rng.randint(80, 99)},{rng.randint(1, 9)}% hồ sơ thủ tục hành chính được giải quyết trực tuyến; "
        f"hơn {rng.randint(1, 60)}.{rng.randint(100, 999)} tài khoản được kích hoạt.",
        FILLER,
        f"Tỉnh phấn đấu đến năm 2030 nằm trong nhóm {rng.choice([10, 15, 20])} địa phương dẫn đầu cả nước về chuyển đổi số.",
    ] + [FILLER] * rng.randint(2, 6)
    body = "".join(f"<p>{t}</p>" for t in paras)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{p} và chuyển đổi số năm {year} (bài {i})</title>"
            f"<meta property='article:published_time' content='{year + 1}-10-21T08:00:00+07:00'></head><body>"
            f"<div class='menu'><a href='/'>Trang chủ</a> | <a href='/cds'>Chuyển đổi số</a></div>"
            f"<article><h1>{p} và chuyển đổi số năm {year}</h1>{body}</article>"
            f"<div class='counter'>Lượt xem: {rng.randint(100, 9000)}</div>"
            f"<div class='related'><h3>Tin liên quan</h3><ul><li><a href='/x'>Tin khác {i}</a></li></ul></div>"
            f"</body></html>").encode("utf-8")


def pages(n: int, seed: int = 7) -> list[tuple[str, bytes]]:
    rng = random.Random(seed)
    return [(f"http://bench.local/bai-{i}.html", _article(i, rng)) for i in range(n)]


def _pipeline(db, items) -> int:
    """What `ingest --jobs 1` does per page: process.read (parse, extract) and process.write
    (the document, its revision and their facts in one transaction), the figures recomputed in
    bulk (store.bulk_writes)."""
    facts = 0
    with store.bulk_writes(db):
        for url, body in items:
            processed = process.read(process.Raw(body=body, url=url, content_type="text/html"))
            facts += process.write(db, processed)
    return facts


def run(n: int = int(os.environ.get("INGEST_BENCH_PAGES", "1000"))) -> list[str]:
    items = pages(n)
    extract(parse_bytes(items[0][1], items[0][0], "text/html"))  # load models outside the timing

    # the two timed in alternating blocks of 100 pages, so a slower spell of a shared machine
    # weighs on both sides of the ratio alike
    bare = full = 0.0
    facts = 0
    with tempfile.TemporaryDirectory() as tmp:
        db = store.connect(Path(tmp) / "bench.sqlite")
        for at in range(0, len(items), 100):
            block = items[at:at + 100]
            t0 = time.perf_counter()
            for url, body in block:
                trafilatura.extract(body.decode("utf-8"), url=url, include_tables=True)
            t1 = time.perf_counter()
            facts += _pipeline(db, block)
            bare, full = bare + t1 - t0, full + time.perf_counter() - t1
        db.conn.close()
    lines = [
        f"articles: {n}, facts extracted: {facts}",
        f"bare trafilatura: {n / bare:.0f} pages/s",
        f"whole pipeline (parse + extract + store, one process): {n / full:.0f} pages/s",
        f"pipeline / trafilatura time ratio: {full / bare:.2f} (aim ≤ 2.5)",
    ]
    lines += breakdown(items[:min(n, 300)])
    lines += memory()
    return lines


# --- where the time goes ----------------------------------------------------------------------

# (stage, part, functions whose cumulative time it is: (file suffix, name)); parts do not nest
PARTS = [
    ("parse", "decode and HTML tree", [("parse/charset.py", "decode_html"), ("lxml/html/__init__.py", "document_fromstring")]),
    ("parse", "metadata", [("parse/html.py", "read_metadata"), ("parse/html.py", "find_attachments"),
                           ("parse/decision.py", "find_decision_numbers")]),
    ("parse", "furniture removal", [("parse/furniture.py", "remove_bylines"), ("parse/furniture.py", "remove_elements"),
                                    ("parse/furniture.py", "remove_teaser_blocks"), ("parse/html.py", "_clean_blocks"),
                                    ("parse/html.py", "_hoist_table_captions")]),
    ("parse", "main text: trafilatura", [("trafilatura/core.py", "bare_extraction"),
                                         ("trafilatura/core.py", "determine_returnstring")]),
    ("parse", "main text: plain walk, lead", [("parse/html.py", "walk_blocks"), ("parse/html.py", "_article_scope"),
                                              ("parse/html.py", "_with_lead"), ("parse/html.py", "_xml_blocks")]),
    ("parse", "render text and tables", [("parse/blocks.py", "render")]),
    ("extract", "document context", [("extract/context.py", "build_context")]),
    ("extract", "sentence split", [("extract/sentences.py", "split_sentences")]),
    ("extract", "tagging (figures, subjects, metrics, lexicon)", [("extract/tokens.py", "tag_sentence")]),
    ("extract", "constructions", [("extract/constructions.py", "find_candidates")]),
    ("extract", "resolution", [("extract/resolver.py", "facts")]),
    ("extract", "tables", [("extract/tables.py", "table_facts")]),
]
STAGES = {"parse": ("pipeline/parse/dispatch.py", "parse_bytes"), "extract": ("pipeline/extract/__init__.py", "extract"),
          "store": ("pipeline/process.py", "write")}


def breakdown(items) -> list[str]:
    """cProfile over the pipeline: each stage's share of the time, and its parts; the full-text
    index (FTS5 triggers, inside SQLite) measured apart, as the storage time it adds."""
    prof = cProfile.Profile()
    with tempfile.TemporaryDirectory() as tmp:
        db = store.connect(Path(tmp) / "profile.sqlite")
        prof.enable()
        _pipeline(db, items)
        prof.disable()
        db.conn.close()
    stats = pstats.Stats(prof).stats     # {(file, line, name): (cc, nc, tt, ct, callers)}

    def cum(file_suffix: str, name: str) -> float:
        return sum(v[3] for (f, _, fn), v in stats.items() if fn == name and f.endswith(file_suffix))

    total = cum("bench/ingest_bench.py", "_pipeline")
    out = [f"where the time goes (cProfile, {len(items)} pages; shares of the whole pipeline):"]
    for stage, (f, fn) in STAGES.items():
        t = cum(f, fn)
        out.append(f"  {stage:<8} {t / total:6.1%}")
        parts = [(part, sum(cum(*x) for x in fns)) for st, part, fns in PARTS if st == stage]
        for part, pt in parts:
            out.append(f"    {part:<46} {pt / total:6.1%}")
        if parts:
            out.append(f"    {'other':<46} {(t - sum(pt for _, pt in parts)) / total:6.1%}")
    fts = _fts_cost(items)
    out.append(f"    {'of which the full-text index (FTS5 triggers)':<46} {fts:6.1%} of storage")
    return out


def _fts_cost(items) -> float:
    """Storage time with the full-text triggers against without, on the same documents."""
    read = [process.read(process.Raw(body=b, url=u, content_type="text/html")) for u, b in items]
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for fts in (True, False):
            db = store.connect(Path(tmp) / f"fts{fts}.sqlite")
            if not fts:
                for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                          "AND sql LIKE '%_fts%'").fetchall():
                    db.execute(f"DROP TRIGGER {name}")
                    db.execute(f"CREATE TRIGGER {name} AFTER DELETE ON runs BEGIN SELECT 1; END")
            t0 = time.perf_counter()
            for p in read:
                process.write(db, p)
            times.append(time.perf_counter() - t0)
            db.conn.close()
    return (times[0] - times[1]) / times[0]


# --- memory -------------------------------------------------------------------------------------

def memory() -> list[str]:
    """Peak RSS of `pipeline ingest` with its default --jobs, for 1,000 and for 10,000 pages: the
    writer and its worker processes together (sampled every 0.1 s), and the writer alone; the
    same within 20 % when ingest streams. INGEST_BENCH_RSS=0 leaves it out."""
    sizes = [int(x) for x in os.environ.get("INGEST_BENCH_RSS", "1000,10000").split(",") if x and x != "0"]
    if not sizes:
        return []
    peaks = []
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "pages"
            folder.mkdir()
            for i, (_, body) in enumerate(pages(n, seed=11)):
                (folder / f"bai-{i}.html").write_bytes(body)
            t0 = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-m", "pipeline", "ingest", *sorted(map(str, folder.iterdir())),
                                     "--db", str(Path(tmp) / "rss.sqlite")], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE)
            tree, writer = _watch(proc)
            if proc.returncode:
                return [f"peak RSS: ingest of {n} pages failed: {proc.stderr.read().decode()[-300:]}"]
            peaks.append((n, tree, writer, time.perf_counter() - t0))
    out = [f"peak RSS of `ingest`, {n:,} pages: {tree:.0f} MB with its workers, the writer {writer:.0f} MB ({s:.0f} s)"
           for n, tree, writer, s in peaks]
    if len(peaks) > 1:
        out.append(f"peak RSS {peaks[-1][0]:,} / {peaks[0][0]:,} pages: {peaks[-1][1] / peaks[0][1]:.2f} "
                   f"with its workers, {peaks[-1][2] / peaks[0][2]:.2f} the writer (aim ≤ 1.2)")
    return out


def _watch(proc: subprocess.Popen) -> tuple[float, float]:
    """The largest RSS (MB) of the process with all its descendants, and of the process alone."""
    import psutil
    top = psutil.Process(proc.pid)
    tree = writer = 0.0
    while proc.poll() is None:
        try:
            own = top.memory_info().rss
            total = own + sum(c.memory_info().rss for c in top.children(recursive=True))
        except psutil.Error:        # a process ended between the listing and the reading
            continue
        tree, writer = max(tree, total / 2**20), max(writer, own / 2**20)
        time.sleep(0.1)
    return tree, writer


if __name__ == "__main__":
    print("\n".join(run()))
