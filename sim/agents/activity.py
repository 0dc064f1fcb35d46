"""When officers log in: non-homogeneous Poisson processes sampled exactly.

Activity varies by day (weekends, holidays, campaign days, the deadline rush), by minute of
the day (an IST hour profile per kind of day) and by officer (propensity). The shared part
is separable: intensity(minute) = day weight x within-day shape. An `IntensityClock`
integrates it; an officer's next login is where the integral has grown by an exponential
draw divided by their rate. Sampling searches the days, then the minutes of a day
(`searchsorted` in numpy; the compiled batch `next_events` starts each search where a
guide table says), exact at minute resolution.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from sim.world.calendar import MINUTES_PER_DAY, NEVER, SimCalendar
from sim.world.search_guide import SearchGuide, guided_search
from sim.world.small_batches import on_calling_core

SHAPE_GUIDE_BUCKETS = 512  # a day's shape: a few minutes of activity per bucket


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
        # where the compiled sampling starts its two searches (`guided_search`)
        self._day_guide = SearchGuide.of(self.day_cumulative, 2 * self.n_days)
        shape_guides = [SearchGuide.of(row, SHAPE_GUIDE_BUCKETS) for row in self.shape_cumulative]
        self._shape_starts = np.stack([guide.starts for guide in shape_guides])
        self._shape_scales = np.array([guide.scale for guide in shape_guides])

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
        next_events(after_min.ravel(), rate.ravel(), exp_draws.ravel(), self.tables, times)
        return times

    @property
    def tables(self) -> tuple:
        """What the compiled sampling reads (`next_events`)."""
        return (self.horizon, self.day_cumulative, self.day_weights, self.day_kind,
                self.shape_cumulative, self._day_guide.starts, self._day_guide.scale,
                self._shape_starts, self._shape_scales)  # fmt: skip

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


@njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def next_events(after_min, rate, exp_draws, tables, times):
    """`IntensityClock.next_event`, compiled: each officer's next event on the clock
    (`IntensityClock.tables`), the integrated intensity at `after` plus their draw over
    their rate, found among the days, then among the minutes of that day's shape (both
    `searchsorted(side="right") - 1`, from where the clock's guides start them). The
    tables are unpacked once for the batch: the same rule as a function called per
    officer took twice as long (docs/design.md, "Sampling a batch"). Officers are shared
    among the cores (this form; `next_events_here` runs them on the calling core)."""
    horizon, day_cumulative, day_weights, day_kind, shapes = tables[:5]
    day_starts, day_scale, shape_starts, shape_scales = tables[5:]
    n_days = day_weights.size
    for i in prange(after_min.size):
        after = min(after_min[i], horizon)
        day = min(after // MINUTES_PER_DAY, n_days - 1)
        within = after - day * MINUTES_PER_DAY
        position = day_cumulative[day] + day_weights[day] * shapes[day_kind[day], within]
        target = position + exp_draws[i] / rate[i]
        if not np.isfinite(target):
            times[i] = NEVER
            continue
        day = guided_search(day_cumulative, target, day_starts, day_scale) - 1
        if day >= n_days:
            times[i] = NEVER
            continue
        fraction = (target - day_cumulative[day]) / day_weights[day]
        if not np.isfinite(fraction):  # a day of no activity (nan, or inf: x / 0)
            fraction = 0.0 if not fraction < 0 else fraction
        kind = day_kind[day]
        found = guided_search(shapes[kind], fraction, shape_starts[kind], shape_scales[kind])
        minute = day * MINUTES_PER_DAY + min(found - 1, MINUTES_PER_DAY - 1)
        times[i] = max(minute, after)


next_events_here = on_calling_core(next_events)


@njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def _next_events_from(now: int, left: float, rate, exp_draws, tables, times):
    """`IntensityClock.next_events_from`: NEVER for those whose draw over their rate is
    not inside the intensity `left` after `now` (a rate of 0 included), `next_events`
    for the others (found on all the cores, then listed in order)."""
    inside = np.empty(rate.size, np.bool_)
    for i in prange(rate.size):
        inside[i] = exp_draws[i] / rate[i] < left
        if not inside[i]:
            times[i] = NEVER
    acting = np.flatnonzero(inside)
    count = acting.size
    found = np.empty(count, times.dtype)
    next_events(np.full(count, now), rate[acting], exp_draws[acting], tables, found)
    for k in prange(count):
        times[acting[k]] = found[k]


def calendar_clock(calendar: SimCalendar, day_weights: np.ndarray) -> IntensityClock:
    """A clock with the calendar's hour profiles (weekend shape on weekends and holidays)."""
    return IntensityClock(day_weights, calendar.shape_kinds, calendar.hour_shapes())


def routine_clock(calendar: SimCalendar, day_factor: np.ndarray | None = None) -> IntensityClock:
    """Routine activity: a working day integrates to 1 (times `day_factor` of the day, if
    given), so rates are per working day."""
    config = calendar.config
    weights = calendar.day_activity(config.weekend_activity, config.holiday_activity)
    return calendar_clock(calendar, weights if day_factor is None else weights * day_factor)
