"""plot: rank and score over time, and a year's ranking, from the figures table: charts that do
not mislead."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from PIL import Image

from pipeline.cli import cli
from pipeline.errors import UsageError
from pipeline.research.plot import collect, plot_history

from tests import db_samples
from tests.db_samples import D, F


@pytest.fixture
def db(tmp_path):
    return db_samples.build(tmp_path / "dti.sqlite", db_samples.DOCS + [
        D("https://dn.example/2023", "Đà Nẵng 2023", "2024-05-01", "Báo Đà Nẵng", [
            F("Đà Nẵng đứng thứ 1/63 năm 2023 với 716,7/1.000 điểm.", "Đà Nẵng", "dti", "rank", 1, 2023, total=63),
            F("Đà Nẵng đứng thứ 1/63 năm 2023 với 716,7/1.000 điểm.", "Đà Nẵng", "dti", "score", 716.7, 2023,
              scale=1000)])])


def points(pts):
    return [(p.year, p.value) for p in pts]


def test_series_follow_the_figures(db):
    lao_cai, = collect(db, ["lao cai"])
    assert {k: points(v) for k, v in lao_cai.ranks.items()} == {63: [(2023, 18)], 34: [(2024, 14)]}
    assert lao_cai.ranks[34][0].others == [15]      # 15/34 is stated too: drawn, the year marked
    assert points(lao_cai.scores) == [(2023, 0.5403), (2024, 0.7167)]
    da_nang, = collect(db, ["TP. Đà Nẵng"])
    assert points(da_nang.scores) == [(2023, pytest.approx(0.7167))]     # 716,7 of 1.000 on the same axis


def test_with_merged_adds_the_merged_provinces(db):
    labels = [s.label for s in collect(db, ["Lào Cai"], with_merged=True)]
    assert labels == ["Lào Cai", "Yên Bái → Lào Cai"]


def test_png_is_written_and_shows_the_data(db, tmp_path):
    one = plot_history(db, ["Lào Cai"], output=tmp_path / "one.png")
    two = plot_history(db, ["Lào Cai", "Đà Nẵng"], output=tmp_path / "sub" / "two.png")
    for result in (one, two):
        with Image.open(result.path) as img:
            assert img.format == "PNG" and img.width > 600 and img.height > 500
            assert len(img.convert("RGB").getcolors(1 << 20)) > 20   # drawn, not blank
    assert one.path.read_bytes() != two.path.read_bytes()
    assert "Lào Cai: 2 years (2023–2024)" in one.summary()


def test_unknown_province_or_no_data_is_a_usage_error(db):
    with pytest.raises(UsageError, match="not a subject"):
        collect(db, ["Atlantis"])
    with pytest.raises(UsageError, match="no rank or score of 'pci'"):
        collect(db, ["Lào Cai"], metric="pci")


def test_cli_plot(tmp_path):
    path = tmp_path / "dti.sqlite"
    db_samples.build(path)
    out_png = tmp_path / "chart.png"
    result = CliRunner().invoke(cli, ["plot", "--db", str(path), "Lào Cai", "Đà Nẵng", "-o", str(out_png)])
    assert result.exit_code == 0, result.output
    assert out_png.exists() and "Đà Nẵng: 1 year (2024)" in result.output
    result = CliRunner().invoke(cli, ["plot", "--db", str(path), "Atlantis", "-o", str(out_png)])
    assert result.exit_code == 2 and "not a subject" in result.output


# --- charts that do not mislead ----------------------------------------------------------------

def _ranks_db(tmp_path):
    return db_samples.build(tmp_path / "r.sqlite", [
        D("u:21", "t", "2022-04-01", "A", [F("thứ 30/63 năm 2021", "Huế", "dti", "rank", 30, 2021, total=63)]),
        D("u:23", "t", "2024-04-01", "A", [F("thứ 20/63 năm 2023", "Huế", "dti", "rank", 20, 2023, total=63)]),
        D("u:24", "t", "2025-10-01", "A", [F("thứ 2/34 năm 2024", "Huế", "dti", "rank", 2, 2024, total=34),
                                          F("thứ 3/63 năm 2024", "Huế", "dti", "rank", 3, 2024, total=63)]),
        D("u:24b", "t", "2025-10-02", "B", [F("thứ 4/34 năm 2024", "Huế", "dti", "rank", 4, 2024, total=34)]),
        D("u:h", "t", "2025-10-03", "C", [F("huyện Bắc Hà thứ 4/9", "huyện Bắc Hà", "dti", "rank", 4, 2024,
                                           total=9, subject_type="district", province="Lào Cai")])])


def test_no_line_joins_two_rankings_or_a_missing_year(tmp_path):
    db = _ranks_db(tmp_path)
    result = plot_history(db, ["Huế"], output=tmp_path / "h.png")
    for line in result.figure.axes[0].get_lines():
        years = list(line.get_xdata())
        assert all(b == a + 1 for a, b in zip(years, years[1:])), years     # never across 2022
    # 2023 → 2024 of 63 is one segment; the 34 ranking's point stands apart from it
    joined = [list(line.get_xdata()) for line in result.figure.axes[0].get_lines() if len(line.get_xdata()) > 1]
    assert joined == [[2023, 2024]]
    assert [list(line.get_ydata()) for line in result.figure.axes[0].get_lines()
            if len(line.get_xdata()) > 1] == [[20, 3]]


def test_a_disputed_year_shows_every_value_and_labels_do_not_overlap(tmp_path):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    db = _ranks_db(tmp_path)
    result = plot_history(db, ["Huế", "Lào Cai"], output=tmp_path / "h.png")
    texts = [t for ax in result.figure.axes for t in ax.texts]
    assert any(t.get_text() == "disputed: 2 / 4" or t.get_text() == "disputed: 4 / 2" for t in texts)
    drawn = {(x, y) for line in result.figure.axes[0].get_lines() for x, y in line.get_xydata()}
    assert {(2024, 2), (2024, 4)} <= drawn
    renderer = FigureCanvasAgg(result.figure).get_renderer()
    boxes = [t.get_window_extent(renderer) for t in texts]
    assert not [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if a.overlaps(b)]


@pytest.mark.parametrize("name, magic", [("c.png", b"\x89PNG"), ("c.svg", b"<?xml"), ("c.pdf", b"%PDF")])
def test_the_format_is_the_files_extension(tmp_path, name, magic):
    db = _ranks_db(tmp_path)
    assert plot_history(db, ["Huế"], output=tmp_path / name).path.read_bytes().startswith(magic)
    with pytest.raises(UsageError, match=".png, .svg or .pdf"):
        plot_history(db, ["Huế"], output=tmp_path / "c.gif")


def test_a_district_is_plottable_and_a_ranking_is_one_picture(tmp_path):
    db = _ranks_db(tmp_path)
    [district] = collect(db, ["huyện Bắc Hà"])
    assert district.subject_type == "district" and points(district.ranks[9]) == [(2024, 4)]
    path = tmp_path / "dti.sqlite"
    db_samples.build(path)
    r = CliRunner().invoke(cli, ["plot", "--db", str(path), "--ranking", "2024", "-o", str(tmp_path / "r.svg")])
    assert r.exit_code == 0, r.output
    assert "ranking of 34: 4 provinces" in r.output
    svg = (tmp_path / "r.svg").read_text(encoding="utf-8")
    assert "Lào Cai" in svg and "disputed" in svg      # 14/34 and 15/34 both stated
