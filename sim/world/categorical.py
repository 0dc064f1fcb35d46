"""Draws of a category from cumulative shares, for whole populations at once.

A draw is the index of the first cumulative share above a uniform: exactly
`np.searchsorted(cumulative, uniform, side="right")`, capped at the last category. Over
crores of officers numpy's binary search costs about 40 ns a draw; here a guide table
(Chen and Asau, 1974) says where in the table each of 1,024 equal slices of [0, 1)
starts, and a short scan from there finds the same index in a few ns. The comparisons are
the same float comparisons, so the answer is the same to the bit
(`tests/test_categorical.py`).
"""

from __future__ import annotations

import numpy as np
from numba import njit

SLICES = 1024  # a power of two: the slices' edges b / SLICES are exact in float32


def categories(
    cumulative: np.ndarray, uniforms: np.ndarray, table: np.ndarray | None = None
) -> np.ndarray:
    """The category of each uniform in [0, 1): the number of entries of its table's
    `cumulative` at or below it, at most the last category (in the smallest integer dtype
    that holds the categories: crores of draws are written once, not widened).

    `cumulative` is one non-decreasing table, or a 2-d array of them with `table` saying
    which row each uniform is drawn from. Uniforms must lie in [0, 1), as `rng.random`
    gives them: the guide has no slice for others."""
    cumulative = np.atleast_2d(cumulative)
    if table is None:
        table = np.broadcast_to(np.int8(0), uniforms.shape)
    edges = (np.arange(SLICES + 1) / SLICES).astype(cumulative.dtype)
    guide = np.stack([np.searchsorted(row, edges, side="right") for row in cumulative])
    found = np.empty(uniforms.size, dtype=np.min_scalar_type(-cumulative.shape[1]))
    _guided_search(cumulative, uniforms, table, guide, found)
    return found


@njit(cache=True, nogil=True)
def _guided_search(cumulative, uniforms, table, guide, found):
    """`categories`, per uniform: start at its slice's first candidate (never beyond the
    answer, as the slice's lower edge is at or below the uniform) and scan on."""
    last = cumulative.shape[1] - 1
    for i in range(uniforms.size):
        u, t = uniforms[i], table[i]
        k = guide[t, min(int(u * SLICES), SLICES)]
        while k < last and cumulative[t, k] <= u:
            k += 1
        found[i] = min(k, last)
