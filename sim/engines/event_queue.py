"""A queue of officer ids keyed by the minute of their next event.

The fast engine never scans the whole population to find who acts next. Officers are filed
into one bucket per simulated day; at the start of a day that day's bucket is split into
buckets per tick. Filing is batched: officers rescheduled during a day for a later day wait
in a staging list that is sorted into day buckets once, at the next day's start. The work
per day therefore grows with the officers who act (or are rescheduled) that day, not with
the population.

Entries go stale when an officer is rescheduled (a policy redraws their next event). The
queue does not search for them: `pop` returns candidates and the engine keeps only those
whose recorded event time still falls in the tick (lazy deletion).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.world.calendar import MINUTES_PER_DAY

Chunk = tuple[np.ndarray, np.ndarray]  # officer ids, their event minutes


class EventQueue:
    def __init__(self, horizon_minutes: int, tick_minutes: int) -> None:
        if MINUTES_PER_DAY % tick_minutes:
            raise ValueError("tick_minutes must divide a day")
        self.tick_minutes = tick_minutes
        self.ticks_per_day = MINUTES_PER_DAY // tick_minutes
        self.horizon_minutes = horizon_minutes
        n_days = -(-horizon_minutes // MINUTES_PER_DAY)
        self._days: list[list[Chunk]] = [[] for _ in range(n_days)]
        self._ticks: list[list[Chunk]] = [[] for _ in range(self.ticks_per_day)]
        self._staged: list[Chunk] = []
        self._today = -1

    def schedule(self, ids: np.ndarray, minutes: np.ndarray) -> None:
        """File officers under the minute of their next event (past the horizon: dropped)."""
        start = self._today * MINUTES_PER_DAY
        end, horizon = start + MINUTES_PER_DAY, self.horizon_minutes
        now, later = _split_by_day(ids, minutes, start, end, horizon)
        if now[0].size:
            self._file_ticks(*now)
        if later[0].size:
            self._staged.append(later)

    def start_day(self, day: int) -> None:
        """Move the day's bucket into tick buckets; call once per day, in order."""
        self._flush_staged()
        self._today = day
        self._ticks = [[] for _ in range(self.ticks_per_day)]
        chunks, self._days[day] = self._days[day], []
        if chunks:
            self._file_ticks(*_concat(chunks))

    def pop(self, tick_of_day: int) -> np.ndarray:
        """Candidate ids for a tick of the current day (may hold stale entries and repeats)."""
        chunks, self._ticks[tick_of_day] = self._ticks[tick_of_day], []
        if not chunks:
            return np.empty(0, dtype=np.int64)
        return _joined(chunks, 0)  # the ids alone: a tick needs no minutes

    def _file_ticks(self, ids: np.ndarray, minutes: np.ndarray) -> None:
        _file(ids, minutes, self._today * MINUTES_PER_DAY, self.tick_minutes, self._ticks)

    def _flush_staged(self) -> None:
        if self._staged:
            ids, minutes = _concat(self._staged)
            self._staged = []
            _file(ids, minutes, 0, MINUTES_PER_DAY, self._days)


def _concat(chunks: list[Chunk]) -> Chunk:
    return _joined(chunks, 0), _joined(chunks, 1)


def _joined(chunks: list[Chunk], field: int) -> np.ndarray:
    """One field (0: ids, 1: minutes) of the chunks, end to end (a lone chunk's own)."""
    if len(chunks) == 1:
        return chunks[0][field]
    return np.concatenate([chunk[field] for chunk in chunks])


def _file(ids: np.ndarray, minutes: np.ndarray, base: int, width: int, buckets: list) -> None:
    """Appends each bucket's officers, in the order given, to bucket (minute - base) // width."""
    ids, minutes, filled = _by_bucket(ids, minutes, base, width, len(buckets))
    for bucket, start, end in filled.tolist():
        buckets[bucket].append((ids[start:end], minutes[start:end]))


@njit(cache=True, nogil=True)
def _split_by_day(ids, minutes, day_start: int, day_end: int, horizon: int):
    """(ids, minutes) of the events in [day_start, day_end) and of the others before
    `horizon`, each in the order given (one pass, where masks and their gathers took six)."""
    n = ids.size
    now_ids, now_minutes = np.empty_like(ids), np.empty_like(minutes)
    later_ids, later_minutes = np.empty_like(ids), np.empty_like(minutes)
    now, later = 0, 0
    for i in range(n):
        minute = minutes[i]
        if minute >= horizon:
            continue
        if day_start <= minute < day_end:
            now_ids[now], now_minutes[now] = ids[i], minute
            now += 1
        else:
            later_ids[later], later_minutes[later] = ids[i], minute
            later += 1
    return (now_ids[:now], now_minutes[:now]), (later_ids[:later], later_minutes[:later])


@njit(cache=True, nogil=True)
def _by_bucket(ids, minutes, base: int, width: int, n_buckets: int):
    """A stable counting sort of (ids, minutes) by bucket (minute - base) // width: the
    sorted ids and minutes, and a row (bucket, start, end) for each bucket they fill, in
    order, its officers at [start, end) of them (two passes, where an argsort and its
    gathers took five)."""
    bounds = np.zeros(n_buckets + 1, np.int64)
    for minute in minutes:
        bucket = (minute - base) // width
        if not 0 <= bucket < n_buckets:
            raise ValueError("a minute outside the buckets being filed")
        bounds[bucket + 1] += 1
    for bucket in range(n_buckets):
        bounds[bucket + 1] += bounds[bucket]
    place = bounds[:-1].copy()
    sorted_ids, sorted_minutes = np.empty_like(ids), np.empty_like(minutes)
    for i in range(minutes.size):
        bucket = (minutes[i] - base) // width
        sorted_ids[place[bucket]] = ids[i]
        sorted_minutes[place[bucket]] = minutes[i]
        place[bucket] += 1
    filled = np.empty((n_buckets, 3), np.int64)
    n_filled = 0
    for bucket in range(n_buckets):
        if bounds[bucket + 1] > bounds[bucket]:
            filled[n_filled, 0] = bucket
            filled[n_filled, 1] = bounds[bucket]
            filled[n_filled, 2] = bounds[bucket + 1]
            n_filled += 1
    return sorted_ids, sorted_minutes, filled[:n_filled]
