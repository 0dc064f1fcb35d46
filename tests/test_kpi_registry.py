"""One KPI registry: every KPI a run reports is in it, the docs are generated from it,
scaling is applied in one place, and the run records where its time went."""

from __future__ import annotations

import pytest

from sim.engines.fast import TICK_STEPS
from sim.results.kpis import HEADLINE_KPIS, KPIS, UnknownKPIError, markdown_table, scaled
from tests.conftest import ROOT


def test_every_reported_kpi_is_registered(saptah_run):
    assert set(saptah_run.kpis) <= set(KPIS)
    assert set(HEADLINE_KPIS) <= set(saptah_run.kpis)


def test_the_docs_table_is_the_registry():
    assert markdown_table() in (ROOT / "docs" / "kpis.md").read_text("utf-8"), (
        "docs/kpis.md is out of date: regenerate it with `karmasim kpis --markdown`"
    )


def test_counts_scale_and_shares_do_not():
    values = scaled({"completions": 3.0, "competency_coverage": 0.4, "servers_needed": 7.0}, 10)
    assert values == {"completions": 30.0, "competency_coverage": 0.4, "servers_needed": 7.0}
    with pytest.raises(UnknownKPIError, match="not in the KPI registry"):
        scaled({"made_up": 1.0}, 10)


def test_a_sampled_run_scales_to_about_the_full_population(saptah_run):
    kpis, scale = saptah_run.kpis, saptah_run.scenario.scale
    assert kpis["participants"] % scale == 0 and kpis["completions"] % scale == 0
    assert kpis["participants"] <= kpis["officers"] * 1.01


def test_the_run_records_time_per_step(saptah_run):
    steps = saptah_run.meta["step_s"]
    for name in ("due", *TICK_STEPS):
        assert f"tick.{name}" in steps, name
    assert {"setup.population", "setup.catalogue", "webinars"} <= set(steps)
