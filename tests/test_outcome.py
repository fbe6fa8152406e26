"""What a document fetch comes to: the crawler's decision as a table of cases."""
from __future__ import annotations

import pytest

from pipeline.harvest import outcome
from pipeline.harvest.fetch import HTTP_ERROR, TOO_LARGE as BODY_TOO_LARGE, TRANSIENT, Fetched
from pipeline.models import FETCH_FAILED, OK, TOO_LARGE, UNPARSEABLE, sha256

BODY = b"<html><body><p>Bai viet</p></body></html>"


def resp(status=200, body=BODY, error=None, error_kind="", not_modified=False) -> Fetched:
    return Fetched(url="http://h/a", final_url="http://h/a", status=status, headers={}, body=body,
                   fetched_at="2025-10-21T08:00:00+07:00", error=error, error_kind=error_kind,
                   not_modified=not_modified)


HELD = {"status": OK, "content_hash": sha256(BODY), "etag": '"e1"', "last_modified": "Tue, 21 Oct 2025"}


@pytest.mark.parametrize("case,response,held,stored,expected", [
    ("body over max_bytes", resp(0, b"", "body larger than the limit", BODY_TOO_LARGE), None, False, outcome.OVERSIZE),
    ("oversize wins over a status", resp(200, b"", "too large", BODY_TOO_LARGE), HELD, True, outcome.OVERSIZE),
    ("timeouts after every retry", resp(0, b"", "timed out", TRANSIENT), HELD, True, outcome.FAILED),
    ("a final 404", resp(404, b"not here", "HTTP 404", HTTP_ERROR), None, False, outcome.FAILED),
    ("a 500 without an error line", resp(500, b""), HELD, True, outcome.FAILED),
    ("a redirect not followed", resp(302, b""), None, False, outcome.FAILED),
    ("304 to our conditional GET", resp(304, b"", not_modified=True), HELD, True, outcome.NOT_MODIFIED),
    ("200 with the body we hold", resp(200), HELD, True, outcome.UNCHANGED),
    ("200 with the page the filter left out", resp(200), {"content_hash": sha256(BODY), "status": "off_topic"},
     False, outcome.UNCHANGED),
    ("200 with another body", resp(200, b"<html>new</html>"), HELD, True, outcome.CHANGED),
    ("200 for a URL we hold nothing of", resp(200), None, False, outcome.NEW),
])
def test_fetch_outcome(case, response, held, stored, expected):
    assert outcome.fetch_outcome(response, held, stored) == expected, case


@pytest.mark.parametrize("document,state,expected", [
    (None, {}, None),
    ({"status": OK, "content_hash": "a"}, {"content_hash": "b"}, "document"),
    ({"status": UNPARSEABLE, "content_hash": "a"}, {}, "document"),      # stored, though not readable
    ({"status": FETCH_FAILED, "content_hash": None}, {"content_hash": "b"}, "state"),
    ({"status": FETCH_FAILED, "content_hash": None}, {"status": "failed"}, None),
    (None, {"content_hash": "b", "status": "off_topic"}, "state"),
])
def test_what_a_conditional_get_revalidates(document, state, expected):
    held = outcome.held_copy(document, state)
    assert held is {"document": document, "state": state, None: None}[expected]


def test_conditional_headers_come_from_the_held_validators():
    assert outcome.conditional_headers(HELD) == {"If-None-Match": '"e1"', "If-Modified-Since": "Tue, 21 Oct 2025"}
    assert outcome.conditional_headers({"etag": None, "last_modified": None}) == {}
    assert outcome.conditional_headers(None) == {}


@pytest.mark.parametrize("document,replaces", [
    (None, True), ({"status": FETCH_FAILED}, True), ({"status": TOO_LARGE}, True),
    ({"status": OK}, False), ({"status": UNPARSEABLE}, False)])
def test_a_failure_never_overwrites_stored_text(document, replaces):
    assert outcome.failure_replaces(document) is replaces


def test_an_off_topic_page_stays_off_topic_when_revalidated():
    assert outcome.keeps_status({"status": "off_topic"}) == "off_topic"
    assert outcome.keeps_status({"status": "pending"}) == "done" and outcome.keeps_status({}) == "done"
