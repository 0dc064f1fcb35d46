"""Set-up's work on all the cores: the same results as one after the other, in order."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time

import numba
import numpy as np
import pytest

from sim.world.cores import concurrently, on_all_cores


@pytest.fixture(params=[1, 2], ids=["one core", "two cores"])
def threads(request, numba_threads):
    numba_threads(min(request.param, numba.config.NUMBA_NUM_THREADS))
    return numba.get_num_threads()


def test_each_task_gets_its_own_result_in_order(threads):
    def draw(name: int):
        def task():
            time.sleep(0.02 * (5 - name))  # the first tasks end last
            return np.random.default_rng(name).standard_normal(50_000)

        return task

    results = concurrently(*[draw(k) for k in range(5)])
    for k, result in enumerate(results):
        assert np.array_equal(result, np.random.default_rng(k).standard_normal(50_000))
    assert concurrently() == []


def test_tasks_run_at_once_on_two_cores(threads):
    if threads < 2:
        pytest.skip("one core: the tasks run one after the other")
    both_started = threading.Barrier(2, timeout=10)  # a lone task would time out
    assert concurrently(both_started.wait, both_started.wait) is not None


def test_the_first_error_is_raised_after_every_task_ended(threads):
    ended = []

    def fails(message: str, after: float):
        def task():
            time.sleep(after)
            ended.append(message)
            raise ValueError(message)

        return task

    def slow():
        time.sleep(0.2)
        ended.append("ok")

    with pytest.raises(ValueError, match="first"):
        concurrently(fails("first", 0.1), slow, fails("second", 0.0))
    assert sorted(ended) == ["first", "ok", "second"]


def test_the_calling_thread_runs_the_first_task():
    """What the first task frees stays in the caller's memory arena (sim/world/cores.py)."""
    caller = threading.get_ident()
    for _ in range(20):
        assert concurrently(threading.get_ident, lambda: time.sleep(0.01))[0] == caller


def test_an_interruption_is_raised_at_once_and_no_task_starts_after_it(threads):
    if threads < 2:
        pytest.skip("one core: no helper")
    started, release = threading.Event(), threading.Event()
    ran, helper = [], []

    def interrupted():  # the first task: the calling thread's
        started.wait(10)
        raise KeyboardInterrupt

    def blocked():  # a helper's, running when the caller is interrupted
        helper.append(threading.current_thread())
        started.set()
        release.wait(10)
        ran.append("b")

    with pytest.raises(KeyboardInterrupt):
        concurrently(interrupted, blocked, lambda: ran.append("c"), lambda: ran.append("d"))
    assert ran == []  # raised at once: the helper's task is still running
    release.set()
    helper[0].join(10)  # the helper ends its task, starts no other, and leaves
    assert ran == ["b"]


def test_what_a_helper_raises_beyond_errors_is_raised_too(threads):
    if threads < 2:
        pytest.skip("one core: no helper")
    raised = threading.Event()

    def exits():  # a helper's
        raised.set()
        raise SystemExit(3)

    with pytest.raises(SystemExit) as exited:
        concurrently(lambda: raised.wait(10), exits)
    assert exited.value.code == 3


def test_tasks_run_with_the_callers_number_of_numba_threads(threads):
    if threads < 2:
        assert concurrently(numba.get_num_threads, numba.get_num_threads) == [1, 1]
        return
    both = threading.Barrier(2, timeout=10)  # one task on each thread

    def count():
        both.wait()
        return numba.get_num_threads(), concurrently(numba.get_num_threads)[0]

    assert concurrently(count, count) == [(threads, threads)] * 2


def test_a_worker_thread_gets_the_callers_threads_not_numbas_launch_count():
    """A thread numba has not seen runs its launch count: the pool must pass the
    caller's on (here 3 of 4 launched)."""
    script = textwrap.dedent(
        """
        import numba
        from sim.world.cores import concurrently
        numba.set_num_threads(3)
        print(concurrently(numba.get_num_threads, numba.get_num_threads))
        """
    )
    environment = os.environ | {"NUMBA_NUM_THREADS": "4"}
    run = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[3, 3]"


def test_with_numbas_workqueue_layer_the_tasks_run_on_the_calling_thread(threads, monkeypatch):
    """workqueue ends the process when two threads call a parallel kernel at once."""
    if threads < 2:
        pytest.skip("one core: the tasks run on the calling thread anyway")
    monkeypatch.setattr(numba, "threading_layer", lambda: "workqueue")
    caller = threading.get_ident()

    def slow():  # a helper, if there were one, would take the second task meanwhile
        time.sleep(0.1)
        return threading.get_ident()

    assert concurrently(slow, threading.get_ident) == [caller, caller]


def test_on_all_cores_covers_every_row_once(threads):
    seen = np.zeros(1001, np.int64)
    on_all_cores(lambda a, b: np.add.at(seen, np.arange(a, b), 1), 3, 1001)
    assert seen[:3].sum() == 0 and np.all(seen[3:] == 1)
    with pytest.raises(ValueError, match="a share"):
        on_all_cores(lambda a, b: (_ for _ in ()).throw(ValueError("a share")), 0, 10)
