"""The platform: what learners' clients send, what a server serves, fixed servers or an
autoscaler, and what overload does."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator, model_validator

from sim.config.base import NonNegativeFloat, PositiveFloat, Share, Strict

# APIs measured in the 2021 iGOT load test (shared/data/published_figures.yaml), with the
# requests per second each sustained alone at 100 threads on the 7-node cluster.
API_THROUGHPUT_2021 = {
    "content_read": 1759.0,
    "content_search": 564.0,
    "send_telemetry": 1039.0,
    "course_hierarchy": 1408.0,
    "user_read": 727.0,
    "enrolment_list": 431.0,
    "content_state_update": 310.0,
    "content_state_read": 895.0,
}
APIS = tuple(API_THROUGHPUT_2021)


def _check_apis(counts: dict[str, float]) -> dict[str, float]:
    unknown = sorted(set(counts) - set(APIS))
    if unknown:
        raise ValueError(f"unknown API {unknown}; known: {list(APIS)}")
    return counts


class ClientConfig(Strict):
    """What a learner's client sends. Heartbeats every 120 s on video and 30 s on PDF are
    the platform's own (platform_code_facts); the rest are modelling choices."""

    video_share: Share = 0.6  # share of learning time spent on video (the rest on PDFs)
    video_heartbeat_seconds: PositiveFloat = 120.0
    pdf_heartbeat_seconds: PositiveFloat = 30.0
    progress_write_seconds: PositiveFloat = 60.0  # content_state_update while learning
    content_item_minutes: PositiveFloat = 6.0  # each item: content_read + content_state_read
    on_session_start: dict[str, NonNegativeFloat] = {
        "user_read": 1.0,
        "enrolment_list": 1.0,
        "content_search": 2.0,
        "course_hierarchy": 1.0,
        "content_state_read": 1.0,
    }
    on_webinar_join: dict[str, NonNegativeFloat] = {
        "user_read": 1.0,
        "content_read": 1.0,
        "send_telemetry": 1.0,
    }
    webinar_heartbeat_seconds: PositiveFloat = 120.0
    join_spread_seconds: Annotated[float, Field(gt=0.0, le=60.0)] = 60.0

    _apis = field_validator("on_session_start", "on_webinar_join")(_check_apis)


class LoadTestConfig(Strict):
    """The 2021 iGOT load test (published_figures.yaml, platform_load_test_2021) that the
    server model is fitted to (sim/platform/load_test_fit.py), and how its closed-loop
    threads map to the model. `think_time_ms` is an ASSUMPTION: JMeter threads send their
    next request as soon as the last is answered (no timer is reported)."""

    nodes: Annotated[int, Field(ge=1)] = 7  # 8 vCPU, 16 GiB each
    soak_requests_per_s: PositiveFloat = 5475.0  # 11 APIs mixed, 8 hours
    soak_mean_latency_ms: PositiveFloat = 246.0
    api_threads: Annotated[int, Field(ge=1)] = 100  # each API alone
    api_requests_per_s: dict[str, PositiveFloat] = API_THROUGHPUT_2021
    think_time_ms: NonNegativeFloat = 0.0

    @field_validator("api_requests_per_s")
    @classmethod
    def _all_apis(cls, v: dict[str, float]) -> dict[str, float]:
        missing = sorted(set(APIS) - set(v))
        if missing:
            raise ValueError(f"throughput missing for {missing}")
        return _check_apis(v)

    @model_validator(mode="after")
    def _positive_own_times(self) -> LoadTestConfig:
        fastest = max(self.api_requests_per_s, key=self.api_requests_per_s.get)
        cycle_ms = 1000.0 * self.api_threads / self.api_requests_per_s[fastest]
        if self.think_time_ms >= cycle_ms:
            raise ValueError(
                f"think_time_ms ({self.think_time_ms:g}) leaves no time for a request: "
                f"{fastest} at {self.api_requests_per_s[fastest]:g} requests/s with "
                f"{self.api_threads} threads spends {cycle_ms:.1f} ms per request and think"
            )
        return self


class ServerConfig(Strict):
    """One server is one node of the 2021 load-test cluster (8 vCPU); its capacity and
    the latency it gives are fitted to that test (`load_test`)."""

    load_test: LoadTestConfig = LoadTestConfig()
    cost_per_hour: NonNegativeFloat = 40.0  # INR per server-hour (an assumption)


class AutoscalerConfig(Strict):
    """The Kubernetes horizontal autoscaler rule: desired = ceil(current x metric / target),
    skipped within the tolerance; scale-downs use the largest recommendation of the last
    window; new servers serve after the start-up lag."""

    enabled: bool = False
    min_servers: Annotated[int, Field(ge=1)] = 2
    max_servers: Annotated[int, Field(ge=1)] = 100
    target_utilisation: Annotated[float, Field(gt=0.0, le=1.0)] = 0.6
    tolerance: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.1
    check_period_minutes: Annotated[int, Field(ge=1, le=60)] = 1
    scale_down_window_minutes: Annotated[int, Field(ge=0, le=1440)] = 5
    startup_lag_minutes: Annotated[int, Field(ge=0, le=120)] = 3

    @model_validator(mode="after")
    def _bounds(self) -> AutoscalerConfig:
        if self.max_servers < self.min_servers:
            raise ValueError(
                f"max_servers ({self.max_servers}) is below min_servers ({self.min_servers})"
            )
        return self


class OverloadConfig(Strict):
    """What a learner does when the platform turns a session away."""

    propensity_loss: Share = 0.05  # relative drop in routine logins after an error
    retry_probability: Share = 0.5
    retry_after_minutes: PositiveFloat = 30.0  # mean of an exponential delay


class PlatformConfig(Strict):
    """The platform: what clients send, what a server serves, how many servers there are.

    `servers` fixes the number of servers; with `autoscaler.enabled` the autoscaler starts
    from `servers` (or its minimum) and adjusts; with neither, the platform is provisioned
    each hour with the servers the latency target needs and turns nobody away.
    """

    client: ClientConfig = ClientConfig()
    server: ServerConfig = ServerConfig()
    servers: Annotated[int, Field(ge=1)] | None = None
    autoscaler: AutoscalerConfig = AutoscalerConfig()
    overload: OverloadConfig = OverloadConfig()
    # ASSUMPTION: 95% of requests within 500 ms. The 2021 test gives a progress write
    # 323 ms on an idle platform, so 300 ms cannot be met by any number of servers.
    latency_target_ms: PositiveFloat = 500.0
    latency_quantile: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.95

    @property
    def constrained(self) -> bool:
        return self.servers is not None or self.autoscaler.enabled
