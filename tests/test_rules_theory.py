"""The shared rules in `sim/agents/` against what theory says they produce, not only the
two engines against each other (a bug both engines share passes every agreement test).

Each test feeds a rule many officers with known inputs and compares the outcome with its
closed form, within four binomial (or sampling) standard deviations."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import tagged_catalog
from scipy import stats

from sim.agents.enrolment import course_mix_table, enrol
from sim.agents.sessions import session_minutes
from sim.config import BehaviourConfig, SessionConfig
from sim.world.population import Officers

N = 200_000


@pytest.fixture(scope="module")
def catalog():
    return tagged_catalog(10, seed=11)


@pytest.mark.parametrize("hazard", [0.1, 0.242, 0.8])
def test_a_course_of_d_hours_is_finished_with_probability_exp_minus_hazard_d(catalog, hazard):
    """The drop-out rule: a constant hazard per listed hour means a course of d hours is
    finished with probability exp(-hazard x d), and those who leave do so uniformly along
    it (the stopping point of a constant hazard, given that it falls inside the course)."""
    rng = np.random.default_rng(5)
    officers = Officers(N)
    ids = np.arange(N)
    for course in (int(np.argmin(catalog.duration_hours)), int(np.argmax(catalog.duration_hours))):
        d = float(catalog.duration_hours[course])

        def recommend(who, _rng, course=course):
            return np.full(who.size, course)

        mix = course_mix_table(BehaviourConfig())
        enrol(officers, catalog, ids, np.zeros(N, dtype=np.int64), mix, hazard, rng, recommend)
        finishes = officers.stop_at >= 1.0
        p = np.exp(-hazard * d)
        assert abs(finishes.mean() - p) <= 4 * np.sqrt(p * (1 - p) / N), (course, d)
        # where they leave: uniformly along the course, as the rule states (the exact law
        # under a constant hazard is a truncated exponential; the two agree to first
        # order in hazard x d)
        leaving = officers.stop_at[~finishes]
        assert stats.kstest(leaving, "uniform").pvalue > 0.001


@pytest.mark.parametrize(("median", "sigma", "cap"), [(28.0, 0.7, 240), (72.2, 0.6, 240)])
def test_sittings_are_lognormal_around_their_median_and_capped(median, sigma, cap):
    config = SessionConfig(median_minutes=median, sigma=sigma, max_minutes=cap)
    minutes = session_minutes(config, N, np.random.default_rng(9))
    # the median of whole minutes is the median rounded (rounding is monotone)
    assert np.median(minutes) == pytest.approx(median, abs=1.0)
    share_capped = (minutes == cap).mean()
    expected = stats.lognorm(s=sigma, scale=median).sf(cap - 0.5)
    assert abs(share_capped - expected) <= 4 * np.sqrt(expected * (1 - expected) / N) + 1e-5
    for q, z in ((25, -0.6745), (75, 0.6745)):  # quartiles of the lognormal, rounded
        assert np.percentile(minutes, q) == pytest.approx(median * np.exp(sigma * z), abs=1.0)
