"""How officers respond to a campaign: who takes it up, and when they stop.

Taking a campaign up is an event in time (a hazard shaped by the launch surge and the
deadline rush); an officer's weight scales with their routine propensity and service
group. Engaged officers log in at the campaign rate until they reach the target hours,
after which most go back to their routine (some keep going).
"""

from __future__ import annotations

import numpy as np

from sim.config import SERVICE_GROUPS, EngagementConfig
from sim.world.population import ENGAGED, ROUTINE, Officers


def engagement_weights(
    officers: Officers, ids: np.ndarray, config: EngagementConfig, median_rate: float
) -> np.ndarray:
    relative = officers.routine_logins_per_day[ids] / median_rate
    group = np.array([config.group_multiplier.get(g, 1.0) for g in SERVICE_GROUPS])
    return (
        relative.astype(float) ** config.propensity_elasticity * group[officers.service_group[ids]]
    )


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
