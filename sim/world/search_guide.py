"""Searching an ascending array of cumulative weights from a guide table.

Sampling a minute of the day, or a course by popularity, is a `searchsorted` over
cumulative weights: a binary search of ten or eleven steps, most of whose branches the
processor mispredicts. A guide table of evenly spaced values (Chen and Asau, 1974) says where,
before x, to start; a few steps forward then find the same index (`tests/test_activity.py` checks
that both agree, on arrays with plateaus and tiny steps).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit


@dataclass(frozen=True)
class SearchGuide:
    """Where to start looking for `x` in an ascending array: `starts[k]` counts the
    entries at or below k / `scale`, so every entry before `starts[k]` is at or below any
    x of at least k / `scale`."""

    starts: np.ndarray  # int64 [buckets + 1]
    scale: float  # buckets per unit of the array's values (0: no guide, search from 0)

    @classmethod
    def of(cls, values: np.ndarray, buckets: int) -> SearchGuide:
        """The guide of `buckets` equal slices of [0, the last value]. An array whose last
        value is not a positive number with a finite reciprocal slice (empty, all zero,
        subnormal, infinite or nan) gets none: every search starts at its first entry."""
        width = values[-1] / buckets if values.size else 0.0
        with np.errstate(divide="ignore", over="ignore"):
            scale = 1.0 / width if width > 0 else 0.0
        if not (np.isfinite(width) and np.isfinite(scale) and scale > 0):
            return cls(np.zeros(buckets + 1, np.int64), 0.0)
        edges = np.arange(buckets + 1) * width
        starts = np.searchsorted(values, edges, side="right").astype(np.int64)
        return cls(starts, float(scale))


@njit(cache=True, nogil=True)
def guided_search(values, x: float, starts, scale: float) -> int:
    """`np.searchsorted(values, x, side="right")` for a number `x` (not nan), from the
    start its `SearchGuide` gives: the bucket below x's own, so that rounding in x times
    `scale` can never start past the answer."""
    bucket = x * scale
    if scale == 0.0:
        i = 0
    elif bucket >= starts.size:
        i = starts[starts.size - 1]
    elif bucket >= 1.0:
        i = starts[int(bucket) - 1]
    elif x >= 0.0:
        i = starts[0]
    else:
        i = 0
    while i < values.size and values[i] <= x:
        i += 1
    return i
