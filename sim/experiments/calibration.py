"""Calibration: fit behaviour parameters so the 2024 week reproduces the published figures.

The objective is the sum of squared log errors over the targets (so 10% too high and 10%
too low weigh the same), computed on sampled runs with a fixed seed: common random
numbers make it a deterministic function of the parameters, which SciPy's Nelder-Mead
minimises in a box (parameters are mapped to the unit cube). The fit is then checked at
full scale over several seeds by `calibration_report`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from sim.config import Scenario, get_path, validate_scenario, with_paths
from sim.data.published import published
from sim.results.tables import RunResult
from sim.simulate import simulate


@dataclass(frozen=True)
class Parameter:
    name: str
    path: str  # dotted path in the scenario (list items by index)
    low: float
    high: float
    doc: str


PARAMETERS = [
    Parameter("median_logins", "population.propensity.median_logins_per_working_day",
              0.002, 0.02, "routine logins per working day of the median officer"),
    Parameter("engagement_probability", "campaigns.0.engagement.probability", 0.02, 0.25,
              "chance that a median officer takes the campaign up"),
    Parameter("engaged_session_minutes", "behaviour.engaged_session.median_minutes", 20.0,
              150.0, "median sitting of an engaged officer"),
    Parameter("continue_after_target", "campaigns.0.engagement.continue_after_target", 0.05,
              0.95, "chance an engaged officer keeps going after reaching the target"),
    Parameter("drop_hazard_per_hour", "behaviour.drop_hazard_per_hour", 0.02, 0.8,
              "chance per listed hour of abandoning a course"),
    Parameter("history_completions_per_login", "population.history_completions_per_login",
              0.05, 0.8, "completions per login before the run (the platform's history)"),
]  # fmt: skip


@dataclass(frozen=True)
class Target:
    name: str
    value: float
    measure: Callable[[RunResult], float]
    source: str


def _on(result: RunResult, column: str, date: str) -> float:
    daily = result.daily
    return float(daily.loc[daily["date"] == pd.Timestamp(date), column].iloc[0])


def targets() -> list[Target]:
    """The published 2024 figures, each with how to read it off a run."""
    week = published()["karmayogi_saptah_2024"]
    snapshot = published()["platform_snapshot_2024_10_26"]
    source = week["source"]

    def kpi(name: str) -> Callable[[RunResult], float]:
        return lambda r: r.kpis[name]

    return [
        Target("daily completions before the week", week["daily_completions_before_week"],
               kpi("daily_completions_before_campaign"), source),
        Target("daily completions during the week", week["daily_completions_during_week"],
               kpi("daily_completions_during_campaign"), source),
        Target("enrolments in the week", week["enrolments"], kpi("campaign_enrolments"), source),
        Target("completions in the week", week["completions"], kpi("campaign_completions"),
               source),
        Target("learning hours in the week", week["learning_hours"],
               kpi("campaign_learning_hours"), source),
        Target("participants", week["participants"], kpi("campaign_participants"), source),
        Target("participants meeting 4 h", week["participants_meeting_4h_target"],
               kpi("campaign_participants_meeting_target"), source),
        Target("cumulative completions, 26 Oct 2024", snapshot["course_completions_cumulative"],
               lambda r: _on(r, "cum_platform_completions", "2024-10-26"), snapshot["source"]),
    ]  # fmt: skip


def with_parameters(scenario: Scenario, values: dict[str, float]) -> Scenario:
    """The scenario with parameters set by name (see `PARAMETERS`)."""
    by_name = {p.name: p for p in PARAMETERS}
    data = with_paths(scenario.canonical(), {by_name[n].path: float(v) for n, v in values.items()})
    return validate_scenario(data, source=f"{scenario.name} (calibration)")


def current_values(scenario: Scenario) -> dict[str, float]:
    data = scenario.canonical()
    return {p.name: float(get_path(data, p.path)) for p in PARAMETERS}


def measure(result: RunResult, goals: list[Target]) -> dict[str, float]:
    return {t.name: t.measure(result) for t in goals}


def loss(measured: dict[str, float], goals: list[Target]) -> float:
    return float(sum(np.log(max(measured[t.name], 1.0) / t.value) ** 2 for t in goals))


@dataclass
class Fit:
    values: dict[str, float]
    start: dict[str, float]
    loss: float
    start_loss: float
    evaluations: int
    history: list[tuple[dict[str, float], float]]


def fit(
    scenario: Scenario,
    goals: list[Target] | None = None,
    names: list[str] | None = None,
    max_evaluations: int = 120,
    progress: Callable[[int, float], None] | None = None,
    seeds: list[int] | None = None,
) -> Fit:
    """Minimise the squared log errors over `names` (all parameters by default), starting
    from the scenario's own values. `scenario` sets the sample scale; each evaluation
    averages the targets over `seeds` (the scenario's own seed by default), the same
    seeds every time, so the objective stays deterministic."""
    seeds = seeds or [scenario.seed]
    goals = goals or targets()
    chosen = [p for p in PARAMETERS if names is None or p.name in names]
    start = current_values(scenario)
    history: list[tuple[dict[str, float], float]] = []

    def to_values(x: np.ndarray) -> dict[str, float]:
        unit = 1 / (1 + np.exp(-x))  # any real x lands inside the box
        return {p.name: p.low + (p.high - p.low) * u for p, u in zip(chosen, unit, strict=True)}

    def objective(x: np.ndarray) -> float:
        values = to_values(x)
        trial = with_parameters(scenario, values)
        runs = [measure(simulate(trial.with_overrides(seed=seed)), goals) for seed in seeds]
        mean = {t.name: float(np.mean([r[t.name] for r in runs])) for t in goals}
        value = loss(mean, goals)
        history.append((values, value))
        if progress:
            progress(len(history), min(v for _, v in history))
        return value

    def to_x(values: dict[str, float]) -> np.ndarray:
        unit = np.array([(values[p.name] - p.low) / (p.high - p.low) for p in chosen])
        unit = np.clip(unit, 1e-3, 1 - 1e-3)
        return np.log(unit / (1 - unit))

    x0 = to_x(start)
    result = minimize(
        objective,
        x0,
        method="Nelder-Mead",
        options={"maxfev": max_evaluations, "xatol": 1e-3, "fatol": 1e-4, "initial_simplex":
                 np.vstack([x0] + [x0 + 0.5 * np.eye(len(chosen))[i] for i in range(len(chosen))])},
    )  # fmt: skip
    best = min(history, key=lambda h: h[1])
    return Fit(
        values={**start, **best[0]},
        start=start,
        loss=best[1],
        start_loss=history[0][1],
        evaluations=int(result.nfev),
        history=history,
    )


def calibration_report(
    scenario: Scenario,
    seeds: list[int],
    goals: list[Target] | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """Each target against the model: median and 10-90% range over `seeds`, error in %;
    and each seed's daily table (for the plot)."""
    goals = goals or targets()
    runs, dailies = [], []
    for i, seed in enumerate(seeds):
        result = simulate(scenario.with_overrides(seed=seed))
        runs.append(measure(result, goals))
        dailies.append(result.daily)
        if progress:
            progress(i + 1)
    rows = []
    for target in goals:
        values = np.array([r[target.name] for r in runs])
        median = float(np.median(values))
        rows.append(
            {
                "target": target.name,
                "published": target.value,
                "simulated_median": median,
                "simulated_p10": float(np.quantile(values, 0.1)),
                "simulated_p90": float(np.quantile(values, 0.9)),
                "error_pct": 100 * (median / target.value - 1),
                "source": target.source,
            }
        )
    return pd.DataFrame(rows), dailies


def plot_daily_completions(dailies: list[pd.DataFrame], path) -> None:
    """Simulated daily completions (median and 10-90% over seeds) against the published
    rates before and during the 2024 week, on real dates."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    from sim.data.published import saptah_2024_daily_completions
    from sim.results.bands import series_bands

    band = series_bands(dailies, "date", ["new_completions"])
    figure, axis = plt.subplots(figsize=(10, 4.5))
    low, high = band["new_completions_p10"], band["new_completions_p90"]
    axis.fill_between(band["date"], low, high, alpha=0.25, color="#1f4e79",
                      label="simulated, 10-90% over seeds")  # fmt: skip
    axis.plot(band["date"], band["new_completions_median"], color="#1f4e79",
              label="simulated, median")  # fmt: skip
    for first, last, value, label in saptah_2024_daily_completions():
        axis.hlines(value, pd.Timestamp(first), pd.Timestamp(last) + pd.Timedelta(hours=23),
                    colors="black", linestyles="--")  # fmt: skip
        axis.annotate(label, (pd.Timestamp(first), value), textcoords="offset points",
                      xytext=(0, 6), fontsize=8)  # fmt: skip
    axis.xaxis.set_major_formatter(mdates.DateFormatter("%d %b\n%Y"))
    axis.set_ylabel("course completions a day")
    axis.set_title("Daily completions: the calibrated model against the published 2024 rates")
    axis.legend(loc="upper left", fontsize=8)
    axis.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def parameters_yaml(values: dict[str, float], note: str) -> str:
    """The fitted values as the `values:` block of sim/data/calibrated.yaml (their one home)."""
    lines = [f"# {note}: replace the values block of sim/data/calibrated.yaml with", "values:"]
    lines += [f"  {p.name}: {round(values[p.name], 6)}  # {p.path}" for p in PARAMETERS]
    return "\n".join(lines)
