"""The run summary: counters per source, kept by the worker threads, written to the `runs`
row with every unit of work and printed on one screen at the end."""
from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

COUNTERS = ("fetched", "not_modified", "new_documents", "changed_documents", "new_facts", "errors",
            "off_topic", "disallowed")


@dataclass
class SourceStats:
    fetched: int = 0            # responses with a body (200s)
    not_modified: int = 0       # 304s and 200s whose body hash was unchanged
    new_documents: int = 0
    changed_documents: int = 0
    new_facts: int = 0
    errors: int = 0
    off_topic: int = 0
    disallowed: int = 0
    documents_tried: int = 0
    documents_ok: int = 0
    failed: bool = False        # a seed, robots.txt or the whole host failed
    problems: list[str] = field(default_factory=list)

    def problem(self, text: str, fatal: bool = False) -> None:
        self.errors += 1
        if len(self.problems) < 20:
            self.problems.append(text)
        if fatal:
            self.failed = True

    @property
    def status(self) -> str:
        if self.failed or (self.documents_tried and not self.documents_ok):
            return "failed"
        return "ok"


@dataclass
class HarvestSummary:
    run_id: int
    started: str
    ended: str = ""
    seconds: float = 0.0
    per_source: dict[str, SourceStats] = field(default_factory=dict)
    interrupted: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    # -- counting, from any worker thread ---------------------------------------------------------

    def count(self, source: str, **increments: int) -> None:
        with self._lock:
            stats = self.per_source[source]
            for name, n in increments.items():
                setattr(stats, name, getattr(stats, name) + n)

    def problem(self, source: str, text: str, fatal: bool = False) -> None:
        with self._lock:
            self.per_source[source].problem(text, fatal)

    # -- reading ------------------------------------------------------------------------------------

    @property
    def failed_sources(self) -> list[str]:
        return [n for n, s in self.per_source.items() if s.status != "ok"]

    @property
    def status(self) -> str:
        if self.interrupted:
            return "interrupted"
        failed = self.failed_sources
        if not failed:
            return "ok"
        return "failed" if len(failed) == len(self.per_source) else "partial"

    @property
    def exit_code(self) -> int:
        """0 ok; 3 some sources failed; 1 every source failed: nothing was harvested at all."""
        return {"ok": 0, "failed": 1}.get(self.status, 3)

    def totals(self) -> SourceStats:
        t = SourceStats()
        for s in self.per_source.values():
            for name in COUNTERS:
                setattr(t, name, getattr(t, name) + getattr(s, name))
        return t

    def runs_row(self, final: bool = False) -> dict[str, Any]:
        """The `runs` row's counters (and, at the end, its end and status)."""
        with self._lock:
            t = self.totals()
            per = {n: {k: v for k, v in asdict(s).items() if k not in ("documents_tried", "documents_ok")}
                   | {"status": s.status} for n, s in self.per_source.items()}
        row = {"fetched": t.fetched, "not_modified": t.not_modified, "new_documents": t.new_documents,
               "changed_documents": t.changed_documents, "new_facts": t.new_facts, "errors": t.errors,
               "per_source": json.dumps(per, ensure_ascii=False)}
        if final:
            row.update(ended=self.ended, status=self.status)
        return row

    def render(self) -> str:
        head = (f"harvest run {self.run_id}: {self.status}, {self.seconds:.1f} s "
                f"({self.started} → {self.ended})")
        cols = ("fetched", "304/same", "new", "changed", "facts", "errors", "status")
        width = max([len("source"), len("total")] + [len(n) for n in self.per_source])
        lines = [head, "", f"{'source':<{width}}  " + "  ".join(f"{c:>8}" for c in cols)]

        def row(name: str, s: SourceStats, status: str) -> str:
            vals = (s.fetched, s.not_modified, s.new_documents, s.changed_documents, s.new_facts, s.errors)
            return f"{name:<{width}}  " + "  ".join(f"{v:>8}" for v in vals) + f"  {status:>8}"

        for name, s in self.per_source.items():
            lines.append(row(name, s, s.status))
        if len(self.per_source) > 1:
            lines.append(row("total", self.totals(), self.status))
        problems = [f"  {n}: {p}" for n, s in self.per_source.items() for p in s.problems]
        if problems:
            lines += ["", "problems:"] + problems[:12]
            if len(problems) > 12:
                lines.append(f"  ... and {len(problems) - 12} more (see the log)")
        return "\n".join(lines)
