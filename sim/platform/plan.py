"""A capacity plan from a stored run: peaks, servers needed hour by hour, cost, headroom,
and what an autoscaler would have done with the run's load.

The autoscaler replay feeds the run's minute-by-minute load to the autoscaler rule after
the fact (no feedback on learners), so its server-hours and minutes over the latency
target compare directly with provisioning for the peak all the time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd
import simpy

from sim.config import AutoscalerConfig, ConfigError, PlatformConfig, Scenario
from sim.platform.autoscaler import Autoscaler
from sim.platform.client_load import ClientLoad
from sim.platform.load_test_fit import fit_load_test, server_model
from sim.platform.queueing import ServerModel


def replay_autoscaler(
    config: PlatformConfig, standard_load: np.ndarray, autoscaler: AutoscalerConfig
) -> tuple[np.ndarray, np.ndarray]:
    """(ready, billed) servers per minute had `autoscaler` watched this load."""
    env = simpy.Environment()
    scaler = Autoscaler(
        env,
        autoscaler,
        fit_load_test(config.server.load_test).server_rate,
        lambda minute: float(standard_load[minute]),
        standard_load.size,
    )
    env.process(scaler.run())
    env.run(until=standard_load.size)
    return scaler.ready_per_minute, scaler.billed_per_minute


def latency_targets_ms(model: ServerModel) -> list[float]:
    """Targets from just above the lowest that can be met to 2 s, with the configured one."""
    floor = 1000.0 * model.lowest_feasible_target_s()
    steps = [np.ceil(floor + 1.0), 400.0, 500.0, 750.0, 1000.0, 2000.0]
    return sorted({float(t) for t in steps if t > floor} | {1000.0 * model.target_s})


def autoscaler_to_replay(config: PlatformConfig, peak_servers: int) -> AutoscalerConfig:
    """The configured autoscaler, or, when it is off, the default rule up to the peak
    need: what it would have done."""
    autoscaler = config.autoscaler
    if autoscaler.enabled:
        return autoscaler
    return autoscaler.model_copy(
        update={"enabled": True, "max_servers": max(peak_servers, autoscaler.min_servers)}
    )


def provisioning_outcome(
    config: PlatformConfig,
    model: ServerModel,
    standard: np.ndarray,
    ready: np.ndarray,
    billed: np.ndarray,
) -> dict[str, float]:
    """Server-hours, cost, minutes over the latency target and most servers billed, for
    servers `ready` and `billed` per minute against the load `standard`."""
    within = model.share_within_target(standard, ready)
    hours = float(billed.sum()) / 60
    return {
        "server_hours": hours,
        "cost": hours * config.server.cost_per_hour,
        "minutes_over_latency_target": int((within < config.latency_quantile).sum()),
        "max_servers": int(billed.max()) if billed.size else 0,
    }


def capacity_plan(
    config: PlatformConfig,
    load: pd.DataFrame,
    hourly: pd.DataFrame,
    campaign_days: list[tuple[dt.date, dt.date]],
) -> dict:
    """Everything a capacity team asks before a campaign week, as plain data."""
    client = ClientLoad.from_config(config)
    model = server_model(config, client.steady_mix())
    standard = load["standard_requests_per_s"].to_numpy()
    peak_servers = int(hourly["servers_needed"].max())
    minutes = len(load)

    def option(name: str, ready: np.ndarray, billed: np.ndarray) -> dict:
        return {"option": name, **provisioning_outcome(config, model, standard, ready, billed)}

    hourly_need = np.repeat(hourly["servers_needed"].to_numpy(), 60)[:minutes]
    autoscaler = autoscaler_to_replay(config, peak_servers)
    options = [
        option("peak all the time", np.full(minutes, peak_servers), np.full(minutes, peak_servers)),
        option("hour by hour (ideal)", hourly_need, hourly_need),
        option("autoscaler", *replay_autoscaler(config, standard, autoscaler)),
    ]
    if config.servers is not None:
        fixed = np.full(minutes, config.servers)
        options.append(option(f"as configured ({config.servers} servers)", fixed, fixed))

    days = hourly.assign(date=hourly["time"].dt.date)
    in_campaign = np.zeros(len(days), dtype=bool)
    for start, end in campaign_days:
        in_campaign |= ((days["date"] >= start) & (days["date"] <= end)).to_numpy()
    focus = days[in_campaign] if in_campaign.any() else days
    per_day = focus.groupby("date").agg(
        peak_concurrent_learners=("peak_concurrent_learners", "max"),
        peak_requests_per_s=("peak_requests_per_s", "max"),
        servers_needed_max=("servers_needed", "max"),
        servers_needed_min=("servers_needed", "min"),
        busiest_hour=("peak_requests_per_s", lambda s: int(focus.loc[s.idxmax(), "time"].hour)),
    )
    peak_rps = float(load["requests_per_s"].max())
    busiest = np.array([standard.max()]) if minutes else np.zeros(1)
    targets = [
        {
            "latency_target_ms": target,
            "servers_needed": int(
                replace(model, target_s=target / 1000.0).servers_needed(busiest)[0]
            ),
        }
        for target in latency_targets_ms(model)
    ]
    capacity = config.servers * model.server_rate if config.servers else None
    return {
        "latency_target_ms": config.latency_target_ms,
        "latency_quantile": config.latency_quantile,
        "peak_concurrent_learners": float(load["concurrent_learners"].max()),
        "peak_requests_per_s": peak_rps,
        "peak_time": str(load.loc[load["requests_per_s"].idxmax(), "time"]),
        "servers_needed": peak_servers,
        "server_requests_per_s": model.server_rate,
        "headroom": (
            (config.servers / peak_servers - 1.0) if config.servers and peak_servers else None
        ),
        "configured_capacity_requests_per_s": capacity,
        "by_target": pd.DataFrame(targets),
        "per_day": per_day.reset_index().assign(date=lambda f: f["date"].astype(str)),
        "options": pd.DataFrame(options),
        "hourly": focus.drop(columns="date"),
    }


def staggered_variant(
    scenario: Scenario, waves: int, days_between: int
) -> tuple[Scenario | None, str]:
    """The scenario with its first campaign's ministries in waves (each running the full
    window from its own start; a staggered campaign has no extension), or None and why."""
    campaigns = scenario.canonical()["campaigns"]
    first = campaigns[0]
    first.update(stagger={"waves": waves, "days_between": days_between})
    first.update(extended_end=None, extension_announced=None)
    try:
        return scenario.with_overrides(name=f"{scenario.name}-staggered", campaigns=campaigns), ""
    except ConfigError as error:
        return None, str(error).split(": ", 1)[-1]
