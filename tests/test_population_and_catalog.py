from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from conftest import tagged_catalog

from sim.config import CATEGORIES, SERVICE_GROUPS, CatalogConfig, PopulationConfig
from sim.world.catalog import MINISTRY, ROLE_BASED
from sim.world.population import OFFICER_ATTRIBUTES, build_population
from sim.world.random_streams import RandomStreams


@pytest.fixture(scope="module")
def population():
    return build_population(PopulationConfig(), 50_000, dt.date(2024, 10, 1), RandomStreams(5))


def test_struct_of_arrays_with_small_dtypes(population):
    officers = population.officers
    for name, attribute in OFFICER_ATTRIBUTES.items():
        array = getattr(officers, name)
        assert array.shape == (officers.n,) and array.dtype == attribute.dtype, name
        assert array.dtype.itemsize <= 4, name


def test_hierarchy_is_skewed_and_consistent(population):
    officers, table = population.officers, population.organisations.table
    sizes = np.sort(np.bincount(officers.org_id, minlength=len(table)))[::-1]
    top_tenth = sizes[: len(sizes) // 10].sum() / sizes.sum()
    assert top_tenth > 0.5  # a tenth of organisations hold most officers
    assert np.array_equal(table["ministry_id"].to_numpy()[officers.org_id], officers.ministry_id)
    departments = table.groupby("department_id")["ministry_id"].nunique()
    assert (departments == 1).all()


def test_group_shares_and_propensity(population):
    officers = population.officers
    config = PopulationConfig()
    for index, group in enumerate(SERVICE_GROUPS):
        share = (officers.service_group == index).mean()
        assert share == pytest.approx(config.service_groups[group], abs=0.01)
    rate = officers.routine_logins_per_day
    assert rate.min() > 0 and np.median(rate) < rate.mean()  # right-skewed
    assert (officers.onboarded_day <= 0).all()


def test_catalog_matches_the_published_size_and_shape():
    catalog = tagged_catalog(80, seed=1)
    assert catalog.n == 1428
    counts = np.bincount(catalog.category, minlength=4)
    shares = CatalogConfig().categories
    for index, name in enumerate(CATEGORIES):
        assert counts[index] == pytest.approx(shares[name] * 1428, abs=1)
    hours = catalog.duration_hours
    assert hours.mean() == pytest.approx(1.25, rel=0.15)
    assert np.median(hours) < hours.mean()  # right-skewed


def test_course_choice_respects_groups():
    catalog = tagged_catalog(80, seed=1)
    rng = np.random.default_rng(0)
    n = 10_000
    ministries = rng.integers(0, 80, n)
    groups = rng.integers(0, 3, n)
    acbp = catalog.choose(np.full(n, MINISTRY), ministries, groups, rng.random(n))
    assert np.array_equal(catalog.owner_ministry[acbp], ministries)
    role = catalog.choose(np.full(n, ROLE_BASED), ministries, groups, rng.random(n))
    assert np.array_equal(catalog.service_group[role], groups)


def test_per_session_attributes_share_one_record_per_officer():
    """The per-session arrays are fields of one aligned record per officer: writing one
    leaves the others alone, and a copy (deep or pickled) keeps the layout."""
    import copy
    import pickle

    from sim.world.population import OFFICER_ATTRIBUTES, RECORD_BYTES, Officers

    officers = Officers(1000)
    per_session = [n for n, a in OFFICER_ATTRIBUTES.items() if a.per_session]
    assert len(per_session) >= 7
    for name in per_session:
        array = getattr(officers, name)
        assert array.strides == (RECORD_BYTES,) and array.flags.aligned, name
        assert array.ctypes.data % array.itemsize == 0
    assert officers._records.ctypes.data % RECORD_BYTES == 0  # no record straddles a line
    before = {name: getattr(officers, name).copy() for name in per_session}
    officers.progress[:] = 0.5
    for name in per_session:
        if name != "progress":
            np.testing.assert_array_equal(getattr(officers, name), before[name], err_msg=name)
    for copied in (copy.deepcopy(officers), pickle.loads(pickle.dumps(officers))):
        for name in OFFICER_ATTRIBUTES:
            np.testing.assert_array_equal(getattr(copied, name), getattr(officers, name))
        assert copied.course.strides == (RECORD_BYTES,)
        assert np.shares_memory(copied.course, copied._records)
        assert not np.shares_memory(copied.course, officers._records)
