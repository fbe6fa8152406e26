"""A small, realistic database for the tests of store, query, search, export, serve and plot.

Documents and facts are built here by hand (not by the extractor), so the tests of the
database do not move when extraction changes. Evidence is located in each text, so
`text[start:end] == evidence` holds as the spec requires.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline import store
from pipeline.models import Document, Fact


@dataclass
class F:
    """A fact as a test writes it: the evidence sentence plus the figures."""
    evidence: str
    subject: str
    metric: str
    kind: str
    value: float
    year: int | None = None
    total: float | None = None
    scale: float | None = None
    is_target: bool = False
    subject_type: str = "province"
    province: str | None = None
    unit: str | None = None
    qualifier: str = "exact"


@dataclass
class D:
    url: str
    title: str
    published: str
    outlet: str
    facts: list[F] = field(default_factory=list)
    extra_text: str = ""


S_LC_14 = "Năm 2024, Lào Cai xếp thứ 14/34 tỉnh, thành phố về Chỉ số chuyển đổi số."
S_LC_SCORE = "Tổng điểm DTI của Lào Cai đạt 0,7167 điểm."
S_LC_AWARE = "Riêng chỉ số Nhận thức số của tỉnh dẫn đầu toàn quốc."
S_LC_FIBRE = "Đã có 70,8% hộ gia đình trên địa bàn được phủ cáp quang."
S_DN_2 = "Đà Nẵng giữ vị trí thứ 2/34 trong bảng xếp hạng DTI 2024."
S_TH_5 = "Thanh Hoá vươn lên thứ 5/34 về mức độ chuyển đổi số năm 2024."
S_LC_15 = "Theo bảng công bố, Lào Cai đứng thứ 15/34 về DTI 2024 với 0,7167 điểm."
S_YB_20 = "Yên Bái xếp thứ 20/63 về chuyển đổi số năm 2023, đạt 0,5521 điểm."
S_LC_2023 = "Cùng kỳ, Lào Cai ở vị trí thứ 18/63 tỉnh, thành."
S_LC_2023_SCORE = "Điểm của Lào Cai năm 2023 là 0,5403."
S_TARGET_TOP = "Mục tiêu đến năm 2025 Lào Cai nằm trong nhóm 20 tỉnh dẫn đầu về chỉ số DTI."
S_TARGET_FIBRE = "Phấn đấu đến năm 2025 có 80% hộ gia đình có hạ tầng cáp quang."
S_HN_1 = "Hà Nội dẫn đầu cả nước về chuyển đổi số năm 2024."
S_SO_YT = "Sở Y tế đứng thứ 3 trong bảng xếp hạng chuyển đổi số các sở, ngành của tỉnh năm 2024."

DOCS = [
    D("https://baolaocai.example/dti-2024.html", "Lào Cai tăng hạng chuyển đổi số",
      "2025-10-21T08:00:00+07:00", "Báo Lào Cai", [
          F(S_LC_14, "Lào Cai", "dti", "rank", 14, 2024, total=34),
          F(S_LC_SCORE, "Lào Cai", "dti", "score", 0.7167, 2024, scale=1),
          F(S_LC_AWARE, "Lào Cai", "dti.awareness", "rank", 1, 2024),
          F(S_LC_FIBRE, "Lào Cai", "fibre_households", "percent", 70.8, 2024, unit="%"),
          F(S_SO_YT, "Sở Y tế", "dti_agency", "rank", 3, 2024, subject_type="agency", province="Lào Cai"),
      ]),
    D("https://news.example/bang-xep-hang-dti-2024", "Bảng xếp hạng DTI 2024 của 34 địa phương",
      "2025-10-22T09:30:00+07:00", "Tin Tức Số", [
          F(S_LC_14, "Lào Cai", "dti", "rank", 14, 2024, total=34),
          F(S_DN_2, "Đà Nẵng", "dti", "rank", 2, 2024, total=34),
          F(S_TH_5, "Thanh Hóa", "dti", "rank", 5, 2024, total=34),
          F(S_HN_1, "Hà Nội", "dti", "rank", 1, 2024),
      ]),
    D("https://other.example/dti-2024-lao-cai", "Lào Cai thứ 15 về DTI?",
      "2025-10-23T07:00:00+07:00", "Báo Khác", [
          F(S_LC_15, "Lào Cai", "dti", "rank", 15, 2024, total=34),
          F(S_LC_15, "Lào Cai", "dti", "score", 0.7167, 2024, scale=1),
      ]),
    D("https://yenbai.example/dti-2023", "Yên Bái và Lào Cai trong DTI 2023",
      "2024-06-01T10:00:00+07:00", "Báo Yên Bái", [
          F(S_YB_20, "Yên Bái", "dti", "rank", 20, 2023, total=63),
          F(S_YB_20, "Yên Bái", "dti", "score", 0.5521, 2023, scale=1),
          F(S_LC_2023, "Lào Cai", "dti", "rank", 18, 2023, total=63),
          F(S_LC_2023_SCORE, "Lào Cai", "dti", "score", 0.5403, 2023, scale=1),
      ]),
    D("https://laocai.example/ke-hoach-2025.pdf", "Kế hoạch chuyển đổi số đến năm 2025",
      "2023-02-15", "UBND tỉnh Lào Cai", [
          F(S_TARGET_TOP, "Lào Cai", "dti", "top_n", 20, 2025, is_target=True),
          F(S_TARGET_FIBRE, "Lào Cai", "fibre_households", "percent", 80, 2025, is_target=True, unit="%"),
      ]),
]


def text_of(d: D) -> str:
    parts = [d.title]
    for f in d.facts:
        if f.evidence not in parts:
            parts.append(f.evidence)
    if d.extra_text:
        parts.append(d.extra_text)
    return "\n".join(parts)


def save(db, d: D) -> int:
    text = text_of(d)
    facts = []
    for f in d.facts:
        start = text.index(f.evidence)
        facts.append(Fact(subject=f.subject, subject_type=f.subject_type, metric=f.metric,
                          metric_phrase=f.metric, kind=f.kind, value=f.value, evidence=f.evidence,
                          start=start, end=start + len(f.evidence), province=f.province, year=f.year,
                          total=f.total, scale=f.scale, unit=f.unit, qualifier=f.qualifier,
                          is_target=f.is_target, extractor="test", extractor_version="t1"))
    doc = Document(url=d.url, text=text, title=d.title, published=d.published, outlet=d.outlet,
                   doc_type="pdf" if d.url.endswith(".pdf") else "html", source="test")
    doc_id, _ = store.save_document(db, doc, facts)
    return doc_id


def build(path: Path, docs: list[D] = DOCS):
    db = store.connect(path)
    for d in docs:
        save(db, d)
    return db


def db_fixtures(build, as_str: bool = False):
    """The `db_path` and `db` fixtures of a test module whose database `build(path)` fills."""
    import pytest

    from pipeline import store

    @pytest.fixture
    def db_path(tmp_path):
        path = tmp_path / "dti.sqlite"
        build(path)
        return str(path) if as_str else path

    @pytest.fixture
    def db(db_path):
        return store.connect(db_path)

    return db_path, db
