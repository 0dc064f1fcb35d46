"""The compiled forms of the session rules (`sessions.py`) for the fast engine: how long
officers sit (`sessions.budgets_for`) and when they log in next
(`sessions.next_session_starts`).

A batch's sittings took some twenty numpy calls (masks, their sums and gathers, and a
lognormal's six steps for each kind of sitting); `budgets_for_compiled` draws both kinds'
normals at once (numpy's normals are the same however many are drawn per call), scales
them in place and rounds, clips and places them in one compiled pass. `np.exp` stays
numpy's, so the minutes are the rule's to the bit.

For the next login, the numpy rule takes about ten passes over a batch: the mode, the
routine rate and the onboarding drive's, the clock, the pending take-up and presence,
each a gather from the population. Here one loop gathers the batch's attributes and
another computes, for routine officers on the routine clock and for engaged officers on
the campaign's clock (at the engaged rate, a float64 as in
`ActiveCampaign.engaged_next`). Only while a campaign's waves have clocks of their own
are the engaged left to the numpy rule. The reference engine runs the numpy rules, and
`tests/test_sessions_kernel.py` checks that both agree to the bit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit, prange

from sim.agents.activity import IntensityClock, next_events, next_events_here
from sim.agents.sessions import OnboardingDrive, next_session_starts
from sim.world import small_batches
from sim.world.calendar import NEVER
from sim.world.population import ENGAGED, Officers
from sim.world.small_batches import on_calling_core

if TYPE_CHECKING:
    from sim.agents.campaign_phases import ActiveCampaign
    from sim.config import BehaviourConfig


def budgets_for_compiled(
    engaged: np.ndarray, behaviour: BehaviourConfig, rng: np.random.Generator
) -> np.ndarray:
    """`sessions.budgets_for`: the same arguments, the same minutes and the generator left
    where the rule leaves it."""
    n_routine = engaged.size - int(np.count_nonzero(engaged))
    routine, engaged_session = behaviour.routine_session, behaviour.engaged_session
    minutes = rng.standard_normal(engaged.size)  # the routine sittings', then the engaged
    minutes[:n_routine] *= routine.sigma  # median x exp(sigma x normal), in place
    minutes[n_routine:] *= engaged_session.sigma
    np.exp(minutes, out=minutes)
    minutes[:n_routine] *= routine.median_minutes
    minutes[n_routine:] *= engaged_session.median_minutes
    budget = np.empty(engaged.size, np.int32)
    _place_sittings(
        minutes, engaged, n_routine, routine.max_minutes, engaged_session.max_minutes, budget
    )
    return budget


@njit(cache=True, nogil=True)
def _place_sittings(minutes, engaged, n_routine: int, routine_max: int, engaged_max: int, budget):
    """Each officer's sitting, in whole minutes between 1 and their kind's maximum: the
    routine ones from the first `n_routine` of `minutes`, the engaged from the rest, each
    in order."""
    routine_row, engaged_row = 0, n_routine
    for i in range(engaged.size):
        if engaged[i]:
            x, most = minutes[engaged_row], engaged_max
            engaged_row += 1
        else:
            x, most = minutes[routine_row], routine_max
            routine_row += 1
        budget[i] = min(max(np.rint(x), 1.0), float(most))


@njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def _next_starts(
    ids, after, exp_draws, clock,  # the batch, the routine clock's tables
    mode, routine_rate, recruit, completions, engage_min, present,  # officers
    drive_courses: int, drive_rate, engaged_clock, engaged_rate: float, times, engaged_rows,
    one_core_below: int,
):  # fmt: skip
    """Next logins of the batch into `times`: routine officers on `clock` (the onboarding
    drive's rate for newcomers short of `drive_courses` completions; 0: no drive), engaged
    officers on `engaged_clock` at `engaged_rate`. With `engaged_rate` 0 (no single
    campaign clock) the engaged are listed in `engaged_rows` instead; returns how many.
    A batch of fewer than `one_core_below` samples its clocks on the calling core
    (`small_batches`).

    The officers' attributes are gathered first, in a loop of loads alone: the processor
    then overlaps their cache misses, which it cannot do across the clock's long
    computation (at 45 lakh officers, gathering inside the computing loop made this
    slower than the numpy rule). The gathers and the clocks' sampling are shared among the
    cores."""
    n = ids.size
    engaged = np.empty(n, np.bool_)
    rate = np.empty(n, np.float32)
    pending = np.empty(n, engage_min.dtype)
    here = np.empty(n, np.bool_)
    for i in prange(n):
        officer = ids[i]
        engaged[i] = mode[officer] == ENGAGED
        rate[i] = routine_rate[officer]
        if drive_courses > 0 and recruit[officer] and completions[officer] < drive_courses:
            rate[i] = drive_rate
        pending[i] = engage_min[officer]
        here[i] = present[officer]
    routine_rows = np.empty(n, np.int64)  # the rows each clock samples, for one call each
    campaign_rows = np.empty(n, np.int64)
    n_routine, n_campaign, n_engaged = 0, 0, 0
    for i in range(n):
        if engaged[i] and engaged_rate == 0.0:
            engaged_rows[n_engaged] = i
            n_engaged += 1
        elif not here[i]:
            times[i] = NEVER
        elif engaged[i]:
            campaign_rows[n_campaign] = i
            n_campaign += 1
        else:
            routine_rows[n_routine] = i
            n_routine += 1
    routine_rows = routine_rows[:n_routine]
    campaign_rows = campaign_rows[:n_campaign]
    engaged_rates = np.full(n_campaign, engaged_rate)  # a float64, as the numpy rule has it
    routine = (routine_rows, rate[routine_rows], after, exp_draws, pending, clock, times)
    campaign = (campaign_rows, engaged_rates, after, exp_draws, pending, engaged_clock, times)
    if n < one_core_below:
        _sample_here(*routine, one_core_below)
        _sample_here(*campaign, one_core_below)
    else:
        _sample(*routine, one_core_below)
        _sample(*campaign, one_core_below)
    return n_engaged


@njit(cache=True, nogil=True, parallel=True)
def _sample(rows, rates, after, exp_draws, pending, clock, times, one_core_below: int):
    """The next login of each of `rows` (at `rates`, one per row) on `clock`, or their
    pending take-up if sooner: one batch for the clock (`activity.next_events`)."""
    found = np.empty(rows.size, times.dtype)
    if rows.size < one_core_below:
        next_events_here(after[rows], rates, exp_draws[rows], clock, found)
    else:
        next_events(after[rows], rates, exp_draws[rows], clock, found)
    for k in prange(rows.size):
        times[rows[k]] = min(found[k], pending[rows[k]])


_sample_here = on_calling_core(_sample)


_next_starts_here = on_calling_core(_next_starts)


@njit(cache=True, nogil=True)
def _next_starts_by_size(
    ids, after, exp_draws, clock, mode, routine_rate, recruit, completions, engage_min,
    present, drive_courses: int, drive_rate, engaged_clock, engaged_rate: float, times,
    engaged_rows, below: int,
):  # fmt: skip
    """`_next_starts`, on the calling core for fewer than `below` officers."""
    arguments = (
        ids, after, exp_draws, clock, mode, routine_rate, recruit, completions, engage_min,
        present, drive_courses, drive_rate, engaged_clock, engaged_rate, times, engaged_rows,
        below,
    )  # fmt: skip
    if ids.size < below:
        return _next_starts_here(*arguments)
    return _next_starts(*arguments)


def next_session_starts_compiled(
    officers: Officers,
    ids: np.ndarray,
    after: np.ndarray,
    exp_draws: np.ndarray,
    routine_clock: IntensityClock,
    campaign: ActiveCampaign | None,
    drive: OnboardingDrive | None = None,
) -> np.ndarray:
    """`sessions.next_session_starts`, compiled: the same arguments, the same result."""
    if np.shape(after) != ids.shape:  # broadcast_to costs more than a small batch's kernel
        after = np.broadcast_to(after, ids.shape)
    if np.shape(exp_draws) != ids.shape:
        exp_draws = np.broadcast_to(exp_draws, ids.shape)
    times = np.empty(ids.size, dtype=np.int32)
    engaged_rows = np.empty(ids.size, dtype=np.int64)
    engaged_clock = campaign.engaged_clock if campaign is not None else None
    n_engaged = _next_starts_by_size(
        ids, after, exp_draws, routine_clock.tables,
        officers.mode, officers.routine_logins_per_day, officers.recruit, officers.completions,
        officers.engage_min, officers.present,
        drive.courses if drive else 0, np.float32(drive.logins_per_day if drive else 0.0),
        (engaged_clock or routine_clock).tables,
        float(campaign.engaged_logins_per_day) if engaged_clock else 0.0,
        times, engaged_rows, small_batches.ONE_CORE_BELOW,
    )  # fmt: skip
    if n_engaged:  # on their waves' clocks (or with no campaign): the numpy rule, for them
        rows = engaged_rows[:n_engaged]
        times[rows] = next_session_starts(
            officers, ids[rows], after[rows], exp_draws[rows], routine_clock, campaign, drive
        )
    return times
