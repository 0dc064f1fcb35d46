"""Sessions: who takes a campaign up when they log in, how long they stay, when they return."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.agents.activity import IntensityClock
from sim.config import BehaviourConfig, SessionConfig
from sim.world.calendar import NEVER
from sim.world.population import ENGAGED, Officers

if TYPE_CHECKING:
    from sim.agents.campaign_phases import ActiveCampaign


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
    return budgets_for(engaged, behaviour, rng), engaged


def budgets_for(
    engaged: np.ndarray, behaviour: BehaviourConfig, rng: np.random.Generator
) -> np.ndarray:
    """Minutes each officer will sit for, routine or `engaged`: the routine sittings drawn
    first, then the engaged ones."""
    budget = np.empty(engaged.size, dtype=np.int32)
    budget[~engaged] = session_minutes(behaviour.routine_session, int((~engaged).sum()), rng)
    budget[engaged] = session_minutes(behaviour.engaged_session, int(engaged.sum()), rng)
    return budget


@dataclass(frozen=True)
class OnboardingDrive:
    """Newcomers (`officers.recruit`) log in at `logins_per_day` until they have completed
    `courses` courses, then at their routine rate."""

    courses: int
    logins_per_day: float

    def login_rates(self, officers: Officers, ids: np.ndarray) -> np.ndarray:
        rates = officers.routine_logins_per_day[ids]
        newcomer = officers.recruit[ids] & (officers.completions[ids] < self.courses)
        return np.where(newcomer, np.float32(self.logins_per_day), rates)


def routine_rates(officers: Officers, ids: np.ndarray, drive: OnboardingDrive | None) -> np.ndarray:
    """Each officer's login rate outside a campaign (per working day)."""
    if drive is None:
        return officers.routine_logins_per_day[ids]
    return drive.login_rates(officers, ids)


def next_session_starts(
    officers: Officers,
    ids: np.ndarray,
    after: np.ndarray,
    exp_draws: np.ndarray,
    routine_clock: IntensityClock,
    campaign: ActiveCampaign | None,
    drive: OnboardingDrive | None = None,
) -> np.ndarray:
    """Each officer's next login after `after` (on the routine clock, or the running
    campaign's for engaged officers), or their pending campaign take-up if that is sooner."""
    engaged = officers.mode[ids] == ENGAGED
    nxt = np.empty(ids.size, dtype=np.int32)
    routine = ~engaged
    nxt[routine] = routine_clock.next_event(
        after[routine], routine_rates(officers, ids[routine], drive), exp_draws[routine]
    )
    if engaged.any():
        if campaign is None:
            raise RuntimeError("engaged officers outside a campaign")
        nxt[engaged] = campaign.engaged_next(
            officers, ids[engaged], after[engaged], exp_draws[engaged]
        )
    nxt = np.minimum(nxt, officers.engage_min[ids])
    return np.where(officers.present[ids], nxt, NEVER)
