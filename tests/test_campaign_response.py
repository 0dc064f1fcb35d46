"""The compiled campaign hours of a tick (`count_session_hours_compiled`) against the numpy rules
the reference engine runs (`add_campaign_hours`, then `leave_after_target`), to the bit."""

from __future__ import annotations

import numba
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.agents.campaign_response import (
    add_campaign_hours,
    count_session_hours_by_size,
    engaged_officers,
    engagement_rates,
    leave_after_target,
)
from sim.config import SERVICE_GROUPS, EngagementConfig
from sim.world.population import ENGAGED, ROUTINE, Officers


def _officers(n: int, target: float, rng: np.random.Generator) -> Officers:
    officers = Officers(n)
    officers.mode[:] = np.where(rng.random(n) < 0.6, ENGAGED, ROUTINE)
    # hours at, just below and around the target, so that float32 rounding decides some
    near = np.float32(target) + np.array([0, -1, 1], np.float32) * np.float32(1e-6)
    hours = rng.uniform(0, 1.2 * target, n).astype(np.float32)
    officers.campaign_hours[:] = np.where(rng.random(n) < 0.2, rng.choice(near, n), hours)
    return officers


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    target=st.sampled_from([4.0, 4.7, 0.5]),
    continue_probability=st.sampled_from([0.0, 0.3, 1.0]),
    seed=st.integers(0, 2**16),
    cores=st.sampled_from([1, 2]),
    below=st.sampled_from([0, 2**62]),  # on all the cores, on the calling core
)
def test_compiled_campaign_hours_are_the_numpy_rules_to_the_bit(
    numba_threads, target, continue_probability, seed, cores, below
):
    """On one thread and two (the counts are sums over the cores' shares). The run draws
    the uniforms with `rng.random(n)`, the numbers the rule draws: the golden back-test
    holds it to them."""
    numba_threads(min(cores, numba.config.NUMBA_NUM_THREADS))
    rng = np.random.default_rng(seed)
    n = 400
    numpy_side = _officers(n, target, rng)
    compiled_side = _officers(n, target, np.random.default_rng(seed))
    ids = np.sort(rng.choice(n, size=int(rng.integers(1, n)), replace=False))
    hours = rng.choice(np.array([0.0, 1 / 60, 0.25, 1.0, target], np.float32), ids.size)
    hours[: min(3, ids.size)] = 0.0  # an officer exactly at the target who adds nothing

    reached = add_campaign_hours(numpy_side, ids, hours, target)
    draws = np.random.default_rng(seed + 1)
    leaving = leave_after_target(numpy_side, ids, target, continue_probability, draws)

    kernel_draws = np.random.default_rng(seed + 1)
    compiled = count_session_hours_by_size(
        ids,
        hours,
        compiled_side.campaign_hours,
        compiled_side.mode,
        target,  # a Python float, as the run passes it
        continue_probability,
        kernel_draws.random(ids.size),
        below,
    )
    assert compiled == (reached, leaving.size)
    np.testing.assert_array_equal(compiled_side.campaign_hours, numpy_side.campaign_hours)
    np.testing.assert_array_equal(compiled_side.mode, numpy_side.mode)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    elasticity=st.sampled_from([0.0, 0.5, 0.7, 1.0, 2.5]),
    median=st.sampled_from([0.3, 0.05, 1 / 3]),
    scale=st.sampled_from([1.0, 0.37, 1e-3]),
)
def test_engagement_rates_are_the_numpy_statements_to_the_bit(seed, elasticity, median, scale):
    """The take-up rates (attributes gathered, products taken in compiled passes) against
    the numpy statements they replaced: a float32 rate over the Python float median,
    widened, to the power of the elasticity, times the group's multiplier, then the
    plan's scale times that."""
    rng = np.random.default_rng(seed)
    officers = Officers(300)
    officers.routine_logins_per_day[:] = rng.lognormal(np.log(0.3), 1.0, 300)
    officers.routine_logins_per_day[:2] = [0.0, 50.0]
    officers.service_group[:] = rng.integers(0, len(SERVICE_GROUPS), 300)
    officers.pack()  # as a run reads them
    config = EngagementConfig(
        propensity_elasticity=elasticity,
        group_multiplier={g: 0.6 + 0.3 * k for k, g in enumerate(SERVICE_GROUPS)},
    )
    ids = np.sort(rng.choice(300, 120, replace=False))
    ids[:2] = [0, 1]
    relative = officers.routine_logins_per_day[ids] / median
    group = np.array([config.group_multiplier[g] for g in SERVICE_GROUPS])
    weights = relative.astype(float) ** elasticity * group[officers.service_group[ids]]
    expected = scale * weights
    rates = engagement_rates(officers, ids, config, median, scale)
    assert rates.dtype == expected.dtype
    np.testing.assert_array_equal(rates, expected)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**16), share=st.sampled_from([0.0, 0.3, 1.0]))
def test_engaged_officers_are_the_mask_statement(seed, share):
    officers = Officers(500)
    officers.mode[:] = np.where(np.random.default_rng(seed).random(500) < share, ENGAGED, ROUTINE)
    engaged = engaged_officers(officers)
    np.testing.assert_array_equal(engaged, np.flatnonzero(officers.mode == ENGAGED))
    assert engaged.dtype == np.int64
