"""How many threads the compiled kernels of a run use.

The per-officer loops in which each officer writes only their own row (`prange` in the
session, next-login and set-up kernels) run on numba's thread pool. A lone run uses every
core (numba's default, `NUMBA_NUM_THREADS`). Where runs already go side by side, one per
core (the process and Dask executors of a sweep, the ensemble fit's pool), each task runs
its kernels on one thread, or the runs would fight over the cores. Results never depend
on the number of threads (`tests/test_determinism.py`).

The thread pool is GNU OpenMP's (numba's `omp` layer: in an in-process A/B its sessions
took 1.6 ms a batch on two threads where numba's fork-safe `workqueue` took 2.8), and a
process forked from one that has run a parallel kernel cannot use it (numba stops such a
child). Worker pools therefore start fresh processes (`fresh_processes`), never forks.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import Any


def use_one_thread() -> None:
    """Kernels on one thread in this process (a worker that is one of many)."""
    import numba

    numba.set_num_threads(1)


def fresh_processes() -> multiprocessing.context.BaseContext:
    """How worker pools start their processes: spawned (a fork would inherit the parent's
    OpenMP threads, which do not survive it)."""
    return multiprocessing.get_context("spawn")


class OnOneThread:
    """`fn`, run with the kernels on one thread (picklable, for worker processes)."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn

    def __call__(self, *args: Any) -> Any:
        use_one_thread()
        return self.fn(*args)
