"""Real PDFs built in test code with fpdf2 and matplotlib's DejaVuSans (which has every
Vietnamese letter): a decision with a ranking table, a scan, a TCVN3 text layer, bad files."""
from __future__ import annotations

import io
import os
from typing import Iterable

import matplotlib
from fpdf import FPDF

FONT = os.path.join(matplotlib.get_data_path(), "fonts", "ttf", "DejaVuSans.ttf")
FONT_BOLD = os.path.join(matplotlib.get_data_path(), "fonts", "ttf", "DejaVuSans-Bold.ttf")


def new_pdf(title: str = "") -> FPDF:
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", FONT)
    pdf.add_font("DejaVu", "B", FONT_BOLD)
    pdf.set_font("DejaVu", size=12)
    pdf.set_auto_page_break(True, margin=15)
    if title:
        pdf.set_title(title)
    return pdf


def decision_header(pdf: FPDF, issuer: tuple[str, str], number: str, place_date: str) -> None:
    """The two-column header of a Vietnamese administrative document."""
    pdf.set_font("DejaVu", "B", 11)
    y = pdf.get_y()
    pdf.set_xy(10, y)
    pdf.multi_cell(80, 6, f"{issuer[0]}\n{issuer[1]}", align="C")
    pdf.set_xy(95, y)
    pdf.multi_cell(105, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc", align="C")
    pdf.set_font("DejaVu", "", 11)
    y = pdf.get_y() + 4
    pdf.set_xy(10, y)
    pdf.cell(80, 6, f"Số: {number}", align="C")
    pdf.set_xy(95, y)
    pdf.cell(105, 6, place_date, align="C")
    pdf.ln(14)


def decision_pdf(rows: list[list[str]], *, number: str = "684/QĐ-UBND", pages_before_table: int = 0,
                 summary: str = "Về việc công bố kết quả đánh giá chuyển đổi số của các sở, ban, ngành năm 2024") -> bytes:
    """A decision with its header, trích yếu, some articles, and a ranking table (with borders)."""
    pdf = new_pdf()
    pdf.add_page()
    decision_header(pdf, ("ỦY BAN NHÂN DÂN", "TỈNH LÀO CAI"), number, "Lào Cai, ngày 21 tháng 10 năm 2025")
    pdf.set_font("DejaVu", "B", 13)
    pdf.cell(0, 8, "QUYẾT ĐỊNH", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 12)
    pdf.multi_cell(0, 7, summary, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.cell(0, 7, "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 12)
    pdf.multi_cell(0, 7, "Căn cứ Luật Tổ chức chính quyền địa phương; căn cứ kế hoạch chuyển đổi số "
                         "của tỉnh giai đoạn 2021 - 2025 và đề nghị của Giám đốc Sở Khoa học và Công nghệ.",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.multi_cell(0, 7, "Điều 1. Công bố kết quả xếp hạng mức độ chuyển đổi số năm 2024 của các sở, "
                         "ban, ngành theo bảng dưới đây.", new_x="LMARGIN", new_y="NEXT")
    for i in range(pages_before_table):
        pdf.add_page()
        pdf.multi_cell(0, 7, f"Phụ lục {i + 1}. Nội dung đánh giá chi tiết theo từng chỉ số thành phần.",
                       new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.multi_cell(0, 7, "Bảng xếp hạng chỉ số chuyển đổi số các sở, ban, ngành năm 2024", new_x="LMARGIN", new_y="NEXT")
    with pdf.table(col_widths=(15, 100, 40, 25), text_align=("CENTER", "LEFT", "RIGHT", "CENTER")) as table:
        for row in rows:
            r = table.row()
            for cell in row:
                r.cell(cell)
    pdf.ln(4)
    pdf.multi_cell(0, 7, "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def text_pdf(paragraphs: Iterable[str], title: str = "") -> bytes:
    pdf = new_pdf(title)
    pdf.add_page()
    for p in paragraphs:
        pdf.multi_cell(0, 7, p, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    return bytes(pdf.output())


def many_pages_pdf(pages: int, numbered: bool = False) -> bytes:
    """`pages` pages of one line each; `numbered` prints the page number at the top centre,
    as decisions do from their second page on."""
    pdf = new_pdf()
    for i in range(pages):
        pdf.add_page()
        if numbered and i:
            pdf.cell(0, 8, str(i + 1), align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(6)
        pdf.cell(0, 10, f"Trang {i + 1} của báo cáo chuyển đổi số")
    return bytes(pdf.output())


def scanned_pdf(lines: list[str], dpi: int = 200) -> bytes:
    """An image-only PDF: the text is drawn into a bitmap (like a scanner's output), no text layer."""
    from PIL import Image, ImageDraw, ImageFont
    width, height = int(8.27 * dpi), int(11.69 * dpi)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, size=int(dpi * 0.16))
    y = int(dpi * 0.8)
    for line in lines:
        draw.text((int(dpi * 0.8), y), line, fill=0, font=font)
        y += int(dpi * 0.32)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.image(io.BytesIO(buf.getvalue()), x=0, y=0, w=210, h=297)
    return bytes(pdf.output())


def encrypted_pdf(text: str = "Báo cáo mật") -> bytes:
    from fpdf.enums import EncryptionMethod
    pdf = new_pdf()
    pdf.set_encryption(owner_password="owner-secret", user_password="user-secret",
                       encryption_method=EncryptionMethod.AES_128)
    pdf.add_page()
    pdf.multi_cell(0, 7, text)
    return bytes(pdf.output())


def cid_pdf() -> bytes:
    """A text layer whose font has no ToUnicode map: pdfminer yields (cid:N) for each glyph."""
    import re
    pdf = text_pdf(["Chỉ số chuyển đổi số của tỉnh năm 2024 đạt kết quả cao, xếp thứ 14 trên 34."])
    # Drop the font's ToUnicode map and its embedded file: the glyph codes stay, their meaning
    # goes, as in PDFs made by old printer drivers.
    pdf = re.sub(rb"/ToUnicode \d+ 0 R", b"", pdf)
    return re.sub(rb"/FontFile2 \d+ 0 R", b"", pdf)


def tcvn3_pdf(paragraphs: list[str]) -> bytes:
    """A PDF whose text layer holds TCVN3 byte codes, as a .VnTime document's does.

    The Unicode text is encoded to TCVN3 and each byte's Latin-1 character drawn with a Unicode
    font, so extraction yields "Céng hßa x· héi ...". Lines are wrapped by hand with `cell()`,
    which (unlike `multi_cell`) keeps U+00AD, the TCVN3 code of "ư".
    """
    from pipeline.parse.legacy_fonts import unicode_to_tcvn3
    pdf = new_pdf()
    pdf.add_page()
    width = pdf.epw
    for paragraph in paragraphs:
        line = ""
        for word in unicode_to_tcvn3(paragraph).split():
            candidate = f"{line} {word}".strip()
            if line and pdf.get_string_width(candidate) > width:
                pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
                line = word
            else:
                line = candidate
        pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    return bytes(pdf.output())


def bomb_pdf(inflated_mb: int = 400) -> bytes:
    """A small file whose page content inflates to `inflated_mb` MB: a decompression bomb."""
    import zlib
    chunk = b"0 0 m 1 1 l S\n" * 4096
    comp = zlib.compressobj(9)
    parts = [comp.compress(chunk) for _ in range(inflated_mb * 1024 * 1024 // len(chunk))]
    stream = b"".join(parts) + comp.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
