"""The fast engine: a SimPy calendar driving numpy batches of officers.

SimPy runs what is discrete and shared: the ticks of the day, campaign phases (start, the
extension announcement, the end), webinars and policies. Officers are not SimPy
processes: each officer's next session start is a minute in `officers.next_login_min`,
filed in an `EventQueue`; a tick pops the officers due in it and applies the behaviour
rules of `sim.agents` to all of them at once, in the named steps of `TICK_STEPS` (wall
time per step is recorded in `run.json` and printed by `karmasim bench`).

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
from dataclasses import dataclass

import numpy as np
import simpy
from numba import njit, prange

from sim.agents.campaign_response import engaged_officers
from sim.agents.learning import SessionOutcome
from sim.agents.learning_kernel import learn_compiled, session_tables
from sim.agents.sessions_kernel import budgets_for_compiled, next_session_starts_compiled
from sim.config import Scenario
from sim.engines.campaign_driver import drive_campaign, drive_webinars
from sim.engines.event_queue import EventQueue
from sim.engines.output import EngineOutput
from sim.engines.run_state import ProgressCallback, StepTimer, build_run
from sim.scenarios.campaign import CampaignPlan
from sim.world import small_batches
from sim.world.calendar import MINUTES_PER_DAY, NEVER
from sim.world.catalog import Catalog
from sim.world.population import ENGAGED
from sim.world.small_batches import on_calling_core


@njit(cache=True, nogil=True, parallel=True)
def log_in_due(
    candidates, next_login, engage_min, mode, start: int, end: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Those of the sorted `candidates` whose next login is in [start, end), with it (an
    officer filed twice, rescheduled into the tick, once), logged in: those whose campaign
    take-up time has come engage (`sessions.take_up`). Returns them, their minutes,
    whether each is engaged and how many took the campaign up. Two passes where masks,
    gathers and the removal of repeats took six, and the take-up and the budgets' look at
    the mode three more (`tests/test_event_queue.py` checks it against them): the
    candidates are looked up on all the cores (a repeat, next to its first entry because
    they are sorted, only reads its minute), then the due are listed in order from what
    that pass noted (the officers' records are in the other core's cache)."""
    n = candidates.size
    due = np.empty(n, np.bool_)
    took_up = np.empty(n, np.bool_)
    is_engaged = np.empty(n, np.bool_)
    minutes = np.empty(n, next_login.dtype)
    for i in prange(n):
        officer = candidates[i]
        minute = next_login[officer]
        due[i] = (i == 0 or candidates[i - 1] != officer) and start <= minute < end
        took_up[i] = due[i] and engage_min[officer] <= minute
        minutes[i] = minute
        if took_up[i]:
            mode[officer] = ENGAGED
            engage_min[officer] = NEVER
        is_engaged[i] = due[i] and mode[officer] == ENGAGED
    return candidates[due], minutes[due], is_engaged[due], took_up.sum()


_log_in_due_here = on_calling_core(log_in_due)


@njit(cache=True, nogil=True)
def log_in_due_by_size(candidates, next_login, engage_min, mode, start: int, end: int, below: int):
    """`log_in_due`, on the calling core for fewer than `below` candidates (`small_batches`)."""
    if candidates.size < below:
        return _log_in_due_here(candidates, next_login, engage_min, mode, start, end)
    return log_in_due(candidates, next_login, engage_min, mode, start, end)


@dataclass
class Batch:
    """The officers whose sessions start in one tick, as they pass through its steps."""

    day: int
    ids: np.ndarray
    when: np.ndarray
    engaged: np.ndarray  # whether each sits as an engaged learner
    engaging: int  # how many of them took the campaign up as they logged in
    budget: np.ndarray | None = None  # minutes each will sit for
    outcome: SessionOutcome | None = None


TICK_STEPS = (
    "log_in",  # logins and take-up of the campaign counted (applied as they were due)
    "budgets",  # how long each sits
    "admission",  # a full platform turns sessions away
    "learning",  # course by course: enrol, study, complete or drop, credit
    "recording",  # the day's flows and the per-minute concurrency
    "campaign_hours",  # hours in the window count toward the target
    "next_login",  # when each logs in next, filed in the queue
)


class FastEngine:
    name = "fast"

    def __init__(self, scenario: Scenario, progress: ProgressCallback | None = None) -> None:
        self.scenario = scenario
        self.progress = progress
        self.steps: list[tuple[str, Callable[[Batch], bool]]] = [
            (f"tick.{name}", getattr(self, f"_{name}")) for name in TICK_STEPS
        ]
        self._tables_of: Catalog | None = None  # the catalogue `_session_tables` are of
        self._session_tables: tuple = ()

    # ---- Scheduler ---------------------------------------------------------------------
    def reschedule(self, ids: np.ndarray) -> None:
        """File officers whose next login moved (`officers.next_login_min`)."""
        self.queue.schedule(ids, self.state.officers.next_login_min[ids])

    def rng(self, decision: str, day: int) -> np.random.Generator:
        """One running stream per decision and day (common random numbers)."""
        return self.state.streams.stream(decision, day)

    # ---- the run -----------------------------------------------------------------------
    def run(self) -> EngineOutput:
        started = time.perf_counter()
        timer = StepTimer()
        state = self.state = build_run(self.scenario, timer)
        state.scheduler = self
        state.session_starts = next_session_starts_compiled
        self.tick = self.scenario.engine.tick_minutes
        self.queue = EventQueue(state.calendar.horizon_minutes, self.tick)
        self.queue.schedule(np.arange(state.officers.n), state.officers.next_login_min)
        setup_done = time.perf_counter()

        env = simpy.Environment()
        assert state.policies is not None
        state.policies.start(env)
        env.process(state.onboarding(env))
        for plan in state.plans:
            env.process(drive_campaign(env, state, plan))
            env.process(drive_webinars(env, plan, self._hold_webinar))
        env.process(self._ticks(env))
        recorder = state.recorder
        state.platform.start(env, lambda minute: recorder.concurrency_window(minute, minute + 1)[0])
        env.run(until=state.calendar.horizon_minutes + 1)
        return EngineOutput.of(state, setup_done - started, time.perf_counter() - setup_done)

    def _ticks(self, env: simpy.Environment):
        state, tick = self.state, self.tick
        per_day = MINUTES_PER_DAY // tick
        for day in range(state.calendar.n_days):
            self.queue.start_day(day)
            for k in range(per_day):
                yield env.timeout(day * MINUTES_PER_DAY + k * tick - env.now)
                yield env.timeout(0)  # let policy events due at this minute run first
                self._run_tick(day, k)
            state.recorder.add("n_engaged", day, state.n_engaged)
            if self.progress:
                self.progress(day + 1, state.calendar.n_days)

    def _run_tick(self, day: int, tick_of_day: int) -> None:
        t0 = self._tick_start = day * MINUTES_PER_DAY + tick_of_day * self.tick
        timer = self.state.timer
        while True:
            started = time.perf_counter()
            batch = self._due(day, tick_of_day, t0)
            started = timer.lap("tick.due", started)
            if batch is None:
                return
            for name, step in self.steps:
                going = step(batch)
                started = timer.lap(name, started)
                if not going:
                    break

    def _due(self, day: int, tick_of_day: int, t0: int) -> Batch | None:
        """The officers whose session starts in this tick, logged in (None when there are
        none left). Queue entries are candidates: stale ones (rescheduled since) are
        dropped here."""
        officers = self.state.officers
        while True:
            candidates = self.queue.pop(tick_of_day)
            if candidates.size == 0:
                return None
            # ascending ids: this gather and the steps' gathers and scatters walk memory in order
            ids, when, engaged, engaging = log_in_due_by_size(
                np.sort(candidates), officers.next_login_min, officers.engage_min,
                officers.mode, t0, t0 + self.tick, small_batches.ONE_CORE_BELOW,
            )  # fmt: skip
            if ids.size:
                return Batch(day, ids, when, engaged, engaging)

    # ---- the tick's steps (each returns whether the batch goes on) ----------------------
    def _log_in(self, batch: Batch) -> bool:
        self.state.count_logins(batch.day, batch.ids.size, batch.engaging)
        return True

    def _budgets(self, batch: Batch) -> bool:
        state = self.state
        batch.budget = budgets_for_compiled(
            batch.engaged, state.scenario.behaviour, self.rng("session.length", batch.day)
        )
        return True

    def _admission(self, batch: Batch) -> bool:
        if not self.state.platform.constrained:
            return True
        assert batch.budget is not None
        admitted = self._admitted(batch.when, batch.budget)
        if admitted.all():
            return True
        rejected = ~admitted
        nxt = self.state.turn_away(batch.day, batch.ids[rejected], batch.when[rejected])
        self.state.officers.next_login_min[batch.ids[rejected]] = nxt
        self.queue.schedule(batch.ids[rejected], nxt)
        batch.ids, batch.when = batch.ids[admitted], batch.when[admitted]
        batch.budget, batch.engaged = batch.budget[admitted], batch.engaged[admitted]
        return batch.ids.size > 0

    def _learning(self, batch: Batch) -> bool:
        """The batch's sessions. With a Python recommender each course step is credited
        as it ends (the recommender may read the credit); otherwise the completions are
        credited together once the sessions are over (`RunState.credit_session`)."""
        state, day = self.state, batch.day
        assert batch.budget is not None
        if self._tables_of is not state.catalog:  # a campaign's emphasis swaps it
            self._tables_of = state.catalog
            self._session_tables = session_tables(state.catalog, state.scenario.behaviour)
        recommend = state.recommend if state.compiled_recommend is None else None
        steps: list[tuple[np.ndarray, np.ndarray]] = []
        credit = (
            (lambda ids, courses: steps.append((ids, courses)))
            if recommend is None
            else (lambda ids, courses: state.credit(ids, courses, day))
        )
        batch.outcome = learn_compiled(
            state.officers,
            state.catalog,
            batch.ids,
            batch.budget,
            batch.engaged.astype(np.int64),
            state.mix_table,
            state.scenario.behaviour,
            self.rng("session.courses", day),
            recommend,  # or the kernel's own
            credit,
            state.compiled_recommend,
            self._session_tables,
        )
        state.credit_session(steps, day)
        return True

    def _recording(self, batch: Batch) -> bool:
        state, outcome = self.state, batch.outcome
        assert outcome is not None
        state.recorder.add_sessions(batch.when, batch.when + outcome.minutes_used)
        state.record_sessions(batch.day, batch.ids, outcome)
        return True

    def _campaign_hours(self, batch: Batch) -> bool:
        state, outcome = self.state, batch.outcome
        assert outcome is not None
        if state.campaign is not None:
            in_window = state.campaign.in_window(state.officers, batch.ids, batch.when)
            if in_window.any():
                state.count_session_hours(batch.day, batch.ids[in_window], outcome.hours[in_window])
        return True

    def _next_login(self, batch: Batch) -> bool:
        assert batch.outcome is not None
        ends = batch.when + batch.outcome.minutes_used
        nxt = self.state.next_logins(batch.ids, ends, batch.day)
        self.state.officers.next_login_min[batch.ids] = nxt
        self.queue.schedule(batch.ids, nxt)
        return True

    def _admitted(self, when: np.ndarray, budget: np.ndarray) -> np.ndarray:
        """Which of the tick's session starts the platform admits: in order of start, while
        the agents in a session stay below the capacity at the tick's start. Sessions of
        earlier ticks count exactly; the tick's own admitted sessions count for their
        budgeted length (an upper bound of the minutes they use)."""
        tick, t0 = self.tick, self._tick_start
        capacity = self.state.platform.capacity_agents(t0)
        base = self.state.recorder.concurrency_window(t0, t0 + tick)
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

    # ---- webinars ------------------------------------------------------------------------
    def _hold_webinar(self, plan: CampaignPlan, start: int) -> None:
        """Engaged officers who want to attend take the seats (a random subset if capped);
        their hours count at the webinar's start (a bounded approximation)."""
        state = self.state
        with state.timer.step("webinars"):
            config = plan.config.webinars
            assert config is not None
            officers = state.officers
            day = start // MINUTES_PER_DAY
            rng = self.rng(f"campaign.{plan.index}.webinar", day)
            engaged = engaged_officers(officers)
            attendees = engaged[rng.random(engaged.size) < config.attend_probability]
            cap = plan.webinar_seats(self.scenario.scale)
            if attendees.size > cap:
                attendees = np.sort(rng.choice(attendees, size=cap, replace=False))
            state.recorder.add_webinar(start, config.duration_minutes, attendees.size)
            state.recorder.add("new_webinar_attendances", day, attendees.size)
            state.mark_participants(day, attendees)
            theme_rng = self.rng(f"campaign.{plan.index}.webinar.theme", day)
            state.attended_webinar(plan, start, day, attendees, state.campaign, theme_rng)
