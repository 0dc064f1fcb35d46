"""A campaign's phases as a SimPy process, the same for both engines: it opens (targeted
officers draw when they take it up), the extension is announced, each wave's window
closes, and the outcome is taken. Officers whose next event moved are handed back to the
engine through `state.reschedule`."""

from __future__ import annotations

from collections.abc import Callable

import simpy

from sim.agents.campaign_phases import ActiveCampaign
from sim.engines.run_state import RunState
from sim.scenarios.campaign import CampaignPlan


def drive_campaign(env: simpy.Environment, state: RunState, plan: CampaignPlan):
    yield env.timeout(plan.start_min - env.now)
    officers = state.officers
    median = state.scenario.population.propensity.median_logins_per_working_day
    state.campaign = campaign = ActiveCampaign(plan, officers, median, state.drive)
    topics = state.competencies.dictionary.topics
    emphasis = {topics.index(t): w for t, w in plan.config.topic_emphasis.items()}
    state.catalog = state.catalog.with_emphasis(emphasis)
    state.reschedule(campaign.start(officers, state.streams)[0])
    if plan.announce_min is not None:
        yield env.timeout(plan.announce_min - env.now)
        moved = campaign.announce_extension(officers, state.streams, state.routine_clock)
        state.reschedule(moved[0])
    for wave in range(plan.waves):
        yield env.timeout(plan.wave_end_min(wave) - env.now)
        moved = campaign.end_wave(officers, state.streams, state.routine_clock, wave)
        state.reschedule(moved[0])
        state.n_engaged -= moved[0].size
    state.outcomes.append(campaign.outcome(officers, state.population.organisations.n))
    state.n_engaged = 0
    state.campaign = None
    state.catalog = state.catalog.with_emphasis(None)


def drive_webinars(
    env: simpy.Environment, plan: CampaignPlan, hold: Callable[[CampaignPlan, int], None]
):
    """At each of the campaign's webinar starts, the engine holds the webinar."""
    for start in plan.webinar_minutes():
        yield env.timeout(start - env.now)
        hold(plan, start)
