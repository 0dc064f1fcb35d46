"""The course catalogue: how many courses, of which categories, and how long they are (what
they teach follows sim/data/competencies.yaml)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from sim.config.base import PositiveFloat, Share, Strict, check_increasing_dates, check_shares
from sim.config.vocabulary import CATEGORIES


class CataloguePoint(Strict):
    date: dt.date
    courses: Annotated[int, Field(gt=0, le=100_000)]


class CatalogConfig(Strict):
    """The simulated catalogue (`courses` of it). With `growth`, the courses on offer change
    over the run (interpolated log-linearly between the points, flat beyond them), and
    routine learning scales with (courses on offer / `courses`) ** `growth_elasticity`:
    more relevant courses, more learning. The simulated choice set stays `courses`."""

    courses: Annotated[int, Field(gt=0, le=100_000)] = 1428
    growth: list[CataloguePoint] = []
    growth_elasticity: Annotated[float, Field(ge=0.0, le=3.0)] = 0.0
    categories: dict[str, Share] = {
        "common_recommended": 0.04,
        "role_based": 0.30,
        "ministry_recommended": 0.36,
        "self_selected": 0.30,
    }
    duration_mean_hours: PositiveFloat = 1.25
    duration_sigma: Annotated[float, Field(ge=0.0, le=3.0)] = 0.8
    duration_min_hours: PositiveFloat = 0.1
    duration_max_hours: PositiveFloat = 30.0
    popularity_skew: Annotated[float, Field(ge=0.0, le=3.0)] = 1.0
    hindi_share: Share = 0.35

    @field_validator("growth")
    @classmethod
    def _growth(cls, v: list[CataloguePoint]) -> list[CataloguePoint]:
        check_increasing_dates([p.date for p in v])
        return v

    @field_validator("categories")
    @classmethod
    def _categories(cls, v: dict[str, float]) -> dict[str, float]:
        check_shares(v, CATEGORIES, "category")
        return v

    @model_validator(mode="after")
    def _durations(self) -> CatalogConfig:
        if self.duration_max_hours <= self.duration_min_hours:
            raise ValueError("duration_max_hours must exceed duration_min_hours")
        if not self.duration_min_hours < self.duration_mean_hours < self.duration_max_hours:
            raise ValueError("duration_mean_hours must lie between the min and max durations")
        return self
