"""What happens in a session: officers work through courses until their time runs out.

Learning hours are nominal, as iGOT counts them: the completed fraction of a course times
its listed duration. A minute on the platform advances a course by one listed minute.
When a course is finished (or abandoned) and enough time is left, the officer enrols in
another, up to a per-session maximum.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.agents.enrolment import Recommender, enrol
from sim.config import BehaviourConfig
from sim.world.catalog import Catalog
from sim.world.population import NO_COURSE, Officers

# Told who completed which course: (officer ids, course ids). Called once per course step
# with completions, in step order; `study` calls it before it clears the finished courses
# and adds the step's hours and drops, the compiled session (learning_kernel) after the
# step or, without a recommender (or with the onboarding suggestion the kernel makes
# itself), after the whole session: a Credit must read none of what a session writes, and
# write none of what the onboarding suggestion reads (completions, recruit flags).
Credit = Callable[[np.ndarray, np.ndarray], None]


@dataclass
class SessionOutcome:
    """Per officer of the batch, what the session produced."""

    minutes_used: np.ndarray  # int32, at least 1
    hours: np.ndarray  # float32, nominal course hours
    enrolments: np.ndarray  # int16
    completions: np.ndarray  # int16
    drops: np.ndarray  # int16

    @classmethod
    def zeros(cls, n: int) -> SessionOutcome:
        """Nothing produced yet, for `n` officers."""
        return cls(
            minutes_used=np.zeros(n, np.int32),
            hours=np.zeros(n, np.float32),
            enrolments=np.zeros(n, np.int16),
            completions=np.zeros(n, np.int16),
            drops=np.zeros(n, np.int16),
        )


@dataclass
class StudyStep:
    """Per officer, one stretch of work on one course."""

    minutes: np.ndarray  # float32, minutes spent on the course
    enrolled: np.ndarray  # bool, started the course in this step
    finished: np.ndarray  # bool, reached the point where they complete or abandon it
    completed: np.ndarray  # bool
    dropped: np.ndarray  # bool


def study(
    officers: Officers,
    catalog: Catalog,
    ids: np.ndarray,
    minutes_left: np.ndarray,
    mix_row: np.ndarray,
    mix_table: np.ndarray,
    behaviour: BehaviourConfig,
    rng: np.random.Generator,
    recommend: Recommender | None = None,
    credit: Credit | None = None,
) -> StudyStep:
    """Each officer works on their course (enrolling in one first if they have none) for
    up to `minutes_left`, finishing or abandoning it if they reach that point. `credit` is
    told who completed which course (the competency model)."""
    enrolled = officers.course[ids] == NO_COURSE
    if enrolled.any():
        enrol(
            officers,
            catalog,
            ids[enrolled],
            mix_row[enrolled],
            mix_table,
            behaviour.drop_hazard_per_hour,
            rng,
            recommend,
        )
    course = officers.course[ids]
    length = catalog.duration_minutes[course]
    progress = officers.progress[ids]
    stop_at = officers.stop_at[ids]
    left = np.maximum(stop_at - progress, 0.0) * length
    used = np.minimum(minutes_left, left)
    finished = used >= left
    officers.progress[ids] = np.where(finished, stop_at, progress + used / length)
    completed = finished & (stop_at >= 1.0)
    dropped = finished & (stop_at < 1.0)
    officers.completions[ids[completed]] += 1
    if credit is not None and completed.any():
        credit(ids[completed], course[completed])
    officers.drops[ids[dropped]] += 1
    officers.course[ids[finished]] = NO_COURSE
    officers.learning_hours[ids] += used / np.float32(60.0)
    return StudyStep(used, enrolled, finished, completed, dropped)


def keeps_studying(step: StudyStep, minutes_left: np.ndarray, behaviour: BehaviourConfig):
    """Officers who finished a course and have time enough left to start another."""
    return step.finished & (minutes_left >= behaviour.min_minutes_to_start_course)


def session_minutes_used(studied_minutes: np.ndarray) -> np.ndarray:
    """A session lasts the whole minutes its study took, and at least one."""
    return np.maximum(np.ceil(studied_minutes), 1).astype(np.int32)


def learn(
    officers: Officers,
    catalog: Catalog,
    ids: np.ndarray,
    budget_minutes: np.ndarray,
    mix_row: np.ndarray,
    mix_table: np.ndarray,
    behaviour: BehaviourConfig,
    rng: np.random.Generator,
    recommend: Recommender | None = None,
    credit: Credit | None = None,
) -> SessionOutcome:
    """A whole session for each officer at once: `study` steps until time runs out."""
    n = ids.size
    remaining = budget_minutes.astype(np.float32)
    outcome = SessionOutcome.zeros(n)
    active = np.arange(n)
    for _ in range(behaviour.max_courses_per_session):
        step = study(
            officers,
            catalog,
            ids[active],
            remaining[active],
            mix_row[active],
            mix_table,
            behaviour,
            rng,
            recommend,
            credit,
        )
        remaining[active] -= step.minutes
        outcome.hours[active] += step.minutes / np.float32(60.0)
        outcome.enrolments[active] += step.enrolled
        outcome.completions[active] += step.completed
        outcome.drops[active] += step.dropped
        active = active[keeps_studying(step, remaining[active], behaviour)]
        if active.size == 0:
            break
    outcome.minutes_used = session_minutes_used(budget_minutes - remaining)
    return outcome
