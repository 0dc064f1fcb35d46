"""The compiled session (`learning_kernel.learn_compiled`, the fast engine's) against the
numpy rule it compiles (`learning.learn`, built of the reference engine's `study`): from
the same stream they must give the same officers, outcome and credits, to the bit."""

from __future__ import annotations

import copy
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import BATCH_FORMS, batches_on, tagged_catalog
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.agents.enrolment import course_mix_table
from sim.agents.learning import learn
from sim.agents.learning_kernel import learn_compiled
from sim.config import SERVICE_GROUPS, BehaviourConfig
from sim.scenarios.recruit_onboarding import RecruitOnboarding
from sim.world.population import OFFICER_ATTRIBUTES, Officers

N_MINISTRIES = 6
CATALOG = tagged_catalog(N_MINISTRIES, seed=3)
EMPHASISED = CATALOG.with_emphasis({0: 4.0, 2: 0.5})


def officers_mid_run(n: int, rng: np.random.Generator) -> Officers:
    """Officers of several ministries and groups, some part-way through a course."""
    officers = Officers(n)
    officers.ministry_id[:] = rng.integers(0, N_MINISTRIES, n)
    officers.service_group[:] = rng.integers(0, len(SERVICE_GROUPS), n)
    busy = rng.random(n) < 0.5
    officers.course[busy] = rng.integers(0, CATALOG.n, busy.sum())
    officers.stop_at[busy] = np.where(rng.random(busy.sum()) < 0.3, rng.random(busy.sum()), 1.0)
    officers.progress[busy] = officers.stop_at[busy] * rng.random(busy.sum())
    officers.pack()  # as a run simulates them
    return officers


def assert_same_session(compiled: tuple, rule: tuple) -> None:
    """Two sessions' (officers, outcome, credit calls) agree to the bit."""
    (officers, outcome, credits), (rule_officers, rule_outcome, rule_credits) = compiled, rule
    for name in OFFICER_ATTRIBUTES:
        np.testing.assert_array_equal(
            getattr(officers, name), getattr(rule_officers, name), err_msg=name
        )
    for field in ("minutes_used", "hours", "enrolments", "completions", "drops"):
        np.testing.assert_array_equal(
            getattr(outcome, field), getattr(rule_outcome, field), err_msg=field
        )
        assert getattr(outcome, field).dtype == getattr(rule_outcome, field).dtype, field
    assert len(credits) == len(rule_credits)
    for (ids, courses), (rule_ids, rule_courses) in zip(credits, rule_credits, strict=True):
        np.testing.assert_array_equal(ids, rule_ids)
        np.testing.assert_array_equal(courses, rule_courses)


class Credits:
    def __init__(self) -> None:
        self.calls: list[tuple[np.ndarray, np.ndarray]] = []

    def __call__(self, ids: np.ndarray, courses: np.ndarray) -> None:
        self.calls.append((ids.copy(), courses.astype(np.int64)))


@settings(deadline=None)  # the first example compiles the kernel
@given(
    seed=st.integers(0, 2**16),
    n=st.integers(1, 400),
    emphasis=st.booleans(),
    recommends=st.booleans(),
    max_courses=st.integers(1, 8),
    hazard=st.sampled_from([0.0, 0.242, 2.0]),
    form=st.sampled_from(BATCH_FORMS),
)
def test_the_compiled_session_is_the_rule_to_the_bit(
    seed, n, emphasis, recommends, max_courses, hazard, form
):
    rng = np.random.default_rng(seed)
    catalog = EMPHASISED if emphasis else CATALOG
    behaviour = BehaviourConfig(max_courses_per_session=max_courses, drop_hazard_per_hour=hazard)
    mix_table = course_mix_table(behaviour)
    population = officers_mid_run(2 * n + 5, rng)
    ids = np.sort(rng.choice(population.n, n, replace=False))
    budget = rng.integers(1, 240, n).astype(np.int32)
    engaged = (rng.random(n) < 0.4).astype(np.int64)

    def recommend(who: np.ndarray, draw: np.random.Generator) -> np.ndarray:
        pick = draw.integers(0, catalog.n, who.size)
        return np.where(draw.random(who.size) < 0.5, pick, -1)

    results = []
    for session in (learn, learn_compiled):
        officers, credits = copy.deepcopy(population), Credits()
        with batches_on(form):
            outcome = session(
                officers,
                catalog,
                ids,
                budget,
                engaged,
                mix_table,
                behaviour,
                np.random.default_rng(seed + 1),
                recommend if recommends else None,
                credits,
            )
        results.append((officers, outcome, credits.calls))
    assert_same_session(results[1], results[0])


@settings(deadline=None, max_examples=60)
@given(
    seed=st.integers(0, 2**16),
    n=st.integers(1, 300),
    count=st.integers(0, 4),
    compliance=st.sampled_from([0.0, 0.6, 1.0]),
    max_courses=st.integers(1, 6),
    form=st.sampled_from(BATCH_FORMS),
)
def test_the_kernels_onboarding_suggestion_is_the_policys_to_the_bit(
    seed, n, count, compliance, max_courses, form
):
    """A session with the recruits' onboarding made by the kernel itself against the numpy
    rule with the policy's own `suggest` (Python, called per step): the same courses,
    draws and credits."""
    rng = np.random.default_rng(seed)
    behaviour = BehaviourConfig(max_courses_per_session=max_courses)
    mix_table = course_mix_table(behaviour)
    population = officers_mid_run(2 * n + 5, rng)
    population.recruit[:] = rng.random(population.n) < 0.5
    population.completions[:] = rng.integers(0, 5, population.n)
    ids = np.sort(rng.choice(population.n, n, replace=False))
    budget = rng.integers(1, 240, n).astype(np.int32)
    engaged = (rng.random(n) < 0.4).astype(np.int64)

    results = []
    for compiled in (False, True):
        officers, credits = copy.deepcopy(population), Credits()
        policy = RecruitOnboarding(
            SimpleNamespace(catalog=CATALOG, officers=officers), count, compliance
        )
        draws = np.random.default_rng(seed + 1)
        if compiled:
            with batches_on(form):
                outcome = learn_compiled(
                    officers, CATALOG, ids, budget, engaged, mix_table, behaviour, draws,
                    None, credits, policy.compiled_suggestion(),
                )  # fmt: skip
        else:
            outcome = learn(
                officers, CATALOG, ids, budget, engaged, mix_table, behaviour, draws,
                policy.suggest, credits,
            )  # fmt: skip
        results.append((officers, outcome, credits.calls, draws.random()))
    assert_same_session(results[1][:3], results[0][:3])
    assert results[1][3] == results[0][3]  # the same numbers were taken


def test_a_session_takes_a_recommender_or_the_onboarding_suggestion_not_both():
    officers = officers_mid_run(20, np.random.default_rng(0))
    policy = RecruitOnboarding(SimpleNamespace(catalog=CATALOG, officers=officers), 2, 1.0)
    behaviour = BehaviourConfig()
    with pytest.raises(ValueError, match="not both"):
        learn_compiled(
            officers, CATALOG, np.arange(5), np.full(5, 30, np.int32), np.zeros(5, np.int64),
            course_mix_table(behaviour), behaviour, np.random.default_rng(0), policy.suggest,
            None, policy.compiled_suggestion(),
        )  # fmt: skip
