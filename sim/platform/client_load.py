"""Platform load: the requests learners' clients send and what they cost a server.

Requests come from three sources (per minute): learners in a session (heartbeats,
progress writes, a content item every few minutes), session starts (log-in, enrolment
list, search, course tree) and webinar joins (a synchronised spike at each start). Costs
are in "standard requests": one standard request holds a server's slot for the mean own
time of the 2021 load test's APIs in equal shares (sim/platform/load_test_fit.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config import APIS, PlatformConfig
from sim.platform.load_test_fit import fit_load_test


@dataclass(frozen=True)
class ClientLoad:
    steady: dict[str, float]  # requests/s per learner in a session, by API
    webinar_steady: dict[str, float]  # requests/s per webinar attendee
    per_start: dict[str, float]  # requests per session start
    per_join: dict[str, float]  # requests per webinar join
    join_spread_seconds: float
    cost: dict[str, float]  # standard requests per request of each API

    @classmethod
    def from_config(cls, platform: PlatformConfig) -> ClientLoad:
        client = platform.client
        item_s = client.content_item_minutes * 60
        steady = dict.fromkeys(APIS, 0.0)
        steady["send_telemetry"] = (
            client.video_share / client.video_heartbeat_seconds
            + (1 - client.video_share) / client.pdf_heartbeat_seconds
        )
        steady["content_state_update"] = 1 / client.progress_write_seconds
        steady["content_read"] = 1 / item_s
        steady["content_state_read"] = 1 / item_s
        webinar = dict.fromkeys(APIS, 0.0)
        webinar["send_telemetry"] = 1 / client.webinar_heartbeat_seconds
        return cls(
            steady=steady,
            webinar_steady=webinar,
            per_start={a: client.on_session_start.get(a, 0.0) for a in APIS},
            per_join={a: client.on_webinar_join.get(a, 0.0) for a in APIS},
            join_spread_seconds=client.join_spread_seconds,
            cost=fit_load_test(platform.server.load_test).cost,
        )

    @property
    def standard_per_learner(self) -> float:
        """Standard requests/s one learner in a session sends."""
        return sum(rate * self.cost[a] for a, rate in self.steady.items())

    def steady_mix(self) -> dict[str, float]:
        total = sum(self.steady.values())
        return {a: rate / total for a, rate in self.steady.items()}

    def by_api(
        self,
        session_learners: np.ndarray,
        webinar_learners: np.ndarray,
        session_starts: np.ndarray,
        webinar_joins: np.ndarray,
    ) -> dict[str, np.ndarray]:
        """Requests per second in each minute, by API. Session starts spread over their
        minute; webinar joins over the first `join_spread_seconds` of theirs."""
        return {
            api: self.steady[api] * session_learners
            + self.webinar_steady[api] * webinar_learners
            + self.per_start[api] * session_starts / 60.0
            + self.per_join[api] * webinar_joins / self.join_spread_seconds
            for api in APIS
        }

    def standard_load(self, by_api: dict[str, np.ndarray]) -> np.ndarray:
        """Standard requests per second (what servers' capacity is measured in)."""
        return sum(self.cost[api] * rate for api, rate in by_api.items())
