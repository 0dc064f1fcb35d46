"""One call from a validated scenario to tidy results: pick the engine, run it, summarise."""

from __future__ import annotations

import time

from sim.config import Scenario
from sim.engine import FastEngine, ProgressCallback
from sim.results import RunResult, summarise

ENGINES = {"fast": FastEngine}


class UnknownEngineError(ValueError):
    pass


def check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise UnknownEngineError(
            f"unknown engine {engine!r}; choose one of: {', '.join(sorted(ENGINES))}"
        )


def simulate(
    scenario: Scenario, engine: str = "fast", progress: ProgressCallback | None = None
) -> RunResult:
    check_engine(engine)
    output = ENGINES[engine](scenario, progress=progress).run()
    started = time.perf_counter()
    result = summarise(output, engine)
    result.meta["timings"]["summarise_s"] = time.perf_counter() - started
    return result
