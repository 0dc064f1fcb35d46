"""The recorder's compiled session counts against the numpy statements they replaced."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engines.recorder import Recorder
from sim.world.calendar import MINUTES_PER_DAY


def _numpy_add_sessions(recorder: Recorder, starts: np.ndarray, ends: np.ndarray) -> None:
    """`Recorder.add_sessions` as numpy statements (a batch's starts within one tick)."""
    if starts.size == 0:
        return
    base = int(starts.min())
    offsets = starts - base
    counts = np.bincount(offsets)
    recorder.session_starts[base : base + counts.size] += counts
    end_offsets = np.minimum(ends, recorder.horizon) - base
    width = int(end_offsets.max()) + 1
    delta = np.bincount(offsets, minlength=width) - np.bincount(end_offsets, minlength=width)
    recorder._session_delta[base : base + width] += delta


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**16), batches=st.integers(1, 6), size=st.integers(0, 300))
def test_compiled_session_counts_are_the_numpy_statements(seed, batches, size):
    """Batches of sessions starting within a tick, some running past the horizon: the
    starts, the concurrency and its window are the statements' to the unit."""
    rng = np.random.default_rng(seed)
    rule, compiled = Recorder(3), Recorder(3)
    for tick in np.sort(rng.integers(0, 3 * MINUTES_PER_DAY // 60, batches)):
        starts = (tick * 60 + rng.integers(0, 60, size)).astype(np.int32)
        ends = starts + rng.integers(1, 600, size).astype(np.int32)  # some past the horizon
        _numpy_add_sessions(rule, starts, ends)
        compiled.add_sessions(starts, ends)
    np.testing.assert_array_equal(compiled.session_starts, rule.session_starts)
    np.testing.assert_array_equal(compiled._session_delta, rule._session_delta)
    np.testing.assert_array_equal(compiled.concurrent_learners(), rule.concurrent_learners())


@pytest.mark.parametrize(
    ("start", "end"), [(-1, 5), (3 * MINUTES_PER_DAY, 3 * MINUTES_PER_DAY + 9), (50, 40)]
)
def test_a_session_outside_the_run_or_ending_before_it_starts_is_refused(start, end):
    recorder = Recorder(3)
    with pytest.raises(ValueError, match="outside the run's minutes"):  # after a good one
        recorder.add_sessions(np.array([10, start], np.int32), np.array([20, end], np.int32))
    assert not recorder.session_starts.any() and not recorder._session_delta.any()
