"""Where a sweep's tasks run, behind one interface: in this process, in local processes,
or on a Dask cluster (an existing scheduler, or a local cluster started for the sweep).

`run(fn, tasks)` yields (task, result or exception) as tasks finish. A task that raises
is reported, not fatal; Dask reruns tasks whose worker died on another worker.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

Outcome = tuple[Any, Any]  # (task, result) or (task, exception)


def process_pool(workers: int) -> cf.ProcessPoolExecutor:
    """Local worker processes for simulations. They start from a fresh server process, not
    a fork of this one: GNU OpenMP, which the compiled kernels run on, stops a forked
    child that uses it once its parent has. Each worker's kernels get an equal share of
    the cores, so that the workers do not crowd each other."""
    return cf.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("forkserver"),
        initializer=_share_cores,
        initargs=(cores_per_worker(workers),),
    )


def cores_per_worker(workers: int) -> int:
    return max(1, (os.cpu_count() or 1) // workers)


def _share_cores(threads: int) -> None:
    import numba

    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))


class Executor:
    name = "executor"

    def run(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Outcome]:
        raise NotImplementedError

    def close(self) -> None:
        """Release workers (nothing to do for most executors)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SerialExecutor(Executor):
    name = "serial"

    def run(self, fn, tasks):
        for task in tasks:
            try:
                yield task, fn(task)
            except Exception as error:  # reported per task; KeyboardInterrupt still stops
                yield task, error


class ProcessExecutor(Executor):
    name = "processes"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._pool = process_pool(self.workers)

    def run(self, fn, tasks):
        futures = {self._pool.submit(fn, task): task for task in tasks}
        try:
            for future in cf.as_completed(futures):
                error = future.exception()
                yield futures[future], error if error is not None else future.result()
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


CONNECT_TIMEOUT_S = 5
SCHEMES = ("tcp", "tls", "ucx", "ws", "wss")


class ExecutorError(RuntimeError):
    """The cluster asked for cannot be used (a bad address, nobody listening)."""


def scheduler_address(address: str) -> str:
    """A Dask scheduler address checked for its form (scheme://host:port), so that a typo
    is one clear message instead of a connection attempt."""
    text = address.strip()
    parts = urlsplit(text if "://" in text else f"tcp://{text}")
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme not in SCHEMES or not parts.hostname or port is None or parts.path:
        raise ExecutorError(
            f"{address!r} is not a Dask scheduler address; expected tcp://HOST:PORT "
            "(for example tcp://127.0.0.1:8786)"
        )
    return f"{parts.scheme}://{parts.netloc}"


class DaskExecutor(Executor):
    """Tasks on a Dask distributed cluster: `address` of a running scheduler
    (tcp://host:8786), or a local cluster of `workers` single-threaded processes."""

    name = "dask"

    def __init__(self, address: str | None = None, workers: int | None = None) -> None:
        from dask.distributed import Client, LocalCluster

        self._cluster = None
        if address:
            address = scheduler_address(address)
            try:
                self.client = Client(address, timeout=f"{CONNECT_TIMEOUT_S}s")
            except (OSError, TimeoutError) as error:
                raise ExecutorError(
                    f"cannot reach a Dask scheduler at {address} within {CONNECT_TIMEOUT_S} s "
                    f"({type(error).__name__}); is `dask scheduler` running there?"
                ) from None
        else:
            n_workers = workers or os.cpu_count() or 1
            self._cluster = LocalCluster(
                n_workers=n_workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                env={"NUMBA_NUM_THREADS": str(cores_per_worker(n_workers))},  # see process_pool
            )
            self.client = Client(self._cluster)

    def run(self, fn, tasks):
        from dask.distributed import as_completed

        tasks = list(tasks)
        futures = self.client.map(fn, tasks, pure=False)
        owner = {future.key: task for future, task in zip(futures, tasks, strict=True)}
        try:
            for future in as_completed(futures):
                task = owner[future.key]
                if future.status == "error":
                    yield task, future.exception()
                else:
                    yield task, future.result()
        finally:
            self.client.cancel(futures)

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(kind: str, workers: int | None = None, cluster: str | None = None) -> Executor:
    """`kind`: serial, processes or dask; a cluster address implies dask."""
    if cluster:
        return DaskExecutor(cluster, workers)
    if kind == "serial":
        return SerialExecutor()
    if kind == "processes":
        return ProcessExecutor(workers)
    if kind == "dask":
        return DaskExecutor(None, workers)
    raise ValueError(f"unknown executor {kind!r}; choose serial, processes or dask")
