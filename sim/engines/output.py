"""What an engine hands to `sim.results`: the run state at its end, in agent units."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.agents.campaign_phases import CampaignOutcome
from sim.agents.competencies import CompetencyModel
from sim.config import Scenario
from sim.engines.recorder import Recorder
from sim.engines.run_state import RunState
from sim.platform.runtime import PlatformRuntime
from sim.world.calendar import SimCalendar
from sim.world.catalog import Catalog
from sim.world.population import Population


@dataclass
class EngineOutput:
    """Everything a run produced, in agent units; `sim.results` scales and tabulates it."""

    scenario: Scenario
    calendar: SimCalendar
    population: Population
    catalog: Catalog
    recorder: Recorder
    initial_in_progress: int
    campaigns: list[CampaignOutcome]
    platform: PlatformRuntime
    competencies: CompetencyModel
    policy_kpis: dict[str, float]  # agent units
    timings: dict[str, float] = field(default_factory=dict)
    step_seconds: dict[str, float] = field(default_factory=dict)  # wall time per step

    @classmethod
    def of(cls, state: RunState, setup_s: float, simulate_s: float) -> EngineOutput:
        assert state.policies is not None
        return cls(
            scenario=state.scenario,
            calendar=state.calendar,
            population=state.population,
            catalog=state.catalog,
            recorder=state.recorder,
            initial_in_progress=state.initial_in_progress,
            campaigns=state.outcomes,
            platform=state.platform,
            competencies=state.competencies,
            policy_kpis=state.policies.kpis(),
            timings={"setup_s": setup_s, "simulate_s": simulate_s},
            step_seconds=state.timer.seconds,
        )
