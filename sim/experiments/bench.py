"""Benchmarks (`karmasim bench`): the fast engine at full population, and the fast engine
against the reference engine on the same sampled scenario (`--vs-reference`).

Each run happens in a fresh process so that its peak memory (max RSS) is its own (but the
engine comparison's second run, below, which shares its process with the first). Timing
covers `simulate()`: building the population and catalogue, the simulation and the
summary tables; interpreter start-up, imports and writing the store are excluded. A fresh
process also loads each compiled kernel from numba's cache at its first call (about 2 ms
a kernel), which the engine comparison's small scenario feels: it also times a second
run in the same process, as a sweep's worker runs every scenario after its first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from sim import process_settings
from sim.config import Scenario, load_scenario

REPOSITORY = Path(__file__).resolve().parents[2]
CONFIGS = REPOSITORY / "configs"
# name: (config, the last days of its calendar to run or None for all, the target)
CASES = {
    "campaign": (CONFIGS / "saptah_2024.yaml", None, "<= 5 s wall, <= 3 s simulate"),
    "year": (CONFIGS / "year_2024.yaml", None, "<= 60 s, <= 3 GB"),
    # the 2026 week with the 1.45 crore registered officers alone, 50 days
    "registered_week": (CONFIGS / "registered_week.yaml", None, "<= 15 s"),
    # the same 50 days over the whole workforce: 3.2 crore officers, 1.45 crore registered
    "national_week": (CONFIGS / "national_week.yaml", None, "no target (110 s in issue 15)"),
    # 3.2 crore officers for a year (May 2025 - Apr 2026), two campaigns
    "national_year": (CONFIGS / "national_year.yaml", None, "<= 150 s, <= 8 GB"),
}
DEFAULT_CASES = ["campaign", "year"]  # the national cases take minutes: ask for them


# The engine comparison: the 2024 campaign week in a 30-day window, about 50,000 officers.
VS_REFERENCE = {"config": CONFIGS / "saptah_2024.yaml", "agents": 50_000, "days": 30}
ENGINES = ("fast", "reference")
WARM = ", warm process"  # the second run in a process (see `run_vs_reference`)


def sized(
    config: Path, agents: int | None = None, days: int | None = None, seed_offset: int = 0
) -> Scenario:
    """The scenario at about `agents` agents, over its last `days` days, with the seed
    `seed_offset` after its own."""
    scenario = load_scenario(config)
    changes: dict = {"seed": scenario.seed + seed_offset} if seed_offset else {}
    if agents:
        changes["scale"] = max(1, round(scenario.population.officers / agents))
    if days:
        end = scenario.calendar.end
        changes["calendar"] = {"start": end - dt.timedelta(days=days - 1), "end": end}
    return scenario.with_overrides(**changes) if changes else scenario


def vs_reference_scenario(agents: int | None = None) -> Scenario:
    return sized(VS_REFERENCE["config"], agents or VS_REFERENCE["agents"], VS_REFERENCE["days"])


def measure(
    config: Path,
    engine: str = "fast",
    agents: int | None = None,
    days: int | None = None,
    seed_offset: int = 0,
):
    from sim.simulate import simulate

    scenario = sized(config, agents, days, seed_offset)
    started = time.perf_counter()
    result = simulate(scenario, engine)
    wall = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "agents": scenario.agents,
        "seed": scenario.seed,
        "days": (scenario.calendar.end - scenario.calendar.start).days + 1,
        "wall_s": wall,
        "setup_s": result.meta["timings"]["setup_s"],
        "simulate_s": result.meta["timings"]["simulate_s"],
        "peak_mb": peak_kb / 1024,
        "officers": scenario.population.officers,
        "population_bytes_per_officer": result.meta.get("population_mb", 0.0)
        * 2**20
        / max(scenario.agents, 1),
        **{f"step:{name}": seconds for name, seconds in result.meta["step_s"].items()},
        "step:summarise": result.meta["timings"]["summarise_s"],
        "sessions": result.kpis["sessions"] / scenario.scale,  # simulated (agent) sessions
        "sessions_per_s": result.kpis["sessions"] / scenario.scale / wall,
    }


class BenchError(Exception):
    """A benchmark cannot run: a revision git cannot find, a case a tree does not have,
    a run that failed (its error is in the message)."""


@dataclass(frozen=True)
class Tree:
    """A source tree to benchmark: its label in the tables and its root folder."""

    label: str
    root: Path


def measure_in(tree: Tree, config: Path, *options: str) -> dict | list[dict]:
    """One benchmark run of `tree`'s own code in a fresh process (see `bench.measure`); a
    list of runs with `--runs`."""
    relative = config.resolve().relative_to(REPOSITORY)
    own_config = tree.root / relative
    if not own_config.is_file():
        raise BenchError(f"{tree.label} has no {relative}: it cannot run this case")
    environment = _environment(tree)
    completed = subprocess.run(
        [sys.executable, "-m", "sim.experiments.bench", str(own_config), *options],
        cwd=tree.root,
        env=environment,
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        last = (completed.stderr.strip().splitlines() or ["no message"])[-1]
        raise BenchError(f"a benchmark run of {tree.label} failed: {last}")
    return json.loads(completed.stdout.splitlines()[-1])


def check_imports(tree: Tree) -> None:
    """Refuses a tree whose runs would import another tree's `sim` (an installed copy
    found first): its figures would not be its own."""
    completed = subprocess.run(
        [sys.executable, "-c", "import sim; print(sim.__file__)"],
        cwd=tree.root,
        env=_environment(tree),
        capture_output=True,
        text=True,
    )
    imported = Path(completed.stdout.strip() or ".").resolve().parent
    if completed.returncode != 0 or imported != (tree.root / "sim").resolve():
        raise BenchError(f"{tree.label}: its runs would import {imported}, not {tree.root}/sim")


def _environment(tree: Tree) -> dict[str, str]:
    """The environment of a run of `tree`: the user's (without the settings this tree's
    `sim` gave this process: `tree`'s own gives its own), its root first on the import
    path."""
    paths = [str(tree.root), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**process_settings.users_environment(), "PYTHONPATH": os.pathsep.join(paths)}


HERE = Tree("this tree", REPOSITORY)


def run_options(agents: int | None, days: int | None) -> list[str]:
    """The options of one benchmark run (`python -m sim.experiments.bench`)."""
    options = ["--agents", str(agents)] if agents else []
    return options + (["--days", str(days)] if days else [])


def median_row(samples: list[dict]) -> dict:
    keys = dict.fromkeys(k for s in samples for k in s)
    return {key: statistics.median(s.get(key, 0.0) for s in samples) for key in keys}


def run_benchmarks(
    cases: list[str],
    repeat: int,
    console: Console,
    agents: int | None = None,
    days: int | None = None,
) -> list[dict]:
    """Each case `repeat` times (at about `agents` agents over its last `days` days, when
    given); the median of each measure."""
    rows = []
    for case in cases:
        config, case_days, target = CASES[case]
        options = run_options(agents, days or case_days)
        samples = []
        for i in range(repeat):
            console.print(f"bench {case} run {i + 1}/{repeat} ({config.name}) ...")
            samples.append(measure_in(HERE, config, *options))
        row = median_row(samples)
        row.update({"case": case, "target": target, "repeats": repeat})
        rows.append(row)
    return rows


def run_vs_reference(repeat: int, console: Console, agents: int | None = None) -> list[dict]:
    """Both engines on the same scenario, interleaved run by run so that both see the same
    machine load; the ratios are of the medians. Each process runs the scenario, then runs
    it again with the next seed (`WARM`): the first run loads the compiled kernels from
    numba's cache, the second is what each further run of a sweep's worker costs."""
    agents = agents or VS_REFERENCE["agents"]
    options = [*run_options(agents, VS_REFERENCE["days"]), "--runs", "2"]
    samples: dict[tuple[str, str], list[dict]] = {
        (engine, when): [] for when in ("", WARM) for engine in ENGINES
    }
    for i in range(repeat):
        for engine in ENGINES:
            console.print(f"bench vs-reference: {engine} run {i + 1}/{repeat} ...")
            fresh, warm = measure_in(HERE, VS_REFERENCE["config"], "--engine", engine, *options)
            samples[engine, ""].append(fresh)
            samples[engine, WARM].append(warm)
    rows = {
        (engine, when): median_row(runs)
        | {"case": f"{engine} engine{when}", "target": "1x", "repeats": repeat}
        for (engine, when), runs in samples.items()
    }
    for when in ("", WARM):
        fast, reference = rows["fast", when], rows["reference", when]
        fast["target"] = (
            f"{reference['wall_s'] / fast['wall_s']:.0f}x wall, "
            f"{reference['simulate_s'] / fast['simulate_s']:.0f}x simulate (target >= 100x)"
        )
    return list(rows.values())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="one benchmark run; prints JSON")
    parser.add_argument("config", type=Path)
    parser.add_argument("--engine", default="fast")
    parser.add_argument("--agents", type=int)
    parser.add_argument("--days", type=int)
    parser.add_argument(
        "--runs",
        type=int,
        choices=range(1, 11),
        metavar="N",
        help="N runs in this process, each with the next seed, printed as a list",
    )
    args = parser.parse_args()
    runs = [
        measure(args.config, args.engine, args.agents, args.days, seed_offset=k)
        for k in range(args.runs or 1)
    ]
    print(json.dumps(runs if args.runs else runs[0]))
