"""The harvest lock: one harvest per database at a time.

An flock on `<database file>.harvest.lock` beside the database (one per database file, so two
databases in one folder are harvested side by side), holding the owner's pid. The kernel drops the
lock when its process dies, even by `kill -9`, so a stale file never blocks the next run.
"""
from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import Optional

from pipeline.errors import LockedError


def lock_path(db_path: str | Path) -> Path:
    db = Path(db_path).resolve()
    return db.with_name(db.name + ".harvest.lock")


class HarvestLock:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._fd: Optional[int] = None

    def acquire(self) -> "HarvestLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise LockedError(f"another harvest (pid {holder}) is running on this database "
                              f"(lock {self.path}); wait for it to finish") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            # empty the file before unlocking, so a reader never sees our pid as a live holder
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> "HarvestLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
