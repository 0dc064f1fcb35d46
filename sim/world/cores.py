"""Set-up's work shared among the cores on Python threads.

numpy lets go of the GIL in its random fills, ufuncs and searches over large arrays, and
so do the nogil kernels: two threads then run on two cores at once. Set-up is such
work, over crores of officers, and much of it is independent: draws from different
named streams, rules that read and write different attributes. Running them side by
side changes no number (each stream is drawn by one thread, in its own order), only
when each is drawn. `karmasim bench --against` measures what it saves
(docs/design.md, "Set-up on both cores").
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numba


def cores() -> int:
    """The cores the run may use (numba's thread count, which `NUMBA_NUM_THREADS` sets)."""
    return numba.get_num_threads()


def on_all_cores(work: Callable[[int, int], object], first: int, end: int) -> None:
    """Runs `work(a, b)` for each core's share [a, b) of the rows [first, end), each on a
    thread of its own, and waits for all: for work that lets go of the GIL (numpy's
    fills, nogil kernels), so that the cores fault their shares' pages in side by side.
    An error in a share is raised here."""
    n = cores()
    cuts = [first + (end - first) * k // n for k in range(n + 1)]
    with ThreadPoolExecutor(n) as pool:
        for share in [pool.submit(work, a, b) for a, b in itertools.pairwise(cuts)]:
            share.result()


def side_by_side(*tasks: Callable[[], Any]) -> list[Any]:
    """Runs independent `tasks` (none reads what another writes) on as many threads as
    there are cores, and returns their results in the tasks' order. The first error
    (in the tasks' order) is raised here, once every task has ended."""
    with ThreadPoolExecutor(min(cores(), len(tasks))) as pool:
        running = [pool.submit(task) for task in tasks]
    return [task.result() for task in running]
