"""TCVN3 (.VnTime) and VNI text → Unicode: full tables, detection by statistics, round trips."""
import unicodedata

import pytest

from pipeline.parse import legacy_fonts as lf

SENTENCES = [
    "Cộng hòa xã hội chủ nghĩa Việt Nam. Độc lập - Tự do - Hạnh phúc.",
    "Năm 2024, tỉnh Lào Cai xếp thứ 14/34 về chỉ số chuyển đổi số, đạt 0,7167 điểm.",
    "Người dân được hưởng lợi từ dịch vụ công trực tuyến; tỷ lệ hồ sơ xử lý đúng hạn đạt 98,5%.",
    "Khuyến khích doanh nghiệp ứng dụng nền tảng số, nghiêng về những ngành ưu tiên như du lịch.",
    "Hỗ trợ ngư dân, quyết định ổn định, thuở ấy, nghỉ ngơi, tiễn đưa, yểu điệu, kỹ thuật, lũy kế.",
]


def test_tables_cover_every_vietnamese_letter_in_both_cases():
    letters = lf.vietnamese_letters()
    assert len(letters) == 134 and len(set(letters)) == 134
    assert all(unicodedata.is_normalized("NFC", c) for c in letters)
    # VNI: one distinct code sequence per letter, decoding back to it
    assert set(lf.UNICODE_TO_VNI) == set(letters)
    assert len(set(lf.UNICODE_TO_VNI.values())) == 134
    for letter in letters:
        assert lf.vni_to_unicode(lf.unicode_to_vni(letter)) == letter
    # TCVN3: every lower-case letter and the 7 base capitals have a byte of their own
    lower = [c for c in letters if c.islower()]
    assert all(lf.tcvn3_to_unicode(lf.unicode_to_tcvn3(c)) == c for c in lower)
    for capital in "ĂÂÊÔƠƯĐ":
        assert lf.tcvn3_to_unicode(lf.unicode_to_tcvn3(capital)) == capital
    assert all(len(code) == 1 and 0xA1 <= ord(code) <= 0xFE for code in lf.UNICODE_TO_TCVN3.values())


def test_known_mojibake_decodes():
    assert lf.tcvn3_to_unicode("Céng hßa x· héi chñ nghÜa ViÖt Nam") == "Cộng hòa xã hội chủ nghĩa Việt Nam"
    assert lf.vni_to_unicode("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam") == "Cộng hòa xã hội chủ nghĩa Việt Nam"


@pytest.mark.parametrize("sentence", SENTENCES)
def test_round_trip_sentences(sentence):
    tcvn3 = lf.unicode_to_tcvn3(sentence)
    assert tcvn3 != sentence
    assert lf.tcvn3_to_unicode(tcvn3) == sentence
    assert lf.vni_to_unicode(lf.unicode_to_vni(sentence)) == sentence


def test_capitals_set_in_the_capitals_font_are_restored_from_context():
    for text in ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "QUYẾT ĐỊNH", "ỦY BAN NHÂN DÂN TỈNH LÀO CAI"]:
        assert lf.tcvn3_to_unicode(lf.unicode_to_tcvn3(text)) == text
    # a lower-case word next to a capital word is left alone
    assert lf.tcvn3_to_unicode(lf.unicode_to_tcvn3("Về việc CÔNG BỐ")) == "Về việc CÔNG BỐ"


def test_detection_by_statistics():
    text = " ".join(SENTENCES)
    assert lf.detect_legacy(text) == "unicode"
    assert lf.detect_legacy(lf.unicode_to_tcvn3(text)) == "tcvn3"
    assert lf.detect_legacy(lf.unicode_to_vni(text)) == "vni"
    # French or German words with Latin-1 letters are not taken for legacy Vietnamese
    assert lf.detect_legacy("Le café du marché. Größe und Übermaß. À bientôt, déjà vu.") == "unicode"
    assert lf.detect_legacy("DTI 2024 ranking: 14/34") == "unicode"


def test_repair_converts_only_the_legacy_lines():
    unicode_line = "Báo cáo của Sở Khoa học và Công nghệ tỉnh Lào Cai"
    legacy = [lf.unicode_to_tcvn3(s) for s in SENTENCES[:3]]
    repaired = lf.repair_legacy("\n".join([unicode_line] + legacy))
    assert repaired.encoding == "tcvn3"
    assert repaired.lines_converted == 3
    assert repaired.text == "\n".join([unicode_line] + SENTENCES[:3])


def test_repair_leaves_unicode_text_untouched():
    text = "\n".join(SENTENCES)
    assert lf.repair_legacy(text).text == text
    assert lf.repair_legacy(text).encoding == "unicode"
