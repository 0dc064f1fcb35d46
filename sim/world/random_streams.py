"""Common random numbers: one random stream per named decision.

A stream is keyed by the run seed, the decision's name and a period (usually the simulated
day). Two scenarios that differ only from day d draw exactly the same numbers before day d,
and a change on day d does not shift the numbers drawn for other decisions or other days.
"""

from __future__ import annotations

import zlib

import numpy as np


class RandomStreams:
    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        self._cache: dict[tuple[str, int], np.random.Generator] = {}
        self._cached_period: int | None = None

    def _key(self, name: str) -> int:
        return zlib.crc32(name.encode("utf-8"))

    def fresh(self, name: str, period: int = 0) -> np.random.Generator:
        """A new generator for `name` in `period`; calling twice gives the same numbers."""
        sequence = np.random.SeedSequence([self.seed, self._key(name), int(period) + 2**31])
        return np.random.Generator(np.random.PCG64(sequence))

    def stream(self, name: str, period: int) -> np.random.Generator:
        """The running generator of `name` in `period`: successive calls continue it.

        Only the current period's generators are kept: periods advance monotonically.
        """
        if period != self._cached_period:
            self._cache.clear()
            self._cached_period = period
        key = (name, period)
        generator = self._cache.get(key)
        if generator is None:
            generator = self._cache[key] = self.fresh(name, period)
        return generator
