"""A campaign's scope and waves, against the plain statements they replaced.

`CampaignPlan.targeted` reads each officer's membership from small lookup tables, and a
single-wave campaign skips assigning ministries to waves; both must give exactly what
`np.isin` and the wave arithmetic give.
"""

from __future__ import annotations

import copy
import functools

import numpy as np
from conftest import sampled
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.agents.campaign_phases import ActiveCampaign
from sim.config import CADRES, SECTORS, SERVICE_GROUPS
from sim.engines.run_state import RunState, build_run
from sim.scenarios.campaign import CampaignPlan
from sim.world.population import ENGAGED, Officers
from sim.world.random_streams import RandomStreams


def _officers(n: int, n_units: int, seed: int) -> Officers:
    rng = np.random.default_rng(seed)
    officers = Officers(n)
    officers.sector[:] = rng.integers(0, len(SECTORS), n)
    officers.service_group[:] = rng.integers(0, len(SERVICE_GROUPS), n)
    officers.cadre[:] = rng.integers(0, len(CADRES), n)
    officers.ministry_id[:] = rng.integers(0, n_units, n)
    return officers


def _isin_statement(plan: CampaignPlan, officers: Officers) -> np.ndarray:
    """The scope as it was written before the lookup tables."""
    config = plan.config
    inside = np.isin(officers.sector, [SECTORS.index(s) for s in config.target_sectors])
    inside &= np.isin(
        officers.service_group, [SERVICE_GROUPS.index(g) for g in config.target_groups]
    )
    if set(config.target_cadres) != set(CADRES):
        inside &= np.isin(officers.cadre, [CADRES.index(c) for c in config.target_cadres])
    if plan.unit_ids is not None:
        inside &= np.isin(officers.ministry_id, plan.unit_ids)
    return inside


@functools.cache
def sampled_state() -> RunState:
    return build_run(sampled("saptah_2024", agents=2_000))


def sampled_plan() -> CampaignPlan:
    return sampled_state().plans[0]


@settings(max_examples=40, deadline=None)
@given(
    sectors=st.sets(st.sampled_from(SECTORS), min_size=1),
    groups=st.sets(st.sampled_from(SERVICE_GROUPS), min_size=1),
    cadres=st.sets(st.sampled_from(CADRES), min_size=1),
    units=st.none() | st.lists(st.integers(-1, 40), min_size=1, max_size=6),
    seed=st.integers(0, 2**16),
)
def test_the_scope_is_the_isin_statement(sectors, groups, cadres, units, seed):
    plan = sampled_plan()
    config = plan.config.model_copy(
        update={
            "target_sectors": sorted(sectors),
            "target_groups": sorted(groups),
            "target_cadres": sorted(cadres),
        }
    )
    unit_ids = None if units is None else np.array(units)
    plan = CampaignPlan(plan.index, config, plan.calendar, unit_ids)
    officers = _officers(3_000, 30, seed)  # units up to 40: some name no officer's unit
    np.testing.assert_array_equal(plan.targeted(officers), _isin_statement(plan, officers))


def _with_wave_table(campaign: ActiveCampaign, officers: Officers) -> ActiveCampaign:
    """The same campaign with the ministry-to-wave table every campaign used to build."""
    tabled = copy.copy(campaign)
    tabled.wave_of_ministry = campaign._assign_waves(officers)
    return tabled


def test_a_single_wave_is_the_wave_table_without_building_it():
    """Without staggered starts no wave table is built; every officer is in wave 0, hours
    count inside the one window (its edges included) and the wave's end moves the same
    officers, as with the table."""
    state = build_run(sampled("saptah_2024", agents=2_000))
    plan, officers = state.plans[0], state.officers
    assert plan.waves == 1
    campaign = ActiveCampaign(plan, officers, median_rate=1.0)
    assert campaign.wave_of_ministry is None
    tabled = _with_wave_table(campaign, officers)
    assert not tabled.wave_of_ministry.any()
    ids = np.arange(officers.n)
    np.testing.assert_array_equal(campaign.waves_of(officers, ids), tabled.waves_of(officers, ids))
    opens, closes = plan.wave_start_min(0), plan.wave_end_min(0)
    minutes = np.random.default_rng(1).integers(opens - 600, closes + 600, ids.size)
    minutes[:4] = [opens - 1, opens, closes - 1, closes]  # the window's edges
    inside = campaign.in_window(officers, ids, minutes)
    np.testing.assert_array_equal(inside, tabled.in_window(officers, ids, minutes))
    assert inside.any() and not inside.all()

    officers.mode[::3] = ENGAGED
    officers.engage_min[1::3] = 7
    ends = []
    for phase in (campaign, tabled):
        before = copy.deepcopy(officers)
        moved = phase.end_wave(before, RandomStreams(5), state.routine_clock, 0)
        ends.append((moved, before))
    (ids_short, times_short), short = ends[0]
    (ids_table, times_table), table = ends[1]
    np.testing.assert_array_equal(ids_short, ids_table)
    np.testing.assert_array_equal(times_short, times_table)
    for name in ("mode", "engage_min", "next_login_min"):
        np.testing.assert_array_equal(getattr(short, name), getattr(table, name), err_msg=name)
    assert ids_short.size and not (short.mode == ENGAGED).any()
