"""The fast engine: a SimPy calendar driving numpy batches of officers.

SimPy runs what is discrete and shared: the ticks of the day, campaign phases (start, the
extension announcement, the end) and webinars. Officers are not SimPy processes: each
officer's next session start is a minute in `officers.next_login_min`, filed in an
`EventCalendar`; a tick pops the officers due in it and applies the behaviour rules of
`sim.agents` to all of them at once.

Approximations, all bounded by one tick (`engine.tick_minutes`): within a tick, officers are
processed as a batch at their own start minutes, and a webinar's hours count toward the
target from the next tick on. The reference engine has neither.

A tick at minute t runs after every policy event due at t (campaign start, extension,
webinar): the tick process yields a zero-delay timeout before its batch, so events
scheduled for the same minute by other processes are handled first.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import simpy

from sim.agents.activity import routine_clock
from sim.agents.campaign_phases import ActiveCampaign, CampaignOutcome
from sim.agents.campaign_response import add_campaign_hours, leave_after_target
from sim.agents.competencies import CompetencyModel
from sim.agents.enrolment import course_mix_table
from sim.agents.initial_state import seed_initial_state
from sim.agents.learning import learn
from sim.agents.platform import turn_away
from sim.agents.sessions import next_session_starts, session_budgets, take_up
from sim.calendar import MINUTES_PER_DAY, SimCalendar
from sim.catalog import Catalog, build_catalog
from sim.config import COMPETENCY_AREAS, Scenario, WebinarConfig
from sim.event_calendar import EventCalendar
from sim.platform_runtime import PlatformRuntime
from sim.population import ENGAGED, NO_DAY, Population, population_for
from sim.random_streams import RandomStreams
from sim.recorder import Recorder
from sim.scenarios.campaign import CampaignPlan
from sim.scenarios.policies import PolicySet
from sim.scenarios.recommendations import recommender_for

ProgressCallback = Callable[[int, int], None]  # (days done, days in total)


@dataclass
class EngineOutput:
    """Everything a run produced, in agent units; `sim.results` scales and tabulates it."""

    scenario: Scenario
    calendar: SimCalendar
    population: Population
    catalog: Catalog
    recorder: Recorder
    initial_in_progress: int
    campaigns: list[CampaignOutcome]
    platform: PlatformRuntime
    competencies: CompetencyModel
    policy_kpis: dict[str, float]
    timings: dict[str, float] = field(default_factory=dict)


def output_of(engine, setup_s: float, simulate_s: float) -> EngineOutput:
    """What either engine produced (both keep the same attributes)."""
    return EngineOutput(
        scenario=engine.scenario,
        calendar=engine.calendar,
        population=engine.population,
        catalog=engine.catalog,
        recorder=engine.recorder,
        initial_in_progress=engine.initial_in_progress,
        campaigns=engine.outcomes,
        platform=engine.platform,
        competencies=engine.competencies,
        policy_kpis=engine.policies.kpis(),
        timings={"setup_s": setup_s, "simulate_s": simulate_s},
    )


class FastEngine:
    name = "fast"

    def __init__(self, scenario: Scenario, progress: ProgressCallback | None = None) -> None:
        self.scenario = scenario
        self.progress = progress

    # ---- setup -------------------------------------------------------------------------
    def _setup(self) -> None:
        scenario = self.scenario
        self.calendar = SimCalendar(scenario.calendar)
        self.streams = RandomStreams(scenario.seed)
        self.population = population_for(scenario, self.calendar.n_days, self.streams)
        self.officers = self.population.officers
        self.catalog = build_catalog(
            scenario.catalog, self.population.organisations.n_ministries, self.streams
        )
        self.mix_table = course_mix_table(scenario.behaviour)
        self.competencies = CompetencyModel.build(
            scenario.competencies, self.catalog, self.population, self.streams
        )
        self.routine_clock = routine_clock(self.calendar)
        self.policies = PolicySet(scenario, self)
        self.recommend = recommender_for(
            scenario, self.competencies, self.catalog, self.policies.recommenders()
        )
        self.queue = EventCalendar(self.calendar.horizon_minutes, scenario.engine.tick_minutes)
        self.recorder = Recorder(self.calendar.n_days)
        self.platform = PlatformRuntime(
            scenario.platform, scenario.scale, self.calendar.horizon_minutes
        )
        self.plans = [
            CampaignPlan(i, c, self.calendar)
            for i, c in enumerate(sorted(scenario.campaigns, key=lambda c: c.start))
        ]
        self.campaign: ActiveCampaign | None = None
        self.n_engaged = 0
        self.outcomes: list[CampaignOutcome] = []
        self._slot = np.zeros(self.officers.n, dtype=np.int32)  # scratch for de-duplication
        self.initial_in_progress = seed_initial_state(
            self.officers,
            self.catalog,
            scenario,
            self.mix_table,
            self.routine_clock,
            self.streams,
        )
        self.queue.schedule(np.arange(self.officers.n), self.officers.next_login_min)

    # ---- SimPy processes ---------------------------------------------------------------
    def _ticks(self, env: simpy.Environment):
        tick = self.scenario.engine.tick_minutes
        per_day = MINUTES_PER_DAY // tick
        for day in range(self.calendar.n_days):
            self.queue.start_day(day)
            for k in range(per_day):
                yield env.timeout(day * MINUTES_PER_DAY + k * tick - env.now)
                yield env.timeout(0)  # let policy events due at this minute run first
                self._run_tick(day, k)
            self.recorder.add("n_engaged", day, self.n_engaged)
            if self.progress:
                self.progress(day + 1, self.calendar.n_days)

    def _campaign(self, env: simpy.Environment, plan: CampaignPlan):
        yield env.timeout(plan.start_min - env.now)
        median = self.scenario.population.propensity.median_logins_per_working_day
        self.campaign = campaign = ActiveCampaign(plan, self.officers, median)
        self.queue.schedule(*campaign.start(self.officers, self.streams))
        if plan.announce_min is not None:
            yield env.timeout(plan.announce_min - env.now)
            moved = campaign.announce_extension(self.officers, self.streams, self.routine_clock)
            self.queue.schedule(*moved)
        for wave in range(plan.waves):
            yield env.timeout(plan.wave_end_min(wave) - env.now)
            moved = campaign.end_wave(self.officers, self.streams, self.routine_clock, wave)
            self.queue.schedule(*moved)
            self.n_engaged -= moved[0].size
        self.outcomes.append(campaign.outcome(self.officers, self.population.organisations.n))
        self.n_engaged = 0
        self.campaign = None

    def _webinars(self, env: simpy.Environment, plan: CampaignPlan):
        config = plan.config.webinars
        for start in plan.webinar_minutes():
            yield env.timeout(start - env.now)
            self._hold_webinar(plan, start, config)

    def run(self) -> EngineOutput:
        started = time.perf_counter()
        self._setup()
        setup_done = time.perf_counter()
        env = self.env = simpy.Environment()
        self.policies.start(env)
        for plan in self.plans:
            env.process(self._campaign(env, plan))
            env.process(self._webinars(env, plan))
        env.process(self._ticks(env))
        self.platform.start(
            env, lambda minute: self.recorder.concurrency_window(minute, minute + 1)[0]
        )
        env.run(until=self.calendar.horizon_minutes + 1)
        return output_of(self, setup_done - started, time.perf_counter() - setup_done)

    # ---- a tick: the batch of officers whose session starts now --------------------------
    def _run_tick(self, day: int, tick_of_day: int) -> None:
        tick = self.scenario.engine.tick_minutes
        t0 = self._tick_start = day * MINUTES_PER_DAY + tick_of_day * tick
        candidates = self.queue.pop(tick_of_day)
        while candidates.size:
            when = self.officers.next_login_min[candidates]
            due = (when >= t0) & (when < t0 + tick)
            ids = candidates[due]
            # An officer filed twice under this tick (rescheduled into it) acts once.
            order = np.arange(ids.size, dtype=np.int32)
            self._slot[ids] = order
            first = self._slot[ids] == order
            if not first.all():
                ids = ids[first]
            ids.sort()  # ascending ids: the gathers and scatters below walk memory in order
            if ids.size:
                self._sessions(day, ids, self.officers.next_login_min[ids])
            candidates = self.queue.pop(tick_of_day)

    def _sessions(self, day: int, ids: np.ndarray, when: np.ndarray) -> None:
        officers, record, behaviour = self.officers, self.recorder, self.scenario.behaviour
        newly = take_up(officers, ids, when)
        if newly.size:
            self.n_engaged += newly.size
            record.add("new_engaged", day, newly.size)
        record.add("new_logins", day, ids.size)
        budget, engaged = session_budgets(
            officers, ids, behaviour, self.streams.stream("session.length", day)
        )
        if self.platform.constrained:
            admitted = self._admission(when, budget)
            if not admitted.all():
                self._turn_away(day, ids[~admitted], when[~admitted])
                ids, when = ids[admitted], when[admitted]
                budget, engaged = budget[admitted], engaged[admitted]
                if ids.size == 0:
                    return
        outcome = learn(
            officers,
            self.catalog,
            ids,
            budget,
            engaged.astype(np.int64),
            self.mix_table,
            behaviour,
            self.streams.stream("session.courses", day),
            self.recommend,
            self._credit(day),
        )
        ends = when + outcome.minutes_used
        record.add_sessions(when, ends)
        officers.sessions[ids] += 1
        record.add("new_sessions", day, ids.size)
        record.add("new_session_minutes", day, int(outcome.minutes_used.sum(dtype=np.int64)))
        record.add("new_enrolments", day, int(outcome.enrolments.sum()))
        record.add("new_completions", day, int(outcome.completions.sum()))
        completed = outcome.completions.astype(np.int64)
        record.add("new_completions_squared", day, int((completed * completed).sum()))
        record.add("new_drops", day, int(outcome.drops.sum()))
        record.add("new_learning_hours", day, float(outcome.hours.sum(dtype=np.float64)))
        first_today = officers.last_active_day[ids] != day
        record.add("n_active_learners", day, int(first_today.sum()))
        officers.last_active_day[ids] = day
        self._mark_participants(day, ids)

        if self.campaign is not None:
            in_window = self.campaign.in_window(officers, ids, when)
            if in_window.any():
                self._count_toward_campaign(day, ids[in_window], outcome.hours[in_window])

        campaign = self.campaign
        draws = self.streams.stream("next_login", day).standard_exponential(ids.size)
        nxt = next_session_starts(
            officers,
            ids,
            ends,
            draws,
            self.routine_clock,
            campaign,
        )
        officers.next_login_min[ids] = nxt
        self.queue.schedule(ids, nxt)

    def _credit(self, day: int):
        """What completing courses does beyond the counts: competencies, assignments, karma."""
        rng = self.streams.stream("competency.assessment", day)

        def credit(ids: np.ndarray, courses: np.ndarray) -> None:
            self.competencies.credit(ids, courses, self.catalog, rng)
            self.policies.on_completion(ids, courses, day)

        return credit

    def attend_programme(self, ids: np.ndarray, hours: float, start: int, blended: bool) -> None:
        """Officers attend an MDO programme session starting at minute `start`."""
        day = start // MINUTES_PER_DAY
        self.recorder.add("new_programme_attendances", day, ids.size)
        self.recorder.add("new_programme_hours", day, hours * ids.size)
        self._mark_participants(day, ids)
        if blended:
            self.recorder.add_webinar(start, int(hours * 60), ids.size)
        if self.campaign is not None and ids.size:
            counted = ids[self.campaign.in_window(self.officers, ids, np.full(ids.size, start))]
            if counted.size:
                hours_each = np.full(counted.size, hours, dtype=np.float32)
                self._count_toward_campaign(day, counted, hours_each)

    def reschedule(self, ids: np.ndarray) -> None:
        """File officers whose next login a policy moved (`officers.next_login_min`)."""
        self.queue.schedule(ids, self.officers.next_login_min[ids])

    def _admission(self, when: np.ndarray, budget: np.ndarray) -> np.ndarray:
        """Which of the tick's session starts the platform admits: in order of start, while
        the agents in a session stay below the capacity at the tick's start. Sessions of
        earlier ticks count exactly; the tick's own admitted sessions count for their
        budgeted length (an upper bound of the minutes they use)."""
        tick = self.scenario.engine.tick_minutes
        t0 = self._tick_start
        capacity = self.platform.capacity_agents(t0)
        base = self.recorder.concurrency_window(t0, t0 + tick)
        order = np.argsort(when, kind="stable")
        offsets = when[order] - t0
        if np.all(base[offsets] + np.arange(1, when.size + 1) <= capacity):
            return np.ones(when.size, dtype=bool)  # room for all, even if none left
        admitted = np.zeros(when.size, dtype=bool)
        ends = np.zeros(tick + 1, dtype=np.int64)  # admitted sessions ending at each offset
        active, swept = 0, 0
        for j, offset in zip(order.tolist(), offsets.tolist(), strict=True):
            while swept <= offset:
                active -= int(ends[swept])
                swept += 1
            if base[offset] + active < capacity:
                admitted[j] = True
                active += 1
                ends[min(offset + int(budget[j]), tick)] += 1
        return admitted

    def _turn_away(self, day: int, ids: np.ndarray, when: np.ndarray) -> None:
        officers, campaign = self.officers, self.campaign
        self.recorder.add("new_rejected_sessions", day, ids.size)
        self.recorder.add_rejected(when)
        retry, retry_at = turn_away(
            officers,
            ids,
            when,
            self.scenario.platform.overload,
            self.streams.stream("platform.turned_away", day),
        )
        draws = self.streams.stream("next_login", day).standard_exponential(ids.size)
        nxt = next_session_starts(
            officers,
            ids,
            when + 1,
            draws,
            self.routine_clock,
            campaign,
        )
        nxt = np.where(retry, np.minimum(retry_at, nxt), nxt).astype(np.int32)
        officers.next_login_min[ids] = nxt
        self.queue.schedule(ids, nxt)

    def _mark_participants(self, day: int, ids: np.ndarray) -> None:
        first = ids[self.officers.first_active_day[ids] == NO_DAY]
        self.officers.first_active_day[first] = day
        self.recorder.add("new_participants", day, first.size)

    def _count_toward_campaign(self, day: int, ids: np.ndarray, hours: np.ndarray) -> None:
        """Add hours in the campaign window; engaged officers at the target may step back."""
        assert self.campaign is not None
        config = self.campaign.config
        reached = add_campaign_hours(self.officers, ids, hours, config.target_hours)
        leaving = leave_after_target(
            self.officers,
            ids,
            config.target_hours,
            config.engagement.continue_after_target,
            self.streams.stream("campaign.leave_after_target", day),
        )
        self.recorder.add("new_reached_target", day, reached)
        self.n_engaged -= leaving.size

    # ---- webinars --------------------------------------------------------------------------
    def _hold_webinar(self, plan: CampaignPlan, start: int, config: WebinarConfig) -> None:
        officers = self.officers
        day = start // MINUTES_PER_DAY
        rng = self.streams.stream(f"campaign.{plan.index}.webinar", day)
        engaged = np.flatnonzero(officers.mode == ENGAGED)
        attendees = engaged[rng.random(engaged.size) < config.attend_probability]
        cap = plan.webinar_seats(self.scenario.scale)
        if attendees.size > cap:
            attendees = np.sort(rng.choice(attendees, size=cap, replace=False))
        hours = np.float32(config.duration_minutes / 60)
        officers.webinar_hours[attendees] += hours
        self.recorder.add_webinar(start, config.duration_minutes, attendees.size)
        self.recorder.add("new_webinar_attendances", day, attendees.size)
        self.recorder.add("new_webinar_hours", day, float(hours) * attendees.size)
        self._mark_participants(day, attendees)
        self.policies.attended(attendees)
        theme = plan.webinar_theme(start)
        if theme is not None:
            self.competencies.practise(
                attendees,
                COMPETENCY_AREAS.index(theme),
                config.theme_credit_probability,
                self.streams.stream(f"campaign.{plan.index}.webinar.theme", day),
            )
        if config.count_toward_target and attendees.size:
            self._count_toward_campaign(
                day, attendees, np.full(attendees.size, hours, dtype=np.float32)
            )
