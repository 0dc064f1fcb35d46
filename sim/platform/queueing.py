"""Queueing formulas for a platform of servers that each hold a number of requests in
progress: Erlang B and C, the M/M/c mean wait, the Allen-Cunneen approximation for general
service times, and the latency of a request mix (own time plus the wait for a slot).

Used to check the simulated platform against theory, to size servers for a latency target
and to tell, minute by minute, whether the servers available meet it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from sim.config import ConfigError


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


def erlang_c_array(slots: np.ndarray, load: np.ndarray) -> np.ndarray:
    """Erlang C for arrays of slot counts and offered loads, via Erlang B as the Poisson
    ratio pmf(c) / cdf(c) (stable for thousands of slots); 1 where a >= c."""
    slots = np.asarray(slots, dtype=float)
    load = np.asarray(load, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        blocking = _poisson_pmf(slots, load) / _poisson_cdf(slots, load)
        waiting = slots * blocking / (slots - load * (1.0 - blocking))
    return np.where(load < slots, np.clip(np.nan_to_num(waiting), 0.0, 1.0), 1.0)


def _poisson_pmf(count: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """`scipy.stats.poisson.pmf` for whole counts >= 0 and means >= 0, by the same
    ufuncs in the same order (to the bit), without importing `scipy.stats` (about 1 s of
    every command's start; `scipy.special` costs a quarter of that)."""
    return np.clip(np.exp(special.xlogy(count, mean) - special.gammaln(count + 1) - mean), 0, 1)


def _poisson_cdf(count: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """`scipy.stats.poisson.cdf` for counts >= 0 and means >= 0 (see `_poisson_pmf`)."""
    return np.clip(special.pdtr(np.floor(count), mean), 0, 1)


@dataclass(frozen=True, eq=False)
class ServerModel:
    """Identical servers, each holding `slots` requests in progress at once. A request of
    class i (an API) holds a slot for its own time `own_times_s[i]` and, when every slot
    is busy, first waits for one: M/G/c with Poisson arrivals, the wait by Allen-Cunneen
    (Erlang C, with an exponential tail scaled by (1 + scv) / 2). Rates are in standard
    requests per second; one standard request holds a slot for `standard_time_s`."""

    slots: int
    standard_time_s: float
    classes: tuple[str, ...]
    own_times_s: np.ndarray
    shares: np.ndarray  # share of requests in each class
    target_s: float
    quantile: float

    @property
    def server_rate(self) -> float:
        """Standard requests per second a server serves with every slot busy."""
        return self.slots / self.standard_time_s

    @property
    def mean_own_s(self) -> float:
        return float(self.shares @ self.own_times_s)

    @property
    def service_scv(self) -> float:
        """Squared coefficient of variation of the time a request holds its slot (each
        class's own time is fixed: the 2021 test gives means only)."""
        return float(self.shares @ self.own_times_s**2) / self.mean_own_s**2 - 1.0

    @property
    def unmeetable_share(self) -> float:
        """Share of requests whose own time alone exceeds the target."""
        return float(self.shares[self.own_times_s >= self.target_s].sum())

    @property
    def feasible(self) -> bool:
        """Whether some number of servers meets the target: the requests whose own time
        alone misses it must be fewer than the share allowed to miss (with exactly that
        share, every other request would have to wait not at all)."""
        return self.unmeetable_share < 1.0 - self.quantile - 1e-12

    def lowest_feasible_target_s(self) -> float:
        """A target must exceed this: the smallest own time beyond which the requests
        that take longer are fewer than the share allowed to miss."""
        used = self.shares > 0
        own, shares = self.own_times_s[used], self.shares[used]
        order = np.argsort(own)
        longer = shares[order][::-1].cumsum()[::-1] - shares[order]  # share above each
        first = int(np.argmax(longer < 1.0 - self.quantile - 1e-12))
        return float(own[order][first])

    def check_target(self) -> None:
        if self.feasible:
            return
        slow = [
            f"{name} {1000 * t:.0f} ms ({share:.0%} of requests)"
            for name, t, share in zip(self.classes, self.own_times_s, self.shares, strict=True)
            if t >= self.target_s and share > 0
        ]
        raise ConfigError(
            f"platform.latency_target_ms: {1000 * self.target_s:g} ms for {self.quantile:.0%} "
            f"of requests cannot be met by any number of servers: without any queueing, "
            f"{', '.join(slow)} take at least that long (2021 load test). A target must "
            f"be above {1000 * self.lowest_feasible_target_s():.1f} ms"
        )

    def share_over_target(self, rate: np.ndarray, servers: np.ndarray) -> np.ndarray:
        """Share of requests answered later than the target, per element: for each class,
        1 if its own time exceeds the target, else P(wait > target - own time)."""
        rate = np.asarray(rate, dtype=float)
        servers = np.broadcast_to(np.asarray(servers, dtype=float), rate.shape)
        slots = servers * self.slots
        load = rate * self.standard_time_s
        waiting = erlang_c_array(slots, load)
        with np.errstate(divide="ignore", invalid="ignore"):
            decay = (slots - load) / self.mean_own_s * 2.0 / (1.0 + self.service_scv)
        over = np.zeros(rate.shape)
        for own, share in zip(self.own_times_s, self.shares, strict=True):
            if own >= self.target_s:
                over += share
            else:
                tail = waiting * np.exp(-np.maximum(decay, 0.0) * (self.target_s - own))
                over += share * np.where(load < slots, np.minimum(tail, 1.0), 1.0)
        return np.where(rate > 0, over, 0.0)

    def share_within_target(self, rate: np.ndarray, servers: np.ndarray) -> np.ndarray:
        """Share of requests answered within the target, per element (1 with no load)."""
        return 1.0 - self.share_over_target(rate, servers)

    def servers_needed(self, rate: np.ndarray, max_servers: int = 100_000) -> np.ndarray:
        """Smallest server count meeting the latency target at each rate (0 for no load)."""
        self.check_target()
        rate = np.asarray(rate, dtype=float)
        needed = np.zeros(rate.shape, dtype=np.int64)
        busy = rate > 0
        trial = np.floor(rate * self.standard_time_s / self.slots).astype(np.int64) + 1
        open_ = np.flatnonzero(busy)
        while open_.size:
            if trial[open_].min() > max_servers:
                raise ValueError(f"more than {max_servers} servers needed")
            met = self.share_over_target(rate[open_], trial[open_]) <= 1.0 - self.quantile
            needed[open_[met]] = trial[open_[met]]
            open_ = open_[~met]
            trial[open_] += 1
        return needed
