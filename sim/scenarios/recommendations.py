"""Course recommendations as a policy: popularity-driven self-selection (the default), or
gap-targeted recommendations that point an officer to a course for a competency their
role requires and they lack."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sim.agents.competencies import CompetencyModel
from sim.catalog import Catalog
from sim.config import RecommendationConfig, Scenario

MAX_LEVEL = 5


class GapRecommender:
    """For each officer, a course that closes one of their gaps (-1 if they do not follow
    the recommendation, have no gap, or no course teaches it at the level needed)."""

    def __init__(
        self, config: RecommendationConfig, model: CompetencyModel, catalog: Catalog
    ) -> None:
        self.follow = config.follow_probability
        self.model = model
        # Courses teaching competency c at level >= L, grouped by key c * (MAX_LEVEL+1) + L.
        keys, courses = [], []
        for level in range(1, MAX_LEVEL + 1):
            able = np.flatnonzero(catalog.level >= level)
            keys.append(catalog.competency[able].astype(np.int64) * (MAX_LEVEL + 1) + level)
            courses.append(able)
        key, course = np.concatenate(keys), np.concatenate(courses)
        order = np.argsort(key, kind="stable")
        self.keys, self.courses = key[order], course[order]

    def __call__(self, ids: np.ndarray, rng: np.random.Generator) -> np.ndarray:
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


def recommender_for(
    scenario: Scenario, model: CompetencyModel, catalog: Catalog, first: list | None = None
) -> Callable[[np.ndarray, np.random.Generator], np.ndarray] | None:
    """The scenario's course suggestions: `first` (e.g. assigned courses), then gap-targeted
    recommendations if the scenario has them; None for popularity-driven self-selection."""
    chain = list(first or [])
    if scenario.recommendations.mode == "gap_targeted":
        chain.append(GapRecommender(scenario.recommendations, model, catalog))
    if not chain:
        return None
    if len(chain) == 1:
        return chain[0]

    def suggest(ids: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        chosen = np.full(ids.size, -1, dtype=np.int64)
        for recommend in chain:
            open_ = np.flatnonzero(chosen < 0)
            if open_.size == 0:
                break
            chosen[open_] = recommend(ids[open_], rng)
        return chosen

    return suggest
