"""The compiled course choice (`catalog_kernel.py`) against the numpy rule
(`Catalog.choose`), to the bit."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import tagged_catalog

import sim.world.catalog as catalog_module
from sim.config import CATEGORIES, SERVICE_GROUPS
from sim.world.catalog import MINISTRY
from sim.world.catalog_kernel import choose_compiled


@pytest.fixture(scope="module")
def catalog():
    return tagged_catalog(600, seed=3)  # 86 of its ministries own no course


def _officers(n: int, n_ministries: int, seed: int):
    rng = np.random.default_rng(seed)
    categories = rng.integers(0, len(CATEGORIES), n)
    ministries = rng.integers(0, n_ministries, n)
    groups = rng.integers(0, len(SERVICE_GROUPS), n)
    uniforms = rng.random(n)
    uniforms[:4] = [0.0, np.nextafter(1.0, 0.0), 0.5, 1e-300]  # the ends of the draws
    return categories, ministries, groups, uniforms


@pytest.mark.parametrize("emphasis", [None, {0: 4.0, 2: 0.25}])
def test_compiled_choice_is_the_numpy_rule(catalog, monkeypatch, emphasis):
    catalog = catalog.with_emphasis(emphasis)
    n = 30_000
    categories, ministries, groups, uniforms = _officers(n, catalog.n_ministries, seed=7)
    engaged = np.random.default_rng(8).random(n) < 0.3
    monkeypatch.setattr(catalog_module, "COMPILED_FROM", n + 1)  # the numpy statements
    expected = catalog.choose(categories, ministries, groups, uniforms, engaged)
    found = choose_compiled(catalog, categories, ministries, groups, uniforms, engaged)
    np.testing.assert_array_equal(found, expected)
    assert found.dtype == expected.dtype == np.int64
    # every way of choosing was taken: a ministry without courses of its own falls back to
    # the whole catalogue, and the engaged choose with the emphasis when there is one
    has_own = np.zeros(catalog.n_ministries, bool)
    has_own[catalog.owner_ministry[catalog.owner_ministry >= 0]] = True
    fallback = (categories == MINISTRY) & ~has_own[ministries]
    assert (
        fallback.any() and (catalog.owner_ministry[found[fallback]] != ministries[fallback]).any()
    )
    plain = choose_compiled(catalog, categories, ministries, groups, uniforms)
    assert (plain != found).any() == (emphasis is not None)
    # and the rule itself takes the compiled form for a batch this large
    monkeypatch.setattr(catalog_module, "COMPILED_FROM", 1)
    np.testing.assert_array_equal(
        catalog.choose(categories, ministries, groups, uniforms, engaged), expected
    )
