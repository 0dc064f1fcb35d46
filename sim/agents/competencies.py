"""The competency model: what roles require, what officers have, and what completing a
course changes.

Each role requires a few competencies per area (behavioural, functional, domain), each at
a level. An officer's levels are kept for the competencies their role requires (one slot
per requirement); completing a course and passing its assessment raises the officer's
level in the course's competency to the course's level, if it is one they need.
Coverage is the share of required (officer, competency) pairs met; role readiness the
share of officers meeting every requirement of their role.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config import COMPETENCY_AREAS, SERVICE_GROUPS, CompetencyConfig
from sim.world.catalog import ROLE_BASED, Catalog
from sim.world.population import Population
from sim.world.random_streams import RandomStreams


@dataclass(frozen=True)
class CompetencySnapshot:
    """Requirements met at one moment, summed by service group x area and by organisation."""

    met: np.ndarray  # [groups, areas] requirements met
    required: np.ndarray  # [groups, areas] requirements in total
    ready: np.ndarray  # [groups] officers meeting all their requirements
    officers: np.ndarray  # [groups]
    org_met_share: np.ndarray  # [orgs] sum over officers of their share of requirements met
    org_ready: np.ndarray  # [orgs] officers meeting all requirements

    @property
    def coverage(self) -> float:
        return float(self.met.sum() / self.required.sum())

    @property
    def readiness(self) -> float:
        return float(self.ready.sum() / self.officers.sum())


@dataclass
class CompetencyModel:
    required: np.ndarray  # int16 [roles, slots]: competency id each role requires
    required_level: np.ndarray  # int8 [roles, slots]
    slot_area: np.ndarray  # int8 [slots]: area of each slot (the same layout for all roles)
    slot_of: np.ndarray  # int8 [roles, competencies]: the slot requiring it, or -1
    levels: np.ndarray  # uint8 [officers, slots]: officer's level in each required competency
    role_id: np.ndarray  # the officers' roles (a view of the population's array)
    groups: np.ndarray  # the officers' service groups (a view)
    org_id: np.ndarray  # the officers' organisations (a view)
    n_orgs: int
    pass_probability: float
    initial_met_share: float
    roles_per_group: int
    at_start: CompetencySnapshot | None = None

    @classmethod
    def build(
        cls,
        config: CompetencyConfig,
        catalog: Catalog,
        population: Population,
        streams: RandomStreams,
    ) -> CompetencyModel:
        rng = streams.fresh("competencies.roles")
        officers = population.officers
        roles_per_group = population.n_roles // len(SERVICE_GROUPS)
        areas = [a for a in COMPETENCY_AREAS if config.required_per_area.get(a, 0)]
        slot_area = np.array(
            [COMPETENCY_AREAS.index(a) for a in areas for _ in range(config.required_per_area[a])],
            dtype=np.int8,
        )
        required = np.zeros((population.n_roles, slot_area.size), dtype=np.int16)
        level = np.zeros_like(required, dtype=np.int8)
        for role in range(population.n_roles):
            group = role // roles_per_group
            for area in areas:
                slots = np.flatnonzero(slot_area == COMPETENCY_AREAS.index(area))
                in_area = catalog.area == COMPETENCY_AREAS.index(area)
                pool = np.unique(catalog.competency[in_area])
                if area == "functional":  # prefer what the group's role-based courses teach
                    taught = in_area & (catalog.category == ROLE_BASED)
                    own = np.unique(catalog.competency[taught & (catalog.service_group == group)])
                    pool = own if own.size >= slots.size else pool
                required[role, slots] = rng.choice(pool, size=slots.size, replace=False)
            top = config.max_required_level[SERVICE_GROUPS[group]]
            level[role] = rng.integers(1, top + 1, size=slot_area.size)

        slot_of = np.full((population.n_roles, int(catalog.competency.max()) + 1), -1, np.int8)
        for slot in range(slot_area.size):
            slot_of[np.arange(population.n_roles), required[:, slot]] = slot

        rng = streams.fresh("competencies.initial")
        # column-major: each slot's levels are contiguous, for the scans of `snapshot`
        levels = np.empty((officers.n, slot_area.size), dtype=np.uint8, order="F")
        for slot in range(slot_area.size):  # a column at a time: no officers x slots floats
            need = level[:, slot][officers.role_id]
            met = rng.random(officers.n, dtype=np.float32) < config.initial_met_share
            levels[:, slot] = np.where(met, need, need - 1)
        model = cls(
            required=required,
            required_level=level,
            slot_area=slot_area,
            slot_of=slot_of,
            levels=levels,
            role_id=officers.role_id,
            groups=officers.service_group,
            org_id=officers.org_id,
            n_orgs=population.organisations.n,
            pass_probability=config.pass_probability,
            initial_met_share=config.initial_met_share,
            roles_per_group=roles_per_group,
        )
        model.at_start = model.snapshot()
        return model

    def credit(
        self, ids: np.ndarray, courses: np.ndarray, catalog: Catalog, rng: np.random.Generator
    ) -> None:
        """Officers `ids` completed `courses`: those who pass the assessment rise to the
        course's level in its competency, where their role requires it."""
        slots = self.slot_of[self.role_id[ids], catalog.competency[courses]]
        relevant = np.flatnonzero(slots >= 0)
        if relevant.size == 0:
            return
        passed = relevant[rng.random(relevant.size) < self.pass_probability]
        who, slot = ids[passed], slots[passed].astype(np.int64)
        course_level = catalog.level[courses[passed]].astype(np.uint8)
        self.levels[who, slot] = np.maximum(self.levels[who, slot], course_level)

    def transfer(self, ids: np.ndarray, rng: np.random.Generator) -> None:
        """Officers move to another role of their service group. Competencies both roles
        require keep their level; the new role's other requirements start one level short
        (the move opens new gaps)."""
        old_roles = self.role_id[ids].astype(np.int64)
        old_required, old_levels = self.required[old_roles], self.levels[ids]
        group = old_roles // self.roles_per_group
        new_roles = group * self.roles_per_group + rng.integers(0, self.roles_per_group, ids.size)
        self.role_id[ids] = new_roles
        required, need = self.required[new_roles], self.required_level[new_roles]
        same = required[:, :, None] == old_required[:, None, :]  # [officers, new, old]
        kept = same.any(axis=2)
        carried = np.where(same, old_levels[:, None, :], 0).max(axis=2)
        gap = np.maximum(need.astype(np.int64) - 1, 0)
        self.levels[ids] = np.where(kept, carried, gap).astype(np.uint8)

    def practise(
        self, ids: np.ndarray, area: int, probability: float, rng: np.random.Generator
    ) -> None:
        """A session on an area (a themed webinar, a programme): with `probability`, the
        officer's first unmet requirement in that area rises by one level."""
        slots = np.flatnonzero(self.slot_area == area)
        if slots.size == 0 or ids.size == 0:
            return
        ids = ids[rng.random(ids.size) < probability]
        unmet = ~self.met(ids)[:, slots]
        has = unmet.any(axis=1)
        who = ids[has]
        slot = slots[np.argmax(unmet[has], axis=1)]
        self.levels[who, slot] += 1

    def met(self, ids: np.ndarray) -> np.ndarray:
        """bool [officers, slots]: whether each requirement of `ids` is met now."""
        return self.levels[ids] >= self.required_level[self.role_id[ids]]

    def gaps(self, ids: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """(competency, level) of one unmet requirement per officer, picked at random;
        competency -1 where every requirement is met."""
        unmet = ~self.met(ids)
        first = np.argmax(unmet * rng.random(unmet.shape), axis=1)
        has_gap = unmet[np.arange(ids.size), first]
        roles = self.role_id[ids]
        competency = np.where(has_gap, self.required[roles, first], -1)
        return competency, self.required_level[roles, first]

    def snapshot(self) -> CompetencySnapshot:
        """What is met now, summed (one pass over the officers per slot)."""
        n_groups, n_areas = len(SERVICE_GROUPS), len(COMPETENCY_AREAS)
        met_slots = np.zeros(self.levels.shape[0], dtype=np.int8)
        met = np.zeros((n_groups, n_areas))
        required = np.zeros((n_groups, n_areas))
        officers = np.bincount(self.groups, minlength=n_groups).astype(float)
        for slot in range(self.slot_area.size):
            ok = self.levels[:, slot] >= self.required_level[:, slot][self.role_id]
            met_slots += ok
            area = self.slot_area[slot]
            met[:, area] += np.bincount(self.groups[ok], minlength=n_groups)
            required[:, area] += officers
        slots = self.slot_area.size
        ready = met_slots == slots
        share = met_slots / slots
        return CompetencySnapshot(
            met=met,
            required=required,
            ready=np.bincount(self.groups[ready], minlength=n_groups).astype(float),
            officers=officers,
            org_met_share=np.bincount(self.org_id, weights=share, minlength=self.n_orgs),
            org_ready=np.bincount(self.org_id[ready], minlength=self.n_orgs).astype(float),
        )
