"""The compiled form of a course choice (`Catalog.choose`, `WeightedGroups.draw`).

`Catalog.choose` states the rule in numpy: the officer's choice group, a searchsorted over
the group's cumulative popularity, the campaign's emphasis for the engaged and the whole
catalogue for a group without courses, each a pass over the officers. Here each officer is
one visit, its search started from the groups' guide (`search_guide.py`), on all the
cores. The session kernel (`learning_kernel.py`) draws with the same `draw_course`; the
choices are the numpy rule's to the bit (`tests/test_catalog_kernel.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit, prange

from sim.world.course_tags import MINISTRY, ROLE_BASED
from sim.world.search_guide import guided_search

if TYPE_CHECKING:
    from sim.world.catalog import Catalog, WeightedGroups

_NO_GROUPS = (
    np.zeros(1, np.int64), np.zeros(1), np.zeros(1), np.zeros(1), np.zeros(2, np.int64), 0.0
)  # fmt: skip


def weighted_tables(groups: WeightedGroups | None) -> tuple:
    """What `draw_course` reads of `groups` (a placeholder for None, so that kernels
    taking it keep one signature)."""
    if groups is None:
        return _NO_GROUPS
    order = groups.order.astype(np.int64, copy=False)
    guide = groups.guide
    return (order, groups.cumulative, groups.group_low, groups.group_high, guide.starts,
            guide.scale)  # fmt: skip


@njit(cache=True, nogil=True)
def draw_course(tables, group: int, uniform: float) -> int:
    """`WeightedGroups.draw` for one officer (its search started from the guide); -1 where
    the group has no course."""
    order, cumulative, group_low, group_high, starts, scale = tables
    low, high = group_low[group], group_high[group]
    if not high > low:
        return -1
    position = guided_search(cumulative, low + uniform * (high - low), starts, scale)
    return order[min(position, order.size - 1)]


@njit(cache=True, nogil=True)
def choice_group(group_offsets, category: int, ministry: int, service_group: int) -> int:
    """`Catalog.choice_group` for one officer."""
    within = 0
    if category == MINISTRY:
        within = ministry
    elif category == ROLE_BASED:
        within = service_group
    return group_offsets[category] + within


@njit(cache=True, nogil=True, parallel=True)
def _choose(
    categories, ministry_ids, service_groups, uniforms, engaged, group_offsets, by_group,
    campaign_groups, has_campaign: bool, any_course,
):  # fmt: skip
    chosen = np.empty(categories.size, np.int64)
    for i in prange(categories.size):
        group = choice_group(group_offsets, categories[i], ministry_ids[i], service_groups[i])
        if has_campaign and engaged[i]:
            course = draw_course(campaign_groups, group, uniforms[i])
        else:
            course = draw_course(by_group, group, uniforms[i])
        if course < 0:
            course = draw_course(any_course, 0, uniforms[i])
        chosen[i] = course
    return chosen


def choose_compiled(
    catalog: Catalog,
    categories: np.ndarray,
    ministry_ids: np.ndarray,
    service_groups: np.ndarray,
    uniforms: np.ndarray,
    engaged: np.ndarray | None = None,
) -> np.ndarray:
    """`Catalog.choose`: the same arguments, the same int64 courses."""
    given = [ministry_ids, service_groups, uniforms] + ([] if engaged is None else [engaged])
    if any(len(a) != len(categories) for a in given):  # a kernel would read past their ends
        raise ValueError("a course choice takes one of each argument per officer")
    has_campaign = catalog.campaign_groups is not None and engaged is not None
    return _choose(
        categories, ministry_ids, service_groups, uniforms,
        engaged if engaged is not None else np.zeros(1, np.bool_), catalog.group_offsets,
        weighted_tables(catalog.by_group), weighted_tables(catalog.campaign_groups),
        has_campaign, weighted_tables(catalog.any_course),
    )  # fmt: skip
