"""The whole-workforce model: registration by adoption, cadres, campaign scope and means,
first-time learners, onboarding drives and catalogue growth, each against what its rule
implies, on both engines where an engine is involved."""

from __future__ import annotations

import copy
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sim.config import CADRES, SECTORS, ConfigError, validate_scenario
from sim.engines.fast import FastEngine
from sim.engines.reference import ReferenceEngine
from sim.engines.run_state import build_run
from sim.results.tables import registered_by_group, summarise
from sim.world.calendar import NEVER
from sim.world.catalog import offer_factor
from sim.world.population import NOT_REGISTERED

START = dt.date(2025, 3, 1)
UNIVERSE = {
    "name": "universe_test",
    "seed": 7,
    "scale": 4000,
    "calendar": {"start": str(START), "end": "2025-04-30"},
    "population": {
        "officers": 32_000_000,
        "sectors": {"central": 0.15625, "state": 0.6875, "local": 0.15625},
        "adoption": {
            "central": {"midpoint": "2023-11-15", "width_days": 120, "saturation": 0.85},
            "state": {"midpoint": "2025-04-01", "width_days": 30, "saturation": 0.5},
            "local": {"midpoint": "2025-06-01", "width_days": 60, "saturation": 0.1},
        },
    },
}


def universe(**changes) -> dict:
    data = copy.deepcopy(UNIVERSE)
    for dotted, value in changes.items():
        node = data
        *parents, last = dotted.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
    return data


def logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def test_registrations_follow_each_sectors_logistic():
    """Without unit spread, the share of a sector registered by day t is saturation x
    logistic((t - midpoint) / width): the counts are binomial around it."""
    scenario = validate_scenario(universe(scale=1000))
    state = build_run(scenario)
    officers = state.officers
    for code, sector in enumerate(SECTORS):
        adoption = scenario.population.adoption[sector]
        rows = officers.sector == code
        n = int(rows.sum())
        for day in (0, 20, 40, 60):
            registered = int((officers.onboarded_day[rows] <= day).sum())
            t = (START - adoption.midpoint).days + day + 1  # registered before the day's end
            p = adoption.saturation * logistic(t / adoption.width_days)
            sd = np.sqrt(n * p * (1 - p))
            assert abs(registered - n * p) < 4 * sd + 2, (sector, day, registered, n * p)


def test_those_not_registered_are_not_scheduled_and_never_log_in():
    scenario = validate_scenario(universe())
    output = FastEngine(scenario).run()
    officers = output.population.officers
    never = officers.onboarded_day == NOT_REGISTERED
    assert never.any() and (~never).any()
    assert (officers.sessions[never] == 0).all()
    assert (officers.next_login_min[never] == NEVER).all()
    assert not officers.present[never].any()
    # registered users per day never fall, and end at the registered count
    registered = registered_by_group(output).sum(axis=1)
    assert (np.diff(registered) >= 0).all()
    assert registered[-1] == int((~never).sum())


def test_registration_days_are_the_numpy_statement_to_the_bit():
    """The registration days (two compiled passes around numpy's log) against the numpy
    statement they replaced, with units spread and a unit opening on a date of its own."""
    from sim.world.organisations import build_organisations
    from sim.world.random_streams import RandomStreams

    scenario = validate_scenario(
        universe(
            scale=1000,
            **{
                "population.adoption.state.unit_spread_days": 45.0,
                "population.adoption.state.unit_midpoints": {"Maharashtra": "2024-12-01"},
                "population.adoption.central.unit_spread_days": 20.0,
            },
        )
    )
    state = build_run(scenario)
    officers, config, n = state.officers, scenario.population, state.officers.n
    streams = RandomStreams(scenario.seed)
    organisations = build_organisations(config, streams.fresh("population.organisations"))
    u = streams.fresh("population.adoption").random(n)
    unit_offsets = streams.fresh("population.adoption.units").standard_normal(
        organisations.n_ministries
    )
    unit_ids = organisations.ministry_ids()
    days = np.full(n, float(NOT_REGISTERED))
    for code, sector in enumerate(SECTORS):
        adoption = config.adoption[sector]
        rows = np.flatnonzero(officers.sector == code)
        q = u[rows] / adoption.saturation
        rows, q = rows[q < 1.0], q[q < 1.0]
        offsets = adoption.unit_spread_days * unit_offsets
        for unit, midpoint_of_unit in adoption.unit_midpoints.items():
            offsets[unit_ids[unit]] = (midpoint_of_unit - adoption.midpoint).days
        midpoint = (adoption.midpoint - START).days + offsets[officers.ministry_id[rows]]
        with np.errstate(divide="ignore"):
            when = midpoint + adoption.width_days * np.log(q / (1.0 - q))
        days[rows] = np.maximum(np.floor(when), (config.first_onboarding - START).days)
    days[days >= state.calendar.n_days] = NOT_REGISTERED
    expected = np.clip(days, np.iinfo(np.int16).min, NOT_REGISTERED).astype(np.int16)
    np.testing.assert_array_equal(officers.onboarded_day, expected)
    maharashtra = officers.ministry_id == unit_ids["Maharashtra"]
    assert len(np.unique(expected[maharashtra])) > 1 and (expected < 0).any()


def test_history_and_start_state_are_the_whole_population_statements():
    """The history, the courses in progress and the first logins are computed only for
    officers on the platform at the start (a Poisson draw of mean 0 takes no number from
    its stream; the others' uniforms and exponentials are drawn and left unused). Against
    the statements over every officer that they replaced, to the bit."""
    from sim.world.random_streams import RandomStreams

    scenario = validate_scenario(universe(scale=1000))
    state = build_run(scenario)
    officers, streams, n = state.officers, RandomStreams(scenario.seed), state.officers.n
    onboard = officers.onboarded_day
    assert (onboard < 0).any() and (onboard == 0).any() and (onboard == NOT_REGISTERED).any()
    assert ((onboard > 0) & (onboard != NOT_REGISTERED)).any()  # joiners too

    config = scenario.population
    working_days = np.maximum(-onboard.astype(float), 0) * 5 / 7
    working_days[onboard == NOT_REGISTERED] = 0.0
    expected = (
        config.history_completions_per_login
        * config.history_activity_factor
        * officers.routine_logins_per_day
        * working_days
    )
    prior = streams.fresh("population.history").poisson(expected)
    np.testing.assert_array_equal(officers.prior_completions, np.minimum(prior, 32767))
    assert officers.prior_completions.max() > 0

    rate = officers.routine_logins_per_day.astype(float)
    days = config.initial_in_progress_days
    u = streams.fresh("initial.in_progress").random(n)
    had = (u < 1.0 - np.exp(-rate * days)) & ~(onboard > 0)
    np.testing.assert_array_equal(officers.in_progress_at_start, had)
    assert had.any()

    draws = streams.fresh("initial.first_login").standard_exponential(n)
    first = state.routine_clock.next_events_from(0, rate, draws)
    at_start = onboard <= 0
    np.testing.assert_array_equal(officers.next_login_min[at_start], first[at_start])
    assert (officers.next_login_min[onboard == NOT_REGISTERED] == NEVER).all()
    assert (first[at_start] != NEVER).any()


def test_cadres_are_drawn_in_each_sectors_shares():
    scenario = validate_scenario(universe(scale=500))
    officers = build_run(scenario).officers
    for code, sector in enumerate(SECTORS):
        rows = officers.cadre[officers.sector == code]
        for c, cadre in enumerate(CADRES):
            p = scenario.population.cadres[sector][cadre]
            observed = float((rows == c).mean())
            assert abs(observed - p) < 4 * np.sqrt(p * (1 - p) / rows.size) + 1e-9, (sector, cadre)


def _chandigarh(**campaign) -> dict:
    base = {
        "name": "Chandigarh directive",
        "start": "2025-03-25",
        "planned_end": "2025-04-24",
        "target_hours": 4.7,
        "target_units": ["Chandigarh"],
        "means": "directive",
        "webinars": None,
    }
    return base | campaign


@pytest.mark.parametrize("engine", [FastEngine, ReferenceEngine])
def test_a_mandate_reaches_only_its_unit(engine):
    scenario = validate_scenario(
        universe(scale=2000, campaigns=[_chandigarh(target_units=["Goa"])])
    )
    output = engine(scenario).run()
    officers = output.population.officers
    table = output.population.organisations.table
    goa = table.loc[table["ministry"] == "Goa", "ministry_id"].iloc[0]
    engaged = officers.campaign_hours > 0
    # hours toward a campaign come from inside its scope only (webinars are off)
    assert engaged.any()
    assert (officers.ministry_id[engaged] == goa).all()


def test_stronger_means_take_up_more():
    shares = []
    for means in ("appeal", "directive", "appraisal_mandate"):
        data = universe(scale=1000, campaigns=[_chandigarh(target_units=[], means=means)])
        result = summarise(FastEngine(validate_scenario(data)).run(), "fast")
        shares.append(result.kpis["campaign_participants_meeting_target"])
    assert shares[0] < shares[1] < shares[2]


def test_first_time_learners_register_in_the_window():
    data = universe(scale=1000, campaigns=[_chandigarh(target_units=[], first_time_share=0.5)])
    with_pull = build_run(validate_scenario(data)).officers
    without = build_run(validate_scenario(universe(scale=1000))).officers
    start = (dt.date(2025, 3, 25) - START).days
    end = (dt.date(2025, 4, 24) - START).days
    moved = with_pull.onboarded_day != without.onboarded_day
    assert moved.any()
    assert (with_pull.onboarded_day[moved] >= start).all()
    assert (with_pull.onboarded_day[moved] <= end).all()
    assert (with_pull.onboarded_day[moved] < without.onboarded_day[moved]).all()
    # about half of those in scope who had not registered by the start
    later = without.onboarded_day > start
    share = moved.sum() / later.sum()
    assert 0.45 < share < 0.55


def test_completions_by_group_add_up_day_by_day_on_both_engines():
    data = universe(scale=4000, campaigns=[_chandigarh(target_units=[], means="appeal")])
    scenario = validate_scenario(data)
    for engine in (FastEngine, ReferenceEngine):
        result = summarise(engine(scenario).run(), engine.name)
        by_day = result.groups.groupby("date")["new_completions"].sum()
        assert (by_day.to_numpy() == result.daily["new_completions"].to_numpy()).all()
        assert 0 < result.kpis["campaign_completions_state_share"] <= 1


def test_units_and_groups_tell_the_same_story_on_both_engines():
    """The ministries-and-states table and the groups table count the same officers:
    registered, with a completion so far, and completions, day by day; those with a
    completion are the officers with completions, and never more than the registered."""
    data = universe(scale=4000, campaigns=[_chandigarh(target_units=[], means="appeal")])
    scenario = validate_scenario(data)
    for engine in (FastEngine, ReferenceEngine):
        output = engine(scenario).run()
        result = summarise(output, engine.name)
        columns = ["registered", "completers", "new_completions"]
        by_unit = result.units.groupby("date")[columns].sum()
        by_group = result.groups.groupby("date")[columns].sum()
        pd.testing.assert_frame_equal(by_unit, by_group)
        officers = output.population.officers
        ever = ((officers.completions > 0) | (officers.prior_completions > 0)).sum()
        assert by_unit["completers"].iloc[-1] == ever * scenario.scale > 0
        assert (np.diff(by_unit["completers"]) >= 0).all()
        assert (by_unit["completers"] <= by_unit["registered"]).all()
        assert by_unit["new_completions"].sum() == result.daily["new_completions"].sum()


def test_onboarding_drives_make_newcomers_learn_sooner():
    drive = {"drive_share": 1.0}
    adoption = copy.deepcopy(UNIVERSE["population"]["adoption"])
    for sector in adoption:
        adoption[sector] |= drive
    plain = universe(scale=2000, **{"population.adoption": adoption})
    driven = universe(
        scale=2000,
        **{"population.adoption": adoption, "workforce.onboarding_logins_per_day": 0.5},
    )
    completions = [summarise(FastEngine(validate_scenario(d)).run(), "fast").kpis["completions"]
                   for d in (plain, driven)]  # fmt: skip
    assert completions[1] > 1.5 * completions[0]


def test_the_catalogue_grows_log_linearly_between_its_points_and_is_flat_beyond():
    config = validate_scenario(universe(**{
        "catalog.courses": 1000, "catalog.growth_elasticity": 0.5,
        "catalog.growth": [{"date": "2025-03-11", "courses": 1000},
                           {"date": "2025-03-21", "courses": 4000}],
    })).catalog  # fmt: skip
    dates = pd.to_datetime(["2025-03-01", "2025-03-11", "2025-03-16", "2025-03-21", "2025-04-30"])
    factor = offer_factor(config, pd.DatetimeIndex(dates))
    # courses on offer: 1000, 1000, 2000 (halfway in logs), 4000, 4000; factor = (c/1000)^0.5
    assert factor == pytest.approx([1.0, 1.0, 2**0.5, 2.0, 2.0])


def test_catalogue_growth_scales_routine_logins_by_its_factor():
    """Doubling the courses on offer with elasticity 1 doubles routine logins."""
    growth = [{"date": "2020-01-01", "courses": 2856}]
    base = universe(scale=2000)
    grown = universe(scale=2000, **{"catalog.growth": growth, "catalog.growth_elasticity": 1.0})
    logins = [summarise(FastEngine(validate_scenario(d)).run(), "fast").daily["new_logins"].sum()
              for d in (base, grown)]  # fmt: skip
    assert 1.85 < logins[1] / logins[0] < 2.15


def test_first_time_learners_learn_in_the_window_on_both_engines():
    data = universe(scale=2000, campaigns=[_chandigarh(target_units=[], first_time_share=0.5)])
    scenario = validate_scenario(data)
    plain = build_run(validate_scenario(universe(scale=2000))).officers.onboarded_day
    start = (dt.date(2025, 3, 25) - START).days
    for engine in (FastEngine, ReferenceEngine):
        officers = engine(scenario).run().population.officers
        pulled = officers.onboarded_day < plain
        assert pulled.sum() > 100
        # they are on the platform from their new day, and many learn before they would
        # otherwise have registered
        learned = officers.first_active_day[pulled]
        assert (learned[learned >= 0] >= start).all()
        assert (learned >= 0).mean() > 0.05


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"campaigns": [_chandigarh(target_units=["Atlantis"])]}, "unknown ministry or state"),
        ({"campaigns": [_chandigarh(target_cadres=["police", "police"])]}, "more than once"),
        ({"campaigns": [_chandigarh(target_units=["Ministry of Railways"],
                                   target_sectors=["state"])]},
         "only in the \\['central'\\] sectors"),
        ({"campaigns": [_chandigarh(target_cadres=["pilots"])]}, "unknown or empty cadres"),
        ({"campaigns": [_chandigarh(means="threat")]}, "means"),
        ({"workforce.growth": True}, "workforce.growth"),
        ({"population.onboarding_curve": [{"date": "2024-01-01", "registered_users": 5}]},
         "exclude each other"),
        ({"population.cadres": {"central": {"administration": 0.5}}}, "add up to 1"),
        ({"population.adoption": {"central": UNIVERSE["population"]["adoption"]["central"]}},
         "have officers but no adoption"),
        ({"campaigns": [_chandigarh(start="2025-06-01", planned_end="2025-06-05")]},
         "outside the calendar"),
        ({"population.adoption.state.unit_midpoints": {"Atlantis": "2025-01-01"}},
         "unknown adoption.state.unit_midpoints unit \\['Atlantis'\\]"),
        ({"population.adoption.central.unit_midpoints": {"Uttar Pradesh": "2025-01-01"}},
         "unknown adoption.central.unit_midpoints unit"),
    ],
)  # fmt: skip
def test_bad_whole_workforce_settings_name_the_problem(changes, message):
    with pytest.raises(ConfigError, match=message):
        validate_scenario(universe(**changes))
