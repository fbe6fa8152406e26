"""Decision PDFs (Quyết định … /QĐ-UBND with a ranking table), built with fpdf2 and the
DejaVu Sans font that ships with matplotlib (it covers Vietnamese). Built once per content
version and cached in the temp directory; the bytes are deterministic so ETags stay stable
across runs and a second harvest sees 304s."""
from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from pipeline.demo.sample_portal.content import DECISIONS_DIR, Decision, load_decision

# Fixed so the same content always yields the same bytes.
CREATION_DATE = datetime(2025, 4, 18, 8, 0, tzinfo=timezone.utc)


def font_paths() -> tuple[str, str]:
    import matplotlib
    base = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return str(base / "DejaVuSans.ttf"), str(base / "DejaVuSans-Bold.ttf")


def render_decision(dec: Decision) -> bytes:
    """One decision as PDF bytes: the national header, the issuer, number and date, the
    trích yếu, the articles (Điều), the signature, then the appendix with the ranking table."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    regular, bold = font_paths()
    pdf = FPDF(format="A4")
    pdf.set_creation_date(CREATION_DATE)
    pdf.set_title(f"Quyết định số {dec.number}")
    pdf.set_author(dec.issuer.title())
    pdf.set_producer("dti-harvester sample portal")
    pdf.add_font("DejaVu", "", regular)
    pdf.add_font("DejaVu", "B", bold)
    pdf.set_margins(18, 15, 18)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    half = width / 2

    # Two-column header, as Vietnamese administrative documents have it; each left line sits
    # on the same baseline as a right line so text extraction keeps them apart.
    y = pdf.get_y()
    left = [(dec.issuer, "B"), ("", ""), (f"Số: {dec.number}", "")]
    right = [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B"), ("Độc lập - Tự do - Hạnh phúc", "B"),
             (dec.place_date, "")]
    for i, ((ltext, lstyle), (rtext, rstyle)) in enumerate(zip(left, right)):
        pdf.set_xy(pdf.l_margin, y + 6 * i)
        pdf.set_font("DejaVu", lstyle, 9 if lstyle else 10)
        pdf.cell(half - 12, 6, ltext, align="C")
        pdf.set_xy(pdf.l_margin + half - 12, y + 6 * i)
        pdf.set_font("DejaVu", rstyle, 10)
        pdf.cell(half + 12, 6, rtext, align="C")
    pdf.set_y(y + 6 * len(left) + 6)

    pdf.set_font("DejaVu", "B", 13)
    pdf.cell(width, 7, "QUYẾT ĐỊNH", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 11)
    pdf.multi_cell(width, 6, dec.summary, align="C")
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(width, 6, dec.preamble[0], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    for line in dec.preamble[1:]:
        pdf.multi_cell(width, 6, line)
    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(width, 7, "QUYẾT ĐỊNH:", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    for line in dec.articles:
        pdf.multi_cell(width, 6, line)
        pdf.ln(1)
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 11)
    for line in dec.signer:
        pdf.set_x(pdf.l_margin + half)
        pdf.cell(half, 6, line, align="C", new_x="LMARGIN", new_y="NEXT")

    # The appendix: the ranking table on its own page.
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 11)
    pdf.multi_cell(width, 6, dec.table_title, align="C")
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(width, 5, f"(Kèm theo Quyết định số {dec.number}, {dec.place_date.split(', ', 1)[-1]})",
                   align="C")
    pdf.ln(3)
    pdf.set_font("DejaVu", "", 9)
    with pdf.table(col_widths=dec.widths, text_align="CENTER", line_height=5.5,
                   headings_style=FontFace(emphasis="BOLD")) as table:
        for cells in (dec.columns, *dec.rows):
            row = table.row()
            for i, cell in enumerate(cells):
                row.cell(cell, align="LEFT" if i == 1 else "CENTER")
    return bytes(pdf.output())


def _version() -> str:
    """A hash of the decision files and this module: a cached PDF is reused only if both match."""
    h = hashlib.sha256(Path(__file__).read_bytes())
    for p in sorted(DECISIONS_DIR.glob("*.yaml")):
        h.update(p.name.encode() + p.read_bytes())
    return h.hexdigest()[:16]


def build_all(cache_dir: str | Path | None = None) -> dict[str, bytes]:
    """Every decision's PDF bytes by key (decisions/<key>.yaml), built or read from the cache."""
    root = Path(cache_dir or tempfile.gettempdir()) / f"dti-sample-portal-{_version()}"
    root.mkdir(parents=True, exist_ok=True)
    out = {}
    for p in sorted(DECISIONS_DIR.glob("*.yaml")):
        key = p.stem
        target = root / f"{key}.pdf"
        if not target.exists():
            data = render_decision(load_decision(key))
            tmp = target.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, target)  # atomic: two servers starting at once never read half a file
        out[key] = target.read_bytes()
    return out
