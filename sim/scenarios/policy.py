"""What a policy is: an intervention with its own state, random streams and KPIs, attached
to a run through a small interface (in the manner of the interventions of population
ABMs such as Covasim and Starsim).

A policy receives the run's `RunState` and changes the engine only through it (officer
arrays, `state.reschedule`, `state.attend_programme`, `state.retire`). Hooks:

- `start(env)`: start its SimPy processes (reminders at 10:00 on Mondays, ...);
- `suggest(ids, rng)`: a course per officer, or -1 (for policies that point officers to
  courses; `suggests` is True for those), and `compiled_suggestion()`: the same ones for the
  fast engine's session kernel, where the policy has such a form;
- `on_completion(done)`: officers completed courses (assignments clear them, karma
  awards points);
- `on_attendance(ids)`: officers attended a webinar or an event;
- `kpis()`: its KPIs in agent units (the KPI registry scales them to officers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import simpy

from sim.world.calendar import MINUTES_PER_DAY

if TYPE_CHECKING:
    from sim.agents.onboarding_suggestion import OnboardingSuggestion
    from sim.engines.run_state import RunState


@dataclass
class Completions:
    """Courses completed by officers on `day`; assignment policies mark which were
    assigned and how many months late, for the policies after them (karma)."""

    ids: np.ndarray
    courses: np.ndarray
    day: int
    assigned: np.ndarray  # bool
    months_late: np.ndarray  # int64

    @classmethod
    def of(cls, ids: np.ndarray, courses: np.ndarray, day: int) -> Completions:
        return cls(
            ids, courses, day, np.zeros(ids.size, dtype=bool), np.zeros(ids.size, dtype=np.int64)
        )


class Policy:
    """Base class: every hook does nothing."""

    suggests = False

    def __init__(self, state: RunState) -> None:
        self.state = state

    def start(self, env: simpy.Environment) -> None:
        """Start the policy's SimPy processes."""

    def suggest(self, ids: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """A course for each officer, or -1 for no suggestion."""
        return np.full(ids.size, -1, dtype=np.int64)

    def compiled_suggestion(self) -> OnboardingSuggestion | None:
        """`suggest` in a form the fast engine's session kernel runs itself, if it has one
        (then a session is one compiled call instead of one per course)."""
        return None

    def on_completion(self, done: Completions) -> None:
        """Officers completed courses."""

    def on_attendance(self, ids: np.ndarray) -> None:
        """Officers attended a webinar or an event."""

    def kpis(self) -> dict[str, float]:
        """KPIs in agent units."""
        return {}


def at(env: simpy.Environment, day: int, minute_of_day: int) -> simpy.Timeout:
    """A timeout until `minute_of_day` on `day` (now, if that is past)."""
    return env.timeout(max(day * MINUTES_PER_DAY + minute_of_day - env.now, 0))
