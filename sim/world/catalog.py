"""The course catalogue: categories, competencies, topics, nominal durations and popularity.

Courses are a struct of arrays like officers. Choosing a course for a batch of officers is a
vectorised weighted draw within a group (the officer's ministry for ACBP courses, their
service group for role-based ones), done with one `searchsorted` over cumulative weights
(compiled for large batches, `catalog_kernel.py`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from sim.config import CATEGORIES, SERVICE_GROUPS, CatalogConfig
from sim.config.competencies import CourseTagConfig
from sim.world.catalog_kernel import choose_compiled
from sim.world.competency_dictionary import CompetencyDictionary
from sim.world.course_tags import COMMON, MINISTRY, ROLE_BASED, SELF_SELECTED, tag_courses
from sim.world.random_streams import RandomStreams
from sim.world.roles import RoleTable
from sim.world.search_guide import SearchGuide

GUIDE_BUCKETS = 4  # per course, for the compiled draw's search
# Batches of this many officers or more choose in the compiled form: below it, launching
# threads costs more than the numpy passes (the reference engine chooses one at a time).
COMPILED_FROM = 4096

__all__ = ["COMMON", "MINISTRY", "ROLE_BASED", "SELF_SELECTED", "Catalog", "build_catalog"]


@dataclass(frozen=True)
class WeightedGroups:
    """Courses of one category sorted by group, with cumulative popularity weights."""

    order: np.ndarray  # course ids, grouped
    cumulative: np.ndarray  # running sum of weights along `order`
    group_low: np.ndarray  # cumulative weight before each group's first course
    group_high: np.ndarray  # cumulative weight at each group's last course
    guide: SearchGuide  # where the compiled draw starts its search of `cumulative`

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
        guide = SearchGuide.of(cumulative, GUIDE_BUCKETS * len(order) + 1)
        return cls(course_ids[order], cumulative, padded[starts], padded[ends], guide)

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
    area: np.ndarray  # int8, the type of its competency (index into COMPETENCY_AREAS)
    competency: np.ndarray  # int16, competency id (the competency dictionary's)
    level: np.ndarray  # int8, 1..5
    topics: np.ndarray  # uint8, bit t: carries the dictionary's topic t
    duration_hours: np.ndarray  # float32, listed (nominal) duration
    popularity: np.ndarray  # float64, relative weight when officers choose
    hindi: np.ndarray  # bool, offered in Hindi
    owner_ministry: np.ndarray  # int16, for ministry-recommended (ACBP) courses, else -1
    service_group: np.ndarray  # int8, for role-based courses, else -1
    n_ministries: int
    by_group: WeightedGroups  # courses grouped by choice group (see `choice_group`)
    any_course: WeightedGroups  # the whole catalogue, for officers whose pick has no course
    campaign_groups: WeightedGroups | None = None  # engaged officers' (topic emphasis)

    @property
    def n(self) -> int:
        return len(self.category)

    @cached_property
    def duration_minutes(self) -> np.ndarray:
        return self.duration_hours * np.float32(60.0)

    @cached_property
    def group_offsets(self) -> np.ndarray:
        """The first choice group of each category (see `choice_group`)."""
        return np.array(
            [0, 1, 1 + len(SERVICE_GROUPS), 1 + len(SERVICE_GROUPS) + self.n_ministries],
            dtype=np.int64,
        )

    def choice_group(
        self, categories: np.ndarray, ministry_ids: np.ndarray, service_groups: np.ndarray
    ) -> np.ndarray:
        """The group an officer chooses within: one for common and for self-selected
        courses, one per service group for role-based, one per ministry for ACBP courses."""
        offsets = self.group_offsets
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
        engaged: np.ndarray | None = None,
    ) -> np.ndarray:
        """Courses for officers who have picked a category; any course where it has none.
        `engaged` officers choose with the running campaign's topic emphasis, if any.
        From COMPILED_FROM officers on, the compiled form (`catalog_kernel.py`, the same
        courses) chooses: a few passes less, on all the cores."""
        if categories.size >= COMPILED_FROM:
            return choose_compiled(
                self, categories, ministry_ids, service_groups, uniforms, engaged
            )
        groups = self.choice_group(categories, ministry_ids, service_groups)
        chosen = self.by_group.draw(groups, uniforms)
        if self.campaign_groups is not None and engaged is not None and engaged.any():
            rows = np.flatnonzero(engaged)
            chosen[rows] = self.campaign_groups.draw(groups[rows], uniforms[rows])
        missing = np.flatnonzero(chosen < 0)
        if missing.size:
            groups = np.zeros(missing.size, dtype=np.int64)
            chosen[missing] = self.any_course.draw(groups, uniforms[missing])
        return chosen

    def with_emphasis(self, topic_weights: dict[int, float] | None) -> Catalog:
        """This catalogue with engaged officers choosing courses of topic t `weight` times
        as often as their popularity says (None or {}: no emphasis)."""
        if not topic_weights:
            return dataclasses.replace(self, campaign_groups=None)
        weights = self.popularity.copy()
        for topic, weight in topic_weights.items():
            weights[(self.topics >> topic) & 1 == 1] *= weight
        groups = self.choice_group(
            self.category.astype(np.int64),
            self.owner_ministry.astype(np.int64),
            self.service_group.astype(np.int64),
        )
        n_groups = self.by_group.group_low.size
        built = WeightedGroups.build(np.arange(self.n), groups, weights, n_groups)
        return dataclasses.replace(self, campaign_groups=built)


def _skip_untagged_draws(rng: np.random.Generator, n: int) -> None:
    """Draw and drop what v0.2 drew here (a random area and competency per course; the
    tags now come from the "catalog.tags" stream). Kept so that every later draw of this
    stream, the courses' levels, durations and popularity, stays as it was: the 2024
    calibration and the history fit were made with this catalogue."""
    rng.choice(3, size=n, p=[0.35, 0.35, 0.30])
    rng.integers(0, 40, size=n)


def _lognormal_with_mean(mean: float, sigma: float, size: int, rng) -> np.ndarray:
    return rng.lognormal(np.log(mean) - sigma**2 / 2, sigma, size)


def build_catalog(
    config: CatalogConfig,
    n_ministries: int,
    streams: RandomStreams,
    dictionary: CompetencyDictionary,
    roles: RoleTable,
    tags: CourseTagConfig,
) -> Catalog:
    rng = streams.fresh("catalog")
    n = config.courses
    shares = np.array([config.categories[c] for c in CATEGORIES])
    counts = np.floor(shares * n).astype(int)
    counts[np.argsort(-(shares * n - counts))[: n - counts.sum()]] += 1  # largest remainders
    category = np.repeat(np.arange(len(CATEGORIES)), counts).astype(np.int8)
    _skip_untagged_draws(rng, n)
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
    competency, topics = tag_courses(
        category, owner, group, dictionary, roles, tags, streams.fresh("catalog.tags")
    )

    ids = np.arange(n)
    catalog = Catalog(
        category=category,
        area=dictionary.kind[competency],
        competency=competency,
        level=level,
        topics=topics,
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
