"""Word .docx files (decisions are often attached as Word files): paragraphs and tables in
document order, decision metadata as for a PDF, legacy TCVN3/VNI text repaired."""
from __future__ import annotations

import io
import zipfile

import lxml.etree

from pipeline.models import EMPTY, OK, TOO_LARGE, UNPARSEABLE, Document
from pipeline.parse.blocks import Block, render
from pipeline.parse.decision import decision_metadata, decision_title, find_decision_numbers
from pipeline.parse.legacy_fonts import repair_legacy
from pipeline.textnorm import normalize_text

DOCX_MAX_XML = 50 * 1024 * 1024                     # inflated word/document.xml: more is a zip bomb

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def parse_docx(body: bytes, url: str) -> Document:
    """A .docx → Document; a damaged or oversized file gets a status and the reason."""
    doc = Document(url=url, doc_type="docx")
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            info = z.getinfo("word/document.xml")
            if info.file_size > DOCX_MAX_XML:
                doc.status, doc.status_detail = TOO_LARGE, (
                    f"the Word document's text is {info.file_size / 1e6:.0f} MB inflated, over the "
                    f"{DOCX_MAX_XML / 1e6:.0f} MB limit")
                return doc
            xml = z.read(info)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, RuntimeError) as e:
        doc.status, doc.status_detail = UNPARSEABLE, f"not a readable .docx ({type(e).__name__}); the file is damaged"
        return doc
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = lxml.etree.fromstring(xml, parser)
    except lxml.etree.XMLSyntaxError as e:
        doc.status, doc.status_detail = UNPARSEABLE, f"the .docx text is not well-formed XML ({e}); the file is damaged"
        return doc

    def para_text(p) -> str:
        parts = []
        for el in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br"):
            parts.append(el.text or "" if el.tag == f"{_W}t" else " ")
        return "".join(parts)

    def clean(s: str) -> str:
        return normalize_text(repair_legacy(s).text).replace("\n", " ")

    blocks: list[Block] = []
    body_el = root.find(f"{_W}body")
    for el in (body_el if body_el is not None else []):
        if el.tag == f"{_W}p":
            text = clean(para_text(el))
            if text:
                blocks.append(Block("p", text))
        elif el.tag == f"{_W}tbl":
            rows = []
            for tr in el.iter(f"{_W}tr"):
                cells = [clean(" ".join(para_text(p) for p in tc.iter(f"{_W}p"))).replace("|", "/")
                         for tc in tr.findall(f"{_W}tc")]
                if any(cells):
                    rows.append(cells)
            if rows:
                blocks.append(Block("table", rows=rows))
    paragraphs = [b.text for b in blocks if b.kind == "p"]
    if not blocks:
        doc.status, doc.status_detail = EMPTY, "the Word document has no text"
        return doc
    doc.metadata.update(decision_metadata(paragraphs))
    title = decision_title(doc.metadata, {}, paragraphs)
    if blocks and blocks[0].kind == "p" and blocks[0].text == title:
        blocks = blocks[1:]
    doc.title = title
    doc.text, doc.tables = render(title, blocks)
    numbers = find_decision_numbers(doc.text)
    if numbers:
        doc.metadata["decisions"] = numbers
    doc.status = OK
    return doc
