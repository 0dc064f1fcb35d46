"""Same config and seed give the same bytes; named streams give common random numbers."""

from __future__ import annotations

import numba
import numpy as np
import pandas as pd
import pytest

from sim.config import load_scenario
from sim.results.store import ResultsStore
from sim.simulate import simulate
from sim.world import officer_draws
from sim.world.calendar import MINUTES_PER_DAY
from tests.conftest import BATCH_FORMS, CONFIGS, batches_on, sampled

FILES = (
    "kpis.json",
    "config.yaml",
    "daily.parquet",
    "load.parquet",
    "orgs.parquet",
    "campaigns.parquet",
)


def test_same_seed_same_bytes(tmp_path):
    scenario = sampled("saptah_2024", agents=8_000)
    first = ResultsStore(tmp_path / "a").write(simulate(scenario))
    second = ResultsStore(tmp_path / "b").write(simulate(scenario))
    for name in FILES:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two cores")
def test_same_bytes_on_one_core_and_on_two(tmp_path, numba_threads):
    """The kernels that share their loops among cores give each officer's result from that
    officer's own inputs, whatever the share: a race or an order-dependent sum fails here."""
    scenario = sampled("saptah_2024", agents=20_000)
    numba_threads(1)
    one = ResultsStore(tmp_path / "one").write(simulate(scenario))
    numba_threads(2)
    two = ResultsStore(tmp_path / "two").write(simulate(scenario))
    for name in FILES:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


@pytest.mark.parametrize("name", ["saptah_2024", "saptah_2024_staggered"])
def test_the_same_bytes_whatever_the_batches_kernels_run_on(tmp_path, name):
    """Every batch on all the cores, then every batch on the calling core
    (`small_batches`): the two forms of each kernel give the same run, with one campaign
    clock and with waves (whose engaged officers take the numpy rule)."""
    scenario = sampled(name, agents=8_000)
    runs = {}
    for form in BATCH_FORMS:
        with batches_on(form):
            runs[form] = ResultsStore(tmp_path / form).write(simulate(scenario))
    for name in FILES:
        assert (runs["all cores"] / name).read_bytes() == (
            runs["calling core"] / name
        ).read_bytes(), name


def _scoped(scenario):
    """The scenario with its campaign asking the groups B and C of central staff only (most
    blocks of officers then hold few of those it targets)."""
    campaigns = scenario.canonical()["campaigns"]
    campaigns[0] |= {"target_sectors": ["central"], "target_groups": ["B", "C"]}
    return scenario.with_overrides(campaigns=campaigns)


@pytest.mark.parametrize(
    "scenario",
    [
        pytest.param(lambda: sampled("saptah_2024", agents=8_000), id="everyone"),
        pytest.param(lambda: sampled("saptah_2024_staggered", agents=4_000), id="waves"),
        pytest.param(lambda: _scoped(sampled("saptah_2024", agents=4_000)), id="scoped"),
    ],
)
def test_the_same_bytes_whatever_the_officers_drawn_at_a_time(tmp_path, monkeypatch, scenario):
    """Set-up and the campaign's phases draw each officer's numbers a block of officers at
    a time (`officer_draws`) and work through a block before the next: blocks of a few
    officers give the run that blocks of more than the population give (a phase whose
    result depends on where a block ends fails here), with one wave or several, and with
    everyone in the campaign's scope or a few."""
    scenario = scenario()
    whole = ResultsStore(tmp_path / "whole").write(simulate(scenario))
    monkeypatch.setattr(officer_draws, "BLOCK", 97)
    blocks = ResultsStore(tmp_path / "blocks").write(simulate(scenario))
    for name in FILES:
        assert (whole / name).read_bytes() == (blocks / name).read_bytes(), name


def test_another_seed_gives_another_run():
    scenario = sampled("baseline", agents=8_000)
    a = simulate(scenario)
    b = simulate(scenario.with_overrides(seed=scenario.seed + 1))
    assert a.run_id != b.run_id
    assert not a.daily["new_completions"].equals(b.daily["new_completions"])


def test_scenarios_agree_until_their_policies_differ():
    """Without the extension, everything up to the announcement (18:00 on 25 Oct) matches."""
    with_extension = sampled("saptah_2024", agents=10_000)
    data = with_extension.canonical()
    data["campaigns"][0]["extended_end"] = None
    data["campaigns"][0]["extension_announced"] = None
    without = with_extension.with_overrides(campaigns=data["campaigns"])
    a, b = simulate(with_extension), simulate(without)

    announced = pd.Timestamp("2024-10-25")
    day = (announced - pd.Timestamp("2024-09-15")).days
    pd.testing.assert_frame_equal(
        a.daily.iloc[:day].drop(columns="in_campaign"),
        b.daily.iloc[:day].drop(columns="in_campaign"),
    )
    cut = day * MINUTES_PER_DAY + 18 * 60
    assert np.array_equal(a.load["concurrent_learners"][:cut], b.load["concurrent_learners"][:cut])
    # ... and the extension does change what happens after it.
    assert (
        a.kpis["campaign_participants_meeting_target"]
        > b.kpis["campaign_participants_meeting_target"]
    )


def test_a_campaign_leaves_the_days_before_it_untouched(baseline_run, saptah_run):
    start = (pd.Timestamp("2024-10-19") - pd.Timestamp("2024-09-15")).days
    columns = ["new_sessions", "new_enrolments", "new_completions", "new_learning_hours"]
    pd.testing.assert_frame_equal(
        baseline_run.daily[columns].iloc[:start], saptah_run.daily[columns].iloc[:start]
    )


def test_the_extension_raises_officers_meeting_the_target():
    """Common random numbers: the 2024 week with and without its two-day extension."""
    extended = simulate(sampled("saptah_2024")).kpis
    planned = simulate(load_scenario(CONFIGS / "saptah_2024_no_extension.yaml").with_overrides(
        scale=sampled("saptah_2024").scale)).kpis  # fmt: skip
    assert (
        extended["campaign_participants_meeting_target"]
        > planned["campaign_participants_meeting_target"]
    )
