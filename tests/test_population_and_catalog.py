from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from conftest import sampled, tagged_catalog

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


@pytest.mark.parametrize("cores", [1, 2])
def test_packing_puts_per_session_attributes_in_one_record_per_officer(
    monkeypatch, numba_threads, cores
):
    """Packed, the per-session arrays are fields of one aligned record per officer with
    the values they had (copied by as many threads as `cores`, their sources given back
    a few pages at a time as they are copied): writing one leaves the others alone, and a copy (deep
    or pickled) keeps the layout."""
    import copy
    import pickle

    import numba

    from sim.world import population
    from sim.world.population import OFFICER_ATTRIBUTES, PACK_ROWS, RECORD_BYTES, Officers

    if cores > numba.config.NUMBA_NUM_THREADS:
        pytest.skip(f"needs {cores} cores")
    monkeypatch.setattr(population, "RELEASE_ROWS", 4096)  # 5 parts: 16 KB of an int32
    n = PACK_ROWS + 1000  # more than one block
    officers = Officers(n)
    rng = np.random.default_rng(3)
    for name in OFFICER_ATTRIBUTES:  # values that tell every row and attribute apart
        array = getattr(officers, name)
        array[:] = rng.integers(0, 2 if array.dtype == bool else 100, n).astype(array.dtype)
    values = {name: getattr(officers, name).copy() for name in OFFICER_ATTRIBUTES}
    assert not officers.packed and officers.course.flags.c_contiguous
    held = officers.next_login_min  # a source: its pages are given back once copied
    numba_threads(cores)
    officers.pack()
    officers.pack()  # a second call changes nothing
    assert (held == 0).mean() > 0.5  # whole pages read zeros (values were 0-99: 1% zeros)
    per_session = [n for n, a in OFFICER_ATTRIBUTES.items() if a.per_session]
    assert len(per_session) >= 18
    for name in OFFICER_ATTRIBUTES:
        array = getattr(officers, name)
        np.testing.assert_array_equal(array, values[name], err_msg=name)
        if name in per_session:
            assert array.strides == (RECORD_BYTES,) and array.flags.aligned, name
            assert array.ctypes.data % array.itemsize == 0
        else:
            assert array.flags.c_contiguous, name
    assert officers._records.ctypes.data % RECORD_BYTES == 0  # no record straddles a line
    officers.progress[:] = 0.5
    for name in per_session:
        if name != "progress":
            np.testing.assert_array_equal(getattr(officers, name), values[name], err_msg=name)
    for copied in (copy.deepcopy(officers), pickle.loads(pickle.dumps(officers))):
        assert copied.packed
        for name in OFFICER_ATTRIBUTES:
            np.testing.assert_array_equal(getattr(copied, name), getattr(officers, name))
        assert copied.course.strides == (RECORD_BYTES,)
        assert np.shares_memory(copied.course, copied._records)
        assert not np.shares_memory(copied.course, officers._records)


def test_build_run_packs_the_officers():
    from sim.engines.run_state import build_run

    assert build_run(sampled("saptah_2024", agents=2_000)).officers.packed


def test_a_new_officer_has_every_attribute_at_its_default():
    from sim.world.population import Officers

    officers = Officers(1001)
    for name, attribute in OFFICER_ATTRIBUTES.items():
        array = getattr(officers, name)
        np.testing.assert_array_equal(array, np.full(officers.n, attribute.default, array.dtype))


def test_officers_are_drawn_as_the_numpy_statements_draw_them():
    """The compiled fills (organisations, cadres, groups, rates) against the numpy
    statements they replaced, from the same named streams, to the bit."""
    from sim.config import CADRES, SECTORS

    config = PopulationConfig(
        sector_propensity_multiplier={"state": 0.8, "local": 0.6},
        cadre_propensity_multiplier={CADRES[0]: 1.2, CADRES[-1]: 0.7},
    )
    population = build_population(config, 20_000, dt.date(2024, 10, 1), RandomStreams(5))
    streams = RandomStreams(5)
    officers, organisations = population.officers, population.organisations
    n = officers.n
    weights = organisations.column("weight")
    org_id = np.repeat(
        organisations.column("org_id"),
        streams.fresh("population.org_sizes").multinomial(n, weights),
    )
    np.testing.assert_array_equal(officers.org_id, org_id)
    np.testing.assert_array_equal(officers.ministry_id, organisations.column("ministry_id")[org_id])
    codes = np.array([SECTORS.index(s) for s in organisations.column("sector")])
    sector = codes[org_id]
    np.testing.assert_array_equal(officers.sector, sector)
    assert len(np.unique(sector)) == 3

    cadre = np.zeros(n, dtype=np.int64)
    draws = streams.fresh("population.cadre").random(n, dtype=np.float32)
    for code, name in enumerate(SECTORS):
        cumulative = np.cumsum([config.cadres[name].get(c, 0.0) for c in CADRES]).astype(np.float32)
        found = np.searchsorted(cumulative, draws[sector == code], side="right")
        cadre[sector == code] = np.minimum(found, len(CADRES) - 1)
    np.testing.assert_array_equal(officers.cadre, cadre)

    def categorical(weights, stream):
        cumulative = np.cumsum(weights / weights.sum()).astype(np.float32)
        found = np.searchsorted(
            cumulative, streams.fresh(stream).random(n, dtype=np.float32), side="right"
        )
        return np.minimum(found, len(weights) - 1)

    group = categorical(
        np.array([config.service_groups.get(g, 0.0) for g in SERVICE_GROUPS]),
        "population.service_group",
    )
    np.testing.assert_array_equal(officers.service_group, group)
    roles = 1.0 / np.arange(1, config.roles_per_group + 1) ** config.size_skew
    rank = categorical(roles, "population.role")
    np.testing.assert_array_equal(officers.role_id, group * config.roles_per_group + rank)

    p = config.propensity
    rate = p.median_logins_per_working_day * np.exp(
        p.sigma * streams.fresh("population.propensity").standard_normal(n)
    )
    rate *= np.array([config.group_propensity_multiplier.get(g, 1.0) for g in SERVICE_GROUPS])[
        group
    ]
    by_sector = np.array([config.sector_propensity_multiplier.get(s, 1.0) for s in SECTORS])
    by_cadre = np.array([config.cadre_propensity_multiplier.get(c, 1.0) for c in CADRES])
    rate *= by_sector[sector] * by_cadre[cadre]
    expected = np.minimum(rate, p.max_logins_per_working_day).astype(np.float32)
    np.testing.assert_array_equal(officers.routine_logins_per_day, expected)
    assert len(np.unique(by_sector[sector] * by_cadre[cadre])) > 1  # the multipliers matter


def history_means_numpy(days: np.ndarray, rates: np.ndarray, per_login: float) -> np.ndarray:
    """The numpy statements of the history's means, the compiled form's oracle."""
    means = np.negative(days, dtype=float)  # working days on the platform, 5 a week
    means *= 5
    means /= 7
    means *= per_login * rates  # a Python float times float32: a float32 product
    return means


def test_the_history_before_the_run_is_the_numpy_statements():
    """Completions before the run, for those registered before it alone (the joiners have
    none), from the compiled means and cap against the numpy statements, to the bit."""
    config = PopulationConfig()
    population = build_population(
        config, 5_000, dt.date(2024, 10, 1), RandomStreams(7), n_days=30, joining=800
    )
    officers, streams, n = population.officers, RandomStreams(7), population.officers.n
    before = np.flatnonzero(officers.onboarded_day < 0)
    assert 0 < before.size < n  # some registered before the run, some not
    per_login = config.history_completions_per_login * config.history_activity_factor
    means = history_means_numpy(
        officers.onboarded_day[before], officers.routine_logins_per_day[before], per_login
    )
    prior = streams.fresh("population.history").poisson(means)
    history = np.zeros(n, np.int16)
    history[before] = np.minimum(prior, np.iinfo(np.int16).max)
    np.testing.assert_array_equal(officers.prior_completions, history)
    assert history.max() > 1


def test_history_means_and_cap_are_the_numpy_statements():
    """The compiled history against the numpy statements: every day registered before a
    run that int16 holds (the day before it to 32,768 days before), rates from the lowest
    to the highest, and a count past int16."""
    from sim.world.population import _history_means, _store_history

    day = np.arange(-1, -32_769, -1).astype(np.int16)
    rate = np.geomspace(1e-6, 12.5, day.size).astype(np.float32)[::-1].copy()
    before = np.arange(day.size)
    per_login = 0.05 * 1.7
    means = history_means_numpy(day[before], rate[before], per_login)
    found = _history_means(before, day, rate, np.float32(per_login))
    np.testing.assert_array_equal(found, means)
    assert found.dtype == np.float64
    day = np.zeros(6, np.int16)
    before = np.array([0, 2, 3, 5, 1], np.int64)
    stored = np.zeros(day.size, np.int16)
    _store_history(before, np.array([3, 40_000, 0, 32_767, 12]), stored)
    np.testing.assert_array_equal(stored, [3, 12, 32_767, 0, 0, 32_767])
