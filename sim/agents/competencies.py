"""The competency model: what posts require, what officers hold, and what learning
changes.

Every officer holds a level (0 none, 1 beginner to 5 expert) in each competency their
post's profile requires (sim/world/roles.py); levels start from the courses completed
before the run (sim/agents/prior_learning.py). Completing a course and passing its
assessment raises the officer's level in the course's competency to the course's level,
if their post requires it. Every completion also marks the type of competency learnt and
the course's topics. The KPIs are read from a `CompetencySnapshot`, at the start and the
end of a run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
import pandas as pd

from sim.agents.competency_kernels import (
    mark_bit,
    mark_learned_by_size,
    met_counts,
    raise_levels,
    snapshot_sums,
    starting_levels,
)
from sim.agents.prior_learning import PriorLearning
from sim.config import CADRES, COMPETENCY_AREAS, SECTORS, SERVICE_GROUPS, CompetencyConfig
from sim.world import small_batches
from sim.world.blocks import in_blocks
from sim.world.catalog import Catalog
from sim.world.competency_dictionary import NONE, CompetencyDictionary
from sim.world.pages import huge_pages
from sim.world.population import NO_DAY, Officers
from sim.world.random_streams import RandomStreams
from sim.world.roles import RoleTable

N_TYPES = len(COMPETENCY_AREAS)  # bits 0-2 of `learned`: a course of each type completed
# The cells a snapshot sums over; every breakdown (sector, group, cadre, unit, family) is a
# sum of cells.
CELL_COLUMNS = ("family", "unit", "sector", "service_group", "cadre")
MEASURES = ("officers", "required", "met", "ready", *(f"with_{a}" for a in COMPETENCY_AREAS),
            "with_topic")  # fmt: skip


@dataclass(frozen=True)
class CompetencySnapshot:
    """What is met at one moment, summed by cell, by competency and by organisation."""

    cells: pd.DataFrame  # CELL_COLUMNS (codes) + MEASURES, non-empty cells only
    required_by_competency: np.ndarray  # [competencies] required pairs
    met_by_competency: np.ndarray  # [competencies] of them met
    org_required: np.ndarray  # [orgs] required pairs
    org_met: np.ndarray  # [orgs] of them met
    org_ready: np.ndarray  # [orgs] officers meeting every requirement
    org_officers: np.ndarray  # [orgs] officers counted
    improved: float  # officers meeting more requirements than at the start (or transfer)

    def total(self, measure: str) -> float:
        return float(self.cells[measure].sum())

    @property
    def coverage(self) -> float:
        return self.total("met") / max(self.total("required"), 1.0)

    @property
    def readiness(self) -> float:
        return self.total("ready") / max(self.total("officers"), 1.0)

    def share(self, measure: str) -> float:
        return self.total(measure) / max(self.total("officers"), 1.0)


@dataclass
class CompetencyModel:
    roles: RoleTable
    dictionary: CompetencyDictionary
    levels: np.ndarray  # uint8 [officers, slots]: level held in each required competency
    met_at_start: np.ndarray  # int8 [officers]: requirements met at the start (or transfer)
    officers: Officers
    n_orgs: int
    pass_probability: float
    experience_level: int
    focus_topic: int  # the dictionary's topic whose reach is reported
    at_start: CompetencySnapshot | None = None

    @property
    def profile(self) -> np.ndarray:
        """int32 [officers]: the requirement profile of each officer's post (kept with the
        officers' per-session state, which crediting a completion reads anyway)."""
        return self.officers.competency_profile

    @property
    def learned(self) -> np.ndarray:
        """uint8 [officers]: bit k < 3, a course of type k completed; bit 3, one of the
        focus topic (kept with the officers' per-session state)."""
        return self.officers.learned

    @classmethod
    def build(
        cls,
        config: CompetencyConfig,
        dictionary: CompetencyDictionary,
        roles: RoleTable,
        catalog: Catalog,
        officers: Officers,
        n_orgs: int,
        routine_mix: np.ndarray,
        streams: RandomStreams,
    ) -> CompetencyModel:
        profile = roles.profile(
            officers.sector, officers.service_group, officers.cadre, officers.role_id,
            officers.ministry_id.astype(np.int32),
        )  # fmt: skip
        officers.competency_profile[:] = profile
        prior = PriorLearning.build(catalog, dictionary, routine_mix, config.pass_probability)
        with_history = np.flatnonzero(officers.prior_completions > 0)
        # in their own small dtypes: exact wherever they are read (widened to float64 in
        # the chances, indices in the tables), a quarter of int64's bytes
        completed = officers.prior_completions[with_history]
        unit = officers.ministry_id[with_history]
        group = officers.service_group[with_history]
        rng = streams.fresh("competencies.history")
        # column-major: each slot's levels are contiguous, for the scans of `snapshot`
        levels = np.empty((officers.n, roles.slots), np.uint8, "F")
        huge_pages(levels)  # raised at random in the simulation (`pages`, "Page size")
        levels.fill(config.experience_level)
        learned = officers.learned
        learned[:] = 0
        for slot in range(roles.slots):  # one uniform per officer with history and slot
            uniforms = rng.random(with_history.size, dtype=np.float32)
            starting_levels(
                levels, learned, slot, with_history, profile, unit, group,
                in_blocks(prior.reach, uniforms, completed), roles.required, dictionary.kind,
                prior.log_miss, config.experience_level, NONE,
            )  # fmt: skip
        focus = dictionary.topics.index(config.focus_topic)
        for bit in range(N_TYPES + 1):  # each type's share, then the focus topic's
            table, column = (prior.type_share, bit) if bit < N_TYPES else (prior.topic_share, focus)
            shares = table[:, :, column]  # per (unit, group): a block's chances gather theirs
            had = in_blocks(
                lambda u, g, n, draw, shares=shares: prior.has(shares[u, g], n, draw),
                unit, group, completed, rng.random(with_history.size, dtype=np.float32),
            )  # fmt: skip
            mark_bit(learned, with_history, had, bit)
        model = cls(
            roles=roles,
            dictionary=dictionary,
            levels=levels,
            met_at_start=np.zeros(officers.n, dtype=np.int8),
            officers=officers,
            n_orgs=n_orgs,
            pass_probability=config.pass_probability,
            experience_level=config.experience_level,
            focus_topic=dictionary.topics.index(config.focus_topic),
        )
        model.met_at_start[:] = model.met_count()
        model.at_start = model.snapshot()
        return model

    # ---- rules -------------------------------------------------------------------------
    def credit(
        self, ids: np.ndarray, courses: np.ndarray, catalog: Catalog, rng: np.random.Generator
    ) -> None:
        """Officers `ids` completed `courses`: they have learnt a course of its type and
        topics; those who pass the assessment rise to the course's level in its
        competency, where their post requires it."""
        slots = np.empty(ids.size, np.int64)
        relevant = mark_learned_by_size(
            self.learned, ids, courses, catalog.area, catalog.topics, self.focus_topic,
            N_TYPES, self.roles.required, self.profile, catalog.competency, slots,
            small_batches.ONE_CORE_BELOW,
        )  # fmt: skip
        if relevant:
            uniforms = rng.random(relevant)
            raise_levels(
                self.levels, ids, courses, catalog.level, slots, uniforms, self.pass_probability
            )

    def transfer(self, ids: np.ndarray, rng: np.random.Generator) -> None:
        """Officers move to another designation of their service group. Competencies
        both posts require keep their level; the new post's others start at the
        experience level (the move opens new gaps: ASSUMPTION, the courses an officer
        took for other competencies before the run are not re-read). Gains are counted
        from the move (`met_at_start` is reset)."""
        officers = self.officers
        groups = officers.service_group[ids].astype(np.int64)
        n = self.roles.n_designations
        current = officers.role_id[ids].astype(np.int64) % n
        other = (current + 1 + rng.integers(0, max(n - 1, 1), ids.size)) % n  # never the same
        officers.role_id[ids] = (groups * n + other).astype(np.int16)
        old_required, old_levels = self.roles.required[self.profile[ids]], self.levels[ids]
        self.profile[ids] = self.roles.profile(
            officers.sector[ids], groups, officers.cadre[ids], officers.role_id[ids],
            officers.ministry_id[ids].astype(np.int32),
        )  # fmt: skip
        required = self.roles.required[self.profile[ids]]
        same = (required[:, :, None] == old_required[:, None, :]) & (required != NONE)[:, :, None]
        carried = np.where(same, old_levels[:, None, :], 0).max(axis=2)
        kept = same.any(axis=2)
        self.levels[ids] = np.where(kept, carried, self.experience_level).astype(np.uint8)
        self.met_at_start[ids] = self.met(ids).sum(axis=1)

    def practise(
        self, ids: np.ndarray, area: int, probability: float, rng: np.random.Generator
    ) -> None:
        """A session on an area (a themed webinar, a programme): with `probability`, the
        officer's first unmet requirement in that area rises by one level."""
        if ids.size == 0:
            return
        ids = ids[rng.random(ids.size) < probability]
        required = self.roles.required[self.profile[ids]]
        in_area = (required != NONE) & (self.dictionary.kind[np.maximum(required, 0)] == area)
        unmet = ~self.met(ids) & in_area
        has = unmet.any(axis=1)
        who = ids[has]
        slot = np.argmax(unmet[has], axis=1)
        np.add.at(self.levels, (who, slot), 1)

    # ---- reading the state ---------------------------------------------------------------
    def met(self, ids: np.ndarray) -> np.ndarray:
        """bool [officers, slots]: each real requirement of `ids` met now (False for the
        profile's empty slots)."""
        need = self.roles.level[self.profile[ids]]
        return (self.levels[ids] >= need) & (need > 0)

    def met_count(self) -> np.ndarray:
        """int8 [officers]: requirements met now, one slot at a time."""
        count = np.empty(self.officers.n, dtype=np.int8)
        met_counts(self.profile, self.levels, self.roles.level, count)
        return count

    def gaps(self, ids: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """(competency, level) of one unmet requirement per officer, picked at random;
        competency -1 where every requirement is met."""
        need = self.roles.level[self.profile[ids]]
        unmet = (self.levels[ids] < need) & (need > 0)
        first = np.argmax(unmet * rng.random(unmet.shape), axis=1)
        has_gap = unmet[np.arange(ids.size), first]
        profiles = self.profile[ids]
        competency = np.where(has_gap, self.roles.required[profiles, first], -1)
        return competency, np.where(has_gap, self.roles.level[profiles, first], 0)

    def snapshot(self) -> CompetencySnapshot:
        """What is met now by the officers in the workforce (not retired), summed."""
        officers, roles = self.officers, self.roles
        n_comp = self.dictionary.n
        sizes = [len(roles.family_names), roles.n_units, len(SECTORS), len(SERVICE_GROUPS),
                 len(CADRES)]  # fmt: skip
        cell_sums = np.zeros((int(np.prod(sizes)), len(MEASURES)))
        required_by, met_by = np.zeros(n_comp), np.zeros(n_comp)
        org_sums = np.zeros((self.n_orgs, 4))  # required, met, ready, officers
        improved = snapshot_sums(
            officers.left_day == NO_DAY, self.profile, self.levels, roles.required,
            roles.level, officers.ministry_id, officers.sector, officers.service_group,
            officers.cadre, officers.org_id, self.learned, self.met_at_start,
            len(CADRES) * roles.n_designations * roles.n_units, np.array(sizes), N_TYPES,
            cell_sums, required_by, met_by, org_sums, numba.get_num_threads(),
        )  # fmt: skip
        sums = dict(zip(MEASURES, cell_sums.T, strict=True))
        present = np.flatnonzero(sums["officers"])
        codes = np.unravel_index(present, sizes)
        cells = pd.DataFrame(
            {name: code.astype(np.int64) for name, code in zip(CELL_COLUMNS, codes, strict=True)}
            | {m: sums[m][present] for m in MEASURES}
        )
        return CompetencySnapshot(
            cells=cells,
            required_by_competency=required_by,
            met_by_competency=met_by,
            org_required=org_sums[:, 0],
            org_met=org_sums[:, 1],
            org_ready=org_sums[:, 2],
            org_officers=org_sums[:, 3],
            improved=float(improved),
        )
