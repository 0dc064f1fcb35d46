"""Benchmarks (`karmasim bench`): the fast engine at full population, and the fast engine
against the reference engine on the same sampled scenario (`--vs-reference`).

Each run happens in a fresh process so that its peak memory (max RSS) is its own. Timing
covers `simulate()`: building the population and catalogue, the simulation and the
summary tables; interpreter start-up, imports and writing the store are excluded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console

from sim.config import Scenario, load_scenario

CONFIGS = Path(__file__).resolve().parents[1] / "configs"
CASES = {
    "campaign": (CONFIGS / "saptah_2024.yaml", "<= 10 s, <= 3 GB"),
    "year": (CONFIGS / "year_2024.yaml", "<= 60 s, <= 3 GB"),
}


# The engine comparison: the 2024 campaign week in a 30-day window, about 50,000 officers.
VS_REFERENCE = {"config": CONFIGS / "saptah_2024.yaml", "agents": 50_000, "days": 30}


def sized(config: Path, agents: int | None = None, days: int | None = None) -> Scenario:
    """The scenario at about `agents` agents, over its last `days` days."""
    scenario = load_scenario(config)
    changes: dict = {}
    if agents:
        changes["scale"] = max(1, round(scenario.population.officers / agents))
    if days:
        end = scenario.calendar.end
        changes["calendar"] = {"start": end - dt.timedelta(days=days - 1), "end": end}
    return scenario.with_overrides(**changes) if changes else scenario


def vs_reference_scenario(agents: int | None = None) -> Scenario:
    return sized(VS_REFERENCE["config"], agents or VS_REFERENCE["agents"], VS_REFERENCE["days"])


def measure(config: Path, engine: str = "fast", agents: int | None = None, days: int | None = None):
    from sim.simulate import simulate

    scenario = sized(config, agents, days)
    started = time.perf_counter()
    result = simulate(scenario, engine)
    wall = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "agents": scenario.agents,
        "days": (scenario.calendar.end - scenario.calendar.start).days + 1,
        "wall_s": wall,
        "setup_s": result.meta["timings"]["setup_s"],
        "simulate_s": result.meta["timings"]["simulate_s"],
        "peak_mb": peak_kb / 1024,
        **{f"step:{name}": seconds for name, seconds in result.meta["step_cpu_s"].items()},
        "step:summarise": result.meta["timings"]["summarise_s"],
        "sessions": result.kpis["sessions"] / scenario.scale,  # simulated (agent) sessions
        "sessions_per_s": result.kpis["sessions"] / scenario.scale / wall,
    }


def _measure_in_process(config: Path, *options: str) -> dict:
    completed = subprocess.run(
        [sys.executable, "-m", "sim.experiments.bench", str(config), *options],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(completed.stdout)


def _median(samples: list[dict]) -> dict:
    keys = dict.fromkeys(k for s in samples for k in s)
    return {key: statistics.median(s.get(key, 0.0) for s in samples) for key in keys}


def run_benchmarks(cases: list[str], repeat: int, console: Console) -> list[dict]:
    rows = []
    for case in cases:
        config, target = CASES[case]
        samples = []
        for i in range(repeat):
            console.print(f"bench {case} run {i + 1}/{repeat} ({config.name}) ...")
            samples.append(_measure_in_process(config))
        row = _median(samples)
        row.update({"case": case, "target": target, "repeats": repeat})
        rows.append(row)
    return rows


def run_vs_reference(repeat: int, console: Console, agents: int | None = None) -> list[dict]:
    """Both engines on the same scenario, interleaved run by run so that both see the same
    machine load; the ratio is of the medians of wall time."""
    agents = agents or VS_REFERENCE["agents"]
    options = ["--agents", str(agents), "--days", str(VS_REFERENCE["days"])]
    samples: dict[str, list[dict]] = {"fast": [], "reference": []}
    for i in range(repeat):
        for engine, runs in samples.items():
            console.print(f"bench vs-reference: {engine} run {i + 1}/{repeat} ...")
            runs.append(_measure_in_process(VS_REFERENCE["config"], "--engine", engine, *options))
    rows = []
    for engine, runs in samples.items():
        row = _median(runs)
        row.update({"case": f"{engine} engine", "target": "", "repeats": repeat})
        rows.append(row)
    ratio = rows[1]["wall_s"] / rows[0]["wall_s"]
    rows[0]["target"] = f"{ratio:.0f}x faster (target >= 100x)"
    rows[1]["target"] = "1x"
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="one benchmark run; prints JSON")
    parser.add_argument("config", type=Path)
    parser.add_argument("--engine", default="fast")
    parser.add_argument("--agents", type=int)
    parser.add_argument("--days", type=int)
    args = parser.parse_args()
    print(json.dumps(measure(args.config, args.engine, args.agents, args.days)))
