"""Shared fixtures: sampled populations (about 20,000 agents) keep the suite fast on 2 cores."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from sim.config import Scenario, load_scenario
from sim.results.tables import RunResult
from sim.simulate import simulate

# Property tests draw the same examples on every run (a failure found once is found again;
# CI never fails on a draw nobody can reproduce). `--hypothesis-profile explore` searches.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", max_examples=2000)
settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "configs"


def sampled(name: str, agents: int = 20_000, **changes) -> Scenario:
    """A shipped scenario at a scale giving about `agents` simulated officers."""
    scenario = load_scenario(CONFIGS / f"{name}.yaml")
    scale = max(1, round(scenario.population.officers / agents))
    return scenario.with_overrides(scale=scale, **changes)


@pytest.fixture(scope="session")
def saptah_run() -> RunResult:
    return simulate(sampled("saptah_2024"))


@pytest.fixture(scope="session")
def baseline_run() -> RunResult:
    return simulate(sampled("baseline"))
