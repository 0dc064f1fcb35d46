"""What each course teaches: one competency (and the course's level in it) and its topics,
consistent with the course's category (the rules and shares are in
sim/data/competencies.yaml, all ASSUMPTIONS):

- common courses: a behavioural competency, or a cross-cutting functional one;
- role-based courses: a functional competency some post of their service group requires;
- ministry (ACBP) courses: one of the owner unit's domain competencies, or a frontline
  cadre's;
- self-selected courses: any behavioural or functional competency.

A topic (e.g. AI-related) is carried by `share` of the courses of every category; common
and self-selected courses on a topic teach one of the topic's competencies.
"""

from __future__ import annotations

import numpy as np

from sim.config.competencies import CourseTagConfig
from sim.world.competency_dictionary import (
    BEHAVIOURAL,
    FUNCTIONAL,
    NONE,
    CompetencyDictionary,
)
from sim.world.roles import RoleTable, competencies_for_group

COMMON, ROLE_BASED, MINISTRY, SELF_SELECTED = range(4)  # index into config.CATEGORIES


def _pick(pool: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    return pool[np.minimum((uniforms * pool.size).astype(np.int64), pool.size - 1)]


def tag_courses(
    category: np.ndarray,
    owner: np.ndarray,
    service_group: np.ndarray,
    dictionary: CompetencyDictionary,
    roles: RoleTable,
    shares: CourseTagConfig,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """(competency int16, topic bits uint8) of each course."""
    n = category.size
    side, which = rng.random(n), rng.random(n)
    behavioural = dictionary.of_kind(BEHAVIOURAL)
    functional = dictionary.of_kind(FUNCTIONAL)
    cadre_domains = dictionary.cadre_domain[dictionary.cadre_domain != NONE]
    competency = np.full(n, NONE, dtype=np.int16)

    common = category == COMMON
    first = side < shares.common_behavioural_share
    competency[common & first] = _pick(behavioural, which[common & first])
    competency[common & ~first] = _pick(dictionary.cross_cutting, which[common & ~first])

    for group in np.unique(service_group[category == ROLE_BASED]):
        rows = (category == ROLE_BASED) & (service_group == group)
        needed = competencies_for_group(roles, int(group))
        pool = needed[dictionary.kind[needed] == FUNCTIONAL]
        competency[rows] = _pick(pool if pool.size else functional, which[rows])

    acbp = np.flatnonzero(category == MINISTRY)
    cadre = side[acbp] < shares.ministry_cadre_share
    competency[acbp[cadre]] = _pick(cadre_domains, which[acbp[cadre]])
    own = acbp[~cadre]
    per_unit = dictionary.unit_domains.shape[1]
    slot = np.minimum((which[own] * per_unit).astype(np.int64), per_unit - 1)
    competency[own] = dictionary.unit_domains[owner[own], slot]

    chosen = category == SELF_SELECTED
    first = side < shares.self_selected_behavioural_share
    competency[chosen & first] = _pick(behavioural, which[chosen & first])
    competency[chosen & ~first] = _pick(functional, which[chosen & ~first])

    topics = np.zeros(n, dtype=np.uint8)
    choose_freely = (category == COMMON) | (category == SELF_SELECTED)
    for t, (share, pool) in enumerate(
        zip(dictionary.topic_share, dictionary.topic_competencies, strict=True)
    ):
        on_topic = rng.random(n) < share
        topics[on_topic] |= np.uint8(1 << t)
        retag = on_topic & choose_freely
        competency[retag] = _pick(pool, rng.random(n)[retag])
    assert (competency != NONE).all()
    return competency, topics
