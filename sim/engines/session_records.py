"""The compiled bookkeeping of a tick's sessions (the fast engine's `recording` step).

What a batch of sessions leaves behind, per officer: one more session, the day they were
last (and first) active, their first completion, and their completions counted by (sector,
cadre) group and by ministry or state; and the batch's totals of what the sessions
produced. `RunState.record_completions` and `RunState.mark_participants` state the same
rules in numpy, and the reference engine runs them; one loop here does all of it in a
single visit to each officer (`tests/test_session_records.py` checks that the two agree
to the bit).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from sim.world.population import NO_DAY
from sim.world.small_batches import on_calling_core


@njit(cache=True, nogil=True, parallel=True)
def record_sessions(
    ids, completions, minutes_used, enrolments, drops, day: int, sessions, last_active_day,
    first_active_day, first_completion_day, sector, cadre, ministry, n_cadres: int, by_group,
    by_unit, totals,
):  # fmt: skip
    """Marks each officer's session; returns (officers active for the first time today,
    officers active for the first time in the run). `totals` gets the batch's sums of
    `completions`, their squares, `minutes_used`, `enrolments` and `drops` (whole numbers:
    one pass where numpy took five, the same sums).

    Each officer's group and unit are gathered first, in a loop of loads alone, so their
    cache misses overlap (docs/design.md, "Gather, then compute"): 0.48 against 0.66 ms
    per batch of 3,300 at 45 lakh officers, in-process A/B. Each officer's own marks are
    made on all the cores (the batch's officers are distinct); the tables, which officers
    share, are summed in order after."""
    n = ids.size
    group = np.empty(n, np.int64)
    unit = np.empty(n, np.int64)
    for i in prange(n):
        officer = ids[i]
        group[i] = sector[officer] * n_cadres + cadre[officer]
        unit[i] = ministry[officer]
    today = np.zeros(n, np.bool_)
    ever = np.zeros(n, np.bool_)
    for i in prange(n):
        officer = ids[i]
        sessions[officer] += 1
        if completions[i] > 0 and first_completion_day[officer] == NO_DAY:
            first_completion_day[officer] = day
        if last_active_day[officer] != day:
            today[i] = True
            last_active_day[officer] = day
        if first_active_day[officer] == NO_DAY:
            first_active_day[officer] = day
            ever[i] = True
    first_today, first_ever = 0, 0
    totals[:] = 0
    for i in range(n):
        done = np.int64(completions[i])
        if done > 0:
            by_group[group[i]] += done
            by_unit[unit[i]] += done
        first_today += today[i]
        first_ever += ever[i]
        totals[0] += done
        totals[1] += done * done
        totals[2] += minutes_used[i]
        totals[3] += enrolments[i]
        totals[4] += drops[i]
    return first_today, first_ever


_record_sessions_here = on_calling_core(record_sessions)


@njit(cache=True, nogil=True)
def record_sessions_by_size(
    ids, completions, minutes_used, enrolments, drops, day: int, sessions, last_active_day,
    first_active_day, first_completion_day, sector, cadre, ministry, n_cadres: int, by_group,
    by_unit, totals, below: int,
):  # fmt: skip
    """`record_sessions`, on the calling core for fewer than `below` officers."""
    arguments = (
        ids, completions, minutes_used, enrolments, drops, day, sessions, last_active_day,
        first_active_day, first_completion_day, sector, cadre, ministry, n_cadres, by_group,
        by_unit, totals,
    )  # fmt: skip
    if ids.size < below:
        return _record_sessions_here(*arguments)
    return record_sessions(*arguments)
