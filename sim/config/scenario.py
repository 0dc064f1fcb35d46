"""One validated scenario: everything a run needs, and its identity (hash)."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from sim.config.base import SafeName, Strict
from sim.config.behaviour import BehaviourConfig
from sim.config.calendar import CalendarConfig
from sim.config.campaign import CampaignConfig
from sim.config.catalog import CatalogConfig
from sim.config.competencies import CompetencyConfig, RecommendationConfig
from sim.config.errors import validated
from sim.config.platform import PlatformConfig
from sim.config.policies import PoliciesConfig, WorkforceConfig
from sim.config.population import PopulationConfig


class EngineConfig(Strict):
    """How the fast engine batches officers: a tick of 60 minutes is fast and accurate for
    daily outcomes; shorter ticks shrink its approximations (see `sim.engines.fast`)."""

    tick_minutes: Literal[1, 5, 10, 15, 30, 60, 120, 180, 240, 360, 720, 1440] = 60


class Scenario(Strict):
    """One validated scenario: everything a run needs besides the seed and scale overrides."""

    name: SafeName
    description: str = ""
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 0
    scale: Annotated[int, Field(ge=1, le=1_000_000)] = 1
    calendar: CalendarConfig
    population: PopulationConfig = PopulationConfig()
    catalog: CatalogConfig = CatalogConfig()
    behaviour: BehaviourConfig = BehaviourConfig()
    campaigns: list[CampaignConfig] = []
    platform: PlatformConfig = PlatformConfig()
    competencies: CompetencyConfig = CompetencyConfig()
    recommendations: RecommendationConfig = RecommendationConfig()
    policies: PoliciesConfig = PoliciesConfig()
    workforce: WorkforceConfig = WorkforceConfig()
    engine: EngineConfig = EngineConfig()
    # Set on the draws of a fitted posterior (`sim.forecasting.posterior`): the runs of one
    # scenario's draws share it and are summarised as one band, as replications are.
    draw_of: Annotated[str, Field(max_length=200)] = ""

    @model_validator(mode="before")
    @classmethod
    def _one_target(cls, data: Any) -> Any:
        if isinstance(data, dict) and "target_hours" in data:
            raise ValueError(
                "target_hours: a target belongs to its campaign; set campaigns[].target_hours"
            )
        return data

    @model_validator(mode="after")
    def _campaigns_fit(self) -> Scenario:
        ordered = sorted(self.campaigns, key=lambda c: c.start)
        for i, campaign in enumerate(self.campaigns):
            if campaign.start < self.calendar.start or campaign.last_day > self.calendar.end:
                raise ValueError(
                    f"campaigns[{i}] ({campaign.name}) runs {campaign.start}..{campaign.last_day}, "
                    f"outside the calendar {self.calendar.start}..{self.calendar.end}"
                )
        for earlier, later in zip(ordered, ordered[1:], strict=False):
            if later.start <= earlier.last_day:
                raise ValueError(f"campaigns {earlier.name!r} and {later.name!r} overlap")
        for i, assignment in enumerate(self.policies.assignments):
            if not self.calendar.start <= assignment.assigned <= self.calendar.end:
                raise ValueError(
                    f"policies.assignments[{i}].assigned {assignment.assigned} is outside the "
                    f"calendar {self.calendar.start}..{self.calendar.end}"
                )
            if assignment.due > self.calendar.end:
                raise ValueError(
                    f"policies.assignments[{i}].due {assignment.due} is after the end of the "
                    f"calendar ({self.calendar.end})"
                )
        for i, programme in enumerate(self.policies.mdo_programmes):
            last = max(programme.sessions)
            if programme.announce < self.calendar.start or last > self.calendar.end:
                raise ValueError(
                    f"policies.mdo_programmes[{i}] ({programme.name}) runs "
                    f"{programme.announce}..{last}, outside the calendar "
                    f"{self.calendar.start}..{self.calendar.end}"
                )
        if self.population.adoption is not None and self.workforce.growth:
            raise ValueError(
                "workforce.growth: with population.adoption, officers register by the adoption "
                "mechanism; set workforce.growth to false"
            )
        if self.population.officers // self.scale < 1:
            raise ValueError(
                f"scale {self.scale} leaves no simulated officer out of {self.population.officers}"
            )
        return self

    @property
    def agents(self) -> int:
        """Simulated officers: one agent stands for `scale` officers."""
        return max(1, round(self.population.officers / self.scale))

    def canonical(self) -> dict[str, Any]:
        """Every setting, defaults included (`draw_of` only when set, so that a scenario
        that is not a draw keeps the identity it had before the field existed)."""
        data = self.model_dump(mode="json")
        if not data["draw_of"]:
            del data["draw_of"]
        return data

    def config_hash(self) -> str:
        """Hash of the fully resolved scenario (defaults included), seed and scale too."""
        text = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def with_overrides(self, **changes: Any) -> Scenario:
        """A copy with top-level fields replaced, validated again."""
        data = self.canonical()
        data.update(changes)
        return validated(Scenario, data, source=f"{self.name} (overridden)")
