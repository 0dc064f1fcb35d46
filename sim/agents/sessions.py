"""How long officers stay when they log in."""

from __future__ import annotations

import numpy as np

from sim.config import SessionConfig


def session_minutes(config: SessionConfig, n: int, rng: np.random.Generator) -> np.ndarray:
    """Lognormal sitting lengths in whole minutes, between 1 and the configured maximum."""
    minutes = config.median_minutes * np.exp(config.sigma * rng.standard_normal(n))
    return np.clip(np.rint(minutes), 1, config.max_minutes).astype(np.int32)
