"""The golden back-test: fingerprints of sampled runs on both engines, committed.

A refactoring must leave every fingerprint unchanged; a deliberate change of results
regenerates them (`make golden`) and says in its commit message which fingerprints moved
and why. A fingerprint holds every KPI and, per table and column, a hash of the values
(floats compared as float32, so a last-bit difference from a new numpy does not count).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.config import Scenario, load_scenario
from sim.results.store import TABLES
from sim.results.tables import RunResult
from sim.simulate import simulate

ROOT = Path(__file__).resolve().parents[2]
GOLDEN_FILE = Path(__file__).with_name("fingerprints.json")


@dataclass(frozen=True)
class Case:
    name: str
    config: str  # file in configs/
    engine: str = "fast"
    agents: int = 3_000
    changes: dict[str, Any] = field(default_factory=dict)

    def scenario(self) -> Scenario:
        scenario = load_scenario(ROOT / "configs" / self.config)
        scale = max(1, round(scenario.population.officers / self.agents))
        return scenario.with_overrides(scale=scale, **self.changes)


RETIRING = {"workforce": {"retirement_per_year": 0.5, "transfer_per_year": 0.2}}

CASES = [
    Case("saptah_fast", "saptah_2024.yaml"),
    Case("saptah_reference", "saptah_2024.yaml", "reference", 1_500),
    Case("baseline_fast", "baseline.yaml"),
    Case("nudging_fast", "saptah_2024_heavy_nudging.yaml"),
    Case("nudging_reference", "saptah_2024_heavy_nudging.yaml", "reference", 1_500),
    Case("programmes_fast", "saptah_2024_programmes.yaml"),
    Case("programmes_reference", "saptah_2024_programmes.yaml", "reference", 1_500),
    Case("tight_platform_fast", "saptah_2024_tight_platform.yaml"),
    Case("tight_platform_reference", "saptah_2024_tight_platform.yaml", "reference", 1_500),
    Case("autoscaled_fast", "saptah_2024_autoscaled.yaml"),
    Case("staggered_fast", "saptah_2024_staggered.yaml"),
    Case("acbp_mandate_fast", "saptah_2024_acbp_mandate.yaml"),
    Case("acbp_mandate_reference", "saptah_2024_acbp_mandate.yaml", "reference", 1_500),
    Case("gap_targeted_fast", "saptah_2024_gap_targeted.yaml"),
    Case("acbp_gaps_fast", "saptah_2024_acbp_gaps.yaml"),
    Case("retiring_fast", "saptah_2024.yaml", changes=RETIRING),
    Case("retiring_reference", "saptah_2024.yaml", "reference", 1_500, changes=RETIRING),
    Case("growth_fast", "growth_2024_2025.yaml", agents=1_500),
    # the whole workforce: adoption, onboarding drives, a scoped mandate, the 2026 week
    Case("national_2026_fast", "sadhana_2026_national.yaml", agents=4_000),
]


def _column_hash(values: pd.Series) -> str:
    if pd.api.types.is_datetime64_any_dtype(values):
        data = values.astype("int64").to_numpy().tobytes()
    elif pd.api.types.is_bool_dtype(values):
        data = values.to_numpy(dtype=np.uint8).tobytes()
    elif pd.api.types.is_numeric_dtype(values):
        data = values.to_numpy(dtype=np.float64).astype(np.float32).tobytes()
    else:
        data = "\x1f".join(map(str, values.tolist())).encode()
    return hashlib.sha256(data).hexdigest()[:16]


def fingerprint(result: RunResult) -> dict[str, Any]:
    tables = {}
    for name in TABLES:
        frame: pd.DataFrame = getattr(result, name)
        tables[name] = {"rows": len(frame)} | {c: _column_hash(frame[c]) for c in frame.columns}
    return {"kpis": dict(sorted(result.kpis.items())), "tables": tables}


def run_case(case: Case) -> dict[str, Any]:
    return fingerprint(simulate(case.scenario(), engine=case.engine))


def load_golden() -> dict[str, Any]:
    return json.loads(GOLDEN_FILE.read_text("utf-8"))


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """What differs between two fingerprints, one line each (empty when identical)."""
    lines = []
    kpis_e, kpis_a = expected["kpis"], actual["kpis"]
    for name in sorted(set(kpis_e) | set(kpis_a)):
        if name not in kpis_a:
            lines.append(f"KPI {name}: gone (was {kpis_e[name]!r})")
        elif name not in kpis_e:
            lines.append(f"KPI {name}: new ({kpis_a[name]!r})")
        elif np.float32(kpis_e[name]) != np.float32(kpis_a[name]):
            lines.append(f"KPI {name}: {kpis_e[name]!r} -> {kpis_a[name]!r}")
    for table in TABLES:
        cols_e, cols_a = expected["tables"][table], actual["tables"][table]
        for column in sorted(set(cols_e) | set(cols_a)):
            if cols_e.get(column) != cols_a.get(column):
                lines.append(f"{table}.{column}: {cols_e.get(column)} -> {cols_a.get(column)}")
    return lines


def regenerate() -> None:
    """Run every case and write the fingerprints (a deliberate change of results)."""
    golden = {}
    for case in CASES:
        print(f"golden: {case.name} ...", flush=True)
        golden[case.name] = run_case(case)
    GOLDEN_FILE.write_text(json.dumps(golden, indent=1, sort_keys=True) + "\n", "utf-8")
    print(f"wrote {GOLDEN_FILE.relative_to(ROOT)}")
