"""The compiled forms of the competency model's per-officer rules: the starting levels
(`CompetencyModel.build`), what completing a course does (`CompetencyModel.credit`),
the requirements each officer meets (`CompetencyModel.met_count`) and the sums of a
snapshot (`CompetencyModel.snapshot`).

Each touches one row of the role table and one officer's levels; in numpy that is an
[officers, slots] comparison, gathers and `ufunc.at` scatters per slot or per call. Here
each officer is one short loop. The random numbers are drawn exactly as the numpy
statements draw them, so both forms agree to the bit (`tests/test_competencies.py`).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from sim.world.small_batches import on_calling_core


@njit(cache=True, nogil=True, parallel=True)
def mark_learned(
    learned, ids, courses, area, topics, focus_topic: int, n_types: int, required, profile,
    competency, slot_out,
):  # fmt: skip
    """Marks each completion's type and focus topic in `learned`, and writes the slot of
    the officer's profile the course's competency fills (-1: none). Returns how many fill
    one.

    Each completion is looked at on all the cores (its row of the role table, which
    shares the officer's record with their marks once packed, and its slot), then the
    marks are written in order: an officer may complete two courses in a session, so the
    writes cannot be shared out."""
    bits = np.empty(ids.size, learned.dtype)
    for i in prange(ids.size):
        officer, course = ids[i], courses[i]
        row = profile[officer]
        topic = (topics[course] >> focus_topic) & 1
        bits[i] = np.uint8((1 << area[course]) | (topic << n_types))
        slot_out[i] = -1
        for slot in range(required.shape[1]):
            if required[row, slot] == competency[course]:
                slot_out[i] = slot
                break
    relevant = 0
    for i in range(ids.size):
        learned[ids[i]] |= bits[i]  # |=: keeps what an earlier completion of theirs marked
        relevant += slot_out[i] >= 0
    return relevant


_mark_learned_here = on_calling_core(mark_learned)


@njit(cache=True, nogil=True)
def mark_learned_by_size(
    learned, ids, courses, area, topics, focus_topic: int, n_types: int, required, profile,
    competency, slot_out, below: int,
):  # fmt: skip
    """`mark_learned`, on the calling core for fewer than `below` completions."""
    arguments = (
        learned, ids, courses, area, topics, focus_topic, n_types, required, profile,
        competency, slot_out,
    )  # fmt: skip
    if ids.size < below:
        return _mark_learned_here(*arguments)
    return mark_learned(*arguments)


@njit(cache=True, nogil=True)
def raise_levels(levels, ids, courses, course_level, slots, uniforms, pass_probability: float):
    """Officers whose completion fills a slot and who pass the assessment (the next of
    `uniforms` below `pass_probability`) rise to the course's level there."""
    k = 0
    for i in range(ids.size):
        if slots[i] < 0:
            continue
        if uniforms[k] < pass_probability:
            officer, slot = ids[i], slots[i]
            levels[officer, slot] = max(levels[officer, slot], np.uint8(course_level[courses[i]]))
        k += 1


@njit(cache=True, nogil=True, parallel=True)
def starting_levels(
    levels, learned, slot: int, rows, profile, unit, group, reach, required, kind, log_miss,
    experience_level: int, none: int,
):  # fmt: skip
    """For officer `rows[i]` and one slot of their profile: the highest level passed
    before the run (`PriorLearning.levels`: the levels whose log_miss is below `reach[i]`),
    at least the experience level; a level passed marks a course of its type in
    `learned`."""
    for i in prange(rows.size):
        officer = rows[i]
        competency = required[profile[officer], slot]
        if competency == none:
            continue
        cell = log_miss[unit[i], group[i], competency]
        passed = 0
        for level in range(cell.size):
            passed += cell[level] < reach[i]
        levels[officer, slot] = max(passed, experience_level)
        if passed > 0:
            learned[officer] |= np.uint8(1 << kind[competency])


@njit(cache=True, nogil=True, parallel=True)
def mark_bit(learned, rows, had, bit: int) -> None:
    """`learned[rows[had]] |= 1 << bit` (a type's bit, or the focus topic's) on all the
    cores (`rows` are distinct officers)."""
    flag = np.uint8(1 << bit)
    for i in prange(rows.size):
        if had[i]:
            learned[rows[i]] |= flag


@njit(cache=True, nogil=True, parallel=True)
def met_counts(profile, levels, need, count):
    """Each officer's requirements met now (`CompetencyModel.met_count`)."""
    for officer in prange(profile.size):
        p = profile[officer]
        met = 0
        for slot in range(need.shape[1]):
            level = need[p, slot]
            met += (levels[officer, slot] >= level) & (level > 0)
        count[officer] = met


@njit(cache=True, nogil=True, parallel=True)
def snapshot_sums(
    counted, profile, levels, required, need, ministry, sector, group, cadre, org, learned,
    met_at_start, per_family: int, sizes, n_types: int,
    cells, required_by, met_by, org_sums, parts: int,
):  # fmt: skip
    """One pass over the officers `counted` (in the workforce): adds each one's measures to
    their cell (`CELL_COLUMNS`, flattened as `np.ravel_multi_index` does, and `MEASURES` in
    order), their requirements and those met to each competency, and theirs to their
    organisation's (required, met, ready, officers). Returns the officers meeting more
    requirements than at the start.

    The officers are split in `parts` (one per core), each summing into tables of its
    own, then added together. Every term is a whole number and every sum far below 2**53, so
    the float sums are exact: the same bytes however the officers are split."""
    n = profile.size
    part_cells = np.zeros((parts, cells.shape[0], cells.shape[1]))
    part_required = np.zeros((parts, required_by.size))
    part_met = np.zeros((parts, met_by.size))
    part_orgs = np.zeros((parts, org_sums.shape[0], org_sums.shape[1]))
    improved = np.zeros(parts, np.int64)
    for part in prange(parts):
        improved[part] = _snapshot_part(
            n * part // parts, n * (part + 1) // parts,
            counted, profile, levels, required, need, ministry, sector, group, cadre, org,
            learned, met_at_start, per_family, sizes, n_types,
            part_cells[part], part_required[part], part_met[part], part_orgs[part],
        )  # fmt: skip
    for part in range(parts):
        cells += part_cells[part]
        required_by += part_required[part]
        met_by += part_met[part]
        org_sums += part_orgs[part]
    return improved.sum()


@njit(cache=True, nogil=True)
def _snapshot_part(
    low: int, high: int, counted, profile, levels, required, need, ministry, sector, group,
    cadre, org, learned, met_at_start, per_family: int, sizes, n_types: int,
    cells, required_by, met_by, org_sums,
):  # fmt: skip
    """`snapshot_sums` for the officers low..high-1."""
    n_slots = required.shape[1]
    improved = 0
    for officer in range(low, high):
        if not counted[officer]:
            continue
        p = profile[officer]
        n_required, met = 0, 0
        for slot in range(n_slots):
            level = need[p, slot]
            if level <= 0:
                continue
            n_required += 1
            competency = required[p, slot]
            required_by[competency] += 1.0
            if levels[officer, slot] >= level:
                met += 1
                met_by[competency] += 1.0
        ready = met == n_required
        improved += met > met_at_start[officer]
        cell = p // per_family  # the family, then the unit, sector, group and cadre
        cell = cell * sizes[1] + ministry[officer]
        cell = cell * sizes[2] + sector[officer]
        cell = cell * sizes[3] + group[officer]
        cell = cell * sizes[4] + cadre[officer]
        bits = learned[officer]
        cells[cell, 0] += 1.0
        cells[cell, 1] += n_required
        cells[cell, 2] += met
        cells[cell, 3] += ready
        for k in range(n_types):
            cells[cell, 4 + k] += (bits >> k) & 1
        cells[cell, 4 + n_types] += (bits >> n_types) & 1
        o = org[officer]
        org_sums[o, 0] += n_required
        org_sums[o, 1] += met
        org_sums[o, 2] += ready
        org_sums[o, 3] += 1.0
    return improved
