"""The server model fitted to the 2021 load test: both closed-loop tests replayed in SimPy
against the fitted model reproduce their figures, the open-model latency agrees with a
simulated queue, and servers for a target rise as the target tightens."""

from __future__ import annotations

import numpy as np
import pytest
import simpy

from sim.config import APIS, ConfigError, LoadTestConfig, PlatformConfig
from sim.data.published import published
from sim.platform.client_load import ClientLoad
from sim.platform.load_test_fit import fit_load_test, server_model
from sim.platform.queueing import ServerModel

TOLERANCE = 0.02  # relative, on throughput and mean latency


def closed_loop(
    threads: int, slots: int, own_times: list[float], think: float, seconds: float, seed: int
) -> tuple[float, float]:
    """(throughput/s, mean latency s) of a closed-loop load test against `slots` request
    slots: each thread sends a request of a random class (uniform over `own_times`), which
    waits for a slot and holds it for its own time; the thread then thinks and repeats.
    Measured after a warm-up of a fifth of the run."""
    env = simpy.Environment()
    pool = simpy.Resource(env, capacity=slots)
    rng = np.random.default_rng(seed)
    warm = seconds / 5
    done, latency = [0], [0.0]

    def thread():
        yield env.timeout(rng.random() * max(own_times))  # threads start spread out
        while True:
            sent = env.now
            with pool.request() as slot:
                yield slot
                yield env.timeout(own_times[rng.integers(len(own_times))])
            if env.now > warm:
                done[0] += 1
                latency[0] += env.now - sent
            if think:
                yield env.timeout(think)

    for _ in range(threads):
        env.process(thread())
    env.run(until=seconds)
    return done[0] / (seconds - warm), latency[0] / done[0]


def test_the_fit_uses_the_published_figures():
    figures = published()["platform_load_test_2021"]
    test = LoadTestConfig()
    assert test.soak_requests_per_s == figures["soak_mixed_requests_per_second"]
    assert test.soak_mean_latency_ms == figures["soak_avg_latency_ms"]
    assert test.api_requests_per_s == figures["per_api_requests_per_second_at_100_threads"]
    assert figures["cluster"].startswith(f"{test.nodes} nodes")


def replay_soak(test: LoadTestConfig, seed: int) -> tuple[float, float]:
    """The soak replayed against the model fitted to `test`: its threads (Little's law),
    the fitted cluster's slots, the APIs in equal shares, the test's think time."""
    fitted = fit_load_test(test)
    return closed_loop(
        threads=round(fitted.soak_threads),
        slots=test.nodes * fitted.slots,
        own_times=[fitted.own_time_s[api] for api in APIS],
        think=test.think_time_ms / 1000.0,
        seconds=6.0,
        seed=seed,
    )


def test_the_fitted_model_reproduces_the_soak_test():
    """The soak's threads (Little's law) against the fitted cluster, in an equal-share mix
    of the APIs: 5,475 requests/s at a mean latency of 246 ms."""
    test = LoadTestConfig()
    throughput, latency = replay_soak(test, seed=1)
    assert throughput == pytest.approx(test.soak_requests_per_s, rel=TOLERANCE)
    assert 1000 * latency == pytest.approx(test.soak_mean_latency_ms, rel=TOLERANCE)


@pytest.mark.parametrize("api", APIS)
def test_the_fitted_model_reproduces_each_apis_run_at_100_threads(api):
    test = LoadTestConfig()
    fitted = fit_load_test(test)
    throughput, _ = closed_loop(
        threads=test.api_threads,
        slots=test.nodes * fitted.slots,
        own_times=[fitted.own_time_s[api]],
        think=0.0,
        seconds=3.0,
        seed=2,
    )
    assert throughput == pytest.approx(test.api_requests_per_s[api], rel=TOLERANCE)


def test_a_think_time_is_taken_out_of_the_latency():
    """With 20 ms of think time per request, the same figures mean shorter own times and
    the soak replayed with think time still gives its throughput and latency."""
    test = LoadTestConfig(think_time_ms=20.0)
    fitted = fit_load_test(test)
    default = fit_load_test(LoadTestConfig())
    assert fitted.own_time_s["content_read"] == pytest.approx(
        default.own_time_s["content_read"] - 0.020
    )
    throughput, latency = replay_soak(test, seed=3)
    assert throughput == pytest.approx(test.soak_requests_per_s, rel=TOLERANCE)
    assert 1000 * latency == pytest.approx(test.soak_mean_latency_ms, rel=TOLERANCE)


def test_the_old_constant_service_time_fails_the_per_api_runs():
    """The 0.2 model (8 workers a node, 10.2 ms a standard request, costs as now) would
    have served content_read at 100 threads about 8 times faster than measured (asked
    here: more than 5 times): the per-API figures are what rule it out."""
    test = LoadTestConfig()
    fitted = fit_load_test(test)
    standard = 8 * test.nodes / test.soak_requests_per_s
    own = standard * fitted.cost["content_read"]
    throughput, _ = closed_loop(100, 8 * test.nodes, [own], 0.0, seconds=1.0, seed=4)
    assert throughput > 5 * test.api_requests_per_s["content_read"]


def open_queue(
    model: ServerModel, rate: float, servers: int, seconds: float, seed: int
) -> tuple[float, float]:
    """(share over target, mean wait s) of Poisson arrivals at `rate` standard requests/s
    to `servers` x `slots` slots, each request of a class drawn by the model's shares."""
    env = simpy.Environment()
    pool = simpy.Resource(env, capacity=servers * model.slots)
    rng = np.random.default_rng(seed)
    per_request = model.mean_own_s / model.standard_time_s  # standard units per request
    arrivals = rate / per_request
    over, waits, count = [0], [0.0], [0]
    warm = seconds / 5

    def request(own: float):
        sent = env.now
        with pool.request() as slot:
            yield slot
            waited = env.now - sent
            yield env.timeout(own)
        if sent > warm:
            count[0] += 1
            waits[0] += waited
            over[0] += env.now - sent > model.target_s

    def source():
        while True:
            yield env.timeout(rng.exponential(1 / arrivals))
            own = model.own_times_s[rng.choice(len(model.shares), p=model.shares)]
            env.process(request(float(own)))

    env.process(source())
    env.run(until=seconds)
    return over[0] / count[0], waits[0] / count[0]


@pytest.mark.parametrize("utilisation", [0.8, 0.9])
def test_the_latency_of_a_mix_agrees_with_a_simulated_queue(utilisation):
    """Allen-Cunneen for two classes of fixed own time on 2 servers of 12 slots, against
    a simulated queue: the share over the target within 15%, or 0.004 where the share is
    small. Allen-Cunneen is an approximation: at 90% utilisation it is within 3% of the
    mean of six simulated seeds, and single seeds scatter by up to 13%."""
    model = ServerModel(
        slots=12,
        standard_time_s=0.15,
        classes=("fast", "slow"),
        own_times_s=np.array([0.1, 0.3]),
        shares=np.array([0.6, 0.4]),
        target_s=0.35,
        quantile=0.95,
    )
    rate = utilisation * 2 * model.server_rate
    simulated, _ = open_queue(model, rate, servers=2, seconds=2000.0, seed=5)
    predicted = float(model.share_over_target(np.array([rate]), np.array([2]))[0])
    assert predicted == pytest.approx(simulated, rel=0.15, abs=0.004)


def test_servers_needed_rise_as_the_target_tightens():
    platform = PlatformConfig()
    mix = ClientLoad.from_config(platform).steady_mix()
    rates = np.array([5_475.0, 20_000.0, 200_000.0])
    targets = [2_000, 1_000, 500, 400, 340, 324]  # the lowest that can be met: 323 ms
    needed = [
        server_model(platform.model_copy(update={"latency_target_ms": t}), mix).servers_needed(
            rates
        )
        for t in targets
    ]
    assert np.all(np.diff(np.array(needed), axis=0) >= 0)  # never fewer for a tighter target
    assert (needed[-1] > needed[0]).all()  # and more at the tightest


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"think_time_ms": 60.0}, "leaves no time for a request"),
        ({"soak_mean_latency_ms": 100.0}, "cannot have been at saturation"),
        ({"nodes": 7, "soak_requests_per_s": 50.0}, "fewer than the 100 threads"),
        ({"api_requests_per_s": {"content_read": 10.0}}, "throughput missing"),
    ],
)
def test_load_test_figures_that_contradict_the_fit_name_the_problem(settings, message):
    with pytest.raises((ConfigError, ValueError), match=message):
        fit_load_test(LoadTestConfig(**settings))
