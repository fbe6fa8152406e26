"""Scheduling: one FIFO queue per host (host:port), one request at a time per host, at least the
host's delay between the end of one request and the start of the next. A pool of worker threads
asks for the next task of whichever host is idle and due, so different hosts are fetched side by
side; the run ends when nothing is queued and no worker is busy (busy workers may queue more).
A worker frees its host as soon as the response is read (`free`), so the delay runs while the
body is parsed and stored, and the next request to that host may start meanwhile."""
from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Optional

from pipeline.harvest.robots import Robots
from pipeline.harvest.urls import host_key
from pipeline.models import SourceConfig


@dataclass
class Task:
    url: str
    source: SourceConfig
    kind: str                   # document | attachment | listing | feed | sitemap
    parent_url: Optional[str] = None
    depth: int = 0


@dataclass
class Host:
    key: str
    queue: deque = field(default_factory=deque)
    next_at: float = 0.0
    busy: bool = False
    robots: Optional[Robots] = None
    delay: float = 1.0
    closed: Optional[str] = None   # why the host is skipped for the rest of the run


class Scheduler:
    """Per-host FIFO queues; hands a worker the task of a host that is idle and due."""

    def __init__(self):
        self.cond = threading.Condition()
        self.hosts: dict[str, Host] = {}
        self.active = 0
        self.stopping = False

    def push(self, task: Task) -> None:
        with self.cond:
            self.hosts.setdefault(host_key(task.url), Host(host_key(task.url))).queue.append(task)
            self.cond.notify()

    def next(self) -> Optional[tuple[Host, Task]]:
        with self.cond:
            while True:
                if self.stopping:
                    return None
                now = time.monotonic()
                best: Optional[Host] = None
                for h in self.hosts.values():
                    if not h.busy and h.queue and (best is None or h.next_at < best.next_at):
                        best = h
                if best is None and self.active == 0:
                    self.stopping = True   # nothing queued, nobody working who could add more
                    self.cond.notify_all()
                    return None
                if best is not None and best.next_at <= now:
                    best.busy = True
                    self.active += 1
                    return best, best.queue.popleft()
                self.cond.wait(None if best is None else best.next_at - now)

    def free(self, h: Host) -> None:
        """The request to `h` is over (its response read): the host's delay starts now and
        another worker may take its next task, while this one goes on with the body."""
        with self.cond:
            h.busy = False
            h.next_at = time.monotonic() + h.delay
            self.cond.notify_all()

    def release(self, h: Host, requested: bool, freed: bool = False) -> None:
        """The task is done; `freed`: its host was freed already (and may be another worker's now)."""
        with self.cond:
            self.active -= 1
            if not freed:
                h.busy = False
                if requested:
                    h.next_at = time.monotonic() + h.delay
            self.cond.notify_all()

    def stop(self) -> None:
        with self.cond:
            self.stopping = True
            self.cond.notify_all()
