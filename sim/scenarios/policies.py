"""Policies beyond the campaign window, each configured in the scenario's `policies` and
`workforce` sections: course assignments with due dates (ACBP plans, mandatory lists),
weekly reminders, inactivity alerts, karma points with monthly leaderboards, and the
workforce flows (retirement, transfers).

A `PolicySet` attaches them to a running engine. It only needs what both engines offer:
the officer arrays, random streams, the routine login clock, the competency model, and
`reschedule(ids)` for officers whose next login it moved. Its processes are SimPy
processes on the engine's environment; its course suggestions and completion hooks are
called by the shared learning rules.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import simpy

from sim.agents.propensity import leave, present, prompt_login, scale_propensity
from sim.calendar import MINUTES_PER_DAY
from sim.catalog import COMMON, MINISTRY
from sim.config import (
    COMPETENCY_AREAS,
    SECTORS,
    SERVICE_GROUPS,
    AssignmentConfig,
    MdoProgrammeConfig,
)
from sim.population import ENGAGED, NO_DAY

KARMA_COMPLETION = 5  # platform_code_facts.karma_points
KARMA_ACBP_BONUS = 5
KARMA_REWARDED_PER_MONTH = 4
KARMA_EVENT = 5
KARMA_PROGRAMME = 10  # curated programme completion
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")


class Assignment:
    """Courses assigned to the targeted officers, pending until completed."""

    def __init__(self, index: int, config: AssignmentConfig, engine: Any) -> None:
        self.index, self.config, self.engine = index, config, engine
        catalog, officers = engine.catalog, engine.officers
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
        self.pending = np.zeros(officers.n, dtype=np.uint8)  # bit j: course j still to do
        self.assigned_total = 0
        self.completed_by_due: float | None = None

    def list_of(self, ids: np.ndarray) -> np.ndarray:
        officers = self.engine.officers
        if self.lists.shape[0] == 1:
            return np.broadcast_to(self.lists[0], (ids.size, self.lists.shape[1]))
        return self.lists[officers.ministry_id[ids]]

    def targeted(self) -> np.ndarray:
        officers, config = self.engine.officers, self.config
        sectors = np.isin(officers.sector, [SECTORS.index(s) for s in config.target_sectors])
        groups = np.isin(
            officers.service_group, [SERVICE_GROUPS.index(g) for g in config.target_groups]
        )
        chosen = sectors & groups
        if config.target_designations:
            chosen &= np.isin(officers.role_id, config.target_designations)
        if config.target_ministries:
            names = self.engine.population.organisations.table
            ids = names.loc[names["ministry"].isin(config.target_ministries), "ministry_id"]
            chosen &= np.isin(officers.ministry_id, ids.unique())
        return present(officers, np.flatnonzero(chosen))

    def process(self, env: simpy.Environment):
        engine, config = self.engine, self.config
        calendar = engine.calendar
        yield env.timeout(calendar.minute_of(config.assigned) + 10 * 60 - env.now)
        ids = self.targeted()
        courses = self.list_of(ids)
        bits = (courses >= 0) * (1 << np.arange(courses.shape[1]))
        self.pending[ids] = bits.sum(axis=1).astype(np.uint8)
        self.assigned_total = int(np.unpackbits(self.pending[:, None], axis=1).sum())
        rng = engine.streams.fresh(f"policy.assignment.{self.index}.assigned")
        moved = scale_propensity(
            engine.officers, ids, config.login_multiplier, int(env.now), engine.routine_clock, rng
        )
        engine.reschedule(moved)
        due_end = calendar.minute_of(config.due) + MINUTES_PER_DAY
        yield env.timeout(min(due_end, calendar.horizon_minutes - 1) - env.now)
        left = int(np.unpackbits(self.pending[:, None], axis=1).sum())
        self.completed_by_due = 1 - left / self.assigned_total if self.assigned_total else 0.0
        rng = engine.streams.fresh(f"policy.assignment.{self.index}.due")
        moved = scale_propensity(
            engine.officers, ids, 1 / config.login_multiplier, int(env.now),
            engine.routine_clock, rng,
        )  # fmt: skip
        engine.reschedule(moved)

    def recommend(self, ids: np.ndarray, rng: np.random.Generator) -> np.ndarray:
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

    def complete(self, ids: np.ndarray, courses: np.ndarray) -> np.ndarray:
        """Clear the completed assigned courses; returns which completions were assigned."""
        matches = self.list_of(ids) == courses[:, None]
        assigned = matches.any(axis=1) & (self.pending[ids] > 0)
        if assigned.any():
            rows = np.flatnonzero(assigned)
            bit = np.argmax(matches[rows], axis=1)
            who = ids[rows]
            np.bitwise_and.at(self.pending, who, ~(1 << bit).astype(np.uint8))
        return assigned

    def months_late(self, day: int) -> int:
        due = self.engine.calendar.day_index(self.config.due)
        return max(0, day - due) // 30


class RecruitOnboarding:
    """New recruits take the most popular common courses first (their onboarding)."""

    def __init__(self, count: int, compliance: float, engine: Any) -> None:
        catalog = engine.catalog
        popular_first = np.argsort(-catalog.popularity, kind="stable")
        self.courses = popular_first[catalog.category[popular_first] == COMMON][:count]
        self.compliance, self.engine = compliance, engine

    def recommend(self, ids: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        officers = self.engine.officers
        chosen = np.full(ids.size, -1, dtype=np.int64)
        done = officers.completions[ids].astype(np.int64)
        rows = np.flatnonzero(officers.recruit[ids] & (done < self.courses.size))
        rows = rows[rng.random(rows.size) < self.compliance]
        chosen[rows] = self.courses[done[rows]]
        return chosen


class PolicySet:
    def __init__(self, scenario, engine: Any) -> None:
        self.scenario, self.engine = scenario, engine
        policies = scenario.policies
        self.assignments = [
            Assignment(i, config, engine) for i, config in enumerate(policies.assignments)
        ]
        self.karma = policies.karma if policies.karma.enabled else None
        workforce = scenario.workforce
        self.onboarding = (
            RecruitOnboarding(workforce.onboarding_courses, workforce.onboarding_compliance, engine)
            if workforce.growth and workforce.onboarding_courses
            else None
        )
        self.motivated = np.empty(0, dtype=np.int64)
        self.reminders = 0
        self.alerts = 0
        self.retirements = 0
        self.transfers = 0
        self.nominated = 0
        self.programme_attendances = 0

    # ---- hooks called by the shared rules ---------------------------------------------
    def recommenders(self) -> list:
        first = [self.onboarding.recommend] if self.onboarding else []
        return first + [a.recommend for a in self.assignments]

    def on_completion(self, ids: np.ndarray, courses: np.ndarray, day: int) -> None:
        officers = self.engine.officers
        assigned = np.zeros(ids.size, dtype=bool)
        late = np.zeros(ids.size, dtype=np.int64)
        for assignment in self.assignments:
            done = assignment.complete(ids, courses)
            late[done] = assignment.months_late(day)
            assigned |= done
        if self.karma is None:
            return
        points = np.zeros(ids.size, dtype=np.int64)
        points[assigned] = KARMA_COMPLETION + KARMA_ACBP_BONUS - np.minimum(late[assigned], 5)
        others = ids[~assigned]
        rewarded = officers.karma_rewarded[others] < KARMA_REWARDED_PER_MONTH
        points[np.flatnonzero(~assigned)[rewarded]] = KARMA_COMPLETION
        np.add.at(officers.karma_rewarded, others[rewarded], 1)
        self._award(ids, points)

    def attended(self, ids: np.ndarray) -> None:
        if self.karma is not None:
            self._award(ids, np.full(ids.size, KARMA_EVENT))

    def _award(self, ids: np.ndarray, points: np.ndarray) -> None:
        officers = self.engine.officers
        np.add.at(officers.karma_month, ids, points.astype(np.int16))
        np.add.at(officers.karma_total, ids, points.astype(np.int32))

    # ---- processes --------------------------------------------------------------------
    def start(self, env: simpy.Environment) -> None:
        for assignment in self.assignments:
            env.process(assignment.process(env))
        policies, workforce = self.scenario.policies, self.scenario.workforce
        if policies.weekly_reminder is not None:
            env.process(self._reminders(env))
        if policies.inactivity_alert is not None:
            env.process(self._alerts(env))
        if self.karma is not None:
            env.process(self._leaderboards(env))
        if workforce.retirement_per_year or workforce.transfer_per_year:
            env.process(self._workforce(env))
        for index, programme in enumerate(policies.mdo_programmes):
            env.process(self._programme(env, index, programme))

    @staticmethod
    def _at(env: simpy.Environment, day: int, minute_of_day: int) -> simpy.Timeout:
        """A timeout until `minute_of_day` on `day`."""
        return env.timeout(max(day * MINUTES_PER_DAY + minute_of_day - env.now, 0))

    def _reminders(self, env: simpy.Environment):
        config = self.scenario.policies.weekly_reminder
        engine = self.engine
        minute = int(config.time_ist[:2]) * 60 + int(config.time_ist[3:])
        weekday = WEEKDAYS.index(config.weekday)
        for day in range(engine.calendar.n_days):
            if engine.calendar.dates[day].weekday() != weekday:
                continue
            yield self._at(env, day, minute)
            officers = engine.officers
            rng = engine.streams.fresh("policy.reminder", day)
            everyone = present(officers, np.arange(officers.n))
            self.reminders += everyone.size
            moved = prompt_login(
                officers, everyone, int(env.now), config.effect, config.response_hours * 60, rng
            )
            engine.reschedule(moved)

    def _alerts(self, env: simpy.Environment):
        config = self.scenario.policies.inactivity_alert
        engine = self.engine
        for day in range(config.after_days, engine.calendar.n_days):
            yield self._at(env, day, 10 * 60)
            officers = engine.officers
            last = officers.last_active_day.astype(np.int64)
            quiet = np.where(last == NO_DAY, day, day - last) >= config.after_days
            alerted = officers.last_alert_day.astype(np.int64)
            due = quiet & ((alerted == NO_DAY) | (day - alerted >= config.after_days))
            ids = present(officers, np.flatnonzero(due))
            officers.last_alert_day[ids] = day
            self.alerts += ids.size
            rng = engine.streams.fresh("policy.alert", day)
            moved = prompt_login(
                officers, ids, int(env.now), config.effect, config.response_hours * 60, rng
            )
            engine.reschedule(moved)

    def _leaderboards(self, env: simpy.Environment):
        """On the 1st of each month: last month's top officers in each organisation are
        motivated for the month; the month's points start again."""
        engine, config = self.engine, self.karma
        for day in range(1, engine.calendar.n_days):
            if engine.calendar.dates[day].day != 1:
                continue
            yield self._at(env, day, 0)
            officers = engine.officers
            rng = engine.streams.fresh("policy.leaderboard", day)
            now = int(env.now)
            moved = [
                scale_propensity(
                    officers, self.motivated, 1 / config.motivation_multiplier, now,
                    engine.routine_clock, rng,
                )
            ]  # fmt: skip
            self.motivated = self._leaders(config.leaderboard_top_share)
            moved.append(
                scale_propensity(
                    officers, self.motivated, config.motivation_multiplier, now,
                    engine.routine_clock, rng,
                )
            )  # fmt: skip
            engine.reschedule(np.concatenate(moved))
            officers.karma_month[:] = 0
            officers.karma_rewarded[:] = 0

    def _leaders(self, share: float) -> np.ndarray:
        officers = self.engine.officers
        scoring = present(officers, np.flatnonzero(officers.karma_month > 0))
        if scoring.size == 0:
            return scoring
        org = officers.org_id[scoring].astype(np.int64)
        order = np.lexsort((-officers.karma_month[scoring].astype(np.int64), org))
        sorted_org = org[order]
        first = np.searchsorted(sorted_org, sorted_org, side="left")
        rank = np.arange(order.size) - first
        staffed = officers.org_id[present(officers, np.arange(officers.n))]
        staff = np.bincount(staffed, minlength=int(officers.org_id.max()) + 1)
        places = np.ceil(share * staff[sorted_org])
        return scoring[order[rank < places]]

    def _programme(self, env: simpy.Environment, index: int, config: MdoProgrammeConfig):
        """Nominate, approve after the delay, then fill each session's seats in order."""
        engine = self.engine
        calendar, officers = engine.calendar, engine.officers
        yield self._at(env, calendar.day_index(config.announce), 10 * 60)
        table = engine.population.organisations.table
        ministry = table.loc[table["ministry"] == config.ministry, "ministry_id"].iloc[0]
        rng = engine.streams.fresh(f"policy.programme.{index}")
        staff = present(officers, np.flatnonzero(officers.ministry_id == ministry))
        nominees = rng.permutation(staff[rng.random(staff.size) < config.nomination_share])
        self.nominated += nominees.size
        approval = calendar.day_index(config.announce) + config.approval_days
        yield self._at(env, approval, 10 * 60)
        seats = int(np.ceil(config.seats_per_session / self.scenario.scale))
        queue = nominees
        area = COMPETENCY_AREAS.index(config.competency_area)
        for session in sorted(config.sessions):
            yield self._at(env, calendar.day_index(session), 9 * 60 + 30)
            queue = present(officers, queue)
            attendees, queue = queue[:seats], queue[seats:]
            engine.attend_programme(attendees, config.hours, int(env.now), config.mode == "blended")
            engine.competencies.practise(attendees, area, engine.competencies.pass_probability, rng)
            self.programme_attendances += attendees.size
            if self.karma is not None:
                self._award(attendees, np.full(attendees.size, KARMA_PROGRAMME))

    def _workforce(self, env: simpy.Environment):
        """Each day at 00:00: some officers retire, some move to a new role."""
        engine = self.engine
        workforce = self.scenario.workforce
        for day in range(engine.calendar.n_days):
            yield self._at(env, day, 0)
            officers = engine.officers
            rng = engine.streams.fresh("workforce", day)
            n = officers.n
            retiring = rng.integers(0, n, rng.binomial(n, workforce.retirement_per_year / 365))
            retiring = present(officers, np.unique(retiring))
            engine.n_engaged -= int((officers.mode[retiring] == ENGAGED).sum())
            self.retirements += leave(officers, retiring, day).size
            moving = rng.integers(0, n, rng.binomial(n, workforce.transfer_per_year / 365))
            moving = present(officers, np.unique(moving))
            if moving.size:
                engine.competencies.transfer(moving, rng)
                self.transfers += moving.size

    def kpis(self) -> dict[str, float]:
        scale = self.scenario.scale
        result: dict[str, float] = {}
        if self.assignments:
            shares = [
                a.completed_by_due for a in self.assignments if a.completed_by_due is not None
            ]
            if shares:
                result["assigned_courses_done_by_due"] = float(np.mean(shares))
        if self.karma is not None:
            result["karma_points"] = float(
                self.engine.officers.karma_total.sum(dtype=np.int64) * scale
            )
        if self.scenario.policies.weekly_reminder is not None:
            result["reminders_sent"] = float(self.reminders * scale)
        if self.scenario.policies.inactivity_alert is not None:
            result["inactivity_alerts_sent"] = float(self.alerts * scale)
        workforce = self.scenario.workforce
        if workforce.retirement_per_year or workforce.transfer_per_year:
            result["retirements"] = float(self.retirements * scale)
            result["transfers"] = float(self.transfers * scale)
        if self.scenario.policies.mdo_programmes:
            result["programme_nominations"] = float(self.nominated * scale)
            result["programme_attendances"] = float(self.programme_attendances * scale)
        if workforce.growth:
            officers = self.engine.officers
            joined = officers.onboarded_day > 0
            result["joined"] = float(joined.sum() * scale)
            result["recruits"] = float(officers.recruit.sum() * scale)
            result["officers_end"] = float((officers.left_day == NO_DAY).sum() * scale)
        return result
