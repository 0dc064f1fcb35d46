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

from sim.agents.activity import routine_clock
from sim.agents.campaign_phases import ActiveCampaign, CampaignOutcome
from sim.agents.campaign_response import add_campaign_hours, leave_after_target
from sim.agents.competencies import CompetencyModel
from sim.agents.enrolment import course_mix_table
from sim.agents.initial_state import seed_initial_state
from sim.agents.learning import keeps_studying, session_minutes_used, study
from sim.agents.platform import turn_away
from sim.agents.sessions import next_session_starts, session_budgets, take_up
from sim.calendar import MINUTES_PER_DAY, SimCalendar
from sim.catalog import build_catalog
from sim.config import COMPETENCY_AREAS, Scenario, WebinarConfig
from sim.engine import EngineOutput, ProgressCallback, output_of
from sim.platform_runtime import PlatformRuntime
from sim.population import ENGAGED, NO_DAY, population_for
from sim.random_streams import RandomStreams
from sim.recorder import Recorder
from sim.scenarios.campaign import CampaignPlan
from sim.scenarios.policies import PolicySet
from sim.scenarios.recommendations import recommender_for
from sim.server_pool import ServerPool

MAX_AGENTS = 200_000
STREAMS = (
    "session.length",
    "session.courses",
    "next_login",
    "leave_after_target",
    "webinar",
    "platform",
    "competency",
)


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

    def _setup(self) -> None:
        scenario = self.scenario
        self.calendar = SimCalendar(scenario.calendar)
        self.horizon = self.calendar.horizon_minutes
        streams = self.streams = RandomStreams(scenario.seed)
        self.population = population_for(scenario, self.calendar.n_days, streams)
        self.officers = self.population.officers
        self.catalog = build_catalog(
            scenario.catalog, self.population.organisations.n_ministries, streams
        )
        self.mix_table = course_mix_table(scenario.behaviour)
        self.competencies = CompetencyModel.build(
            scenario.competencies, self.catalog, self.population, streams
        )
        self.routine_clock = routine_clock(self.calendar)
        self.policies = PolicySet(scenario, self)
        self.recommend = recommender_for(
            scenario, self.competencies, self.catalog, self.policies.recommenders()
        )
        self.recorder = Recorder(self.calendar.n_days)
        self.platform = PlatformRuntime(scenario.platform, scenario.scale, self.horizon)
        self.plans = [
            CampaignPlan(i, c, self.calendar)
            for i, c in enumerate(sorted(scenario.campaigns, key=lambda c: c.start))
        ]
        self.rng = {name: streams.fresh(f"reference.{name}") for name in STREAMS}
        self.campaign: ActiveCampaign | None = None
        self.n_engaged = 0
        self.outcomes: list[CampaignOutcome] = []
        self.initial_in_progress = seed_initial_state(
            self.officers, self.catalog, scenario, self.mix_table, self.routine_clock, streams
        )
        self.session_starts: list[int] = []
        self.session_ends: list[int] = []
        self.in_session: dict[int, int] = {}  # officer -> minute seated
        self.waiting = np.zeros(self.officers.n, dtype=bool)

    def run(self) -> EngineOutput:
        started = time.perf_counter()
        self._setup()
        setup_done = time.perf_counter()
        env = self.env = simpy.Environment()
        self.pool = ServerPool(env)
        self.policies.start(env)
        self.platform.start(env, lambda _minute: self.pool.busy)
        self.processes = [env.process(self._officer(i)) for i in range(self.officers.n)]
        for plan in self.plans:
            env.process(self._campaign(plan))
            env.process(self._webinars(plan))
        env.process(self._days())
        env.run(until=self.horizon)
        for seated in self.in_session.values():  # sessions still going at the horizon
            self._log_session(seated, self.horizon)
        self.recorder.add_sessions(
            np.array(self.session_starts, dtype=np.int64),
            np.array(self.session_ends, dtype=np.int64),
        )
        return output_of(self, setup_done - started, time.perf_counter() - setup_done)

    # ---- helpers ---------------------------------------------------------------------------
    def _day(self) -> int:
        return min(int(self.env.now // MINUTES_PER_DAY), self.calendar.n_days - 1)

    def _wake(self, ids: np.ndarray) -> None:
        """Interrupt the waiting officers whose next event a policy moved (once each)."""
        for i in ids.tolist():
            if self.waiting[i]:
                self.waiting[i] = False
                self.processes[i].interrupt()

    def _mark_participant(self, i: int, day: int) -> None:
        if self.officers.first_active_day[i] == NO_DAY:
            self.officers.first_active_day[i] = day
            self.recorder.add("new_participants", day, 1)

    def _log_session(self, seated: int, end: int) -> None:
        self.session_starts.append(seated)
        self.session_ends.append(min(end, self.horizon))

    def _count_toward_campaign(self, campaign: ActiveCampaign, ids: np.ndarray, hours) -> None:
        if self.campaign is campaign:  # else the window closed while the officer was busy
            hours = np.asarray(hours, dtype=np.float32)
            reached = add_campaign_hours(self.officers, ids, hours, campaign.config.target_hours)
            self.recorder.add("new_reached_target", self._day(), reached)

    def _maybe_step_back(self, campaign: ActiveCampaign, ids: np.ndarray) -> None:
        """After a session or webinar that counted, an officer at the target may step back."""
        if self.campaign is campaign:
            config = campaign.config
            leaving = leave_after_target(
                self.officers,
                ids,
                config.target_hours,
                config.engagement.continue_after_target,
                self.rng["leave_after_target"],
            )
            self.n_engaged -= leaving.size

    # ---- processes -------------------------------------------------------------------------
    def _officer(self, i: int):
        officers, env = self.officers, self.env
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
        env, officers, record = self.env, self.officers, self.recorder
        behaviour = self.scenario.behaviour
        ids = np.array([i])
        login = round(env.now)
        if take_up(officers, ids, np.array([login])).size:
            self.n_engaged += 1
            record.add("new_engaged", self._day(), 1)
        record.add("new_logins", self._day(), 1)
        budget, engaged = session_budgets(officers, ids, behaviour, self.rng["session.length"])
        if self.platform.constrained:
            yield env.timeout(0)  # sessions ending this minute free their seats first
            if self.pool.busy >= self.platform.capacity_agents(login):
                self._turn_away(i, login)
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
        self._mark_participant(i, day)
        campaign = self.campaign
        counting = campaign is not None and bool(
            campaign.in_window(officers, ids, np.array([seated]))[0]
        )

        remaining = budget.astype(np.float32)
        mix_row = engaged.astype(np.int64)
        completed = 0
        for _ in range(behaviour.max_courses_per_session):
            step = study(
                officers,
                self.catalog,
                ids,
                remaining,
                mix_row,
                self.mix_table,
                behaviour,
                self.rng["session.courses"],
                self.recommend,
                self._credit,
            )
            if step.enrolled[0]:
                record.add("new_enrolments", self._day(), 1)
            yield env.timeout(float(step.minutes[0]))
            remaining -= step.minutes
            day = self._day()
            hours = float(step.minutes[0]) / 60.0
            record.add("new_learning_hours", day, hours)
            record.add("new_completions", day, int(step.completed[0]))
            completed += int(step.completed[0])
            record.add("new_drops", day, int(step.dropped[0]))
            if counting:
                self._count_toward_campaign(campaign, ids, step.minutes / np.float32(60.0))
            if not keeps_studying(step, remaining, behaviour)[0]:
                break
        if counting:
            self._maybe_step_back(campaign, ids)
        record.add("new_completions_squared", seated // MINUTES_PER_DAY, completed * completed)

        end = seated + int(session_minutes_used(budget - remaining)[0])
        yield env.timeout(max(end - env.now, 0))
        self.pool.release()
        del self.in_session[i]
        self._log_session(seated, end)
        record.add("new_session_minutes", seated // MINUTES_PER_DAY, end - seated)
        officers.next_login_min[i] = self._next_login(ids, end)

    def _credit(self, ids: np.ndarray, courses: np.ndarray) -> None:
        self.competencies.credit(ids, courses, self.catalog, self.rng["competency"])
        self.policies.on_completion(ids, courses, self._day())

    def attend_programme(self, ids: np.ndarray, hours: float, start: int, blended: bool) -> None:
        """Officers attend an MDO programme session starting now."""
        day = self._day()
        self.recorder.add("new_programme_attendances", day, ids.size)
        self.recorder.add("new_programme_hours", day, hours * ids.size)
        for i in ids.tolist():
            self._mark_participant(i, day)
        if blended:
            self.recorder.add_webinar(start, int(hours * 60), ids.size)
        campaign = self.campaign
        if campaign is not None and ids.size:
            counted = ids[campaign.in_window(self.officers, ids, np.full(ids.size, start))]
            if counted.size:
                self._count_toward_campaign(campaign, counted, np.full(counted.size, hours))
                self._maybe_step_back(campaign, counted)

    def reschedule(self, ids: np.ndarray) -> None:
        """Wake the waiting officers whose next login a policy moved."""
        self._wake(ids)

    def _turn_away(self, i: int, login: int) -> None:
        """The platform is full: no session; the officer retries later or logs in as usual."""
        officers, ids = self.officers, np.array([i])
        self.recorder.add("new_rejected_sessions", self._day(), 1)
        self.recorder.add_rejected(np.array([login]))
        retry, retry_at = turn_away(
            officers, ids, np.array([login]), self.scenario.platform.overload, self.rng["platform"]
        )
        officers.next_login_min[i] = self._next_login(ids, login + 1)
        if retry[0]:
            officers.next_login_min[i] = min(int(retry_at[0]), int(officers.next_login_min[i]))

    def _next_login(self, ids: np.ndarray, after: int) -> int:
        return int(
            next_session_starts(
                self.officers,
                ids,
                np.array([after]),
                self.rng["next_login"].standard_exponential(1),
                self.routine_clock,
                self.campaign,
            )[0]
        )

    def _campaign(self, plan: CampaignPlan):
        env = self.env
        yield env.timeout(plan.start_min - env.now)
        median = self.scenario.population.propensity.median_logins_per_working_day
        self.campaign = campaign = ActiveCampaign(plan, self.officers, median)
        self._wake(campaign.start(self.officers, self.streams)[0])
        if plan.announce_min is not None:
            yield env.timeout(plan.announce_min - env.now)
            self._wake(
                campaign.announce_extension(self.officers, self.streams, self.routine_clock)[0]
            )
        for wave in range(plan.waves):
            yield env.timeout(plan.wave_end_min(wave) - env.now)
            moved = campaign.end_wave(self.officers, self.streams, self.routine_clock, wave)
            self._wake(moved[0])
            self.n_engaged -= moved[0].size
        self.outcomes.append(campaign.outcome(self.officers, self.population.organisations.n))
        self.n_engaged = 0
        self.campaign = None

    def _webinars(self, plan: CampaignPlan):
        """At each webinar start, engaged officers who want to attend take a seat while
        seats are left (in random order, so the cap picks a random subset)."""
        env, officers, rng = self.env, self.officers, self.rng["webinar"]
        config = plan.config.webinars
        for start in plan.webinar_minutes():
            yield env.timeout(start - env.now)
            assert config is not None
            seats = simpy.Container(env, capacity=max(plan.webinar_seats(self.scenario.scale), 1))
            engaged = np.flatnonzero(officers.mode == ENGAGED)
            wanting = engaged[rng.random(engaged.size) < config.attend_probability]
            rng.shuffle(wanting)
            seated = 0
            for i in wanting.tolist():
                if seats.level >= seats.capacity:
                    break
                seats.put(1)
                seated += 1
                env.process(self._attend(i, seats, config))
            self.recorder.add_webinar(start, config.duration_minutes, seated)
            self.recorder.add("new_webinar_attendances", self._day(), seated)

    def _attend(self, i: int, seats: simpy.Container, config: WebinarConfig):
        self._mark_participant(i, self._day())
        campaign = self.campaign
        yield self.env.timeout(config.duration_minutes)
        hours = np.float32(config.duration_minutes / 60)
        self.officers.webinar_hours[i] += hours
        self.policies.attended(np.array([i]))
        theme = (
            campaign.plan.webinar_theme(int(self.env.now) - config.duration_minutes)
            if campaign
            else None
        )
        if theme is not None:
            self.competencies.practise(
                np.array([i]),
                COMPETENCY_AREAS.index(theme),
                config.theme_credit_probability,
                self.rng["webinar"],
            )
        self.recorder.add("new_webinar_hours", self._day(), float(hours))
        if campaign is not None and config.count_toward_target:
            self._count_toward_campaign(campaign, np.array([i]), np.array([hours]))
            self._maybe_step_back(campaign, np.array([i]))
        seats.get(1)

    def _days(self):
        """Daily stocks, and progress, just before each midnight."""
        for day in range(self.calendar.n_days):
            yield self.env.timeout((day + 1) * MINUTES_PER_DAY - 1e-6 - self.env.now)
            self.recorder.add("n_engaged", day, self.n_engaged)
            if self.progress:
                self.progress(day + 1, self.calendar.n_days)
