"""Fresh memory: pages first touched on all the cores, handed back page by page while a
large array is consumed, and huge pages under the arrays the simulation visits at random.
A page the process has not touched before costs far more to fault in than the arithmetic
done on it (docs/design.md, "Fresh memory").

A core faults pages in one at a time. `filled` writes a new array's values on all the
cores (the officers' default values, about 700 MB at 3.2 crore officers; docs/design.md,
"Fresh memory", has the figures).

Packing the officers copies each per-session attribute into the records block by block
(`Officers.pack`); a block's sources are never read again. Telling the kernel so
(`madvise(MADV_DONTNEED)`) lets it reuse those pages at once, instead of finding fresh
ones (at 3.2 crore officers the sources hold 1.8 GB, the records 2 GB; on a virtual
machine the host may have to back a fresh page too). The peak falls by the sources'
size as well.

Page size. numpy asks for huge pages (2 MB) under every array of 4 MB or more. `sim`
turns that off (`sim.process_settings`), so that set-up's arrays and temporaries are
faulted in small pages, cheaper to fault in; `huge_pages` asks for them under the two
arrays the simulation visits at random, the officers' records and the competency
levels: one translation of a huge page covers 32,768 records (docs/design.md, "Page
size", has the figures). Where the kernel gives huge pages to every large mapping
(`transparent_hugepage/enabled` `always`), set-up's arrays get them anyway.
"""

from __future__ import annotations

import ctypes
import mmap
import sys

import numpy as np

from sim.world.cores import on_all_cores


def _madvise():
    if not sys.platform.startswith("linux") or not hasattr(mmap, "MADV_DONTNEED"):
        return None
    try:
        madvise = ctypes.CDLL(None).madvise
    except (OSError, AttributeError):
        return None
    madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    madvise.restype = ctypes.c_int
    return madvise


_MADVISE = _madvise()


def give_back(rows: np.ndarray) -> None:
    """Hands the whole pages under `rows` (a contiguous slice of an array that allocated
    its own memory, and that nothing else shares) back to the kernel: they read as zeros
    from now on. The partial pages at either end keep their values (they may hold other
    rows, or the allocator's own records). A hint: where the C library offers no
    `madvise`, or the kernel declines, the pages simply stay."""
    if not rows.flags.c_contiguous:
        raise ValueError("give_back: the rows must be contiguous")
    root = rows
    while isinstance(root.base, np.ndarray):
        root = root.base
    if not root.flags.owndata:  # a mapped file, shared memory, a buffer of another's
        raise ValueError("give_back: the rows must be of an array that owns its memory")
    _advise(rows, getattr(mmap, "MADV_DONTNEED", None))


def filled(n: int, value: float, dtype: type) -> np.ndarray:
    """`np.full(n, value, dtype)`, its pages first touched on all the cores (numpy lets go
    of the GIL while it fills). Threads rather than a compiled loop: a kernel compiled
    for each dtype by several processes at once (a test suite's workers) can corrupt
    numba's cache."""
    array = np.empty(n, dtype=dtype)
    on_all_cores(lambda a, b: array[a:b].fill(value), 0, n)
    return array


def huge_pages(array: np.ndarray) -> None:
    """Asks the kernel for huge pages under `array` (contiguous, in C or Fortran order),
    before it is first touched: the kernel gives a huge page at the first fault, and
    pages already faulted in stay small (until its background collapse, if ever). An
    array small enough for the C library to carve from memory it already holds may have
    been touched before. A hint: where the C library offers no `madvise`, or the kernel
    has no transparent huge pages, the pages simply stay small."""
    if not array.flags.forc:
        raise ValueError("huge_pages: the array must be contiguous")
    _advise(array, getattr(mmap, "MADV_HUGEPAGE", None))


def _advise(array: np.ndarray, advice: int | None) -> None:
    """`madvise(advice)` on the whole pages under `array`'s bytes (none at the partial
    pages at either end)."""
    if _MADVISE is None or advice is None or array.nbytes == 0:
        return
    start = -(-array.ctypes.data // mmap.PAGESIZE) * mmap.PAGESIZE  # first whole page
    stop = (array.ctypes.data + array.nbytes) // mmap.PAGESIZE * mmap.PAGESIZE
    if stop > start:
        _MADVISE(start, stop - start, advice)
