"""The organisation hierarchy: ministry or state -> department -> organisation.

Sizes are heavily skewed, as in government: a few ministries (Railways, Home Affairs) and
large states hold most officers, and within each unit a few departments and organisations
dominate (Zipf weights). Officers are later drawn into organisations by these weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.config import SECTORS, PopulationConfig
from sim.config.vocabulary import reference_units


def _zipf_weights(n: int, skew: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1, dtype=float) ** skew
    return weights / weights.sum()


@dataclass(frozen=True)
class Organisations:
    """One row per organisation; `weight` is its expected share of officers."""

    table: pd.DataFrame  # org_id, organisation, department_id, department, ministry_id,
    # ministry, sector, weight

    @property
    def n(self) -> int:
        return len(self.table)

    @property
    def n_ministries(self) -> int:
        return int(self.table["ministry_id"].max()) + 1

    def ministry_ids(self) -> dict[str, int]:
        """The id of each ministry or state by name."""
        pairs = self.table[["ministry", "ministry_id"]].drop_duplicates()
        return dict(zip(pairs["ministry"], pairs["ministry_id"].astype(int), strict=True))

    def unit_names(self) -> list[str]:
        """The name of each ministry or state, by id (a state's local bodies share its
        name)."""
        pairs = self.table[["ministry", "ministry_id"]].drop_duplicates("ministry_id")
        return pairs.sort_values("ministry_id")["ministry"].tolist()

    def column(self, name: str) -> np.ndarray:
        return self.table[name].to_numpy()


def build_organisations(config: PopulationConfig, rng: np.random.Generator) -> Organisations:
    units = reference_units()
    rows: list[dict[str, object]] = []
    ministry_id = 0
    department_id = 0
    for sector in SECTORS:
        share = config.sectors.get(sector, 0.0)
        if share <= 0:
            continue
        pool = units["central"] if sector == "central" else units["states"]
        unit_weights = np.array(list(pool.values()), dtype=float)
        unit_weights /= unit_weights.sum()
        for (unit_name, _), unit_weight in zip(pool.items(), unit_weights, strict=True):
            n_departments = 1 + rng.poisson(max(config.departments_per_ministry - 1, 0))
            department_weights = rng.permutation(_zipf_weights(n_departments, config.size_skew))
            for d, department_weight in enumerate(department_weights):
                n_orgs = 1 + rng.poisson(max(config.organisations_per_department - 1, 0))
                org_weights = _zipf_weights(n_orgs, config.size_skew)
                label = "Local bodies" if sector == "local" else "Department"
                department = f"{unit_name} / {label} {d + 1}"
                for o, org_weight in enumerate(org_weights):
                    rows.append(
                        {
                            "organisation": f"{department} / Organisation {o + 1}",
                            "department_id": department_id,
                            "department": department,
                            "ministry_id": ministry_id,
                            "ministry": unit_name,
                            "sector": sector,
                            "weight": share * unit_weight * department_weight * org_weight,
                        }
                    )
                department_id += 1
            ministry_id += 1
    table = pd.DataFrame(rows)
    # States appear twice (state and local sectors): give each unit name one ministry id.
    table["ministry_id"] = pd.factorize(table["ministry"])[0].astype(np.int16)
    table["department_id"] = table["department_id"].astype(np.int32)
    table.insert(0, "org_id", np.arange(len(table), dtype=np.int32))
    table["weight"] /= table["weight"].sum()
    return Organisations(table=table)
