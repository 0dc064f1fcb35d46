"""A fitted ensemble as a posterior to draw from, so that any scenario built on the fitted
model (`configs/sadhana_2026.yaml` and its variants) can be run with parameter
uncertainty: `karmasim compare --posterior`, a sweep's `posterior:`.

A draw is one parameter set, picked from the ensemble's runs in proportion to their ABC
weights (systematic resampling), paired with its own seed. The spread of a scenario's
draws is then a band that carries parameter uncertainty and run-to-run noise together,
as the fit's own forecast bands do. Two scenarios given the same seed get the same
parameter sets and the same seeds, draw by draw, so their difference is paired (common
random numbers and common parameters).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import TypeAdapter, ValidationError

from sim.config import ConfigError, Scenario, validate_scenario, with_paths
from sim.forecasting.priors import Prior


@dataclass(frozen=True)
class Posterior:
    """The runs of a fitted ensemble: each run's parameter values and weight."""

    label: str  # names the fit in run labels, e.g. "fit to 2026-02-28"
    priors: list[Prior]  # the fitted parameters and the scenario paths each one sets
    parameters: pd.DataFrame  # one row per run, one column per prior (dates as ordinals)
    weights: np.ndarray

    @property
    def digest(self) -> str:
        """Identifies the ensemble's content (two fits to the same cut-off differ)."""
        content = self.parameters.to_numpy(dtype=float).tobytes() + self.weights.tobytes()
        return hashlib.sha256(content).hexdigest()[:8]

    def draws(self, n: int, seed: int) -> pd.DataFrame:
        """`n` parameter sets, picked in proportion to the weights by systematic
        resampling (each run is picked floor or ceil of n x weight times)."""
        if n < 1:
            raise ConfigError(f"draws must be at least 1 (got {n})")
        rng = np.random.default_rng(np.random.SeedSequence([seed, 1]))
        positions = (rng.random() + np.arange(n)) / n
        cumulative = np.cumsum(self.weights / self.weights.sum())
        picked = np.minimum(np.searchsorted(cumulative, positions), len(cumulative) - 1)
        return self.parameters.iloc[picked].reset_index(drop=True)


def load_posterior(folder: str | Path) -> Posterior:
    """The posterior saved by `karmasim backtest --out FOLDER` (or a committed fit under
    `sim/data/history_fit/`)."""
    folder = Path(folder)
    summary_path, parameters_path = folder / "summary.json", folder / "parameters.parquet"
    if not summary_path.is_file() or not parameters_path.is_file():
        raise ConfigError(
            f"{folder} is not a fitted ensemble (it needs summary.json and parameters.parquet, "
            "as written by `karmasim backtest --out`)"
        )
    try:
        summary = json.loads(summary_path.read_text("utf-8"))
        priors = TypeAdapter(list[Prior]).validate_python(summary["priors"])
        label = f"fit to {summary['cutoff']}"
        parameters = pd.read_parquet(parameters_path)
        weights = parameters.pop("weight").to_numpy(dtype=float)
    except (ValueError, KeyError, TypeError, OSError) as error:  # JSON, pydantic, Arrow
        reason = error.errors()[0]["msg"] if isinstance(error, ValidationError) else error
        raise ConfigError(f"{folder}: not a usable fitted ensemble ({reason!s:.200})") from None
    missing = [p.name for p in priors if p.name not in parameters]
    if missing:
        raise ConfigError(f"{parameters_path} has no column for {', '.join(missing)}")
    if not (np.isfinite(weights).all() and (weights >= 0).all() and weights.sum() > 0):
        raise ConfigError(f"{parameters_path}: the weights are not a distribution")
    return Posterior(label, priors, parameters, weights)


def draw_seed(seed: int, draw: int) -> int:
    """The seed of draw `draw` of a scenario whose own seed is `seed`."""
    state = np.random.SeedSequence([seed, 2, draw]).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))


def posterior_draws(
    scenario: Scenario, posterior: Posterior, n: int, seed: int | None = None
) -> list[Scenario]:
    """`n` copies of `scenario`, each with one draw's parameter values and seed (from
    `seed`, by default the scenario's own: give several scenarios the same `seed` to pair
    their draws); they share `draw_of`, so the store, `compare` and the dashboard treat
    them as one band."""
    seed = scenario.seed if seed is None else seed
    base = scenario.canonical()
    settings = json.dumps(base, sort_keys=True, default=str)
    group = (
        f"{scenario.name} {hashlib.sha256(settings.encode()).hexdigest()[:12]} | "
        f"{posterior.label} {posterior.digest}, {n} draws from seed {seed}"
    )
    scenarios = []
    for i, row in enumerate(posterior.draws(n, seed).itertuples(index=False)):
        values = row._asdict()
        changes = {
            path: prior.setting(float(values[prior.name]))
            for prior in posterior.priors
            for path in prior.paths
        }
        where = f"{scenario.name} with {posterior.label}, draw {i + 1}"
        try:
            data = with_paths(base, changes)
        except ConfigError as error:
            raise ConfigError(
                f"{where}: {error}; the posterior sets the fitted model's parameters, so the "
                "scenario must be built on it (e.g. `base: configs/sadhana_2026.yaml`)"
            ) from None
        data["seed"] = draw_seed(seed, i)
        data["draw_of"] = group
        scenarios.append(validate_scenario(data, source=where))
    return scenarios
