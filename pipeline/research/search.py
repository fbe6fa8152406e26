"""`search`: full-text search over document text and fact evidence, blind to Vietnamese marks.

The FTS5 tables (store.py, migration 2) use `unicode61 remove_diacritics 2`, which folds tone
and vowel marks ("Ha Noi" finds "Hà Nội") but not đ, so both the indexed copy and the query
map đ/Đ to d/D ("Da Nang" finds "Đà Nẵng"). That mapping keeps every character in place, so
a snippet found in the indexed copy is cut from the original text at the same offsets.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from typing import Optional

from pipeline import records
from pipeline.errors import UsageError

OPEN, CLOSE, ELLIPSIS = "\x02", "\x03", "\x04"
SNIPPET_TOKENS = 16


@dataclass
class Hit:
    what: str                 # document | evidence
    rank: float               # bm25: lower is better
    url: str
    title: str
    published: Optional[str]
    snippet: str              # original text, matches in [brackets]
    document_id: int
    fact_id: Optional[int] = None
    subject: Optional[str] = None
    metric: Optional[str] = None
    year: Optional[int] = None
    kind: Optional[str] = None
    value: Optional[float] = None


def fold_dd(text: str) -> str:
    return text.replace("đ", "d").replace("Đ", "D")


def fts_query(words: str) -> str:
    """The user's words as an FTS5 query: every word (or "quoted phrase") must appear.

    Each term is quoted, so FTS5 syntax characters in the input (-, :, *, parentheses) are
    searched as text instead of failing as a syntax error.
    """
    terms = re.findall(r'"([^"]+)"|(\S+)', fold_dd(words))
    parts = []
    for phrase, word in terms:
        term = (phrase or word).strip()
        # keep only what the tokenizer indexes; punctuation would become an empty phrase
        if re.search(r"\w", term):
            parts.append('"' + term.replace('"', '""') + '"')
    if not parts:
        raise UsageError(f"nothing to search for in {words!r}; give at least one word")
    return " ".join(parts)


def _restore(marked: str, original: str, folded: str) -> str:
    """Map a snippet cut from the folded copy back onto the original text."""
    out = []
    for piece in marked.split(ELLIPSIS):
        plain = piece.replace(OPEN, "").replace(CLOSE, "")
        at = folded.find(plain) if plain else -1
        if at < 0:
            out.append(piece)
            continue
        source, i, rebuilt = original[at:at + len(plain)], 0, []
        for ch in piece:
            if ch in (OPEN, CLOSE):
                rebuilt.append(ch)
            else:
                rebuilt.append(source[i])
                i += 1
        out.append("".join(rebuilt))
    # adjacent matched words read as one phrase: "[Hà Nội]", not "[Hà] [Nội]"
    text = re.sub(f"{CLOSE}(\\s+){OPEN}", r"\1", "…".join(out)).replace(OPEN, "[").replace(CLOSE, "]")
    return re.sub(r"\s+", " ", text).strip()


def search(db, words: str, where: str = "all", limit: int = 20) -> list[Hit]:
    """The best `limit` matches, documents and evidence together, best first.

    The ranking query reads only rowids and scores; snippets and rows are fetched afterwards
    for the few hits kept (computing a snippet for every match costs more than the search).
    """
    q = fts_query(words)
    hits: list[Hit] = []
    if where in ("all", "documents"):
        top = db.execute("""SELECT rowid, bm25(documents_fts, 5.0, 1.0) AS r FROM documents_fts
                            WHERE documents_fts MATCH ? ORDER BY r LIMIT ?""", [q, limit]).fetchall()
        for doc_id, r in top:
            snip, ftitle, ftext = db.execute(
                f"""SELECT snippet(documents_fts, -1, '{OPEN}', '{CLOSE}', '{ELLIPSIS}', {SNIPPET_TOKENS}),
                           title, text FROM documents_fts WHERE documents_fts MATCH ? AND rowid = ?""",
                [q, doc_id]).fetchone()
            url, title, published, text = db.execute(
                "SELECT url, title, published, text FROM documents WHERE id = ?", [doc_id]).fetchone()
            # the snippet may come from the title or the text column: restore against the right one
            plain = snip.replace(OPEN, "").replace(CLOSE, "").split(ELLIPSIS)[0]
            original, folded = ((title or "", ftitle) if plain and plain in ftitle and plain not in ftext
                                else (text or "", ftext))
            hits.append(Hit("document", r, url, title or "", published, _restore(snip, original, folded),
                            doc_id))
    if where in ("all", "evidence"):
        top = db.execute("""SELECT rowid, bm25(facts_fts) AS r FROM facts_fts
                            WHERE facts_fts MATCH ? ORDER BY r LIMIT ?""", [q, limit]).fetchall()
        for fact_id, r in top:
            snip = db.execute(f"""SELECT highlight(facts_fts, 0, '{OPEN}', '{CLOSE}') FROM facts_fts
                                  WHERE facts_fts MATCH ? AND rowid = ?""", [q, fact_id]).fetchone()[0]
            (doc_id, url, title, published, evidence, subject, metric, year, kind, value) = db.execute(
                """SELECT f.document_id, d.url, d.title, d.published, f.evidence, f.subject, f.metric, f.year,
                          f.kind, f.value FROM facts f JOIN documents d ON d.id = f.document_id
                   WHERE f.id = ?""", [fact_id]).fetchone()
            hits.append(Hit("evidence", r, url, title or "", published,
                            _restore(snip, evidence, fold_dd(evidence)), doc_id, fact_id, subject, metric,
                            year, kind, value))
    hits.sort(key=lambda h: h.rank)
    return hits[:limit]


def render(hits: list[Hit], fmt: str = "table") -> str:
    if fmt == "json":
        return records.to_json([asdict(h) for h in hits])
    if fmt == "csv":
        return records.to_csv([asdict(h) for h in hits], [f.name for f in fields(Hit)]).rstrip("\n")
    if not hits:
        return "no matches"
    lines = []
    for h in hits:
        if h.what == "document":
            lines.append(f"{h.title or h.url}  ({(h.published or '')[:10]})\n  {h.url}\n  {h.snippet}")
        else:
            figure = f"{h.subject} · {h.metric} · {h.year or '-'} · {h.kind} {h.value:g}"
            lines.append(f"[fact {h.fact_id}] {figure}\n  {h.url}\n  {h.snippet}")
    lines.append(f"{len(hits)} match{'es' if len(hits) != 1 else ''}")
    return "\n".join(lines)
