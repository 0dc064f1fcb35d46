"""The parallel listing of a mask (`sim/world/listing.py`) is `np.flatnonzero`."""

from __future__ import annotations

import numba
import numpy as np
import pytest

from sim.world.listing import _listed, listed


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


@pytest.mark.parametrize("parts", [1, 3, 8, 64])
def test_each_part_writes_only_its_own_slots(parts):
    """The listing run as plain Python, where writing past a part's slots or the list's
    end is an error: parts with false flags after their last true one stop writing."""
    mask = np.zeros(200, bool)
    mask[[3, 4, 50, 51, 52, 120]] = True  # every part ends on false flags
    np.testing.assert_array_equal(_listed.py_func(mask, parts), np.flatnonzero(mask))
