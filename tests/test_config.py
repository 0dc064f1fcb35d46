from __future__ import annotations

import datetime as dt

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.config import ConfigError, load_scenario, validate_scenario
from tests.conftest import CONFIGS

MINIMAL = {"name": "t", "calendar": {"start": "2024-10-01", "end": "2024-10-10"}}


def with_changes(**changes):
    data = yaml.safe_load(yaml.safe_dump(MINIMAL))
    for dotted, value in changes.items():
        node = data
        *parents, leaf = dotted.split("__")
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = value
    return data


@pytest.mark.parametrize("name", ["baseline", "saptah_2024", "year_2024"])
def test_shipped_configs_validate(name):
    scenario = load_scenario(CONFIGS / f"{name}.yaml")
    assert scenario.name == name
    assert scenario.population.officers == 4_571_209
    assert scenario.catalog.courses == 1428


def test_saptah_config_matches_the_published_week():
    scenario = load_scenario(CONFIGS / "saptah_2024.yaml")
    (campaign,) = scenario.campaigns
    assert (campaign.start, campaign.planned_end, campaign.extended_end) == (
        dt.date(2024, 10, 19),
        dt.date(2024, 10, 25),
        dt.date(2024, 10, 27),
    )
    assert campaign.target_hours == 4
    assert campaign.webinars.times_ist == ["10:30", "12:00", "15:00"]
    assert (campaign.start - scenario.calendar.start).days >= 30


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"population__oficers": 5}, "population.oficers", "unknown key"),
        ({"population__officers": "many"}, "population.officers", "integer"),
        ({"population__officers": -3}, "population.officers", "greater than 0"),
        ({"calendar__end": "2024-09-01"}, "calendar", "before start"),
        ({"catalog__courses": 0}, "catalog.courses", "greater than 0"),
        ({"population__sectors": {"central": 0.5, "state": 0.2}}, "population.sectors", "add up"),
        ({"engine__tick_minutes": 7}, "engine.tick_minutes", "Input should be"),
        ({"seed": -1}, "seed", "greater than or equal"),
    ],
)
def test_bad_values_name_the_field(changes, field, problem):
    with pytest.raises(ConfigError) as error:
        validate_scenario(with_changes(**changes), source="x.yaml")
    message = str(error.value)
    assert f"x.yaml: {field}" in message
    assert problem in message


def test_campaign_outside_calendar_is_rejected():
    data = with_changes(
        campaigns=[{"name": "c", "start": "2024-10-05", "planned_end": "2024-10-20"}]
    )
    with pytest.raises(ConfigError, match="outside the calendar"):
        validate_scenario(data)


def test_extension_before_planned_end_is_rejected():
    data = with_changes(
        campaigns=[
            {
                "name": "c",
                "start": "2024-10-02",
                "planned_end": "2024-10-05",
                "extended_end": "2024-10-04",
            }
        ]
    )
    with pytest.raises(ConfigError, match=r"campaigns\[0\].*extended_end"):
        validate_scenario(data)


def test_unreadable_and_non_yaml_files(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_scenario(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML at line"):
        load_scenario(broken)
    scalar = tmp_path / "scalar.yaml"
    scalar.write_text("just a string\n")
    with pytest.raises(ConfigError, match="expected a mapping"):
        load_scenario(scalar)
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(ConfigError, match="not UTF-8 text"):
        load_scenario(binary)
    with pytest.raises(ConfigError, match="is a directory"):
        load_scenario(tmp_path)


def test_hash_covers_seed_and_scale():
    base = validate_scenario(MINIMAL)
    assert base.config_hash() == validate_scenario(MINIMAL).config_hash()
    assert base.config_hash() != base.with_overrides(seed=1).config_hash()
    assert base.config_hash() != base.with_overrides(scale=2).config_hash()


@settings(max_examples=60, deadline=None)
@given(
    officers=st.integers(min_value=-10, max_value=50_000_000),
    days=st.integers(min_value=-30, max_value=3000),
    courses=st.integers(min_value=-5, max_value=200_000),
)
def test_counts_and_dates_are_accepted_exactly_when_valid(officers, days, courses):
    start = dt.date(2024, 1, 1)
    data = with_changes(
        population__officers=officers,
        catalog__courses=courses,
        calendar__end=str(start + dt.timedelta(days=days)),
    )
    data["calendar"]["start"] = str(start)
    valid = 0 < officers <= 40_000_000 and 0 <= days < 366 * 6 and 0 < courses <= 100_000
    if valid:
        validate_scenario(data)
    else:
        with pytest.raises(ConfigError):
            validate_scenario(data)


def test_a_variant_states_only_what_it_changes():
    variant = load_scenario(CONFIGS / "saptah_2024_tight_platform.yaml")
    base = load_scenario(CONFIGS / "saptah_2024.yaml")
    assert variant.platform.servers == 3
    assert variant.platform.server == base.platform.server  # merged, not replaced
    assert variant.campaigns == base.campaigns and variant.calendar == base.calendar


def test_base_files_that_loop_or_are_missing_are_named(tmp_path):
    (tmp_path / "a.yaml").write_text("base: b.yaml\nname: a\n")
    (tmp_path / "b.yaml").write_text("base: a.yaml\nname: b\n")
    with pytest.raises(ConfigError, match="refer to each other"):
        load_scenario(tmp_path / "a.yaml")
    (tmp_path / "c.yaml").write_text("base: missing.yaml\nname: c\n")
    with pytest.raises(ConfigError, match="missing.yaml: no such file"):
        load_scenario(tmp_path / "c.yaml")
