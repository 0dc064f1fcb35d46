"""Course assignments with a due date: an ACBP plan (each officer's ministry's most popular
ACBP courses) or a mandatory common list. Officers with courses pending pick one when
they enrol (with the configured compliance) and log in more often until the due date."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import simpy

from sim.agents.propensity import scale_propensity
from sim.config import SECTORS, SERVICE_GROUPS, AssignmentConfig
from sim.scenarios.policy import Completions, Policy
from sim.world.calendar import MINUTES_PER_DAY
from sim.world.catalog import COMMON, MINISTRY

CHUNK = 1_000_000  # officers whose gap courses are worked out at once (memory)

if TYPE_CHECKING:
    from sim.engines.run_state import RunState


class CourseAssignment(Policy):
    """Courses assigned to the targeted officers, pending until completed."""

    suggests = True

    def __init__(self, state: RunState, index: int, config: AssignmentConfig) -> None:
        super().__init__(state)
        self.index, self.config = index, config
        catalog = state.catalog
        popular_first = np.argsort(-catalog.popularity, kind="stable")
        k = config.courses
        if config.source == "common_recommended":
            common = popular_first[catalog.category[popular_first] == COMMON][:k]
            self.lists = np.full((1, k), -1, dtype=np.int64)
            self.lists[0, : common.size] = common
        else:
            self.lists = np.full((catalog.n_ministries, k), -1, dtype=np.int64)
            owned = popular_first[catalog.category[popular_first] == MINISTRY]
            for ministry in range(catalog.n_ministries):
                mine = owned[catalog.owner_ministry[owned] == ministry][:k]
                self.lists[ministry, : mine.size] = mine
        self.own: np.ndarray | None = None  # [officers, k] per-officer lists (role_gaps)
        self.pending = np.zeros(state.officers.n, dtype=np.uint8)  # bit j: course j to do
        self.assigned_total = 0
        self.completed_by_due: float | None = None

    def list_of(self, ids: np.ndarray) -> np.ndarray:
        if self.own is not None:
            return self.own[ids]
        if self.lists.shape[0] == 1:
            return np.broadcast_to(self.lists[0], (ids.size, self.lists.shape[1]))
        return self.lists[self.state.officers.ministry_id[ids]]

    def targeted(self) -> np.ndarray:
        officers, config = self.state.officers, self.config
        sectors = np.isin(officers.sector, [SECTORS.index(s) for s in config.target_sectors])
        groups = np.isin(
            officers.service_group, [SERVICE_GROUPS.index(g) for g in config.target_groups]
        )
        chosen = sectors & groups
        if config.target_designations:
            chosen &= np.isin(officers.role_id, config.target_designations)
        if config.target_ministries:
            names = self.state.population.organisations.table
            ids = names.loc[names["ministry"].isin(config.target_ministries), "ministry_id"]
            chosen &= np.isin(officers.ministry_id, ids.unique())
        return self.state.present(np.flatnonzero(chosen))

    def start(self, env: simpy.Environment) -> None:
        env.process(self._run(env))

    def _run(self, env: simpy.Environment):
        state, config = self.state, self.config
        calendar = state.calendar
        yield env.timeout(calendar.minute_of(config.assigned) + 10 * 60 - env.now)
        ids = self.targeted()
        if config.choose == "role_gaps":
            self.own = np.full((state.officers.n, config.courses), -1, dtype=np.int32)
            best = best_acbp_courses(state)
            for chunk in np.array_split(ids, max(1, ids.size // CHUNK)):
                self.own[chunk] = gap_courses(state, chunk, best, self.lists, config.courses)
        courses = self.list_of(ids)
        bits = (courses >= 0) * (1 << np.arange(courses.shape[1]))
        self.pending[ids] = bits.sum(axis=1).astype(np.uint8)
        self.assigned_total = self._pending_courses()
        rng = state.streams.fresh(f"policy.assignment.{self.index}.assigned")
        moved = scale_propensity(
            state.officers,
            ids,
            config.login_multiplier,
            int(env.now),
            state.routine_clock,
            rng,
            state.drive,
        )
        state.reschedule(moved)
        due_end = calendar.minute_of(config.due) + MINUTES_PER_DAY
        yield env.timeout(min(due_end, calendar.horizon_minutes - 1) - env.now)
        left = self._pending_courses()
        self.completed_by_due = 1 - left / self.assigned_total if self.assigned_total else 0.0
        rng = state.streams.fresh(f"policy.assignment.{self.index}.due")
        moved = scale_propensity(
            state.officers, ids, 1 / config.login_multiplier, int(env.now),
            state.routine_clock, rng, state.drive,
        )  # fmt: skip
        state.reschedule(moved)

    def _pending_courses(self) -> int:
        return int(np.unpackbits(self.pending[:, None], axis=1).sum())

    def suggest(self, ids: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """An officer with assigned courses pending picks the first of them, if compliant."""
        chosen = np.full(ids.size, -1, dtype=np.int64)
        pending = self.pending[ids]
        rows = np.flatnonzero(pending > 0)  # no draws before anything is assigned (CRN)
        rows = rows[rng.random(rows.size) < self.config.compliance]
        if rows.size:
            first = np.argmax((pending[rows, None] >> np.arange(8)) & 1, axis=1)
            first = np.minimum(first, self.lists.shape[1] - 1)
            chosen[rows] = self.list_of(ids[rows])[np.arange(rows.size), first]
        return chosen

    def on_completion(self, done: Completions) -> None:
        """Clear the completed assigned courses and mark them (with months late)."""
        matches = self.list_of(done.ids) == done.courses[:, None]
        assigned = matches.any(axis=1) & (self.pending[done.ids] > 0)
        if assigned.any():
            rows = np.flatnonzero(assigned)
            bit = np.argmax(matches[rows], axis=1)
            who = done.ids[rows]
            np.bitwise_and.at(self.pending, who, ~(1 << bit).astype(np.uint8))
        done.months_late[assigned] = self.months_late(done.day)
        done.assigned |= assigned

    def months_late(self, day: int) -> int:
        due = self.state.calendar.day_index(self.config.due)
        return max(0, day - due) // 30

    def kpis(self) -> dict[str, float]:
        if self.completed_by_due is None:
            return {}
        return {"assigned_courses_done_by_due": self.completed_by_due}


def best_acbp_courses(state: RunState) -> np.ndarray:
    """int64 [owners, competencies, level + 1]: the most popular ministry course of each
    owner teaching each competency at that level or above (-1: none)."""
    catalog, n_comp = state.catalog, state.competencies.dictionary.n
    best = np.full((catalog.n_ministries, n_comp, 6), -1, dtype=np.int64)
    acbp = np.flatnonzero(catalog.category == MINISTRY)
    for course in acbp[np.argsort(catalog.popularity[acbp], kind="stable")].tolist():
        level = int(catalog.level[course])  # the more popular come later and win
        best[catalog.owner_ministry[course], catalog.competency[course], 1 : level + 1] = course
    return best


def gap_courses(
    state: RunState, ids: np.ndarray, best: np.ndarray, popular: np.ndarray, k: int
) -> np.ndarray:
    """[officers, k]: each officer's ministry's courses teaching their unmet requirements
    (in their post's order; `best` from `best_acbp_courses`), then its most popular
    courses (`popular`), without repeats."""
    model = state.competencies
    ministry = state.officers.ministry_id[ids].astype(np.int64)
    required = model.roles.required[model.profile[ids]].astype(np.int64)
    need = model.roles.level[model.profile[ids]].astype(np.int64)
    unmet = (model.levels[ids] < need) & (need > 0)
    targets = np.where(unmet, best[ministry[:, None], np.maximum(required, 0), need], -1)
    candidates = np.concatenate([targets, popular[ministry]], axis=1)
    chosen = np.full((ids.size, k), -1, dtype=np.int64)
    filled = np.zeros(ids.size, dtype=np.int64)
    rows = np.arange(ids.size)
    for column in candidates.T:
        fresh = (column >= 0) & (filled < k) & ~(chosen == column[:, None]).any(axis=1)
        chosen[rows[fresh], filled[fresh]] = column[fresh]
        filled += fresh
    return chosen
