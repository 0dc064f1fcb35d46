"""Run identity: runs are content-addressed, so the same resolved config, seed, scale,
engine and package version always give the same run id (and the same results): a
repeated run is found in the store instead of simulated again."""

from __future__ import annotations

import hashlib
import json

from sim import __version__
from sim.config import Scenario


def replication_key(scenario: Scenario, engine: str) -> str:
    """Runs that differ only in their seed share this key: they are replications. The
    draws of a posterior for one scenario (`Scenario.draw_of`) share one too: their
    spread is the band with parameter uncertainty."""
    if scenario.draw_of:
        text = f"draw of {scenario.draw_of}"
        return hashlib.sha256(f"{text}:{engine}:{__version__}".encode()).hexdigest()[:16]
    settings = {k: v for k, v in scenario.canonical().items() if k != "seed"}
    text = json.dumps(settings, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{text}:{engine}:{__version__}".encode()).hexdigest()[:16]


def run_id_for(scenario: Scenario, engine: str) -> str:
    """Runs are content-addressed: the same resolved config, seed, scale, engine and package
    version give the same id (and the same results), so a repeated run replaces itself
    instead of piling up, and `compare` can reuse it."""
    key = f"{scenario.config_hash()}:{engine}:{__version__}"
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"{scenario.name}-{engine}-{digest[:12]}"
