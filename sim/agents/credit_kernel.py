"""The compiled form of `CompetencyModel.credit` (what completing a course does).

A completion touches one row of the role table and one officer's levels; in numpy that is
a [completions, slots] comparison and two `ufunc.at` scatters per call, thousands of calls
a run. Here each completion is one short loop. The random numbers are those of the numpy
statement (one uniform per completion whose course meets a requirement, in order), so the
two agree to the bit (`tests/test_competencies.py`).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def mark_learned(
    learned, ids, courses, area, topics, focus_topic: int, n_types: int, required, profile,
    competency, slot_out,
):  # fmt: skip
    """Marks each completion's type and focus topic in `learned`, and writes the slot of
    the officer's profile the course's competency fills (-1: none). Returns how many fill
    one."""
    relevant = 0
    for i in range(ids.size):
        officer, course = ids[i], courses[i]
        topic = (topics[course] >> focus_topic) & 1
        learned[officer] |= np.uint8((1 << area[course]) | (topic << n_types))
        slot_out[i] = -1
        row = profile[officer]
        for slot in range(required.shape[1]):
            if required[row, slot] == competency[course]:
                slot_out[i] = slot
                relevant += 1
                break
    return relevant


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
