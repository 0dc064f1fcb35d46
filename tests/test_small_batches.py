"""A kernel's calling-core form (`sim/world/small_batches.py`) is the kernel with its loops
on one core: the same options otherwise, a cache of its own, the same results."""

from __future__ import annotations

import pytest

from sim.agents.activity import next_events, next_events_here
from sim.agents.sessions_kernel import _next_starts, _next_starts_here
from sim.engines.fast import log_in_due, log_in_due_here
from sim.world import small_batches

PAIRS = [(log_in_due, log_in_due_here), (next_events, next_events_here)]


@pytest.mark.parametrize(("kernel", "form"), PAIRS + [(_next_starts, _next_starts_here)])
def test_the_form_keeps_the_kernels_options_but_its_cores(kernel, form):
    assert kernel.targetoptions["parallel"] is True
    assert form.targetoptions["parallel"] is False
    for option in ("nogil", "error_model", "boundscheck"):
        assert form.targetoptions.get(option) == kernel.targetoptions.get(option), option


@pytest.mark.parametrize(("kernel", "form"), PAIRS)
def test_the_form_is_cached_under_a_name_of_its_own(kernel, form):
    """numba names a cache file after the function: under the kernel's name, the two
    forms would load each other's compiled code."""
    assert form.py_func.__qualname__ == kernel.py_func.__qualname__ + "_here"
    assert form.py_func.__code__ is kernel.py_func.__code__  # the same statements
    assert form._cache._impl.filename_base != kernel._cache._impl.filename_base


def test_batches_below_the_threshold_stay_on_the_calling_core():
    below = small_batches.ONE_CORE_BELOW
    assert small_batches.one_core(0) and small_batches.one_core(below - 1)
    assert not small_batches.one_core(below)
