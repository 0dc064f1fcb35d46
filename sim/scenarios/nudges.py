"""Nudges: a weekly reminder to every officer, and an alert to officers inactive for some
days. A share of those nudged log in within a few hours who otherwise would not have then
(effect sizes from the literature priors: see `sim.config.policies`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import simpy

from sim.agents.propensity import prompt_login
from sim.config import InactivityAlertConfig, ReminderConfig
from sim.scenarios.policy import Policy, at
from sim.world.population import NO_DAY

if TYPE_CHECKING:
    from sim.engines.run_state import RunState

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")


class Nudge(Policy):
    """A message sent on a schedule (`_run`), counted under the KPI `kpi_name`."""

    kpi_name = ""

    def __init__(self, state: RunState, config: ReminderConfig | InactivityAlertConfig) -> None:
        super().__init__(state)
        self.config = config
        self.sent = 0

    def start(self, env: simpy.Environment) -> None:
        env.process(self._run(env))

    def _run(self, env: simpy.Environment):
        raise NotImplementedError

    def kpis(self) -> dict[str, float]:
        return {self.kpi_name: float(self.sent)}


class WeeklyReminder(Nudge):
    kpi_name = "reminders_sent"
    config: ReminderConfig

    def _run(self, env: simpy.Environment):
        state, config = self.state, self.config
        minute = int(config.time_ist[:2]) * 60 + int(config.time_ist[3:])
        weekday = WEEKDAYS.index(config.weekday)
        for day in range(state.calendar.n_days):
            if state.calendar.dates[day].weekday() != weekday:
                continue
            yield at(env, day, minute)
            rng = state.streams.fresh("policy.reminder", day)
            everyone = state.present(np.arange(state.officers.n))
            self.sent += everyone.size
            moved = prompt_login(
                state.officers, everyone, int(env.now), config.effect,
                config.response_hours * 60, rng,
            )  # fmt: skip
            state.reschedule(moved)


class InactivityAlert(Nudge):
    kpi_name = "inactivity_alerts_sent"
    config: InactivityAlertConfig

    def _run(self, env: simpy.Environment):
        state, config = self.state, self.config
        for day in range(config.after_days, state.calendar.n_days):
            yield at(env, day, 10 * 60)
            officers = state.officers
            last = officers.last_active_day.astype(np.int64)
            quiet = np.where(last == NO_DAY, day, day - last) >= config.after_days
            alerted = officers.last_alert_day.astype(np.int64)
            due = quiet & ((alerted == NO_DAY) | (day - alerted >= config.after_days))
            ids = state.present(np.flatnonzero(due))
            officers.last_alert_day[ids] = day
            self.sent += ids.size
            rng = state.streams.fresh("policy.alert", day)
            moved = prompt_login(
                officers, ids, int(env.now), config.effect, config.response_hours * 60, rng
            )
            state.reschedule(moved)
