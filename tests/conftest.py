"""Shared fixtures: sampled populations (about 20,000 agents) keep the suite fast on 2 cores."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numba
import pytest
from hypothesis import settings

from sim.config import CatalogConfig, CompetencyConfig, Scenario, load_scenario
from sim.config.competencies import builtin_dictionary
from sim.results.tables import RunResult
from sim.simulate import simulate
from sim.world import small_batches
from sim.world.catalog import Catalog, build_catalog
from sim.world.random_streams import RandomStreams
from sim.world.roles import competency_world

# Property tests draw the same examples on every run (a failure found once is found again;
# CI never fails on a draw nobody can reproduce). `--hypothesis-profile explore` searches.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", max_examples=2000)
settings.load_profile("ci")

# Each pytest-xdist worker runs its kernels on its share of the cores: GNU OpenMP's
# threads spin between kernels, and two workers' threads on the same cores slowed the
# suite about fourfold. A test may still ask for more (numba.set_num_threads, up to the
# cores). Not through NUMBA_NUM_THREADS: numba rereads its environment and would refuse
# a test's two threads. The processes tests start (the CLI, notebooks, Dask workers)
# cannot be given a share, so their idle threads sleep instead of spinning. The order
# matters: set_num_threads has loaded OpenMP, which read its wait policy then, so these
# workers' own threads still spin (sleeping made a campaign simulate twice as slowly).
WORKERS = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
numba.set_num_threads(max(1, numba.config.NUMBA_NUM_THREADS // WORKERS))
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


@pytest.fixture
def numba_threads():
    """`use(n)` runs the test's kernels (and set-up's threads) on `n` of numba's threads
    from there on; the worker's own count comes back after the test."""
    before = numba.get_num_threads()
    yield numba.set_num_threads
    numba.set_num_threads(before)


# The forms a batch's kernels take (`sim/world/small_batches.py`): the kernel tests' batches
# are small, and would otherwise test the calling core's form alone.
BATCH_FORMS = ("all cores", "calling core")


@contextmanager
def batches_on(form: str) -> Iterator[None]:
    """Every batch, whatever its size, runs the kernels' `form` (one of BATCH_FORMS)."""
    before = small_batches.ONE_CORE_BELOW
    small_batches.ONE_CORE_BELOW = {"all cores": 0, "calling core": 2**62}[form]
    try:
        yield
    finally:
        small_batches.ONE_CORE_BELOW = before


ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "configs"


def tagged_catalog(n_ministries: int, seed: int, config: CatalogConfig | None = None) -> Catalog:
    """A catalogue tagged with the built-in dictionary and role table, for units named
    "unit 0", "unit 1", ... (no population needed)."""
    streams = RandomStreams(seed)
    dictionary, roles = competency_world(
        CompetencyConfig(), [f"unit {m}" for m in range(n_ministries)], 60, streams
    )
    tags = builtin_dictionary().course_tags
    return build_catalog(config or CatalogConfig(), n_ministries, streams, dictionary, roles, tags)


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
