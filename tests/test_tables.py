"""Ranking tables (pipeline/extract/tables.py): a rank and a score per row and column, ties kept,
the ranking size from a table that ranks every unit, cells holding a rank and its score."""
from pipeline.extract import extract
from pipeline.models import Document, Table

MINISTRIES = ["Bộ Tài chính", "Bộ Kế hoạch và Đầu tư", "Bộ Công Thương", "Bộ Y tế", "Bộ Tư pháp", "Bộ Nội vụ",
              "Bộ Xây dựng", "Bộ Giao thông vận tải", "Bộ Ngoại giao", "Bộ Quốc phòng", "Bộ Công an",
              "Bộ Giáo dục và Đào tạo", "Bộ Khoa học và Công nghệ", "Bộ Thông tin và Truyền thông",
              "Bộ Tài nguyên và Môi trường", "Ngân hàng Nhà nước Việt Nam", "Thanh tra Chính phủ"]


def table_doc(rows, caption="", title="Xếp hạng DTI năm 2022", lead=""):
    lines = [" | ".join(r) for r in rows]
    head = "\n\n".join(x for x in (title, lead, caption) if x) + "\n\n"
    text = head + "\n".join(lines)
    spans, pos = [], len(head)
    for line in lines:
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return Document(url="test:", text=text, title=title, tables=[Table(rows=rows, row_spans=spans, caption=caption)])


def facts_of(doc, kind):
    return sorted((f.subject, f.metric, f.value, f.total, f.table_row) for f in extract(doc) if f.kind == kind)


def test_rank_and_score_columns_give_a_fact_each_with_its_row():
    rows = [["Xếp hạng", "Tỉnh, thành phố", "Giá trị DTI"], ["1", "TP. Đà Nẵng", "0,6688"], ["2", "Quảng Ninh", "0,6207"]]
    doc = table_doc(rows)
    assert facts_of(doc, "rank") == [("Quảng Ninh", "dti", 2, None, 2), ("Đà Nẵng", "dti", 1, None, 1)]
    scores = facts_of(doc, "score")
    assert ("Đà Nẵng", "dti", 0.6688, None, 1) in scores
    assert all(f.year == 2022 for f in extract(doc))


def test_a_table_ranking_every_ministry_sizes_the_ranking():
    rows = [["STT", "Bộ, ngành", "Xếp hạng"]] + [[str(n), m, str(n)] for n, m in enumerate(MINISTRIES, start=1)]
    ranks = facts_of(table_doc(rows, title="Xếp hạng chuyển đổi số các bộ năm 2022"), "rank")
    assert len(ranks) == 17 and {r[3] for r in ranks} == {17}


def test_a_partial_table_of_provinces_is_not_sized_by_its_length():
    rows = [["Xếp hạng", "Tỉnh, thành phố", "Giá trị DTI"]] + \
        [[str(n), p, "0,6"] for n, p in enumerate(["Đà Nẵng", "Quảng Ninh", "Cần Thơ", "Lạng Sơn", "Bắc Ninh"], start=1)]
    assert {r[3] for r in facts_of(table_doc(rows), "rank")} == {None}     # provinces rank of 34 or 63, never 5


def test_a_cell_holding_a_rank_and_its_score_gives_both():
    rows = [["TT", "Bộ, cơ quan ngang Bộ", "Xếp hạng (chỉ số)"], ["1", "Bộ Tài chính", "1 (0,9291)"],
            ["2", "Bộ Công Thương", "2 (0,8914)"]]
    doc = table_doc(rows, caption="1. Chỉ số và xếp hạng tổng thể mức độ ứng dụng công nghệ thông tin của Bộ năm 2019",
                    title="Báo cáo ứng dụng công nghệ thông tin năm 2019")
    fs = extract(doc)
    assert any(f.kind == "rank" and f.subject == "Bộ Tài chính" and f.value == 1 for f in fs)
    assert any(f.kind == "score" and f.subject == "Bộ Tài chính" and f.value == 0.9291 for f in fs)
    assert all("công nghệ thông tin" in f.metric_phrase for f in fs if f.table_row is not None)


def test_tied_rows_keep_their_shared_place():
    rows = [["Xếp hạng", "Tỉnh, thành phố", "Giá trị DTI"], ["15", "Thanh Hóa", "0,5592"], ["15", "Yên Bái", "0,5592"]]
    ranks = facts_of(table_doc(rows), "rank")
    assert [(r[0], r[2]) for r in ranks] == [("Thanh Hóa", 15), ("Yên Bái", 15)]


def test_a_rank_column_that_names_its_index_ranks_that_index_whatever_the_lead_says():
    rows = [["Xếp hạng DTI", "Tỉnh, thành phố", "Điểm DTI"], ["1", "TP. Đà Nẵng", "0.8002"], ["2", "Quảng Ninh", "0.7024"]]
    lead = ("Bảng dưới đây trình bày các địa phương có thứ hạng từ 1 đến 2. Bảng xếp hạng đầy đủ cùng điểm chi "
            "tiết 8 chỉ số chính được đăng tải tại mục Xếp hạng chi tiết.")
    ranks = facts_of(table_doc(rows, caption=lead), "rank")
    assert {r[1] for r in ranks} == {"dti"}
