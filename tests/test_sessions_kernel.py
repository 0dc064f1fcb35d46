"""The compiled session rules (`sessions_kernel`, the fast engine's) against the numpy
rules they compile (`sessions`, the reference engine's): the same officers and draws must
give the same minutes, to the bit."""

from __future__ import annotations

import datetime as dt

import numpy as np
from conftest import BATCH_FORMS, batches_on
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.agents.activity import routine_clock
from sim.agents.sessions import OnboardingDrive, budgets_for, next_session_starts
from sim.agents.sessions_kernel import budgets_for_compiled, next_session_starts_compiled
from sim.config import BehaviourConfig, CalendarConfig, SessionConfig
from sim.world.calendar import MINUTES_PER_DAY, NEVER, SimCalendar
from sim.world.population import ENGAGED, Officers

CALENDAR = SimCalendar(CalendarConfig(start=dt.date(2024, 9, 30), end=dt.date(2024, 10, 27)))
CLOCK = routine_clock(CALENDAR)


BUSY_CLOCK = routine_clock(CALENDAR, np.linspace(0.5, 3.0, CALENDAR.n_days))


class CampaignClock:
    """What the next login asks of a campaign (`ActiveCampaign`): engaged officers' next
    logins on a clock of their own, at their own rate (here busier than the routine ones,
    so that a mix-up of rows, clocks or draws shows). `waves`: with more than one, the
    engaged have no single clock and the compiled form leaves them to the numpy rule."""

    engaged_logins_per_day = 2.7  # not exact in float32: the rate's type must be float64

    def __init__(self, waves: int = 1) -> None:
        self.waves = waves

    @property
    def engaged_clock(self):
        return BUSY_CLOCK if self.waves == 1 else None

    def engaged_next(self, officers, ids, after, exp_draws):
        rate = np.full(ids.size, self.engaged_logins_per_day)
        return BUSY_CLOCK.next_event(after, rate, exp_draws)


@settings(deadline=None)  # the first example compiles the kernel
@given(
    seed=st.integers(0, 2**16),
    n=st.integers(1, 300),
    engaged_share=st.sampled_from([0.0, 0.3, 1.0]),
    drive=st.sampled_from([None, OnboardingDrive(2, 1.5), OnboardingDrive(0, 1.5)]),
    waves=st.sampled_from([1, 2]),
    form=st.sampled_from(BATCH_FORMS),
)
def test_the_compiled_next_login_is_the_rule_to_the_bit(seed, n, engaged_share, drive, waves, form):
    rng = np.random.default_rng(seed)
    officers = Officers(2 * n + 3)
    size = officers.n
    officers.mode[:] = np.where(rng.random(size) < engaged_share, ENGAGED, 0)
    officers.routine_logins_per_day[:] = np.where(
        rng.random(size) < 0.1, 0.0, rng.gamma(1.0, 0.3, size)
    )  # some never log in
    officers.recruit[:] = rng.random(size) < 0.5
    officers.completions[:] = rng.integers(0, 4, size)
    officers.present[:] = rng.random(size) < 0.9
    pending = rng.random(size) < 0.3
    officers.engage_min[:] = np.where(
        pending, rng.integers(0, CLOCK.horizon, size), NEVER
    )  # a pending take-up, sooner or later than the login
    officers.pack()  # as a run simulates them
    ids = np.sort(rng.choice(size, n, replace=False))
    after = rng.integers(0, CLOCK.horizon + 2 * MINUTES_PER_DAY, n)  # some past the horizon
    draws = rng.standard_exponential(n)
    campaign = CampaignClock(waves)
    rule = next_session_starts(officers, ids, after, draws, CLOCK, campaign, drive)
    with batches_on(form):
        compiled = next_session_starts_compiled(officers, ids, after, draws, CLOCK, campaign, drive)
    assert compiled.dtype == rule.dtype
    np.testing.assert_array_equal(compiled, rule)
    assert (rule[~officers.present[ids]] == NEVER).all()  # absent officers never log in


@settings(deadline=None)  # the first example compiles the kernel
@given(
    seed=st.integers(0, 2**16),
    n=st.integers(0, 400),
    engaged_share=st.sampled_from([0.0, 0.3, 1.0]),
    routine=st.tuples(st.floats(1.0, 90.0), st.floats(0.0, 3.0), st.integers(5, 720)),
    engaged=st.tuples(st.floats(1.0, 90.0), st.floats(0.0, 3.0), st.integers(5, 720)),
)
def test_the_compiled_sittings_are_the_rule_to_the_bit(seed, n, engaged_share, routine, engaged):
    """Kinds of sitting with different medians, spreads and caps (wide spreads reach both
    the floor of one minute and the cap), in any order: the minutes and the generator
    after are the rule's."""
    behaviour = BehaviourConfig(
        routine_session=SessionConfig(median_minutes=routine[0], sigma=routine[1],
                                      max_minutes=routine[2]),
        engaged_session=SessionConfig(median_minutes=engaged[0], sigma=engaged[1],
                                      max_minutes=engaged[2]),
    )  # fmt: skip
    is_engaged = np.random.default_rng(seed + 1).random(n) < engaged_share
    rule_rng, compiled_rng = np.random.default_rng(seed), np.random.default_rng(seed)
    rule = budgets_for(is_engaged, behaviour, rule_rng)
    compiled = budgets_for_compiled(is_engaged, behaviour, compiled_rng)
    assert compiled.dtype == rule.dtype == np.int32
    np.testing.assert_array_equal(compiled, rule)
    assert compiled_rng.bit_generator.state == rule_rng.bit_generator.state
