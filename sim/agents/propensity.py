"""Rules that move an officer's next login: a change of propensity (a mandate's deadline,
a leaderboard's motivation) and a prompt (a reminder, an alert).

Logins are memoryless, so after a change of rate the pending routine login is redrawn
from now; a prompt can only bring a login forward. Both return the officers whose next
login moved, for the engine to reschedule.
"""

from __future__ import annotations

import numpy as np

from sim.agents.activity import IntensityClock
from sim.agents.presence import on_platform
from sim.agents.sessions import OnboardingDrive, routine_rates
from sim.world.population import ROUTINE, Officers


def scale_propensity(
    officers: Officers,
    ids: np.ndarray,
    factor: float,
    now: int,
    routine_clock: IntensityClock,
    rng: np.random.Generator,
    drive: OnboardingDrive | None = None,
) -> np.ndarray:
    officers.routine_logins_per_day[ids] *= np.float32(factor)
    routine = on_platform(officers, ids[officers.mode[ids] == ROUTINE])
    nxt = routine_clock.next_event(
        np.full(routine.size, now, np.int64),
        routine_rates(officers, routine, drive),
        rng.standard_exponential(routine.size),
    )
    officers.next_login_min[routine] = np.minimum(nxt, officers.engage_min[routine])
    return routine


def prompt_login(
    officers: Officers,
    ids: np.ndarray,
    now: int,
    effect: float,
    response_minutes: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """A share `effect` of the prompted officers log in within about `response_minutes`."""
    responding = on_platform(officers, ids[rng.random(ids.size) < effect])
    at = now + np.maximum(np.ceil(rng.exponential(response_minutes, responding.size)), 1)
    at = at.astype(np.int64)
    sooner = at < officers.next_login_min[responding]
    moved = responding[sooner]
    officers.next_login_min[moved] = at[sooner]
    return moved
