"""HTML article → Document (minimal first version: trafilatura main text and title)."""
from __future__ import annotations

from typing import Optional

import trafilatura

from pipeline import furniture
from pipeline.models import Document, EMPTY, OK, SourceConfig
from pipeline.textnorm import normalize_text


def parse_html(body: bytes, url: str, source: Optional[SourceConfig] = None,
               headers: Optional[dict] = None) -> Document:
    html = body.decode("utf-8", errors="replace")
    meta = trafilatura.extract_metadata(html, default_url=url)
    main = trafilatura.extract(html, url=url, include_tables=True, include_comments=False,
                               favor_precision=True) or ""
    title = normalize_text(meta.title or "") if meta else ""
    lines = furniture.strip_lines(normalize_text(main).split("\n"))
    text = normalize_text("\n".join([title, ""] + lines)) if title else normalize_text("\n".join(lines))
    status = OK if text.strip() else EMPTY
    return Document(url=url, text=text, title=title, doc_type="html", status=status,
                    published=(meta.date if meta else None), author=(meta.author if meta else None),
                    outlet=(meta.sitename if meta else None))
