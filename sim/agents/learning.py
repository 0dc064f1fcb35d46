"""What happens in a session: officers work through courses until their time runs out.

Learning hours are nominal, as iGOT counts them: the completed fraction of a course times
its listed duration. A minute on the platform advances a course by one listed minute.
When a course is finished (or abandoned) and enough time is left, the officer enrols in
another, up to a per-session maximum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.agents.enrolment import enrol
from sim.catalog import Catalog
from sim.config import BehaviourConfig
from sim.population import NO_COURSE, Officers


@dataclass
class SessionOutcome:
    """Per officer of the batch, what the session produced."""

    minutes_used: np.ndarray  # int32, at least 1
    hours: np.ndarray  # float32, nominal course hours
    enrolments: np.ndarray  # int16
    completions: np.ndarray  # int16
    drops: np.ndarray  # int16


def learn(
    officers: Officers,
    catalog: Catalog,
    ids: np.ndarray,
    budget_minutes: np.ndarray,
    mix_row: np.ndarray,
    mix_table: np.ndarray,
    behaviour: BehaviourConfig,
    rng: np.random.Generator,
) -> SessionOutcome:
    n = ids.size
    remaining = budget_minutes.astype(np.float32)
    outcome = SessionOutcome(
        minutes_used=np.zeros(n, np.int32),
        hours=np.zeros(n, np.float32),
        enrolments=np.zeros(n, np.int16),
        completions=np.zeros(n, np.int16),
        drops=np.zeros(n, np.int16),
    )
    duration_minutes = catalog.duration_minutes
    active = np.arange(n)
    for _ in range(behaviour.max_courses_per_session):
        who = ids[active]
        needs_course = officers.course[who] == NO_COURSE
        if needs_course.any():
            starting = active[needs_course]
            enrol(
                officers,
                catalog,
                ids[starting],
                mix_row[starting],
                mix_table,
                behaviour.drop_hazard_per_hour,
                rng,
            )
            outcome.enrolments[starting] += 1
        course = officers.course[who]
        length = duration_minutes[course]
        progress = officers.progress[who]
        stop_at = officers.stop_at[who]
        left = np.maximum(stop_at - progress, 0.0) * length
        used = np.minimum(remaining[active], left)
        finished = used >= left
        officers.progress[who] = np.where(finished, stop_at, progress + used / length)
        remaining[active] -= used
        outcome.hours[active] += used / np.float32(60.0)
        completed = finished & (stop_at >= 1.0)
        dropped = finished & (stop_at < 1.0)
        outcome.completions[active[completed]] += 1
        outcome.drops[active[dropped]] += 1
        officers.completions[who[completed]] += 1
        officers.drops[who[dropped]] += 1
        officers.course[who[finished]] = NO_COURSE
        active = active[finished & (remaining[active] >= behaviour.min_minutes_to_start_course)]
        if active.size == 0:
            break
    used_minutes = budget_minutes - remaining
    outcome.minutes_used = np.maximum(np.ceil(used_minutes), 1).astype(np.int32)
    officers.learning_hours[ids] += outcome.hours
    return outcome
