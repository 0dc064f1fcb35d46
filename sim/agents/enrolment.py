"""Choosing and enrolling in a course, and deciding up front whether it will be finished.

Whether an officer abandons a course is drawn at enrolment (a hazard per listed hour, so
long courses are abandoned more often), together with the fraction at which they leave.
Drawing it up front keeps the rule identical whether a course spans one session or ten.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sim.config import CATEGORIES, BehaviourConfig
from sim.world.catalog import Catalog
from sim.world.population import Officers

# A recommendation policy: (officer ids, rng) -> a course per officer, or -1 for none.
Recommender = Callable[[np.ndarray, np.random.Generator], np.ndarray]


def course_mix_table(behaviour: BehaviourConfig) -> np.ndarray:
    """Cumulative category probabilities; row 0 routine learning, row 1 campaign learning."""
    rows = [behaviour.routine_course_mix, behaviour.campaign_course_mix]
    table = np.array([[row[c] for c in CATEGORIES] for row in rows])
    return np.cumsum(table / table.sum(axis=1, keepdims=True), axis=1)


def abandon_probability(drop_hazard_per_hour: float, duration_hours: np.ndarray) -> np.ndarray:
    """The chance that an officer abandons a course of this listed length."""
    return 1.0 - np.exp(-drop_hazard_per_hour * duration_hours)


def enrol(
    officers: Officers,
    catalog: Catalog,
    ids: np.ndarray,
    mix_row: np.ndarray,
    mix_table: np.ndarray,
    drop_hazard_per_hour: float,
    rng: np.random.Generator,
    recommend: Recommender | None = None,
) -> np.ndarray:
    """Enrol each officer in `ids` in a new course; returns the course ids. With a
    `recommend` policy, officers it gives a course to take that one instead."""
    n = ids.size
    draws = rng.random((4, n))
    categories = np.zeros(n, dtype=np.int64)  # thresholds passed, a column at a time
    for threshold in mix_table[:, :-1].T:
        categories += draws[0] > threshold[mix_row]
    courses = catalog.choose(
        categories,
        officers.ministry_id[ids].astype(np.int64),
        officers.service_group[ids].astype(np.int64),
        draws[1],
        engaged=mix_row == 1,
    )
    if recommend is not None:
        suggested = recommend(ids, rng)
        courses = np.where(suggested >= 0, suggested, courses)
    abandon = abandon_probability(drop_hazard_per_hour, catalog.duration_hours[courses])
    will_drop = draws[2] < abandon
    officers.course[ids] = courses
    officers.progress[ids] = 0.0
    officers.stop_at[ids] = np.where(will_drop, draws[3], 1.0)
    officers.enrolments[ids] += 1
    return courses
