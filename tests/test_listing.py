"""The parallel listing of a mask (`sim/world/listing.py`) is `np.flatnonzero`."""

from __future__ import annotations

import numba
import numpy as np
import pytest

from sim.world.listing import listed


@pytest.mark.parametrize("cores", [1, 2])
@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 1_000, 4_099])
@pytest.mark.parametrize("share", [0.0, 0.001, 0.3, 0.999, 1.0])
def test_listed_is_flatnonzero(numba_threads, cores, n, share):
    if cores > numba.config.NUMBA_NUM_THREADS:
        pytest.skip("needs two cores")
    numba_threads(cores)
    mask = np.random.default_rng(n).random(n) < share
    found = listed(mask)
    np.testing.assert_array_equal(found, np.flatnonzero(mask))
    assert found.dtype == np.int64


@pytest.mark.parametrize("mask", [np.zeros(5, np.int8), np.zeros((2, 2), bool)])
def test_listed_takes_a_flat_boolean_mask(mask):
    with pytest.raises(ValueError, match="boolean mask"):
        listed(mask)
