"""The policies of a scenario, in the order their hooks run: who suggests a course first
(recruits' onboarding, then assignments, then gap-targeted recommendations), and
completions seen by assignments before karma."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import simpy

from sim.agents.enrolment import Recommender
from sim.agents.onboarding_suggestion import OnboardingSuggestion
from sim.results.kpis import combined
from sim.scenarios.assignments import CourseAssignment
from sim.scenarios.karma import Karma
from sim.scenarios.mdo_programmes import MdoProgramme
from sim.scenarios.nudges import InactivityAlert, WeeklyReminder
from sim.scenarios.policy import Completions, Policy
from sim.scenarios.recommendations import GapRecommendations
from sim.scenarios.recruit_onboarding import RecruitOnboarding
from sim.scenarios.workforce import WorkforceFlows

if TYPE_CHECKING:
    from sim.engines.run_state import RunState


class PolicySet:
    def __init__(self, policies: list[Policy]) -> None:
        self.policies = policies
        # the hooks run on the hot path: only policies that define them are called
        self._on_completion = [p for p in policies if _defines(p, "on_completion")]
        self._on_attendance = [p for p in policies if _defines(p, "on_attendance")]

    @classmethod
    def for_scenario(cls, state: RunState) -> PolicySet:
        scenario = state.scenario
        config, workforce = scenario.policies, scenario.workforce
        policies: list[Policy] = []
        joining = workforce.growth or state.scenario.population.adoption is not None
        if joining and workforce.onboarding_courses:
            policies.append(
                RecruitOnboarding(
                    state, workforce.onboarding_courses, workforce.onboarding_compliance
                )
            )
        policies += [CourseAssignment(state, i, a) for i, a in enumerate(config.assignments)]
        if scenario.recommendations.mode == "gap_targeted":
            policies.append(GapRecommendations(state, scenario.recommendations))
        if config.weekly_reminder is not None:
            policies.append(WeeklyReminder(state, config.weekly_reminder))
        if config.inactivity_alert is not None:
            policies.append(InactivityAlert(state, config.inactivity_alert))
        karma = Karma(state, config.karma) if config.karma.enabled else None
        if karma is not None:
            policies.append(karma)
        if workforce.retirement_per_year or workforce.transfer_per_year or workforce.growth:
            policies.append(WorkforceFlows(state, workforce))
        policies += [MdoProgramme(state, i, p, karma) for i, p in enumerate(config.mdo_programmes)]
        return cls(policies)

    def start(self, env: simpy.Environment) -> None:
        for policy in self.policies:
            policy.start(env)

    def recommender(self) -> Recommender | None:
        """The policies' course suggestions chained: the first to suggest wins; None for
        popularity-driven self-selection."""
        chain = [p.suggest for p in self.policies if p.suggests]
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

    def compiled_recommender(self) -> OnboardingSuggestion | None:
        """`recommender()` as the session kernel runs it, when a single policy suggests
        and has a compiled form; None otherwise (no suggestions, or Python ones)."""
        chain = [p for p in self.policies if p.suggests]
        return chain[0].compiled_suggestion() if len(chain) == 1 else None

    def on_completion(self, ids: np.ndarray, courses: np.ndarray, day: int) -> None:
        if not self._on_completion:
            return
        done = Completions.of(ids, courses, day)
        for policy in self._on_completion:
            policy.on_completion(done)

    def on_attendance(self, ids: np.ndarray) -> None:
        for policy in self._on_attendance:
            policy.on_attendance(ids)

    def kpis(self) -> dict[str, float]:
        """Every policy's KPIs (agent units); one reported by several policies of a kind
        (two assignments, two programmes) is combined as the registry says."""
        reported: dict[str, list[float]] = {}
        for policy in self.policies:
            for name, value in policy.kpis().items():
                reported.setdefault(name, []).append(value)
        return {name: combined(name, values) for name, values in reported.items()}


def _defines(policy: Policy, hook: str) -> bool:
    """Whether the policy's class overrides `hook` (the base class's does nothing)."""
    return getattr(type(policy), hook) is not getattr(Policy, hook)
