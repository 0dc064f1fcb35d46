"""The state of one run, built once and shared by both engines.

Both engines simulate the same world with the same rules; they differ only in how they
put officers on their timetable (the fast engine files them in an `EventQueue`, the
reference engine wakes their SimPy processes) and in which random stream feeds a
decision (`Scheduler`). Everything else a run holds and does in more than one place
lives here: the world, the policies, the running campaign, what is recorded, and the
shared steps (counting hours toward a campaign, attending a programme or a webinar,
turning a session away, retiring officers). Policies receive this state and change the
engine only through it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np
import simpy

from sim.agents.activity import IntensityClock, routine_clock
from sim.agents.campaign_phases import ActiveCampaign, CampaignOutcome
from sim.agents.campaign_response import (
    add_campaign_hours,
    count_session_hours_by_size,
    leave_after_target,
    register_first_timers,
)
from sim.agents.competencies import CompetencyModel
from sim.agents.enrolment import Recommender, course_mix_table
from sim.agents.initial_state import seed_initial_state
from sim.agents.learning import SessionOutcome
from sim.agents.onboarding_suggestion import OnboardingSuggestion
from sim.agents.overload import turn_away
from sim.agents.presence import leave, on_platform
from sim.agents.sessions import OnboardingDrive, next_session_starts, take_up
from sim.config import CADRES, COMPETENCY_AREAS, SERVICE_GROUPS, Scenario
from sim.config.competencies import builtin_dictionary
from sim.engines.recorder import Recorder, group_index
from sim.engines.session_records import record_sessions_by_size
from sim.platform.runtime import PlatformRuntime
from sim.scenarios.campaign import CampaignPlan
from sim.world import small_batches
from sim.world.calendar import MINUTES_PER_DAY, SimCalendar
from sim.world.catalog import Catalog, build_catalog, offer_factor
from sim.world.cores import concurrently
from sim.world.population import ENGAGED, NO_DAY, Officers, Population, population_for
from sim.world.random_streams import RandomStreams
from sim.world.roles import competency_world

if TYPE_CHECKING:
    from sim.scenarios.policy_set import PolicySet

ProgressCallback = Callable[[int, int], None]  # (days done, days in total)
SessionStarts = Callable[..., np.ndarray]  # `sessions.next_session_starts` or its compiled form
JUST_BEFORE = 1e-6  # minutes: an event "just before" a minute runs before all events at it


class Scheduler(Protocol):
    """What an engine adds to the shared run state."""

    def reschedule(self, ids: np.ndarray) -> None:
        """Officers whose `next_login_min` (or take-up) moved: act on the new time."""

    def rng(self, decision: str, day: int) -> np.random.Generator:
        """The generator feeding a named decision (e.g. `next_login`) on `day`."""


class StepTimer:
    """Wall time per named step of a run (set-up, the tick's steps, summarising). Not CPU
    time: compiled kernels share a step's work among the cores (and OpenMP's idle threads
    spin between kernels), so a process's CPU time says little of what a step costs.
    Steps run concurrently (set-up's competency model and initial state) each count
    their own wall time, so the steps may add up to more than the whole."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.lap(name, started)

    def lap(self, name: str, since: float) -> float:
        """Adds the time since `since` (a `time.perf_counter()`) to `name` and returns now,
        the next lap's start: one clock read per step, for loops too hot for a context
        manager per step (the fast engine's tick)."""
        now = time.perf_counter()
        self.seconds[name] = self.seconds.get(name, 0.0) + now - since
        return now


@dataclass
class RunState:
    scenario: Scenario
    calendar: SimCalendar
    streams: RandomStreams
    population: Population
    catalog: Catalog
    mix_table: np.ndarray
    competencies: CompetencyModel
    routine_clock: IntensityClock
    recorder: Recorder
    platform: PlatformRuntime
    plans: list[CampaignPlan]
    timer: StepTimer
    initial_in_progress: int = 0
    scheduler: Scheduler | None = None
    policies: PolicySet | None = None
    recommend: Recommender | None = None
    compiled_recommend: OnboardingSuggestion | None = None  # `recommend` as the kernel runs it
    drive: OnboardingDrive | None = None  # newcomers' onboarding courses and login rate
    campaign: ActiveCampaign | None = None
    n_engaged: int = 0
    outcomes: list[CampaignOutcome] = field(default_factory=list)
    session_starts: SessionStarts = next_session_starts  # the fast engine sets the compiled

    @property
    def officers(self) -> Officers:
        return self.population.officers

    # ---- who is on the platform ---------------------------------------------------------
    def present(self, ids: np.ndarray) -> np.ndarray:
        """Those of `ids` on the platform now: onboarded and not retired."""
        return on_platform(self.officers, ids)

    def onboarding(self, env: simpy.Environment):
        """Officers who join during the run come onto the platform at 00:00 of their day;
        during a campaign they may take it up from then on."""
        officers = self.officers
        joining = np.flatnonzero(officers.onboarded_day > 0)
        if joining.size == 0:
            return
        days = officers.onboarded_day[joining]
        order = np.argsort(days, kind="stable")
        joining, days = joining[order], days[order]
        bounds = np.searchsorted(days, np.arange(1, self.calendar.n_days + 1))
        for day in range(1, self.calendar.n_days):
            # just before 00:00, so that a login in the day's first minute finds them there
            yield env.timeout(day * MINUTES_PER_DAY - JUST_BEFORE - env.now)
            arriving = joining[bounds[day - 1] : bounds[day]]
            officers.present[arriving] = True
            if self.campaign is not None and arriving.size:
                self.reschedule(self.campaign.join(officers, self.streams, arriving, day))

    def retire(self, ids: np.ndarray, day: int) -> np.ndarray:
        """Officers leave the service: off the platform and out of any campaign."""
        leaving = self.present(ids)
        self.n_engaged -= int((self.officers.mode[leaving] == ENGAGED).sum())
        leave(self.officers, leaving, day)
        self.reschedule(leaving)  # their pending login is cancelled
        return leaving

    # ---- the engine's timetable ---------------------------------------------------------
    def reschedule(self, ids: np.ndarray) -> None:
        assert self.scheduler is not None
        self.scheduler.reschedule(ids)

    def rng(self, decision: str, day: int) -> np.random.Generator:
        assert self.scheduler is not None
        return self.scheduler.rng(decision, day)

    def next_logins(self, ids: np.ndarray, after: np.ndarray, day: int) -> np.ndarray:
        """Each officer's next login after `after` (routine, campaign or take-up)."""
        draws = self.rng("next_login", day).standard_exponential(ids.size)
        return self.session_starts(
            self.officers, ids, after, draws, self.routine_clock, self.campaign, self.drive
        )

    # ---- sessions ----------------------------------------------------------------------
    def log_in(self, day: int, ids: np.ndarray, when: np.ndarray) -> None:
        """Officers log in at `when`; those whose campaign take-up time has come engage."""
        newly = take_up(self.officers, ids, when)
        self.count_logins(day, ids.size, newly.size)

    def count_logins(self, day: int, logins: int, engaging: int) -> None:
        """`logins` sessions start on `day`, `engaging` of them taking the campaign up."""
        if engaging:
            self.n_engaged += engaging
            self.recorder.add("new_engaged", day, engaging)
        self.recorder.add("new_logins", day, logins)

    def credit(self, ids: np.ndarray, courses: np.ndarray, day: int) -> None:
        """What completing courses does beyond the counts: competencies, then policies."""
        self.credit_session([(ids, courses)], day)

    def credit_session(self, steps: list[tuple[np.ndarray, np.ndarray]], day: int) -> None:
        """A session's completions, step by step, credited as `credit` would credit each
        step in turn: the competency model once for all of them (it draws one uniform per
        completion that fills a slot, in order, and no completion's credit reads what
        another's writes), then the policies step by step (a policy may read what it
        wrote for the step before). One competency call per batch instead of one per
        course step (`tests/test_competencies.py` checks that both agree to the bit)."""
        if not steps:
            return
        ids = steps[0][0] if len(steps) == 1 else np.concatenate([s[0] for s in steps])
        courses = steps[0][1] if len(steps) == 1 else np.concatenate([s[1] for s in steps])
        self.competencies.credit(ids, courses, self.catalog, self.rng("competency.assessment", day))
        assert self.policies is not None
        for step_ids, step_courses in steps:
            self.policies.on_completion(step_ids, step_courses, day)

    def record_completions(self, day: int, ids: np.ndarray, counts: np.ndarray) -> None:
        """Completions counted on `day`: the day's total and who made them (by sector and
        cadre, by ministry or state, and each officer's first), recorded together so that
        they never disagree."""
        counts = np.asarray(counts, dtype=np.int64)
        self.recorder.add("new_completions", day, int(counts.sum()))
        officers = self.officers
        groups = group_index(officers.sector[ids], officers.cadre[ids])
        self.recorder.add_completions_by_group(day, groups, counts)
        self.recorder.add_completions_by_unit(day, officers.ministry_id[ids], counts)
        first = ids[(counts > 0) & (officers.first_completion_day[ids] == NO_DAY)]
        officers.first_completion_day[first] = day

    def record_sessions(self, day: int, ids: np.ndarray, outcome: SessionOutcome) -> None:
        """A tick's sessions (distinct officers) and what they produced: the counts, and
        per officer what `record_completions` and `mark_participants` (and the day last
        active) state, compiled into one visit per officer (the fast engine's)."""
        officers, record = self.officers, self.recorder
        totals = np.empty(5, np.int64)
        first_today, first_ever = record_sessions_by_size(
            ids, outcome.completions, outcome.minutes_used, outcome.enrolments, outcome.drops,
            day, officers.sessions, officers.last_active_day, officers.first_active_day,
            officers.first_completion_day, officers.sector, officers.cadre,
            officers.ministry_id, len(CADRES), record.completions_by_group[day],
            record.completions_by_unit[day], totals, small_batches.ONE_CORE_BELOW,
        )  # fmt: skip
        completions, squared, minutes, enrolments, drops = totals.tolist()
        record.add("new_sessions", day, ids.size)
        record.add("new_session_minutes", day, minutes)
        record.add("new_enrolments", day, enrolments)
        record.add("new_completions", day, completions)
        record.add("new_completions_squared", day, squared)
        record.add("new_drops", day, drops)
        record.add("new_learning_hours", day, float(outcome.hours.sum(dtype=np.float64)))
        record.add("n_active_learners", day, first_today)
        record.add("new_participants", day, first_ever)

    def turn_away(self, day: int, ids: np.ndarray, when: np.ndarray) -> np.ndarray:
        """The platform is full: no session. Returns each officer's next login (a retry or
        their usual next login, whichever is sooner)."""
        self.recorder.add("new_rejected_sessions", day, ids.size)
        self.recorder.add_rejected(when)
        retry, retry_at = turn_away(
            self.officers,
            ids,
            when,
            self.scenario.platform.overload,
            self.rng("platform.turned_away", day),
        )
        nxt = self.next_logins(ids, when + 1, day)
        return np.where(retry, np.minimum(retry_at, nxt), nxt).astype(np.int32)

    def mark_participants(self, day: int, ids: np.ndarray) -> None:
        officers = self.officers
        first = ids[officers.first_active_day[ids] == NO_DAY]
        officers.first_active_day[first] = day
        self.recorder.add("new_participants", day, first.size)

    # ---- the campaign's target -----------------------------------------------------------
    def add_campaign_hours(
        self, campaign: ActiveCampaign, day: int, ids: np.ndarray, hours: np.ndarray
    ) -> None:
        """Hours learned in the window count toward the campaign's target (unless the
        window closed meanwhile)."""
        if campaign is self.campaign:
            hours = np.asarray(hours, dtype=np.float32)
            reached = add_campaign_hours(self.officers, ids, hours, campaign.config.target_hours)
            self.recorder.add("new_reached_target", day, reached)

    def step_back(self, campaign: ActiveCampaign, day: int, ids: np.ndarray) -> None:
        """After a session or webinar that counted, engaged officers at the target may step
        back to their routine."""
        if campaign is self.campaign:
            config = campaign.config
            leaving = leave_after_target(
                self.officers,
                ids,
                config.target_hours,
                config.engagement.continue_after_target,
                self.rng("campaign.leave_after_target", day),
            )
            self.n_engaged -= leaving.size

    def count_toward_campaign(self, day: int, ids: np.ndarray, hours: np.ndarray) -> None:
        """Add hours in the window; engaged officers at the target may then step back."""
        campaign = self.campaign
        assert campaign is not None
        self.add_campaign_hours(campaign, day, ids, hours)
        self.step_back(campaign, day, ids)

    def count_session_hours(self, day: int, ids: np.ndarray, hours: np.ndarray) -> None:
        """`count_toward_campaign` for a tick's sessions in the running campaign's window
        (distinct officers), compiled: the fast engine's."""
        campaign = self.campaign
        assert campaign is not None
        config = campaign.config
        reached, leaving = count_session_hours_by_size(
            ids,
            np.asarray(hours, dtype=np.float32),
            self.officers.campaign_hours,
            self.officers.mode,
            float(config.target_hours),
            float(config.engagement.continue_after_target),
            self.rng("campaign.leave_after_target", day).random(ids.size),
            small_batches.ONE_CORE_BELOW,
        )
        self.recorder.add("new_reached_target", day, reached)
        self.n_engaged -= leaving

    # ---- learning away from self-paced courses --------------------------------------------
    def attend_programme(self, ids: np.ndarray, hours: float, start: int, blended: bool) -> None:
        """Officers attend an MDO programme session starting at minute `start`."""
        day = start // MINUTES_PER_DAY
        self.recorder.add("new_programme_attendances", day, ids.size)
        self.recorder.add("new_programme_hours", day, hours * ids.size)
        self.mark_participants(day, ids)
        if blended:
            self.recorder.add_webinar(start, int(hours * 60), ids.size)
        campaign = self.campaign
        if campaign is not None and ids.size:
            counted = ids[campaign.in_window(self.officers, ids, np.full(ids.size, start))]
            if counted.size:
                self.count_toward_campaign(day, counted, np.full(counted.size, hours))

    def attended_webinar(
        self,
        plan: CampaignPlan,
        start: int,
        day: int,
        ids: np.ndarray,
        campaign: ActiveCampaign | None,
        theme_rng: np.random.Generator,
    ) -> None:
        """Officers who sat through a webinar of `plan` that began at `start`: their hours,
        karma, the day's theme, and the campaign's target."""
        config = plan.config.webinars
        assert config is not None
        hours = np.float32(config.duration_minutes / 60)
        self.officers.webinar_hours[ids] += hours
        self.recorder.add("new_webinar_hours", day, float(hours) * ids.size)
        assert self.policies is not None
        self.policies.on_attendance(ids)
        theme = plan.webinar_theme(start)
        if theme is not None:
            self.competencies.practise(
                ids, COMPETENCY_AREAS.index(theme), config.theme_credit_probability, theme_rng
            )
        if config.count_toward_target and ids.size and campaign is not None:
            counted = campaign.in_scope(ids)
            self.add_campaign_hours(campaign, day, counted, np.full(counted.size, hours))
            self.step_back(campaign, day, counted)


def onboarding_drive(scenario: Scenario) -> OnboardingDrive | None:
    """Newcomers' faster start, when the scenario has newcomers and sets a rate for it."""
    workforce = scenario.workforce
    joining = workforce.growth or scenario.population.adoption is not None
    if not joining or not workforce.onboarding_courses or not workforce.onboarding_logins_per_day:
        return None
    return OnboardingDrive(workforce.onboarding_courses, workforce.onboarding_logins_per_day)


def campaign_plans(
    scenario: Scenario, calendar: SimCalendar, population: Population
) -> list[CampaignPlan]:
    """The scenario's campaigns in date order, with their scope's ministry ids."""
    ministries = population.organisations.table.drop_duplicates("ministry_id")
    id_of = dict(zip(ministries["ministry"], ministries["ministry_id"], strict=True))
    plans = []
    for i, config in enumerate(sorted(scenario.campaigns, key=lambda c: c.start)):
        units = None
        if config.target_units:
            units = np.array([id_of.get(name, -1) for name in config.target_units])
        plans.append(CampaignPlan(i, config, calendar, units))
    return plans


def build_run(scenario: Scenario, timer: StepTimer | None = None) -> RunState:
    """Everything a run needs before its first event, the same for both engines."""
    from sim.scenarios.policy_set import PolicySet

    timer = timer or StepTimer()
    calendar = SimCalendar(scenario.calendar)
    streams = RandomStreams(scenario.seed)
    with timer.step("setup.population"):
        population = population_for(scenario, calendar.n_days, streams)
    with timer.step("setup.catalogue"):
        dictionary, roles = competency_world(
            scenario.competencies,
            population.organisations.unit_names(),
            population.n_roles // len(SERVICE_GROUPS),
            streams,
        )
        catalog = build_catalog(
            scenario.catalog,
            population.organisations.n_ministries,
            streams,
            dictionary,
            roles,
            builtin_dictionary().course_tags,
        )
    mix_table = course_mix_table(scenario.behaviour)
    plans = campaign_plans(scenario, calendar, population)
    for plan in plans:
        if plan.config.first_time_share > 0:
            register_first_timers(
                population.officers,
                plan.targeted(population.officers),
                plan.start_day,
                plan.calendar.day_index(plan.config.planned_end),
                plan.config.first_time_share,
                streams.fresh(f"campaign.{plan.index}.first_time"),
            )
    clock = routine_clock(calendar, offer_factor(scenario.catalog, calendar.dates))
    drive = onboarding_drive(scenario)

    def initial_state() -> int:
        with timer.step("setup.initial_state"):
            return seed_initial_state(
                population.officers, catalog, scenario, mix_table, clock, streams, drive
            )

    def competencies() -> CompetencyModel:
        with timer.step("setup.competencies"):
            return CompetencyModel.build(
                scenario.competencies,
                dictionary,
                roles,
                catalog,
                population.officers,
                population.organisations.n,
                np.diff(mix_table[0], prepend=0.0),
                streams,
            )

    # Concurrently (sim/world/cores.py): neither reads what the other writes (the initial
    # state writes the officers' logins and courses; the competency model reads who they
    # are and their history), and each draws its own streams. The competency model first:
    # the calling thread starts on it, and its temporaries are the most to free.
    model, initial_in_progress = concurrently(competencies, initial_state)
    state = RunState(
        scenario=scenario,
        calendar=calendar,
        streams=streams,
        population=population,
        catalog=catalog,
        mix_table=mix_table,
        competencies=model,
        routine_clock=clock,
        recorder=Recorder(calendar.n_days, population.organisations.n_ministries),
        platform=PlatformRuntime(scenario.platform, scenario.scale, calendar.horizon_minutes),
        plans=plans,
        timer=timer,
        drive=drive,
        initial_in_progress=initial_in_progress,
    )
    with timer.step("setup.policies"):
        state.policies = PolicySet.for_scenario(state)
        state.recommend = state.policies.recommender()
        state.compiled_recommend = state.policies.compiled_recommender()
    with timer.step("setup.pack"):
        state.officers.pack()  # set-up is done: the simulation visits officers side by side
    return state
