"""The simulated period and the shape of a day's activity."""

from __future__ import annotations

import datetime as dt

from pydantic import field_validator, model_validator

from sim.config.base import HourProfile, Share, Strict


class CalendarConfig(Strict):
    """The simulated period, in IST. Days start at 00:00 IST; `end` is the last simulated day."""

    start: dt.date
    end: dt.date
    holidays: list[dt.date] = []
    weekend_activity: Share = 0.35
    holiday_activity: Share = 0.35
    working_day_hour_profile: HourProfile = [
        0.2, 0.1, 0.05, 0.05, 0.05, 0.2, 0.5, 1.0, 1.6, 2.4, 4.0, 5.0,
        5.0, 3.6, 3.8, 4.6, 4.6, 3.8, 2.6, 2.0, 2.0, 1.6, 1.0, 0.5,
    ]  # fmt: skip
    weekend_hour_profile: HourProfile = [
        0.4, 0.2, 0.1, 0.1, 0.1, 0.3, 0.7, 1.3, 2.0, 2.8, 3.4, 3.6,
        3.4, 3.0, 3.0, 3.2, 3.2, 3.0, 2.8, 2.8, 2.8, 2.2, 1.4, 0.8,
    ]  # fmt: skip

    @model_validator(mode="after")
    def _order(self) -> CalendarConfig:
        if self.end < self.start:
            raise ValueError(f"end date {self.end} is before start date {self.start}")
        if (self.end - self.start).days + 1 > 366 * 6:
            raise ValueError("the simulated period is limited to six years")
        return self

    @field_validator("working_day_hour_profile", "weekend_hour_profile")
    @classmethod
    def _nonzero(cls, profile: list[float]) -> list[float]:
        if sum(profile) <= 0:
            raise ValueError("an hour profile needs at least one positive weight")
        return profile
