"""Does the work per simulated day grow with the officers who act, or with the population?

Runs the baseline period twice, side by side: with the published population, and with four
times as many officers who each log in a quarter as often (the same expected sessions).
If the engine's per-day work follows the actors, the simulation time (set-up excluded)
stays about the same while the set-up, which touches every officer, grows about 4x.

    .venv/bin/python benchmarks/per_day_work.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from sim.config import load_scenario
from sim.engines.fast import FastEngine

CONFIG = Path(__file__).resolve().parents[1] / "configs" / "baseline.yaml"


def timed(scenario) -> tuple[float, float, float]:
    output = FastEngine(scenario).run()
    sessions = float(output.recorder.daily["new_sessions"].sum())
    return output.timings["setup_s"], output.timings["simulate_s"], sessions


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    base = load_scenario(CONFIG)
    population = base.population.model_dump()
    wide = dict(population, officers=population["officers"] * 4)
    wide["propensity"] = dict(
        population["propensity"],
        median_logins_per_working_day=population["propensity"]["median_logins_per_working_day"] / 4,
    )
    cases = {"N": base, "4N, rate/4": base.with_overrides(population=wide)}
    samples: dict[str, list[tuple[float, float, float]]] = {name: [] for name in cases}
    for _ in range(args.repeat):  # interleaved, so both cases see the same machine noise
        for name, scenario in cases.items():
            samples[name].append(timed(scenario))
    print(f"{'case':12s} {'officers':>12s} {'sessions':>12s} {'setup_s':>8s} {'simulate_s':>10s}")
    for name, scenario in cases.items():
        setup = statistics.median(s[0] for s in samples[name])
        simulate = statistics.median(s[1] for s in samples[name])
        sessions = statistics.median(s[2] for s in samples[name])
        print(
            f"{name:12s} {scenario.population.officers:12,d} {sessions:12,.0f} "
            f"{setup:8.2f} {simulate:10.2f}"
        )
    ratio = statistics.median(s[1] for s in samples["4N, rate/4"]) / statistics.median(
        s[1] for s in samples["N"]
    )
    print(f"simulation time ratio (4N / N): {ratio:.2f}  (1.0 = grows with actors only)")


if __name__ == "__main__":
    main()
