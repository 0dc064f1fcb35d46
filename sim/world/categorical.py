"""Draws of a category from cumulative shares, for whole populations at once.

A draw is the index of the first cumulative share above a uniform: exactly
`np.searchsorted(cumulative, uniform, side="right")`, capped at the last category. Over
crores of officers numpy's binary search costs about 40 ns a draw; here each table's
`SearchGuide` (4,096 slices) says where to start, and a short scan from there finds the
same index in a few ns. The comparisons are the same float comparisons, so the answer is
the same to the bit (`tests/test_categorical.py`).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from sim.world.search_guide import SearchGuide, guided_search

SLICES = 4096  # a table's guide: its values in 4,096 equal slices


def categories(
    cumulative: np.ndarray, uniforms: np.ndarray, table: np.ndarray | None = None
) -> np.ndarray:
    """The category of each uniform in [0, 1): the number of entries of its table's
    `cumulative` at or below it, at most the last category (in the smallest integer dtype
    that holds the categories: crores of draws are written once, not widened).

    `cumulative` is one non-decreasing table, or a 2-d array of them with `table` saying
    which row each uniform is drawn from."""
    cumulative = np.atleast_2d(cumulative)
    if table is None:
        table = np.broadcast_to(np.int8(0), uniforms.shape)
    guides = [SearchGuide.of(row, SLICES) for row in cumulative]
    starts = np.stack([guide.starts for guide in guides])
    scales = np.array([guide.scale for guide in guides])
    found = np.empty(uniforms.size, dtype=np.min_scalar_type(-cumulative.shape[1]))
    _guided_categories(cumulative, uniforms, table, starts, scales, found)
    return found


@njit(cache=True, nogil=True, parallel=True)
def _guided_categories(cumulative, uniforms, table, starts, scales, found):
    """`categories`, per uniform: its table's guided search, capped at the last category."""
    last = cumulative.shape[1] - 1
    for i in prange(uniforms.size):
        t = table[i]
        k = guided_search(cumulative[t], uniforms[i], starts[t], scales[t])
        found[i] = min(k, last)
