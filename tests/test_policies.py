"""Each policy lever moves outcomes the expected way under common random numbers, leaves
the days before it takes effect untouched, and rejects bad parameters by field name."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import CONFIGS, sampled

from sim.config import ConfigError, load_scenario
from sim.engines.run_state import build_run
from sim.scenarios.assignments import CourseAssignment
from sim.scenarios.recruit_onboarding import RecruitOnboarding
from sim.simulate import simulate


def variant(name: str, agents: int = 20_000, **changes):
    """A built-in variant at about `agents` agents (same seed as the base scenario)."""
    scenario = load_scenario(CONFIGS / f"{name}.yaml")
    scale = max(1, round(scenario.population.officers / agents))
    return scenario.with_overrides(scale=scale, **changes)


@pytest.fixture(scope="module")
def base():
    return simulate(variant("saptah_2024"))


def test_an_acbp_mandate_gets_assigned_courses_done(base):
    mandated = simulate(variant("saptah_2024_acbp_mandate"))
    assert 0 < mandated.kpis["assigned_courses_done_by_due"] < 1
    assert mandated.kpis["sessions"] > base.kpis["sessions"]  # officers log in more often
    assert mandated.kpis["participants"] > base.kpis["participants"]


def test_nudges_and_leaderboards_raise_activity(base):
    nudged = simulate(variant("saptah_2024_heavy_nudging"))
    kpis = nudged.kpis
    assert kpis["reminders_sent"] > 0 and kpis["inactivity_alerts_sent"] > 0
    assert kpis["karma_points"] > 0
    assert kpis["participants"] > base.kpis["participants"]
    assert kpis["sessions"] > base.kpis["sessions"]


def test_each_nudge_alone_raises_sessions(base):
    reminder = simulate(variant("saptah_2024", policies={"weekly_reminder": {"effect": 0.02}}))
    alert = simulate(variant("saptah_2024", policies={"inactivity_alert": {"effect": 0.02}}))
    assert reminder.kpis["sessions"] > base.kpis["sessions"]
    assert alert.kpis["sessions"] > base.kpis["sessions"]


def test_a_leaderboard_motivates_its_leaders(base):
    board = simulate(variant("saptah_2024", policies={"karma": {
        "enabled": True, "motivation_multiplier": 2.0, "leaderboard_top_share": 0.3}}))  # fmt: skip
    assert board.kpis["karma_points"] > 0
    october = board.daily["date"] >= pd.Timestamp("2024-10-01")
    assert (
        board.daily.loc[october, "new_sessions"].sum()
        > base.daily.loc[october, "new_sessions"].sum()
    )


def test_workforce_flows_retire_officers_and_open_gaps(base):
    flows = simulate(variant("saptah_2024", workforce={
        "retirement_per_year": 0.3, "transfer_per_year": 1.0}))  # fmt: skip
    kpis = flows.kpis
    assert kpis["retirements"] > 0 and kpis["transfers"] > 0
    assert kpis["competency_coverage"] < base.kpis["competency_coverage"]
    assert kpis["sessions"] < base.kpis["sessions"]


def test_a_policy_leaves_the_days_before_it_untouched(base):
    """An assignment made on 1 Oct: every daily figure before 1 Oct is identical."""
    assignment = {"name": "ACBP", "assigned": "2024-10-01", "due": "2024-10-27"}
    later = simulate(variant("saptah_2024", policies={"assignments": [assignment]}))
    before = base.daily["date"] < pd.Timestamp("2024-10-01")
    numeric = base.daily.select_dtypes("number").columns
    pd.testing.assert_frame_equal(base.daily.loc[before, numeric], later.daily.loc[before, numeric])
    after = ~before
    assert not np.array_equal(
        base.daily.loc[after, "new_sessions"], later.daily.loc[after, "new_sessions"]
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"policies": {"assignments": [{"name": "x", "assigned": "2024-09-20",
                                         "due": "2025-03-31"}]}},
         "due 2025-03-31 is after the end of the calendar"),
        ({"policies": {"assignments": [{"name": "x", "assigned": "2024-10-20",
                                         "due": "2024-10-01"}]}}, "is before assigned"),
        ({"policies": {"assignments": [{"name": "x", "assigned": "2024-09-20",
                                         "due": "2024-10-20",
                                         "target_ministries": ["Ministry of Magic"]}]}},
         "unknown ministry or state \\['Ministry of Magic'\\]"),
        ({"target_hours": -4}, "target_hours"),
        ({"policies": {"weekly_reminder": {"weekday": "sunday"}}}, "weekly_reminder.weekday"),
        ({"workforce": {"retirement_per_year": 2}}, "workforce.retirement_per_year"),
    ],
)  # fmt: skip
def test_bad_policy_parameters_name_the_field(changes, message):
    with pytest.raises(ConfigError, match=message):
        sampled("saptah_2024", **changes)


def test_assignments_can_target_named_ministries():
    railways = {"name": "Railways ACBP", "assigned": "2024-09-20", "due": "2024-10-27",
                "target_ministries": ["Ministry of Railways"], "compliance": 1.0}  # fmt: skip
    result = simulate(variant("saptah_2024", policies={"assignments": [railways]}))
    assert result.kpis["assigned_courses_done_by_due"] > 0


def test_onboarding_growth_follows_the_published_curve():
    """Oct 2024 to Jun 2025: officers grow toward 1 crore (May 2025) along the curve."""
    result = simulate(variant("growth_2024_2025", agents=2_000))
    kpis = result.kpis
    assert kpis["joined"] > 0 and kpis["officers_end"] > 2 * kpis["officers"]
    assert 0.2 < kpis["recruits"] / kpis["joined"] < 0.4  # recruit_share 0.3
    assert kpis["retirements"] > 0 and kpis["transfers"] > 0
    monthly = result.daily.set_index("date")["new_participants"].resample("MS").sum()
    assert monthly.iloc[-1] > 0  # joiners keep arriving and learning


def test_recruits_are_pointed_to_the_onboarding_courses():
    state = build_run(variant("growth_2024_2025", agents=2_000))
    (onboarding,) = [p for p in state.policies.policies if isinstance(p, RecruitOnboarding)]
    recruits = np.flatnonzero(state.officers.recruit)
    others = np.flatnonzero(~state.officers.recruit)[:100]
    rng = np.random.default_rng(0)
    suggested = onboarding.suggest(recruits, rng)
    assert set(suggested[suggested >= 0].tolist()) <= set(onboarding.courses.tolist())
    assert (suggested >= 0).mean() > 0.8  # compliance 0.9, no completions yet
    assert (onboarding.suggest(others, rng) == -1).all()


def test_programmes_fill_their_seats_in_order_and_count_toward_the_week(base):
    result = simulate(variant("saptah_2024_programmes", agents=50_000))
    scenario = variant("saptah_2024_programmes", agents=50_000)
    programmes = scenario.policies.mdo_programmes
    seats = sum(np.ceil(p.seats_per_session / scenario.scale) * len(p.sessions) for p in programmes)
    kpis = result.kpis
    assert kpis["programme_nominations"] > kpis["programme_attendances"]  # seats bind
    assert kpis["programme_attendances"] == seats * scenario.scale
    daily = result.daily.set_index("date")
    assert daily["new_programme_attendances"].loc["2024-10-21":"2024-10-24"].sum() > 0
    assert (
        daily["new_programme_attendances"]
        .drop(pd.to_datetime(["2024-10-21", "2024-10-22", "2024-10-23", "2024-10-24"]))
        .sum()
        == 0
    )
    blended = result.load.set_index("time")["webinar_learners"]
    assert blended.max() > 0


def test_themed_webinar_days_raise_coverage(base):
    themed = variant("saptah_2024")
    campaigns = themed.canonical()["campaigns"]
    campaigns[0]["webinars"].update(themes=["functional"], theme_credit_probability=1.0,
                                    attend_probability=0.3)  # fmt: skip
    plain = themed.canonical()["campaigns"]
    plain[0]["webinars"].update(attend_probability=0.3)
    with_themes = simulate(themed.with_overrides(campaigns=campaigns)).kpis
    without = simulate(themed.with_overrides(campaigns=plain)).kpis
    assert with_themes["competency_coverage"] > without["competency_coverage"]


@pytest.mark.parametrize(
    ("programme", "message"),
    [
        ({"ministry": "Ministry of Magic"}, "unknown ministry or state 'Ministry of Magic'"),
        ({"sessions": ["2024-10-08"]}, "comes before nominees are approved"),
        ({"sessions": ["2025-01-10"]}, "outside the calendar"),
    ],
)
def test_bad_programmes_name_the_problem(programme, message):
    config = {"name": "p", "ministry": "Ministry of Railways", "announce": "2024-10-07",
              "sessions": ["2024-10-21"], **programme}  # fmt: skip
    with pytest.raises(ConfigError, match=message):
        sampled("saptah_2024", policies={"mdo_programmes": [config]})


def test_the_reference_engine_runs_the_same_policies():
    """Policies are engine-independent: seats taken in MDO programmes (drawn from the same
    named streams) match exactly, and assignments and nudges run without error."""
    scenario = variant("saptah_2024_programmes", agents=3_000)
    fast = simulate(scenario).kpis
    reference = simulate(scenario, engine="reference").kpis
    assert reference["programme_attendances"] == fast["programme_attendances"] > 0
    nudged = variant("saptah_2024_heavy_nudging", agents=3_000)
    assert simulate(nudged, engine="reference").kpis["reminders_sent"] > 0
    mandated = variant("saptah_2024_acbp_mandate", agents=3_000)
    assert simulate(mandated, engine="reference").kpis["assigned_courses_done_by_due"] > 0


def test_assignments_by_designation_reach_only_those_roles():
    roles = [0, 1, 2]
    scenario = variant("saptah_2024", agents=5_000, policies={"assignments": [
        {"name": "cadre", "assigned": "2024-09-20", "due": "2024-10-27",
         "target_designations": roles}]})  # fmt: skip
    state = build_run(scenario)
    (assignment,) = [p for p in state.policies.policies if isinstance(p, CourseAssignment)]
    targeted = assignment.targeted()
    assert targeted.size and np.isin(state.officers.role_id[targeted], roles).all()
    everyone = np.flatnonzero(np.isin(state.officers.role_id, roles))
    assert set(targeted.tolist()) == set(everyone.tolist())


def test_a_two_week_window_spreads_the_load(base):
    two_weeks = simulate(variant("saptah_2024_two_weeks"))
    assert two_weeks.kpis["peak_concurrent_learners"] < base.kpis["peak_concurrent_learners"]
    assert two_weeks.kpis["campaign_participants"] > base.kpis["campaign_participants"]
