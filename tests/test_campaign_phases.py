"""The compiled passes of a campaign's phases (`campaign_phases`) against the numpy
statements they replaced: the same officers, times and counts, to the bit."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.agents.campaign_phases import (
    _cancel_take_ups,
    _count_outcome,
    _file_take_ups,
    _present_with_draws,
    _waiting_with_draws,
)
from sim.config import SERVICE_GROUPS
from sim.world.calendar import NEVER
from sim.world.population import ENGAGED, ROUTINE, Officers

N = 400
TARGET = 4.7  # not exact in float32: the comparison's type decides officers at the target


def _officers(seed: int) -> Officers:
    """Officers in every state a phase looks at, packed as a run holds them."""
    rng = np.random.default_rng(seed)
    officers = Officers(N)
    officers.present[:] = rng.random(N) < 0.8
    officers.mode[:] = np.where(rng.random(N) < 0.3, ENGAGED, ROUTINE)
    officers.next_login_min[:] = rng.integers(0, 5000, N)
    pending = rng.random(N) < 0.4
    officers.engage_min[:] = np.where(pending, rng.integers(0, 5000, N), NEVER)
    ties = rng.random(N) < 0.2  # take-ups that are the officer's next event
    officers.engage_min[ties] = officers.next_login_min[ties]
    hours = rng.choice(np.array([0.0, 0.5, TARGET, 6.0], np.float32), N)
    officers.campaign_hours[:] = hours
    officers.service_group[:] = rng.integers(0, len(SERVICE_GROUPS), N)
    officers.org_id[:] = rng.integers(0, 7, N)
    officers.completions[:] = rng.integers(0, 3, N)
    officers.pack()
    return officers


def _some(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed + 1)
    return np.sort(rng.choice(N, int(rng.integers(0, N)), replace=False))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**16))
def test_present_with_draws(seed):
    officers, ids = _officers(seed), _some(seed)
    draws = np.random.default_rng(seed).standard_exponential(ids.size)  # one per id
    kept, drawn = _present_with_draws(ids, officers.present, draws)
    here = officers.present[ids]
    np.testing.assert_array_equal(kept, ids[here])
    np.testing.assert_array_equal(drawn, draws[here])


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**16))
def test_filing_take_ups(seed):
    expected, officers, ids = _officers(seed), _officers(seed), _some(seed)
    rng = np.random.default_rng(seed + 2)
    times = np.where(rng.random(ids.size) < 0.5, rng.integers(0, 5000, ids.size), NEVER)
    times = times.astype(np.int32)
    moved = _file_take_ups(ids, times, officers.engage_min, officers.next_login_min)
    # the numpy statements
    taking, when = ids[times < NEVER], times[times < NEVER]
    expected.engage_min[taking] = when
    sooner = when < expected.next_login_min[taking]
    expected.next_login_min[taking[sooner]] = when[sooner]
    np.testing.assert_array_equal(moved[0], taking[sooner])
    np.testing.assert_array_equal(moved[1], when[sooner])
    assert moved[1].dtype == np.int32
    np.testing.assert_array_equal(officers.engage_min, expected.engage_min)
    np.testing.assert_array_equal(officers.next_login_min, expected.next_login_min)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**16))
def test_cancelling_take_ups(seed):
    expected, officers, targeted = _officers(seed), _officers(seed), _some(seed)
    was_next = _cancel_take_ups(targeted, officers.engage_min, officers.next_login_min)
    pending = targeted[expected.engage_min[targeted] < NEVER]
    np.testing.assert_array_equal(
        was_next, pending[expected.next_login_min[pending] == expected.engage_min[pending]]
    )
    expected.engage_min[pending] = NEVER
    np.testing.assert_array_equal(officers.engage_min, expected.engage_min)
    np.testing.assert_array_equal(officers.next_login_min, expected.next_login_min)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**16))
def test_waiting(seed):
    officers, targeted = _officers(seed), _some(seed)
    draws = np.random.default_rng(seed).standard_exponential(targeted.size)  # one per id
    expected = (
        officers.present[targeted]
        & (officers.mode[targeted] == ROUTINE)
        & (officers.campaign_hours[targeted] < TARGET)
    )
    waiting, drawn = _waiting_with_draws(
        targeted, draws, officers.present, officers.mode, officers.campaign_hours,
        np.float32(TARGET),
    )  # fmt: skip
    np.testing.assert_array_equal(waiting, targeted[expected])
    np.testing.assert_array_equal(drawn, draws[expected])


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**16), scoped=st.booleans())
def test_counting_the_outcome(seed, scoped):
    officers = _officers(seed)
    at_start = np.random.default_rng(seed + 3).integers(0, 3, N).astype(officers.completions.dtype)
    scope = np.random.default_rng(seed + 4).random(N) < 0.5 if scoped else None
    by_group = np.zeros((2, len(SERVICE_GROUPS)), np.int64)
    by_org = np.zeros((2, 7), np.int64)
    completers = _count_outcome(
        officers.campaign_hours, np.float32(TARGET), officers.service_group, officers.org_id,
        officers.completions, at_start, scope is None,
        np.ones(1, np.bool_) if scope is None else scope, by_group, by_org,
    )  # fmt: skip
    # the numpy statements
    participated = officers.campaign_hours > 0
    meeting = participated & (officers.campaign_hours >= TARGET)
    groups = len(SERVICE_GROUPS)
    np.testing.assert_array_equal(
        by_group[0], np.bincount(officers.service_group[participated], minlength=groups)
    )
    np.testing.assert_array_equal(
        by_group[1], np.bincount(officers.service_group[meeting], minlength=groups)
    )
    np.testing.assert_array_equal(
        by_org[0], np.bincount(officers.org_id[participated], minlength=7)
    )
    np.testing.assert_array_equal(by_org[1], np.bincount(officers.org_id[meeting], minlength=7))
    completed = np.flatnonzero(officers.completions > at_start)
    in_scope = completed if scope is None else completed[scope[completed]]
    assert completers == in_scope.size


def test_an_outcome_counts_no_completer_out_of_scope():
    """One officer, out of the campaign's scope, who completed a course: not a completer
    (a scope of one officer must not read as "everyone")."""
    officers = Officers(1)
    officers.completions[:] = 1
    officers.pack()
    by_group = np.zeros((2, len(SERVICE_GROUPS)), np.int64)
    by_org = np.zeros((2, 1), np.int64)
    counted = _count_outcome(
        officers.campaign_hours, np.float32(TARGET), officers.service_group, officers.org_id,
        officers.completions, np.zeros(1, officers.completions.dtype), False,
        np.zeros(1, np.bool_), by_group, by_org,
    )  # fmt: skip
    assert counted == 0
