"""Set-up's work on all the cores: the same results as one after the other, in order."""

from __future__ import annotations

import threading
import time

import numba
import numpy as np
import pytest

from sim.world.cores import on_all_cores, side_by_side


@pytest.fixture(params=[1, 2], ids=["one core", "two cores"])
def threads(request):
    before = numba.get_num_threads()
    numba.set_num_threads(min(request.param, numba.config.NUMBA_NUM_THREADS))
    try:
        yield numba.get_num_threads()
    finally:
        numba.set_num_threads(before)


def test_side_by_side_gives_each_task_its_own_result_in_order(threads):
    def draw(name: int):
        def task():
            time.sleep(0.02 * (5 - name))  # the first tasks end last
            return np.random.default_rng(name).standard_normal(50_000)

        return task

    results = side_by_side(*[draw(k) for k in range(5)])
    for k, result in enumerate(results):
        assert np.array_equal(result, np.random.default_rng(k).standard_normal(50_000))


def test_side_by_side_runs_tasks_at_once_on_two_cores(threads):
    if threads < 2:
        pytest.skip("one core: the tasks run one after the other")
    both_started = threading.Barrier(2, timeout=10)  # a lone task would time out
    assert side_by_side(both_started.wait, both_started.wait) is not None


def test_side_by_side_raises_the_first_error_after_every_task_ended(threads):
    ended = []

    def fails(message: str):
        def task():
            ended.append(message)
            raise ValueError(message)

        return task

    with pytest.raises(ValueError, match="first"):
        side_by_side(fails("first"), lambda: ended.append("ok"), fails("second"))
    assert sorted(ended) == ["first", "ok", "second"]


def test_on_all_cores_covers_every_row_once(threads):
    seen = np.zeros(1001, np.int64)
    on_all_cores(lambda a, b: np.add.at(seen, np.arange(a, b), 1), 3, 1001)
    assert seen[:3].sum() == 0 and np.all(seen[3:] == 1)
