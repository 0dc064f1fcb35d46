"""Platform load and capacity from a run: requests per second minute by minute, the
servers the latency target needs each hour, whether the servers there were met it, and
what they cost.

Servers needed per hour are sized for the hour's busiest minute (so an unconstrained
platform, provisioned that way, never misses the target). With fixed or autoscaled
servers, each minute is checked against the servers ready in it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.config import APIS, PlatformConfig
from sim.platform.load_test_fit import server_model
from sim.platform.queueing import ServerModel


def hourly_servers(model: ServerModel, standard: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each whole hour's busiest minute (standard requests/s) and the servers it needs."""
    hours = standard.size // 60
    peaks = standard[: hours * 60].reshape(hours, 60).max(axis=1)
    return peaks, model.servers_needed(peaks)


@dataclass
class PlatformTables:
    load: pd.DataFrame  # one row per minute
    hourly: pd.DataFrame  # one row per hour
    kpis: dict[str, float]


def platform_tables(
    config: PlatformConfig,
    client,
    timestamps: pd.DatetimeIndex,
    session_learners: np.ndarray,
    webinar_learners: np.ndarray,
    session_starts: np.ndarray,
    webinar_joins: np.ndarray,
    rejected: np.ndarray,
    servers: tuple[np.ndarray, np.ndarray] | None,
) -> PlatformTables:
    """All arrays per minute, in officers (already scaled). `servers` is (ready, billed)
    per minute, or None for an unconstrained platform."""
    minutes = session_learners.size
    by_api = client.by_api(session_learners, webinar_learners, session_starts, webinar_joins)
    requests = sum(by_api.values())
    standard = client.standard_load(by_api)
    model = server_model(config, client.steady_mix())

    hours = minutes // 60
    _, needed_hourly = hourly_servers(model, standard)
    if servers is None:
        ready = billed = np.repeat(needed_hourly, 60)
    else:
        ready, billed = servers
    within = model.share_within_target(standard, ready)
    over = within < config.latency_quantile

    load = pd.DataFrame(
        {
            "time": timestamps,
            "minute": np.arange(minutes),
            "concurrent_learners": session_learners + webinar_learners,
            "session_learners": session_learners,
            "webinar_learners": webinar_learners,
            "session_starts": session_starts,
            "webinar_joins": webinar_joins,
            "rejected_sessions": rejected,
            "requests_per_s": requests,
            **{f"rps_{api}": by_api[api] for api in APIS},
            "standard_requests_per_s": standard,
            "servers_ready": ready.astype(np.int32),
            "servers_billed": billed.astype(np.int32),
            "share_within_latency_target": within,
            "over_latency_target": over,
        }
    )

    def per_hour(values: np.ndarray, how: str) -> np.ndarray:
        shaped = np.asarray(values[: hours * 60], dtype=float).reshape(hours, 60)
        return getattr(shaped, how)(axis=1)

    hourly = pd.DataFrame(
        {
            "time": timestamps[: hours * 60 : 60],
            "peak_concurrent_learners": per_hour(load["concurrent_learners"].to_numpy(), "max"),
            "peak_requests_per_s": per_hour(requests, "max"),
            "servers_needed": needed_hourly,
            "servers_ready_min": per_hour(ready, "min").astype(np.int64),
            "server_hours": per_hour(billed, "sum") / 60.0,
            "minutes_over_latency_target": per_hour(over, "sum").astype(np.int64),
            "rejected_sessions": per_hour(rejected, "sum"),
        }
    )
    server_hours = float(billed.sum()) / 60.0
    kpis = {
        "peak_requests_per_s": float(requests.max()) if minutes else 0.0,
        "servers_needed": float(needed_hourly.max()) if hours else 0.0,
        "rejected_sessions": float(rejected.sum()),
        "minutes_over_latency_target": float(over.sum()),
        "server_hours": server_hours,
        "server_cost": server_hours * config.server.cost_per_hour,
    }
    return PlatformTables(load=load, hourly=hourly, kpis=kpis)
