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
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
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
    there are cores, the calling thread one of them, and returns their results in the
    tasks' order. Once every task has ended, the first error in the tasks' order is
    raised. Interrupted (Ctrl-C), no task starts after and the interruption is raised at
    once (the tasks running on other threads end on their own: a thread cannot be
    stopped).

    The calling thread takes its share of the tasks rather than wait: the C library
    gives each thread its own pool of memory (glibc's arenas), and what a task frees in
    the calling thread's pool serves the rest of the run there; freed in a helper's, it
    does not (docs/design.md, "Set-up on both cores")."""
    cores = n_cores()
    helpers = 0 if numba.config.THREADING_LAYER == "workqueue" else min(cores, len(tasks)) - 1
    outcomes: list[tuple[Any, Exception | None]] = [(None, None)] * len(tasks)
    queue = iter(range(len(tasks)))  # shared: each thread takes the next task in turn
    stop = threading.Event()

    def work() -> None:
        for k in queue:
            if stop.is_set():
                return
            try:
                outcomes[k] = (tasks[k](), None)
            except Exception as error:  # noqa: BLE001 (raised below, after the other tasks)
                outcomes[k] = (None, error)

    if helpers < 1:
        work()
    else:
        pool = ThreadPoolExecutor(helpers, initializer=numba.set_num_threads, initargs=(cores,))
        try:
            running = [pool.submit(work) for _ in range(helpers)]
            work()
            for helper in wait(running).done:
                helper.result()  # what `work` does not catch (not an Exception) is raised
        except BaseException:
            stop.set()
            pool.shutdown(wait=False)
            raise
        pool.shutdown()
    for _, error in outcomes:
        if error is not None:
            raise error
    return [result for result, _ in outcomes]
