"""Simulation time: one base unit (minutes from 00:00 IST on the start day) and real dates.

Every output carries real IST dates; the engine only ever sees integer minutes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from sim.config import CalendarConfig

MINUTES_PER_DAY = 1440
IST = "Asia/Kolkata"
NEVER = np.iinfo(np.int32).max  # the minute of an event that will not happen in the horizon

WORKING_DAY, WEEKEND, HOLIDAY = 0, 1, 2


@dataclass(frozen=True)
class SimCalendar:
    config: CalendarConfig

    @property
    def start(self) -> dt.date:
        return self.config.start

    @property
    def n_days(self) -> int:
        return (self.config.end - self.config.start).days + 1

    @property
    def horizon_minutes(self) -> int:
        return self.n_days * MINUTES_PER_DAY

    @cached_property
    def dates(self) -> pd.DatetimeIndex:
        return pd.date_range(self.config.start, periods=self.n_days, freq="D")

    @cached_property
    def day_types(self) -> np.ndarray:
        """WORKING_DAY, WEEKEND or HOLIDAY for each simulated day."""
        holidays = {pd.Timestamp(h) for h in self.config.holidays}
        kinds = np.where(self.dates.day_of_week >= 5, WEEKEND, WORKING_DAY).astype(np.int8)
        is_holiday = np.array([d in holidays for d in self.dates], dtype=bool)
        kinds[is_holiday & (kinds == WORKING_DAY)] = HOLIDAY
        return kinds

    def day_index(self, date: dt.date) -> int:
        return (date - self.config.start).days

    def minute_of(self, moment: dt.date | dt.datetime) -> int:
        """Minutes from the start of the simulation to an IST date (00:00) or date-time."""
        if isinstance(moment, dt.datetime):
            start = dt.datetime.combine(self.config.start, dt.time())
            return int((moment - start).total_seconds() // 60)
        return self.day_index(moment) * MINUTES_PER_DAY

    def timestamps(self, minutes: np.ndarray) -> pd.DatetimeIndex:
        """IST time stamps for simulation minutes."""
        base = pd.Timestamp(self.config.start, tz=IST)
        return base + pd.to_timedelta(np.asarray(minutes, dtype=np.int64), unit="min")

    def day_activity(self, weekend: float, holiday: float) -> np.ndarray:
        """Relative activity of each day (a working day is 1)."""
        factors = np.array([1.0, weekend, holiday])
        return factors[self.day_types]

    @property
    def shape_kinds(self) -> np.ndarray:
        """Which hour shape each day follows: 0 working day, 1 weekend (holidays too)."""
        return np.minimum(self.day_types, WEEKEND)

    def hour_shapes(self) -> np.ndarray:
        """Per-minute activity shape of a working day and of a weekend, each summing to 1."""
        rows = [self.config.working_day_hour_profile, self.config.weekend_hour_profile]
        shapes = np.repeat(np.asarray(rows, dtype=float), 60, axis=1)
        return shapes / shapes.sum(axis=1, keepdims=True)
