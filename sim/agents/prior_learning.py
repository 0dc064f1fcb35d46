"""Proficiency at the start of a run from the courses officers completed before it.

An officer with n completions before the run drew each course as routine learning does
(a category from the routine mix, then a course by popularity within the category's
choice group) and passed its assessment with probability `pass`. With q(c, l) the chance
that one completion is a course teaching competency c at level >= l, the officer holds c
at level >= l with probability 1 - (1 - pass * q(c, l)) ** n. One uniform u per
(officer, requirement) gives a level consistent across l: the officer is at level >= l
exactly when log(1 - pass * q(c, l)) < log(1 - u) / n.

ASSUMPTION: the courses before the run came from the run's catalogue, chosen as routine
learning chooses now (docs/competencies.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config import CATEGORIES, COMPETENCY_AREAS, SERVICE_GROUPS
from sim.world.catalog import Catalog
from sim.world.competency_dictionary import CompetencyDictionary

LEVELS = 5


def _shares_by_group(catalog: Catalog, column: np.ndarray, n_values: int) -> np.ndarray:
    """float [choice groups, n_values]: popularity share of each group's courses with
    each value of `column` (a group without courses falls back to the whole catalogue,
    as `Catalog.choose` does)."""
    groups = catalog.choice_group(
        catalog.category.astype(np.int64),
        catalog.owner_ministry.astype(np.int64),
        catalog.service_group.astype(np.int64),
    )
    n_groups = catalog.by_group.group_low.size
    weights = np.zeros((n_groups, n_values))
    np.add.at(weights, (groups, column), catalog.popularity)
    totals = weights.sum(axis=1, keepdims=True)
    everywhere = weights.sum(axis=0) / weights.sum()
    return np.where(totals > 0, weights / np.where(totals > 0, totals, 1), everywhere)


@dataclass(frozen=True)
class PriorLearning:
    """Per (unit, service group): the chance that one routine completion teaches each
    competency at each level or above, is of each type, and carries each topic."""

    log_miss: np.ndarray  # float32 [units, groups, competencies, LEVELS]: log(1 - pass q)
    type_share: np.ndarray  # float [units, groups, types]
    topic_share: np.ndarray  # float [units, groups, topics]

    @classmethod
    def build(
        cls,
        catalog: Catalog,
        dictionary: CompetencyDictionary,
        routine_mix: np.ndarray,
        pass_probability: float,
    ) -> PriorLearning:
        n_units = catalog.n_ministries
        n_comp = dictionary.n
        # column value per course: competency * LEVELS + (level - 1)
        exact = _shares_by_group(
            catalog,
            catalog.competency.astype(np.int64) * LEVELS + catalog.level - 1,
            n_comp * LEVELS,
        ).reshape(-1, n_comp, LEVELS)
        at_least = np.cumsum(exact[:, :, ::-1], axis=2)[:, :, ::-1]  # level >= l
        types = _shares_by_group(catalog, catalog.area.astype(np.int64), len(COMPETENCY_AREAS))
        n_topics = len(dictionary.topics)
        topic_bits = (catalog.topics[:, None] >> np.arange(n_topics)) & 1
        topics = np.stack(
            [_shares_by_group(catalog, topic_bits[:, t].astype(np.int64), 2)[:, 1]
             for t in range(n_topics)], axis=1,
        ) if n_topics else np.zeros((at_least.shape[0], 0))  # fmt: skip

        units = np.arange(n_units)[:, None]
        sgroups = np.arange(len(SERVICE_GROUPS))[None, :]
        per_category = [
            catalog.choice_group(np.full((n_units, len(SERVICE_GROUPS)), k), units, sgroups)
            for k in range(len(CATEGORIES))
        ]

        def mixed(table: np.ndarray) -> np.ndarray:
            return sum(routine_mix[k] * table[g] for k, g in enumerate(per_category))

        hit = mixed(at_least) * pass_probability
        return cls(
            log_miss=np.log1p(-np.minimum(hit, 1.0 - 1e-12)).astype(np.float32),
            type_share=mixed(types),
            topic_share=mixed(topics),
        )

    def levels(
        self,
        competency: np.ndarray,
        unit: np.ndarray,
        group: np.ndarray,
        completions: np.ndarray,
        uniforms: np.ndarray,
    ) -> np.ndarray:
        """uint8: the highest level passed in `competency` by each officer with
        `completions` before the run (0: none)."""
        reach = self.reach(uniforms, completions)
        n_groups, n_comp = self.log_miss.shape[1], self.log_miss.shape[2]
        rows = (unit.astype(np.int64, copy=False) * n_groups + group) * n_comp + competency
        log_miss = self.log_miss.reshape(-1, LEVELS)[rows]  # [officers, LEVELS]
        return (log_miss < reach[:, None]).sum(axis=1, dtype=np.uint8)

    @staticmethod
    def reach(uniforms: np.ndarray, completions: np.ndarray) -> np.ndarray:
        """float32: the officer holds a level when its `log_miss` is below this (-inf
        without completions): log(1 - u) / n, from float32 `uniforms` (the log in
        float32, the division in float64, as `(np.log1p(-u) / n).astype(np.float32)`)."""
        reach = np.negative(uniforms, dtype=np.float32)  # in place from here: no temporaries
        np.log1p(reach, out=reach)
        np.divide(
            reach, np.maximum(completions, 1), out=reach, dtype=np.float64, casting="same_kind"
        )
        reach[completions <= 0] = -np.inf
        return reach

    def has(self, share: np.ndarray, completions: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
        """Whether at least one of `completions` had a property of per-completion chance
        `share` (float64: 1 - (1 - share) ** completions, computed as
        `-np.expm1(completions * np.log1p(-share))`)."""
        chance = np.minimum(share, 1.0 - 1e-12)  # in place from here: no temporaries
        np.negative(chance, out=chance)
        np.log1p(chance, out=chance)
        np.multiply(completions, chance, out=chance)
        np.expm1(chance, out=chance)
        np.negative(chance, out=chance)
        return uniforms < chance
