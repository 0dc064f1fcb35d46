"""The login clock samples non-homogeneous Poisson processes exactly."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sim.agents.activity import IntensityClock, routine_clock
from sim.config import CalendarConfig
from sim.world.calendar import MINUTES_PER_DAY, NEVER, SimCalendar


def flat_clock(days: int) -> IntensityClock:
    return IntensityClock(np.ones(days), np.zeros(days, int), np.ones((1, MINUTES_PER_DAY)))


def test_constant_intensity_gives_exponential_gaps():
    clock = flat_clock(400)
    rng = np.random.default_rng(1)
    n = 20_000
    rate = np.full(n, 0.1)  # 0.1 per day
    times = clock.next_event(np.zeros(n, np.int64), rate, rng.standard_exponential(n))
    gaps_days = times[times < NEVER] / MINUTES_PER_DAY
    assert (times == NEVER).mean() < 1e-3
    # minute resolution floors each gap by < 1 minute: compare with a KS test
    result = stats.kstest(gaps_days + 0.5 / MINUTES_PER_DAY, "expon", args=(0, 10))
    assert result.pvalue > 0.01


def test_weekends_and_hours_follow_the_profile():
    config = CalendarConfig(start=dt.date(2024, 9, 2), end=dt.date(2024, 9, 29))  # 4 weeks
    calendar = SimCalendar(config)
    clock = routine_clock(calendar)
    rng = np.random.default_rng(2)
    # Walk each officer's process from event to event over the whole period.
    now = np.zeros(5_000, np.int64)
    events = []
    while now.size:
        now = clock.next_event(now, np.full(now.size, 2.0), rng.standard_exponential(now.size))
        now = now[now < NEVER].astype(np.int64)
        events.append(now)
        now = now + 1
    times = np.concatenate(events)
    day_kind = calendar.day_types[times // MINUTES_PER_DAY]
    weekend_share = (day_kind == 1).mean()
    expected = 2 * config.weekend_activity / (5 + 2 * config.weekend_activity)
    assert abs(weekend_share - expected) < 0.01
    hours = (times[day_kind == 0] % MINUTES_PER_DAY) // 60
    profile = np.asarray(config.working_day_hour_profile)
    observed = np.bincount(hours, minlength=24)
    expected_counts = profile / profile.sum() * observed.sum()
    keep = expected_counts > 5
    assert (
        stats.chisquare(
            observed[keep],
            expected_counts[keep] * observed[keep].sum() / expected_counts[keep].sum(),
        ).pvalue
        > 0.001
    )


def test_events_never_come_before_now_and_zero_rate_never_happens():
    clock = flat_clock(10)
    after = np.array([0, 100, 5000, 14399, 14400])
    times = clock.next_event(after, np.full(5, 3.0), np.full(5, 1e-9))
    assert np.all(times[:-1] >= after[:-1])
    assert times[-1] == NEVER
    assert clock.next_event(np.array([0]), np.array([0.0]), np.array([1.0]))[0] == NEVER


def test_shortcut_for_a_shared_start_is_exact():
    config = CalendarConfig(start=dt.date(2024, 1, 1), end=dt.date(2024, 3, 31))
    clock = routine_clock(SimCalendar(config))
    rng = np.random.default_rng(3)
    rate = rng.lognormal(np.log(0.01), 1.5, 5000)
    draws = rng.standard_exponential(5000)
    direct = clock.next_event(np.full(5000, 777, np.int64), rate, draws)
    assert np.array_equal(clock.next_events_from(777, rate, draws), direct)


def next_event_as_numpy(clock: IntensityClock, after_min, rate, exp_draws) -> np.ndarray:
    """The sampling rule stated in numpy, the oracle for its compiled form."""
    after = np.minimum(after_min, clock.horizon)
    with np.errstate(divide="ignore", invalid="ignore"):
        target = clock.position(after) + exp_draws / rate
    day = np.searchsorted(clock.day_cumulative, target, side="right") - 1
    never = (day >= clock.n_days) | ~np.isfinite(target)
    day = np.minimum(day, clock.n_days - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = (target - clock.day_cumulative[day]) / clock.day_weights[day]
    fraction = np.nan_to_num(fraction, nan=0.0, posinf=0.0)
    within = np.empty(target.size, dtype=np.int64)
    kinds = clock.day_kind[day]
    for kind in range(len(clock.shape_cumulative)):
        rows = kinds == kind
        found = np.searchsorted(clock.shape_cumulative[kind], fraction[rows], side="right")
        within[rows] = np.minimum(found - 1, MINUTES_PER_DAY - 1)
    minute = np.maximum(day * MINUTES_PER_DAY + within, after)
    return np.where(never, NEVER, minute).astype(np.int32)


@settings(deadline=None)  # the first example compiles the kernel
@given(seed=st.integers(0, 2**16), days=st.integers(1, 60), n=st.integers(1, 300))
def test_compiled_sampling_is_the_numpy_rule_to_the_bit(seed, days, n):
    """Days of no activity, officers who never log in and starts past the horizon
    included."""
    rng = np.random.default_rng(seed)
    weights = rng.random(days) * (rng.random(days) < 0.8)
    shapes = rng.random((3, MINUTES_PER_DAY)) * (rng.random((3, MINUTES_PER_DAY)) < 0.7)
    clock = IntensityClock(weights, rng.integers(0, 3, days), shapes)
    after = rng.integers(0, clock.horizon + 2000, n)
    rate = rng.random(n).astype(np.float32) * (rng.random(n) < 0.9) * 5
    draws = rng.standard_exponential(n)
    np.testing.assert_array_equal(
        clock.next_event(after, rate, draws), next_event_as_numpy(clock, after, rate, draws)
    )


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    now=st.sampled_from([0, 777, 20 * MINUTES_PER_DAY - 1, 90 * MINUTES_PER_DAY + 5]),
    rate_dtype=st.sampled_from([np.float32, np.float64]),
)
def test_a_shared_start_is_the_statements_it_replaced(seed, now, rate_dtype):
    """`next_events_from` (one compiled pass) against the numpy statements: a draw over
    its rate inside the intensity left acts at its `next_event`, others (a rate of 0,
    an infinite draw, the horizon passed) never."""
    clock = routine_clock(
        SimCalendar(CalendarConfig(start=dt.date(2024, 1, 1), end=dt.date(2024, 3, 31)))
    )
    rng = np.random.default_rng(seed)
    rate = rng.lognormal(np.log(0.01), 1.5, 400).astype(rate_dtype)
    rate[:3] = [0.0, 1e-30, 1e30]
    draws = rng.standard_exponential(400)
    draws[3] = np.inf
    left = clock.integral(now, clock.horizon)
    with np.errstate(divide="ignore", invalid="ignore"):
        acts = draws / rate < left
    expected = np.full(rate.size, NEVER, dtype=np.int32)
    who = np.flatnonzero(acts)
    expected[who] = clock.next_event(np.full(who.size, now, np.int64), rate[who], draws[who])
    times = clock.next_events_from(now, rate, draws)
    assert times.dtype == expected.dtype
    np.testing.assert_array_equal(times, expected)


@settings(max_examples=200, deadline=None)
@given(
    steps=st.lists(
        st.one_of(st.just(0.0), st.floats(1e-9, 5.0), st.floats(1e-300, 1e-12)), max_size=60
    ),
    buckets=st.sampled_from([1, 3, 64, 512]),
    probes=st.lists(st.floats(-10.0, 400.0), max_size=30),
    on_entries=st.booleans(),
    offset=st.sampled_from([0.0, 0.25, 1e6]),
)
def test_a_guided_search_is_searchsorted(steps, buckets, probes, on_entries, offset):
    """`guided_search` against `np.searchsorted(side="right")` on ascending arrays that
    start at 0 or above it, with plateaus (zero steps), tiny steps and a last value of 0;
    probed at the entries themselves, between and beyond them, at the infinities and
    at huge values."""
    from sim.world.search_guide import SearchGuide, guided_search

    values = np.cumsum([0.0, *steps]) + offset  # the catalogue's starts above 0
    guide = SearchGuide.of(values, buckets)
    xs = [*probes, -np.inf, np.inf, 1e300, -1e300, *(values.tolist() if on_entries else [])]
    xs += [np.nextafter(v, np.inf) for v in values[-3:]] + [np.nextafter(values[-1], -np.inf)]
    for x in xs:
        found = guided_search(values, float(x), guide.starts, guide.scale)
        assert found == np.searchsorted(values, x, side="right"), x


@pytest.mark.parametrize(
    "values",
    [
        [0.0, 5e-311, 1e-310],  # a subnormal last value: its reciprocal overflows
        [0.0, 1.0, np.inf],
        [0.0, 0.0, 0.0],
        [0.0, np.nan, np.nan],  # what an all-zero shape normalises to
        [],
    ],
)
def test_a_guided_search_without_a_usable_guide_is_searchsorted(values):
    from sim.world.search_guide import SearchGuide, guided_search

    values = np.array(values, dtype=float)
    guide = SearchGuide.of(values, 8)
    for x in (-1.0, 0.0, 1e-320, 5e-311, 0.5, 1.0, 2.0, np.inf, -np.inf):
        found = guided_search(values, x, guide.starts, guide.scale)
        assert found == np.searchsorted(values, x, side="right"), x
