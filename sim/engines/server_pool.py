"""The platform in the reference engine: c identical servers and one first-come queue.

Built on a `simpy.Container` whose level is the number of busy servers, so taking and
freeing a server cost the same however many users are on the platform (a
`simpy.Resource` keeps a list of users and removes each from it on release, which grows
with concurrency). With infinite servers nobody waits and the level is the concurrency.

The pool also keeps the statistics a queueing check needs: arrivals, waits, and the time
integral of the number in the system (waiting or in service).
"""

from __future__ import annotations

import math

import simpy


class ServerPool:
    def __init__(self, env: simpy.Environment, servers: float = math.inf) -> None:
        if not servers > 0:
            raise ValueError(f"a server pool needs at least one server, got {servers}")
        self.env = env
        self.servers = servers
        self._busy = simpy.Container(env, capacity=servers)
        self.in_system = 0
        self.arrivals = 0
        self.seated = 0
        self.waited = 0  # seated after a positive wait
        self.total_wait = 0.0
        self._area = 0.0  # integral of in_system over time
        self._since = env.now
        self._start = env.now

    @property
    def busy(self) -> float:
        return self._busy.level

    def acquire(self) -> simpy.Event:
        """Join the queue; the returned event fires when a server is free for the caller."""
        self._advance()
        self.in_system += 1
        self.arrivals += 1
        arrived = self.env.now
        request = self._busy.put(1)
        request.callbacks.append(lambda _: self._on_seated(arrived))
        return request

    def release(self) -> None:
        """Free the caller's server (the next in the queue, if any, takes it)."""
        self._advance()
        self.in_system -= 1
        self._busy.get(1)

    def mean_in_system(self) -> float:
        """Time-average number in the system since the pool was created."""
        self._advance()
        elapsed = self.env.now - self._start
        return self._area / elapsed if elapsed > 0 else 0.0

    def _on_seated(self, arrived: float) -> None:
        wait = self.env.now - arrived
        self.seated += 1
        self.total_wait += wait
        if wait > 0:
            self.waited += 1

    def _advance(self) -> None:
        now = self.env.now
        self._area += self.in_system * (now - self._since)
        self._since = now
