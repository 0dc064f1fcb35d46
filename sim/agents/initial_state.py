"""The state officers are in when a run starts: courses already in progress, first logins."""

from __future__ import annotations

import numpy as np

from sim.agents.activity import IntensityClock
from sim.agents.enrolment import enrol
from sim.agents.sessions import OnboardingDrive, routine_rates
from sim.config import Scenario
from sim.world.calendar import MINUTES_PER_DAY, NEVER
from sim.world.catalog import Catalog
from sim.world.officer_draws import draws_at, draws_at_each
from sim.world.population import NOT_REGISTERED, Officers
from sim.world.random_streams import RandomStreams


def seed_initial_state(
    officers: Officers,
    catalog: Catalog,
    scenario: Scenario,
    mix_table: np.ndarray,
    routine_clock: IntensityClock,
    streams: RandomStreams,
    drive: OnboardingDrive | None = None,
) -> int:
    """Give officers who were active recently a course in progress, and draw everyone's
    first login into `officers.next_login_min`. Returns how many courses were in progress."""
    # Only officers on the platform at the start can have a course in progress or a first
    # login from minute 0: the others (who register later, or not in the run) are left
    # out of both computations, though every officer's draw is taken, so that each keeps
    # their own number in the stream. The two draw from streams of their own and write
    # attributes of their own; each lets its draws go before the other starts. Both read
    # the officers' login rates, gathered once (the courses turn them into chances).
    at_start = np.flatnonzero(officers.onboarded_day <= 0)
    rate = officers.routine_logins_per_day[at_start].astype(float)
    _first_logins(officers, at_start, rate, routine_clock, streams, drive)
    return _courses_in_progress(officers, at_start, rate, catalog, scenario, mix_table, streams)


def _courses_in_progress(
    officers: Officers,
    at_start: np.ndarray,
    rate: np.ndarray,
    catalog: Catalog,
    scenario: Scenario,
    mix_table: np.ndarray,
    streams: RandomStreams,
) -> int:
    """Officers active in the last `initial_in_progress_days` days have a course in
    progress, part-way through (float64 login `rate` of each of `at_start`, which this
    consumes); returns how many."""
    rng = streams.fresh("initial.in_progress")
    uniforms = draws_at(rng, "random", officers.n, at_start)
    chance = rate  # 1 - exp(-rate * days), in place (no temporaries)
    np.negative(chance, out=chance)
    chance *= scenario.population.initial_in_progress_days
    np.exp(chance, out=chance)
    np.subtract(1.0, chance, out=chance)
    has_course = at_start[uniforms < chance]
    del uniforms, chance
    enrol(
        officers,
        catalog,
        has_course,
        np.zeros(has_course.size, dtype=np.int64),
        mix_table,
        scenario.behaviour.drop_hazard_per_hour,
        rng,
    )
    officers.progress[has_course] = officers.stop_at[has_course] * rng.random(has_course.size)
    officers.enrolments[has_course] = 0  # enrolled before the run: not a run enrolment
    officers.in_progress_at_start[has_course] = True
    return int(has_course.size)


def _first_logins(
    officers: Officers,
    at_start: np.ndarray,
    rate: np.ndarray,
    routine_clock: IntensityClock,
    streams: RandomStreams,
    drive: OnboardingDrive | None,
) -> None:
    """Everyone's first login into `officers.next_login_min`: from minute 0 for those on
    the platform (at their float64 login `rate`), after their onboarding day starts for
    those who join later, NEVER for the rest."""

    joining = officers.onboarded_day > 0  # onboard during the run (or not in it)
    later = np.flatnonzero(joining & (officers.onboarded_day != NOT_REGISTERED))
    del joining
    now_draws, later_draws = draws_at_each(
        streams.fresh("initial.first_login"), "standard_exponential", officers.n,
        [at_start, later],
    )  # fmt: skip
    officers.next_login_min[:] = NEVER
    officers.next_login_min[at_start] = routine_clock.next_events_from(0, rate, now_draws)
    del now_draws
    if later.size:  # a joiner's first login comes after their onboarding day starts
        onboard = officers.onboarded_day[later].astype(np.int64) * MINUTES_PER_DAY
        officers.next_login_min[later] = routine_clock.next_event(
            onboard, routine_rates(officers, later, drive), later_draws
        )
