"""The competency model and the recommendation lever."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import sampled

from sim.agents.competencies import CompetencyModel
from sim.config import ConfigError
from sim.simulate import simulate
from sim.world.catalog import build_catalog
from sim.world.population import build_population
from sim.world.random_streams import RandomStreams


@pytest.fixture(scope="module")
def model_and_catalog():
    scenario = sampled("baseline", agents=5_000)
    streams = RandomStreams(scenario.seed)
    population = build_population(
        scenario.population, scenario.agents, scenario.calendar.start, streams
    )
    catalog = build_catalog(scenario.catalog, population.organisations.n_ministries, streams)
    model = CompetencyModel.build(scenario.competencies, catalog, population, streams)
    return model, catalog, scenario


def test_roles_require_distinct_competencies_of_each_area(model_and_catalog):
    model, catalog, scenario = model_and_catalog
    assert model.required.shape[1] == sum(scenario.competencies.required_per_area.values())
    for role in model.required:
        assert len(set(role.tolist())) == role.size
    areas = catalog.area[np.searchsorted(np.sort(catalog.competency), model.required)]
    assert areas.shape == model.required.shape
    assert abs(model.at_start.coverage - scenario.competencies.initial_met_share) < 0.02


def test_a_passed_course_raises_the_level_it_teaches(model_and_catalog):
    model, catalog, _ = model_and_catalog
    levels_before = model.levels.copy()
    everyone = np.arange(model.levels.shape[0])
    officer = int(np.flatnonzero(~model.met(everyone).all(axis=1))[0])
    slot = int(np.flatnonzero(~model.met(np.array([officer]))[0])[0])
    competency = model.required[model.role_id[officer], slot]
    teaching = np.flatnonzero((catalog.competency == competency) & (catalog.level == 5))
    if teaching.size == 0:
        pytest.skip("no level-5 course for this competency in the sampled catalogue")
    always_pass = np.random.default_rng(0)
    model.pass_probability = 1.0
    model.credit(np.array([officer]), teaching[:1], catalog, always_pass)
    assert model.met(np.array([officer]))[0, slot]
    assert model.levels[officer, slot] == 5
    other = model.levels.copy()
    other[officer] = levels_before[officer]
    assert (other == levels_before).all()  # nobody else changed
    model.levels[:] = levels_before


def test_gap_targeted_recommendations_raise_coverage():
    """Common random numbers: the same week with popularity-driven choice and with
    gap-targeted recommendations."""
    popularity = simulate(sampled("saptah_2024")).kpis
    targeted = simulate(sampled("saptah_2024", recommendations={"mode": "gap_targeted"})).kpis
    assert targeted["competency_coverage_start"] == popularity["competency_coverage_start"]
    assert targeted["competency_coverage"] > popularity["competency_coverage"] + 0.02
    assert targeted["role_readiness"] > popularity["role_readiness"]
    assert popularity["competency_coverage"] >= popularity["competency_coverage_start"]


def test_coverage_tables_by_group_and_organisation(saptah_run):
    table = saptah_run.competencies
    assert set(table["area"]) == {"behavioural", "functional", "domain", "role readiness"}
    assert (table["coverage_end"] >= table["coverage_start"]).all()
    orgs = saptah_run.orgs
    weighted = (orgs["competency_coverage"] * orgs["officers"]).sum() / orgs["officers"].sum()
    assert weighted == pytest.approx(saptah_run.kpis["competency_coverage"])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"competencies": {"required_per_area": {"cultural": 2}}}, "unknown competency area"),
        ({"competencies": {"max_required_level": {"A": 3}}}, "each service group"),
        ({"recommendations": {"mode": "random"}}, "recommendations.mode"),
    ],
)
def test_bad_competency_settings_name_the_field(changes, message):
    with pytest.raises(ConfigError, match=message):
        sampled("baseline", **changes)
