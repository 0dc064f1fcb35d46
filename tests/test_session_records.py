"""The fast engine's compiled bookkeeping of a tick's sessions against the numpy rules the
reference engine runs (`RunState.record_completions`, `mark_participants` and the day last
active) and the numpy sums the fast engine took of a batch's outcome, through
`RunState.record_sessions`: the same officers and counts, to the bit."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from conftest import BATCH_FORMS, batches_on, sampled

from sim.agents.learning import SessionOutcome
from sim.engines.run_state import build_run
from sim.world.population import OFFICER_ATTRIBUTES


@pytest.mark.parametrize("form", BATCH_FORMS)
def test_compiled_session_records_are_the_numpy_rules_to_the_bit(form):
    state = build_run(sampled("saptah_2024", agents=3000))
    rng = np.random.default_rng(4)
    rule, compiled = copy.deepcopy(state), copy.deepcopy(state)
    for day in (0, 0, 1, 3, 3, 7):  # repeats: officers active again the same day
        ids = np.sort(rng.choice(state.officers.n, 400, replace=False))
        outcome = SessionOutcome.zeros(ids.size)
        outcome.completions[:] = rng.poisson(0.4, ids.size)
        outcome.enrolments[:] = outcome.completions + rng.poisson(0.5, ids.size)
        outcome.drops[:] = rng.poisson(0.2, ids.size)
        outcome.minutes_used[:] = rng.integers(1, 400, ids.size)
        if day == 7:  # the largest an officer's counts can be: sums and squares do not wrap
            outcome.completions[0] = outcome.enrolments[0] = outcome.drops[0] = 2**15 - 1
            outcome.minutes_used[0] = 2**31 - 1
        outcome.hours[:] = rng.random(ids.size, np.float32) * 3
        # the numpy statement (as RunState and the fast engine's recording did it)
        officers, record = rule.officers, rule.recorder
        completions = outcome.completions.astype(np.int64)
        record.add("new_sessions", day, ids.size)
        record.add("new_session_minutes", day, int(outcome.minutes_used.sum(dtype=np.int64)))
        record.add("new_enrolments", day, int(outcome.enrolments.sum()))
        record.add("new_completions_squared", day, int((completions * completions).sum()))
        record.add("new_drops", day, int(outcome.drops.sum()))
        record.add("new_learning_hours", day, float(outcome.hours.sum(dtype=np.float64)))
        officers.sessions[ids] += 1
        rule.record_completions(day, ids, completions)
        first_today = officers.last_active_day[ids] != day
        rule.recorder.add("n_active_learners", day, int(first_today.sum()))
        officers.last_active_day[ids] = day
        rule.mark_participants(day, ids)
        # the compiled form
        with batches_on(form):
            compiled.record_sessions(day, ids, outcome)
    for name in OFFICER_ATTRIBUTES:
        np.testing.assert_array_equal(
            getattr(compiled.officers, name), getattr(rule.officers, name), err_msg=name
        )
    for name, counts in rule.recorder.daily.items():
        np.testing.assert_array_equal(compiled.recorder.daily[name], counts, err_msg=name)
    np.testing.assert_array_equal(
        compiled.recorder.completions_by_group, rule.recorder.completions_by_group
    )
    np.testing.assert_array_equal(
        compiled.recorder.completions_by_unit, rule.recorder.completions_by_unit
    )
    daily = rule.recorder.daily  # the batches did count
    assert daily["new_participants"].sum() > 1000 and daily["new_completions_squared"].sum() > 0
