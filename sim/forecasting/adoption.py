"""Stage 1 of the fit: the adoption parameters' posterior, exactly.

Registered users depend only on the adoption mechanism (`SectorAdoption`), and their
expected number on a date is a closed form: a sector of N staff has
N x saturation x E_z[logistic((t + 1 - midpoint - spread z) / width)] registered by the
end of day t, z a unit's standard normal opening offset (Gauss-Hermite quadrature); a unit
with its own midpoint (`unit_midpoints`) takes its share of N without the offset. So the
posterior needs no simulation: it is sampled by MCMC against the user figures, those of
single states, and the count of states that have signed an MoU.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import cache

import emcee
import numpy as np
import pandas as pd
from scipy.stats import norm

from sim.config import SECTORS, Scenario
from sim.config.vocabulary import reference_units
from sim.forecasting.observations import split_quantity
from sim.forecasting.priors import FitConfig

USER_QUANTITIES = {
    "registered_users": ("central", "state", "local"),
    "central_users": ("central",),
    "state_users": ("state", "local"),
}
# ASSUMPTION: a state signs its MoU when its registrations start in earnest, taken as the
# day 5% of its eventual users have registered: ln(19) = 2.94 logistic widths before its
# midpoint.
MOU_WIDTHS_BEFORE_MIDPOINT = float(np.log(19.0))
_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(21)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()
FIELDS = ("midpoint", "width_days", "saturation", "unit_spread_days")
Settings = dict[str, dict[str, np.ndarray]]


def is_adoption_figure(quantity: str) -> bool:
    """Figures that depend on the adoption parameters alone (fitted in stage 1)."""
    base, _ = split_quantity(quantity)
    return base in USER_QUANTITIES or base == "states_with_mou"


@cache
def unit_shares(sector: str) -> dict[str, float]:
    """Each ministry's (central) or state's share of its sector's staff, as the
    population draws them (`sim/data/organisations.yaml`)."""
    units = reference_units()
    pool = units["central"] if sector == "central" else units["states"]
    total = float(sum(pool.values()))
    return {name: weight / total for name, weight in pool.items()}


def sector_settings(
    scenario: Scenario, fit: FitConfig, draws: dict[str, np.ndarray], n: int
) -> Settings:
    """Per sector, each adoption field as an array over the draws (dates as ordinals), and
    `unit:<name>` for each unit with its own midpoint: the scenario's value unless a fitted
    parameter sets it."""
    adoption = scenario.population.adoption or {}
    settings: Settings = {}
    for sector, values in adoption.items():
        settings[sector] = {
            "midpoint": np.full(n, float(values.midpoint.toordinal())),
            "width_days": np.full(n, values.width_days),
            "saturation": np.full(n, values.saturation),
            "unit_spread_days": np.full(n, values.unit_spread_days),
        } | {
            f"unit:{unit}": np.full(n, float(day.toordinal()))
            for unit, day in values.unit_midpoints.items()
        }
    for prior in fit.parameters:
        if prior.name not in draws:
            continue
        for path in prior.paths:
            parts = path.split(".")
            if parts[:2] != ["population", "adoption"] or parts[2] not in settings:
                continue
            if parts[3] in FIELDS:
                settings[parts[2]][parts[3]] = draws[prior.name]
            elif parts[3] == "unit_midpoints":
                settings[parts[2]][f"unit:{'.'.join(parts[4:])}"] = draws[prior.name]
    return settings


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _named_units(s: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {key[5:]: value for key, value in s.items() if key.startswith("unit:")}


def _spread_share(s: dict[str, np.ndarray], day_ends: np.ndarray) -> np.ndarray:
    """Expected registered share of eventual users, over the random unit offsets:
    shape (draws, dates)."""
    shift = s["midpoint"][:, None, None] + s["unit_spread_days"][:, None, None] * _NODES
    x = (day_ends[None, :, None] - shift) / s["width_days"][:, None, None]
    return _logistic(x) @ _WEIGHTS


def _own_share(s: dict[str, np.ndarray], midpoint: np.ndarray, day_ends: np.ndarray):
    return _logistic((day_ends[None, :] - midpoint[:, None]) / s["width_days"][:, None])


def _day_ends(dates: list[dt.date]) -> np.ndarray:
    return np.array([d.toordinal() + 1 for d in dates], dtype=float)


def expected_registered(
    scenario: Scenario, settings: Settings, dates: list[dt.date]
) -> dict[str, np.ndarray]:
    """Expected registered users per sector, shape (draws, dates)."""
    population = scenario.population
    day_ends = _day_ends(dates)
    expected = {}
    for sector in SECTORS:
        staff = population.officers * population.sectors.get(sector, 0.0)
        if sector not in settings or staff == 0:
            expected[sector] = np.zeros((1, len(dates)))
            continue
        s, shares = settings[sector], unit_shares(sector)
        named = _named_units(s)
        rest = 1.0 - sum(shares[u] for u in named)
        share = rest * _spread_share(s, day_ends)
        for unit, midpoint in named.items():
            share = share + shares[unit] * _own_share(s, midpoint, day_ends)
        expected[sector] = staff * s["saturation"][:, None] * share
    return expected


def expected_unit_registered(
    scenario: Scenario, settings: Settings, unit: str, dates: list[dt.date]
) -> np.ndarray:
    """Expected registered users of one ministry or state (its state and local-body staff
    together), shape (draws, dates)."""
    population = scenario.population
    day_ends = _day_ends(dates)
    total = np.zeros((1, len(dates)))
    for sector, s in settings.items():
        share = unit_shares(sector).get(unit, 0.0)
        staff = population.officers * population.sectors.get(sector, 0.0) * share
        if staff == 0:
            continue
        midpoint = _named_units(s).get(unit)
        registered = (
            _own_share(s, midpoint, day_ends)
            if midpoint is not None
            else _spread_share(s, day_ends)
        )
        total = total + staff * s["saturation"][:, None] * registered
    return total


def expected_states_signed(settings: Settings, dates: list[dt.date]) -> np.ndarray:
    """Expected number of states (and union territories) with an MoU by each date: a
    state signs `MOU_WIDTHS_BEFORE_MIDPOINT` widths before its midpoint (an ASSUMPTION,
    above); shape (draws, dates)."""
    if "state" not in settings:
        return np.zeros((1, len(dates)))
    s = settings["state"]
    day_ends = _day_ends(dates)
    lead = MOU_WIDTHS_BEFORE_MIDPOINT * s["width_days"][:, None]
    named = _named_units(s)
    count = np.zeros((len(s["midpoint"]), len(dates)))
    for midpoint in named.values():
        count += day_ends[None, :] >= midpoint[:, None] - lead
    others = len(unit_shares("state")) - len(named)
    spread = np.maximum(s["unit_spread_days"][:, None], 1e-9)
    count += others * norm.cdf((day_ends[None, :] - (s["midpoint"][:, None] - lead)) / spread)
    return count


def user_figures(scenario: Scenario, settings: Settings, wanted: pd.DataFrame) -> np.ndarray:
    """Expected value of each adoption figure in `wanted` (rows date, quantity), per draw."""
    dates = list(wanted["date"])
    by_sector = expected_registered(scenario, settings, dates)
    signed = expected_states_signed(settings, dates)
    n = max([v.shape[0] for v in by_sector.values()] + [signed.shape[0]])
    columns = []
    for j, quantity in enumerate(wanted["quantity"]):
        base, unit = split_quantity(quantity)
        if unit is not None:
            total = expected_unit_registered(scenario, settings, unit, [dates[j]])[:, 0]
        elif base == "states_with_mou":
            total = signed[:, j]
        else:
            total = sum(by_sector[s][:, j] for s in USER_QUANTITIES[base])
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
    users = observed[observed["quantity"].map(is_adoption_figure)].reset_index(drop=True)
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
