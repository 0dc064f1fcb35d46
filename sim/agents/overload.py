"""What a learner does when the platform is full and turns their session away."""

from __future__ import annotations

import numpy as np

from sim.config import OverloadConfig
from sim.world.population import Officers


def turn_away(
    officers: Officers,
    ids: np.ndarray,
    minutes: np.ndarray,
    config: OverloadConfig,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Officers whose session the platform rejected lose some propensity; some retry after
    an exponential delay. Returns a mask of those retrying and their retry minutes."""
    officers.routine_logins_per_day[ids] *= np.float32(1.0 - config.propensity_loss)
    retry = rng.random(ids.size) < config.retry_probability
    delay = np.maximum(np.rint(rng.exponential(config.retry_after_minutes, ids.size)), 1)
    return retry, (minutes + delay).astype(np.int32)
