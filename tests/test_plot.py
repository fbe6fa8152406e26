"""plot: rank and score over time as a PNG, from the dti_rankings view."""
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


def test_series_follow_the_rankings_view(db):
    lao_cai, = collect(db, ["lao cai"])
    assert lao_cai.ranks == {63: [(2023, 18)], 34: [(2024, 14)]}   # most-stated rank, per ranking
    assert lao_cai.scores == [(2023, 0.5403), (2024, 0.7167)]
    da_nang, = collect(db, ["TP. Đà Nẵng"])
    assert da_nang.scores == [(2023, pytest.approx(0.7167))]     # 716,7 of 1.000 on the same axis


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
    with pytest.raises(UsageError, match="not a province"):
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
    assert result.exit_code == 2 and "not a province" in result.output
