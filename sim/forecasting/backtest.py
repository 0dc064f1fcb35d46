"""Backtests: fit on the figures up to a cut-off, forecast the later ones, and say how far
off each forecast was and whether the published value fell inside the 10-90% band."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from sim.config import expand_path, load_scenario
from sim.forecasting.fit import Ensemble, figure_key, weighted_quantiles
from sim.forecasting.observations import QUANTITIES, observations
from sim.forecasting.priors import FitConfig
from sim.forecasting.week import WEEK_FIGURES

DEFAULT_CUTOFFS = (dt.date(2024, 10, 31), dt.date(2025, 7, 31), dt.date(2026, 2, 28))


def backtest_table(ensemble: Ensemble) -> pd.DataFrame:
    """Every published figure with the ensemble's median and 10-90% band: fitted (dated up
    to the cut-off) or forecast (after it), the error of the median and whether the
    published value is inside the band."""
    rows = []
    for obs in observations().itertuples():
        key = figure_key(obs.date, obs.quantity)
        if key not in ensemble.figures:
            continue
        p10, p50, p90 = weighted_quantiles(
            ensemble.figures[key].to_numpy(), ensemble.weights, (0.1, 0.5, 0.9)
        )
        rows.append(
            {
                "date": obs.date,
                "quantity": obs.quantity,
                "role": "fitted" if obs.date <= ensemble.cutoff else "forecast",
                "published": obs.value,
                "median": p50,
                "p10": p10,
                "p90": p90,
                "error_pct": 100.0 * (p50 / obs.value - 1.0),
                "in_band": bool(p10 <= obs.value <= p90),
                "source": obs.source,
            }
        )
    return pd.DataFrame(rows)


def posterior_table(ensemble: Ensemble, fit: FitConfig) -> pd.DataFrame:
    """Each parameter's prior range and its posterior median and 10-90% range."""
    rows = []
    for prior in fit.parameters:
        values = ensemble.parameters[prior.name].to_numpy()
        p10, p50, p90 = weighted_quantiles(values, ensemble.weights, (0.1, 0.5, 0.9))
        show = prior.setting if prior.prior == "date" else (lambda v: round(float(v), 4))
        rows.append(
            {
                "parameter": prior.name,
                "stage": prior.stage,
                "prior": f"{prior.prior} {prior.low} .. {prior.high}",
                "median": show(p50),
                "p10": show(p10),
                "p90": show(p90),
            }
        )
    return pd.DataFrame(rows)


def forecast_table(ensemble: Ensemble) -> pd.DataFrame:
    """The forecast week's figures: median and 10-90% band over the weighted runs."""
    quantiles = ensemble.quantiles(ensemble.forecast)
    quantiles.insert(0, "figure", [WEEK_FIGURES[name] for name in quantiles.index])
    return quantiles.rename_axis("name").reset_index()


def fitted_variant(ensemble: Ensemble, fit: FitConfig, scenario: Path, folder: Path) -> str:
    """The best-fitting run's parameters as a `base:` variant of the scenario (YAML), so
    that `karmasim run` can simulate it at any scale."""
    best = int(np.argmax(ensemble.weights))
    values = ensemble.parameters.iloc[best]
    settings = load_scenario(scenario).canonical()
    changes: dict = {}
    for prior in fit.parameters:
        for path in (p for pattern in prior.paths for p in expand_path(settings, pattern)):
            node = changes
            *parents, last = path.split(".")
            for key in parents:
                node = node.setdefault(int(key) if key.isdigit() else key, {})
            node[last] = prior.setting(float(values[prior.name]))
    header = (
        f"# The best-fitting run (weight {ensemble.weights[best]:.3f}) of the fit on the\n"
        f"# published figures up to {ensemble.cutoff} (karmasim backtest): its parameters\n"
        "# as a variant of the scenario. The ensemble's bands are in backtest.csv and\n"
        "# forecast.csv next to this file.\n"
    )
    body = {"base": os.path.relpath(scenario, folder), "name": f"fitted_{ensemble.cutoff:%Y_%m_%d}"}
    return header + yaml.safe_dump(body | changes, sort_keys=False)


def save(ensemble: Ensemble, fit: FitConfig, folder: Path, scenario: Path | None = None) -> None:
    """The ensemble's tables (Parquet), a summary (JSON) and, given the scenario's path,
    the best run as a scenario variant (fitted.yaml) in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    if scenario is not None:
        text = fitted_variant(ensemble, fit, scenario, folder)
        (folder / "fitted.yaml").write_text(text, "utf-8")
    ensemble.parameters.assign(weight=ensemble.weights).to_parquet(folder / "parameters.parquet")
    ensemble.figures.to_parquet(folder / "figures.parquet")
    ensemble.forecast.to_parquet(folder / "forecast.parquet")
    ensemble.series.to_parquet(folder / "series.parquet")
    backtest_table(ensemble).to_csv(folder / "backtest.csv", index=False)
    posterior_table(ensemble, fit).to_csv(folder / "posterior.csv", index=False)
    forecast_table(ensemble).to_csv(folder / "forecast.csv", index=False)
    summary = {
        "cutoff": ensemble.cutoff.isoformat(),
        "runs": len(ensemble.weights),
        "effective_runs": round(ensemble.ess, 1),
        "adoption_effective_draws": round(ensemble.adoption_ess, 1),
        "scale": fit.scale,
        "seed": fit.seed,
        "priors": [prior.model_dump(mode="json") for prior in fit.parameters],
    }
    (folder / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", "utf-8")


def load(folder: Path) -> Ensemble:
    """An ensemble saved by `save`."""
    parameters = pd.read_parquet(folder / "parameters.parquet")
    summary = json.loads((folder / "summary.json").read_text("utf-8"))
    weights = parameters.pop("weight").to_numpy()
    return Ensemble(
        cutoff=dt.date.fromisoformat(summary["cutoff"]),
        parameters=parameters,
        figures=pd.read_parquet(folder / "figures.parquet"),
        forecast=pd.read_parquet(folder / "forecast.parquet"),
        series=pd.read_parquet(folder / "series.parquet"),
        weights=weights,
        adoption_ess=float(summary["adoption_effective_draws"]),
    )


def plot_backtests(ensembles: list[Ensemble], path: Path | None = None) -> Any:
    """One row per cut-off: registered users and cumulative completions, the weighted
    median and 10-90% band, the published figures (filled: fitted, open: forecast).
    Saved to `path`, or returned as a matplotlib figure when there is none."""
    import matplotlib

    if path is not None:
        matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    published = observations()
    panels = ("registered_users", "completions_cumulative")
    fig, axes = plt.subplots(
        len(ensembles), len(panels), figsize=(12, 3.6 * len(ensembles)), squeeze=False
    )
    for row, ensemble in zip(axes, ensembles, strict=True):
        weight_of = dict(enumerate(ensemble.weights))
        series = ensemble.series.assign(weight=ensemble.series["run"].map(weight_of))
        for axis, quantity in zip(row, panels, strict=True):
            bands = series.groupby("date").apply(
                lambda g, q=quantity: pd.Series(
                    weighted_quantiles(g[q].to_numpy(), g["weight"].to_numpy(), (0.1, 0.5, 0.9)),
                    index=["p10", "p50", "p90"],
                ),
                include_groups=False,
            )
            dates = pd.to_datetime(bands.index)
            axis.fill_between(dates, bands["p10"] / 1e6, bands["p90"] / 1e6, color="#9ecae1",
                              label="10-90% band")  # fmt: skip
            axis.plot(dates, bands["p50"] / 1e6, color="#1f4e79", label="median")
            points = published[published["quantity"] == quantity]
            fitted = points["date"] <= ensemble.cutoff
            for mask, face, label in ((fitted, "black", "published, fitted"),
                                      (~fitted, "white", "published, forecast")):  # fmt: skip
                axis.scatter(pd.to_datetime(points.loc[mask, "date"]),
                             points.loc[mask, "value"] / 1e6, facecolors=face,
                             edgecolors="black", zorder=3, label=label)  # fmt: skip
            axis.axvline(pd.Timestamp(ensemble.cutoff), color="#c0392b", linestyle="--",
                         label=f"cut-off {ensemble.cutoff:%d %b %Y}")  # fmt: skip
            axis.set_ylabel("million")
            locator = mdates.AutoDateLocator()
            axis.xaxis.set_major_locator(locator)
            axis.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
            axis.set_title(f"{QUANTITIES[quantity]} (cut-off {ensemble.cutoff:%d %b %Y})",
                           fontsize=10, loc="left")  # fmt: skip
            axis.grid(alpha=0.3)
    axes[0][0].legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    if path is None:
        return fig
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return None


def in_band_counts(table: pd.DataFrame) -> tuple[int, int]:
    """(forecast figures inside their band, forecast figures)."""
    forecast = table[table["role"] == "forecast"]
    return int(forecast["in_band"].sum()), len(forecast)
