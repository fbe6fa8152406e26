"""Where the pure half of the work runs: in this process, or on a Dask cluster.

The shape every parallel importer shares: workers run a plain function over items (a shard of
WARC files, a batch of pages) and return plain data — documents with their facts; this process
alone writes them, one transaction per document (process.write). An engine only maps the
function and hands back each result as it completes, with the item it came from and the error
it raised, if any, so one bad item is reported by name and the run goes on.

    with open_engine("dask", scheduler=None, workers=2) as engine:
        for item, result, error in engine.map_unordered(read_shard, shards, sources):
            ...

`serial` runs in this process, in order. `dask` uses `dask.distributed`: a LocalCluster of
worker processes on this machine when no scheduler is given, or any running cluster
(`dask scheduler`, `dask worker ADDRESS`) at `scheduler`. `Pool` is a pool of local worker
processes (`ingest --jobs N`, `reprocess --jobs N`); its `map_ordered` hands results back in the
order of the items, holding at most a few per worker in flight, so the writer stores documents
in the same order (and with the same ids) as `--jobs 1` would, and memory stays flat however
many items there are. `Serial` has the same `map_ordered`.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
from collections import deque
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Iterable, Iterator, Optional

from pipeline.errors import PipelineError, UsageError

ENGINES = ("serial", "dask")
Outcome = tuple[Any, Any, Optional[BaseException]]     # (item, result, error)


class Serial:
    name = "serial"

    def map_unordered(self, fn: Callable[..., Any], items: Iterable[Any], *args: Any) -> Iterator[Outcome]:
        for item in items:
            try:
                result = fn(item, *args)
            except Exception as e:      # the item is named by the caller; the run goes on
                yield item, None, e
            else:
                yield item, result, None

    map_ordered = map_unordered

    @staticmethod
    def run(fn: Callable[..., Any], *args: Any) -> Any:
        return fn(*args)

    def describe(self) -> str:
        return "this process"

    def close(self) -> None:
        pass


class Dask:
    name = "dask"

    def __init__(self, scheduler: Optional[str] = None, workers: int = 2, threads: int = 1):
        try:
            from distributed import Client, LocalCluster
        except ImportError as e:   # pinned in pyproject.toml: a missing one is a broken install
            raise PipelineError(f"dask.distributed is not installed ({e}); run `make setup`") from None
        logging.getLogger("distributed").setLevel(logging.ERROR)   # its own INFO lines are not ours to print
        self.cluster = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout="10s")
            except (OSError, TimeoutError) as e:
                raise PipelineError(f"cannot reach the Dask scheduler at {scheduler} ({e}); start one with "
                                    "`dask scheduler` and workers with `dask worker ADDRESS`") from None
        else:
            # processes, not threads: parsing and extraction hold the GIL
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=threads, processes=True,
                                        dashboard_address=":0", silence_logs=logging.ERROR)
            self.client = Client(self.cluster)

    def map_unordered(self, fn: Callable[..., Any], items: Iterable[Any], *args: Any) -> Iterator[Outcome]:
        from distributed import as_completed
        items = list(items)
        shared = [self.client.scatter(a, broadcast=True) for a in args]
        futures = {self.client.submit(fn, item, *shared, pure=False): item for item in items}
        for future in as_completed(list(futures)):
            item = futures.pop(future)
            try:
                result = future.result()
            except Exception as e:
                yield item, None, e
            else:
                yield item, result, None
            finally:
                future.release()        # its result lives in the writer now, not on a worker

    @property
    def address(self) -> str:
        return self.client.scheduler.address

    def describe(self) -> str:
        workers = self.client.scheduler_info().get("workers", {})
        where = "a LocalCluster" if self.cluster else f"the cluster at {self.client.scheduler.address}"
        return f"{where} of {len(workers)} Dask workers"

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def default_jobs() -> int:
    """The machine's cores (those this process may run on)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:      # not Linux
        return max(1, os.cpu_count() or 1)


class Pool:
    """`jobs` local worker processes. Workers are forked from a fork server that has imported
    `preload` once (the parser and the extractor with its models), so starting one is cheap and
    safe even when this process runs threads (a fork of a threaded process is not)."""
    name = "pool"

    def __init__(self, jobs: int, preload: tuple[str, ...] = ("pipeline.process",), ahead: int = 4):
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        context = multiprocessing.get_context(method)
        if method == "forkserver":
            context.set_forkserver_preload(list(preload))
        self.jobs, self.ahead = jobs, ahead
        self.executor = ProcessPoolExecutor(max_workers=jobs, mp_context=context)

    def map_ordered(self, fn: Callable[..., Any], items: Iterable[Any], *args: Any) -> Iterator[Outcome]:
        """Each item's outcome in the items' order; at most `jobs × ahead` items in flight."""
        pending: deque = deque()
        window = self.jobs * self.ahead
        for item in items:
            pending.append((item, self.executor.submit(fn, item, *args)))
            if len(pending) >= window:
                yield self._outcome(*pending.popleft())
        while pending:
            yield self._outcome(*pending.popleft())

    map_unordered = map_ordered

    def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """`fn(*args)` on a worker; the calling thread waits (without the GIL) for its result. Many
        threads may call it at once (the crawler's): the pool serves them in turn."""
        _, result, error = self._outcome(None, self.executor.submit(fn, *args))
        if error is not None:
            raise error
        return result

    @staticmethod
    def _outcome(item: Any, future: Any) -> Outcome:
        try:
            return item, future.result(), None
        except BrokenProcessPool as e:  # a worker killed (out of memory, a signal): the pool is gone
            raise PipelineError(f"a worker process died ({e}); run again with --jobs 1 to see which "
                                "document it was reading") from None
        except Exception as e:          # the item is named by the caller; the run goes on
            return item, None, e

    def describe(self) -> str:
        return f"a pool of {self.jobs} worker processes"

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


def local_engine(jobs: Optional[int]) -> Any:
    """`--jobs N`: this process for 1, a pool of N worker processes otherwise (default: the cores)."""
    jobs = default_jobs() if jobs is None else jobs
    if jobs < 1:
        raise UsageError(f"--jobs {jobs}: give 1 or more worker processes")
    return Serial() if jobs == 1 else Pool(jobs)


@contextmanager
def open_engine(name: str, scheduler: Optional[str] = None, workers: int = 2) -> Iterator[Any]:
    engine = Dask(scheduler, workers) if name == "dask" else Serial()
    try:
        yield engine
    finally:
        engine.close()
