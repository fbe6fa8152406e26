"""Token patterns: a small language over the tagged token stream, compiled to one regex each.

    <TAG>            a token carrying TAG          <A|B>   A or B        <A&B>  both
    !<TAG>           a token not carrying TAG      _       any token
    ^<TAG>           (zero width) the next token does not carry TAG, or there is none
    "word"           a token whose text is `word` (case-insensitive; one token)
    (name: ...)      capture the tokens matched by `...` under `name`
    [ ... | ... ]    a group of alternatives
    ? * + {m,n}      after an item: how many times; add ? to make it lazy (*?, {0,3}?)

A sentence is encoded once (tokens.Tagged.code): each token is ':tag:tag:=text ' — so a
pattern runs as a single regex search, and captures map back to token ranges. A pattern also
knows the pieces of code every match must contain (':ORD:' for a <ORD> it cannot skip, ':=word '
for a "word"): a sentence lacking one is not searched at all, with the same result.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = r"[^ ]* "


class PatternError(ValueError):
    pass


def _tag_needs(names: str) -> frozenset:
    """The tags every token <names> matches carries: those of all its alternatives."""
    sets = [frozenset(f":{p.strip()}:" for p in alt.split("&")) for alt in names.split("|")]
    return frozenset.intersection(*sets)


def _tag_test(names: str, negate: bool) -> str:
    alts = []
    for alt in names.split("|"):
        parts = [p.strip() for p in alt.split("&")]
        if not all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", p) for p in parts):
            raise PatternError(f"bad tag name in <{names}>")
        alts.append("".join(f"(?=[^ ]*:{re.escape(p)}:)" for p in parts))
    test = "(?:" + "|".join(alts) + ")"
    return f"(?!{test})" if negate else test


class _Parser:
    def __init__(self, src: str):
        self.src = src
        self.pos = 0
        self.groups: list[str] = []

    def error(self, msg: str) -> PatternError:
        return PatternError(f"{msg} at {self.pos} in pattern {self.src!r}")

    def skip(self) -> None:
        while self.pos < len(self.src) and self.src[self.pos].isspace():
            self.pos += 1

    def peek(self) -> str:
        self.skip()
        return self.src[self.pos] if self.pos < len(self.src) else ""

    def seq(self, stops: str) -> str:
        out, needs = [], set()
        while self.peek() and self.peek() not in stops:
            out.append(self.item())
            needs |= self.needs
        self.needs = frozenset(needs)
        return "".join(out)

    def item(self) -> str:
        atom = self.atom()
        self.skip()
        m = re.match(r"(\?|\*|\+|\{\d+(?:,\d*)?\})(\?)?", self.src[self.pos:])
        if m:
            self.pos += m.end()
            q = m.group(1)
            if q in ("?", "*") or q.startswith("{0"):     # may match nothing: needs nothing
                self.needs = frozenset()
            return f"(?:{atom}){q}{m.group(2) or ''}"
        return atom

    def atom(self) -> str:
        """One atom's regex; `self.needs`: the code pieces any match of it contains."""
        self.needs = frozenset()
        c = self.peek()
        src = self.src
        if c == "^" and src[self.pos + 1:self.pos + 2] == "<":
            self.pos += 2
            end = src.find(">", self.pos)
            if end < 0:
                raise self.error("unclosed <")
            names = src[self.pos:end]
            self.pos = end + 1
            return "(?!" + _tag_test(names, False) + _TOKEN + ")"
        if c == "<" or (c == "!" and src[self.pos + 1:self.pos + 2] == "<"):
            negate = c == "!"
            self.pos += 2 if negate else 1
            end = src.find(">", self.pos)
            if end < 0:
                raise self.error("unclosed <")
            names = src[self.pos:end]
            self.pos = end + 1
            test = _tag_test(names, negate)
            self.needs = frozenset() if negate else _tag_needs(names)
            return test + _TOKEN
        if c in "\"'":
            end = src.find(c, self.pos + 1)
            if end < 0:
                raise self.error("unclosed quote")
            word = src[self.pos + 1:end].lower()
            self.pos = end + 1
            if not word or " " in word:
                raise self.error(f"a literal is one token ({word!r}); put phrases in lexicon.yaml")
            self.needs = frozenset([f":={word} "])
            return f"(?=[^ ]*:={re.escape(word)} )" + _TOKEN
        if c == "_":
            self.pos += 1
            return _TOKEN
        if c == "(":
            self.pos += 1
            m = re.match(r"\s*([a-z][a-z0-9_]*)\s*:", src[self.pos:])
            if not m:
                raise self.error("a capture is (name: ...)")
            name = m.group(1)
            if name in self.groups:
                raise self.error(f"capture {name!r} twice")
            self.groups.append(name)
            self.pos += m.end()
            inner = self.seq(")")
            if self.peek() != ")":
                raise self.error("unclosed (")
            self.pos += 1
            return f"(?P<{name}>{inner})"        # needs what its inside needs (set by seq)
        if c == "[":
            self.pos += 1
            alts, needs = [self.seq("|]")], [self.needs]
            while self.peek() == "|":
                self.pos += 1
                alts.append(self.seq("|]"))
                needs.append(self.needs)
            if self.peek() != "]":
                raise self.error("unclosed [")
            self.pos += 1
            self.needs = frozenset.intersection(*needs)     # what every alternative needs
            return "(?:" + "|".join(alts) + ")"
        raise self.error(f"unexpected {c!r}")


@dataclass
class Pattern:
    source: str
    regex: re.Pattern
    groups: tuple[str, ...]
    needs: frozenset = frozenset()      # pieces of code every match contains

    def finditer(self, tagged):
        """Matches in a tokens.Tagged sentence: (start token, end token, {capture: (i, j)})."""
        code = tagged.code
        for piece in self.needs:
            if piece not in code:
                return
        for m in self.regex.finditer(code):
            if m.end() == m.start():
                continue
            i, j = tagged.token_at(m.start()), tagged.token_at(m.end() - 1) + 1
            caps = {}
            for g in self.groups:
                if m.start(g) >= 0 and m.end(g) > m.start(g):
                    caps[g] = (tagged.token_at(m.start(g)), tagged.token_at(m.end(g) - 1) + 1)
            yield i, j, caps


def compile_pattern(source: str) -> Pattern:
    p = _Parser(source)
    body = p.seq("")
    if p.pos < len(source.rstrip()):
        raise p.error("trailing text")
    if not body:
        raise PatternError(f"empty pattern {source!r}")
    # a match starts at a token boundary: the start of the code or after a space (one lookbehind
    # of a class, cheaper at every position than '(?<= )|^')
    return Pattern(source, re.compile(r"(?<![^ ])" + body), tuple(p.groups), p.needs)
