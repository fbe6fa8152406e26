"""What a document fetch comes to, decided from the response and what we already hold: small
pure functions, so the crawler only carries out the decision (tests/test_outcome.py is the table)."""
from __future__ import annotations

from typing import Any, Optional

from pipeline.harvest.fetch import TOO_LARGE as BODY_TOO_LARGE, Fetched
from pipeline.models import FETCH_FAILED, TOO_LARGE, sha256

# Outcomes of a document fetch
OVERSIZE = "too_large"          # the body went over max_bytes: recorded as such, not retried
FAILED = "failed"               # no usable answer (error, 4xx/5xx, a redirect not followed): retried next run
NOT_MODIFIED = "not_modified"   # a 304 to our conditional GET
UNCHANGED = "unchanged"         # a 200 with the very body we hold: nothing to parse
NEW = "new"                     # a body for a URL we hold nothing good for
CHANGED = "changed"             # a new body for a document we hold


def held_copy(document: Optional[dict[str, Any]], state: dict[str, Any]) -> Optional[dict[str, Any]]:
    """What we hold of a URL, to revalidate: the stored document unless it is a fetch failure, or
    else a page fetched before that the keyword filter left out (its frontier row has the hash)."""
    if document and document["status"] != FETCH_FAILED:
        return document
    if state.get("content_hash"):
        return state
    return None


def conditional_headers(held: Optional[dict[str, Any]]) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from the validators of what we hold."""
    headers = {}
    if held and held.get("etag"):
        headers["If-None-Match"] = held["etag"]
    if held and held.get("last_modified"):
        headers["If-Modified-Since"] = held["last_modified"]
    return headers


def fetch_outcome(resp: Fetched, held: Optional[dict[str, Any]], stored: bool) -> str:
    """One of the outcomes above. `stored`: a readable copy of the document is in the database."""
    if resp.error and resp.error_kind == BODY_TOO_LARGE:
        return OVERSIZE
    if resp.error or resp.status >= 400 or (resp.status >= 300 and not resp.not_modified):
        return FAILED
    if resp.not_modified:
        return NOT_MODIFIED
    if held and held.get("content_hash") == sha256(resp.body):
        return UNCHANGED
    return CHANGED if stored else NEW


def failure_replaces(document: Optional[dict[str, Any]]) -> bool:
    """A failed fetch is written as the document only where no good text is stored: over nothing,
    or over an earlier failure; never over text we have."""
    return not document or document["status"] in (FETCH_FAILED, TOO_LARGE)


def keeps_status(state: dict[str, Any]) -> str:
    """The frontier status of a URL revalidated as it was: a page off topic stays off topic."""
    return "off_topic" if state.get("status") == "off_topic" else "done"
