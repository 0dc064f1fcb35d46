"""Multi-year forecast of the platform's monthly peak load as onboarding grows.

One simulated year gives, for each calendar month, the busiest minute's load per
onboarded officer (learners on the platform and standard requests/s); the campaign week
falls in October, so October carries the campaign peak. Registered users follow the
published growth points (interpolated log-linearly, as growth was roughly exponential),
then close the gap to an assumed universe with a configurable half-life. Load per officer
is held at the simulated year's behaviour: the forecast isolates the effect of growth.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from sim.config import (
    GrowthPoint,
    PositiveFloat,
    Scenario,
    Strict,
    load_model,
    load_scenario,
)
from sim.platform.client_load import ClientLoad
from sim.platform.load_test_fit import server_model


class ForecastConfig(Strict):
    name: str
    description: str = ""
    year_scenario: Path
    scale: Annotated[int, Field(ge=1)] = 50
    start: dt.date
    end: dt.date
    growth: Annotated[list[GrowthPoint], Field(min_length=2)]
    universe: Annotated[int, Field(ge=1)]
    growth_half_life_months: PositiveFloat = 12.0

    @model_validator(mode="after")
    def _consistent(self) -> ForecastConfig:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must come after start ({self.start})")
        dates = [p.date for p in self.growth]
        if dates != sorted(dates):
            raise ValueError("growth dates must increase")
        if self.universe < self.growth[-1].registered_users:
            raise ValueError("universe is below the last published registered users")
        return self


def load_forecast(path: Path) -> tuple[ForecastConfig, Scenario]:
    path = Path(path)
    config = load_model(path, ForecastConfig)
    scenario = load_scenario(path.parent / config.year_scenario)
    return config, scenario.with_overrides(scale=config.scale)


def registered_users(config: ForecastConfig, dates: pd.DatetimeIndex) -> np.ndarray:
    known_days = np.array([p.date.toordinal() for p in config.growth], dtype=float)
    known_log = np.log([p.registered_users for p in config.growth])
    days = np.array([d.toordinal() for d in dates.date], dtype=float)
    users = np.exp(np.interp(days, known_days, known_log))
    last_day, last_users = known_days[-1], config.growth[-1].registered_users
    after = days > last_day
    months = (days[after] - last_day) / 30.44
    gap = (config.universe - last_users) * 0.5 ** (months / config.growth_half_life_months)
    users[after] = config.universe - gap
    return users


def peaks_per_officer(load: pd.DataFrame, officers: int) -> pd.DataFrame:
    """Each calendar month's busiest minute, per onboarded officer."""
    month = load["time"].dt.month
    grouped = load.groupby(month)
    return pd.DataFrame(
        {
            "learners_per_officer": grouped["concurrent_learners"].max() / officers,
            "requests_per_officer": grouped["requests_per_s"].max() / officers,
            "standard_per_officer": grouped["standard_requests_per_s"].max() / officers,
        }
    )


def forecast(config: ForecastConfig, scenario: Scenario, load: pd.DataFrame) -> pd.DataFrame:
    """One row per month: registered users, peak learners, peak requests/s, servers."""
    per_officer = peaks_per_officer(load, scenario.population.officers)
    months = pd.date_range(config.start, config.end, freq="MS")
    users = registered_users(config, months + pd.Timedelta(days=14))  # mid-month
    rates = per_officer.reindex(months.month)
    standard = users * rates["standard_per_officer"].to_numpy()
    model = server_model(scenario.platform, ClientLoad.from_config(scenario.platform).steady_mix())
    campaign_months = {c.start.month for c in scenario.campaigns}
    return pd.DataFrame(
        {
            "month": months,
            "registered_users": np.rint(users).astype(np.int64),
            "campaign_month": months.month.isin(list(campaign_months)),
            "peak_concurrent_learners": users * rates["learners_per_officer"].to_numpy(),
            "peak_requests_per_s": users * rates["requests_per_officer"].to_numpy(),
            "servers_needed": model.servers_needed(standard),
        }
    )


def plot_forecast(table: pd.DataFrame, title: str, path: Path) -> Path:
    """Registered users and monthly peak requests/s on real dates, servers as steps."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    figure, (top, bottom) = plt.subplots(2, 1, figsize=(10, 6.5), sharex=True)
    top.plot(table["month"], table["registered_users"] / 1e7, color="#1f4e79")
    top.set_ylabel("registered users (crore)")
    top.set_title(title)
    campaign = table[table["campaign_month"]]
    bottom.plot(table["month"], table["peak_requests_per_s"], color="#c55a11", label="peak req/s")
    bottom.scatter(campaign["month"], campaign["peak_requests_per_s"], color="#c55a11", zorder=3,
                   label="campaign week month")  # fmt: skip
    bottom.set_ylabel("peak requests / s")
    servers = bottom.twinx()
    servers.step(table["month"], table["servers_needed"], where="mid", color="#548235",
                 label="servers needed")  # fmt: skip
    servers.set_ylabel("servers needed")
    bottom.xaxis.set_major_locator(mdates.YearLocator())
    bottom.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    lines = bottom.get_legend_handles_labels()
    extra = servers.get_legend_handles_labels()
    bottom.legend(lines[0] + extra[0], lines[1] + extra[1], loc="upper left")
    for axis in (top, bottom):
        axis.grid(alpha=0.3)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path
