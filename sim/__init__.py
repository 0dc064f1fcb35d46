"""karmayogi-sim: a discrete-event workforce simulation of Mission Karmayogi's iGOT platform.

The public API:

    from sim import load_scenario, simulate, ResultsStore
    result = simulate(load_scenario("configs/saptah_2024.yaml").with_overrides(scale=100))
    ResultsStore("results").write(result)
"""

from __future__ import annotations

import os
from typing import Any

# Settings numba and numpy read when they are imported, so set before; a user's own choice
# stands.
# - The compiled kernels share their loops among the cores (numba's `prange`). Numba must
#   use a threading layer that several threads may call at once (the dashboard's, Dask's
#   worker threads): OpenMP or TBB. Its last resort, `workqueue`, ends the process when
#   two threads call a kernel together. GNU OpenMP cannot be used across a fork, so
#   process pools here start their workers from a fresh process
#   (`sim.experiments.executors.process_pool`).
# - numpy asks for huge pages under every large array; set-up faults its arrays in faster
#   in small pages, and the officers' records, which the simulation visits at random, ask
#   for huge pages themselves (`sim.world.pages`, "Page size").
_DEFAULTS = {"NUMBA_THREADING_LAYER": "threadsafe", "NUMPY_MADVISE_HUGEPAGE": "0"}
DEFAULTED_SETTINGS = frozenset(name for name in _DEFAULTS if name not in os.environ)
"""The settings `sim` gave this process (the user had not): a run of another tree's code
(`karmasim bench --against`) starts without them, and takes that tree's own."""
os.environ.update({name: _DEFAULTS[name] for name in DEFAULTED_SETTINGS})

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
