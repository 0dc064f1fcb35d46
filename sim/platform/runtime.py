"""The platform during a run, shared by both engines: how many learners it can serve at
each minute (fixed servers, an autoscaler, or unconstrained) and the autoscaler process.

Capacity is counted in learners in a session: a server with every slot busy serves the
fitted number of standard requests per second (sim/platform/load_test_fit.py) and a
learner sends `ClientLoad.standard_per_learner` of them. Session starts and webinar joins add bursts
that the latency evaluation after the run sees, but admission does not.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import simpy

from sim.config import PlatformConfig
from sim.platform.autoscaler import Autoscaler
from sim.platform.client_load import ClientLoad
from sim.platform.load_test_fit import server_model


class PlatformRuntime:
    def __init__(self, config: PlatformConfig, scale: int, horizon_minutes: int) -> None:
        self.config = config
        self.scale = scale
        self.horizon = horizon_minutes
        self.client = ClientLoad.from_config(config)
        model = server_model(config, self.client.steady_mix())
        model.check_target()  # an unmeetable target fails before the run, not after it
        self.server_rate = model.server_rate
        self.learners_per_server = self.server_rate / self.client.standard_per_learner
        self.autoscaler: Autoscaler | None = None

    @property
    def constrained(self) -> bool:
        return self.config.constrained

    def start(self, env: simpy.Environment, agents_in_session: Callable[[int], float]) -> None:
        """Start the autoscaler, if any; it watches the learners in a session."""
        if not self.config.autoscaler.enabled:
            return
        per_agent = self.scale * self.client.standard_per_learner
        self.autoscaler = Autoscaler(
            env,
            self.config.autoscaler,
            self.server_rate,
            lambda minute: agents_in_session(minute) * per_agent,
            self.horizon,
            initial=self.config.servers,
        )
        env.process(self.autoscaler.run())

    def servers(self, minute: int) -> float:
        if self.autoscaler is not None:
            return self.autoscaler.ready(minute)
        if self.config.servers is not None:
            return self.config.servers
        return math.inf

    def capacity_agents(self, minute: int) -> float:
        """Agents that can be in a session at once at `minute`."""
        return self.servers(minute) * self.learners_per_server / self.scale

    def servers_per_minute(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(ready, billed) servers per minute, or None if the platform is unconstrained."""
        if self.autoscaler is not None:
            return self.autoscaler.ready_per_minute, self.autoscaler.billed_per_minute
        if self.config.servers is not None:
            fixed = np.full(self.horizon, self.config.servers, dtype=np.int32)
            return fixed, fixed
        return None
