"""Queueing formulas for a platform of c servers: Erlang B and C, and the mean wait.

Used to check the simulated platform against theory, and to size servers.
"""

from __future__ import annotations


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
