"""The fast engine's compiled bookkeeping of a tick's sessions against the numpy rules the
reference engine runs (`RunState.record_completions`, `mark_participants` and the day last
active), through `RunState.record_sessions`: the same officers and counts, to the bit."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from conftest import BATCH_FORMS, batches_on, sampled

from sim.engines.run_state import build_run
from sim.world.population import OFFICER_ATTRIBUTES


@pytest.mark.parametrize("form", BATCH_FORMS)
def test_compiled_session_records_are_the_numpy_rules_to_the_bit(form):
    state = build_run(sampled("saptah_2024", agents=3000))
    rng = np.random.default_rng(4)
    rule, compiled = copy.deepcopy(state), copy.deepcopy(state)
    for day in (0, 0, 1, 3, 3, 7):  # repeats: officers active again the same day
        ids = np.sort(rng.choice(state.officers.n, 400, replace=False))
        completions = rng.poisson(0.4, ids.size).astype(np.int64)
        # the numpy statement (as RunState and the fast engine's recording did it)
        officers = rule.officers
        officers.sessions[ids] += 1
        rule.record_completions(day, ids, completions)
        first_today = officers.last_active_day[ids] != day
        rule.recorder.add("n_active_learners", day, int(first_today.sum()))
        officers.last_active_day[ids] = day
        rule.mark_participants(day, ids)
        # the compiled form
        with batches_on(form):
            compiled.record_sessions(day, ids, completions)
    for name in OFFICER_ATTRIBUTES:
        np.testing.assert_array_equal(
            getattr(compiled.officers, name), getattr(rule.officers, name), err_msg=name
        )
    for name in ("new_completions", "n_active_learners", "new_participants"):
        np.testing.assert_array_equal(compiled.recorder.daily[name], rule.recorder.daily[name])
    np.testing.assert_array_equal(
        compiled.recorder.completions_by_group, rule.recorder.completions_by_group
    )
    np.testing.assert_array_equal(
        compiled.recorder.completions_by_unit, rule.recorder.completions_by_unit
    )
    assert rule.recorder.daily["new_participants"].sum() > 1000  # the batches did count
