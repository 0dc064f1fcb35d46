"""Course recommendations as a policy: popularity-driven self-selection (the default), or
gap-targeted recommendations that point an officer to a course for a competency their
role requires and they lack."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.config import RecommendationConfig
from sim.scenarios.policy import Policy

if TYPE_CHECKING:
    from sim.engines.run_state import RunState

MAX_LEVEL = 5


class GapRecommendations(Policy):
    """For each officer, a course that closes one of their gaps (-1 if they do not follow
    the recommendation, have no gap, or no course teaches it at the level needed)."""

    suggests = True

    def __init__(self, state: RunState, config: RecommendationConfig) -> None:
        super().__init__(state)
        self.follow = config.follow_probability
        self.model = state.competencies
        catalog = state.catalog
        # Courses teaching competency c at level >= L, grouped by key c * (MAX_LEVEL+1) + L.
        keys, courses = [], []
        for level in range(1, MAX_LEVEL + 1):
            able = np.flatnonzero(catalog.level >= level)
            keys.append(catalog.competency[able].astype(np.int64) * (MAX_LEVEL + 1) + level)
            courses.append(able)
        key, course = np.concatenate(keys), np.concatenate(courses)
        order = np.argsort(key, kind="stable")
        self.keys, self.courses = key[order], course[order]

    def suggest(self, ids: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        chosen = np.full(ids.size, -1, dtype=np.int64)
        following = np.flatnonzero(rng.random(ids.size) < self.follow)
        if following.size == 0:
            return chosen
        competency, level = self.model.gaps(ids[following], rng)
        key = competency.astype(np.int64) * (MAX_LEVEL + 1) + level
        low = np.searchsorted(self.keys, key, side="left")
        high = np.searchsorted(self.keys, key, side="right")
        available = (competency >= 0) & (high > low)
        pick = low + np.floor(rng.random(following.size) * (high - low)).astype(np.int64)
        rows = following[available]
        chosen[rows] = self.courses[pick[available]]
        return chosen
