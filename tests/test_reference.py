"""reference: subject folding, Vietnamese numbers, and official tables from CSV and HTML."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from pipeline import store
from pipeline.cli import cli
from pipeline.errors import UsageError
from pipeline.factcheck.figures import parse_number
from pipeline.factcheck.names import canonical_subject, subject_key
from pipeline.factcheck.official import import_reference, read_reference, reference_rows
from tests.fixtures.disagree import corpus


@pytest.mark.parametrize("spelling, expected", [
    ("Thanh Hoá", ("Thanh Hóa", "province")),
    ("tỉnh Thanh Hoá", ("Thanh Hóa", "province")),
    ("Hoà Bình", ("Hòa Bình", "province")),
    ("TP.HCM", ("Hồ Chí Minh", "province")),
    ("TP. Hồ Chí Minh", ("Hồ Chí Minh", "province")),
    ("Thành phố Hồ Chí Minh", ("Hồ Chí Minh", "province")),
    ("Thừa Thiên Huế", ("Huế", "province")),
    ("thành phố Hà Nội", ("Hà Nội", "province")),
    ("Lao Cai", ("Lào Cai", "province")),                       # unaccented, unambiguous
    ("Bà Rịa-Vũng Tàu", ("Bà Rịa - Vũng Tàu", "province")),
    # a city prefix on a province that is not a centrally-run city names the city itself
    ("thành phố Lào Cai", ("thành phố Lào Cai", "district")),
    ("TP. Lào Cai", ("thành phố Lào Cai", "district")),
    ("huyện Bắc Hà", ("huyện Bắc Hà", "district")),
    ("Sở Y tế", ("Sở Y tế", "agency")),
    ("Việt Nam", ("Việt Nam", "country")),
])
def test_canonical_subject(spelling, expected):
    assert canonical_subject(spelling) == expected


def test_subject_keys_fold_spellings_but_keep_subjects_apart():
    assert subject_key("Thanh Hoá", "province") == subject_key("Thanh Hóa", "province")
    assert subject_key("thành phố Lào Cai", "district") == subject_key("TP. Lào Cai", "district")
    assert subject_key("thành phố Lào Cai", "district") != subject_key("Lào Cai", "province")
    assert subject_key("Hà Nam", "province") != subject_key("Hà Nội", "province")
    assert subject_key("Quảng Nam", "province") != subject_key("Quảng Ninh", "province")


@pytest.mark.parametrize("text, expected", [
    ("0,7167", (0.7167, 4)), ("760,39", (760.39, 2)), ("1.000", (1000, 0)), ("1.168", (1168, 0)),
    ("1.240.000", (1240000, 0)), ("0.7167", (0.7167, 4)), ("58%", (58, 0)), ("0,70", (0.7, 2)),
    ("1.234,5", (1234.5, 1)),
])
def test_parse_number(text, expected):
    assert parse_number(text) == expected


def test_parse_number_rejects_text():
    for bad in ("", "mười", "1,2,3", "1.2.3x"):
        with pytest.raises(ValueError):
            parse_number(bad)


# --- CSV -------------------------------------------------------------------------------------

def test_import_csv_with_caption_and_vietnamese_numbers(tmp_path):
    db_path = str(tmp_path / "dti.sqlite")
    report = import_reference(db_path, corpus.REFERENCE_CSV)
    assert report.reference == "reference_dti_2024"
    rows = {(r["subject"], r["kind"]): r for r in reference_rows(store.connect(db_path))}
    assert len(rows) == 12                        # 6 provinces × (score, rank)
    assert rows[("Huế", "rank")]["value"] == 2    # "Thừa Thiên Huế" in the table
    assert rows[("Hồ Chí Minh", "score")]["value"] == 0.8
    assert rows[("Thanh Hóa", "rank")]["year"] == 2024     # year read from the caption
    lc = rows[("Lào Cai", "score")]
    assert (lc["value"], lc["scale"], lc["metric"]) == (0.7167, 1, "dti")
    # ranks go beyond the rows listed: an excerpt, whose total is not known
    assert rows[("Lào Cai", "rank")]["total"] is None
    assert "12 figures for 6 subjects" in report.summary()


def test_reimport_replaces_and_never_duplicates(tmp_path):
    db_path = str(tmp_path / "dti.sqlite")
    import_reference(db_path, corpus.REFERENCE_CSV)
    report = import_reference(db_path, corpus.REFERENCE_CSV)
    assert report.replaced == 12
    assert len(reference_rows(store.connect(db_path))) == 12


def test_a_complete_table_gives_the_total_and_the_scale_from_headers(tmp_path):
    f = tmp_path / "dti.csv"
    f.write_text("Địa phương;Tổng điểm (/1.000);Xếp hạng;Năm\n"
                 "Hà Nội;870,12;1;2023\nĐà Nẵng;860,5;2;2023\nLào Cai;700;3;2023\n", encoding="utf-8")
    facts = read_reference(f)
    ranks = [x for x in facts if x.kind == "rank"]
    assert {x.total for x in ranks} == {3} and {x.year for x in facts} == {2023}
    assert {x.scale for x in facts if x.kind == "score"} == {1000}


def test_bad_files_are_refused_and_leave_the_database_as_it_was(tmp_path):
    db_path = str(tmp_path / "dti.sqlite")
    import_reference(db_path, corpus.REFERENCE_CSV, name="dti")
    cases = {
        "no_subject.csv": ("Điểm,Xếp hạng\n0,8,1\n", "no column of subjects"),
        "no_year.csv": ("Tỉnh,Xếp hạng\nHà Nội,1\n", "--year"),
        "typo.csv": ("Tỉnh,Xếp hạng,Năm\nHà Nộii,1,2024\n", "'Hà Nộii' is not a province name"),
        "text.csv": ("Tỉnh,Xếp hạng,Năm\nHà Nội,nhất,2024\n", "'nhất' is not a number"),
        "twice.csv": ("Tỉnh,Xếp hạng,Năm\nHà Nội,1,2024\nHà Nội,2,2024\n", "appears twice"),
        "over.csv": ("Tỉnh,Điểm,Năm\nHà Nội,1.200,2024\n", "above the scale"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        with pytest.raises(UsageError, match=message):
            import_reference(db_path, path, name="dti")
    rows = reference_rows(store.connect(db_path))
    assert len(rows) == 12 and {r["reference"] for r in rows} == {"dti"}


# --- HTML ------------------------------------------------------------------------------------

HTML = """<!doctype html><html><head><title>Công bố Chỉ số chuyển đổi số năm 2024</title></head><body>
<table><tr><td><a href="/">Trang chủ</a></td><td>Tin tức</td></tr></table>
<table class="ranking">
<tr><th rowspan="2">STT</th><th rowspan="2">Tỉnh, thành phố</th><th colspan="2">DTI</th>
    <th colspan="2">Chính quyền số</th></tr>
<tr><th>Điểm</th><th>Xếp hạng</th><th>Điểm</th><th>Xếp hạng</th></tr>
<tr><td>1</td><td>Hà Nội</td><td>0,8700</td><td>1</td><td>0,9100</td><td>2</td></tr>
<tr><td>2</td><td>Thanh Hoá</td><td>0,7900</td><td>2</td><td>0,9300</td><td>1</td></tr>
<tr><td>3</td><td>Lào Cai</td><td>0,7167</td><td>3</td><td>-</td><td>3</td></tr>
<tr><td></td><td>Trung bình cả nước</td><td>0,6500</td><td></td><td>0,7000</td><td></td></tr>
</table></body></html>"""


def test_import_html_page_with_merged_header_cells(tmp_path):
    page = tmp_path / "cong-bo.html"
    page.write_text(HTML, encoding="utf-8")
    facts = read_reference(page)
    got = {(f.subject, f.metric, f.kind): f.value for f in facts}
    assert got[("Thanh Hóa", "dti", "rank")] == 2
    assert got[("Thanh Hóa", "dti.government", "rank")] == 1
    assert got[("Hà Nội", "dti.government", "score")] == 0.91
    assert ("Lào Cai", "dti.government", "score") not in got          # "-" is no figure
    assert not [f for f in facts if "Trung bình" in f.subject]       # the average row is skipped
    assert {f.year for f in facts} == {2024} and {f.total for f in facts if f.kind == "rank"} == {3}


def test_import_reference_command(tmp_path):
    runner = CliRunner()
    db_path = str(tmp_path / "dti.sqlite")
    r = runner.invoke(cli, ["import-reference", str(corpus.REFERENCE_CSV), "--db", db_path, "--name", "bo-khcn-2024"])
    assert r.exit_code == 0, r.output
    assert "reference 'bo-khcn-2024': 12 figures for 6 subjects" in r.output
    bad = tmp_path / "bad.csv"
    bad.write_text("Tỉnh,Xếp hạng\nHà Nội,1\n", encoding="utf-8")
    r = runner.invoke(cli, ["import-reference", str(bad), "--db", db_path])
    assert r.exit_code == 2 and "pass --year" in r.output
    r = runner.invoke(cli, ["import-reference", str(bad), "--db", db_path, "--year", "2024"])
    assert r.exit_code == 0
    r = runner.invoke(cli, ["import-reference", str(tmp_path / "missing.csv"), "--db", db_path])
    assert r.exit_code == 2 and "no such file" in r.output
