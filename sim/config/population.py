"""Who the officers are: how many, in which sectors, groups and organisations, how often they
log in, and how the platform grew before the run."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from sim.config.base import (
    NonNegativeFloat,
    PositiveFloat,
    Share,
    Strict,
    check_increasing_dates,
    check_known,
    check_shares,
)
from sim.config.calibrated import calibrated
from sim.config.vocabulary import CADRES, SECTORS, SERVICE_GROUPS, reference_units

# ASSUMPTION (no breakdown is published for the platform): each sector's staff by cadre, an
# order-of-magnitude reading of public employment structures. Central: the central armed
# police (9 lakh of the 30-50 lakh central staff) and the railway and postal operating
# staff (field staff);
# states: teachers and police are the largest state cadres; local bodies: mostly field staff.
DEFAULT_CADRES: dict[str, dict[str, float]] = {
    "central": {"administration": 0.45, "teachers": 0.02, "police": 0.23, "health": 0.02,
                "field_staff": 0.28},
    "state": {"administration": 0.30, "teachers": 0.30, "police": 0.12, "health": 0.10,
              "field_staff": 0.18},
    "local": {"administration": 0.30, "teachers": 0.10, "police": 0.0, "health": 0.10,
              "field_staff": 0.50},
}  # fmt: skip


class SectorAdoption(Strict):
    """How a sector's staff register on the platform (the whole-workforce population).

    Within each unit (a ministry or a state) registrations follow a logistic curve in time:
    `saturation` of the unit's staff register eventually, half of them by the unit's
    midpoint, and `width_days` sets how fast (from 12% to 88% of the eventual users takes
    4 x width_days). Units open at different dates: each unit's midpoint is the sector's
    `midpoint` shifted by a normal offset with sd `unit_spread_days` (states sign their MoUs
    at different times). Nobody registers before the platform's launch.

    `unit_midpoints` names units whose own midpoint is known or fitted (a state with
    published registrations); the others take the random offset.

    `drive_share` of those who register during the run do so in an onboarding drive: they
    do the onboarding courses first (`workforce.onboarding_courses`, at
    `workforce.onboarding_logins_per_day`).
    """

    midpoint: dt.date
    width_days: Annotated[float, Field(gt=0.0, le=3650.0)]
    saturation: Share
    unit_spread_days: Annotated[float, Field(ge=0.0, le=3650.0)] = 0.0
    unit_midpoints: dict[str, dt.date] = {}
    drive_share: Share = 0.0


class GrowthPoint(Strict):
    date: dt.date
    registered_users: Annotated[int, Field(gt=0)]


class PropensityConfig(Strict):
    """Routine logins per working day, lognormal across officers (heavy-tailed on purpose:
    most officers rarely log in, a few log in daily)."""

    median_logins_per_working_day: Annotated[float, Field(gt=0.0, le=50.0)] = calibrated(
        "median_logins"
    )
    sigma: Annotated[float, Field(ge=0.0, le=4.0)] = 1.6
    max_logins_per_working_day: Annotated[float, Field(gt=0.0, le=50.0)] = 3.0


class PopulationConfig(Strict):
    """Who the officers are. Two ways to say when they joined the platform:

    - `onboarding_curve` (default): `officers` are the registered users at the start, and
      their onboarding dates follow the published curve of registered users;
    - `adoption`: `officers` is the whole workforce that could register (up to 3 crore), and
      each officer's registration date comes from their sector's adoption mechanism; those
      not registered by a day are not on the platform (and cost nothing per tick).
    """

    officers: Annotated[int, Field(gt=0, le=40_000_000)] = 4_571_209
    sectors: dict[str, Share] = {"central": 0.42, "state": 0.50, "local": 0.08}
    # Central staff by group, 1 Mar 2022 (Pay Research Unit, published_figures.yaml);
    # ASSUMPTION: the same split holds in the states and local bodies.
    service_groups: dict[str, Share] = {"A": 0.035876, "B": 0.096950, "C": 0.867174}
    cadres: dict[str, dict[str, Share]] = DEFAULT_CADRES
    # Routine learning rates by sector and cadre, relative to the calibrated median (1: same).
    sector_propensity_multiplier: dict[str, PositiveFloat] = {}
    cadre_propensity_multiplier: dict[str, PositiveFloat] = {}
    adoption: dict[str, SectorAdoption] | None = None
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

    @field_validator("cadres")
    @classmethod
    def _cadres(cls, v: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        for sector, shares in v.items():
            if sector not in SECTORS:
                raise ValueError(f"unknown sector {sector!r}; allowed: {list(SECTORS)}")
            check_shares(shares, CADRES, f"{sector} cadre")
        missing = sorted(set(SECTORS) - set(v))
        if missing:
            raise ValueError(f"cadre shares are missing for sectors {missing}")
        return v

    @field_validator("sector_propensity_multiplier")
    @classmethod
    def _sector_keys(cls, v: dict[str, float]) -> dict[str, float]:
        check_known(v, SECTORS, "sector")
        return v

    @field_validator("cadre_propensity_multiplier")
    @classmethod
    def _cadre_keys(cls, v: dict[str, float]) -> dict[str, float]:
        check_known(v, CADRES, "cadre")
        return v

    @model_validator(mode="after")
    def _adoption(self) -> PopulationConfig:
        if self.adoption is None:
            return self
        default_curve = type(self).model_fields["onboarding_curve"].default
        if self.onboarding_curve != default_curve:
            raise ValueError(
                "adoption and onboarding_curve exclude each other: with adoption, registration "
                "dates come from each sector's adoption mechanism"
            )
        unknown = sorted(set(self.adoption) - set(SECTORS))
        if unknown:
            raise ValueError(f"adoption: unknown sector {unknown}; allowed: {list(SECTORS)}")
        staffed = [sector for sector, share in self.sectors.items() if share > 0]
        missing = sorted(set(staffed) - set(self.adoption))
        if missing:
            raise ValueError(f"adoption: sectors {missing} have officers but no adoption")
        units = reference_units()
        for sector, adoption in self.adoption.items():
            allowed = tuple(units["central"] if sector == "central" else units["states"])
            check_known(adoption.unit_midpoints, allowed, f"adoption.{sector}.unit_midpoints unit")
        return self

    @field_validator("group_propensity_multiplier")
    @classmethod
    def _group_keys(cls, v: dict[str, float]) -> dict[str, float]:
        check_known(v, SERVICE_GROUPS, "service group")
        return v

    @field_validator("onboarding_curve")
    @classmethod
    def _curve(cls, v: list[GrowthPoint]) -> list[GrowthPoint]:
        if len(v) < 1:
            raise ValueError("needs at least one point")
        check_increasing_dates([p.date for p in v])
        users = [p.registered_users for p in v]
        if users != sorted(users):
            raise ValueError("registered_users must not decrease")
        return v
