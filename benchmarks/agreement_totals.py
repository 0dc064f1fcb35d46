"""How often does the engines' totals test cry wolf, and what does it catch?

Runs the 2024 campaign week on both engines for `--seeds` seeds at `--agents` agents and
applies the totals test of `tests/test_reference_agreement.py` to each seed's pair:
- its false-alarm rate (the engines are meant to agree) at the 5%, 1% and 0.1% levels;
- its power against a fast engine with 5% more completions (the run's own total moved);
- its power against a real wrong engine: the drop-out hazard 30% too high.

    .venv/bin/python benchmarks/agreement_totals.py [--seeds 20] [--agents 5000]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from rich.progress import track

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from test_reference_agreement import (  # noqa: E402
    completion_totals,
    execute,
    totals_p_value,
    with_behaviour,
)

from sim.config import load_scenario  # noqa: E402
from sim.engines.fast import FastEngine  # noqa: E402
from sim.engines.reference import ReferenceEngine  # noqa: E402

LEVELS = (0.05, 0.01, 0.001)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--agents", type=int, default=5_000)
    args = parser.parse_args()
    base = load_scenario(ROOT / "configs" / "saptah_2024.yaml")
    scale = max(1, round(base.population.officers / args.agents))
    p_same, p_shifted, p_wrong = [], [], []
    for seed in track(range(args.seeds), description="seeds"):
        scenario = base.with_overrides(scale=scale, seed=seed)
        fast = completion_totals(execute(FastEngine, scenario))
        reference = completion_totals(execute(ReferenceEngine, scenario))
        wrong_scenario = with_behaviour(scenario, None, "drop_hazard_per_hour", 1.3)
        wrong = completion_totals(execute(FastEngine, wrong_scenario))
        p_same.append(totals_p_value(*fast, *reference))
        p_shifted.append(totals_p_value(1.05 * fast[0], fast[1], *reference))
        p_wrong.append(totals_p_value(*wrong, *reference))
    report = {
        "seeds": args.seeds,
        "agents": args.agents,
        "median_p_value_same": float(np.median(p_same)),
        **{
            f"rejected_at_{level}": {
                "engines_agree (false alarms)": float(np.mean(np.array(p_same) < level)),
                "5% more completions": float(np.mean(np.array(p_shifted) < level)),
                "drop hazard x1.3": float(np.mean(np.array(p_wrong) < level)),
            }
            for level in LEVELS
        },
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
