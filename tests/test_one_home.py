"""One home for every setting: one target per campaign, base: variants that change one
field of one campaign, the fitted values in one place, and one present mask."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import ConfigError, load_scenario, validate_scenario
from sim.config.calibrated import calibrated
from sim.engines.fast import FastEngine
from sim.engines.reference import ReferenceEngine
from sim.experiments.sweep import load_sweep
from sim.results.kpis import KPIS
from sim.results.tables import summarise
from tests.conftest import CONFIGS, sampled


def _differences(a, b, path=""):
    """Dotted paths where two plain settings trees differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = set(a) | set(b)
        return [d for k in sorted(keys) for d in _differences(a.get(k), b.get(k), f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True))
                for d in _differences(x, y, f"{path}.{i}")]  # fmt: skip
    return [] if a == b else [path.lstrip(".")]


@pytest.mark.parametrize("item", ["0", "Karmayogi Saptah 2024"])
def test_a_variant_changes_one_field_of_one_campaign_and_keeps_the_rest(tmp_path, item):
    variant = tmp_path / "six_hours.yaml"
    variant.write_text(
        f"base: {CONFIGS / 'saptah_2024.yaml'}\nname: six_hours\n"
        f"campaigns:\n  {item}:\n    target_hours: 6\n"
    )
    base = load_scenario(CONFIGS / "saptah_2024.yaml").canonical()
    changed = load_scenario(variant).canonical()
    assert _differences(base, changed) == ["campaigns.0.target_hours", "name"]
    engagement = changed["campaigns"][0]["engagement"]
    assert engagement["probability"] == calibrated("engagement_probability")
    assert engagement["continue_after_target"] == calibrated("continue_after_target")
    assert changed["campaigns"][0]["webinars"]["attendance_cap"] == 50_000  # the base's


def test_the_shipped_variants_keep_the_calibrated_take_up():
    for name in ("saptah_2024_staggered", "saptah_2024_two_weeks", "saptah_2024_programmes"):
        campaign = load_scenario(CONFIGS / f"{name}.yaml").campaigns[0]
        assert campaign.engagement.probability == calibrated("engagement_probability"), name


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ("campaigns:\n  3: {target_hours: 6}\n", "no item 3 in that list"),
        ("campaigns:\n  Diwali week: {target_hours: 6}\n", "no item 'Diwali week'"),
        ("campaigns:\n  0: 6\n", "must be a mapping of its fields"),
    ],
)
def test_a_variant_naming_a_missing_item_says_so(tmp_path, changes, message):
    variant = tmp_path / "bad.yaml"
    variant.write_text(f"base: {CONFIGS / 'saptah_2024.yaml'}\nname: bad\n{changes}")
    with pytest.raises(ConfigError, match=message):
        load_scenario(variant)


def test_a_whole_run_target_is_refused_with_a_pointer_to_the_campaign():
    data = load_scenario(CONFIGS / "saptah_2024.yaml").canonical() | {"target_hours": 4}
    with pytest.raises(ConfigError, match=r"set campaigns\[\]\.target_hours"):
        validate_scenario(data)


def test_a_sweep_over_the_campaign_target_moves_every_meeting_target_kpi(tmp_path):
    """Each grid value is the target that every "meeting target" KPI and column counts
    against: recomputed from the officers' campaign hours, and smaller for 6 h than 2 h."""
    sweep = tmp_path / "targets.yaml"
    sweep.write_text(
        f"name: targets\nscenarios: [{CONFIGS / 'saptah_2024.yaml'}]\nscale: 1500\n"
        "seeds: {count: 1}\ngrid:\n  campaigns.0.target_hours: [2, 6]\n"
    )
    _, tasks = load_sweep(sweep)
    meeting = [name for name in KPIS if "meeting_target" in name]
    assert meeting, "the registry has meeting-target KPIs"
    counted = {}
    for task in tasks:
        target = task.scenario.campaigns[0].target_hours
        output = FastEngine(task.scenario).run()
        hours = output.population.officers.campaign_hours
        expected = int(((hours > 0) & (hours >= target)).sum()) * task.scenario.scale
        result = summarise(output, "fast")
        for name in meeting:
            assert result.kpis[name] == expected, (name, target)
        assert result.campaigns["participants_meeting_target"].sum() == expected
        assert result.orgs["campaign_participants_meeting_target"].sum() == expected
        counted[target] = expected
    assert counted[2] > counted[6] > 0


@pytest.mark.parametrize("engine", [FastEngine, ReferenceEngine])
def test_no_retired_officer_starts_a_session(engine):
    """Half the workforce retiring over a year: nobody has a session on or after the day
    they left (retirement happens at 00:00), in the campaign or outside it."""
    scenario = sampled("saptah_2024", agents=3_000).with_overrides(
        workforce={"retirement_per_year": 0.5}
    )
    officers = engine(scenario).run().population.officers
    retired = np.flatnonzero(officers.left_day >= 0)
    assert retired.size > 100
    assert not officers.present[retired].any()
    active = officers.last_active_day[retired].astype(int)
    assert (active < officers.left_day[retired]).all(), (
        f"{int((active >= officers.left_day[retired]).sum())} retired officers had sessions"
    )
