"""How much do the competency KPIs of the 2024 week depend on the assumed inputs?

Runs `configs/saptah_2024.yaml` at `--agents` agents for `--seeds` seeds with each assumed
input of the competency model moved one at a time (sim/config/competencies.py and
`population.history_activity_factor`), and prints a markdown table: coverage at the
start and the end, its change, role readiness at the end and officers meeting more
requirements, median over the seeds [min - max]. Not speed: the table in
docs/competencies.md comes from here.

    .venv/bin/python benchmarks/competency_sensitivity.py [--seeds 3] [--agents 50000]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from rich.progress import track

from sim.config import load_scenario
from sim.simulate import simulate

ROOT = Path(__file__).resolve().parents[1]

# (label, overrides) with the base first; each moves one assumed input.
SETTINGS: list[tuple[str, dict]] = [
    ("base (as shipped)", {}),
    ("pass probability 0.70", {"competencies": {"pass_probability": 0.70}}),
    ("pass probability 1.00", {"competencies": {"pass_probability": 1.0}}),
    ("experience level 1", {"competencies": {"experience_level": 1}}),
    ("requirements one level lower", {"competencies": {"requirement_level_shift": -1}}),
    ("requirements one level higher", {"competencies": {"requirement_level_shift": 1}}),
    ("half the history", {"population": {"history_activity_factor": 0.5}}),
    ("twice the history", {"population": {"history_activity_factor": 2.0}}),
]
COLUMNS = {
    "competency_coverage_start": ("coverage at start", "%"),
    "competency_coverage": ("coverage at end", "%"),
    "change": ("change (points)", "pp"),
    "role_readiness": ("readiness at end", "%"),
    "officers_meeting_more_requirements": ("officers meeting more requirements", "n"),
}


def cell(values: list[float], kind: str) -> str:
    mid, low, high = np.median(values), min(values), max(values)
    if kind == "%":
        return f"{100 * mid:.2f}% [{100 * low:.2f} - {100 * high:.2f}]"
    if kind == "pp":
        return f"{100 * mid:+.2f} [{100 * low:+.2f} - {100 * high:+.2f}]"
    return f"{mid / 1e5:.2f} lakh [{low / 1e5:.2f} - {high / 1e5:.2f}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--agents", type=int, default=50_000)
    args = parser.parse_args()
    base = load_scenario(ROOT / "configs" / "saptah_2024.yaml")
    scale = max(1, round(base.population.officers / args.agents))
    rows = []
    for label, changes in track(SETTINGS, description="settings"):
        samples: dict[str, list[float]] = {name: [] for name in COLUMNS}
        for seed in range(args.seeds):
            kpis = simulate(base.with_overrides(scale=scale, seed=seed, **changes)).kpis
            kpis["change"] = kpis["competency_coverage"] - kpis["competency_coverage_start"]
            for name in COLUMNS:
                samples[name].append(kpis[name])
        rows.append((label, samples))
    print(f"2024 week, 1 agent = {scale} officers, median [min - max] over {args.seeds} seeds\n")
    print("| input | " + " | ".join(title for title, _ in COLUMNS.values()) + " |")
    print("|---|" + "---|" * len(COLUMNS))
    for label, samples in rows:
        cells = [cell(samples[name], kind) for name, (_, kind) in COLUMNS.items()]
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
