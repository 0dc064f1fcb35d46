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

from sim.agents.activity import IntensityClock, routine_clock
from sim.agents.campaign_response import engagement_weights, leave_after_target
from sim.agents.enrolment import course_mix_table, enrol
from sim.agents.learning import learn
from sim.agents.sessions import session_minutes
from sim.calendar import MINUTES_PER_DAY, NEVER, SimCalendar
from sim.catalog import Catalog, build_catalog
from sim.config import Scenario, WebinarConfig
from sim.event_calendar import EventCalendar
from sim.population import ENGAGED, NO_DAY, ROUTINE, Population, build_population
from sim.random_streams import RandomStreams
from sim.recorder import Recorder
from sim.scenarios.campaign import CampaignPlan

ProgressCallback = Callable[[int, int], None]  # (days done, days in total)


@dataclass
class CampaignOutcome:
    """Snapshot taken when a campaign window closes (agent units)."""

    name: str
    start_day: int
    end_day: int
    participants: int
    participants_meeting_target: int
    org_participants: np.ndarray
    org_meeting_target: np.ndarray


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
    timings: dict[str, float] = field(default_factory=dict)


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
        self.population = build_population(
            scenario.population, scenario.agents, scenario.calendar.start, self.streams
        )
        self.officers = self.population.officers
        self.catalog = build_catalog(
            scenario.catalog, self.population.organisations.n_ministries, self.streams
        )
        self.mix_table = course_mix_table(scenario.behaviour)
        self.routine_clock = routine_clock(self.calendar)
        self.queue = EventCalendar(self.calendar.horizon_minutes, scenario.engine.tick_minutes)
        self.recorder = Recorder(self.calendar.n_days)
        self.plans = [
            CampaignPlan(i, c, self.calendar)
            for i, c in enumerate(sorted(scenario.campaigns, key=lambda c: c.start))
        ]
        self.current: CampaignPlan | None = None
        self.engaged_clock: IntensityClock | None = None
        self.window = (NEVER, NEVER)  # minutes [start, end) in which hours count for it
        self.targeted = np.empty(0, dtype=np.int64)  # officers the running campaign targets
        self.n_engaged = 0
        self.outcomes: list[CampaignOutcome] = []
        self._slot = np.zeros(self.officers.n, dtype=np.int32)  # scratch for de-duplication
        self._seed_initial_state()

    def _seed_initial_state(self) -> None:
        """Courses in progress at the start, and everyone's first login."""
        officers, n = self.officers, self.officers.n
        rng = self.streams.fresh("initial.in_progress")
        rate = officers.routine_logins_per_day.astype(float)
        days = self.scenario.population.initial_in_progress_days
        has_course = np.flatnonzero(rng.random(n) < 1.0 - np.exp(-rate * days))
        enrol(
            officers,
            self.catalog,
            has_course,
            np.zeros(has_course.size, dtype=np.int64),
            self.mix_table,
            self.scenario.behaviour.drop_hazard_per_hour,
            rng,
        )
        officers.progress[has_course] = officers.stop_at[has_course] * rng.random(has_course.size)
        officers.enrolments[has_course] = 0  # enrolled before the run: not a run enrolment
        officers.in_progress_at_start[has_course] = True
        self.initial_in_progress = int(has_course.size)

        draws = self.streams.fresh("initial.first_login").standard_exponential(n)
        ids = np.arange(n)
        officers.next_login_min[:] = self.routine_clock.next_events_from(0, rate, draws)
        self.queue.schedule(ids, officers.next_login_min)

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
        self._start_campaign(plan)
        if plan.announce_min is not None:
            yield env.timeout(plan.announce_min - env.now)
            self._announce_extension(plan)
        yield env.timeout(plan.end_min - env.now)
        self._end_campaign(plan)

    def _webinars(self, env: simpy.Environment, plan: CampaignPlan):
        config = plan.config.webinars
        for start in plan.webinar_minutes():
            yield env.timeout(start - env.now)
            self._hold_webinar(plan, start, config)

    def run(self) -> EngineOutput:
        started = time.perf_counter()
        self._setup()
        setup_done = time.perf_counter()
        env = simpy.Environment()
        for plan in self.plans:
            env.process(self._campaign(env, plan))
            env.process(self._webinars(env, plan))
        env.process(self._ticks(env))
        env.run(until=self.calendar.horizon_minutes + 1)
        finished = time.perf_counter()
        return EngineOutput(
            scenario=self.scenario,
            calendar=self.calendar,
            population=self.population,
            catalog=self.catalog,
            recorder=self.recorder,
            initial_in_progress=self.initial_in_progress,
            campaigns=self.outcomes,
            timings={"setup_s": setup_done - started, "simulate_s": finished - setup_done},
        )

    # ---- a tick: the batch of officers whose session starts now --------------------------
    def _run_tick(self, day: int, tick_of_day: int) -> None:
        tick = self.scenario.engine.tick_minutes
        t0 = day * MINUTES_PER_DAY + tick_of_day * tick
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
        officers, scenario, record = self.officers, self.scenario, self.recorder
        behaviour = scenario.behaviour

        taking_up = officers.engage_min[ids] <= when
        if taking_up.any():
            newly = ids[taking_up]
            officers.mode[newly] = ENGAGED
            officers.engage_min[newly] = NEVER
            self.n_engaged += newly.size
            record.add("new_engaged", day, newly.size)

        engaged = officers.mode[ids] == ENGAGED
        budget = np.empty(ids.size, dtype=np.int32)
        rng = self.streams.stream("session.length", day)
        budget[~engaged] = session_minutes(behaviour.routine_session, int((~engaged).sum()), rng)
        budget[engaged] = session_minutes(behaviour.engaged_session, int(engaged.sum()), rng)

        outcome = learn(
            officers,
            self.catalog,
            ids,
            budget,
            engaged.astype(np.int64),
            self.mix_table,
            behaviour,
            self.streams.stream("session.courses", day),
        )
        ends = when + outcome.minutes_used
        record.add_sessions(when, ends)
        officers.sessions[ids] += 1
        record.add("new_sessions", day, ids.size)
        record.add("new_enrolments", day, int(outcome.enrolments.sum()))
        record.add("new_completions", day, int(outcome.completions.sum()))
        record.add("new_drops", day, int(outcome.drops.sum()))
        record.add("new_learning_hours", day, float(outcome.hours.sum(dtype=np.float64)))
        first_today = officers.last_active_day[ids] != day
        record.add("n_active_learners", day, int(first_today.sum()))
        officers.last_active_day[ids] = day
        self._mark_participants(day, ids)

        in_window = (when >= self.window[0]) & (when < self.window[1])
        if in_window.any():
            self._count_toward_campaign(day, ids[in_window], outcome.hours[in_window])

        self._schedule_next_logins(day, ids, ends)

    def _mark_participants(self, day: int, ids: np.ndarray) -> None:
        first = ids[self.officers.first_active_day[ids] == NO_DAY]
        self.officers.first_active_day[first] = day
        self.recorder.add("new_participants", day, first.size)

    def _count_toward_campaign(self, day: int, ids: np.ndarray, hours: np.ndarray) -> None:
        """Add hours in the campaign window; engaged officers at the target may step back."""
        plan = self.current
        assert plan is not None
        officers = self.officers
        target = plan.config.target_hours
        before = officers.campaign_hours[ids]
        officers.campaign_hours[ids] = before + hours
        reached = (before < target) & (officers.campaign_hours[ids] >= target)
        self.recorder.add("new_reached_target", day, int(reached.sum()))
        leaving = leave_after_target(
            officers,
            ids,
            target,
            plan.config.engagement.continue_after_target,
            self.streams.stream("campaign.leave_after_target", day),
        )
        self.n_engaged -= leaving.size

    def _schedule_next_logins(self, day: int, ids: np.ndarray, after: np.ndarray) -> None:
        officers = self.officers
        draws = self.streams.stream("next_login", day).standard_exponential(ids.size)
        engaged = officers.mode[ids] == ENGAGED
        nxt = np.empty(ids.size, dtype=np.int32)
        routine = ~engaged
        nxt[routine] = self.routine_clock.next_event(
            after[routine], officers.routine_logins_per_day[ids[routine]], draws[routine]
        )
        if engaged.any():
            assert self.current is not None and self.engaged_clock is not None
            rate = np.full(
                int(engaged.sum()), self.current.config.engagement.engaged_logins_per_day
            )
            nxt[engaged] = self.engaged_clock.next_event(after[engaged], rate, draws[engaged])
        nxt = np.minimum(nxt, officers.engage_min[ids])
        officers.next_login_min[ids] = nxt
        self.queue.schedule(ids, nxt)

    # ---- campaign phases -----------------------------------------------------------------
    def _start_campaign(self, plan: CampaignPlan) -> None:
        officers = self.officers
        self.current = plan
        self.engaged_clock = plan.engaged_clock(extended=False)
        self.window = (plan.start_min, plan.end_min)
        self.targeted = np.flatnonzero(plan.targeted(officers))
        officers.campaign_hours[:] = 0.0
        draws = self.streams.fresh(f"campaign.{plan.index}.engagement")
        self._draw_engagement(
            plan,
            plan.engagement_clock(extended=False),
            draws.standard_exponential(officers.n),
            plan.start_min,
            self.targeted,
        )

    def _draw_engagement(
        self,
        plan: CampaignPlan,
        clock: IntensityClock,
        draws: np.ndarray,
        now: int,
        ids: np.ndarray,
    ) -> None:
        """When each of `ids` takes the campaign up (NEVER, for most of them)."""
        officers = self.officers
        median = self.scenario.population.propensity.median_logins_per_working_day
        weights = engagement_weights(officers, ids, plan.config.engagement, median)
        times = clock.next_events_from(now, plan.engagement_scale() * weights, draws[ids])
        ids, times = ids[times < NEVER], times[times < NEVER]
        officers.engage_min[ids] = times
        sooner = times < officers.next_login_min[ids]
        officers.next_login_min[ids[sooner]] = times[sooner]
        self.queue.schedule(ids[sooner], times[sooner])

    def _announce_extension(self, plan: CampaignPlan) -> None:
        """The deadline moves: redraw engaged officers' logins and pending take-up times.

        Both are memoryless, so redrawing from the announcement is exact. Officers whose next
        event was a take-up get a fresh routine login first.
        """
        officers = self.officers
        now = plan.announce_min
        assert now is not None
        self.engaged_clock = plan.engaged_clock(extended=True)
        logins = self.streams.fresh(f"campaign.{plan.index}.extension.logins")
        draws = logins.standard_exponential(officers.n)

        engaged = np.flatnonzero(officers.mode == ENGAGED)
        rate = np.full(engaged.size, plan.config.engagement.engaged_logins_per_day)
        nxt = self.engaged_clock.next_event(
            np.full(engaged.size, now, np.int64), rate, draws[engaged]
        )
        officers.next_login_min[engaged] = nxt
        self.queue.schedule(engaged, nxt)

        targeted = self.targeted
        pending = targeted[officers.engage_min[targeted] < NEVER]
        was_take_up = pending[officers.next_login_min[pending] == officers.engage_min[pending]]
        routine = self.routine_clock.next_event(
            np.full(was_take_up.size, now, np.int64),
            officers.routine_logins_per_day[was_take_up],
            draws[was_take_up],
        )
        officers.next_login_min[was_take_up] = routine
        self.queue.schedule(was_take_up, routine)
        officers.engage_min[pending] = NEVER

        # Officers who already met the target and stepped back do not take it up again.
        waiting = targeted[
            (officers.mode[targeted] == ROUTINE)
            & (officers.campaign_hours[targeted] < plan.config.target_hours)
        ]
        draws = self.streams.fresh(f"campaign.{plan.index}.extension.engagement")
        self._draw_engagement(
            plan,
            plan.engagement_clock(extended=True),
            draws.standard_exponential(officers.n),
            now,
            waiting,
        )

    def _end_campaign(self, plan: CampaignPlan) -> None:
        officers = self.officers
        engaged = np.flatnonzero(officers.mode == ENGAGED)
        officers.mode[engaged] = ROUTINE
        self.n_engaged = 0
        officers.engage_min[self.targeted] = NEVER
        draws = self.streams.fresh(f"campaign.{plan.index}.end").standard_exponential(engaged.size)
        nxt = self.routine_clock.next_events_from(
            plan.end_min, officers.routine_logins_per_day[engaged], draws
        )
        officers.next_login_min[engaged] = nxt
        self.queue.schedule(engaged, nxt)

        target = plan.config.target_hours
        participated = officers.campaign_hours > 0
        meeting = participated & (officers.campaign_hours >= target)
        n_orgs = self.population.organisations.n
        self.outcomes.append(
            CampaignOutcome(
                name=plan.name,
                start_day=plan.start_day,
                end_day=plan.end_day,
                participants=int(participated.sum()),
                participants_meeting_target=int(meeting.sum()),
                org_participants=np.bincount(officers.org_id[participated], minlength=n_orgs),
                org_meeting_target=np.bincount(officers.org_id[meeting], minlength=n_orgs),
            )
        )
        self.current = None
        self.engaged_clock = None
        self.window = (NEVER, NEVER)

    # ---- webinars --------------------------------------------------------------------------
    def _hold_webinar(self, plan: CampaignPlan, start: int, config: WebinarConfig) -> None:
        officers = self.officers
        day = start // MINUTES_PER_DAY
        rng = self.streams.stream(f"campaign.{plan.index}.webinar", day)
        engaged = np.flatnonzero(officers.mode == ENGAGED)
        attendees = engaged[rng.random(engaged.size) < config.attend_probability]
        cap = int(np.ceil(config.attendance_cap / self.scenario.scale))
        if attendees.size > cap:
            attendees = np.sort(rng.choice(attendees, size=cap, replace=False))
        hours = np.float32(config.duration_minutes / 60)
        officers.webinar_hours[attendees] += hours
        self.recorder.add_webinar(start, config.duration_minutes, attendees.size)
        self.recorder.add("new_webinar_attendances", day, attendees.size)
        self.recorder.add("new_webinar_hours", day, float(hours) * attendees.size)
        self._mark_participants(day, attendees)
        if config.count_toward_target and attendees.size:
            self._count_toward_campaign(
                day, attendees, np.full(attendees.size, hours, dtype=np.float32)
            )
