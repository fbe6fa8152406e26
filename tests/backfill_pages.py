"""What the backfill tests archive: generated article pages of a provincial news site across
several years, one of them edited between two captures; the sources file that describes the
site; and a database's content without its ids and clock times, to compare two databases."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.servers import article

SITE = "http://baolaocai.test"     # never resolved: only the archive is contacted


def lao_cai_rank(rank: int, year: int = 2022, total: int = 63) -> str:
    return article(f"Lào Cai và Chỉ số chuyển đổi số năm {year}",
                   f"Theo kết quả Chỉ số chuyển đổi số (DTI) năm {year} do Bộ Thông tin và Truyền thông công bố, "
                   f"tỉnh Lào Cai xếp thứ {rank}/{total} tỉnh, thành phố.\n"
                   "Lãnh đạo tỉnh nhấn mạnh chuyển đổi số là nhiệm vụ trọng tâm của cả hệ thống chính trị.")


def province_page(province: str, rank: int, year: int, score: str) -> str:
    return article(f"{province}: kết quả chuyển đổi số năm {year}",
                   f"Năm {year}, tỉnh {province} xếp thứ {rank}/63 tỉnh, thành phố về Chỉ số chuyển đổi số (DTI), "
                   f"đạt {score} điểm.\nChính quyền số của tỉnh tiếp tục được đầu tư.")


FOOTBALL = article("Đội bóng tỉnh thắng trận thứ 3",
                   "Đội bóng của tỉnh xếp thứ 2/14 đội tại giải hạng Nhất, với 25 điểm sau 12 vòng đấu.")


def sources_yaml(path: Path, site: str = SITE, allow_hosts: tuple[str, ...] = ("127.0.0.1",),
                 extra: str = "") -> Path:
    host = site.split("://", 1)[1].replace(".", r"\.")
    hosts = ", ".join(f'"{h}"' for h in allow_hosts)
    path.write_text(f"""settings:
  user_agent: "DTIHarvester-test/0.1 (+http://127.0.0.1/)"
  allow_hosts: [{hosts}]
  retries: 1
  backoff: 0.01
sources:
  - name: baolaocai
    outlet: Báo Lào Cai
    province: Lào Cai
    start_urls: ["{site}/chuyen-doi-so/"]
    allow: ['^https?://{host}/chuyen-doi-so/[a-z0-9-]+\\.html$']
    keywords: ["chuyển đổi số"]
{extra}""", encoding="utf-8")
    return path


def content(db: str | Path) -> dict[str, list[tuple]]:
    """Everything a backfill stores, by URL and capture time rather than row id."""
    conn = sqlite3.connect(db)
    try:
        q = lambda sql: sorted(conn.execute(sql).fetchall(), key=repr)   # noqa: E731
        return {
            "documents": q("SELECT url, source, title, published, status, content_hash, archived_at, text "
                           "FROM documents"),
            "facts": q("SELECT d.url, f.subject, f.metric, f.year, f.kind, f.value, f.total, f.is_target, f.evidence "
                       "FROM facts f JOIN documents d ON d.id = f.document_id"),
            "revisions": q("SELECT d.url, r.content_hash, r.first_captured, r.last_captured, r.title "
                           "FROM revisions r JOIN documents d ON d.id = r.document_id"),
            "captures": q("SELECT c.url, c.archived_at, c.origin, r.content_hash FROM captures c "
                          "JOIN revisions r ON r.id = c.revision_id"),
            "revision_facts": q("SELECT r.content_hash, f.subject, f.metric, f.year, f.kind, f.value, f.total "
                                "FROM revision_facts f JOIN revisions r ON r.id = f.revision_id"),
        }
    finally:
        conn.close()
