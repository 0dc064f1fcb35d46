"""Karma points with the platform's rules (published_figures: platform_code_facts) and
monthly leaderboards within each organisation: last month's top officers log in more
often for the month.

Points: 5 per completion (4 non-ACBP completions rewarded a month), an assigned (ACBP)
course 5 more less one per month late, 5 per event attended, 10 per programme. First
login, first enrolment, rating points and weekly claps are not modelled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import simpy

from sim.agents.propensity import scale_propensity
from sim.config import KarmaConfig
from sim.scenarios.policy import Completions, Policy, at

if TYPE_CHECKING:
    from sim.engines.run_state import RunState

KARMA_COMPLETION = 5
KARMA_ACBP_BONUS = 5
KARMA_REWARDED_PER_MONTH = 4
KARMA_EVENT = 5
KARMA_PROGRAMME = 10  # curated programme completion


class Karma(Policy):
    def __init__(self, state: RunState, config: KarmaConfig) -> None:
        super().__init__(state)
        self.config = config
        self.motivated = np.empty(0, dtype=np.int64)

    def on_completion(self, done: Completions) -> None:
        officers = self.state.officers
        ids, assigned, late = done.ids, done.assigned, done.months_late
        points = np.zeros(ids.size, dtype=np.int64)
        points[assigned] = KARMA_COMPLETION + KARMA_ACBP_BONUS - np.minimum(late[assigned], 5)
        others = ids[~assigned]
        rewarded = officers.karma_rewarded[others] < KARMA_REWARDED_PER_MONTH
        points[np.flatnonzero(~assigned)[rewarded]] = KARMA_COMPLETION
        np.add.at(officers.karma_rewarded, others[rewarded], 1)
        self.award(ids, points)

    def on_attendance(self, ids: np.ndarray) -> None:
        self.award(ids, np.full(ids.size, KARMA_EVENT))

    def award_programme(self, ids: np.ndarray) -> None:
        self.award(ids, np.full(ids.size, KARMA_PROGRAMME))

    def award(self, ids: np.ndarray, points: np.ndarray) -> None:
        officers = self.state.officers
        np.add.at(officers.karma_month, ids, points.astype(np.int16))
        np.add.at(officers.karma_total, ids, points.astype(np.int32))

    def start(self, env: simpy.Environment) -> None:
        env.process(self._leaderboards(env))

    def _leaderboards(self, env: simpy.Environment):
        """On the 1st of each month: last month's top officers in each organisation are
        motivated for the month; the month's points start again."""
        state, config = self.state, self.config
        for day in range(1, state.calendar.n_days):
            if state.calendar.dates[day].day != 1:
                continue
            yield at(env, day, 0)
            officers = state.officers
            rng = state.streams.fresh("policy.leaderboard", day)
            now = int(env.now)
            moved = [
                scale_propensity(
                    officers, self.motivated, 1 / config.motivation_multiplier, now,
                    state.routine_clock, rng, state.drive,
                )
            ]  # fmt: skip
            self.motivated = self._leaders(config.leaderboard_top_share)
            moved.append(
                scale_propensity(
                    officers, self.motivated, config.motivation_multiplier, now,
                    state.routine_clock, rng, state.drive,
                )
            )  # fmt: skip
            state.reschedule(np.concatenate(moved))
            officers.karma_month[:] = 0
            officers.karma_rewarded[:] = 0

    def _leaders(self, share: float) -> np.ndarray:
        state = self.state
        officers = state.officers
        scoring = state.present(np.flatnonzero(officers.karma_month > 0))
        if scoring.size == 0:
            return scoring
        org = officers.org_id[scoring].astype(np.int64)
        order = np.lexsort((-officers.karma_month[scoring].astype(np.int64), org))
        sorted_org = org[order]
        first = np.searchsorted(sorted_org, sorted_org, side="left")
        rank = np.arange(order.size) - first
        staffed = officers.org_id[state.present(np.arange(officers.n))]
        staff = np.bincount(staffed, minlength=int(officers.org_id.max()) + 1)
        places = np.ceil(share * staff[sorted_org])
        return scoring[order[rank < places]]

    def kpis(self) -> dict[str, float]:
        return {"karma_points": float(self.state.officers.karma_total.sum(dtype=np.int64))}
