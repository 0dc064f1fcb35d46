from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.agents.sessions import take_up
from sim.engines.event_queue import EventQueue, _by_bucket, _split_by_day
from sim.engines.fast import log_in_due_by_size
from sim.world.calendar import MINUTES_PER_DAY, NEVER
from sim.world.population import ENGAGED, ROUTINE, Officers


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


@settings(max_examples=60, deadline=None)
@given(
    minutes=st.lists(st.integers(0, 5 * MINUTES_PER_DAY - 1), max_size=300),
    width=st.sampled_from([60, 240, MINUTES_PER_DAY]),
    ids_dtype=st.sampled_from([np.int64, np.int32]),
)
def test_filing_is_the_stable_argsort_it_replaced(minutes, width, ids_dtype):
    """The compiled counting sort against the argsort statement: the same order (stable),
    so each bucket gets the same officers in the same order."""
    minutes = np.array(minutes, dtype=np.int32)
    ids = np.arange(minutes.size, dtype=ids_dtype)[::-1].copy()
    base = 0 if width == MINUTES_PER_DAY else int(minutes.min(initial=0)) // width * width
    keys = (minutes - base) // width
    n_buckets = int(keys.max(initial=0)) + 2
    order = np.argsort(keys.astype(np.int16), kind="stable")
    sorted_ids, sorted_minutes, filled = _by_bucket(ids, minutes, base, width, n_buckets)
    np.testing.assert_array_equal(sorted_ids, ids[order])
    np.testing.assert_array_equal(sorted_minutes, minutes[order])
    assert sorted_ids.dtype == ids.dtype and sorted_minutes.dtype == minutes.dtype
    bounds = np.searchsorted(keys[order], np.arange(n_buckets + 1))
    nonempty = np.flatnonzero(np.diff(bounds))  # each filled bucket, where it is
    expected = np.column_stack([nonempty, bounds[nonempty], bounds[nonempty + 1]])
    np.testing.assert_array_equal(filled, expected.reshape(-1, 3))


@pytest.mark.parametrize(
    "minute",
    [2 * MINUTES_PER_DAY, 2 * MINUTES_PER_DAY + 1, -1],  # the bucket just past the last, below base
)
def test_filing_a_minute_outside_its_buckets_is_an_error(minute):
    minutes = np.array([10, 2 * MINUTES_PER_DAY - 1, minute])  # the first two fit
    with pytest.raises(ValueError, match="outside"):
        _by_bucket(np.arange(3), minutes, 0, MINUTES_PER_DAY, 2)


@settings(max_examples=60, deadline=None)
@given(
    minutes=st.lists(st.integers(0, 4 * MINUTES_PER_DAY), max_size=300),
    today=st.integers(-1, 3),
)
def test_splitting_by_day_is_the_masks_it_replaced(minutes, today):
    """Today's events and the later ones (the horizon's dropped), each in the given order,
    as the masks of the numpy statement give them."""
    horizon = 3 * MINUTES_PER_DAY
    start = today * MINUTES_PER_DAY
    edges = [start - 1, start, start + MINUTES_PER_DAY - 1, start + MINUTES_PER_DAY]
    edges += [horizon - 1, horizon]  # the day's and the horizon's edges, every time
    minutes = np.array([m for m in minutes + edges if m >= 0], dtype=np.int32)
    ids = np.random.default_rng(minutes.size).permutation(minutes.size)
    (now_ids, now_minutes), (later_ids, later_minutes) = _split_by_day(
        ids, minutes, start, start + MINUTES_PER_DAY, horizon
    )
    keep = minutes < horizon
    kept_ids, kept_minutes = ids[keep], minutes[keep]
    is_today = kept_minutes // MINUTES_PER_DAY == today
    np.testing.assert_array_equal(now_ids, kept_ids[is_today])
    np.testing.assert_array_equal(now_minutes, kept_minutes[is_today])
    np.testing.assert_array_equal(later_ids, kept_ids[~is_today])
    np.testing.assert_array_equal(later_minutes, kept_minutes[~is_today])
    assert now_minutes.dtype == later_minutes.dtype == minutes.dtype


@settings(max_examples=60, deadline=None)
@given(
    filed=st.lists(st.integers(0, 49), max_size=120),
    seed=st.integers(0, 2**16),
    below=st.sampled_from([0, 2**62]),  # on all the cores, on the calling core
)
def test_the_due_officers_log_in_as_the_statements_they_replaced(filed, seed, below):
    """Sorted candidates (repeats included) against the statements: keep those whose next
    login falls in the tick, drop repeats, take the campaign up (`sessions.take_up`), and
    read whether each is engaged, as the budgets did."""
    start, end = 60, 120
    rng = np.random.default_rng(seed)
    next_login = rng.integers(0, 300, 50)
    next_login[:4] = [start - 1, start, end - 1, end]  # the tick's edges
    mode = np.where(rng.random(50) < 0.3, ENGAGED, ROUTINE)
    engage_min = np.where(rng.random(50) < 0.5, rng.integers(0, 300, 50), NEVER)
    next_login[4:8] = [start, start + 7, end - 1, start + 30]  # due in the tick, with
    engage_min[4:8] = next_login[4:8] + [-1, 0, 1, 0]  # the take-up's edges
    expected_officers, officers = Officers(50), Officers(50)
    for side in (expected_officers, officers):
        side.next_login_min[:], side.mode[:], side.engage_min[:] = next_login, mode, engage_min
        side.pack()  # as a run simulates them
    candidates = np.sort(np.array(filed + list(range(8)), dtype=np.int64))
    ids, when, engaged, engaging = log_in_due_by_size(
        candidates, officers.next_login_min, officers.engage_min, officers.mode, start, end, below
    )
    gathered = expected_officers.next_login_min[candidates]
    due = (gathered >= start) & (gathered < end)
    expected, expected_when = candidates[due], gathered[due]
    first = np.concatenate([[True], expected[1:] != expected[:-1]])[: expected.size]
    expected, expected_when = expected[first], expected_when[first]
    newly = take_up(expected_officers, expected, expected_when)
    np.testing.assert_array_equal(ids, expected)
    np.testing.assert_array_equal(when, expected_when)
    assert when.dtype == expected_officers.next_login_min.dtype
    assert engaging == newly.size
    np.testing.assert_array_equal(engaged, expected_officers.mode[expected] == ENGAGED)
    np.testing.assert_array_equal(officers.mode, expected_officers.mode)
    np.testing.assert_array_equal(officers.engage_min, expected_officers.engage_min)
