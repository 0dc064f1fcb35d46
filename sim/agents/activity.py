"""When officers log in: non-homogeneous Poisson processes sampled exactly.

Activity varies by day (weekends, holidays, campaign days, the deadline rush), by minute of
the day (an IST hour profile per kind of day) and by officer (propensity). The shared part
is separable: intensity(minute) = day weight x within-day shape. An `IntensityClock`
integrates it; an officer's next login is where the integral has grown by an exponential
draw divided by their rate. Sampling is two small `searchsorted` calls per batch (over the
days, then over the minutes of a day), exact at minute resolution.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.world.calendar import MINUTES_PER_DAY, NEVER, SimCalendar


class IntensityClock:
    def __init__(self, day_weights: np.ndarray, day_kind: np.ndarray, shapes: np.ndarray) -> None:
        """`day_weights[d]`: integral over day d; `shapes[day_kind[d]]`: its minute shape
        (rows of `shapes` are per-minute weights summing to 1)."""
        if np.any(day_weights < 0):
            raise ValueError("intensity must be non-negative")
        self.day_weights = np.asarray(day_weights, dtype=float)
        self.day_kind = np.asarray(day_kind, dtype=np.int64)
        shapes = np.asarray(shapes, dtype=float)
        self.shape_cumulative = np.concatenate(
            [np.zeros((len(shapes), 1)), np.cumsum(shapes, axis=1)], axis=1
        )
        self.shape_cumulative /= self.shape_cumulative[:, -1:]
        self._flat_shapes = self.shape_cumulative.ravel()
        self._row = MINUTES_PER_DAY + 1
        self.day_cumulative = np.concatenate([[0.0], np.cumsum(self.day_weights)])
        self.n_days = len(self.day_weights)
        self.horizon = self.n_days * MINUTES_PER_DAY

    def position(self, minute: np.ndarray) -> np.ndarray:
        """Integrated intensity over minutes [0, minute)."""
        minute = np.minimum(minute, self.horizon)
        day = np.minimum(minute // MINUTES_PER_DAY, self.n_days - 1)
        within = minute - day * MINUTES_PER_DAY
        shape = self._flat_shapes[self.day_kind[day] * self._row + within]
        return self.day_cumulative[day] + self.day_weights[day] * shape

    def integral(self, start_min: int, end_min: int) -> float:
        ends = self.position(np.array([start_min, end_min]))
        return float(ends[1] - ends[0])

    def next_event(
        self, after_min: np.ndarray, rate: np.ndarray, exp_draws: np.ndarray
    ) -> np.ndarray:
        """First event at or after `after_min` per officer; NEVER if beyond the horizon.

        `rate` is events per unit of integrated intensity (per working day for the routine
        clock); `exp_draws` are standard exponential variates.
        """
        after_min, rate, exp_draws = np.broadcast_arrays(after_min, rate, exp_draws)
        times = np.empty(after_min.size, dtype=np.int32)
        _next_events(after_min.ravel(), rate.ravel(), exp_draws.ravel(), self.tables, times)
        return times

    @property
    def tables(self) -> tuple:
        """What the compiled sampling reads (`next_event_at`)."""
        return (self.horizon, self.day_cumulative, self.day_weights, self.day_kind,
                self.shape_cumulative)  # fmt: skip

    def next_events_from(self, now: int, rate: np.ndarray, exp_draws: np.ndarray) -> np.ndarray:
        """`next_event` for officers who all start from the same minute.

        The intensity left after `now` is one number, so only officers whose draw falls
        inside it need their time searched for: cheap when most will not act at all. One
        compiled pass where numpy took seven (`tests/test_activity.py` checks it against
        them).
        """
        rate, exp_draws = np.broadcast_arrays(rate, exp_draws)
        times = np.empty(rate.size, dtype=np.int32)
        left = self.integral(now, self.horizon)
        _next_events_from(now, left, rate.ravel(), exp_draws.ravel(), self.tables, times)
        return times


@njit(cache=True, nogil=True, error_model="numpy")
def _next_events(after_min, rate, exp_draws, tables, times):
    """`IntensityClock.next_event`, compiled (`next_event_at` for each officer)."""
    for i in range(after_min.size):
        times[i] = next_event_at(after_min[i], rate[i], exp_draws[i], tables)


@njit(cache=True, nogil=True, error_model="numpy")
def _next_events_from(now: int, left: float, rate, exp_draws, tables, times):
    """`IntensityClock.next_events_from`: NEVER for those whose draw over their rate is
    not inside the intensity `left` after `now` (a rate of 0 included), `next_event_at`
    for the others."""
    for i in range(rate.size):
        if exp_draws[i] / rate[i] < left:
            times[i] = next_event_at(now, rate[i], exp_draws[i], tables)
        else:
            times[i] = NEVER


@njit(cache=True, nogil=True, error_model="numpy")
def next_event_at(after, rate, exp_draw, tables) -> int:
    """One officer's next event on a clock (`IntensityClock.tables`): the integrated
    intensity at `after` plus their draw over their rate, found among the days, then among
    the minutes of that day's shape (both `searchsorted(side="right") - 1`)."""
    horizon, day_cumulative, day_weights, day_kind, shapes = tables
    n_days = day_weights.size
    after = min(after, horizon)
    day = min(after // MINUTES_PER_DAY, n_days - 1)
    within = after - day * MINUTES_PER_DAY
    position = day_cumulative[day] + day_weights[day] * shapes[day_kind[day], within]
    target = position + exp_draw / rate
    day = np.searchsorted(day_cumulative, target, side="right") - 1
    if day >= n_days or not np.isfinite(target):
        return NEVER
    fraction = (target - day_cumulative[day]) / day_weights[day]
    if not np.isfinite(fraction):  # a day of no activity (nan, or inf: x / 0)
        fraction = 0.0 if not fraction < 0 else fraction
    found = np.searchsorted(shapes[day_kind[day]], fraction, side="right")
    minute = day * MINUTES_PER_DAY + min(found - 1, MINUTES_PER_DAY - 1)
    return max(minute, after)


def calendar_clock(calendar: SimCalendar, day_weights: np.ndarray) -> IntensityClock:
    """A clock with the calendar's hour profiles (weekend shape on weekends and holidays)."""
    return IntensityClock(day_weights, calendar.shape_kinds, calendar.hour_shapes())


def routine_clock(calendar: SimCalendar, day_factor: np.ndarray | None = None) -> IntensityClock:
    """Routine activity: a working day integrates to 1 (times `day_factor` of the day, if
    given), so rates are per working day."""
    config = calendar.config
    weights = calendar.day_activity(config.weekend_activity, config.holiday_activity)
    return calendar_clock(calendar, weights if day_factor is None else weights * day_factor)
