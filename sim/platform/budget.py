"""What a capacity team decides before a campaign: the fewest fixed servers, or the
cheapest autoscaler settings, that keep the latency target in the busiest hour in 9 of 10
futures (the runs of a calibrated ensemble).

A future's busiest hour is its hour of highest mean load; it meets the target when the
target's share of its requests (95% by default), pooled over its minutes, are answered
within the target. The autoscaler is replayed on each future's minute-by-minute load
(sim/platform/plan.py), starting from its minimum at the first minute.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from sim.config import AutoscalerConfig, PlatformConfig
from sim.platform.client_load import ClientLoad
from sim.platform.load_test_fit import server_model
from sim.platform.plan import replay_autoscaler
from sim.platform.queueing import ServerModel


@dataclass(frozen=True)
class Future:
    """One future's load per minute: standard requests/s (what servers serve) and
    requests/s (what latency is counted over)."""

    standard: np.ndarray
    requests: np.ndarray

    @cached_property
    def busiest_hour(self) -> slice:
        hours = self.standard.size // 60
        means = self.standard[: hours * 60].reshape(hours, 60).mean(axis=1)
        start = int(np.argmax(means)) * 60
        return slice(start, start + 60)

    def meets_target(self, model: ServerModel, ready: np.ndarray) -> bool:
        """Whether the busiest hour's requests, pooled, meet the latency target."""
        hour = self.busiest_hour
        requests = self.requests[hour]
        within = model.share_within_target(self.standard[hour], ready[hour])
        total = requests.sum()
        return bool(total == 0 or (within * requests).sum() / total >= model.quantile - 1e-12)


SHARE = 0.9  # of futures that must meet the target: "9 of 10"
UTILISATIONS = [0.5, 0.6, 0.7, 0.8, 0.9]  # the autoscaler's target utilisations tried


def futures_needed(n: int, share: float = SHARE) -> int:
    """Futures that must meet the target: 9 of 10 is ceil(0.9 n)."""
    if n < 1 or not 0.0 < share <= 1.0:
        raise ValueError(f"need at least one future and a share in (0, 1] (got {n}, {share})")
    return math.ceil(share * n - 1e-9)


def servers_for(model: ServerModel, future: Future, max_servers: int = 100_000) -> int:
    """The fewest fixed servers meeting the target in the future's busiest hour."""
    hour = future.busiest_hour
    n = max(int(np.floor(future.standard[hour].max() * model.standard_time_s / model.slots)), 1)
    while not future.meets_target(model, np.full(future.standard.size, n)):
        n += 1
        if n > max_servers:
            raise ValueError(f"more than {max_servers} servers needed")
    return n


def fewest_servers(model: ServerModel, futures: list[Future], share: float = SHARE) -> int:
    """The fewest fixed servers meeting the target in at least `share` of the futures:
    each future's own need, at the futures_needed-th smallest."""
    model.check_target()
    needs = sorted(servers_for(model, f) for f in futures)
    return needs[futures_needed(len(futures), share) - 1]


@dataclass(frozen=True)
class AutoscalerOutcome:
    settings: AutoscalerConfig
    futures_meeting_target: int
    server_hours: float  # mean over the futures
    cost: float  # mean over the futures

    @property
    def summary(self) -> dict:
        return {
            "min_servers": self.settings.min_servers,
            "target_utilisation": self.settings.target_utilisation,
            "futures_meeting_target": self.futures_meeting_target,
            "server_hours": self.server_hours,
            "cost": self.cost,
        }


def autoscaler_outcome(
    platform: PlatformConfig,
    model: ServerModel,
    futures: list[Future],
    settings: AutoscalerConfig,
) -> AutoscalerOutcome:
    met, hours = 0, []
    for future in futures:
        ready, billed = replay_autoscaler(platform, future.standard, settings)
        met += future.meets_target(model, ready)
        hours.append(float(billed.sum()) / 60)
    mean_hours = float(np.mean(hours))
    return AutoscalerOutcome(settings, met, mean_hours, mean_hours * platform.server.cost_per_hour)


def cheapest_autoscaler(
    platform: PlatformConfig,
    model: ServerModel,
    futures: list[Future],
    utilisations: list[float],
    max_min_servers: int,
    share: float = SHARE,
) -> AutoscalerOutcome | None:
    """The cheapest (min_servers, target_utilisation) on the grid meeting the target in
    `share` of the futures, the other settings as configured. For each utilisation the
    smallest feasible minimum is found by bisection, which takes feasibility to grow with
    the minimum and cost to grow with it too (tests/test_capacity_planning.py checks
    the answer against trying every setting). None if no setting on the grid will do."""
    model.check_target()
    required = futures_needed(len(futures), share)
    base = platform.autoscaler.model_copy(update={"enabled": True})
    ceiling = max(max_min_servers, 1)
    best: AutoscalerOutcome | None = None
    for utilisation in utilisations:

        def run(minimum: int, utilisation: float = utilisation) -> AutoscalerOutcome:
            settings = base.model_copy(
                update={
                    "min_servers": minimum,
                    "max_servers": max(base.max_servers, ceiling, minimum),
                    "target_utilisation": utilisation,
                }
            )
            return autoscaler_outcome(platform, model, futures, settings)

        top = run(ceiling)
        if top.futures_meeting_target < required:
            continue
        low, high, found = 1, ceiling, top
        while low < high:
            middle = (low + high) // 2
            outcome = run(middle)
            if outcome.futures_meeting_target >= required:
                high, found = middle, outcome
            else:
                low = middle + 1
        if best is None or found.cost < best.cost:
            best = found
    return best


def plan_budget(platform: PlatformConfig, futures: list[Future]) -> dict:
    """Both answers as plain data: the fewest fixed servers (and their cost over the
    shortest future) and the cheapest autoscaler settings on the grid."""
    model = server_model(platform, ClientLoad.from_config(platform).steady_mix())
    hours = min(f.standard.size for f in futures) / 60
    fixed = fewest_servers(model, futures)
    scaler = cheapest_autoscaler(platform, model, futures, UTILISATIONS, max_min_servers=fixed)
    return {
        "futures_required": futures_needed(len(futures)),
        "futures": len(futures),
        "fixed_servers": fixed,
        "fixed_cost": fixed * hours * platform.server.cost_per_hour,
        "autoscaler": scaler.summary if scaler else None,
    }
