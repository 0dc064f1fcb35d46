"""Small batches on the calling core.

A parallel kernel wakes the other cores at every call, which costs a few microseconds:
more than a loop over a few hundred officers takes on one core. At sampled scale (the
tests, sweeps, calibration, the engine comparison at 50,000 agents) most of a run's
batches are that small, some thirty a simulated day. Each hot parallel kernel therefore
has a form that runs its `prange` loops as plain loops on the calling core, and a
compiled entry that takes it for batches below `ONE_CORE_BELOW` officers. The two forms
run the same statements for each officer: the same results to the bit, as long as no
loop sums floats (a parallel sum adds in another order); none of the kernels given a
form does.
"""

from __future__ import annotations

from numba import njit
from numba.core.dispatcher import Dispatcher

# Below this many officers a batch's loops run on the calling core: at 50,000 agents any
# threshold from 128 to 1,024 took the simulation from 0.162 to 0.134-0.138 s, at 5 lakh
# they were within 3% of each other (docs/design.md, "Small batches on the calling core").
ONE_CORE_BELOW = 256


def on_calling_core(kernel: Dispatcher) -> Dispatcher:
    """`kernel` (a parallel kernel) compiled with its `prange` loops as plain loops, and
    its other options (`nogil`, `error_model`) as they are.

    For compiled callers only: the form has no cache of its own (numba names a cache after
    the function and does not tell a parallel compilation from a serial one, so the two
    would load each other's code); its code is cached in its callers'. A kernel called
    from Python has an entry (`<kernel>_by_size`) that holds both forms, so that a fresh
    process loads one cache file for them, not two; a compiled caller (`_session`,
    `_sample`) may hold the choice itself."""
    options = {**kernel.targetoptions, "parallel": False}
    options.pop("nopython", None)  # njit sets it
    return njit(kernel.py_func, **options)
