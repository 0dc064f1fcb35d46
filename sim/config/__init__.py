"""Scenario configuration: YAML validated by pydantic, split by concern.

A scenario is data. Every field a model rule reads lives in one of these models with its
unit in the name or the docstring, so a planner can read a YAML file and know what each
number does. Unknown keys are errors (a typo must never silently fall back to a default).
"""

from sim.config.base import NonNegativeFloat, PositiveFloat, SafeName, Share, Strict
from sim.config.behaviour import BehaviourConfig, SessionConfig
from sim.config.calendar import CalendarConfig
from sim.config.campaign import (
    CampaignConfig,
    DeadlineRushConfig,
    EngagementConfig,
    StaggerConfig,
    WebinarConfig,
)
from sim.config.catalog import CatalogConfig
from sim.config.competencies import CompetencyConfig, RecommendationConfig
from sim.config.errors import ConfigError
from sim.config.loading import (
    load_model,
    load_scenario,
    load_settings,
    scenario_problems,
    upload_settings,
    validate_scenario,
)
from sim.config.paths import expand_path, get_path, set_path, with_paths
from sim.config.platform import (
    APIS,
    AutoscalerConfig,
    ClientConfig,
    LoadTestConfig,
    OverloadConfig,
    PlatformConfig,
    ServerConfig,
)
from sim.config.policies import (
    AssignmentConfig,
    InactivityAlertConfig,
    KarmaConfig,
    MdoProgrammeConfig,
    PoliciesConfig,
    ReminderConfig,
    WorkforceConfig,
)
from sim.config.population import (
    GrowthPoint,
    PopulationConfig,
    PropensityConfig,
    SectorAdoption,
)
from sim.config.scenario import EngineConfig, Scenario
from sim.config.vocabulary import (
    CADRES,
    CATEGORIES,
    COMPETENCY_AREAS,
    FRONTLINE_CADRES,
    MEANS,
    SECTORS,
    SERVICE_GROUPS,
)

__all__ = [
    "APIS",
    "CADRES",
    "CATEGORIES",
    "COMPETENCY_AREAS",
    "FRONTLINE_CADRES",
    "MEANS",
    "SECTORS",
    "SERVICE_GROUPS",
    "AssignmentConfig",
    "AutoscalerConfig",
    "BehaviourConfig",
    "CalendarConfig",
    "CampaignConfig",
    "CatalogConfig",
    "ClientConfig",
    "CompetencyConfig",
    "ConfigError",
    "DeadlineRushConfig",
    "EngagementConfig",
    "EngineConfig",
    "GrowthPoint",
    "InactivityAlertConfig",
    "KarmaConfig",
    "MdoProgrammeConfig",
    "NonNegativeFloat",
    "OverloadConfig",
    "PlatformConfig",
    "PoliciesConfig",
    "PopulationConfig",
    "PositiveFloat",
    "PropensityConfig",
    "RecommendationConfig",
    "ReminderConfig",
    "Scenario",
    "SectorAdoption",
    "LoadTestConfig",
    "ServerConfig",
    "SessionConfig",
    "Share",
    "StaggerConfig",
    "SafeName",
    "Strict",
    "WebinarConfig",
    "WorkforceConfig",
    "expand_path",
    "get_path",
    "load_model",
    "load_scenario",
    "load_settings",
    "scenario_problems",
    "set_path",
    "upload_settings",
    "validate_scenario",
    "with_paths",
]
