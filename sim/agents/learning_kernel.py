"""The compiled form of a session (`learning.learn`) for the fast engine.

`learning.study` and `enrolment.enrol` state the rules in numpy, one array operation per
clause, and the reference engine runs them one officer at a time. On a batch of thousands
of officers those clauses become a dozen gathers and scatters over the population per
course studied, most of the fast engine's time. Here the same clauses run officer by
officer in one numba loop per course step, with the random numbers drawn exactly as the
numpy rule draws them (`rng.random((4, enrolling))` per step, then the recommender), so
both forms give the same courses, minutes and counts from the same stream
(`tests/test_learning_kernel.py` checks that they agree to the bit).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from sim.agents.enrolment import Recommender, abandon_probability
from sim.agents.learning import Credit, SessionOutcome
from sim.agents.onboarding_suggestion import OnboardingSuggestion, suggest_onboarding
from sim.config import BehaviourConfig
from sim.world import small_batches
from sim.world.catalog import Catalog
from sim.world.catalog_kernel import choice_group, draw_course, weighted_tables
from sim.world.population import NO_COURSE, Officers
from sim.world.small_batches import on_calling_core


@njit(cache=True, nogil=True, parallel=True)
def _gathered(ids, ministry_id, service_group) -> tuple[np.ndarray, np.ndarray]:
    """The batch's ministries and service groups, gathered on all the cores."""
    ministry = np.empty(ids.size, ministry_id.dtype)
    group = np.empty(ids.size, service_group.dtype)
    for i in prange(ids.size):
        ministry[i], group[i] = ministry_id[ids[i]], service_group[ids[i]]
    return ministry, group


_gathered_here = on_calling_core(_gathered)


@njit(cache=True, nogil=True)
def _gathered_by_size(ids, ministry_id, service_group, below: int):
    """`_gathered`, on the calling core for fewer than `below` officers."""
    if ids.size < below:
        return _gathered_here(ids, ministry_id, service_group)
    return _gathered(ids, ministry_id, service_group)


@njit(cache=True, nogil=True, parallel=True)
def _without_course(course, ids, active, found, column) -> int:
    """The active officers without a course (they enrol in this step), written to the
    start of `found`, and each active officer's column of the step's draws (-1: keeps
    its course); returns how many. The officers are looked up on all the cores, then
    numbered in order."""
    enrolling = np.empty(active.size, np.bool_)
    for j in prange(active.size):
        enrolling[j] = course[ids[active[j]]] == NO_COURSE
    count = 0
    for j in range(active.size):
        column[j] = -1
        if enrolling[j]:
            found[count] = ids[active[j]]
            column[j] = count
            count += 1
    return count


@njit(cache=True, nogil=True, parallel=True)
def _study_step(
    ids, active, remaining, mix_row, draws, suggested,  # the batch, this step
    course, progress, stop_at, enrolments, completions, drops, learning_hours,  # officers
    ministry_of_row, group_of_row,  # the batch's ministries and service groups
    mix_table, group_offsets, by_group, campaign_groups, has_campaign, any_course,  # choice
    duration_minutes, abandon, min_minutes,
    hours, enrolled_out, completed_out, dropped_out,  # the session's outcome, per batch row
    completed, studied, keep,  # per active officer, for the caller
    columns,  # per active officer: its column of `draws` if it enrols, -1 if it has a course
):  # fmt: skip
    """One `study` step for each active officer (enrolling those without a course first,
    with their column of `draws`); updates officers and outcome in place. The officers
    are shared among the cores: each reads and writes only its own record and row."""
    n_thresholds = mix_table.shape[1] - 1
    for j in prange(active.size):
        row = active[j]
        officer = ids[row]
        column = columns[j]
        if column >= 0:  # enrol.enrol
            u0, u1, u2, u3 = draws[0, column], draws[1, column], draws[2, column], draws[3, column]
            category = 0
            for k in range(n_thresholds):
                category += u0 > mix_table[mix_row[row], k]
            group = choice_group(group_offsets, category, ministry_of_row[row], group_of_row[row])
            if has_campaign and mix_row[row] == 1:
                chosen = draw_course(campaign_groups, group, u1)
            else:
                chosen = draw_course(by_group, group, u1)
            if chosen < 0:
                chosen = draw_course(any_course, 0, u1)
            if suggested[column] >= 0:
                chosen = suggested[column]
            course[officer] = chosen
            progress[officer] = 0.0
            stop_at[officer] = u3 if u2 < abandon[chosen] else 1.0
            enrolments[officer] += 1
            enrolled_out[row] += 1
        # learning.study
        taken = course[officer]
        length = duration_minutes[taken]
        done, stop = progress[officer], stop_at[officer]
        left = max(stop - done, np.float32(0.0)) * length
        used = min(remaining[row], left)
        finished = used >= left
        progress[officer] = stop if finished else done + used / length
        completed[j] = finished and stop >= 1.0
        studied[j] = taken
        if completed[j]:
            completions[officer] += 1
            completed_out[row] += 1
        elif finished:
            drops[officer] += 1
            dropped_out[row] += 1
        if finished:
            course[officer] = NO_COURSE
        learning_hours[officer] += used / np.float32(60.0)
        remaining[row] -= used
        hours[row] += used / np.float32(60.0)
        keep[j] = finished and remaining[row] >= min_minutes


_without_course_here = on_calling_core(_without_course)
_study_step_here = on_calling_core(_study_step)


@njit(cache=True, nogil=True)
def _session(
    ids, remaining, mix_row, rng, max_courses: int, shared, onboarding, credited_ids,
    credited_courses, step_ends, one_core_below: int,
):  # fmt: skip
    """All of a session's study steps in one call, for sessions without a recommender or
    with the onboarding suggestion (nothing outside the kernel is consulted between steps).
    `shared` is what every step reads and writes besides the batch (`_study_step`'s
    officers, choice tables and outcome). Each step draws its `random((4, enrolling))` from
    `rng`, then the suggestion's, in the same order as `_steps_with_recommender`; the
    completions are listed step by step for the caller to credit. A step of fewer than
    `one_core_below` active officers runs on the calling core (`small_batches`). Returns
    the steps run."""
    course, completions = shared[0], shared[4]
    n = ids.size
    active = np.arange(n)
    who = np.empty(n, ids.dtype)
    suggested = np.full(n, -1, np.int64)
    completed = np.empty(n, np.bool_)
    studied = np.empty(n, course.dtype)
    keep = np.empty(n, np.bool_)
    columns = np.empty(n, np.int64)
    credited = 0
    for step in range(max_courses):
        small = active.size < one_core_below
        if step == 0:
            look = (course, ids, active, who, columns)
            enrolling = _without_course_here(*look) if small else _without_course(*look)
        else:  # still active: finished a course in the step before, so all of them enrol
            enrolling = active.size
            for j in range(enrolling):
                who[j] = ids[active[j]]
                columns[j] = j
        draws = np.empty((4, enrolling))
        for row in range(4):
            for column in range(enrolling):
                draws[row, column] = rng.random()
        suggest_onboarding(who, enrolling, completions, onboarding, rng, suggested)
        study = (
            ids, active, remaining, mix_row, draws, suggested, *shared, completed, studied, keep,
            columns,
        )  # fmt: skip
        if small:
            _study_step_here(*study)
        else:
            _study_step(*study)
        kept = 0
        for j in range(active.size):
            if completed[j]:
                credited_ids[credited] = ids[active[j]]
                credited_courses[credited] = studied[j]
                credited += 1
            if keep[j]:
                active[kept] = active[j]
                kept += 1
        step_ends[step] = credited
        active = active[:kept]
        if kept == 0:
            return step + 1
    return max_courses


def session_tables(catalog: Catalog, behaviour: BehaviourConfig) -> tuple:
    """What every study step reads of the catalogue and the behaviour besides the
    officers: the choice tables, the courses' minutes and chances of being abandoned, the
    least time worth starting a course. The same for every batch until the catalogue
    changes (a campaign's emphasis), so the fast engine builds them once a catalogue:
    building them took some 10 us, a tenth of a small batch's whole session step."""
    return (
        catalog.group_offsets,
        weighted_tables(catalog.by_group),
        weighted_tables(catalog.campaign_groups),
        catalog.campaign_groups is not None,
        weighted_tables(catalog.any_course),
        catalog.duration_minutes,
        abandon_probability(behaviour.drop_hazard_per_hour, catalog.duration_hours),
        np.float32(behaviour.min_minutes_to_start_course),
    )


def learn_compiled(
    officers: Officers,
    catalog: Catalog,
    ids: np.ndarray,
    budget_minutes: np.ndarray,
    mix_row: np.ndarray,
    mix_table: np.ndarray,
    behaviour: BehaviourConfig,
    rng: np.random.Generator,
    recommend: Recommender | None = None,
    credit: Credit | None = None,
    onboarding: OnboardingSuggestion | None = None,
    tables: tuple | None = None,
) -> SessionOutcome:
    """`learning.learn`, compiled: the same arguments (and `onboarding`, and the
    `session_tables` of `catalog` and `behaviour` if already built), the same result and
    draws.

    Without a recommender, or with `onboarding` in its place (the same suggestions as the
    recommender it compiles), the whole session is one kernel call and `credit` is told of
    each step's completions after it, in step order (a Credit reads none of what the
    session writes, see `learning.Credit`, and the onboarding suggestion reads none of
    what a Credit writes). Any other recommender is Python and may read what credit
    changed, so with one each step is a call of its own, credited as it ends."""
    if recommend is not None and onboarding is not None:
        raise ValueError("a session takes a recommender or the onboarding suggestion, not both")
    n = ids.size
    remaining = budget_minutes.astype(np.float32)
    outcome = SessionOutcome.zeros(n)
    if tables is None:
        tables = session_tables(catalog, behaviour)
    mix_row = mix_row.astype(np.int64, copy=False)
    # The batch's ministries and service groups are gathered before the steps, so that
    # their cache misses overlap (in the steps each waits behind a long computation):
    # 10-15% off a session at 45.7 lakh officers (in-process A/B, docs/design.md).
    shared = (  # `_study_step`'s arguments between the batch's and the step's own
        officers.course, officers.progress, officers.stop_at, officers.enrolments,
        officers.completions, officers.drops, officers.learning_hours,
        *_gathered_by_size(
            ids, officers.ministry_id, officers.service_group, small_batches.ONE_CORE_BELOW
        ),
        mix_table, *tables,
        outcome.hours, outcome.enrolments, outcome.completions, outcome.drops,
    )  # fmt: skip
    if recommend is None:
        most = n * behaviour.max_courses_per_session
        credited_ids = np.empty(most, ids.dtype)
        credited_courses = np.empty(most, officers.course.dtype)
        step_ends = np.empty(behaviour.max_courses_per_session, np.int64)
        # no courses: no suggestion (the recruit array as in a run, so that one signature
        # of the kernel serves both)
        suggestion = (officers.recruit, np.zeros(0, np.int64), 0.0)
        if onboarding is not None:
            courses = onboarding.courses.astype(np.int64, copy=False)
            suggestion = (officers.recruit, courses, float(onboarding.compliance))
        steps = _session(
            ids, remaining, mix_row, rng, behaviour.max_courses_per_session, shared,
            suggestion, credited_ids, credited_courses, step_ends, small_batches.ONE_CORE_BELOW,
        )  # fmt: skip
        if credit is not None:
            start = 0
            for end in step_ends[:steps].tolist():
                if end > start:
                    credit(credited_ids[start:end], credited_courses[start:end])
                start = end
    else:
        _steps_with_recommender(
            officers, ids, remaining, mix_row, rng, behaviour.max_courses_per_session, shared,
            recommend, credit,
        )  # fmt: skip
    _minutes_used(budget_minutes, remaining, outcome.minutes_used)  # int32, written over
    return outcome


@njit(cache=True, nogil=True)
def _minutes_used(budget_minutes, remaining, minutes_used) -> None:
    """`learning.session_minutes_used(budget_minutes - remaining)` in one pass: the
    whole minutes the study took (the difference in float64, as numpy takes it between
    whole minutes and float32), and at least one."""
    for i in range(budget_minutes.size):
        studied = np.float64(budget_minutes[i]) - np.float64(remaining[i])
        minutes_used[i] = max(np.ceil(studied), 1.0)


def _steps_with_recommender(
    officers, ids, remaining, mix_row, rng, max_courses, shared, recommend, credit
) -> None:
    """The session's study steps one call each: the recommender suggests courses to those
    enrolling in a step (drawing from `rng` after the step's own draws)."""
    active = np.arange(ids.size, dtype=np.int64)
    who = np.empty(ids.size, dtype=ids.dtype)  # scratch: those enrolling in a step
    columns = np.empty(ids.size, np.int64)  # scratch: each active officer's column of draws
    for _ in range(max_courses):
        enrolling = _without_course(officers.course, ids, active, who, columns)
        draws = rng.random((4, enrolling))
        suggested = np.full(enrolling, -1, np.int64)
        if enrolling:
            suggested = np.asarray(recommend(who[:enrolling].copy(), rng), dtype=np.int64)
            if suggested.shape != (enrolling,):
                raise ValueError(f"a recommender gave {suggested.shape} courses for {enrolling}")
        completed = np.empty(active.size, np.bool_)
        studied = np.empty(active.size, officers.course.dtype)
        keep = np.empty(active.size, np.bool_)
        _study_step(
            ids, active, remaining, mix_row, draws, suggested, *shared, completed, studied, keep,
            columns,
        )  # fmt: skip
        if credit is not None and completed.any():
            credit(ids[active[completed]], studied[completed])
        active = active[keep]
        if active.size == 0:
            break
