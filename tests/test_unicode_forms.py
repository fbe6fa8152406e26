"""Decomposed text (NFD, as some CMSs and windows-1258 pages hold it) gives the same facts as
composed text: fed through extract() itself, and through parse → extract from the bytes."""
from __future__ import annotations

import unicodedata


from pipeline.extract import extract
from pipeline.models import Document
from pipeline.process import Raw, read

TEXT = ("Năm 2023, Thanh Hoá xếp thứ 11/63 về chỉ số chuyển đổi số, đạt 0,6021 điểm. "
        "Tỷ lệ hồ sơ trực tuyến toàn trình của tỉnh đạt 58%.")
NFD = unicodedata.normalize("NFD", TEXT)


def keys(facts):
    return sorted((f.subject, f.metric, f.year, f.kind, f.value, f.total) for f in facts)


def test_the_decomposed_text_really_is_decomposed():
    assert NFD != TEXT and not unicodedata.is_normalized("NFC", NFD)


def test_extract_reads_decomposed_text_as_composed():
    composed = extract(Document(url="t:", text=f"Thanh Hóa\n\n{TEXT}", title="Thanh Hóa", doc_type="txt"))
    decomposed = extract(Document(url="t:", text=unicodedata.normalize("NFD", f"Thanh Hóa\n\n{TEXT}"),
                                  title=unicodedata.normalize("NFD", "Thanh Hóa"), doc_type="txt"))
    assert ("Thanh Hóa", "dti", 2023, "rank", 11, 63) in keys(composed)
    assert keys(decomposed) == keys(composed)


def test_the_stored_text_and_evidence_are_composed_whatever_the_page_held():
    page = f"<html><body><h1>Thanh Hóa</h1><p>{NFD}</p></body></html>"
    got = read(Raw(body=page.encode("utf-8"), url="http://h/a.html", content_type="text/html"))
    want = read(Raw(body=page.replace(NFD, TEXT).encode("utf-8"), url="http://h/a.html",
                    content_type="text/html"))
    assert unicodedata.is_normalized("NFC", got.document.text)
    assert keys(got.facts) == keys(want.facts) and keys(got.facts)
    assert all(got.document.text[f.start:f.end] == f.evidence and unicodedata.is_normalized("NFC", f.evidence)
               for f in got.facts)
