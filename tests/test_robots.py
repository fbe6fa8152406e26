"""robots.txt rules per RFC 9309, and the availability outcomes."""
from __future__ import annotations

from pipeline.harvest.robots import from_response, parse

UA = "DTIHarvester/0.1 (+https://example.org/contact)"

TEXT = """
# comment
User-agent: *
Disallow: /admin/
Disallow: /*.php$
Allow: /admin/public/
Crawl-delay: 5

User-agent: dtiharvester
User-agent: other
Disallow: /private
Allow: /private/ok
Crawl-delay: 2

User-agent: BadBot
Disallow: /

Sitemap: https://x.vn/sitemap.xml
Sitemap: https://x.vn/news-sitemap.xml
"""


def test_our_group_wins_over_star():
    r = parse(TEXT, UA)
    assert not r.allowed("https://x.vn/private/data")
    assert r.allowed("https://x.vn/private/ok/1")  # longer allow beats shorter disallow
    assert r.allowed("https://x.vn/admin/")        # the * group does not apply to us
    assert r.crawl_delay == 2
    assert r.sitemaps == ["https://x.vn/sitemap.xml", "https://x.vn/news-sitemap.xml"]


def test_star_group_longest_match_and_wildcards():
    r = parse(TEXT, "SomeoneElse/1.0")
    assert not r.allowed("https://x.vn/admin/users")
    assert r.allowed("https://x.vn/admin/public/a")
    assert not r.allowed("https://x.vn/index.php")
    assert r.allowed("https://x.vn/index.php?x=1")  # '$' anchors the end
    assert r.allowed("https://x.vn/tin-tuc/a-post1.html")
    assert r.crawl_delay == 5


def test_tie_goes_to_allow_and_empty_disallow_allows():
    r = parse("User-agent: *\nDisallow: /a\nAllow: /a\n", UA)
    assert r.allowed("https://x.vn/a/b")
    assert parse("User-agent: *\nDisallow:\n", UA).allowed("https://x.vn/anything")


def test_robots_txt_itself_is_always_allowed():
    assert parse("User-agent: *\nDisallow: /\n", UA).allowed("https://x.vn/robots.txt")


def test_percent_encoding_compared_as_one_spelling():
    r = parse("User-agent: *\nDisallow: /tin-t%E1%BB%A9c/\n", UA)
    assert not r.allowed("https://x.vn/tin-t%e1%bb%a9c/a")


def test_availability_rules():
    assert from_response(404, b"", UA).allowed("https://x.vn/a")
    assert from_response(410, b"", UA).allowed("https://x.vn/a")
    r503 = from_response(503, b"", UA)
    assert not r503.allowed("https://x.vn/a") and "503" in r503.reason
    assert not from_response(429, b"", UA).allowed("https://x.vn/a")
    down = from_response(0, b"", UA, error="connection refused")
    assert not down.allowed("https://x.vn/a") and "unreachable" in down.reason
    assert not from_response(200, b"User-agent: *\nDisallow: /\n", UA).allowed("https://x.vn/a")
