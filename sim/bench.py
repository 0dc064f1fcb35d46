"""Benchmarks of the fast engine at full population (`karmasim bench`).

Each run happens in a fresh process so that its peak memory (max RSS) is its own. Timing
covers `simulate()`: building the population and catalogue, the simulation and the
summary tables; interpreter start-up, imports and writing the store are excluded.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console

CONFIGS = Path(__file__).resolve().parents[1] / "configs"
CASES = {
    "campaign": (CONFIGS / "saptah_2024.yaml", "<= 10 s, <= 3 GB"),
    "year": (CONFIGS / "year_2024.yaml", "<= 60 s, <= 3 GB"),
}


def measure(config: Path) -> dict:
    from sim.config import load_scenario
    from sim.simulate import simulate

    scenario = load_scenario(config)
    started = time.perf_counter()
    result = simulate(scenario)
    wall = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "agents": scenario.agents,
        "days": (scenario.calendar.end - scenario.calendar.start).days + 1,
        "wall_s": wall,
        "setup_s": result.meta["timings"]["setup_s"],
        "simulate_s": result.meta["timings"]["simulate_s"],
        "peak_mb": peak_kb / 1024,
        "sessions": result.kpis["sessions"],
        "sessions_per_s": result.kpis["sessions"] / wall,
    }


def run_benchmarks(cases: list[str], repeat: int, console: Console) -> list[dict]:
    rows = []
    for case in cases:
        config, target = CASES[case]
        samples = []
        for i in range(repeat):
            console.print(f"bench {case} run {i + 1}/{repeat} ({config.name}) ...")
            completed = subprocess.run(
                [sys.executable, "-m", "sim.bench", str(config)],
                check=True,
                capture_output=True,
                text=True,
            )
            samples.append(json.loads(completed.stdout))
        row = {key: statistics.median(s[key] for s in samples) for key in samples[0]}
        row.update({"case": case, "target": target, "repeats": repeat})
        rows.append(row)
    return rows


if __name__ == "__main__":
    print(json.dumps(measure(Path(sys.argv[1]))))
