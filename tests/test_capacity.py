"""Platform load and capacity: the client request model, server sizing against queueing
theory, the autoscaler rule, overload, and the load series' consistency with sessions."""

from __future__ import annotations

import math

import numpy as np
import pytest
import simpy
from conftest import sampled
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sim.config import APIS, AutoscalerConfig, ConfigError, PlatformConfig
from sim.platform.autoscaler import Autoscaler
from sim.platform.client_load import ClientLoad
from sim.platform.load_test_fit import server_model
from sim.platform.queueing import ServerModel, erlang_c, erlang_c_array
from sim.simulate import simulate


def test_client_load_follows_the_platform_heartbeats():
    load = ClientLoad.from_config(PlatformConfig())
    # 60% video (a heartbeat every 120 s) and 40% PDF (every 30 s), as in the platform code
    assert load.steady["send_telemetry"] == pytest.approx(0.6 / 120 + 0.4 / 30)
    one = np.array([1.0])
    zero = np.array([0.0])
    by_api = load.by_api(session_learners=zero, webinar_learners=zero, session_starts=one * 60,
                         webinar_joins=zero)  # fmt: skip
    assert by_api["content_search"][0] == pytest.approx(2.0)  # two searches per start
    spike = load.by_api(zero, zero, zero, webinar_joins=one * 600)
    assert spike["user_read"][0] == pytest.approx(10.0)  # 600 joins spread over 60 s
    # the load test's cheapest API costs least
    assert min(load.cost, key=load.cost.get) == "content_read"
    assert set(by_api) == set(APIS)


def one_class(slots: int, own_s: float, target_s: float, quantile: float) -> ServerModel:
    """Servers whose every request holds its slot for `own_s` (M/D/c)."""
    return ServerModel(slots, own_s, ("api",), np.array([own_s]), np.array([1.0]), target_s,
                       quantile)  # fmt: skip


def brute_force_servers(rate: float, model: ServerModel) -> int:
    """Smallest n with C(c, a) exp(-2 (c - a) / (1 + scv) t / s) <= 1 - q, from the scalar
    Erlang C recursion (one class of fixed own time s: scv = 0)."""
    s = model.standard_time_s
    for n in range(1, 1000):
        c, a = n * model.slots, rate * s
        if a >= c:
            continue
        tail = erlang_c(c, a) * math.exp(-2 * (c - a) / s * (model.target_s - s))
        if tail <= 1 - model.quantile:
            return n
    raise AssertionError("not found")


@pytest.mark.parametrize("rate", [1.0, 50.0, 78.0, 300.0, 547.5, 4_000.0])
def test_servers_needed_matches_the_erlang_c_formula(rate):
    model = one_class(slots=8, own_s=0.1, target_s=0.3, quantile=0.95)
    assert model.servers_needed(np.array([rate]))[0] == brute_force_servers(rate, model)


def test_erlang_c_of_many_slots_matches_the_recursion():
    for slots, load in [(1, 0.5), (8, 6.0), (118, 110.0), (826, 800.0), (5000, 4990.0)]:
        assert erlang_c_array(np.array([slots]), np.array([load]))[0] == pytest.approx(
            erlang_c(slots, load), rel=1e-9
        )


@settings(max_examples=300, deadline=None)
@given(
    slots=st.lists(st.integers(0, 20_000), min_size=1, max_size=20),
    loads=st.lists(st.floats(0.0, 25_000.0), min_size=1, max_size=20),
)
def test_erlang_c_array_is_the_scipy_stats_statement_to_the_bit(slots, loads):
    """Erlang C computes the Poisson pmf and cdf with `scipy.special` (importing
    `scipy.stats` costs about a second of every command): the same numbers as the
    `scipy.stats` statement it replaced, bit for bit."""
    size = min(len(slots), len(loads))
    c, a = np.array(slots[:size], dtype=float), np.array(loads[:size])
    c = np.concatenate([c, np.floor(a) + 1, np.ceil(a)])  # loads just below their slots
    a = np.concatenate([a, a, a])
    with np.errstate(divide="ignore", invalid="ignore"):
        blocking = stats.poisson.pmf(c, a) / stats.poisson.cdf(c, a)
        waiting = c * blocking / (c - a * (1.0 - blocking))
    expected = np.where(a < c, np.clip(np.nan_to_num(waiting), 0.0, 1.0), 1.0)
    assert erlang_c_array(c, a).tobytes() == expected.tobytes()


def test_share_within_target_falls_with_fewer_servers():
    model = one_class(slots=8, own_s=0.1, target_s=0.3, quantile=0.95)
    rate = np.full(4, 300.0)
    share = model.share_within_target(rate, np.array([3, 4, 5, 10]))
    assert share[0] == 0.0  # 3 servers of 8 slots cannot carry 300/s of 0.1 s each
    assert np.all(np.diff(share) >= 0) and share[-1] == pytest.approx(1.0)


def test_a_target_below_a_requests_own_time_names_it():
    platform = PlatformConfig(latency_target_ms=300)
    model = server_model(platform, ClientLoad.from_config(platform).steady_mix())
    with pytest.raises(ConfigError, match=r"content_state_update 323 ms \(41% of requests\)"):
        model.servers_needed(np.array([1000.0]))
    # with exactly the share allowed to miss already missing, no count of servers will do
    edge = ServerModel(8, 0.1, ("fast", "slow"), np.array([0.1, 0.6]), np.array([0.9, 0.1]),
                       target_s=0.5, quantile=0.9)  # fmt: skip
    with pytest.raises(ConfigError, match="must be above 600.0 ms"):
        edge.servers_needed(np.array([100.0]))


def step_autoscaler(config: AutoscalerConfig, load, minutes: int = 400) -> Autoscaler:
    env = simpy.Environment()
    scaler = Autoscaler(env, config, server_rate=100.0, load=load, horizon_minutes=minutes)
    env.process(scaler.run())
    env.run(until=minutes)
    return scaler


def test_autoscaler_follows_a_step_up_and_down():
    config = AutoscalerConfig(
        enabled=True, min_servers=2, max_servers=12, target_utilisation=0.5,
        startup_lag_minutes=4, scale_down_window_minutes=30,
    )  # fmt: skip
    scaler = step_autoscaler(config, lambda m: 400.0 if 100 <= m < 200 else 50.0)
    ready, billed = scaler.ready_per_minute, scaler.billed_per_minute
    assert ready[99] == 2 and billed[99] == 2
    assert billed[100] == 8  # 400/s at 50% of 100/s per server: 8 servers, ordered at once
    assert ready[100:104].max() == 2 and ready[104] == 8  # ready only after the lag
    assert ready[199] == 8
    # the window holds the last 30 recommendations: down once all of them are low
    assert billed[200:229].min() == 8 and billed[229] == 2
    assert billed.max() <= config.max_servers


def test_autoscaler_never_exceeds_its_maximum():
    config = AutoscalerConfig(enabled=True, min_servers=1, max_servers=5)
    scaler = step_autoscaler(config, lambda m: 10_000.0)
    assert scaler.billed_per_minute.max() == 5 and scaler.ready_per_minute.max() == 5


def test_autoscaler_ignores_changes_within_the_tolerance():
    config = AutoscalerConfig(enabled=True, min_servers=4, max_servers=20, tolerance=0.1)
    # 4 servers at 100/s, target 60%: 250/s is 62.5% (ratio 1.04, inside the tolerance)
    scaler = step_autoscaler(config, lambda m: 250.0)
    assert set(scaler.billed_per_minute.tolist()) == {4}


def test_bad_autoscaler_bounds_name_the_field():
    with pytest.raises(ConfigError, match="max_servers .* below min_servers"):
        sampled("saptah_2024", platform={"autoscaler": {"min_servers": 5, "max_servers": 2}})


@pytest.fixture(scope="module")
def capped_run():
    return simulate(sampled("saptah_2024", platform={"servers": 3}))


def test_every_run_reports_the_capacity_kpis(saptah_run):
    for kpi in ("peak_requests_per_s", "servers_needed", "rejected_sessions",
                "minutes_over_latency_target", "server_hours"):  # fmt: skip
        assert kpi in saptah_run.kpis
    assert saptah_run.kpis["rejected_sessions"] == 0  # unconstrained: sized hour by hour
    assert saptah_run.kpis["minutes_over_latency_target"] == 0


def test_each_hour_gets_the_fewest_servers_that_meet_the_target(saptah_run):
    """Sizing is a minimum: at the hour's busiest minute, the servers chosen meet the
    latency target and one fewer would not (checked through the queueing model's own
    latency, from the minute table, not from the sizing code)."""
    platform = saptah_run.scenario.platform
    model = server_model(platform, ClientLoad.from_config(platform).steady_mix())
    load = saptah_run.load
    hours = len(load) // 60
    peak = load["standard_requests_per_s"].to_numpy()[: hours * 60].reshape(hours, 60).max(1)
    servers = saptah_run.hourly["servers_needed"].to_numpy()
    busy = peak > 0
    assert busy.sum() > 100
    met = model.share_within_target(peak[busy], servers[busy])
    assert (met >= platform.latency_quantile).all()
    fewer = model.share_within_target(peak[busy], np.maximum(servers[busy] - 1, 0))
    assert (fewer < platform.latency_quantile).all()


def test_too_few_servers_turn_sessions_away(capped_run, saptah_run):
    kpis = capped_run.kpis
    assert kpis["servers_needed"] > 3
    assert kpis["rejected_sessions"] > 0 and kpis["minutes_over_latency_target"] > 0
    assert kpis["peak_concurrent_learners"] < saptah_run.kpis["peak_concurrent_learners"]
    assert kpis["server_hours"] == pytest.approx(3 * len(capped_run.load) / 60)


def test_every_login_is_a_session_or_turned_away(capped_run):
    daily = capped_run.daily
    assert (daily["new_logins"] == daily["new_sessions"] + daily["new_rejected_sessions"]).all()
    load = capped_run.load
    assert load["rejected_sessions"].sum() == daily["new_rejected_sessions"].sum()


def test_littles_law_on_the_simulated_load(baseline_run):
    """Mean concurrency over ordinary weeks = session arrival rate x mean session length,
    within 1% (the boundary of the window: sessions last minutes, the window weeks)."""
    daily, load = baseline_run.daily, baseline_run.load
    days = slice(7, 35)
    window = load[(load["minute"] >= 7 * 1440) & (load["minute"] < 35 * 1440)]
    arrival_rate = daily["new_sessions"].iloc[days].sum() / len(window)  # per minute
    mean_length = (
        daily["new_session_minutes"].iloc[days].sum() / daily["new_sessions"].iloc[days].sum()
    )
    assert window["session_learners"].mean() == pytest.approx(arrival_rate * mean_length, rel=0.01)


def test_a_learners_requests_follow_from_the_client_settings(saptah_run):
    """In a minute with learners but no session start or webinar, requests/s are the
    learners times the per-learner rate worked out by hand from the client settings:
    heartbeats (video or PDF), a progress write, and two calls per content item."""
    client = saptah_run.scenario.platform.client
    per_learner = (
        client.video_share / client.video_heartbeat_seconds
        + (1 - client.video_share) / client.pdf_heartbeat_seconds
        + 1 / client.progress_write_seconds
        + 2 / (client.content_item_minutes * 60)
    )
    load = saptah_run.load
    quiet = load[(load["session_starts"] == 0) & (load["webinar_learners"] == 0)
                 & (load["webinar_joins"] == 0) & (load["session_learners"] > 0)]  # fmt: skip
    assert len(quiet) > 10
    assert np.allclose(quiet["requests_per_s"], quiet["session_learners"] * per_learner)
    by_api = load[[f"rps_{api}" for api in APIS]].sum(axis=1)
    assert np.allclose(by_api, load["requests_per_s"])
    # webinar joins make a spike at each webinar start
    starts = load[load["webinar_joins"] > 0]
    assert (starts["requests_per_s"].to_numpy() > load["requests_per_s"].median()).all()


def test_staggering_ministries_lowers_the_peak():
    """Same seed, same week without an extension; ministries in 3 waves 3 days apart."""
    base = sampled("saptah_2024", calendar={"start": "2024-09-15", "end": "2024-11-05"})
    campaigns = base.canonical()["campaigns"]
    campaigns[0].update(extended_end=None, extension_announced=None)
    plain = base.with_overrides(campaigns=campaigns)
    campaigns[0].update(stagger={"waves": 3, "days_between": 3})
    staggered = base.with_overrides(campaigns=campaigns)
    before, after = simulate(plain).kpis, simulate(staggered).kpis
    assert after["peak_concurrent_learners"] < 0.95 * before["peak_concurrent_learners"]
    assert after["peak_requests_per_s"] < before["peak_requests_per_s"]


@pytest.mark.parametrize(
    ("stagger", "extra", "message"),
    [
        ({"waves": 3, "days_between": 4}, {}, "last wave would open 8 days after the start"),
        (
            {"waves": 2, "days_between": 2},
            {"extended_end": "2024-10-27"},
            "cannot also be extended",
        ),
    ],
)
def test_bad_staggers_name_the_problem(stagger, extra, message):
    base = sampled("saptah_2024")
    campaigns = base.canonical()["campaigns"]
    campaigns[0].update({"extended_end": None, "extension_announced": None, "stagger": stagger})
    campaigns[0].update(extra)
    with pytest.raises(ConfigError, match=message):
        base.with_overrides(campaigns=campaigns)
