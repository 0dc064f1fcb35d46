"""Sessions: who takes a campaign up when they log in, how long they stay, when they return."""

from __future__ import annotations

import numpy as np

from sim.agents.activity import IntensityClock
from sim.calendar import NEVER
from sim.config import BehaviourConfig, SessionConfig
from sim.population import ENGAGED, Officers


def session_minutes(config: SessionConfig, n: int, rng: np.random.Generator) -> np.ndarray:
    """Lognormal sitting lengths in whole minutes, between 1 and the configured maximum."""
    minutes = config.median_minutes * np.exp(config.sigma * rng.standard_normal(n))
    return np.clip(np.rint(minutes), 1, config.max_minutes).astype(np.int32)


def take_up(officers: Officers, ids: np.ndarray, when: np.ndarray) -> np.ndarray:
    """Officers whose campaign take-up time has come become engaged; returns them."""
    newly = ids[officers.engage_min[ids] <= when]
    officers.mode[newly] = ENGAGED
    officers.engage_min[newly] = NEVER
    return newly


def session_budgets(
    officers: Officers, ids: np.ndarray, behaviour: BehaviourConfig, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Minutes each officer will sit for, and whether they sit as an engaged learner."""
    engaged = officers.mode[ids] == ENGAGED
    budget = np.empty(ids.size, dtype=np.int32)
    budget[~engaged] = session_minutes(behaviour.routine_session, int((~engaged).sum()), rng)
    budget[engaged] = session_minutes(behaviour.engaged_session, int(engaged.sum()), rng)
    return budget, engaged


def next_session_starts(
    officers: Officers,
    ids: np.ndarray,
    after: np.ndarray,
    exp_draws: np.ndarray,
    routine_clock: IntensityClock,
    engaged_clock: IntensityClock | None,
    engaged_logins_per_day: float,
) -> np.ndarray:
    """Each officer's next login after `after` (routine or engaged clock), or their pending
    campaign take-up if that comes first."""
    engaged = officers.mode[ids] == ENGAGED
    nxt = np.empty(ids.size, dtype=np.int32)
    routine = ~engaged
    nxt[routine] = routine_clock.next_event(
        after[routine], officers.routine_logins_per_day[ids[routine]], exp_draws[routine]
    )
    if engaged.any():
        if engaged_clock is None:
            raise RuntimeError("engaged officers outside a campaign")
        rate = np.full(int(engaged.sum()), engaged_logins_per_day)
        nxt[engaged] = engaged_clock.next_event(after[engaged], rate, exp_draws[engaged])
    return np.minimum(nxt, officers.engage_min[ids])
