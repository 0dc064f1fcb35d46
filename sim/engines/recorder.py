"""Accumulates what happens during a run into daily and per-minute arrays (agent units).

The engines only add to these arrays; `sim.results.tables` turns them into tidy, scaled tables.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.config import CADRES, SECTORS
from sim.world.calendar import MINUTES_PER_DAY

N_GROUPS = len(SECTORS) * len(CADRES)  # (sector, cadre) pairs, sector-major


def group_index(sector: np.ndarray, cadre: np.ndarray) -> np.ndarray:
    """The (sector, cadre) group of each officer, as `completions_by_group` counts them."""
    return sector.astype(np.int64) * len(CADRES) + cadre


DAILY_FIELDS = (
    "new_logins",
    "new_sessions",
    "new_session_minutes",
    "new_enrolments",
    "new_completions",
    "new_completions_squared",  # sum over sessions of (completions in it)^2: clustering
    "new_drops",
    "new_learning_hours",
    "new_webinar_attendances",
    "new_webinar_hours",
    "new_participants",
    "new_engaged",
    "new_reached_target",
    "n_active_learners",
    "n_engaged",
    "new_rejected_sessions",
    "new_programme_attendances",
    "new_programme_hours",
)


class Recorder:
    def __init__(self, n_days: int, n_units: int = 1) -> None:
        self.n_days = n_days
        self.horizon = n_days * MINUTES_PER_DAY
        self.daily = {name: np.zeros(n_days) for name in DAILY_FIELDS}
        self.session_starts = np.zeros(self.horizon, dtype=np.int64)
        self.webinar_joins = np.zeros(self.horizon, dtype=np.int64)
        self.completions_by_group = np.zeros((n_days, N_GROUPS), dtype=np.int64)
        self.completions_by_unit = np.zeros((n_days, n_units), dtype=np.int64)  # ministry/state
        # +1 where a session starts, -1 where it ends; the running sum is the concurrency
        self._session_delta = np.zeros(self.horizon + 1, dtype=np.int64)
        self._webinar_delta = np.zeros(self.horizon + 1, dtype=np.int64)
        self.rejected = np.zeros(self.horizon, dtype=np.int64)  # session starts turned away
        self._cursor = 0  # concurrency_window: deltas before the cursor are summed in
        self._running = 0

    def add(self, field: str, day: int, amount: float) -> None:
        self.daily[field][day] += amount

    def add_completions_by_group(self, day: int, groups: np.ndarray, counts: np.ndarray) -> None:
        """`counts` completions for each entry of `groups` (sector x len(CADRES) + cadre)."""
        by_group = np.bincount(groups, weights=counts, minlength=N_GROUPS)
        self.completions_by_group[day] += by_group.astype(np.int64)

    def add_completions_by_unit(self, day: int, units: np.ndarray, counts: np.ndarray) -> None:
        """`counts` completions for each entry of `units` (ministry or state ids)."""
        n_units = self.completions_by_unit.shape[1]
        by_unit = np.bincount(units, weights=counts, minlength=n_units)
        self.completions_by_unit[day] += by_unit.astype(np.int64)

    def add_sessions(self, starts: np.ndarray, ends: np.ndarray) -> None:
        """Record sessions occupying minutes [start, end) (cut at the horizon): one
        compiled pass where the bincounts of the starts and ends took ten numpy calls a
        batch (`tests/test_recorder.py` checks it against them)."""
        _add_sessions(starts, ends, self.horizon, self.session_starts, self._session_delta)

    def add_rejected(self, minutes: np.ndarray) -> None:
        np.add.at(self.rejected, minutes, 1)

    def concurrency_window(self, start: int, stop: int) -> np.ndarray:
        """Agents in a session at each minute of [start, stop), from the sessions recorded so
        far. Calls must not go back in time (the sum before `start` is kept)."""
        if start < self._cursor:
            raise ValueError("concurrency_window cannot go back in time")
        self._running += int(self._session_delta[self._cursor : start].sum())
        self._cursor = start
        return self._running + np.cumsum(self._session_delta[start:stop])

    def concurrency_at(self, minute: int) -> int:
        return int(self.concurrency_window(minute, minute + 1)[0])

    def add_webinar(self, start: int, minutes: int, attendees: int) -> None:
        self.webinar_joins[start] += attendees
        self._webinar_delta[start] += attendees
        self._webinar_delta[min(start + minutes, self.horizon)] -= attendees

    def concurrent_learners(self) -> np.ndarray:
        return np.cumsum(self._session_delta[:-1])

    def webinar_learners(self) -> np.ndarray:
        return np.cumsum(self._webinar_delta[:-1])


@njit(cache=True, nogil=True)
def _add_sessions(starts, ends, horizon: int, session_starts, delta) -> None:
    """Each session counts where it starts, and +1 / -1 in `delta` where it starts and
    ends (its end cut at `horizon`); nothing is counted if any session is out of place."""
    for i in range(starts.size):
        start, end = starts[i], min(ends[i], horizon)
        if not (0 <= start < session_starts.size and start <= end < delta.size):
            raise ValueError("a session outside the run's minutes, or ending before it starts")
    for i in range(starts.size):
        start, end = starts[i], min(ends[i], horizon)
        session_starts[start] += 1
        delta[start] += 1
        delta[end] -= 1
