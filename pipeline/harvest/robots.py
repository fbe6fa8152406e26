"""robots.txt per RFC 9309: parsing, matching, and the availability rules.

- the group whose product token matches our user agent (else `*`) applies;
- the longest matching rule wins; on a tie, allow wins; `*` and a final `$` are wildcards;
- a 4xx robots.txt allows everything; a 5xx or unreachable one disallows the host for the run.
Crawl-delay and Sitemap lines are kept (they are extensions, widely used).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional
from urllib.parse import quote, unquote, urlsplit

MAX_ROBOTS_BYTES = 500 * 1024  # RFC 9309 §2.5: parse at least 500 KiB, ignore the rest


@dataclass
class Rule:
    allow: bool
    path: str
    regex: re.Pattern

    @classmethod
    def make(cls, allow: bool, path: str) -> "Rule":
        path = _normalize_path(path)
        pattern = "".join(".*" if ch == "*" else re.escape(ch) for ch in path.rstrip("$"))
        if path.endswith("$"):
            pattern += "$"
        return cls(allow, path, re.compile(pattern))


@dataclass
class Robots:
    """The rules that apply to our user agent on one host."""
    rules: list[Rule] = field(default_factory=list)
    crawl_delay: Optional[float] = None
    sitemaps: list[str] = field(default_factory=list)
    disallow_all: bool = False   # robots.txt unavailable (5xx, unreachable): nothing may be fetched
    reason: str = ""             # why, for the log

    def allowed(self, url: str) -> bool:
        if self.disallow_all:
            return False
        parts = urlsplit(url)
        target = _normalize_path((parts.path or "/") + (f"?{parts.query}" if parts.query else ""))
        if target == "/robots.txt":
            return True
        best: Optional[Rule] = None
        for rule in self.rules:
            if rule.regex.match(target):
                if best is None or len(rule.path) > len(best.path) or (
                        len(rule.path) == len(best.path) and rule.allow and not best.allow):
                    best = rule
        return best is None or best.allow

    @classmethod
    def allow_all(cls, reason: str = "") -> "Robots":
        return cls(reason=reason)

    @classmethod
    def unavailable(cls, reason: str) -> "Robots":
        return cls(disallow_all=True, reason=reason)


def _normalize_path(path: str) -> str:
    # compare percent-encoded forms with one spelling (RFC 9309 §2.2.2)
    return quote(unquote(path), safe="/?=&*$:@!'(),;+-._~%")


def _product_token(user_agent: str) -> str:
    """'DTIHarvester/0.1 (+https://...)' → 'dtiharvester'."""
    m = re.match(r"[A-Za-z_-]+", user_agent.strip())
    return (m.group(0) if m else user_agent).lower()


def parse(text: str, user_agent: str) -> Robots:
    token = _product_token(user_agent)
    groups: list[tuple[list[str], list[Rule], Optional[float]]] = []
    sitemaps: list[str] = []
    agents: list[str] = []
    rules: list[Rule] = []
    delay: Optional[float] = None
    in_rules = False
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        key, value = (s.strip() for s in line.split(":", 1))
        key = key.lower()
        if key == "sitemap":
            if value:
                sitemaps.append(value)
            continue
        if key in ("user-agent", "useragent"):
            if in_rules:  # a user-agent after rules starts a new group
                groups.append((agents, rules, delay))
                agents, rules, delay, in_rules = [], [], None, False
            agents.append(value.lower())
        elif key in ("allow", "disallow"):
            in_rules = True
            if value:  # an empty Disallow allows everything: no rule
                rules.append(Rule.make(key == "allow", value))
        elif key == "crawl-delay":
            in_rules = True
            try:
                delay = float(value)
            except ValueError:
                pass
    if agents:
        groups.append((agents, rules, delay))
    # RFC 9309 §2.2.1: every group naming our token is merged; else the '*' groups
    mine = [g for g in groups if any(a != "*" and token.startswith(a) for a in g[0])]
    if not mine:
        mine = [g for g in groups if "*" in g[0]]
    merged = Robots(sitemaps=sitemaps)
    for _, group_rules, group_delay in mine:
        merged.rules.extend(group_rules)
        if group_delay is not None:
            merged.crawl_delay = max(merged.crawl_delay or 0.0, group_delay)
    return merged


def from_response(status: int, body: bytes, user_agent: str, error: Optional[str] = None) -> Robots:
    """The RFC 9309 §2.3.1 outcome of fetching robots.txt (after redirects)."""
    if error or status == 0:
        return Robots.unavailable(f"robots.txt unreachable ({error or 'no response'})")
    if 200 <= status < 300:
        return parse(body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace"), user_agent)
    if 400 <= status < 500 and status != 429:  # 429 means "slow down", not "no robots.txt"
        return Robots.allow_all(f"robots.txt {status}: all allowed")
    return Robots.unavailable(f"robots.txt answered {status}; host skipped this run")
