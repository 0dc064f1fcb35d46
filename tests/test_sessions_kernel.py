"""The compiled next login (`sessions_kernel.next_session_starts_compiled`, the fast
engine's) against the numpy rule it compiles (`sessions.next_session_starts`, the
reference engine's): the same officers and draws must give the same minutes, to the bit."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.agents.activity import routine_clock
from sim.agents.sessions import OnboardingDrive, next_session_starts
from sim.agents.sessions_kernel import next_session_starts_compiled
from sim.config import CalendarConfig
from sim.world.calendar import MINUTES_PER_DAY, NEVER, SimCalendar
from sim.world.population import ENGAGED, Officers

CALENDAR = SimCalendar(CalendarConfig(start=dt.date(2024, 9, 30), end=dt.date(2024, 10, 27)))
CLOCK = routine_clock(CALENDAR)


class CampaignClock:
    """What `next_session_starts` asks of a campaign: engaged officers' next logins (here a
    busier routine clock, so that a mix-up of rows or draws shows)."""

    def engaged_next(self, officers, ids, after, exp_draws):
        return CLOCK.next_event(after, np.full(ids.size, 3.0), exp_draws)


@settings(deadline=None)  # the first example compiles the kernel
@given(
    seed=st.integers(0, 2**16),
    n=st.integers(1, 300),
    engaged_share=st.sampled_from([0.0, 0.3, 1.0]),
    drive=st.sampled_from([None, OnboardingDrive(2, 1.5), OnboardingDrive(0, 1.5)]),
)
def test_the_compiled_next_login_is_the_rule_to_the_bit(seed, n, engaged_share, drive):
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
    ids = np.sort(rng.choice(size, n, replace=False))
    after = rng.integers(0, CLOCK.horizon + 2 * MINUTES_PER_DAY, n)  # some past the horizon
    draws = rng.standard_exponential(n)
    campaign = CampaignClock()
    rule = next_session_starts(officers, ids, after, draws, CLOCK, campaign, drive)
    compiled = next_session_starts_compiled(officers, ids, after, draws, CLOCK, campaign, drive)
    assert compiled.dtype == rule.dtype
    np.testing.assert_array_equal(compiled, rule)
    assert (rule[~officers.present[ids]] == NEVER).all()  # absent officers never log in
