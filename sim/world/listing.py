"""`np.flatnonzero` of a whole-population mask, on all the cores.

Listing the officers engaged in a campaign, or those in its scope, is a pass over crores of
flags and a list of up to crores of ids: numpy makes both on one core, and the list's
fresh pages are faulted in by that core alone. Here each core counts, then lists, its own
part of the officers, so both passes and the faults are shared; the ids come out in the
same (ascending) order.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from sim.world.cores import n_cores

PARTS_PER_CORE = 4  # parts of the mask per core: uneven parts even out


def listed(mask: np.ndarray) -> np.ndarray:
    """int64: the positions of `mask`'s true entries, ascending (`np.flatnonzero`)."""
    if mask.dtype != np.bool_ or mask.ndim != 1:
        raise ValueError("listed takes a one-dimensional boolean mask")
    return _listed(mask, PARTS_PER_CORE * n_cores())


@njit(cache=True, nogil=True, parallel=True)
def _listed(mask, parts: int) -> np.ndarray:
    """Each part counted, then listed without a branch on the mask (random masks
    mispredict it): every id is written, and the next write goes past it only where the
    mask is true; a part stops writing once its own slots are full."""
    n = mask.size
    flags = mask.view(np.uint8)
    counts = np.zeros(parts + 1, np.int64)
    for part in prange(parts):
        counts[part + 1] = flags[n * part // parts : n * (part + 1) // parts].sum()
    starts = np.cumsum(counts)
    ids = np.empty(starts[parts], np.int64)
    for part in prange(parts):
        k, full = starts[part], starts[part + 1]
        for i in range(n * part // parts, n * (part + 1) // parts):
            if k < full:
                ids[k] = i
                k += flags[i]
    return ids
