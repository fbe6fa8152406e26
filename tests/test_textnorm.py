"""textnorm: the normalization every parser applies, the paragraph builder, the spelling-blind fold."""
from __future__ import annotations

import unicodedata

import pytest

from pipeline.textnorm import TextBuilder, fold, normalize_text, replacement_ratio


def test_normalize_text_makes_nfc_and_plain_spacing():
    raw = unicodedata.normalize("NFD", "Lào\u00a0Cai  xếp\u200b thứ\r\n\r\n\r\n\r\n14 \u2013 “tốt”\u2026 ")
    out = normalize_text(raw)
    assert out == 'Lào Cai xếp thứ\n\n14 - "tốt"...'
    assert unicodedata.is_normalized("NFC", out)


@pytest.mark.parametrize("raw,clean", [
    ("a\u00adb", "ab"), ("a\ufeffb", "ab"), ("a\tb", "a b"), ("a \n b", "a\nb"), ("\n\n a \n\n", "a"),
    ("1\u202f000", "1 000"), ("x\u2019s", "x's"), ("a\u2212b", "a-b")])
def test_invisible_characters_spaces_and_punctuation(raw, clean):
    assert normalize_text(raw) == clean


def test_normalize_text_is_idempotent():
    text = "Thanh Hoá\u00a0— “DTI” 2024\r\n\r\n\r\nhết"
    once = normalize_text(text)
    assert normalize_text(once) == once


def test_text_builder_offsets_point_at_each_paragraph():
    b = TextBuilder()
    starts = [b.add(p) for p in ("Tiêu đề", "Đoạn một.", "Đoạn hai.")]
    assert b.text == "Tiêu đề\n\nĐoạn một.\n\nĐoạn hai." and len(b) == 3
    assert [b.text[s:s + 9] for s in starts[1:]] == ["Đoạn một.", "Đoạn hai."]


@pytest.mark.parametrize("a,b", [("Thanh Hoá", "thanh hoa"), ("Thanh Hóa", "THANH HOÁ"), ("Đắk Lắk", "dak lak"),
                                 ("Bà Rịa-Vũng Tàu", "Bà Rịa - Vũng Tàu"), ("TP.HCM", "tp hcm")])
def test_fold_is_blind_to_marks_case_and_punctuation(a, b):
    assert fold(a) == fold(b)


def test_fold_keeps_letters_apart():
    assert fold("Hà Nam") != fold("Hà Nội") and fold("Quảng Nam") != fold("Quảng Ninh")
    assert fold(unicodedata.normalize("NFD", "Đồng Tháp")) == fold("Đồng Tháp") == "dong thap"


def test_replacement_ratio():
    assert replacement_ratio("") == 0 and replacement_ratio("abc") == 0
    assert replacement_ratio("a\ufffd\ufffdb") == 0.5
