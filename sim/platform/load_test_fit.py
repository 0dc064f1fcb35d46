"""The server model fitted to the 2021 iGOT load test.

The test was closed-loop: a fixed number of threads each sent a request, waited for the
answer, (thought,) and sent the next. By Little's law a thread's cycle is then
threads / throughput, and a request's latency that cycle less the think time. The model
maps the test this way:

- Each API alone, at 100 threads: below saturation. The mixed soak carried 5,475
  requests/s, 3 to 18 times any single API's figure, so 100 threads did not fill the
  cluster; the test then measures each API's own time (latency without queueing):
  own_i = threads / X_i - think.
- The soak, 11 APIs mixed: at saturation, the throughput plateau of a closed loop with
  more threads (5,475 x 0.246 = 1,347 in flight) than the cluster holds. A node holds
  `slots` requests in progress at once (threads, connections); each request holds its
  slot for its own time. At saturation throughput = nodes x slots / mean own time, so
  slots = X_soak x own_mix / nodes. Its mix is not published; it is taken as the 8
  measured APIs in equal shares (ASSUMPTION), which is also the "standard request" that
  capacities are counted in.
- Latency beyond the own time is the wait for a slot (sim/platform/queueing.py), so it
  rises with load as in the soak, where the mix's own time of 151 ms grew to 246 ms.

Nine figures fix nine quantities (eight own times and the slots), so the fit is exact;
what carries the weight is the mapping above, which the tests check by replaying both
closed-loop tests in SimPy against the fitted model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config import APIS, ConfigError, LoadTestConfig, PlatformConfig
from sim.platform.queueing import ServerModel


@dataclass(frozen=True)
class FittedServer:
    own_time_s: dict[str, float]  # each API's latency without queueing
    standard_time_s: float  # the equal-share mix's mean own time: one "standard request"
    slots_fitted: float  # requests a node holds in progress at once, before rounding
    soak_threads: float  # threads in flight in the soak, by Little's law

    @property
    def slots(self) -> int:
        return max(round(self.slots_fitted), 1)

    @property
    def server_rate(self) -> float:
        """Standard requests per second one server serves at saturation."""
        return self.slots / self.standard_time_s

    @property
    def cost(self) -> dict[str, float]:
        """Standard requests per request of each API (its own time over the standard)."""
        return {api: t / self.standard_time_s for api, t in self.own_time_s.items()}


def fit_load_test(test: LoadTestConfig) -> FittedServer:
    """The fitted server, or a ConfigError when the figures contradict the mapping."""
    think = test.think_time_ms / 1000.0
    own = {api: test.api_threads / test.api_requests_per_s[api] - think for api in APIS}
    standard = sum(own.values()) / len(own)
    soak_latency = test.soak_mean_latency_ms / 1000.0
    if soak_latency < standard:
        raise ConfigError(
            f"platform.server.load_test: the soak's mean latency ({test.soak_mean_latency_ms:g}"
            f" ms) is below the mix's own time ({1000 * standard:.0f} ms), so the soak cannot "
            "have been at saturation as the fit assumes"
        )
    slots = test.soak_requests_per_s * standard / test.nodes
    if test.nodes * slots < test.api_threads:
        raise ConfigError(
            f"platform.server.load_test: the fitted cluster holds {test.nodes * slots:.0f} "
            f"requests at once, fewer than the {test.api_threads} threads of the per-API "
            "runs, which the fit takes to be below saturation"
        )
    threads = test.soak_requests_per_s * (soak_latency + think)
    return FittedServer(
        own_time_s=own, standard_time_s=standard, slots_fitted=slots, soak_threads=threads
    )


def server_model(config: PlatformConfig, mix: dict[str, float]) -> ServerModel:
    """The fitted server serving requests in the proportions `mix` (by API), against the
    platform's latency target."""
    fitted = fit_load_test(config.server.load_test)
    return ServerModel(
        slots=fitted.slots,
        standard_time_s=fitted.standard_time_s,
        classes=APIS,
        own_times_s=np.array([fitted.own_time_s[api] for api in APIS]),
        shares=np.array([mix.get(api, 0.0) for api in APIS]),
        target_s=config.latency_target_ms / 1000.0,
        quantile=config.latency_quantile,
    )
