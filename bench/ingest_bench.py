"""Ingest throughput: the whole pipeline (parse → extract → store) on generated article pages,
as a ratio to bare trafilatura extraction of the same pages, measured in the same run."""
from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

import trafilatura

from pipeline import store
from pipeline.extract import EXTRACTOR_VERSION, extract
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


def run(n: int = 1000) -> list[str]:
    rng = random.Random(7)
    pages = [(f"http://bench.local/bai-{i}.html", _article(i, rng)) for i in range(n)]
    extract(parse_bytes(pages[0][1], pages[0][0], "text/html"))  # load models outside the timing

    t0 = time.perf_counter()
    for url, body in pages:
        trafilatura.extract(body.decode("utf-8"), url=url, include_tables=True)
    bare = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        db = store.connect(Path(tmp) / "bench.sqlite")
        facts = 0
        t0 = time.perf_counter()
        for url, body in pages:
            doc = parse_bytes(body, url, "text/html")
            found = extract(doc)
            store.save_document(db, doc, found, extractor_version=EXTRACTOR_VERSION)
            facts += len(found)
        full = time.perf_counter() - t0
        db.conn.close()
    return [
        f"articles: {n}, facts extracted: {facts}",
        f"bare trafilatura: {n / bare:.0f} pages/s",
        f"whole pipeline (parse + extract + store): {n / full:.0f} pages/s",
        f"pipeline / trafilatura time ratio: {full / bare:.2f} (aim ≤ 2)",
    ]


if __name__ == "__main__":
    print("\n".join(run()))
