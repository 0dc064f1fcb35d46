"""The workforce's flows: officers retire and move to new roles (which opens competency
gaps) at yearly rates, and, with growth, join the platform along the published curve
(the joining itself is drawn with the population; see `sim.world.population`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import simpy

from sim.config import WorkforceConfig
from sim.scenarios.policy import Policy, at
from sim.world.population import NO_DAY

if TYPE_CHECKING:
    from sim.engines.run_state import RunState


class WorkforceFlows(Policy):
    def __init__(self, state: RunState, config: WorkforceConfig) -> None:
        super().__init__(state)
        self.config = config
        self.retirements = 0
        self.transfers = 0

    @property
    def flows(self) -> bool:
        return bool(self.config.retirement_per_year or self.config.transfer_per_year)

    def start(self, env: simpy.Environment) -> None:
        if self.flows:
            env.process(self._run(env))

    def _run(self, env: simpy.Environment):
        """Each day at 00:00: some officers retire, some move to a new role."""
        state, config = self.state, self.config
        for day in range(state.calendar.n_days):
            yield at(env, day, 0)
            rng = state.streams.fresh("workforce", day)
            n = state.officers.n
            retiring = rng.integers(0, n, rng.binomial(n, config.retirement_per_year / 365))
            self.retirements += state.retire(np.unique(retiring), day).size
            moving = rng.integers(0, n, rng.binomial(n, config.transfer_per_year / 365))
            moving = state.present(np.unique(moving))
            if moving.size:
                state.competencies.transfer(moving, rng)
                self.transfers += moving.size

    def kpis(self) -> dict[str, float]:
        result: dict[str, float] = {}
        if self.flows:
            result["retirements"] = float(self.retirements)
            result["transfers"] = float(self.transfers)
        if self.config.growth:
            officers = self.state.officers
            result["joined"] = float((officers.onboarded_day > 0).sum())
            result["recruits"] = float(officers.recruit.sum())
            result["officers_end"] = float((officers.left_day == NO_DAY).sum())
        return result
