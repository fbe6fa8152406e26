"""Charsets of HTML pages: header, BOM, meta, none, windows-1258, a wrong label; NFC always."""
import codecs
import unicodedata

from pipeline.parse.charset import decode_html

TEXT = "Tỉnh Lào Cai xếp thứ 14/34 về chuyển đổi số, đạt 0,7167 điểm; người dân hưởng lợi."


TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Encode as windows-1258 does: letters with their shape (â, ơ, đ…) precomposed, the tone
    as a separate combining mark after them."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


def page(body: str, meta: str = "") -> str:
    return f"<html><head>{meta}<title>Tin</title></head><body><p>{body}</p></body></html>"


def test_header_charset_wins_over_meta():
    raw = page(TEXT, '<meta charset="windows-1258">').encode("utf-8")
    d = decode_html(raw, {"Content-Type": "text/html; charset=UTF-8"})
    assert (d.encoding, d.how) == ("utf-8", "header")
    assert TEXT in d.text


def test_bom():
    raw = codecs.BOM_UTF8 + page(TEXT, '<meta charset="iso-8859-1">').encode("utf-8")
    d = decode_html(raw, {})
    assert (d.encoding, d.how) == ("utf-8", "bom")
    assert TEXT in d.text and "\ufeff" not in d.text


def test_meta_charset_windows_1258_decodes_to_nfc():
    # windows-1258 keeps tone marks as separate combining characters: the decoded text is NFD-ish
    raw = page(TEXT, '<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">')
    raw = cp1258(raw)
    assert raw.decode("cp1258") != TEXT   # not NFC before normalization
    d = decode_html(raw, {"Content-Type": "text/html"})
    assert (d.encoding, d.how) == ("cp1258", "meta")
    assert TEXT in d.text
    assert unicodedata.is_normalized("NFC", d.text)


def test_no_label_utf8():
    d = decode_html(page(TEXT).encode("utf-8"), {})
    assert d.encoding == "utf-8" and TEXT in d.text and not d.warnings


def test_no_label_windows_1258_is_guessed():
    raw = cp1258(page(TEXT * 5))
    d = decode_html(raw, {})
    assert d.how == "guess"
    assert TEXT in d.text


def test_wrong_label_utf8_page_said_to_be_latin1():
    raw = page(TEXT).encode("utf-8")
    d = decode_html(raw, {"Content-Type": "text/html; charset=ISO-8859-1"})
    assert d.encoding == "utf-8" and TEXT in d.text
    assert any("wrong" in w for w in d.warnings)


def test_wrong_label_legacy_page_said_to_be_utf8():
    raw = cp1258(page(TEXT * 5))
    d = decode_html(raw, {"Content-Type": "text/html; charset=utf-8"})
    assert TEXT in d.text
    assert any("does not fit" in w for w in d.warnings)


def test_many_replacement_characters_are_flagged():
    # a CMS that once stored the text with the wrong charset serves U+FFFD in place of letters
    damaged = TEXT.replace("ư", "\ufffd").replace("ờ", "\ufffd").replace("ể", "\ufffd")
    d = decode_html(page(damaged).encode("utf-8"), {"Content-Type": "text/html; charset=utf-8"})
    assert d.replacement_ratio > 0.005
    assert any("undecodable" in w for w in d.warnings)
    clean = decode_html(page(TEXT).encode("utf-8"), {"Content-Type": "text/html; charset=utf-8"})
    assert clean.replacement_ratio == 0 and not clean.warnings
