"""Who is on the platform: one mask, `officers.present`, for every rule and policy.

An officer is present from 00:00 of their onboarding day until they leave the service.
Officers not yet onboarded or retired never log in, take a campaign up, attend a webinar
or programme, or receive a reminder or an assignment.
"""

from __future__ import annotations

import numpy as np

from sim.world.calendar import NEVER
from sim.world.population import ROUTINE, Officers


def on_platform(officers: Officers, ids: np.ndarray) -> np.ndarray:
    """Those of `ids` who are present now."""
    return ids[officers.present[ids]]


def leave(officers: Officers, ids: np.ndarray, day: int) -> np.ndarray:
    """Officers retire: off the platform, out of any campaign, no more logins. Returns
    those who left (officers already gone are skipped)."""
    ids = on_platform(officers, ids)
    officers.left_day[ids] = day
    officers.present[ids] = False
    officers.mode[ids] = ROUTINE
    officers.engage_min[ids] = NEVER
    officers.next_login_min[ids] = NEVER
    return ids
