"""The reference engine: the same model with one SimPy process per officer, and no batching.

Every officer is a process that waits for their next login (or campaign take-up), takes a
server on the platform, studies course by course (each enrolment, completion and drop-out
happens at its own simulated time), frees the server and draws their next login. Webinars
are events whose seats are a capacity-capped container. The behaviour rules are the ones
in `sim.agents`, called on one officer at a time; campaign phases are the same
`ActiveCampaign` the fast engine uses.

It exists to check the fast engine, which differs on purpose in three bounded ways:
- a tick's officers are processed as one batch at the tick's start (their own start
  minutes are kept); here each session runs at its own time;
- flows (hours, completions, drop-outs) are booked to the session's start day; here to
  the day they happen;
- webinar hours are credited at the webinar's start; here at its end.

Officers in a session when a campaign phase changes their plans pick the change up when
the session ends (their next login is redrawn then, which is exact: logins are memoryless).
It is practical up to about 10^5 officers: see `MAX_AGENTS`.
"""

from __future__ import annotations

import math
import time

import numpy as np
import simpy

from sim.agents.campaign_response import engaged_officers
from sim.agents.learning import keeps_studying, session_minutes_used, study
from sim.agents.sessions import session_budgets
from sim.config import Scenario
from sim.engines.campaign_driver import drive_campaign, drive_webinars
from sim.engines.output import EngineOutput
from sim.engines.run_state import ProgressCallback, StepTimer, build_run
from sim.engines.server_pool import ServerPool
from sim.scenarios.campaign import CampaignPlan
from sim.world.calendar import MINUTES_PER_DAY

MAX_AGENTS = 200_000
# One stream per kind of decision for the whole run (events happen in their own order
# here, so the fast engine's per-day streams would not line up anyway): the fast engine's
# decision name -> this engine's stream; every webinar decision draws from "webinar".
DECISIONS = {
    "session.length": "session.length",
    "session.courses": "session.courses",
    "next_login": "next_login",
    "campaign.leave_after_target": "leave_after_target",
    "platform.turned_away": "platform",
    "competency.assessment": "competency",
}
STREAMS = (*DECISIONS.values(), "webinar")


class PopulationTooLargeError(ValueError):
    pass


def check_population(scenario: Scenario) -> None:
    if scenario.agents > MAX_AGENTS:
        raise PopulationTooLargeError(
            f"the reference engine simulates at most {MAX_AGENTS:,} agents; "
            f"{scenario.name} has {scenario.agents:,} at scale {scenario.scale}: "
            f"use --scale {math.ceil(scenario.population.officers / MAX_AGENTS)} or more"
        )


class ReferenceEngine:
    name = "reference"

    def __init__(self, scenario: Scenario, progress: ProgressCallback | None = None) -> None:
        check_population(scenario)
        self.scenario = scenario
        self.progress = progress

    # ---- Scheduler ---------------------------------------------------------------------
    def reschedule(self, ids: np.ndarray) -> None:
        """Interrupt the waiting officers whose next event moved (once each)."""
        for i in ids.tolist():
            if self.waiting[i]:
                self.waiting[i] = False
                self.processes[i].interrupt()

    def rng(self, decision: str, day: int) -> np.random.Generator:
        if decision.startswith("campaign.") and ".webinar" in decision:
            return self._rng["webinar"]
        return self._rng[DECISIONS[decision]]

    # ---- the run -----------------------------------------------------------------------
    def run(self) -> EngineOutput:
        started = time.perf_counter()
        state = self.state = build_run(self.scenario, StepTimer())
        state.scheduler = self
        self.horizon = state.calendar.horizon_minutes
        self._rng = {name: state.streams.fresh(f"reference.{name}") for name in STREAMS}
        self.session_starts: list[int] = []
        self.session_ends: list[int] = []
        self.in_session: dict[int, int] = {}  # officer -> minute seated
        self.waiting = np.zeros(state.officers.n, dtype=bool)
        setup_done = time.perf_counter()

        env = self.env = simpy.Environment()
        self.pool = ServerPool(env)
        assert state.policies is not None
        state.policies.start(env)
        env.process(state.onboarding(env))
        state.platform.start(env, lambda _minute: self.pool.busy)
        self.processes = [env.process(self._officer(i)) for i in range(state.officers.n)]
        for plan in state.plans:
            env.process(drive_campaign(env, state, plan))
            env.process(drive_webinars(env, plan, self._hold_webinar))
        env.process(self._days())
        env.run(until=self.horizon)
        for seated in self.in_session.values():  # sessions still going at the horizon
            self._log_session(seated, self.horizon)
        state.recorder.add_sessions(
            np.array(self.session_starts, dtype=np.int64),
            np.array(self.session_ends, dtype=np.int64),
        )
        return EngineOutput.of(state, setup_done - started, time.perf_counter() - setup_done)

    # ---- helpers ---------------------------------------------------------------------------
    def _day(self) -> int:
        return min(int(self.env.now // MINUTES_PER_DAY), self.state.calendar.n_days - 1)

    def _log_session(self, seated: int, end: int) -> None:
        self.session_starts.append(seated)
        self.session_ends.append(min(end, self.horizon))

    # ---- processes -------------------------------------------------------------------------
    def _officer(self, i: int):
        officers, env = self.state.officers, self.env
        while True:
            wake = min(int(officers.next_login_min[i]), int(officers.engage_min[i]))
            self.waiting[i] = True
            try:
                if wake >= self.horizon:
                    yield env.event()  # nothing planned: wait for a policy to wake them
                else:
                    yield env.timeout(max(wake - env.now, 0))
            except simpy.Interrupt:
                continue
            self.waiting[i] = False
            yield from self._session(i)

    def _session(self, i: int):
        env, state = self.env, self.state
        officers, record = state.officers, state.recorder
        behaviour = self.scenario.behaviour
        ids = np.array([i])
        login = round(env.now)
        state.log_in(self._day(), ids, np.array([login]))
        budget, engaged = session_budgets(
            officers, ids, behaviour, self.rng("session.length", self._day())
        )
        if state.platform.constrained:
            yield env.timeout(0)  # sessions ending this minute free their seats first
            if self.pool.busy >= state.platform.capacity_agents(login):
                nxt = state.turn_away(self._day(), ids, np.array([login]))
                officers.next_login_min[i] = nxt[0]
                return

        yield self.pool.acquire()
        seated = round(env.now)
        self.in_session[i] = seated
        day = self._day()
        officers.sessions[i] += 1
        record.add("new_sessions", day, 1)
        if officers.last_active_day[i] != day:
            record.add("n_active_learners", day, 1)
            officers.last_active_day[i] = day
        state.mark_participants(day, ids)
        campaign = state.campaign
        counting = campaign is not None and bool(
            campaign.in_window(officers, ids, np.array([seated]))[0]
        )

        remaining = budget.astype(np.float32)
        mix_row = engaged.astype(np.int64)
        completed = 0
        for _ in range(behaviour.max_courses_per_session):
            step = study(
                officers,
                state.catalog,
                ids,
                remaining,
                mix_row,
                state.mix_table,
                behaviour,
                self.rng("session.courses", day),
                state.recommend,
                lambda who, courses: state.credit(who, courses, self._day()),
            )
            if step.enrolled[0]:
                record.add("new_enrolments", self._day(), 1)
            yield env.timeout(float(step.minutes[0]))
            remaining -= step.minutes
            day = self._day()
            hours = float(step.minutes[0]) / 60.0
            record.add("new_learning_hours", day, hours)
            state.record_completions(day, ids, step.completed)
            completed += int(step.completed[0])
            record.add("new_drops", day, int(step.dropped[0]))
            if counting:
                assert campaign is not None
                state.add_campaign_hours(campaign, day, ids, step.minutes / np.float32(60.0))
            if not keeps_studying(step, remaining, behaviour)[0]:
                break
        if counting:
            assert campaign is not None
            state.step_back(campaign, self._day(), ids)
        record.add("new_completions_squared", seated // MINUTES_PER_DAY, completed * completed)

        end = seated + int(session_minutes_used(budget - remaining)[0])
        yield env.timeout(max(end - env.now, 0))
        self.pool.release()
        del self.in_session[i]
        self._log_session(seated, end)
        record.add("new_session_minutes", seated // MINUTES_PER_DAY, end - seated)
        officers.next_login_min[i] = state.next_logins(ids, np.array([end]), self._day())[0]

    def _hold_webinar(self, plan: CampaignPlan, start: int) -> None:
        """Engaged officers who want to attend take a seat while seats are left (in random
        order, so the cap picks a random subset); each is credited when it ends."""
        env, state = self.env, self.state
        config = plan.config.webinars
        assert config is not None
        rng = self.rng(f"campaign.{plan.index}.webinar", self._day())
        seats = simpy.Container(env, capacity=max(plan.webinar_seats(self.scenario.scale), 1))
        engaged = engaged_officers(state.officers)
        wanting = engaged[rng.random(engaged.size) < config.attend_probability]
        rng.shuffle(wanting)
        seated = 0
        for i in wanting.tolist():
            if seats.level >= seats.capacity:
                break
            seats.put(1)
            seated += 1
            env.process(self._attend(i, seats, plan, start))
        state.recorder.add_webinar(start, config.duration_minutes, seated)
        state.recorder.add("new_webinar_attendances", self._day(), seated)

    def _attend(self, i: int, seats: simpy.Container, plan: CampaignPlan, start: int):
        state = self.state
        config = plan.config.webinars
        assert config is not None
        state.mark_participants(self._day(), np.array([i]))
        campaign = state.campaign
        yield self.env.timeout(config.duration_minutes)
        rng = self.rng(f"campaign.{plan.index}.webinar", self._day())
        state.attended_webinar(plan, start, self._day(), np.array([i]), campaign, rng)
        seats.get(1)

    def _days(self):
        """Daily stocks, and progress, just before each midnight."""
        state = self.state
        for day in range(state.calendar.n_days):
            yield self.env.timeout((day + 1) * MINUTES_PER_DAY - 1e-6 - self.env.now)
            state.recorder.add("n_engaged", day, state.n_engaged)
            if self.progress:
                self.progress(day + 1, state.calendar.n_days)
