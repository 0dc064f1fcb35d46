"""Stage 2 of the fit, and the ensemble it produces: behaviour by approximate Bayesian
computation over a design of simulations.

Each of `fit.runs` simulations takes its adoption parameters from stage 1's posterior
(`sim.forecasting.adoption`) and its behaviour parameters from a scrambled Sobol sequence
over their priors, and runs the whole scenario at 1 agent per `fit.scale` officers. A run's
weight is the Gaussian likelihood of the published completion and 2024-week figures up to
the cut-off, given the figure's error and the model's (`fit.model_error`): rejection ABC
with a Gaussian kernel (Beaumont 2010). The weighted runs are the ensemble: a forecast's
median and 10-90% band are weighted quantiles over them, so they carry parameter
uncertainty and run-to-run noise together.

Why this and not a sequential sampler: a fixed design runs in parallel in one pass, and
each cut-off of a backtest is one design (its adoption draws come from that cut-off's
stage 1; the later figures are left out of its weights). The price is a small effective
sample size, reported with each fit, and a kernel widened to reach it
(`behaviour_weights`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import qmc

from sim.config import Scenario
from sim.experiments.executors import process_pool
from sim.forecasting.adoption import adoption_posterior, is_adoption_figure, log_likelihood
from sim.forecasting.observations import observations
from sim.forecasting.priors import FitConfig, scenario_with
from sim.forecasting.simulated import simulated_figures
from sim.forecasting.week import WEEK_FIGURES, week_figures
from sim.results.tables import RunResult
from sim.simulate import simulate

Progress = Callable[[int, int], None]


@dataclass
class Ensemble:
    """The fitted design: one row per run in each table, and each run's weight."""

    cutoff: dt.date
    parameters: pd.DataFrame  # the parameter values of each run (dates as ordinals)
    figures: pd.DataFrame  # each run's value of every published figure (columns: figure keys)
    forecast: pd.DataFrame  # each run's figures of the forecast week (WEEK_FIGURES)
    series: pd.DataFrame  # weekly growth series of each run (run, date, SERIES columns)
    weights: np.ndarray
    adoption_ess: float

    @property
    def ess(self) -> float:
        """Effective sample size of the weights (Kish)."""
        return float(1.0 / (self.weights**2).sum())

    def quantiles(self, values: pd.DataFrame, q=(0.1, 0.5, 0.9)) -> pd.DataFrame:
        """Weighted quantiles of each column over the runs."""
        return pd.DataFrame(
            {c: weighted_quantiles(values[c].to_numpy(), self.weights, q) for c in values},
            index=[f"p{round(100 * x)}" for x in q],
        ).T


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, q) -> list[float]:
    """Quantiles of `values` under `weights` (NaN values are left out)."""
    keep = ~np.isnan(values) & (weights > 0)
    values, weights = values[keep], weights[keep]
    if values.size == 0 or weights.sum() == 0:
        return [np.nan] * len(q)
    order = np.argsort(values)
    values, weights = values[order], weights[order]
    cumulative = (np.cumsum(weights) - 0.5 * weights) / weights.sum()
    return [float(np.interp(x, cumulative, values)) for x in q]


def figure_key(date: dt.date, quantity: str) -> str:
    return f"{date.isoformat()} {quantity}"


def design(
    fit: FitConfig, scenario: Scenario, observed: pd.DataFrame
) -> tuple[pd.DataFrame, float]:
    """The runs' parameter values: adoption from its posterior given `observed`, behaviour
    from a scrambled Sobol sequence over the priors (both from `fit.seed`)."""
    rng = np.random.default_rng(fit.seed)
    adoption, ess = adoption_posterior(scenario, fit, observed, rng)
    pick = rng.choice(len(next(iter(adoption.values()))), size=fit.runs, replace=False)
    values = {name: draws[pick] for name, draws in adoption.items()}
    behaviour = fit.stage("behaviour")
    if behaviour:
        sobol = qmc.Sobol(len(behaviour), scramble=True, seed=rng).random(fit.runs)
        for k, prior in enumerate(behaviour):
            values[prior.name] = prior.from_unit(sobol[:, k])
    return pd.DataFrame(values), ess


SERIES = ("registered_users", "central_users", "state_users", "completions_cumulative")
RunOutput = tuple[np.ndarray, dict[str, float], pd.DataFrame]


def growth_series(result: RunResult) -> pd.DataFrame:
    """Weekly (Sundays) registered users by sector and cumulative completions of a run."""
    by_day = result.groups.pivot_table(
        index="date", columns="sector", values="registered", aggfunc="sum"
    )
    frame = pd.DataFrame(
        {
            "registered_users": by_day.sum(axis=1),
            "central_users": by_day.get("central", 0.0),
            "state_users": by_day.get("state", 0.0) + by_day.get("local", 0.0),
            "completions_cumulative": result.daily.set_index("date")["cum_platform_completions"],
        }
    )
    return frame[frame.index.day_of_week == 6].rename_axis("date").reset_index()


def _run_one(job: tuple[Scenario, pd.DataFrame]) -> RunOutput:
    scenario, wanted = job
    result = simulate(scenario)
    return simulated_figures(result, wanted), week_figures(result), growth_series(result)


def run_design(
    fit: FitConfig,
    scenario: Scenario,
    parameters: pd.DataFrame,
    workers: int = 1,
    progress: Progress | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Simulate every run of the design: its published figures, its forecast week and its
    growth series."""
    wanted = observations()[["date", "quantity"]].drop_duplicates().reset_index(drop=True)
    jobs = [
        (scenario_with(scenario, fit, row._asdict()), wanted)
        for row in parameters.itertuples(index=False)
    ]
    outputs: list[RunOutput] = []
    if workers <= 1:
        for job in jobs:
            outputs.append(_run_one(job))
            if progress:
                progress(len(outputs), len(jobs))
    else:
        with process_pool(workers) as pool:
            for output in pool.map(_run_one, jobs):
                outputs.append(output)
                if progress:
                    progress(len(outputs), len(jobs))
    keys = [figure_key(d, q) for d, q in zip(wanted["date"], wanted["quantity"], strict=True)]
    figures = pd.DataFrame([o[0] for o in outputs], columns=keys)
    forecast = pd.DataFrame([o[1] for o in outputs], columns=list(WEEK_FIGURES))
    series = pd.concat([o[2].assign(run=i) for i, o in enumerate(outputs)], ignore_index=True)
    return figures, forecast, series


def behaviour_weights(
    figures: pd.DataFrame, observed: pd.DataFrame, model_error: float, min_effective: float
) -> np.ndarray:
    """ABC weights of the runs from the figures in `observed` that the adoption stage did
    not use (completions and the 2024 week).

    The kernel is Gaussian in the log figures, with each figure's error and the model's.
    With few runs in many dimensions one run can take all the weight; the kernel is then
    widened (every error times the same factor h >= 1, the smallest that gives at least
    `min_effective` effective runs): the ABC tolerance chosen adaptively, as a quantile of
    the distances is in rejection ABC. Wider bands are the price of few simulations."""
    rows = observed[~observed["quantity"].map(is_adoption_figure)].reset_index(drop=True)
    if rows.empty:
        return np.full(len(figures), 1.0 / len(figures))
    keys = [figure_key(d, q) for d, q in zip(rows["date"], rows["quantity"], strict=True)]
    predicted = np.nan_to_num(figures[keys].to_numpy(), nan=1.0)
    loglik = log_likelihood(predicted, rows, model_error)  # at h = 1

    def weights_at(h: float) -> np.ndarray:
        scaled = loglik / h**2
        w = np.exp(scaled - scaled.max())
        return w / w.sum()

    def effective(w: np.ndarray) -> float:
        return float(1.0 / (w**2).sum())

    target = min(min_effective, len(figures))
    if effective(weights_at(1.0)) >= target:
        return weights_at(1.0)
    low, high = 1.0, 2.0
    while effective(weights_at(high)) < target and high < 1e6:
        low, high = high, high * 2
    for _ in range(40):  # bisection on h
        middle = (low * high) ** 0.5
        low, high = (middle, high) if effective(weights_at(middle)) < target else (low, middle)
    return weights_at(high)


def fit_ensemble(
    fit: FitConfig,
    scenario: Scenario,
    cutoff: dt.date,
    workers: int = 1,
    progress: Progress | None = None,
) -> Ensemble:
    """Fit to the published figures dated up to `cutoff`; the runs go on past it (that is
    the forecast)."""
    observed = observations()
    observed = observed[observed["date"] <= cutoff].reset_index(drop=True)
    parameters, adoption_ess = design(fit, scenario, observed)
    figures, forecast, series = run_design(fit, scenario, parameters, workers, progress)
    weights = behaviour_weights(figures, observed, fit.model_error, fit.min_effective_runs)
    return Ensemble(cutoff, parameters, figures, forecast, series, weights, adoption_ess)
