"""One call from a validated scenario to tidy results: pick the engine, run it, summarise."""

from __future__ import annotations

import time

from sim.config import Scenario
from sim.engines.fast import FastEngine
from sim.engines.reference import PopulationTooLargeError, ReferenceEngine, check_population
from sim.engines.run_state import ProgressCallback
from sim.results.tables import RunResult, summarise

ENGINES = {"fast": FastEngine, "reference": ReferenceEngine}


class EngineError(ValueError):
    """An engine that does not exist, or cannot run this scenario."""


def check_engine(engine: str, scenario: Scenario | None = None) -> None:
    if engine not in ENGINES:
        raise EngineError(f"unknown engine {engine!r}; choose one of: {', '.join(sorted(ENGINES))}")
    if scenario is not None and engine == "reference":
        try:
            check_population(scenario)
        except PopulationTooLargeError as error:
            raise EngineError(str(error)) from None


def simulate(
    scenario: Scenario, engine: str = "fast", progress: ProgressCallback | None = None
) -> RunResult:
    check_engine(engine, scenario)
    try:
        output = ENGINES[engine](scenario, progress=progress).run()
        started = time.perf_counter()
        result = summarise(output, engine)
    except SystemError as error:
        if interrupted(error):
            raise KeyboardInterrupt from error
        raise
    result.meta["timings"]["summarise_s"] = time.perf_counter() - started
    return result


def interrupted(error: BaseException) -> bool:
    """Whether Ctrl-C is at the root of `error`. A compiled kernel calls back into Python
    to build some of its results (numba's `_numba_unpickle`); a KeyboardInterrupt raised
    there comes back as a chain of SystemErrors ("returned a result with an exception
    set"), which would otherwise read as a failed run, not an interrupted one."""
    seen: set[int] = set()
    chain: list[BaseException | None] = [error]  # both links, as `traceback` walks them
    while chain:
        link = chain.pop()
        if link is None or id(link) in seen:  # a chain set by hand may loop
            continue
        if isinstance(link, KeyboardInterrupt):
            return True
        seen.add(id(link))
        chain += [link.__cause__, link.__context__]
    return False
