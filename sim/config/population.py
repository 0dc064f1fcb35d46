"""Who the officers are: how many, in which sectors, groups and organisations, how often they
log in, and how the platform grew before the run."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, field_validator

from sim.config.base import NonNegativeFloat, PositiveFloat, Share, Strict, check_shares
from sim.config.calibrated import calibrated
from sim.config.vocabulary import SECTORS, SERVICE_GROUPS


class GrowthPoint(Strict):
    date: dt.date
    registered_users: Annotated[int, Field(gt=0)]


class PropensityConfig(Strict):
    """Routine logins per working day, lognormal across officers (heavy-tailed on purpose:
    most officers rarely log in, a few log in daily)."""

    median_logins_per_working_day: PositiveFloat = calibrated("median_logins")
    sigma: Annotated[float, Field(ge=0.0, le=4.0)] = 1.6
    max_logins_per_working_day: PositiveFloat = 3.0


class PopulationConfig(Strict):
    officers: Annotated[int, Field(gt=0, le=40_000_000)] = 4_571_209
    sectors: dict[str, Share] = {"central": 0.42, "state": 0.50, "local": 0.08}
    service_groups: dict[str, Share] = {"A": 0.05, "B": 0.15, "C": 0.80}
    departments_per_ministry: PositiveFloat = 6.0
    organisations_per_department: PositiveFloat = 8.0
    size_skew: Annotated[float, Field(ge=0.0, le=3.0)] = 1.1
    roles_per_group: Annotated[int, Field(gt=0, le=2000)] = 60
    propensity: PropensityConfig = PropensityConfig()
    group_propensity_multiplier: dict[str, PositiveFloat] = {"A": 1.3, "B": 1.1, "C": 1.0}
    onboarding_curve: list[GrowthPoint] = [
        GrowthPoint(date=dt.date(2022, 11, 7), registered_users=152_000),
        GrowthPoint(date=dt.date(2023, 1, 15), registered_users=300_000),
        GrowthPoint(date=dt.date(2023, 3, 31), registered_users=497_000),
        GrowthPoint(date=dt.date(2024, 10, 26), registered_users=4_571_209),
        GrowthPoint(date=dt.date(2025, 5, 21), registered_users=10_000_000),
        GrowthPoint(date=dt.date(2026, 1, 31), registered_users=14_500_000),
    ]
    first_onboarding: dt.date = dt.date(2021, 9, 1)
    history_completions_per_login: NonNegativeFloat = calibrated("history_completions_per_login")
    history_activity_factor: NonNegativeFloat = 1.0
    initial_in_progress_days: NonNegativeFloat = 40.0

    @field_validator("sectors")
    @classmethod
    def _sectors(cls, v: dict[str, float]) -> dict[str, float]:
        check_shares(v, SECTORS, "sector")
        return v

    @field_validator("service_groups")
    @classmethod
    def _groups(cls, v: dict[str, float]) -> dict[str, float]:
        check_shares(v, SERVICE_GROUPS, "service group")
        return v

    @field_validator("group_propensity_multiplier")
    @classmethod
    def _group_keys(cls, v: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(v) - set(SERVICE_GROUPS))
        if unknown:
            raise ValueError(f"unknown service group {unknown}; allowed: {list(SERVICE_GROUPS)}")
        return v

    @field_validator("onboarding_curve")
    @classmethod
    def _curve(cls, v: list[GrowthPoint]) -> list[GrowthPoint]:
        if len(v) < 1:
            raise ValueError("needs at least one point")
        dates = [p.date for p in v]
        users = [p.registered_users for p in v]
        if dates != sorted(dates) or len(set(dates)) != len(dates):
            raise ValueError("dates must be strictly increasing")
        if users != sorted(users):
            raise ValueError("registered_users must not decrease")
        return v
