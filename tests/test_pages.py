"""`pages.filled` is `np.full`; `pages.give_back`: whole pages under the rows read as
zeros, nothing else changes; `pages.huge_pages` and `sim`'s import: huge pages under the
officers' records and competency levels, not under numpy's other arrays."""

import inspect
import mmap
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.process_settings import DEFAULTS, MARKER
from sim.world.pages import filled, give_back, huge_pages


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


THP = Path("/sys/kernel/mm/transparent_hugepage/enabled")
SMAPS = Path("/proc/self/smaps")


def _advised_huge(array):
    """Whether the mapping holding `array`'s first whole page is flagged for huge pages
    (`hg` among its VmFlags in /proc/self/smaps)."""
    page = -(-array.ctypes.data // mmap.PAGESIZE) * mmap.PAGESIZE
    inside = False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split()[0]
        if "-" in head and ":" not in head:  # a mapping: start-end perms ...
            start, end = (int(x, 16) for x in head.split("-"))
            inside = start <= page < end
        elif inside and head == "VmFlags:":
            return "hg" in line.split()[1:]
    raise AssertionError("no mapping holds the array")


needs_huge_pages = pytest.mark.skipif(
    not THP.exists() or not SMAPS.exists() or "VmFlags:" not in SMAPS.read_text(),
    reason="no transparent huge pages, or no mapping flags to read, here",
)


def _mapped(size: int) -> np.ndarray:
    """An array in a mapping of its own (the C library may carve a smaller `np.zeros`
    from memory another test had advised)."""
    return np.frombuffer(mmap.mmap(-1, size), np.uint8)


@needs_huge_pages
def test_huge_pages_are_asked_for_under_the_array_alone():
    asked, other = _mapped(3 * 2**20), _mapped(3 * 2**20)
    huge_pages(asked[100:])  # a partial first page: the whole pages after it are asked
    assert _advised_huge(asked[100:])
    assert not _advised_huge(other)


def test_an_array_that_is_not_contiguous_is_refused():
    with pytest.raises(ValueError, match="contiguous"):
        huge_pages(np.zeros((1000, 8), order="F")[::2])


@needs_huge_pages
@pytest.mark.parametrize(("preset", "numpys"), [(None, False), ("1", True)])
def test_only_the_officers_records_and_levels_are_in_huge_pages_unless_the_user_chose(
    preset, numpys
):
    """Imported before numpy (as `karmasim` and the bench import it), `sim` turns numpy's
    own advice off, and a run's officer records and competency levels ask for huge pages;
    a user's own setting of numpy's stands. (That they ask before their first touch, as
    the kernel needs, is not tested.)"""
    environment = {k: v for k, v in os.environ.items() if k not in {*DEFAULTS, MARKER}}
    if preset is not None:
        environment["NUMPY_MADVISE_HUGEPAGE"] = preset
    script = "\n".join(
        [
            "import mmap, sim, numpy as np",
            "from pathlib import Path",
            inspect.getsource(_advised_huge),
            "from sim.experiments.bench import CONFIGS, sized",
            "from sim.engines.run_state import StepTimer, build_run",
            "state = build_run(sized(CONFIGS / 'saptah_2024.yaml', 100_000), StepTimer())",
            "print(_advised_huge(np.zeros(8 * 2**20, np.uint8)),"
            " _advised_huge(state.officers.next_login_min),"
            " _advised_huge(state.competencies.levels))",
        ]
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True,
        cwd=Path(__file__).parent.parent,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [str(numpys), "True", "True"]
