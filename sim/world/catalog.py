"""The course catalogue: categories, competencies, nominal durations and popularity.

Courses are a struct of arrays like officers. Choosing a course for a batch of officers is a
vectorised weighted draw within a group (the officer's ministry for ACBP courses, their
service group for role-based ones), done with one `searchsorted` over cumulative weights.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.config import CATEGORIES, COMPETENCY_AREAS, SERVICE_GROUPS, CatalogConfig
from sim.world.random_streams import RandomStreams

COMMON, ROLE_BASED, MINISTRY, SELF_SELECTED = range(4)  # index into config.CATEGORIES


@dataclass(frozen=True)
class WeightedGroups:
    """Courses of one category sorted by group, with cumulative popularity weights."""

    order: np.ndarray  # course ids, grouped
    cumulative: np.ndarray  # running sum of weights along `order`
    group_low: np.ndarray  # cumulative weight before each group's first course
    group_high: np.ndarray  # cumulative weight at each group's last course

    @classmethod
    def build(
        cls, course_ids: np.ndarray, groups: np.ndarray, weights: np.ndarray, n_groups: int
    ) -> WeightedGroups:
        order = np.lexsort((course_ids, groups))
        sorted_groups = groups[order]
        cumulative = np.cumsum(weights[order])
        ends = np.searchsorted(sorted_groups, np.arange(n_groups), side="right")
        starts = np.searchsorted(sorted_groups, np.arange(n_groups), side="left")
        padded = np.concatenate([[0.0], cumulative])
        return cls(course_ids[order], cumulative, padded[starts], padded[ends])

    def draw(self, groups: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
        """One course per officer from their group, or -1 where the group has no course."""
        low = self.group_low[groups]
        high = self.group_high[groups]
        target = low + uniforms * (high - low)
        position = np.searchsorted(self.cumulative, target, side="right")
        position = np.minimum(position, len(self.order) - 1)
        return np.where(high > low, self.order[position], -1)


@dataclass(frozen=True)
class Catalog:
    category: np.ndarray  # int8, index into CATEGORIES
    area: np.ndarray  # int8, index into COMPETENCY_AREAS
    competency: np.ndarray  # int16, competency id (area * per_area + k)
    level: np.ndarray  # int8, 1..5
    duration_hours: np.ndarray  # float32, listed (nominal) duration
    popularity: np.ndarray  # float64, relative weight when officers choose
    hindi: np.ndarray  # bool, offered in Hindi
    owner_ministry: np.ndarray  # int16, for ministry-recommended (ACBP) courses, else -1
    service_group: np.ndarray  # int8, for role-based courses, else -1
    n_ministries: int
    by_group: WeightedGroups  # courses grouped by choice group (see `choice_group`)
    any_course: WeightedGroups  # the whole catalogue, for officers whose pick has no course

    @property
    def n(self) -> int:
        return len(self.category)

    @property
    def duration_minutes(self) -> np.ndarray:
        return self.duration_hours * np.float32(60.0)

    def choice_group(
        self, categories: np.ndarray, ministry_ids: np.ndarray, service_groups: np.ndarray
    ) -> np.ndarray:
        """The group an officer chooses within: one for common and for self-selected
        courses, one per service group for role-based, one per ministry for ACBP courses."""
        offsets = np.array(
            [0, 1, 1 + len(SERVICE_GROUPS), 1 + len(SERVICE_GROUPS) + self.n_ministries]
        )
        within = np.where(
            categories == MINISTRY,
            ministry_ids,
            np.where(categories == ROLE_BASED, service_groups, 0),
        )
        return offsets[categories] + within

    def choose(
        self,
        categories: np.ndarray,
        ministry_ids: np.ndarray,
        service_groups: np.ndarray,
        uniforms: np.ndarray,
    ) -> np.ndarray:
        """Courses for officers who have picked a category; any course where it has none."""
        groups = self.choice_group(categories, ministry_ids, service_groups)
        chosen = self.by_group.draw(groups, uniforms)
        missing = np.flatnonzero(chosen < 0)
        if missing.size:
            groups = np.zeros(missing.size, dtype=np.int64)
            chosen[missing] = self.any_course.draw(groups, uniforms[missing])
        return chosen


def _lognormal_with_mean(mean: float, sigma: float, size: int, rng) -> np.ndarray:
    return rng.lognormal(np.log(mean) - sigma**2 / 2, sigma, size)


def build_catalog(config: CatalogConfig, n_ministries: int, streams: RandomStreams) -> Catalog:
    rng = streams.fresh("catalog")
    n = config.courses
    shares = np.array([config.categories[c] for c in CATEGORIES])
    counts = np.floor(shares * n).astype(int)
    counts[np.argsort(-(shares * n - counts))[: n - counts.sum()]] += 1  # largest remainders
    category = np.repeat(np.arange(len(CATEGORIES)), counts).astype(np.int8)

    area_shares = np.array([config.areas[a] for a in COMPETENCY_AREAS])
    area = rng.choice(len(COMPETENCY_AREAS), size=n, p=area_shares).astype(np.int8)
    competency = (
        area.astype(np.int16) * config.competencies_per_area
        + rng.integers(0, config.competencies_per_area, size=n)
    ).astype(np.int16)
    level = rng.choice(np.arange(1, 6), size=n, p=[0.35, 0.3, 0.2, 0.1, 0.05]).astype(np.int8)

    duration = _lognormal_with_mean(config.duration_mean_hours, config.duration_sigma, n, rng)
    duration = np.clip(duration, config.duration_min_hours, config.duration_max_hours)
    popularity = 1.0 / rng.permutation(np.arange(1, n + 1)) ** config.popularity_skew
    hindi = rng.random(n) < config.hindi_share

    owner = np.full(n, -1, dtype=np.int16)
    is_ministry = np.flatnonzero(category == MINISTRY)
    # Every ministry gets at least one ACBP course when there are enough to go round.
    owners = np.arange(is_ministry.size) % max(n_ministries, 1)
    owner[is_ministry] = rng.permutation(owners)
    group = np.full(n, -1, dtype=np.int8)
    is_role = np.flatnonzero(category == ROLE_BASED)
    group[is_role] = np.arange(is_role.size) % len(SERVICE_GROUPS)

    ids = np.arange(n)
    catalog = Catalog(
        category=category,
        area=area,
        competency=competency,
        level=level,
        duration_hours=duration.astype(np.float32),
        popularity=popularity,
        hindi=hindi,
        owner_ministry=owner,
        service_group=group,
        n_ministries=n_ministries,
        by_group=WeightedGroups.build(ids, np.zeros(n, np.int64), popularity, 1),  # replaced below
        any_course=WeightedGroups.build(ids, np.zeros(n, np.int64), popularity, 1),
    )
    groups = catalog.choice_group(
        category.astype(np.int64), owner.astype(np.int64), group.astype(np.int64)
    )
    n_groups = 2 + len(SERVICE_GROUPS) + n_ministries
    return dataclasses.replace(
        catalog, by_group=WeightedGroups.build(ids, groups, popularity, n_groups)
    )


def offer_factor(config: CatalogConfig, dates: pd.DatetimeIndex) -> np.ndarray | None:
    """Routine learning on each date relative to a catalogue of `config.courses` (None when
    the catalogue does not grow): (courses on offer / courses) ** growth_elasticity."""
    if not config.growth or config.growth_elasticity == 0:
        return None
    known = np.array([p.date.toordinal() for p in config.growth], dtype=float)
    log_courses = np.log([p.courses for p in config.growth])
    ordinals = np.array([d.toordinal() for d in dates.date], dtype=float)
    on_offer = np.exp(np.interp(ordinals, known, log_courses))
    return (on_offer / config.courses) ** config.growth_elasticity
