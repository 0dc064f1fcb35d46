"""Accounting identities that must hold exactly in every run."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engines.fast import FastEngine
from tests.conftest import sampled


@pytest.fixture(scope="module")
def engine_output():
    return FastEngine(sampled("saptah_2024", agents=15_000)).run()


def test_mass_balance_per_officer(engine_output):
    """Enrolled (in the run, plus in progress at the start) = completed + dropped + in progress."""
    officers = engine_output.population.officers
    enrolled = officers.enrolments.astype(int) + officers.in_progress_at_start
    in_progress = officers.course >= 0
    assert np.array_equal(enrolled, officers.completions.astype(int) + officers.drops + in_progress)


def test_mass_balance_in_the_results(saptah_run):
    kpis, daily = saptah_run.kpis, saptah_run.daily
    initial = daily["n_in_progress"].iloc[0] - (
        daily["new_enrolments"].iloc[0]
        - daily["new_completions"].iloc[0]
        - daily["new_drops"].iloc[0]
    )
    assert kpis["enrolments"] + initial == pytest.approx(
        kpis["completions"] + kpis["drops"] + kpis["in_progress_end"]
    )
    assert daily["n_in_progress"].iloc[-1] == kpis["in_progress_end"]


def test_nothing_negative(saptah_run):
    for frame in (saptah_run.daily, saptah_run.load, saptah_run.orgs):
        numeric = frame.select_dtypes("number")
        assert (numeric >= 0).all().all()


def test_per_organisation_sums_equal_the_totals(saptah_run):
    orgs, kpis = saptah_run.orgs, saptah_run.kpis
    for column in (
        "participants",
        "enrolments",
        "completions",
        "campaign_participants",
        "campaign_participants_meeting_target",
    ):
        assert orgs[column].sum() == pytest.approx(kpis[column]), column
    assert orgs["learning_hours"].sum() == pytest.approx(kpis["learning_hours"], rel=1e-5)
    assert orgs["officers"].sum() == pytest.approx(kpis["officers"], rel=0.01)


def test_daily_and_minute_series_agree(saptah_run):
    daily, load, kpis = saptah_run.daily, saptah_run.load, saptah_run.kpis
    assert daily["new_sessions"].sum() == load["session_starts"].sum() == kpis["sessions"]
    assert daily["new_webinar_attendances"].sum() == load["webinar_joins"].sum()
    assert load["concurrent_learners"].max() == kpis["peak_concurrent_learners"]
    assert daily["cum_completions"].is_monotonic_increasing
    # Little's law on the sample path: the minutes of concurrency equal the summed session
    # lengths, short only by the part of the last sessions that runs past the horizon
    # (a session lasts at most 240 minutes).
    concurrency_minutes = load["session_learners"].sum()
    session_minutes = daily["new_session_minutes"].sum()
    late_starts = load["session_starts"].iloc[-240:].sum()
    assert concurrency_minutes <= session_minutes + 1e-6 * session_minutes
    assert session_minutes - concurrency_minutes <= 240 * late_starts + 1e-6 * session_minutes


def test_kpi_relations(saptah_run):
    k = saptah_run.kpis
    assert k["participants"] <= k["officers"]
    assert k["campaign_participants_meeting_target"] <= k["campaign_participants"]
    assert k["campaign_participants"] <= k["participants"]
    assert k["campaign_completions"] <= k["completions"]
    assert 0 < k["completion_per_enrolment"] < 1


def test_real_dates_on_every_series(saptah_run):
    daily, load = saptah_run.daily, saptah_run.load
    assert str(daily["date"].iloc[0].date()) == "2024-09-15"
    assert str(daily["date"].iloc[-1].date()) == "2024-10-31"
    assert str(load["time"].dt.tz) == "Asia/Kolkata"
    assert load["time"].iloc[10 * 60 + 30].strftime("%Y-%m-%d %H:%M") == "2024-09-15 10:30"
    in_campaign = daily.loc[daily["in_campaign"], "date"].dt.strftime("%m-%d")
    assert list(in_campaign) == [f"10-{d}" for d in range(19, 28)]


def test_the_organisation_table_is_the_bincount_statement_to_the_bit(engine_output):
    """The organisation table's counts (one compiled pass) against `np.bincount` over the
    officers, with the dtypes the table had when they were bincounts."""
    from sim.results.tables import summarise

    orgs = summarise(engine_output, "fast").orgs
    officers, scale = engine_output.population.officers, engine_output.scenario.scale
    org, n = officers.org_id, len(orgs)
    active = officers.first_active_day != -1
    expected = {
        "officers": np.bincount(org, minlength=n) * scale,
        "participants": np.bincount(org[active], minlength=n) * scale,
        "enrolments": (np.bincount(org, officers.enrolments.astype(float), n) * scale).astype(
            np.int64
        ),
        "completions": (np.bincount(org, officers.completions.astype(float), n) * scale).astype(
            np.int64
        ),
        "learning_hours": np.bincount(org, officers.learning_hours.astype(float), n) * scale,
    }
    for name, values in expected.items():
        np.testing.assert_array_equal(orgs[name].to_numpy(), values, err_msg=name)
        assert orgs[name].dtype == values.dtype, name
    assert orgs["participants"].sum() > 0 and orgs["learning_hours"].sum() > 0


@settings(max_examples=200, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    n=st.integers(0, 2_000),
    n_units=st.integers(1, 40),
    n_days=st.integers(1, 60),
)
def test_milestones_are_the_bincount_statements(seed, n, n_units, n_days):
    """The registered and completer series (one compiled pass) against the numpy
    statements they replaced: who registered and who completed, their days clipped into
    the run (completions before it on its first day), a bincount per (day, key) and a
    running sum, for the (sector, cadre) groups and for the units."""
    from sim.config import CADRES, SECTORS
    from sim.engines.recorder import N_GROUPS, group_index
    from sim.results.tables import Milestones
    from sim.world.population import NO_DAY, NOT_REGISTERED

    rng = np.random.default_rng(seed)
    onboarded = rng.integers(-30, n_days + 30, n).astype(np.int16)  # some before, after
    onboarded[rng.random(n) < 0.2] = NOT_REGISTERED
    prior = np.where(rng.random(n) < 0.3, rng.integers(1, 5, n), 0).astype(np.int16)
    first = rng.integers(-3, n_days + 3, n).astype(np.int16)
    first[rng.random(n) < 0.5] = NO_DAY
    sector = rng.integers(0, len(SECTORS), n).astype(np.int8)
    cadre = rng.integers(0, len(CADRES), n).astype(np.int8)
    ministry = rng.integers(0, n_units, n).astype(np.int16)

    def running(days, keys, n_keys):
        day = np.clip(days.astype(np.int64), 0, n_days - 1)
        flat = np.bincount(day * n_keys + keys.astype(np.int64), minlength=n_days * n_keys)
        return np.cumsum(flat.reshape(n_days, n_keys), axis=0)

    registered = np.flatnonzero(onboarded != NOT_REGISTERED)
    completed = np.flatnonzero((prior > 0) | (first != NO_DAY))
    completed_day = np.where(prior[completed] > 0, 0, first[completed])
    groups = group_index(sector, cadre)
    counted = Milestones.count(onboarded, prior, first, sector, cadre, ministry, n_units, n_days)
    expected = {
        "registered_by_group": running(onboarded[registered], groups[registered], N_GROUPS),
        "completers_by_group": running(completed_day, groups[completed], N_GROUPS),
        "registered_by_unit": running(onboarded[registered], ministry[registered], n_units),
        "completers_by_unit": running(completed_day, ministry[completed], n_units),
    }
    for name, table in expected.items():
        assert getattr(counted, name).dtype == table.dtype, name
        np.testing.assert_array_equal(getattr(counted, name), table, err_msg=name)


def test_milestones_refuse_a_unit_outside_the_table():
    from sim.results.tables import Milestones

    days, none = np.array([0, 1], np.int16), np.zeros(2, np.int16)
    codes = np.zeros(2, np.int8)
    with pytest.raises(ValueError, match="outside"):
        Milestones.count(days, none, none, codes, codes, np.array([0, 3], np.int16), 3, 2)
