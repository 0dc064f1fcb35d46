from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engines.event_queue import EventQueue
from sim.world.calendar import MINUTES_PER_DAY


@settings(max_examples=40, deadline=None)
@given(
    times=st.lists(st.integers(min_value=0, max_value=3 * MINUTES_PER_DAY + 100), max_size=200),
    tick=st.sampled_from([30, 60, 240]),
)
def test_each_officer_pops_in_the_tick_of_its_time(times, tick):
    """Filing everything up front, then walking the days and ticks, returns every officer
    exactly in its own tick (and drops times past the horizon)."""
    horizon = 3 * MINUTES_PER_DAY
    queue = EventQueue(horizon, tick)
    ids = np.arange(len(times))
    minutes = np.array(times, dtype=np.int64)
    queue.schedule(ids, minutes)
    seen = {}
    for day in range(3):
        queue.start_day(day)
        for k in range(MINUTES_PER_DAY // tick):
            for officer in queue.pop(k):
                seen.setdefault(int(officer), []).append(day * MINUTES_PER_DAY + k * tick)
    for officer, minute in zip(ids, minutes, strict=True):
        if minute >= horizon:
            assert officer not in seen
        else:
            assert seen[int(officer)] == [minute - minute % tick]


def test_rescheduling_into_today_and_later():
    queue = EventQueue(3 * MINUTES_PER_DAY, 60)
    queue.start_day(0)
    queue.schedule(np.array([1, 2, 3]), np.array([90, 1500, 2 * MINUTES_PER_DAY + 5]))
    assert list(queue.pop(1)) == [1]
    queue.start_day(1)
    assert list(queue.pop(1)) == [2]
    queue.start_day(2)
    assert list(queue.pop(0)) == [3]
