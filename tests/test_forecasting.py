"""The fit to the published record: the adoption stage's closed form against simulation
and against parameter recovery, the ABC weights and quantiles against what they mean, and
`karmasim backtest` end to end at a tiny scale."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm
from typer.testing import CliRunner

from sim.cli import app
from sim.config import SECTORS, validate_scenario
from sim.config.vocabulary import reference_units
from sim.engines.run_state import build_run
from sim.forecasting.adoption import (
    adoption_posterior,
    expected_registered,
    expected_states_signed,
    expected_unit_registered,
    sector_settings,
    user_figures,
)
from sim.forecasting.backtest import backtest_table
from sim.forecasting.fit import Ensemble, behaviour_weights, figure_key, weighted_quantiles
from sim.forecasting.observations import observations, split_quantity
from sim.forecasting.priors import load_fit
from tests.conftest import CONFIGS
from tests.test_whole_workforce import logistic, universe


def test_the_closed_form_matches_the_simulated_registrations():
    """With units opening together, registered users by day in a sampled population are
    binomial around the closed form the adoption stage fits."""
    scenario = validate_scenario(universe(scale=500))  # no unit spread
    officers = build_run(scenario).officers
    dates = [dt.date(2025, 3, 1) + dt.timedelta(days=d) for d in (0, 30, 60)]
    fit, _ = load_fit(CONFIGS / "fits" / "history.yaml")
    settings = sector_settings(scenario, fit, {}, 1)
    expected = expected_registered(scenario, settings, dates)
    for code, sector in enumerate(SECTORS):
        in_sector = officers.sector == code
        for j, date in enumerate(dates):
            day = (date - scenario.calendar.start).days
            simulated = int((officers.onboarded_day[in_sector] <= day).sum()) * scenario.scale
            mean = expected[sector][0, j]
            n = in_sector.sum()
            sd = np.sqrt(n * (mean / scenario.scale / n) * (1 - mean / scenario.scale / n))
            assert abs(simulated - mean) <= 4 * sd * scenario.scale + scenario.scale, (sector, j)


def test_a_state_with_its_own_midpoint_registers_on_it():
    """A named unit skips the random offset: its registered users are binomial around
    its own logistic, which the adoption stage's unit figure computes."""
    own = dt.date(2025, 3, 20)
    changes = {"population.adoption.state.unit_spread_days": 80,
               "population.adoption.state.unit_midpoints": {"Uttar Pradesh": str(own)},
               "population.adoption.local.unit_midpoints": {"Uttar Pradesh": str(own)}}  # fmt: skip
    scenario = validate_scenario(universe(scale=500, **changes))
    run = build_run(scenario)
    officers = run.officers
    up = officers.ministry_id == run.population.organisations.ministry_ids()["Uttar Pradesh"]
    fit, _ = load_fit(CONFIGS / "fits" / "history.yaml")
    settings = sector_settings(scenario, fit, {}, 1)
    dates = [own + dt.timedelta(days=d) for d in (-40, 0, 40)]
    expected = expected_unit_registered(scenario, settings, "Uttar Pradesh", dates)[0]
    for j, date in enumerate(dates):
        day = (date - scenario.calendar.start).days
        simulated = int((officers.onboarded_day[up] <= day).sum())
        n, p = int(up.sum()), expected[j] / scenario.scale / up.sum()
        assert abs(simulated - n * p) <= 4 * np.sqrt(n * p * (1 - p)) + 1, (date, simulated, n * p)
    states = reference_units()["states"]
    share = states["Uttar Pradesh"] / sum(states.values())  # UP's share of state staff
    by_hand = (
        scenario.population.officers
        * share
        * (0.6875 * 0.5 * logistic(1 / 30) + 0.15625 * 0.1 * logistic(1 / 60))
    )  # state and local staff at their saturation, one day past the midpoint
    assert expected[1] == pytest.approx(by_hand)


def test_the_count_of_states_with_an_mou_is_worked_out_by_hand():
    """Each state signs ln(19) widths before its midpoint: with no spread, the 35 unnamed
    states all sign on one day; a named state signs on its own; with a spread, half the
    unnamed ones have signed on the sector's signing day."""
    midpoint, width = dt.date(2025, 6, 1), 10.0
    named = dt.date(2025, 1, 1)
    settings = {"state": {"midpoint": np.array([float(midpoint.toordinal())]),
                          "width_days": np.array([width]), "saturation": np.array([0.5]),
                          "unit_spread_days": np.array([0.0]),
                          "unit:Uttar Pradesh": np.array([float(named.toordinal())])}}  # fmt: skip
    signing = midpoint.toordinal() - np.log(19.0) * width  # 29.44 days before the midpoint
    day_before = dt.date.fromordinal(int(np.floor(signing)) - 2)
    day_of = dt.date.fromordinal(int(np.ceil(signing)))
    before_named = named - dt.timedelta(days=40)
    counts = expected_states_signed(settings, [before_named, day_before, day_of])[0]
    assert counts.tolist() == [0.0, 1.0, 36.0]
    settings["state"]["unit_spread_days"] = np.array([30.0])
    exactly = dt.date.fromordinal(int(signing) - 1)  # its day end is `signing` rounded down
    half = expected_states_signed(settings, [exactly])[0, 0] - 1.0
    shortfall = signing - (exactly.toordinal() + 1)  # days short of the signing day
    assert half == pytest.approx(35 * norm.cdf(-shortfall / 30.0))


def test_state_figures_name_their_state_and_are_in_the_record():
    table = observations()
    assert split_quantity("registered_users@Uttar Pradesh") == ("registered_users", "Uttar Pradesh")
    assert split_quantity("states_with_mou") == ("states_with_mou", None)
    up = table[table["quantity"].str.endswith("@Uttar Pradesh")]
    assert sorted(up["value"]) == [1_000_000, 1_880_000, 7_200_000]
    assert set(table.loc[table["quantity"] == "states_with_mou", "value"]) == {24, 28}
    assert len(table[table["quantity"] == "registered_users@Maharashtra"]) == 2


def test_the_adoption_stage_recovers_known_parameters():
    """User figures made by the closed form from known parameters put the posterior
    around those parameters (and narrower than the prior)."""
    fit, scenario = load_fit(CONFIGS / "fits" / "history.yaml")
    truth = {"central_midpoint": float(dt.date(2023, 12, 1).toordinal()),
             "central_width_days": 110.0, "central_saturation": 0.8,
             "state_midpoint": float(dt.date(2025, 5, 1).toordinal()),
             "state_width_days": 80.0, "state_saturation": 0.5, "local_saturation": 0.1,
             "state_unit_spread_days": 60.0}  # fmt: skip
    dates = [dt.date(2023, 1, 1) + dt.timedelta(days=60 * k) for k in range(19)]
    wanted = pd.DataFrame(
        [(d, q) for d in dates for q in ("central_users", "state_users")],
        columns=["date", "quantity"],
    )
    true_values = user_figures(
        scenario, sector_settings(scenario, fit, {k: np.array([v]) for k, v in truth.items()}, 1),
        wanted,
    )[0]  # fmt: skip
    observed = wanted.assign(value=true_values, sigma=0.05, source="synthetic")
    posterior, ess = adoption_posterior(scenario, fit, observed, np.random.default_rng(3))
    assert ess > 5
    for name in ("central_midpoint", "central_saturation", "state_midpoint", "state_saturation"):
        prior = next(p for p in fit.parameters if p.name == name)
        low, high = prior.from_unit(np.array([0.0, 1.0]))
        p10, p90 = np.percentile(posterior[name], [10, 90])
        assert p10 <= truth[name] <= p90, name
        assert (p90 - p10) < 0.5 * (high - low), name


def test_weighted_quantiles_are_the_ordinary_ones_with_equal_weights_and_follow_weights():
    rng = np.random.default_rng(0)
    values = rng.normal(size=2001)
    q = weighted_quantiles(values, np.ones(values.size), (0.1, 0.5, 0.9))
    assert np.allclose(q, np.quantile(values, [0.1, 0.5, 0.9]), atol=0.01)
    # all the weight on one run: every quantile is that run's value
    weights = np.zeros(values.size)
    weights[17] = 1.0
    assert weighted_quantiles(values, weights, (0.1, 0.9)) == pytest.approx([values[17]] * 2)


def _synthetic_ensemble(cutoff: dt.date, scale_of_run: list[float]) -> Ensemble:
    """Runs whose every figure is the published value times a factor."""
    published = observations()
    keys = [figure_key(d, q) for d, q in zip(published["date"], published["quantity"], strict=True)]
    figures = (
        pd.DataFrame([published["value"].to_numpy() * f for f in scale_of_run], columns=keys)
        .T.groupby(level=0)
        .first()
        .T
    )  # duplicate keys (two sources): keep one column
    n = len(scale_of_run)
    return Ensemble(cutoff, pd.DataFrame({"x": range(n)}), figures, pd.DataFrame(),
                    pd.DataFrame(), np.full(n, 1.0 / n), float(n))  # fmt: skip


def test_abc_weights_favour_the_run_that_reproduces_the_record():
    ensemble = _synthetic_ensemble(dt.date(2026, 2, 28), [0.5, 0.9, 1.0, 1.1, 2.0])
    weights = behaviour_weights(ensemble.figures, observations(), 0.1, min_effective=1)
    assert np.argmax(weights) == 2
    assert weights[1] > weights[0] and weights[3] > weights[4]
    assert weights.sum() == pytest.approx(1.0)


def test_the_abc_kernel_widens_until_enough_runs_count():
    factors = [round(f, 2) for f in np.linspace(0.6, 1.4, 41)]
    ensemble = _synthetic_ensemble(dt.date(2026, 2, 28), factors)
    tight = behaviour_weights(ensemble.figures, observations(), 0.1, min_effective=1)
    wide = behaviour_weights(ensemble.figures, observations(), 0.1, min_effective=10)
    ess = [1 / (w**2).sum() for w in (tight, wide)]
    assert ess[0] < 10 <= ess[1] < 10.5  # the smallest widening that reaches the target
    assert np.argmax(wide) == factors.index(1.0)  # still centred on the best run


def test_the_backtest_table_marks_fitted_and_forecast_figures_and_the_band():
    cutoff = dt.date(2024, 10, 31)
    ensemble = _synthetic_ensemble(cutoff, [0.8, 0.9, 1.05, 1.2])
    table = backtest_table(ensemble)
    assert set(table.loc[table["date"] <= cutoff, "role"]) == {"fitted"}
    assert set(table.loc[table["date"] > cutoff, "role"]) == {"forecast"}
    # every published value lies between 0.8x and 1.2x: inside each band
    assert table["in_band"].all()
    narrow = _synthetic_ensemble(cutoff, [1.3, 1.4, 1.5])
    assert not backtest_table(narrow)["in_band"].any()


def test_karmasim_backtest_runs_end_to_end_at_a_tiny_scale(tmp_path):
    result = CliRunner().invoke(
        app,
        ["backtest", "--runs", "4", "--scale", "400000", "--cutoff", "2025-07-31",
         "--workers", "1", "--out", str(tmp_path), "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    figures = report["cutoffs"][0]["figures"]
    assert {f["role"] for f in figures} == {"fitted", "forecast"}
    assert (tmp_path / "backtest" / "backtests.png").stat().st_size > 10_000
    assert (tmp_path / "backtest" / "2025-07-31" / "parameters.parquet").exists()
    assert len(report["forecast"]) == 10


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--cutoff", "2030-01-01"], "outside the scenario's calendar"),
        (["--cutoff", "31-12-2025"], "Invalid value"),
        (["--runs", "2"], "Invalid value"),
    ],
)
def test_bad_backtest_arguments_exit_2_with_one_message(tmp_path, arguments, message):
    result = CliRunner().invoke(app, ["backtest", *arguments, "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "backtest").exists()
