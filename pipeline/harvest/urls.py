"""URL canonicalization: one spelling per document, so the frontier never holds a page twice.

Fragments and tracking parameters go; scheme and host are lower-cased; default ports, empty
paths and percent-encoding case are normalized; the remaining query is sorted.
"""
from __future__ import annotations

import re
from typing import Iterable, Optional
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

# Query parameters that only say where a click came from (analytics, social shares, Zalo).
TRACKING_PARAMS = {
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid", "_ga", "_gl",
    "zarsrc", "gidzl", "utm_zalo", "ref", "ref_src", "cmpid", "itm_source", "itm_medium",
    "itm_campaign", "mkt_tok", "spm",
}
TRACKING_PREFIXES = ("utm_", "pk_", "hsa_", "at_")
DEFAULT_PORTS = {"http": 80, "https": 443}
SCHEMES = ("http", "https")

_SAFE_PATH = "/:@!$&'()*+,;=-._~%"


def _tracking(name: str) -> bool:
    low = name.lower()
    return low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES)


def _requote(part: str, safe: str) -> str:
    # unquote then quote once: %7e and ~ and %7E become one spelling; a literal '%' stays valid
    return quote(unquote(part), safe=safe)


def canonicalize(url: str, base: Optional[str] = None) -> Optional[str]:
    """The canonical form of `url` (resolved against `base`), or None when it is not http(s)."""
    url = (url or "").strip()
    if base:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _requote(parts.path or "/", _SAFE_PATH)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _tracking(k)]
    query.sort()
    return urlunsplit((scheme, netloc, path, urlencode(query, quote_via=quote, safe="/:@!$'()*,;-._~"), ""))


def host_key(url: str) -> str:
    """host[:port] of a URL: the unit of politeness and of the redirect allowlist."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    scheme = parts.scheme.lower()
    return host if port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"


def source_hosts(urls: Iterable[str]) -> set[str]:
    """The host keys of a source's seed URLs, each with its www./bare twin (sites redirect between them)."""
    hosts: set[str] = set()
    for url in urls:
        key = host_key(url)
        if not key:
            continue
        hosts.add(key)
        hosts.add(key[4:] if key.startswith("www.") else "www." + key)
    return hosts


_ATTACHMENT_RE = re.compile(r"\.(pdf|docx?|xlsx?|odt)$", re.I)


def looks_like_attachment(url: str) -> bool:
    return bool(_ATTACHMENT_RE.search(urlsplit(url).path))
