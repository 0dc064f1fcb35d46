"""`pages.filled` is `np.full`; `pages.give_back`: whole pages under the rows read as
zeros, nothing else changes."""

import mmap
import sys

import numpy as np
import pytest

from sim.world.pages import filled, give_back


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="madvise is Linux's here")
def test_whole_pages_under_the_rows_read_as_zeros_and_the_rest_keeps_its_values():
    values = np.arange(1, 8 * mmap.PAGESIZE + 1, dtype=np.int64)  # 64 pages, no zero
    array = values.copy()
    first, stop = 1000, 5 * mmap.PAGESIZE + 77  # neither end on a page boundary
    give_back(array[first:stop])

    address = np.arange(array.size) * array.itemsize + array.ctypes.data
    whole = (address >= -(-(array.ctypes.data + first * 8) // mmap.PAGESIZE) * mmap.PAGESIZE) & (
        address + 8 <= (array.ctypes.data + stop * 8) // mmap.PAGESIZE * mmap.PAGESIZE
    )
    assert whole.sum() >= 3 * mmap.PAGESIZE // 8  # the test gives back some pages
    assert not array[whole].any()
    np.testing.assert_array_equal(array[~whole], values[~whole])
    assert not whole[:first].any() and not whole[stop:].any()


def test_rows_that_are_not_contiguous_are_refused():
    with pytest.raises(ValueError, match="contiguous"):
        give_back(np.ones(10_000)[::2])


def test_rows_of_memory_the_array_does_not_own_are_refused():
    buffer = bytearray(8 * mmap.PAGESIZE)
    with pytest.raises(ValueError, match="owns its memory"):
        give_back(np.frombuffer(buffer, dtype=np.int64)[10:900])


def test_nothing_to_give_back_is_no_error():
    give_back(np.ones(0))
    give_back(np.ones(3))  # less than a page


@pytest.mark.parametrize(
    ("dtype", "value"),
    [(np.int32, np.iinfo(np.int32).max), (np.int16, -1), (np.float32, 1.0), (np.int8, 0)],
)
@pytest.mark.parametrize("n", [0, 1, 1001])
def test_filled_is_np_full(dtype, value, n):
    array = filled(n, value, dtype)
    expected = np.full(n, value, dtype=dtype)
    assert array.dtype == expected.dtype and array.shape == expected.shape
    np.testing.assert_array_equal(array, expected)
