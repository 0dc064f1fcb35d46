"""When officers log in: non-homogeneous Poisson processes sampled exactly.

Activity varies by minute (IST hour profile), by day (weekends, holidays, campaign days)
and by officer (propensity). An `IntensityClock` integrates the shared shape over the
horizon once; an officer's next login is where the integral has grown by an exponential
draw divided by their rate: one `searchsorted` per batch, exact at minute resolution.
"""

from __future__ import annotations

import numpy as np

from sim.calendar import NEVER, SimCalendar


class IntensityClock:
    """Integrated intensity: `cumulative[m]` is the intensity summed over minutes [0, m)."""

    def __init__(self, intensity_per_minute: np.ndarray) -> None:
        if np.any(intensity_per_minute < 0):
            raise ValueError("intensity must be non-negative")
        self.cumulative = np.concatenate([[0.0], np.cumsum(intensity_per_minute)])
        self.horizon = len(intensity_per_minute)

    def integral(self, start_min: int, end_min: int) -> float:
        start_min = min(max(start_min, 0), self.horizon)
        end_min = min(max(end_min, 0), self.horizon)
        return float(self.cumulative[end_min] - self.cumulative[start_min])

    def next_event(
        self, after_min: np.ndarray, rate: np.ndarray, exp_draws: np.ndarray
    ) -> np.ndarray:
        """First event at or after `after_min` for each officer; NEVER if beyond the horizon.

        `rate` is events per unit of integrated intensity (per working day for the routine
        clock); `exp_draws` are standard exponential variates.
        """
        after = np.clip(after_min, 0, self.horizon)
        with np.errstate(divide="ignore", invalid="ignore"):
            target = self.cumulative[after] + exp_draws / rate
        minute = np.searchsorted(self.cumulative, target, side="left") - 1
        beyond = (minute >= self.horizon) | ~np.isfinite(target)
        minute = np.maximum(minute, after)  # guards against rounding at the boundary
        return np.where(beyond, NEVER, minute).astype(np.int32)


def routine_intensity(calendar: SimCalendar) -> np.ndarray:
    """Routine activity per minute: a working day integrates to 1."""
    days = calendar.day_activity(calendar.config.weekend_activity, calendar.config.holiday_activity)
    return np.repeat(days, 1440) * calendar.minute_profile()
