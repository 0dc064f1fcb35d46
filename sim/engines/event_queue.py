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
        keep = minutes < self.horizon_minutes
        if not keep.all():
            ids, minutes = ids[keep], minutes[keep]
        if ids.size == 0:
            return
        today = minutes // MINUTES_PER_DAY == self._today
        if today.all():
            self._file_ticks(ids, minutes)
        elif not today.any():
            self._staged.append((ids, minutes))
        else:
            self._file_ticks(ids[today], minutes[today])
            self._staged.append((ids[~today], minutes[~today]))

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
        return _concat(chunks)[0]

    def _file_ticks(self, ids: np.ndarray, minutes: np.ndarray) -> None:
        ticks = (minutes % MINUTES_PER_DAY) // self.tick_minutes
        _file(ids, minutes, ticks.astype(np.int16), self._ticks)

    def _flush_staged(self) -> None:
        if self._staged:
            ids, minutes = _concat(self._staged)
            self._staged = []
            _file(ids, minutes, (minutes // MINUTES_PER_DAY).astype(np.int16), self._days)


def _concat(chunks: list[Chunk]) -> Chunk:
    if len(chunks) == 1:
        return chunks[0]
    return np.concatenate([c[0] for c in chunks]), np.concatenate([c[1] for c in chunks])


def _file(ids: np.ndarray, minutes: np.ndarray, keys: np.ndarray, buckets: list) -> None:
    order = np.argsort(keys, kind="stable")  # a radix sort for 16-bit keys
    keys, ids, minutes = keys[order], ids[order], minutes[order]
    bounds = np.flatnonzero(np.diff(keys)) + 1
    starts = np.concatenate([[0], bounds])
    ends = np.concatenate([bounds, [keys.size]])
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        buckets[int(keys[start])].append((ids[start:end], minutes[start:end]))
