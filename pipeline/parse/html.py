"""HTML article → Document: main text (trafilatura) with its tables, metadata, attachments.

Steps: decode (pipeline/parse/charset.py) → parse → read metadata and attachment links from the whole
page → remove furniture (defaults plus the source's `remove_selectors`, then teaser blocks) →
keep the source's `content_selector` if it has one → main text as blocks (trafilatura's XML,
or a plain walk of the page when trafilatura gives up on a short page) → drop furniture lines
and repeated captions → render the text with tables one row a line.
"""
from __future__ import annotations

import copy
import json
import re
from typing import Optional
from urllib.parse import parse_qsl, urljoin, urlsplit

import lxml.etree
import lxml.html
import trafilatura
from trafilatura.settings import Extractor
from trafilatura.core import determine_returnstring

from pipeline.models import EMPTY, OK, UNPARSEABLE, Document, SourceConfig
from pipeline.parse import furniture
from pipeline.parse.blocks import Block, render
from pipeline.parse.charset import decode_html
from pipeline.parse.dates import parse_vn_date
from pipeline.parse.decision import find_decision_numbers
from pipeline.parse.sniff import is_binary
from pipeline.textnorm import normalize_text


ATTACHMENT = re.compile(r"\.(pdf|docx?)$", re.I)
_BLOCK_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figcaption", "pre", "td", "th", "dd", "dt")
# Visible date lines: an element whose class or id says it holds the date.
_DATE_HINT = re.compile(r"date|time|ngay|publish|post-?info|meta|detail-?info|thoigian", re.I)
_AUTHOR_HINT = re.compile(r"author|tac-?gia|byline|writer", re.I)


def parse_html(body: bytes, url: str, source: Optional[SourceConfig] = None,
               headers: Optional[dict] = None) -> Document:
    if is_binary(body):
        return Document(url=url, doc_type="html", status=UNPARSEABLE,
                        status_detail="binary data where an HTML page was expected; check the link")
    decoded = decode_html(body, headers)
    markup = re.sub(r"^\s*<\?xml[^>]*\?>", "", decoded.text)
    try:
        tree = lxml.html.document_fromstring(markup)
    except (lxml.etree.ParserError, ValueError) as e:
        return Document(url=url, doc_type="html", status=UNPARSEABLE,
                        status_detail=f"cannot parse the HTML ({e}); the page is damaged")
    warnings = list(decoded.warnings)
    meta = read_metadata(tree, url)
    attachments = find_attachments(tree, meta.get("base") or url)

    _hoist_table_captions(tree)
    bylines = furniture.remove_bylines(tree)
    if bylines and not meta.get("author"):
        meta["author"] = normalize_text(bylines[-1])
    bad = furniture.remove_elements(tree, furniture.DEFAULT_REMOVE_SELECTORS
                                    + list(source.remove_selectors if source else []))
    warnings += [f"remove_selectors: {s!r} is not valid CSS; fix it in sources.yaml" for s in bad]
    furniture.remove_teaser_blocks(tree)
    scope = tree
    if source and source.content_selector:
        scope, warning = _select_content(tree, source.content_selector)
        if warning:
            warnings.append(warning)

    blocks = main_blocks(scope, url)
    blocks = _clean_blocks(blocks)
    title = normalize_text(meta.get("title") or "")
    if blocks and blocks[0].kind in ("head", "p") and _same(blocks[0].text, title):
        blocks = blocks[1:]
    if not title and blocks and blocks[0].kind == "head":
        title, blocks = blocks[0].text, blocks[1:]
    text, tables = render(title, blocks)

    doc = Document(url=url, text=text, title=title, doc_type="html", attachments=attachments,
                   published=meta.get("published"), author=meta.get("author"),
                   outlet=(source.outlet if source and source.outlet else meta.get("outlet")),
                   canonical_url=meta.get("canonical"), tables=tables, warnings=warnings)
    doc.metadata["charset"] = decoded.encoding
    if decoded.replacement_ratio > 0:
        doc.metadata["replacement_ratio"] = round(decoded.replacement_ratio, 4)
    if any("undecodable" in w for w in decoded.warnings):
        doc.metadata["charset_suspect"] = True
    numbers = find_decision_numbers(text)
    if numbers:
        doc.metadata["decisions"] = numbers
    if not any(b.kind != "head" for b in blocks):
        doc.status, doc.status_detail = EMPTY, "the page has no article text"
    else:
        doc.status = OK
    return doc


def _hoist_table_captions(tree) -> None:
    """A table's <caption> becomes the paragraph before the table: it is the table's caption
    for the extractor, never a row."""
    for caption in list(tree.iter("caption")):
        table = caption.getparent()
        text = " ".join(caption.text_content().split())
        caption.drop_tree()
        if text and table is not None and table.getparent() is not None:
            p = lxml.html.Element("p")
            p.text = text
            table.addprevious(p)


def _same(a: str, b: str) -> bool:
    return bool(a and b) and furniture.paragraph_key(a) == furniture.paragraph_key(b)


def _select_content(tree, selector: str):
    matcher = furniture.css_selector(selector)
    if matcher is None:
        return tree, f"content_selector {selector!r} is not valid CSS; fix it in sources.yaml"
    found = matcher(tree)
    if not found:
        return tree, f"content_selector {selector!r} matched nothing; the whole page was used"
    wrapper = lxml.html.Element("div")
    for el in found:
        wrapper.append(copy.deepcopy(el))
    html = lxml.html.Element("html")
    body = lxml.html.Element("body")
    body.append(wrapper)
    html.append(body)
    return html, None


# --- main text -------------------------------------------------------------------------------

def main_blocks(tree, url: str) -> list[Block]:
    """The article's blocks by trafilatura; a plain walk when trafilatura flattens or drops a
    short page (it falls back to one paragraph of everything below its size threshold)."""
    walked = walk_blocks(_article_scope(tree))
    xml = _trafilatura_xml(copy.deepcopy(tree), url)
    blocks = _xml_blocks(xml) if xml else []
    walked_tables = sum(1 for b in walked if b.kind == "table")
    text_blocks = [b for b in blocks if b.kind != "head"]
    if (len(text_blocks) <= 1 and len(walked) >= 3) or sum(1 for b in blocks if b.kind == "table") < walked_tables:
        return walked
    return _with_lead(blocks, walked)


def _trafilatura_xml(tree, url: str) -> Optional[str]:
    """trafilatura.extract(…, output_format="xml") without the content fingerprint it computes
    for the XML's metadata, which is never read here and cost a third of its time."""
    options = Extractor(output_format="xml", tables=True, comments=False, images=False, precision=False,
                        dedup=False, url=url)
    document = trafilatura.bare_extraction(tree, options=options)
    return determine_returnstring(document, options) if document is not None else None


def _with_lead(blocks: list[Block], walked: list[Block]) -> list[Block]:
    """Put back the lead (sapo) that trafilatura leaves out when it sits in its own box between
    the headline and the body: full sentences found on the page between the two."""
    first = next((b for b in blocks if b.kind == "p"), None)
    if first is None:
        return blocks
    key = furniture.paragraph_key(first.text)
    end = next((i for i, b in enumerate(walked) if b.kind != "table" and furniture.paragraph_key(b.text) == key), None)
    start = next((i for i, b in enumerate(walked) if b.kind == "head"), None)
    if end is None or start is None or start >= end:
        return blocks
    have = {furniture.paragraph_key(b.text) for b in blocks if b.kind != "table"}
    lead = [Block("p", b.text) for b in walked[start + 1:end]
            if b.kind in ("p", "head") and len(b.text.split()) >= 12 and re.search(r"[.!?…]$", b.text)
            and furniture.paragraph_key(b.text) not in have and not furniture.is_furniture_line(b.text)]
    return lead + blocks


def _article_scope(tree):
    """For the plain walk: from the headline on, inside the nearest container of the headline
    that also holds paragraphs (the page's logo, menus and category labels stay out)."""
    h1 = next(iter(tree.iter("h1")), None)
    if h1 is None:
        return tree
    scope = h1.getparent()
    while scope is not None and scope.tag not in ("body", "html") and not any(
            p.text_content().strip() for p in scope.iter("p", "table") if not h1 in p.iterancestors()):
        scope = scope.getparent()
    if scope is None or scope.tag in ("body", "html"):
        return tree
    copy_ = copy.deepcopy(scope)
    head = next(iter(copy_.iter("h1")))
    # drop what precedes the headline inside the container (category labels, breadcrumbs)
    for el in list(head.itersiblings(preceding=True)):
        el.drop_tree()
    ancestor = head.getparent()
    while ancestor is not None and ancestor is not copy_:
        for el in list(ancestor.itersiblings(preceding=True)):
            el.drop_tree()
        ancestor = ancestor.getparent()
    wrapper = lxml.html.Element("html")
    body = lxml.html.Element("body")
    body.append(copy_)
    wrapper.append(body)
    return wrapper


def _xml_blocks(xml: str) -> list[Block]:
    root = lxml.etree.fromstring(xml.encode("utf-8"))
    main = root.find("main")
    out: list[Block] = []
    for el in (main if main is not None else []):
        _xml_element(el, out)
    return out


def _xml_element(el, out: list[Block]) -> None:
    tag = el.tag
    if tag == "table":
        rows = []
        for row in el.iter("row"):
            cells = [_cell_text(c) for c in row.findall("cell")]
            if any(cells):
                rows.append(cells)
        if rows:
            out.append(Block("table", rows=rows))
    elif tag == "list":
        for item in el.findall("item"):
            out.append(Block("p", _flat(item)))
    elif tag == "head":
        out.append(Block("head", _flat(el)))
    elif tag in ("p", "quote", "code"):
        out.append(Block("p", _flat(el)))
    elif tag == "graphic":
        return
    else:
        text = _flat(el)
        if text:
            out.append(Block("p", text))


def _flat(el) -> str:
    return " ".join("".join(el.itertext()).split())


def _cell_text(el) -> str:
    return " ".join("".join(el.itertext()).replace("|", "/").split())


def walk_blocks(tree) -> list[Block]:
    """Blocks in document order from the page itself: tables as rows, other text elements as
    paragraphs (an element's nested blocks are taken separately, never twice)."""
    body = tree.find("body") if tree.find("body") is not None else tree
    out: list[Block] = []

    def visit(el) -> None:
        if not isinstance(el.tag, str):
            return
        if el.tag == "table":
            rows = []
            for tr in el.iter("tr"):
                cells = [" ".join(c.text_content().replace("|", "/").split()) for c in tr if c.tag in ("td", "th")]
                if any(cells):
                    rows.append(cells)
            if rows:
                out.append(Block("table", rows=rows))
            return
        nested = any(isinstance(c.tag, str) and (c.tag in _BLOCK_TAGS or c.tag in ("div", "table", "ul", "ol", "section", "article"))
                     for c in el.iterdescendants())
        if el.tag in _BLOCK_TAGS and not nested:
            text = " ".join(el.text_content().split())
            if text:
                out.append(Block("head" if el.tag in ("h1", "h2", "h3") else
                                 "caption" if el.tag == "figcaption" else "p", text))
            return
        # loose text directly in a container (<div>text<br>text</div>)
        own = " ".join(((el.text or "") + " ").split())
        if own and el.tag not in ("html", "head"):
            out.append(Block("p", own))
        for child in el:
            visit(child)
            tail = " ".join((child.tail or "").split())
            if tail:
                out.append(Block("p", tail))

    visit(body)
    return out


def _clean_blocks(blocks: list[Block]) -> list[Block]:
    """Normalize, drop furniture lines (and all from a teaser heading on), drop captions that
    only repeat a sentence of the text."""
    kept: list[Block] = []
    body_seen = 0
    for b in blocks:
        if b.kind == "table":
            rows = [[normalize_text(c) for c in r] for r in b.rows]
            rows = [r for r in rows if any(r)]
            if rows:
                kept.append(Block("table", rows=rows))
            continue
        text = normalize_text(b.text).replace("\n", " ")
        if not text:
            continue
        if furniture.is_teaser_heading(text):
            if body_seen >= 2:
                break
            continue
        if furniture.is_furniture_line(text):
            continue
        body_seen += 1
        kept.append(Block(b.kind, text))
    paragraphs = [b.text for b in kept]
    captions = {i for i, b in enumerate(kept) if b.kind in ("caption", "p")}
    drop = set(furniture.drop_repeated(paragraphs, None)) & captions
    return [b for i, b in enumerate(kept) if i not in drop and (b.kind == "table" or b.text)]


# --- metadata ------------------------------------------------------------------------------

def _meta_index(tree) -> dict[tuple[str, str], list[str]]:
    """(attribute, its value) → the non-empty contents of the <meta> tags so named, in page order:
    one pass over the page for every name asked."""
    index: dict[tuple[str, str], list[str]] = {}
    for el in tree.iter("meta"):
        value = (el.get("content") or "").strip()
        if value:
            for attr in ("property", "name", "itemprop"):
                if el.get(attr) is not None:
                    index.setdefault((attr, el.get(attr)), []).append(value)
    return index


def _meta(index: dict[tuple[str, str], list[str]], *names: str) -> Optional[str]:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            if (attr, name) in index:
                return index[(attr, name)][0]
    return None


def _json_ld(tree) -> list[dict]:
    found = []
    for el in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(el.text_content())
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                found.append(item)
                stack.extend(v for v in item.get("@graph", []) if isinstance(v, dict))
            elif isinstance(item, list):
                stack.extend(item)
    return found


def read_metadata(tree, url: str) -> dict:
    meta: dict = {}
    base = tree.xpath("//base/@href")
    meta["base"] = urljoin(url, base[0]) if base else url
    ld = _json_ld(tree)
    metas = _meta_index(tree)

    site = _meta(metas, "og:site_name", "application-name")
    meta["outlet"] = normalize_text(site) if site else None

    h1 = next((" ".join(h.text_content().split()) for h in tree.iter("h1") if h.text_content().strip()), "")
    title = _meta(metas, "og:title", "twitter:title") or next((d.get("headline") for d in ld if d.get("headline")), None) \
        or h1 or " ".join((tree.findtext(".//title") or "").split())
    if title and site:
        title = re.sub(rf"\s*[|\-–—:]\s*{re.escape(site)}\s*$", "", title)
    meta["title"] = normalize_text(title or "")

    published = None
    for raw in [_meta(metas, "article:published_time", "datePublished", "pubdate", "publishdate",
                      "dc.date", "DC.date.issued", "dcterms.created", "og:published_time", "date")] + \
               [d.get("datePublished") for d in ld] + tree.xpath("//time/@datetime"):
        published = parse_vn_date(raw)
        if published:
            break
    if not published:
        published = _visible_date(tree)
    meta["published"] = published

    author = _meta(metas, "author", "article:author", "dc.creator")
    if not author:
        for d in ld:
            a = d.get("author")
            a = a[0] if isinstance(a, list) and a else a
            if isinstance(a, dict):
                a = a.get("name")
            if isinstance(a, str) and a.strip():
                author = a
                break
    if not author:
        for el in tree.xpath("//*[@class or @id]"):
            if _AUTHOR_HINT.search(f"{el.get('class', '')} {el.get('id', '')}"):
                value = " ".join(el.text_content().split())
                if 0 < len(value) <= 80:
                    author = value
                    break
    if author and not re.match(r"https?://", author):
        meta["author"] = normalize_text(re.sub(r"^(tác giả|bài và ảnh|theo)\s*:?\s*", "", author, flags=re.I))

    canonical = tree.xpath("//link[@rel='canonical']/@href") or ([_meta(metas, "og:url")] if _meta(metas, "og:url") else [])
    meta["canonical"] = urljoin(meta["base"], canonical[0].strip()) if canonical else None
    return meta


def _visible_date(tree) -> Optional[str]:
    """A date written on the page near the title: first in elements marked as dates, then in
    short lines of the body (before the teaser blocks at the end)."""
    for el in tree.xpath("//*[@class or @id]"):
        if el.tag in ("html", "body", "article", "main") or el.tag is lxml.etree.Comment:
            continue
        if _DATE_HINT.search(f"{el.get('class', '')} {el.get('id', '')}"):
            text = " ".join(el.text_content().split())
            if len(text) <= 120:
                value = parse_vn_date(text)
                if value:
                    return value
    body = tree.find("body")
    for el in (body.iter() if body is not None else []):
        if not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        text = " ".join((el.text or "").split())
        if 6 <= len(text) <= 80 and re.search(r"\d{1,2}[/\-.]\d{1,2}[/\-.]\d{4}", text):
            value = parse_vn_date(text)
            if value:
                return value
    return None


def find_attachments(tree, base: str) -> list[str]:
    """Absolute URLs of linked PDF/DOC/DOCX files (links, embedded viewers), in page order."""
    found: list[str] = []
    for el, attr in [(e, "href") for e in tree.iter("a")] + \
                    [(e, "src") for e in tree.iter("iframe", "embed")] + [(e, "data") for e in tree.iter("object")]:
        raw = (el.get(attr) or "").strip()
        if not raw or raw.startswith(("mailto:", "javascript:", "#", "tel:")):
            continue
        absolute = urljoin(base, raw)
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https", "file"):
            continue
        target = None
        if ATTACHMENT.search(parts.path):
            target = absolute
        else:  # a viewer or download script: ?file=/uploads/qd-684.pdf
            for _, value in parse_qsl(parts.query):
                if ATTACHMENT.search(urlsplit(value).path):
                    target = urljoin(absolute, value)
                    break
        if target and target not in found:
            found.append(target)
    return found
