"""Drawing from a fitted posterior: resampling in proportion to the weights, every fitted
path set, draws paired across scenarios, and the bands that `compare`, sweeps and the
dashboard show with parameter uncertainty."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import CONFIGS, ROOT
from typer.testing import CliRunner

from sim.cli import app
from sim.config import (
    ConfigError,
    expand_path,
    get_path,
    load_scenario,
    validate_scenario,
    with_paths,
)
from sim.experiments.sweep import load_sweep
from sim.forecasting.posterior import Posterior, load_posterior, posterior_draws
from sim.forecasting.priors import Prior
from sim.results.run_identity import replication_key, run_id_for
from sim.results.store import ResultsStore

FIT = ROOT / "sim" / "data" / "history_fit" / "2026-02-28"
NATIONAL = CONFIGS / "sadhana_2026_national.yaml"


def test_a_star_sets_every_item_of_a_list():
    data = {"campaigns": [{"a": 1}, {"a": 2}, {"a": 3}], "x": {"y": 0}}
    assert with_paths(data, {"campaigns.*.a": 9})["campaigns"] == [{"a": 9}] * 3
    assert expand_path({"campaigns": []}, "campaigns.*.a") == []
    with pytest.raises(ConfigError, match="is not a list"):
        with_paths(data, {"x.*.y": 1})
    with pytest.raises(ConfigError, match="stand alone"):
        with_paths(data, {"campaigns.*a": 1})


def _toy_posterior(weights: list[float]) -> Posterior:
    prior = Prior(name="p", stage="behaviour", prior="uniform", low=0.0, high=10.0,
                  paths=["behaviour.drop_hazard_per_hour"])  # fmt: skip
    parameters = pd.DataFrame({"p": np.arange(len(weights), dtype=float)})
    return Posterior("toy", [prior], parameters, np.array(weights))


@pytest.mark.parametrize("n", [7, 20, 100])
def test_draws_pick_each_run_in_proportion_to_its_weight(n):
    """Systematic resampling: a run of weight w is picked floor(n w) or ceil(n w) times,
    and a run of weight 0 never."""
    weights = [0.5, 0.0, 0.3, 0.15, 0.05]
    counts = _toy_posterior(weights).draws(n, seed=3)["p"].value_counts()
    for run, w in enumerate(weights):
        picked = int(counts.get(float(run), 0))
        assert np.floor(n * w) <= picked <= np.ceil(n * w), (run, picked)
    assert counts.sum() == n


def test_the_committed_fit_loads_with_its_priors():
    posterior = load_posterior(FIT)
    assert posterior.label == "fit to 2026-02-28"
    assert {p.name for p in posterior.priors} >= {"engagement_probability", "state_midpoint"}
    assert posterior.weights.sum() == pytest.approx(1.0)


def test_each_draw_sets_every_fitted_path_and_draws_are_paired_across_scenarios():
    posterior = load_posterior(FIT)
    national = load_scenario(NATIONAL).with_overrides(scale=100_000)
    longer = validate_scenario(with_paths(national.canonical(), {"campaigns.1.target_hours": 6}))
    draws, other = posterior_draws(national, posterior, 5), posterior_draws(longer, posterior, 5)
    picked = posterior.draws(5, national.seed)
    for draw, values in zip(draws, picked.itertuples(index=False), strict=True):
        settings = draw.canonical()
        for prior in posterior.priors:
            expected = prior.setting(float(getattr(values, prior.name)))
            for pattern in prior.paths:
                for path in expand_path(settings, pattern):
                    assert get_path(settings, path) == expected, path
    assert [d.seed for d in draws] == [d.seed for d in other]  # the same seeds, draw by draw
    assert len({d.seed for d in draws}) == 5
    keys = {replication_key(d, "fast") for d in draws}
    assert len(keys) == 1  # one band per scenario ...
    assert keys.isdisjoint({replication_key(d, "fast") for d in other})  # ... not shared


def test_a_scenario_without_the_fitted_mechanisms_is_refused_by_name():
    with pytest.raises(ConfigError, match="population.adoption.*must be built on it"):
        posterior_draws(load_scenario(CONFIGS / "saptah_2024.yaml"), load_posterior(FIT), 2)


def test_a_folder_that_is_not_a_fit_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="is not a fitted ensemble"):
        load_posterior(tmp_path)


def test_compare_with_a_posterior_gives_paired_bands_and_groups_the_draws(tmp_path):
    """The same scenario twice: its draws are paired, so every difference is exactly 0;
    the draws are stored as one band (one replication key, as replications have)."""
    out = tmp_path / "results"
    result = CliRunner().invoke(
        app,
        ["compare", str(NATIONAL), str(NATIONAL), "--scale", "100000", "--posterior", str(FIT),
         "--draws", "3", "--out", str(out), "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    base, again = report["runs"]
    assert base["run_ids"] == again["run_ids"] and len(set(base["run_ids"])) == 3
    completions = again["bands"]["campaign_completions"]
    assert completions["n"] == 3 and completions["p10"] < completions["p90"]
    assert all(
        b["median"] == 0 and b["p10"] == 0 == b["p90"] for b in again["delta_bands"].values()
    )

    store = ResultsStore(out)
    keys = {store.meta(r)["replication_key"] for r in base["run_ids"]}
    assert len(keys) == 1 and keys != {replication_key(load_scenario(NATIONAL), "fast")}


def test_a_sweep_over_the_posterior_runs_every_point_at_the_same_draws(tmp_path):
    path = tmp_path / "sweep.yaml"
    path.write_text(
        f"name: drawn\nscenarios: [{NATIONAL}]\nscale: 100000\n"
        f"posterior: {{fit: {FIT}, draws: 4, seed: 5}}\n"
        "grid: {campaigns.1.target_hours: [4, 6]}\n"
    )
    _, tasks = load_sweep(path)
    assert len(tasks) == 8
    by_point = {}
    for task in tasks:
        by_point.setdefault(task.point, []).append(task.scenario)
    four, six = by_point.values()
    assert [s.seed for s in four] == [s.seed for s in six]
    assert [s.campaigns[1].engagement.probability for s in four] == [
        s.campaigns[1].engagement.probability for s in six
    ]
    assert len({replication_key(s, "fast") for s in four + six}) == 2
    assert len({run_id_for(s, "fast") for s in four + six}) == 8


def test_a_sweep_with_both_seeds_and_a_posterior_is_refused(tmp_path):
    path = tmp_path / "sweep.yaml"
    path.write_text(
        f"name: both\nscenarios: [{NATIONAL}]\nseeds: {{count: 2}}\nposterior: {{fit: {FIT}}}\n"
    )
    with pytest.raises(ConfigError, match="seeds or posterior, not both"):
        load_sweep(path)


def test_scenarios_with_their_own_seeds_are_paired_on_a_common_seed():
    posterior = load_posterior(FIT)
    one = load_scenario(NATIONAL).with_overrides(scale=100_000, seed=1)
    two = one.with_overrides(seed=2)
    apart = posterior_draws(one, posterior, 3), posterior_draws(two, posterior, 3)
    assert [d.seed for d in apart[0]] != [d.seed for d in apart[1]]
    paired = posterior_draws(one, posterior, 3, seed=7), posterior_draws(two, posterior, 3, seed=7)
    assert [d.seed for d in paired[0]] == [d.seed for d in paired[1]]


def test_a_fit_folder_with_broken_files_is_one_message(tmp_path):
    for name in ("summary.json", "parameters.parquet"):
        (tmp_path / name).write_text("{not json")
    with pytest.raises(ConfigError, match="not a usable fitted ensemble"):
        load_posterior(tmp_path)
