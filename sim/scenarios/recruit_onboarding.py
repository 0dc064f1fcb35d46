"""New recruits take the most popular common courses first: their onboarding."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.agents.onboarding_suggestion import OnboardingSuggestion
from sim.scenarios.policy import Policy
from sim.world.catalog import COMMON

if TYPE_CHECKING:
    from sim.engines.run_state import RunState


class RecruitOnboarding(Policy):
    suggests = True

    def __init__(self, state: RunState, count: int, compliance: float) -> None:
        super().__init__(state)
        catalog = state.catalog
        popular_first = np.argsort(-catalog.popularity, kind="stable")
        self.courses = popular_first[catalog.category[popular_first] == COMMON][:count]
        self.compliance = compliance

    def suggest(self, ids: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        officers = self.state.officers
        chosen = np.full(ids.size, -1, dtype=np.int64)
        done = officers.completions[ids].astype(np.int64)
        rows = np.flatnonzero(officers.recruit[ids] & (done < self.courses.size))
        rows = rows[rng.random(rows.size) < self.compliance]
        chosen[rows] = self.courses[done[rows]]
        return chosen

    def compiled_suggestion(self) -> OnboardingSuggestion:
        """The same suggestions for the fast engine's session kernel to make itself."""
        return OnboardingSuggestion(self.courses, self.compliance)
