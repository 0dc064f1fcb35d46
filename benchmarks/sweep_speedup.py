"""Parallel speed-up of a sweep: the same 24 runs serially, on 2 local processes and on a
local Dask cluster of 2 workers, each into a fresh store, back to back in one invocation.

Per-task overhead is what a task costs beyond its own work (simulate + write the run):
wall x workers / runs - mean task time.

    .venv/bin/python benchmarks/sweep_speedup.py [--runs 24] [--scale 400]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sim.experiments.executors import make_executor
from sim.experiments.sweep import load_sweep, run_sweep

CONFIGS = Path(__file__).resolve().parents[1] / "configs"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=24)
    parser.add_argument("--scale", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        sweep = Path(folder) / "bench.yaml"
        sweep.write_text(
            f"name: bench\nscenarios: [{CONFIGS / 'saptah_2024.yaml'}]\n"
            f"scale: {args.scale}\nseeds: {{count: {args.runs}, entropy: 1}}\n"
        )
        _, tasks = load_sweep(sweep)
        print(f"{len(tasks)} runs of saptah_2024 at 1:{args.scale}")
        results = {}
        for kind, workers in (("serial", 1), ("processes", 2), ("dask", 2)):
            with make_executor(kind, workers) as executor:
                started = time.perf_counter()
                report = run_sweep(tasks, Path(folder) / kind, executor)
                wall = time.perf_counter() - started
            assert report.ran == len(tasks) and not report.failed
            task_s = statistics.mean(r["seconds"] for r in report.rows)
            overhead = wall * workers / len(tasks) - task_s
            results[kind] = wall
            print(
                f"{kind:<10} workers {workers}  wall {wall:6.2f} s  mean task {task_s:.3f} s  "
                f"overhead/task {overhead * 1000:6.1f} ms  speed-up {results['serial'] / wall:.2f}x"
            )


if __name__ == "__main__":
    main()
