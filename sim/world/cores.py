"""Set-up's work shared among the cores on Python threads.

numpy lets go of the GIL in its random fills, ufuncs and searches over large arrays, and
so do the nogil kernels: two threads then run on two cores at once. Set-up is such
work, over crores of officers, and much of it is independent: draws from different
named streams, rules that read and write different attributes. Running them
concurrently changes no number (each stream is drawn by one thread, in its own order),
only when each is drawn. `karmasim bench --against` measures what it saves
(docs/design.md, "Set-up on both cores").

The threads run the caller's number of numba threads (a new thread would otherwise get
numba's launch count), and with numba's `workqueue` layer, which ends the process when
two threads call a parallel kernel at once, the work runs on the calling thread alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

import numba


def n_cores() -> int:
    """The cores the run may use: the calling thread's numba thread count (which
    `NUMBA_NUM_THREADS` and `numba.set_num_threads` set)."""
    return numba.get_num_threads()


def on_all_cores(work: Callable[[int, int], object], first: int, end: int) -> None:
    """Runs `work(a, b)` for each core's share [a, b) of the rows [first, end), each on a
    thread of its own, and waits for all: for work that lets go of the GIL (numpy's
    fills, nogil kernels), so that the cores fault their shares' pages in side by side.
    An error in a share is raised here."""
    n = n_cores()
    cuts = [first + (end - first) * k // n for k in range(n + 1)]
    concurrently(*[lambda a=a, b=b: work(a, b) for a, b in itertools.pairwise(cuts)])


def concurrently(*tasks: Callable[[], Any]) -> list[Any]:
    """Runs independent `tasks` (none reads what another writes) on as many threads as
    there are cores, and returns their results in the tasks' order. Once every task has
    ended, the first error in the tasks' order is raised. Interrupted (Ctrl-C), tasks
    not yet started are cancelled and the interruption is raised at once (those running
    end on their own: a thread cannot be stopped)."""
    if not tasks:
        return []
    cores = n_cores()
    if cores == 1 or numba.config.THREADING_LAYER == "workqueue":
        return _one_after_another(tasks)
    pool = ThreadPoolExecutor(
        min(cores, len(tasks)), initializer=numba.set_num_threads, initargs=(cores,)
    )
    try:
        running: list[Future] = [pool.submit(task) for task in tasks]
        wait(running)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return [future.result() for future in running]


def _one_after_another(tasks: tuple[Callable[[], Any], ...]) -> list[Any]:
    """`concurrently` on the calling thread: every task runs, then the first error is
    raised (as when the tasks run on threads)."""
    results, errors = [], []
    for task in tasks:
        try:
            results.append(task())
        except Exception as error:  # noqa: BLE001 (raised below, after the other tasks)
            results.append(None)
            errors.append(error)
    if errors:
        raise errors[0]
    return results
