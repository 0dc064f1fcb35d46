"""Elementwise work a block at a time (`sim/world/blocks.py`) is the work at once."""

from __future__ import annotations

import numpy as np
import pytest

from sim.world.blocks import in_blocks


def _chain(x: np.ndarray, n: np.ndarray) -> np.ndarray:
    return np.expm1(n * np.log1p(-x)) < -0.5


@pytest.mark.parametrize("n", [0, 1, 999, 1000, 1001, 7_777])
def test_blocks_give_the_whole_arrays_result(n):
    rng = np.random.default_rng(n)
    x, counts = rng.random(n), rng.integers(0, 9, n).astype(np.int16)
    whole = _chain(x, counts)
    found = in_blocks(_chain, x, counts, block=1000)
    np.testing.assert_array_equal(found, whole)
    assert found.dtype == whole.dtype and found.shape == (n,)


def test_each_block_is_its_own_slice():
    seen = []

    def record(a: np.ndarray) -> np.ndarray:
        seen.append((int(a[0]), a.size))
        return a * 2

    np.testing.assert_array_equal(in_blocks(record, np.arange(25), block=10), np.arange(25) * 2)
    assert seen == [(0, 10), (10, 10), (20, 5)]


def test_arrays_of_different_lengths_are_refused():
    with pytest.raises(ValueError, match="one length"):
        in_blocks(np.add, np.zeros(3), np.zeros(4))
