"""The role table as arrays: which role family each officer's post belongs to, and the
competencies (with levels) each requirement profile asks for.

A profile is (family, cadre, designation, unit): the family fixes most requirements, the
cadre names its domain competency (frontline cadres), the designation picks the electives
and which of the unit's domain competencies, and the unit (ministry or state) owns those.
Profiles are a dense table, so an officer's requirements are one row lookup and officers
carry only their profile id.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numba import njit, prange

from sim.config import CADRES, SECTORS, SERVICE_GROUPS
from sim.config.competencies import CompetencyConfig, RoleFamilyConfig, builtin_dictionary
from sim.world.competency_dictionary import NONE, CompetencyDictionary, build_dictionary
from sim.world.random_streams import RandomStreams


@dataclass(frozen=True, eq=False)
class RoleTable:
    family_names: tuple[str, ...]
    family_of: np.ndarray  # int8 [sectors, groups, cadres]
    required: np.ndarray  # int16 [profiles, slots]: competency, or NONE (no requirement)
    level: np.ndarray  # int8 [profiles, slots]: level required (0 where NONE)
    n_designations: int  # designations per service group
    n_units: int

    def __post_init__(self) -> None:
        # the compiled snapshot reads "required" as "level > 0"
        if not np.array_equal(self.level > 0, self.required != NONE):
            raise ValueError(
                "a role table requires a level above 0 exactly where it names a competency"
            )

    @property
    def slots(self) -> int:
        return self.required.shape[1]

    @cached_property
    def required_by_slot(self) -> np.ndarray:
        """[slots, profiles]: `required` a slot at a time (contiguous, for scans)."""
        return np.ascontiguousarray(self.required.T)

    @cached_property
    def level_by_slot(self) -> np.ndarray:
        """[slots, profiles]: `level` a slot at a time."""
        return np.ascontiguousarray(self.level.T)

    @cached_property
    def n_required(self) -> np.ndarray:
        """int8 [profiles]: requirements of each profile."""
        return (self.level > 0).sum(axis=1).astype(np.int8)

    def profile(
        self,
        sector: np.ndarray,
        group: np.ndarray,
        cadre: np.ndarray,
        role_id: np.ndarray,
        unit: np.ndarray,
    ) -> np.ndarray:
        """int32 profile id of each officer: ((family x cadres + cadre) x designations +
        designation) x units + unit, in one compiled pass (in numpy, five passes over
        crores of officers)."""
        profile = np.empty(np.shape(sector), dtype=np.int32)
        _profiles(
            self.family_of, sector, group, cadre, role_id, unit, len(CADRES),
            self.n_designations, self.n_units, profile,
        )  # fmt: skip
        return profile

    def family(self, profile: np.ndarray) -> np.ndarray:
        return profile // (len(CADRES) * self.n_designations * self.n_units)

    def table(self) -> list[dict[str, object]]:
        """One row per family and requirement, as the role table reads (the family's
        first cadre, designation 0 and unit 0 for the slots that depend on them)."""
        rows = []
        for f, name in enumerate(self.family_names):
            covered = np.flatnonzero((self.family_of == f).any(axis=(0, 1)))
            cadre = int(covered[0]) if covered.size else 0
            p = (f * len(CADRES) + cadre) * self.n_designations * self.n_units
            for c, lv in zip(self.required[p], self.level[p], strict=True):
                if c != NONE:
                    rows.append({"family": name, "competency": int(c), "level": int(lv)})
        return rows


@njit(cache=True, nogil=True, parallel=True)
def _profiles(
    family_of, sector, group, cadre, role_id, unit, n_cadres: int, n_designations: int,
    n_units: int, profile,
):  # fmt: skip
    """`RoleTable.profile`, officer by officer."""
    for i in prange(profile.size):
        family = family_of[sector[i], group[i], cadre[i]]
        kind = family * n_cadres + cadre[i]
        designation = role_id[i] % n_designations
        profile[i] = (kind * n_designations + designation) * n_units + unit[i]


def build_roles(
    families: tuple[RoleFamilyConfig, ...],
    dictionary: CompetencyDictionary,
    n_designations: int,
    level_shift: int,
    rng: np.random.Generator,
) -> RoleTable:
    family_of = np.zeros((len(SECTORS), len(SERVICE_GROUPS), len(CADRES)), dtype=np.int8)
    for s, sector in enumerate(SECTORS):
        for g, group in enumerate(SERVICE_GROUPS):
            for c, cadre in enumerate(CADRES):
                family_of[s, g, c] = next(
                    i for i, f in enumerate(families) if f.matches(sector, group, cadre)
                )
    n_units = dictionary.unit_domains.shape[0]
    fixed = max(len(f.requires) for f in families)
    electives = max((f.electives.count if f.electives else 0) for f in families)
    slots = fixed + electives + 2  # + the unit's domain + the cadre's domain
    n_profiles = len(families) * len(CADRES) * n_designations * n_units
    required = np.full((n_profiles, slots), NONE, dtype=np.int16)
    level = np.zeros((n_profiles, slots), dtype=np.int8)
    shape = (len(families), len(CADRES), n_designations, n_units, slots)
    block, levels = required.reshape(shape), level.reshape(shape)  # views
    per_unit = dictionary.unit_domains.shape[1]
    for f, family in enumerate(families):
        names = list(family.requires)
        block[f, ..., : len(names)] = dictionary.ids(names)
        levels[f, ..., : len(names)] = list(family.requires.values())
        if family.electives and family.electives.count:
            pool = dictionary.ids(list(dict.fromkeys(family.electives.from_)))
            end = fixed + family.electives.count
            for d in range(n_designations):
                block[f, :, d, :, fixed:end] = rng.choice(pool, size=end - fixed, replace=False)
                levels[f, :, d, :, fixed:end] = family.electives.level
        if family.unit_domain:
            which = np.arange(n_designations) % per_unit
            block[f, :, :, :, fixed + electives] = dictionary.unit_domains[:, which].T
            levels[f, :, :, :, fixed + electives] = family.unit_domain
        if family.cadre_domain:
            for c in range(len(CADRES)):
                block[f, c, :, :, fixed + electives + 1] = dictionary.cadre_domain[c]
                levels[f, c, :, :, fixed + electives + 1] = family.cadre_domain
    level = np.where(required == NONE, 0, np.clip(level + level_shift, 1, 5)).astype(np.int8)
    return RoleTable(
        family_names=tuple(f.name for f in families),
        family_of=family_of,
        required=required,
        level=level,
        n_designations=n_designations,
        n_units=n_units,
    )


def competencies_for_group(roles: RoleTable, group: int) -> np.ndarray:
    """Every competency some post of service group `group` requires (any sector, cadre,
    designation or unit)."""
    families = np.unique(roles.family_of[:, group, :]).astype(np.int64)
    per_family = roles.required.shape[0] // len(roles.family_names)
    rows = np.concatenate([np.arange(f * per_family, (f + 1) * per_family) for f in families])
    found = np.unique(roles.required[rows])
    return found[found != NONE]


def competency_world(
    config: CompetencyConfig, unit_names: list[str], n_designations: int, streams: RandomStreams
) -> tuple[CompetencyDictionary, RoleTable]:
    """The dictionary (built-in, sim/data/competencies.yaml) for these units, and the role
    table of `config` (built-in sim/data/roles.yaml unless it gives its own)."""
    dictionary = build_dictionary(builtin_dictionary(), unit_names)
    roles = build_roles(
        config.families(),
        dictionary,
        n_designations,
        config.requirement_level_shift,
        streams.fresh("competencies.roles"),
    )
    return dictionary, roles
