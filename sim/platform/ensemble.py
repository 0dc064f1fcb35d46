"""A campaign's platform load over an ensemble of futures (posterior draws or seeds), with
bands: hour by hour through the campaign days, and what the autoscaler would have done in
each future.

Each future is one stored run. Its hours are sized as a run's are (servers for the
hour's busiest minute); the bands are the 10th, 50th and 90th percentiles over futures,
hour by hour and for each summary figure.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from sim.config import PlatformConfig
from sim.platform.budget import Future
from sim.platform.client_load import ClientLoad
from sim.platform.load_test_fit import server_model
from sim.platform.plan import autoscaler_to_replay, provisioning_outcome, replay_autoscaler
from sim.platform.queueing import ServerModel
from sim.platform.tables import hourly_servers

QUANTILES = {"p10": 0.1, "p50": 0.5, "p90": 0.9}


def window(load: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The minutes of the days `start` to `end` (IST), inclusive."""
    local = load["time"].dt.tz_localize(None) if load["time"].dt.tz else load["time"]
    low, high = pd.Timestamp(start), pd.Timestamp(end) + pd.Timedelta(days=1)
    return load[(local >= low) & (local < high)].reset_index(drop=True)


def future_of(load: pd.DataFrame) -> Future:
    return Future(
        standard=load["standard_requests_per_s"].to_numpy(dtype=float),
        requests=load["requests_per_s"].to_numpy(dtype=float),
    )


def hourly_need(platform: PlatformConfig, model: ServerModel, load: pd.DataFrame) -> pd.DataFrame:
    """One row per hour of the window: peaks, servers for the busiest minute, cost."""
    _, servers = hourly_servers(model, load["standard_requests_per_s"].to_numpy(dtype=float))
    hours = servers.size
    cut = load.iloc[: hours * 60]

    def peak(column: str) -> np.ndarray:
        return cut[column].to_numpy(dtype=float).reshape(hours, 60).max(axis=1)

    return pd.DataFrame(
        {
            "time": cut["time"].to_numpy()[::60],
            "peak_concurrent_learners": peak("concurrent_learners"),
            "peak_requests_per_s": peak("requests_per_s"),
            "servers_needed": servers,
            "cost": servers * platform.server.cost_per_hour,
        }
    )


def autoscaler_replay(
    platform: PlatformConfig, model: ServerModel, future: Future, peak_servers: int
) -> dict[str, float]:
    """The autoscaler (as `karmasim capacity` replays it) on the window: minutes over the
    target, server-hours, cost, the most servers it held."""
    settings = autoscaler_to_replay(platform, peak_servers)
    ready, billed = replay_autoscaler(platform, future.standard, settings)
    outcome = provisioning_outcome(platform, model, future.standard, ready, billed)
    return {f"autoscaler_{name}": float(value) for name, value in outcome.items()}


def nearest_rank(values: pd.Series | np.ndarray, q: float) -> float:
    """The ceil(q n)-th smallest value: always one future's own value."""
    ordered = np.sort(np.asarray(values, dtype=float))
    return float(ordered[max(int(np.ceil(q * ordered.size - 1e-9)), 1) - 1])


def bands(values: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """The futures' 10th, 50th and 90th percentiles by nearest rank, so that servers stay
    whole numbers; one column per band, one row per figure (or per `by` and figure)."""
    if by is None:
        return pd.DataFrame(
            {name: values.apply(nearest_rank, q=q) for name, q in QUANTILES.items()}
        )
    grouped = values.groupby(by)
    return pd.concat(
        {name: grouped.agg(lambda s, q=q: nearest_rank(s, q)) for name, q in QUANTILES.items()},
        axis=1,
    )


def ensemble_capacity(
    platform: PlatformConfig, loads: list[pd.DataFrame], start: dt.date, end: dt.date
) -> dict:
    """Hour-by-hour bands through the window, summary bands, and the futures."""
    windows = [window(load, start, end) for load in loads]
    if any(w.empty for w in windows):
        raise ValueError(f"a run has no minutes between {start} and {end}")
    model = server_model(platform, ClientLoad.from_config(platform).steady_mix())
    futures = [future_of(w) for w in windows]
    hourly = [hourly_need(platform, model, w) for w in windows]
    summary = pd.DataFrame(
        [
            {
                "peak_concurrent_learners": h["peak_concurrent_learners"].max(),
                "peak_requests_per_s": h["peak_requests_per_s"].max(),
                "servers_busiest_hour": float(h["servers_needed"].max()),
                "hour_by_hour_server_hours": float(h["servers_needed"].sum()),
                "hour_by_hour_cost": float(h["cost"].sum()),
                **autoscaler_replay(platform, model, f, int(h["servers_needed"].max())),
            }
            for h, f in zip(hourly, futures, strict=True)
        ]
    )
    daily = pd.concat(
        [
            h.assign(date=pd.to_datetime(h["time"]).dt.date.astype(str))
            .groupby("date")
            .agg(
                peak_concurrent_learners=("peak_concurrent_learners", "max"),
                peak_requests_per_s=("peak_requests_per_s", "max"),
                servers_needed=("servers_needed", "max"),
                cost=("cost", "sum"),
            )
            for h in hourly
        ]
    )
    per_day = bands(daily.reset_index(), by="date")
    per_day.columns = [f"{column}_{q}" for q, column in per_day.columns]
    stacked = pd.concat(hourly, keys=range(len(hourly)), names=["future", "row"])
    per_hour = bands(stacked.reset_index(drop=True), by="time")
    per_hour.columns = [f"{column}_{q}" for q, column in per_hour.columns]
    return {
        "futures": len(loads),
        "start": str(start),
        "end": str(end),
        "summary": bands(summary).rename_axis("figure").reset_index(),
        "hourly": per_hour.reset_index(),
        "daily": per_day.reset_index(),
        "future_loads": futures,
    }


def plot_ensemble(hourly: pd.DataFrame, title: str, path) -> object:
    """Requests/s and servers needed hour by hour on real dates: median and 10-90% band."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator, StrMethodFormatter

    time = pd.to_datetime(hourly["time"])
    if time.dt.tz is not None:
        time = time.dt.tz_localize(None)
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(11, 6.5), sharex=True)
    for axis, column, colour, label in (
        (top, "peak_requests_per_s", "#c55a11", "peak requests/s in the hour"),
        (bottom, "servers_needed", "#548235", "servers needed"),
    ):
        axis.fill_between(time, hourly[f"{column}_p10"], hourly[f"{column}_p90"], color=colour,
                          alpha=0.25, step="post", label="10-90% over futures")  # fmt: skip
        axis.step(time, hourly[f"{column}_p50"], where="post", color=colour, label="median")
        axis.set_ylabel(label)
        axis.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        axis.yaxis.set_major_locator(MaxNLocator(integer=True))
        axis.grid(alpha=0.3)
        axis.legend(loc="upper left")
    top.set_title(title, loc="left")
    bottom.xaxis.set_major_locator(mdates.DayLocator())
    bottom.xaxis.set_major_formatter(mdates.DateFormatter("%a %d %b"))
    figure.autofmt_xdate()
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path
