"""karmayogi-sim: a discrete-event workforce simulation of Mission Karmayogi's iGOT platform.

The public API:

    from sim import load_scenario, simulate, ResultsStore
    result = simulate(load_scenario("configs/saptah_2024.yaml").with_overrides(scale=100))
    ResultsStore("results").write(result)
"""

from __future__ import annotations

from typing import Any

from sim import process_settings  # noqa: F401  (first: before numpy and numba load)

__version__ = "0.2.0"  # run ids include it: bump when results change

__all__ = ["ResultsStore", "RunResult", "Scenario", "load_scenario", "simulate"]

_EXPORTS = {
    "Scenario": "sim.config",
    "load_scenario": "sim.config",
    "simulate": "sim.simulate",
    "RunResult": "sim.results.tables",
    "ResultsStore": "sim.results.store",
}


def __getattr__(name: str) -> Any:
    """Imported on first use, so `import sim` stays light (the CLI starts quickly)."""
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
