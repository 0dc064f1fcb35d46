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
    n_keys=st.integers(1, 40),
    n_days=st.integers(1, 60),
    dtype=st.sampled_from([np.int16, np.int64]),
)
def test_running_counts_are_the_bincount_statement(seed, n, n_keys, n_days, dtype):
    """The registered and completed series (one compiled pass) against the numpy statement
    they replaced: days clipped into the run, a bincount per (day, key), a running sum."""
    from sim.results.tables import running_counts

    rng = np.random.default_rng(seed)
    days = rng.integers(-30, n_days + 30, n).astype(dtype)  # some before and after the run
    keys = rng.integers(0, n_keys, n).astype(np.int16)
    day = np.clip(days.astype(np.int64), 0, n_days - 1)
    flat = np.bincount(day * n_keys + keys.astype(np.int64), minlength=n_days * n_keys)
    expected = np.cumsum(flat.reshape(n_days, n_keys), axis=0)
    counted = running_counts(days, keys, n_keys, n_days)
    assert counted.dtype == expected.dtype and counted.shape == expected.shape
    np.testing.assert_array_equal(counted, expected)


def test_running_counts_refuse_a_key_outside_the_table():
    from sim.results.tables import running_counts

    with pytest.raises(ValueError, match="outside"):
        running_counts(np.array([0, 1]), np.array([0, 3]), 3, 2)
