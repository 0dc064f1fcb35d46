"""The reference engine's platform (a `ServerPool`) against queueing theory, in the way
Ciw's tests check its simulator: Poisson arrivals and exponential service reproduce the
Erlang C probability of waiting and the M/M/c mean wait within 99% confidence intervals
over replications, and Little's law holds within 2% in every run."""

from __future__ import annotations

import math

import numpy as np
import pytest
import simpy
from scipy import stats

from sim.engines.server_pool import ServerPool
from sim.platform.queueing import erlang_b, erlang_c, mean_wait


def test_erlang_formulas_match_published_values():
    # Textbook values: B(5, 3) = 0.1101, C(5, 3) = 0.2362 (e.g. Kleinrock, Gross & Harris);
    # C(2, 1) = 1/3 and the M/M/1 wait rho / (mu - lambda).
    assert erlang_b(5, 3.0) == pytest.approx(0.1101, abs=1e-4)
    assert erlang_c(5, 3.0) == pytest.approx(0.2362, abs=1e-4)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert mean_wait(1, 0.5, 1.0) == pytest.approx(1.0)
    assert erlang_c(3, 3.0) == 1.0 and math.isinf(mean_wait(3, 3.0, 1.0))


def simulate_mmc(servers: int, arrival_rate: float, service_rate: float, horizon: float, seed):
    """One replication; statistics over customers arriving after a warm-up of 10%."""
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    pool = ServerPool(env, servers)
    warm_up = 0.1 * horizon
    waits: list[float] = []
    sojourns: list[float] = []

    def customer():
        arrived = env.now
        yield pool.acquire()
        seated = env.now
        yield env.timeout(rng.exponential(1 / service_rate))
        pool.release()
        sojourns.append(env.now - arrived)
        if arrived >= warm_up:
            waits.append(seated - arrived)

    def arrivals():
        while True:
            yield env.timeout(rng.exponential(1 / arrival_rate))
            env.process(customer())

    env.process(arrivals())
    env.run(until=horizon)
    waits_array = np.array(waits)
    return {
        "p_wait": float((waits_array > 0).mean()),
        "mean_wait": float(waits_array.mean()),
        "L": pool.mean_in_system(),
        "lambda": pool.arrivals / horizon,
        "W": float(np.mean(sojourns)),
    }


@pytest.fixture(scope="module")
def replications():
    servers, arrival_rate, service_rate = 5, 4.0, 1.0  # 80% utilisation
    runs = [simulate_mmc(servers, arrival_rate, service_rate, 1_500.0, seed) for seed in range(30)]
    return (servers, arrival_rate, service_rate), runs


def confidence_interval(values: list[float], level: float = 0.99) -> tuple[float, float]:
    values_array = np.asarray(values)
    half = stats.t.ppf(0.5 + level / 2, len(values) - 1) * stats.sem(values_array)
    return values_array.mean() - half, values_array.mean() + half


def test_probability_of_waiting_is_erlang_c(replications):
    (servers, arrival_rate, service_rate), runs = replications
    low, high = confidence_interval([r["p_wait"] for r in runs])
    assert low <= erlang_c(servers, arrival_rate / service_rate) <= high


def test_mean_wait_is_the_mmc_wait(replications):
    (servers, arrival_rate, service_rate), runs = replications
    low, high = confidence_interval([r["mean_wait"] for r in runs])
    assert low <= mean_wait(servers, arrival_rate, service_rate) <= high


def test_littles_law_in_every_run(replications):
    _, runs = replications
    for run in runs:
        assert run["L"] == pytest.approx(run["lambda"] * run["W"], rel=0.02)


def test_a_wrong_server_count_is_caught(replications):
    """The confidence interval is tight enough to tell 5 servers from 6."""
    (servers, arrival_rate, service_rate), runs = replications
    low, high = confidence_interval([r["p_wait"] for r in runs])
    assert not low <= erlang_c(servers + 1, arrival_rate / service_rate) <= high


def test_infinite_pool_never_queues():
    env = simpy.Environment()
    pool = ServerPool(env)
    events = [pool.acquire() for _ in range(1_000)]
    env.run()
    assert all(e.processed for e in events) and pool.waited == 0 and pool.busy == 1_000


def test_a_pool_needs_a_server():
    with pytest.raises(ValueError, match="at least one server"):
        ServerPool(simpy.Environment(), 0)
