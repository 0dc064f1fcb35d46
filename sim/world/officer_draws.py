"""A stream's numbers for some officers, drawn without holding one for every officer.

Common random numbers give each officer their own number of a decision's stream: the
number at their id (`rng.standard_exponential(n)[ids]`). At 3.2 crore officers that
array is 256 MB, drawn to keep a fraction, and on the machines this runs on fresh pages
cost more than the draws (docs/design.md, "Fresh memory"). `draws_at` draws the same n
numbers a block at a time into one small buffer and keeps those at `ids`: the same
values, and the generator left where the whole draw leaves it (numpy's generators
draw each float64 of these kinds from where the last one left off, whatever the size of
each call; `tests/test_officer_draws.py` checks it). `draws_by_block` hands the numbers
over a block of officers at a time, for a phase that works through its officers block
by block and so holds a block's temporaries, not the population's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Literal

import numpy as np

Kind = Literal["random", "standard_exponential", "standard_normal"]
BLOCK = 1 << 16  # numbers drawn at a time: a 512 KB buffer, in a core's cache


def draws_at(rng: np.random.Generator, kind: Kind, n: int, ids: np.ndarray) -> np.ndarray:
    """float64 [ids.size]: `getattr(rng, kind)(n)[ids]` for `ids` in ascending order, and
    `rng` advanced as that call advances it."""
    return draws_at_each(rng, kind, n, [ids])[0]


def draws_at_each(
    rng: np.random.Generator, kind: Kind, n: int, id_sets: Sequence[np.ndarray]
) -> list[np.ndarray]:
    """`draws_at` for several sets of officers from one pass over the stream (a stream
    that serves two sets is drawn once)."""
    kept = [np.empty(ids.size) for ids in id_sets]
    written = [0] * len(id_sets)
    for parts in draws_by_block(rng, kind, n, id_sets):
        for k, (_, numbers) in enumerate(parts):
            kept[k][written[k] : written[k] + numbers.size] = numbers
            written[k] += numbers.size
    return kept


def draws_by_block(
    rng: np.random.Generator, kind: Kind, n: int, id_sets: Sequence[np.ndarray]
) -> Iterator[list[tuple[np.ndarray, np.ndarray]]]:
    """The stream a block of officers at a time: for each block of `BLOCK` ids in turn,
    each set's ids in it and their numbers (`draws_at_each`, in parts). A phase that
    works through its officers block by block holds a block's temporaries, not the
    whole population's; the generator is where the whole draw leaves it once the last
    block is out."""
    for ids in id_sets:
        if ids.size and (ids[0] < 0 or ids[-1] >= n or np.any(ids[1:] < ids[:-1])):
            raise ValueError(f"ids must be ascending officer ids below {n}")
    return _blocks(getattr(rng, kind), n, id_sets)


def _blocks(
    draw: Callable[..., np.ndarray], n: int, id_sets: Sequence[np.ndarray]
) -> Iterator[list[tuple[np.ndarray, np.ndarray]]]:
    buffer = np.empty(min(BLOCK, n))
    starts = np.arange(0, n + BLOCK, BLOCK)
    bounds = [np.searchsorted(ids, starts) for ids in id_sets]  # each set's ids per block
    for block, start in enumerate(range(0, n, BLOCK)):
        numbers = draw(out=buffer[: min(BLOCK, n - start)])
        parts = []
        for ids, where in zip(id_sets, bounds, strict=True):
            block_ids = ids[where[block] : where[block + 1]]
            parts.append((block_ids, numbers[block_ids - start]))
        yield parts
