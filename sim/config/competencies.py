"""The competency model's settings and how officers are pointed to courses."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from sim.config.base import Share, Strict
from sim.config.vocabulary import COMPETENCY_AREAS, SERVICE_GROUPS


class CompetencyConfig(Strict):
    """Roles require competencies at levels; completing a course (and passing its
    assessment) raises the officer to the course's level in the course's competency.
    The shares and levels are modelling assumptions (nothing is published about them)."""

    required_per_area: dict[str, Annotated[int, Field(ge=0, le=10)]] = {
        "behavioural": 2,
        "functional": 2,
        "domain": 2,
    }
    max_required_level: dict[str, Annotated[int, Field(ge=1, le=5)]] = {"A": 3, "B": 2, "C": 2}
    pass_probability: Share = 0.85
    initial_met_share: Share = 0.4

    @field_validator("required_per_area")
    @classmethod
    def _areas(cls, v: dict[str, int]) -> dict[str, int]:
        unknown = sorted(set(v) - set(COMPETENCY_AREAS))
        if unknown:
            raise ValueError(
                f"unknown competency area {unknown}; allowed: {list(COMPETENCY_AREAS)}"
            )
        if sum(v.values()) == 0:
            raise ValueError("roles must require at least one competency")
        return v

    @field_validator("max_required_level")
    @classmethod
    def _groups(cls, v: dict[str, int]) -> dict[str, int]:
        if set(v) != set(SERVICE_GROUPS):
            raise ValueError(f"give a level for each service group {list(SERVICE_GROUPS)}")
        return v


class RecommendationConfig(Strict):
    """How officers pick courses: by popularity within the category they chose, or (gap
    targeted) a course for a competency their role requires and they lack, which an
    officer follows with `follow_probability` when there is one."""

    mode: Literal["popularity", "gap_targeted"] = "popularity"
    follow_probability: Share = 0.6
