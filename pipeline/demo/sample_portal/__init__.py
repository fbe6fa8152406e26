"""The bundled sample portal: three local sites (a provincial newspaper, a NukeViet-style
provincial portal, a national outlet) serving hand-written Vietnamese articles and decision PDFs
on 127.0.0.1, for `make demo` and the end-to-end tests.

The articles are data (articles/*.yaml), the decisions are data (decisions/*.yaml), the facts
they state are labelled by hand in gold.jsonl.
"""
from pipeline.demo.sample_portal.content import Article, load_articles
from pipeline.demo.sample_portal.server import Portal, start_portal

__all__ = ["Article", "Portal", "load_articles", "start_portal"]
