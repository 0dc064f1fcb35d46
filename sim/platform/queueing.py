"""Queueing formulas for a platform of c servers: Erlang B and C, the M/M/c mean wait, and
the Allen-Cunneen approximation for general service times.

Used to check the simulated platform against theory, to size servers for a latency target
and to tell, minute by minute, whether the servers available meet it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def erlang_b(servers: int, offered_load: float) -> float:
    """Blocking probability of M/M/c/c, by the stable recursion B(k) = aB(k-1)/(k + aB(k-1))."""
    if servers < 0 or offered_load < 0:
        raise ValueError("servers and offered load must be non-negative")
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = offered_load * blocking / (k + offered_load * blocking)
    return blocking


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability that an arrival waits in M/M/c (offered load a = lambda / mu, in Erlangs);
    1 when the system is not stable (a >= c)."""
    if offered_load >= servers:
        return 1.0
    blocking = erlang_b(servers, offered_load)
    return servers * blocking / (servers - offered_load * (1.0 - blocking))


def mean_wait(servers: int, arrival_rate: float, service_rate: float) -> float:
    """Mean time in the queue of M/M/c, in the units of 1 / rates."""
    load = arrival_rate / service_rate
    if load >= servers:
        return float("inf")
    return erlang_c(servers, load) / (servers * service_rate - arrival_rate)


def _erlang_b_steps(load: np.ndarray, blocking: np.ndarray, start: int, stop: int) -> np.ndarray:
    """Advance the Erlang B recursion for every load from `start` servers to `stop`."""
    for k in range(start + 1, stop + 1):
        blocking = load * blocking / (k + load * blocking)
    return blocking


def _wait_tail(
    workers: int | np.ndarray,
    load: np.ndarray,
    blocking: np.ndarray,
    service_mean_s: float,
    service_scv: float,
    wait_s: float,
) -> np.ndarray:
    """P(wait > wait_s) of G/G/c by Allen-Cunneen: the M/M/c probability of waiting times an
    exponential tail whose mean wait is scaled by (ca^2 + cs^2) / 2 (Poisson arrivals: ca^2=1)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        stable = load < workers
        waiting = np.where(stable, workers * blocking / (workers - load * (1 - blocking)), 1.0)
        decay = (workers - load) / service_mean_s * 2.0 / (1.0 + service_scv)
        tail = waiting * np.exp(-np.maximum(decay, 0.0) * wait_s)
    return np.where(stable, np.minimum(tail, 1.0), 1.0)


@dataclass(frozen=True)
class ServerModel:
    """A platform of identical servers, each `workers` parallel workers; requests are in
    standard units, of which one server serves `server_rate` per second at saturation."""

    server_rate: float
    workers: int
    service_scv: float
    target_s: float
    quantile: float

    @property
    def service_mean_s(self) -> float:
        return self.workers / self.server_rate

    def share_within_target(self, rate: np.ndarray, servers: np.ndarray) -> np.ndarray:
        """Share of requests answered within the target, per element, approximated as
        P(wait <= target - mean service time)."""
        rate = np.asarray(rate, dtype=float)
        servers = np.broadcast_to(np.asarray(servers, dtype=np.int64), rate.shape)
        workers = servers * self.workers
        load = rate * self.service_mean_s
        result = np.ones(rate.shape)
        busy = rate > 0
        blocking = np.ones(int(busy.sum()))
        load_b, workers_b = load[busy], workers[busy]
        within = np.empty(load_b.size)
        order = np.argsort(workers_b, kind="stable")
        done = 0
        for c in np.unique(workers_b):
            rows = order[(workers_b[order] == c)]
            blocking = _erlang_b_steps(load_b, blocking, done, int(c))
            done = int(c)
            within[rows] = 1 - _wait_tail(
                c,
                load_b[rows],
                blocking[rows],
                self.service_mean_s,
                self.service_scv,
                self.wait_budget_s,
            )
        result[busy] = within
        return result

    @property
    def wait_budget_s(self) -> float:
        return max(self.target_s - self.service_mean_s, 0.0)

    def servers_needed(self, rate: np.ndarray, max_servers: int = 100_000) -> np.ndarray:
        """Smallest server count meeting the latency target at each rate (0 for no load)."""
        rate = np.asarray(rate, dtype=float)
        load = rate * self.service_mean_s
        needed = np.zeros(rate.shape, dtype=np.int64)
        open_ = np.flatnonzero(rate > 0)
        blocking = np.ones(open_.size)
        done = 0
        for n in range(1, max_servers + 1):
            if open_.size == 0:
                break
            c = n * self.workers
            blocking = _erlang_b_steps(load[open_], blocking, done, c)
            done = c
            tail = _wait_tail(
                c, load[open_], blocking, self.service_mean_s, self.service_scv, self.wait_budget_s
            )
            met = tail <= 1 - self.quantile
            needed[open_[met]] = n
            open_, blocking = open_[~met], blocking[~met]
        if open_.size:
            raise ValueError(f"more than {max_servers} servers needed")
        return needed
