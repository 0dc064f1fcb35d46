"""Stage 1 of the fit: the adoption parameters' posterior, exactly.

Registered users depend only on the adoption mechanism (`SectorAdoption`), and their
expected number on a date is a closed form: a sector of N staff has
N x saturation x E_z[logistic((t + 1 - midpoint - spread z) / width)] registered by the
end of day t, z a unit's standard normal opening offset (Gauss-Hermite quadrature). So the
posterior needs no simulation: it is sampled by MCMC against the user figures.
"""

from __future__ import annotations

import datetime as dt
import logging

import emcee
import numpy as np
import pandas as pd

from sim.config import SECTORS, Scenario
from sim.forecasting.priors import FitConfig

USER_QUANTITIES = {
    "registered_users": ("central", "state", "local"),
    "central_users": ("central",),
    "state_users": ("state", "local"),
}
_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(21)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()
FIELDS = ("midpoint", "width_days", "saturation", "unit_spread_days")


def sector_settings(
    scenario: Scenario, fit: FitConfig, draws: dict[str, np.ndarray], n: int
) -> dict[str, dict[str, np.ndarray]]:
    """Per sector, each adoption field as an array over the draws (dates as ordinals):
    the scenario's value unless a fitted parameter sets it."""
    adoption = scenario.population.adoption or {}
    settings: dict[str, dict[str, np.ndarray]] = {}
    for sector, values in adoption.items():
        settings[sector] = {
            "midpoint": np.full(n, float(values.midpoint.toordinal())),
            "width_days": np.full(n, values.width_days),
            "saturation": np.full(n, values.saturation),
            "unit_spread_days": np.full(n, values.unit_spread_days),
        }
    for prior in fit.parameters:
        if prior.name not in draws:
            continue
        for path in prior.paths:
            parts = path.split(".")
            if parts[:2] == ["population", "adoption"] and parts[3] in FIELDS:
                settings[parts[2]][parts[3]] = draws[prior.name]
    return settings


def expected_registered(
    scenario: Scenario, settings: dict[str, dict[str, np.ndarray]], dates: list[dt.date]
) -> dict[str, np.ndarray]:
    """Expected registered users per sector, shape (draws, dates)."""
    population = scenario.population
    day_ends = np.array([d.toordinal() + 1 for d in dates], dtype=float)
    expected = {}
    for sector in SECTORS:
        staff = population.officers * population.sectors.get(sector, 0.0)
        if sector not in settings or staff == 0:
            expected[sector] = np.zeros((1, len(dates)))
            continue
        s = settings[sector]
        shift = s["midpoint"][:, None, None] + s["unit_spread_days"][:, None, None] * _NODES
        x = (day_ends[None, :, None] - shift) / s["width_days"][:, None, None]
        share = (1.0 / (1.0 + np.exp(-x))) @ _WEIGHTS
        expected[sector] = staff * s["saturation"][:, None] * share
    return expected


def user_figures(
    scenario: Scenario, settings: dict[str, dict[str, np.ndarray]], wanted: pd.DataFrame
) -> np.ndarray:
    """Expected value of each user figure in `wanted` (rows date, quantity), per draw."""
    dates = list(wanted["date"])
    by_sector = expected_registered(scenario, settings, dates)
    n = max(v.shape[0] for v in by_sector.values())
    columns = []
    for j, quantity in enumerate(wanted["quantity"]):
        total = sum(by_sector[s][:, j] for s in USER_QUANTITIES[quantity])
        columns.append(np.broadcast_to(total, (n,)))
    return np.stack(columns, axis=1)


def log_likelihood(predicted: np.ndarray, observed: pd.DataFrame, model_error: float) -> np.ndarray:
    """Gaussian log-likelihood of log figures, with the observation's and the model's error."""
    sigma2 = observed["sigma"].to_numpy() ** 2 + model_error**2
    residual = np.log(np.maximum(predicted, 1.0)) - np.log(observed["value"].to_numpy())
    return -0.5 * (residual**2 / sigma2).sum(axis=1)


def adoption_posterior(
    scenario: Scenario, fit: FitConfig, observed: pd.DataFrame, rng: np.random.Generator
) -> tuple[dict[str, np.ndarray], float]:
    """Draws from the adoption parameters' posterior given the user figures in `observed`,
    and their effective number. Sampled with emcee's affine-invariant ensemble sampler on
    the unit cube of the priors (uniform there); the first half of each chain is burn-in,
    and the effective number is the kept draws over the longest autocorrelation time."""
    priors = fit.stage("adoption")
    users = observed[observed["quantity"].isin(USER_QUANTITIES)].reset_index(drop=True)
    walkers, steps = fit.adoption_walkers, fit.adoption_steps
    if users.empty:  # nothing to learn from: the prior
        u = rng.random((walkers * steps // 2, len(priors)))
        return {p.name: p.from_unit(u[:, k]) for k, p in enumerate(priors)}, float(len(u))

    def log_probability(u: np.ndarray) -> np.ndarray:
        inside = np.all((u >= 0.0) & (u < 1.0), axis=1)
        result = np.full(len(u), -np.inf)
        if inside.any():
            values = {p.name: p.from_unit(u[inside, k]) for k, p in enumerate(priors)}
            settings = sector_settings(scenario, fit, values, int(inside.sum()))
            predicted = user_figures(scenario, settings, users)
            result[inside] = log_likelihood(predicted, users, fit.model_error)
        return result

    sampler = emcee.EnsembleSampler(walkers, len(priors), log_probability, vectorize=True)
    sampler.random_state = np.random.RandomState(int(rng.integers(2**31))).get_state()
    sampler.run_mcmc(rng.random((walkers, len(priors))), steps, progress=False)
    kept = sampler.get_chain(discard=steps // 2, flat=True)
    # a short chain's estimate of tau is rough (emcee says so); the effective number is
    # reported with each fit for that reason, not silenced
    logging.getLogger("emcee.autocorr").setLevel(logging.ERROR)
    tau = float(np.max(sampler.get_autocorr_time(discard=steps // 2, quiet=True)))
    draws = {p.name: p.from_unit(kept[:, k]) for k, p in enumerate(priors)}
    return draws, len(kept) / max(tau, 1.0)
