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
    """Runs `work(a, b)` for each core's share [a, b) of the rows [first, end),
    concurrently, and waits for all: for work that lets go of the GIL (numpy's fills,
    nogil kernels), so that the cores fault their shares' pages in side by side. An error
    in a share is raised here."""
    n = n_cores()
    cuts = [first + (end - first) * k // n for k in range(n + 1)]
    concurrently(*[lambda a=a, b=b: work(a, b) for a, b in itertools.pairwise(cuts)])


def concurrently(*tasks: Callable[[], Any]) -> list[Any]:
    """Runs independent `tasks` (none reads what another writes) on as many threads as
    there are cores, and returns their results in the tasks' order. The calling thread
    runs the first task, and takes further ones in turn with the helper threads. Once
    every task has ended, the first error in the tasks' order is raised. Interrupted
    (Ctrl-C, seen when the calling thread next runs Python), the interruption is raised
    at once and the helpers start no further task (those running end on their own: a
    thread cannot be stopped).

    The calling thread works rather than wait, on the first task: the C library gives
    each thread its own pool of memory (glibc's arenas) for blocks below its mmap
    threshold (up to 32 MB), and what a task frees in the calling thread's pool serves
    the rest of the run there; freed in a helper's, it does not (docs/design.md, "Set-up
    on both cores")."""
    cores = n_cores()  # launches numba's threads: its threading layer is known from here
    on_one_thread = numba.threading_layer() == "workqueue"
    helpers = 0 if on_one_thread else min(cores, len(tasks)) - 1
    outcomes: list[tuple[Any, Exception | None]] = [(None, None)] * len(tasks)
    queue = iter(range(len(tasks)))  # shared: each thread takes the next task in turn
    mine = tuple(itertools.islice(queue, 1))  # the first task, before any helper starts
    stop = threading.Event()

    def work(first: tuple[int, ...] = ()) -> None:
        for k in itertools.chain(first, queue):
            if stop.is_set():
                return
            try:
                outcomes[k] = (tasks[k](), None)
            except Exception as error:  # noqa: BLE001 (raised below, after the other tasks)
                outcomes[k] = (None, error)

    if helpers < 1:
        work(mine)
    else:
        pool = ThreadPoolExecutor(helpers, initializer=numba.set_num_threads, initargs=(cores,))
        try:
            running = [pool.submit(work) for _ in range(helpers)]
            work(mine)
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
