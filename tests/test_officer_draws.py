"""`draws_at` and `draws_by_block` give each officer the number the whole draw gives
them, and leave the generator where the whole draw leaves it."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.world import officer_draws
from sim.world.officer_draws import draws_at, draws_at_each, draws_by_block

KINDS = ["random", "standard_exponential", "standard_normal"]


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(0, 5_000),
    share=st.floats(0.0, 1.0),
    block=st.sampled_from([1, 7, 64, 1000, 1 << 16]),
    kind=st.sampled_from(KINDS),
    seed=st.integers(0, 2**32 - 1),
)
def test_the_numbers_at_the_ids_and_the_generator_after_are_the_whole_draws(
    n, share, block, kind, seed
):
    ids = np.flatnonzero(np.random.default_rng(seed + 1).random(n) < share)
    whole, blocks = np.random.default_rng(seed), np.random.default_rng(seed)
    expected = getattr(whole, kind)(n)[ids]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(officer_draws, "BLOCK", block)
        got = draws_at(blocks, kind, n, ids)
    assert got.dtype == np.float64 and got.shape == ids.shape
    np.testing.assert_array_equal(got.view(np.uint64), expected.view(np.uint64))
    assert blocks.bit_generator.state == whole.bit_generator.state  # the next draws agree


def test_all_officers_at_full_blocks_and_a_partial_one():
    n = 3 * (1 << 16) + 5
    ids = np.arange(n)
    for kind in KINDS:
        expected = getattr(np.random.default_rng(9), kind)(n)
        np.testing.assert_array_equal(draws_at(np.random.default_rng(9), kind, n, ids), expected)


@pytest.mark.parametrize("ids", [[3, 1], [-1, 2], [2, 10]])
def test_ids_out_of_order_or_range_are_refused(ids):
    with pytest.raises(ValueError, match="ascending officer ids below 10"):
        draws_at(np.random.default_rng(0), "random", 10, np.array(ids))


def test_several_sets_from_one_pass_are_each_the_whole_draws():
    n = 3 * (1 << 16) + 11
    rng = np.random.default_rng(4)
    sets = [np.flatnonzero(rng.random(n) < share) for share in (0.3, 0.0, 1.0)]
    whole, once = np.random.default_rng(5), np.random.default_rng(5)
    expected = whole.standard_exponential(n)
    got = draws_at_each(once, "standard_exponential", n, sets)
    for ids, numbers in zip(sets, got, strict=True):
        np.testing.assert_array_equal(numbers, expected[ids])
    assert once.bit_generator.state == whole.bit_generator.state


def test_by_block_each_set_s_ids_in_the_block_with_their_numbers(monkeypatch):
    monkeypatch.setattr(officer_draws, "BLOCK", 64)
    n = 64 * 5 + 9
    rng = np.random.default_rng(6)
    sets = [np.flatnonzero(rng.random(n) < 0.4), np.empty(0, np.int64), np.arange(n)]
    whole, blocks = np.random.default_rng(7), np.random.default_rng(7)
    expected = whole.random(n)
    yielded = list(draws_by_block(blocks, "random", n, sets))
    assert len(yielded) == 6  # five whole blocks and a partial one
    for block, parts in enumerate(yielded):
        low, high = 64 * block, min(64 * (block + 1), n)
        for ids, (block_ids, numbers) in zip(sets, parts, strict=True):
            np.testing.assert_array_equal(block_ids, ids[(ids >= low) & (ids < high)])
            np.testing.assert_array_equal(numbers, expected[block_ids])
    assert blocks.bit_generator.state == whole.bit_generator.state


def test_by_block_refuses_ids_out_of_order_before_drawing():
    rng = np.random.default_rng(0)
    before = rng.bit_generator.state
    with pytest.raises(ValueError, match="ascending officer ids below 10"):
        draws_by_block(rng, "random", 10, [np.array([3, 1])])
    assert rng.bit_generator.state == before
