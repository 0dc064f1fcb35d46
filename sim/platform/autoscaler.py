"""The Kubernetes horizontal pod autoscaler rule as a SimPy process.

Every check period it reads the load, computes the utilisation of the ready servers and
the desired count, desired = ceil(ready x utilisation / target), doing nothing while the
ratio is within the tolerance. Scaling up is immediate but new servers serve only after
the start-up lag; scaling down uses the largest recommendation of the last window (the
stabilisation window), so a brief dip does not drop servers. Counts stay within
[min_servers, max_servers]. Billed servers include those starting up.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

import numpy as np
import simpy

from sim.config import AutoscalerConfig


class Autoscaler:
    def __init__(
        self,
        env: simpy.Environment,
        config: AutoscalerConfig,
        server_rate: float,
        load: Callable[[int], float],
        horizon_minutes: int,
        initial: int | None = None,
    ) -> None:
        """`load(minute)` is the standard requests/s at that minute; `server_rate` what one
        server serves at full utilisation."""
        self.env = env
        self.config = config
        self.server_rate = server_rate
        self.load = load
        self.replicas = min(
            max(initial or config.min_servers, config.min_servers), config.max_servers
        )
        self._starting: deque[int] = deque()  # minute each starting server becomes ready
        self._recommendations: deque[tuple[int, int]] = deque()
        self.ready_per_minute = np.zeros(horizon_minutes, dtype=np.int32)
        self.billed_per_minute = np.zeros(horizon_minutes, dtype=np.int32)
        self.horizon = horizon_minutes

    def ready(self, minute: int) -> int:
        return self.replicas - sum(1 for t in self._starting if t > minute)

    def run(self):
        config = self.config
        while self.env.now < self.horizon:
            now = int(self.env.now)
            while self._starting and self._starting[0] <= now:
                self._starting.popleft()
            self._decide(now)
            for minute in range(now, min(now + config.check_period_minutes, self.horizon)):
                self.ready_per_minute[minute] = self.ready(minute)
                self.billed_per_minute[minute] = self.replicas
            yield self.env.timeout(config.check_period_minutes)

    def _decide(self, now: int) -> None:
        config = self.config
        ready = self.ready(now)
        utilisation = self.load(now) / (max(ready, 1) * self.server_rate)
        ratio = utilisation / config.target_utilisation
        desired = self.replicas
        if abs(ratio - 1.0) > config.tolerance:
            desired = math.ceil(max(ready, 1) * ratio)
        desired = min(max(desired, config.min_servers), config.max_servers)
        window = self._recommendations
        window.append((now, desired))
        while window and window[0][0] <= now - config.scale_down_window_minutes:
            window.popleft()
        if desired > self.replicas:
            self._starting.extend([now + config.startup_lag_minutes] * (desired - self.replicas))
            self.replicas = desired
        elif desired < self.replicas:
            stabilised = max(d for _, d in window)
            drop = self.replicas - stabilised
            while drop > 0 and self._starting:  # cancel servers still starting first
                self._starting.pop()
                drop -= 1
                self.replicas -= 1
            self.replicas -= max(drop, 0)
