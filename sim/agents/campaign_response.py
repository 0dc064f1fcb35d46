"""How officers respond to a campaign: who takes it up, and when they stop.

Taking a campaign up is an event in time (a hazard shaped by the launch surge and the
deadline rush); an officer's weight scales with their routine propensity and service
group. Engaged officers log in at the campaign rate until they reach the target hours,
after which most go back to their routine (some keep going).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from sim.config import SERVICE_GROUPS, EngagementConfig
from sim.world.listing import listed
from sim.world.population import ENGAGED, ROUTINE, Officers
from sim.world.small_batches import on_calling_core

FIRST_TIME_MEAN_DAYS = 2.0  # ASSUMPTION: first-time learners register soon after the launch


def engagement_rates(
    officers: Officers,
    ids: np.ndarray,
    config: EngagementConfig,
    median_rate: float,
    scale: float,
) -> np.ndarray:
    """Each officer's rate of taking a campaign up: the plan's `scale` times their weight,
    which is their routine rate relative to the median, to the power of the propensity
    elasticity, times their service group's multiplier. The officers' attributes are
    gathered and the products taken in compiled passes, the power stays numpy's
    (`tests/test_campaign_response.py` checks the whole against numpy to the bit)."""
    relative, groups = _relative_rates(
        ids, officers.routine_logins_per_day, officers.service_group, np.float32(median_rate)
    )
    relative **= config.propensity_elasticity  # in place, as `**` computes it
    multiplier = np.array([config.group_multiplier.get(g, 1.0) for g in SERVICE_GROUPS])
    _weigh(relative, groups, multiplier, float(scale))
    return relative


@njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def _relative_rates(ids, routine_rate, service_group, median) -> tuple[np.ndarray, np.ndarray]:
    """float64: each officer's routine rate over the median, divided in float32 (as numpy
    divides a float32 array by a Python float); and each officer's service group (both
    read in one visit to the officer's record)."""
    relative = np.empty(ids.size)
    groups = np.empty(ids.size, service_group.dtype)
    for i in prange(ids.size):
        officer = ids[i]
        relative[i] = routine_rate[officer] / median
        groups[i] = service_group[officer]
    return relative, groups


@njit(cache=True, nogil=True, parallel=True)
def _weigh(powered, groups, multiplier, scale: float) -> None:
    """In place: `scale` times (each officer's `powered` times their group's multiplier),
    the two products in numpy's order."""
    for i in prange(powered.size):
        powered[i] = scale * (powered[i] * multiplier[groups[i]])


def engaged_officers(officers: Officers) -> np.ndarray:
    """The officers engaged in the running campaign, in id order (`np.flatnonzero(mode ==
    ENGAGED)`, the comparison and the listing on all the cores)."""
    return listed(_is_engaged(officers.mode))


@njit(cache=True, nogil=True, parallel=True)
def _is_engaged(mode) -> np.ndarray:
    engaged = np.empty(mode.size, np.bool_)
    for officer in prange(mode.size):
        engaged[officer] = mode[officer] == ENGAGED
    return engaged


def leave_after_target(
    officers: Officers,
    ids: np.ndarray,
    target_hours: float,
    continue_probability: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Engaged officers who reached the target go back to routine; returns who left."""
    reached = (officers.mode[ids] == ENGAGED) & (officers.campaign_hours[ids] >= target_hours)
    stays = rng.random(ids.size) < continue_probability
    leaving = ids[reached & ~stays]
    officers.mode[leaving] = ROUTINE
    return leaving


def add_campaign_hours(
    officers: Officers, ids: np.ndarray, hours: np.ndarray, target_hours: float
) -> int:
    """Count hours toward the running campaign; returns how many officers reached the target
    with them. (Whether they then step back is decided once per session or webinar, by
    `leave_after_target`.)"""
    before = officers.campaign_hours[ids]
    officers.campaign_hours[ids] = before + hours
    return int(((before < target_hours) & (officers.campaign_hours[ids] >= target_hours)).sum())


@njit(cache=True, nogil=True, parallel=True)
def count_session_hours_compiled(
    ids, hours, campaign_hours, mode, target_hours: float, continue_probability: float, uniforms
) -> tuple[int, int]:
    """`add_campaign_hours` and then `leave_after_target` for a batch of sessions (distinct
    officers), compiled for the fast engine: one visit per officer, on all the cores (this
    form; `small_batches`), instead of five numpy passes. The target is compared as the
    float32 numpy compares the float32 hours with; officer i stays on with `uniforms[i]`
    (`rng.random(ids.size)`, as the rule draws them). Returns (officers who reached the
    target, officers who stepped back). `tests/test_campaign_response.py` checks it against
    the numpy rules to the bit."""
    target = np.float32(target_hours)
    reached, leaving = 0, 0
    for i in prange(ids.size):
        officer = ids[i]
        before = campaign_hours[officer]
        after = before + hours[i]
        campaign_hours[officer] = after
        reached += before < target and after >= target
        stays = uniforms[i] < continue_probability
        if mode[officer] == ENGAGED and after >= target and not stays:
            mode[officer] = ROUTINE
            leaving += 1
    return reached, leaving


_count_session_hours_here = on_calling_core(count_session_hours_compiled)


@njit(cache=True, nogil=True)
def count_session_hours_by_size(
    ids, hours, campaign_hours, mode, target_hours: float, continue_probability: float,
    uniforms, below: int,
) -> tuple[int, int]:  # fmt: skip
    """`count_session_hours_compiled`, on the calling core for fewer than `below` officers."""
    arguments = (ids, hours, campaign_hours, mode, target_hours, continue_probability, uniforms)
    if ids.size < below:
        return _count_session_hours_here(*arguments)
    return count_session_hours_compiled(*arguments)


def register_first_timers(
    officers: Officers,
    in_scope: np.ndarray,
    first_day: int,
    last_day: int,
    share: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """A campaign brings staff in its scope who have not registered yet onto the platform:
    each with probability `share`, on a day of the window (exponentially soon after its
    first day, FIRST_TIME_MEAN_DAYS on average). Returns who registers earlier than they
    would have."""
    later = np.flatnonzero(in_scope & (officers.onboarded_day > first_day))
    chosen = later[rng.random(later.size) < share]
    delay = np.floor(rng.exponential(FIRST_TIME_MEAN_DAYS, chosen.size)).astype(np.int64)
    days = np.minimum(first_day + delay, last_day)
    days = np.minimum(days, officers.onboarded_day[chosen])
    officers.onboarded_day[chosen] = days
    officers.present[chosen] = days <= 0
    return chosen
