"""A ministry's own programme (face-to-face or blended): nominations when it is announced,
approval after a delay, then each session's seats filled in order of approval."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import simpy

from sim.config import COMPETENCY_AREAS, MdoProgrammeConfig
from sim.scenarios.karma import Karma
from sim.scenarios.policy import Policy, at

if TYPE_CHECKING:
    from sim.engines.run_state import RunState


class MdoProgramme(Policy):
    def __init__(
        self, state: RunState, index: int, config: MdoProgrammeConfig, karma: Karma | None
    ) -> None:
        super().__init__(state)
        self.index, self.config, self.karma = index, config, karma
        self.nominated = 0
        self.attendances = 0

    def start(self, env: simpy.Environment) -> None:
        env.process(self._run(env))

    def _run(self, env: simpy.Environment):
        state, config = self.state, self.config
        calendar, officers = state.calendar, state.officers
        yield at(env, calendar.day_index(config.announce), 10 * 60)
        table = state.population.organisations.table
        ministry = table.loc[table["ministry"] == config.ministry, "ministry_id"].iloc[0]
        rng = state.streams.fresh(f"policy.programme.{self.index}")
        staff = state.present(np.flatnonzero(officers.ministry_id == ministry))
        nominees = rng.permutation(staff[rng.random(staff.size) < config.nomination_share])
        self.nominated += nominees.size
        approval = calendar.day_index(config.announce) + config.approval_days
        yield at(env, approval, 10 * 60)
        seats = int(np.ceil(config.seats_per_session / state.scenario.scale))
        queue = nominees
        area = COMPETENCY_AREAS.index(config.competency_area)
        for session in sorted(config.sessions):
            yield at(env, calendar.day_index(session), 9 * 60 + 30)
            queue = state.present(queue)
            attendees, queue = queue[:seats], queue[seats:]
            state.attend_programme(attendees, config.hours, int(env.now), config.mode == "blended")
            state.competencies.practise(attendees, area, state.competencies.pass_probability, rng)
            self.attendances += attendees.size
            if self.karma is not None:
                self.karma.award_programme(attendees)

    def kpis(self) -> dict[str, float]:
        return {
            "programme_nominations": float(self.nominated),
            "programme_attendances": float(self.attendances),
        }
