"""Settings numba and numpy read when they are imported, which `sim` gives before they are
(a user's own choice stands), and the environment a run of another tree starts from.

- `NUMBA_THREADING_LAYER=threadsafe`. The compiled kernels share their loops among the
  cores (numba's `prange`). Numba must use a threading layer that several threads may
  call at once (the dashboard's, Dask's worker threads): OpenMP or TBB. Its last resort,
  `workqueue`, ends the process when two threads call a kernel together. GNU OpenMP
  cannot be used across a fork, so process pools here start their workers from a fresh
  process (`sim.experiments.executors.process_pool`).
- `NUMPY_MADVISE_HUGEPAGE=0`. numpy asks for huge pages under every array of 4 MB or
  more; set-up faults its arrays in faster in small pages, and the two arrays the
  simulation visits at random ask for huge pages themselves (`sim.world.pages`,
  docs/design.md "Page size").

A process that imported numpy or numba before `sim` keeps their own defaults; the
processes it starts take these. The names given are listed in `KARMASIM_DEFAULTED`, which
child processes inherit, so that a child still tells them from the user's own.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

DEFAULTS = {"NUMBA_THREADING_LAYER": "threadsafe", "NUMPY_MADVISE_HUGEPAGE": "0"}
MARKER = "KARMASIM_DEFAULTED"


def give_defaults(environ: MutableMapping[str, str]) -> frozenset[str]:
    """Gives `environ` each default the user did not set (one an earlier `sim` gave, as
    `MARKER` lists, and still as given, counts as unset); returns the names given."""
    inherited = set(environ.get(MARKER, "").split(","))
    given = frozenset(
        name
        for name, value in DEFAULTS.items()
        if name not in environ or (name in inherited and environ[name] == value)
    )
    environ.update({name: DEFAULTS[name] for name in given})
    environ[MARKER] = ",".join(sorted(given))
    return given


GIVEN = give_defaults(os.environ)


def users_environment() -> dict[str, str]:
    """This process's environment without what `sim` gave it: where a run of another
    tree's code starts (`karmasim bench --against`), to take that tree's own."""
    return {k: v for k, v in os.environ.items() if k not in GIVEN and k != MARKER}
