"""A kernel's calling-core form (`sim/world/small_batches.py`) is the kernel with its loops
on one core: the same options otherwise, and no cache of its own (its entry's holds it).
That both forms give the same results is shown by each kernel's test, which draws both,
and by `test_determinism.py`, which runs whole campaigns in each."""

from __future__ import annotations

import pytest
from numba.core.caching import NullCache

from sim.agents import campaign_response, competency_kernels, learning_kernel, sessions_kernel
from sim.agents.activity import next_events, next_events_here
from sim.engines import fast, session_records

PAIRS = [
    (fast.log_in_due, fast._log_in_due_here),
    (next_events, next_events_here),
    (sessions_kernel._next_starts, sessions_kernel._next_starts_here),
    (sessions_kernel._sample, sessions_kernel._sample_here),
    (learning_kernel._gathered, learning_kernel._gathered_here),
    (learning_kernel._study_step, learning_kernel._study_step_here),
    (learning_kernel._without_course, learning_kernel._without_course_here),
    (session_records.record_sessions, session_records._record_sessions_here),
    (competency_kernels.mark_learned, competency_kernels._mark_learned_here),
    (
        campaign_response.count_session_hours_compiled,
        campaign_response._count_session_hours_here,
    ),
]


@pytest.mark.parametrize(("kernel", "form"), PAIRS)
def test_the_form_keeps_the_kernels_options_but_its_cores(kernel, form):
    assert kernel.targetoptions["parallel"] is True
    assert form.targetoptions["parallel"] is False
    for option in ("nogil", "error_model", "boundscheck"):
        assert form.targetoptions.get(option) == kernel.targetoptions.get(option), option
    assert form.py_func is kernel.py_func  # the same statements


@pytest.mark.parametrize(("kernel", "form"), PAIRS)
def test_the_form_has_no_cache_of_its_own(kernel, form):
    """numba names a cache file after the function: the two forms under one name would
    load each other's compiled code."""
    assert isinstance(form._cache, NullCache)
    assert not isinstance(kernel._cache, NullCache)
