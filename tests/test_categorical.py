"""The guided categorical draw (`sim.world.categorical.categories`) against the numpy
statement it replaces, `np.searchsorted(cumulative, u, side="right")` capped at the last
category, to the bit."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.world.categorical import SLICES, categories


def searched(cumulative: np.ndarray, uniforms: np.ndarray, table: np.ndarray) -> np.ndarray:
    found = np.array(
        [
            np.searchsorted(cumulative[t], u, side="right")
            for t, u in zip(table, uniforms, strict=True)
        ]
    )
    return np.minimum(found, cumulative.shape[1] - 1)


@settings(deadline=None)  # the first example compiles the kernel
@given(
    seed=st.integers(0, 2**16),
    n_tables=st.integers(1, 4),
    n_categories=st.integers(1, 80),
    zero_share=st.sampled_from([0.0, 0.5]),
    dtype=st.sampled_from([np.float32, np.float64]),
)
def test_categories_are_searchsorted_to_the_bit(seed, n_tables, n_categories, zero_share, dtype):
    rng = np.random.default_rng(seed)
    weights = rng.pareto(1.0, (n_tables, n_categories)) * (
        rng.random((n_tables, n_categories)) >= zero_share
    )
    weights[:, -1] += 1e-3  # every table has some weight (its first share may be 0)
    cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1).astype(dtype)
    # uniforms anywhere, on the tables' own values and on the slices' edges, where an
    # off-by-one in the guide or the scan would show
    uniforms = np.concatenate([
        rng.random(500),
        cumulative[rng.integers(0, n_tables, 50), rng.integers(0, n_categories, 50)],
        rng.integers(0, SLICES, 50) / SLICES,
        [0.0, np.nextafter(1.0, 0.0)],
    ]).astype(dtype)  # fmt: skip
    uniforms = uniforms[uniforms < 1.0]
    table = rng.integers(0, n_tables, uniforms.size).astype(np.int8)
    found = categories(cumulative, uniforms, table if n_tables > 1 else None)
    expected = searched(
        cumulative, uniforms, table if n_tables > 1 else np.zeros(uniforms.size, int)
    )
    np.testing.assert_array_equal(found, expected)
    assert np.issubdtype(found.dtype, np.signedinteger)  # holds every category
    assert np.iinfo(found.dtype).max >= n_categories - 1


def test_a_category_without_weight_is_never_drawn():
    cumulative = np.cumsum([0.2, 0.0, 0.3, 0.0, 0.5]).astype(np.float32)
    found = categories(cumulative, np.random.default_rng(1).random(100_000, dtype=np.float32))
    assert set(np.unique(found)) == {0, 2, 4}
    shares = np.bincount(found, minlength=5) / found.size
    np.testing.assert_allclose(shares, [0.2, 0.0, 0.3, 0.0, 0.5], atol=0.01)
