"""Sweeps: scenarios x a parameter grid x seeds (or posterior draws), each run stored once.

Seeds come from `numpy.random.SeedSequence(entropy).spawn(count)`, so every scenario and
grid point gets the same seeds (common random numbers across them). With `posterior:`
instead, each scenario and grid point runs at the same draws from a fitted ensemble
(`sim.forecasting.posterior`: parameters and seed), so its band carries parameter
uncertainty as well as noise. A task is one
replication: it simulates, writes its full results atomically to the store and returns a
small summary. Run ids are content-addressed, so a task whose run is already stored is
skipped: an interrupted sweep started again runs only what is missing, and a task rerun
after its worker died cannot store a second copy.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import Field, field_validator, model_validator

from sim.config import (
    ConfigError,
    SafeName,
    Scenario,
    Strict,
    load_model,
    load_scenario,
    validate_scenario,
    with_paths,
)
from sim.forecasting.posterior import load_posterior, posterior_draws
from sim.results.kpis import HEADLINE_KPIS
from sim.results.run_identity import run_id_for


class SeedsConfig(Strict):
    count: Annotated[int, Field(ge=1, le=10_000)] = 10
    entropy: Annotated[int, Field(ge=0)] = 0


class PosteriorConfig(Strict):
    """Draw each task's fitted parameters from a fitted ensemble (parameter uncertainty)."""

    fit: Path  # the ensemble's folder, relative to the sweep file
    draws: Annotated[int, Field(ge=2, le=10_000)] = 16
    seed: Annotated[int, Field(ge=0)] = 0  # picks the draws; the same for every scenario


class SweepConfig(Strict):
    name: SafeName
    description: str = ""
    scenarios: Annotated[list[Path], Field(min_length=1)]
    scale: Annotated[int, Field(ge=1)] | None = None
    seeds: SeedsConfig | None = None  # replications (other seeds; default 10) ...
    posterior: PosteriorConfig | None = None  # ... or draws (other parameters and seeds)
    grid: dict[str, Annotated[list[Any], Field(min_length=1)]] = {}

    @model_validator(mode="after")
    def _seeds_or_draws(self) -> SweepConfig:
        if self.seeds is not None and self.posterior is not None:
            raise ValueError(
                "give seeds or posterior, not both: each posterior draw has its own seed"
            )
        return self

    @field_validator("grid")
    @classmethod
    def _no_reserved(cls, v: dict[str, list[Any]]) -> dict[str, list[Any]]:
        for path in v:
            if path.split(".")[0] in ("seed", "scale", "name"):
                raise ValueError(f"grid path {path!r}: seeds and scale are set by the sweep")
        return v


@dataclass(frozen=True)
class Task:
    scenario: Scenario
    scenario_name: str
    point: tuple[tuple[str, Any], ...]  # grid values of this task
    replication: int

    @property
    def run_id(self) -> str:
        return run_id_for(self.scenario, "fast")

    @property
    def point_label(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.point) or "(base)"


def sweep_seeds(seeds: SeedsConfig) -> list[int]:
    children = np.random.SeedSequence(seeds.entropy).spawn(seeds.count)
    return [int(child.generate_state(1, np.uint64)[0] >> np.uint64(1)) for child in children]


def load_sweep(path: Path) -> tuple[SweepConfig, list[Task]]:
    """Read a sweep file and expand it into validated tasks (all checked before any runs)."""
    path = Path(path)
    config = load_model(path, SweepConfig)
    fitted = load_posterior(path.parent / config.posterior.fit) if config.posterior else None
    names = list(config.grid)
    tasks = []
    for scenario_path in config.scenarios:
        base = load_scenario(path.parent / scenario_path).canonical()  # defaults included
        for values in itertools.product(*(config.grid[n] for n in names)):
            try:
                data = with_paths(base, dict(zip(names, values, strict=True)))
            except ConfigError as error:
                raise ConfigError(f"{path}: grid {error}") from None
            point = tuple(zip(names, values, strict=True))
            where = f"{path} ({scenario_path}, {', '.join(f'{n}={v}' for n, v in point)})"
            if config.scale is not None:
                data["scale"] = config.scale
            if config.posterior is not None and fitted is not None:
                data["seed"] = config.posterior.seed
                point_scenario = validate_scenario(data, source=where)
                runs = posterior_draws(point_scenario, fitted, config.posterior.draws)
            else:
                runs = []
                for seed in sweep_seeds(config.seeds or SeedsConfig()):
                    data["seed"] = seed
                    runs.append(validate_scenario(data, source=where))
            name = str(base.get("name"))
            tasks += [Task(s, name, point, replication) for replication, s in enumerate(runs)]
    return config, tasks


def run_task(task: Task, store_root: str) -> dict[str, Any]:
    """One replication: simulate and store it, unless it is stored already."""
    from sim.results.store import ResultsStore
    from sim.simulate import simulate

    store = ResultsStore(store_root)
    if store.has(task.run_id):
        return {"run_id": task.run_id, "status": "already stored"}
    started = time.perf_counter()
    result = simulate(task.scenario)
    store.write(result)
    return {
        "run_id": task.run_id,
        "status": "ran",
        "seconds": time.perf_counter() - started,
        "simulate_s": result.meta["timings"]["simulate_s"] + result.meta["timings"]["setup_s"],
        "kpis": {k: result.kpis[k] for k in HEADLINE_KPIS if k in result.kpis},
    }


@dataclass
class SweepReport:
    total: int
    skipped: int = 0
    ran: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (run id, error)
    rows: list[dict[str, Any]] = field(default_factory=list)


class _TaskRunner:
    """A picklable callable: `run_task` bound to the store's path."""

    def __init__(self, store_root: str) -> None:
        self.store_root = store_root

    def __call__(self, task: Task) -> dict[str, Any]:
        return run_task(task, self.store_root)


def run_sweep(
    tasks: list[Task],
    store_root: Path,
    executor,
    progress: Callable[[SweepReport], None] | None = None,
) -> SweepReport:
    """Run the tasks not yet in the store; report every task's run id and status."""
    from sim.results.store import ResultsStore

    store = ResultsStore(store_root)
    store.clean_staging()
    report = SweepReport(total=len(tasks))
    missing = []
    for task in tasks:
        if store.has(task.run_id):
            report.skipped += 1
            report.rows.append(_row(task, "already stored"))
        else:
            missing.append(task)
    if progress:
        progress(report)
    for task, outcome in executor.run(_TaskRunner(str(store_root)), missing):
        if isinstance(outcome, BaseException):
            report.failed.append((task.run_id, f"{type(outcome).__name__}: {outcome}"))
            report.rows.append(_row(task, "failed"))
        else:
            report.ran += outcome["status"] == "ran"
            report.skipped += outcome["status"] != "ran"
            report.rows.append(_row(task, outcome["status"], outcome.get("seconds")))
        if progress:
            progress(report)
    return report


def _row(task: Task, status: str, seconds: float | None = None) -> dict[str, Any]:
    return {
        "scenario": task.scenario_name,
        "point": task.point_label,
        "replication": task.replication,
        "seed": task.scenario.seed,
        "run_id": task.run_id,
        "status": status,
        "seconds": seconds,
    }


def write_manifest(store_root: Path, config: SweepConfig, report: SweepReport) -> Path:
    """results/sweeps/<name>.json: which run holds which task (written atomically)."""
    folder = Path(store_root) / "sweeps"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{config.name}.json"
    temporary = target.with_suffix(".json.tmp")
    payload = {"name": config.name, "description": config.description, "tasks": report.rows}
    temporary.write_text(json.dumps(payload, indent=2, default=str), "utf-8")
    temporary.replace(target)
    return target
