"""How officers learn in a session: sitting lengths, abandoning courses, which categories
they choose."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from sim.config.base import NonNegativeFloat, PositiveFloat, Share, Strict, check_shares
from sim.config.calibrated import calibrated
from sim.config.vocabulary import CATEGORIES


class SessionConfig(Strict):
    """Length of one sitting on the platform, lognormal, in minutes."""

    median_minutes: PositiveFloat = 28.0
    sigma: Annotated[float, Field(ge=0.0, le=3.0)] = 0.7
    max_minutes: Annotated[int, Field(ge=5, le=720)] = 240


class BehaviourConfig(Strict):
    routine_session: SessionConfig = SessionConfig()
    engaged_session: SessionConfig = SessionConfig(
        median_minutes=calibrated("engaged_session_minutes"), sigma=0.6
    )
    drop_hazard_per_hour: NonNegativeFloat = calibrated("drop_hazard_per_hour")
    max_courses_per_session: Annotated[int, Field(ge=1, le=50)] = 6
    min_minutes_to_start_course: NonNegativeFloat = 3.0
    routine_course_mix: dict[str, Share] = {
        "common_recommended": 0.15,
        "role_based": 0.30,
        "ministry_recommended": 0.25,
        "self_selected": 0.30,
    }
    campaign_course_mix: dict[str, Share] = {
        "common_recommended": 0.35,
        "role_based": 0.25,
        "ministry_recommended": 0.25,
        "self_selected": 0.15,
    }

    @field_validator("routine_course_mix", "campaign_course_mix")
    @classmethod
    def _mix(cls, v: dict[str, float]) -> dict[str, float]:
        check_shares(v, CATEGORIES, "category")
        return v
