"""Discovery: which URLs a listing page, an RSS/Atom feed or an XML sitemap points to.

Pure functions over fetched bytes; the crawler decides what to enqueue. XML is parsed with
defusedxml (no entity expansion, no external entities); a gzipped sitemap is inflated with a
size limit.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import Optional

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from lxml import html as lxml_html
from xml.etree.ElementTree import ParseError

from pipeline.models import SourceConfig
from pipeline.harvest.urls import canonicalize, looks_like_attachment

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit for one uncompressed file


@dataclass
class Link:
    url: str                       # canonical
    lastmod: Optional[str] = None  # from a sitemap or feed, as given


@dataclass
class Sitemap:
    is_index: bool
    links: list[Link]


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def listing_links(body: bytes, base_url: str, encoding: Optional[str] = None) -> list[str]:
    """Every http(s) link of an HTML page, canonical, in page order, without repeats."""
    if not body.strip():
        return []
    try:
        parser = lxml_html.HTMLParser(encoding=encoding) if encoding else None
        tree = lxml_html.document_fromstring(body, parser=parser)
    except (ValueError, LookupError, lxml_html.etree.ParserError):
        return []
    base = base_url
    for b in tree.xpath("//base[@href]"):
        base = canonicalize(b.get("href"), base_url) or base_url
        break
    out, seen = [], set()
    for a in tree.xpath("//a[@href]"):
        href = a.get("href", "")
        if href.startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        url = canonicalize(href, base)
        if url and url not in seen:
            seen.add(url)
            out.append(url)
    return out


def _xml_root(body: bytes):
    try:
        return SafeET.fromstring(body.lstrip())
    except (ParseError, DefusedXmlException, ValueError):
        return None


def feed_links(body: bytes, base_url: str) -> list[Link]:
    """Item links of an RSS 2.0, RSS 1.0 (RDF) or Atom feed."""
    root = _xml_root(body)
    if root is None:
        return []
    out: list[Link] = []
    for item in root.iter():
        name = _local(item.tag)
        if name not in ("item", "entry"):
            continue
        href, guid, date = None, None, None
        for child in item:
            cname = _local(child.tag)
            if cname == "link":
                if child.get("href"):  # Atom: the alternate link (rel absent or "alternate")
                    if child.get("rel", "alternate") == "alternate" and href is None:
                        href = child.get("href")
                elif (child.text or "").strip():
                    href = child.text.strip()
            elif cname == "guid" and child.get("isPermaLink", "true") == "true":
                guid = (child.text or "").strip()
            elif cname in ("pubdate", "updated", "published", "date", "modified") and date is None:
                date = (child.text or "").strip() or None
        if not href and item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"):
            href = item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
        url = canonicalize(href or guid or "", base_url)
        if url:
            out.append(Link(url, date))
    return out


def inflate_gzip(body: bytes, limit: int = MAX_SITEMAP_BYTES) -> Optional[bytes]:
    """A gzipped sitemap (`.xml.gz` served as-is), inflated up to `limit`; None past it."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(body, limit + 1)
    except zlib.error:
        return None
    if len(out) > limit or d.unconsumed_tail:
        return None
    return out


def sitemap_links(body: bytes, base_url: str) -> Optional[Sitemap]:
    """The URLs of a sitemap or sitemap index (gzip or not); None if it is not one."""
    if body[:2] == b"\x1f\x8b":
        body = inflate_gzip(body) or b""
    root = _xml_root(body)
    if root is None:
        return None
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        return None
    links = []
    for entry in root:
        loc = lastmod = None
        for child in entry:
            name = _local(child.tag)
            if name == "loc":
                loc = (child.text or "").strip()
            elif name == "lastmod":
                lastmod = (child.text or "").strip() or None
        url = canonicalize(loc or "", base_url)
        if url:
            links.append(Link(url, lastmod))
    return Sitemap(is_index=kind == "sitemapindex", links=links)


def matches(patterns: list[str], url: str) -> bool:
    return any(re.search(p, url) for p in patterns)


def classify(source: SourceConfig, url: str) -> Optional[str]:
    """'document' (an `allow` match), 'listing' (a `follow` match) or None (not ours)."""
    if matches(source.allow, url):
        return "document"
    if matches(source.follow, url):
        return "listing"
    return None


def attachment_urls(urls: list[str], base_url: str) -> list[str]:
    """Canonical URLs of PDF/DOC attachments among `urls`."""
    out = []
    for u in urls:
        c = canonicalize(u, base_url)
        if c and looks_like_attachment(c) and c not in out:
            out.append(c)
    return out
