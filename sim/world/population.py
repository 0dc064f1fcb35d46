"""Officers as a struct of arrays: one numpy array (or record field) per attribute,
officer id = row index.

Every attribute is declared once in `OFFICER_ATTRIBUTES` with its dtype and meaning (as
Covasim's `PeopleMeta`); arrays are preallocated for the simulated population and rows are
never deleted. Nothing on the fast path creates one Python object per officer.

The attributes the simulation reads or writes for every session, or for every
completion (`per_session`: the course in progress, the counters the session moves, the
days the officer was first and last active, what the next login, the take-up and the
bookkeeping read: login rate, take-up and next-login minutes, presence, the recruit flag,
ministry and groups, campaign hours; and what crediting a completion reads: the
competency profile and learned bits) are laid side by side in one 64-byte record per
officer once set-up is done (`Officers.pack`), and their arrays become views of its
fields. A tick's batch is a few thousand officers scattered over millions; with one
array per attribute each of them costs a cache miss per attribute, in a record one
line. Set-up works on arrays of their own: numpy reads a field of the record at the
record's stride (64 bytes a row), so a whole-population pass over one such field costs
about as much as over all of them. The officer's mode stays apart for that reason:
webinars and campaign phases scan it for the whole population.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from numba import literal_unroll, njit, prange

from sim.config import (
    CADRES,
    SECTORS,
    SERVICE_GROUPS,
    PopulationConfig,
    PropensityConfig,
    Scenario,
)
from sim.world.calendar import NEVER
from sim.world.categorical import categories
from sim.world.cores import concurrently, on_all_cores
from sim.world.listing import listed
from sim.world.organisations import Organisations, build_organisations
from sim.world.pages import filled, give_back, huge_pages
from sim.world.random_streams import RandomStreams

ROUTINE, ENGAGED = 0, 1  # officers.mode
NO_COURSE = -1
NO_DAY = -1
NOT_REGISTERED = np.iinfo(np.int16).max  # onboarded_day of one who does not register in the run


@dataclass(frozen=True)
class Attribute:
    dtype: type
    default: float
    doc: str
    per_session: bool = False  # read or written by every session (or completion): in the record


def _hot(dtype: type, default: float, doc: str) -> Attribute:
    return Attribute(dtype, default, doc, per_session=True)


RECORD_BYTES = 64  # a cache line: a record never straddles two
PACK_ROWS = 16_384  # records packed a block at a time: with their sources about 2 MB, a core's L2
RELEASE_ROWS = 1 << 21  # sources given back every 2 MB of the narrowest attribute


OFFICER_ATTRIBUTES: dict[str, Attribute] = {
    # who the officer is
    "org_id": Attribute(np.int32, 0, "organisation (row of the organisation table)"),
    "ministry_id": _hot(np.int16, 0, "ministry or state the organisation belongs to"),
    "sector": _hot(np.int8, 0, "index into config.SECTORS"),
    "service_group": _hot(np.int8, 0, "index into config.SERVICE_GROUPS"),
    "cadre": _hot(np.int8, 0, "index into config.CADRES"),
    "role_id": Attribute(np.int16, 0, "designation"),
    "onboarded_day": Attribute(
        np.int16, 0, "day registered, relative to the start (NOT_REGISTERED: not in the run)"
    ),
    "routine_logins_per_day": _hot(np.float32, 0, "learning propensity"),
    # learning state
    "mode": Attribute(np.int8, ROUTINE, "ROUTINE, or ENGAGED in the running campaign"),
    "next_login_min": _hot(np.int32, NEVER, "minute of the next session start"),
    "engage_min": _hot(np.int32, NEVER, "minute the officer takes up the campaign"),
    "course": _hot(np.int16, NO_COURSE, "course in progress"),
    "progress": _hot(np.float32, 0, "completed fraction of the course in progress"),
    "stop_at": _hot(np.float32, 1, "fraction at which the officer leaves it (1: never)"),
    # counters over the run
    "sessions": _hot(np.int32, 0, "sessions started"),
    "enrolments": _hot(np.int16, 0, "enrolments"),
    "completions": _hot(np.int16, 0, "completions"),
    "drops": _hot(np.int16, 0, "courses abandoned"),
    "learning_hours": _hot(np.float32, 0, "nominal course hours"),
    "webinar_hours": Attribute(np.float32, 0, "hours in webinars"),
    "campaign_hours": _hot(np.float32, 0, "hours counted toward the running campaign"),
    "first_active_day": _hot(np.int16, NO_DAY, "first day with learning in the run"),
    "last_active_day": _hot(np.int16, NO_DAY, "last day with a session"),
    "prior_completions": Attribute(np.int16, 0, "completions before the simulated period"),
    "first_completion_day": _hot(np.int16, NO_DAY, "day of the first completion in the run"),
    "in_progress_at_start": Attribute(np.bool_, False, "had a course in progress at start"),
    # competencies (`CompetencyModel` reads and writes them here, in the record that
    # crediting a completion visits anyway)
    "competency_profile": _hot(np.int32, 0, "requirement profile of the post (role table row)"),
    "learned": _hot(np.uint8, 0, "bit k < 3: a course of type k completed; bit 3: the topic"),
    # workforce and policies
    "present": _hot(np.bool_, False, "on the platform now: onboarded, not retired"),
    "left_day": Attribute(np.int16, NO_DAY, "day the officer left (retired), or NO_DAY"),
    "karma_month": Attribute(np.int16, 0, "karma points this month"),
    "karma_total": Attribute(np.int32, 0, "karma points in the run"),
    "karma_rewarded": Attribute(np.int8, 0, "non-ACBP completions rewarded this month"),
    "last_alert_day": Attribute(np.int16, NO_DAY, "day of the last inactivity alert"),
    "recruit": _hot(np.bool_, False, "joined the service in the run (takes onboarding)"),
}


class Officers:
    """The simulated officers. Attributes are plain numpy arrays, named as in the registry
    (once `pack`ed, the per-session ones are views of one record per officer)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self._records: np.ndarray | None = None  # laid out by `pack`
        for name, attribute in OFFICER_ATTRIBUTES.items():
            if attribute.default == 0:  # calloc'd: pages are only touched when written
                array = np.zeros(n, dtype=attribute.dtype)
            else:
                array = filled(n, attribute.default, attribute.dtype)
            setattr(self, name, array)

    @property
    def packed(self) -> bool:
        return self._records is not None

    def pack(self) -> None:
        """Moves the per-session attributes into one record per officer; their arrays become
        views of its fields, with the same values. Set-up fills each attribute for the whole
        population, fastest in arrays of their own; the simulation visits officers scattered
        over the population, fastest side by side. The copy is shared among the cores,
        which fault the records' pages in side by side (at 3.2 crore officers, 2 GB of
        records: 3.76 -> 2.64 s, side by side; docs/design.md). The arrays it replaces
        are handed back to the kernel as they are copied (`pages.give_back`): anything
        holding one from before would read zeros (but for the partial pages at the ends
        of each part), so a run packs once set-up is done, and no two `Officers` share
        an array."""
        if self._records is not None:
            return
        records = _zeroed_records(self.n)
        names = _per_session_names()
        pairs = tuple((records[name], getattr(self, name)) for name in names)
        for start in range(0, self.n, RELEASE_ROWS):
            stop = min(start + RELEASE_ROWS, self.n)
            on_all_cores(lambda a, b: _copy_in_blocks(pairs, PACK_ROWS, a, b), start, stop)
            for _, source in pairs:  # read no more: their pages go to the next records
                if source.flags.owndata:
                    give_back(source[start:stop])
        self._records = records
        for name in names:
            setattr(self, name, records[name])

    def __deepcopy__(self, memo: dict) -> Officers:
        """A copy with its own arrays, packed if this one is (a plain deep copy would turn
        each view of the record into an array of its own)."""
        copied = _officers_from(
            self.n, {name: getattr(self, name) for name in OFFICER_ATTRIBUTES}, self.packed
        )
        memo[id(self)] = copied
        return copied

    def __reduce__(self):
        """Pickled as its arrays; unpickled packed if this one is (see `__deepcopy__`)."""
        arrays = {name: getattr(self, name) for name in OFFICER_ATTRIBUTES}
        return _officers_from, (self.n, arrays, self.packed)

    # annotations for readers and type checkers; the arrays are created in __init__
    org_id: np.ndarray
    ministry_id: np.ndarray
    sector: np.ndarray
    service_group: np.ndarray
    cadre: np.ndarray
    role_id: np.ndarray
    onboarded_day: np.ndarray
    routine_logins_per_day: np.ndarray
    mode: np.ndarray
    next_login_min: np.ndarray
    engage_min: np.ndarray
    course: np.ndarray
    progress: np.ndarray
    stop_at: np.ndarray
    sessions: np.ndarray
    enrolments: np.ndarray
    completions: np.ndarray
    drops: np.ndarray
    learning_hours: np.ndarray
    webinar_hours: np.ndarray
    campaign_hours: np.ndarray
    first_active_day: np.ndarray
    last_active_day: np.ndarray
    prior_completions: np.ndarray
    first_completion_day: np.ndarray
    in_progress_at_start: np.ndarray
    left_day: np.ndarray
    karma_month: np.ndarray
    karma_total: np.ndarray
    karma_rewarded: np.ndarray
    last_alert_day: np.ndarray
    recruit: np.ndarray
    present: np.ndarray
    competency_profile: np.ndarray
    learned: np.ndarray

    @property
    def nbytes(self) -> int:
        if self._records is None:
            return sum(getattr(self, name).nbytes for name in OFFICER_ATTRIBUTES)
        apart = [name for name, a in OFFICER_ATTRIBUTES.items() if not a.per_session]
        return self._records.nbytes + sum(getattr(self, name).nbytes for name in apart)


def _officers_from(n: int, arrays: dict[str, np.ndarray], packed: bool) -> Officers:
    officers = Officers.__new__(Officers)
    officers.n, officers._records = n, None
    for name, attribute in OFFICER_ATTRIBUTES.items():  # copies: `pack` gives pages back
        setattr(officers, name, np.array(arrays[name], dtype=attribute.dtype, order="C"))
    if packed:
        officers.pack()
    return officers


@njit(cache=True, nogil=True)
def _copy_in_blocks(pairs, rows: int, first: int, end: int) -> None:
    """Copies rows [first, end) of each (destination, source) pair of equal-length
    arrays, a block of `rows` at a time for all pairs, so that a block of records is
    written while it is in cache (a pass per field would move the whole record once per
    field)."""
    for start in range(first, end, rows):
        stop = min(start + rows, end)
        for pair in literal_unroll(pairs):
            destination, source = pair
            for i in range(start, stop):
                destination[i] = source[i]


def _per_session_names() -> list[str]:
    """The record's fields, in decreasing size (so that every field is naturally aligned)."""
    names = [name for name, a in OFFICER_ATTRIBUTES.items() if a.per_session]
    return sorted(names, key=lambda name: -np.dtype(OFFICER_ATTRIBUTES[name].dtype).itemsize)


def _zeroed_records(n: int) -> np.ndarray:
    """`n` records of the per-session attributes, zeroed (padding included), aligned so
    that none straddles two cache lines."""
    names = _per_session_names()
    sizes = [np.dtype(OFFICER_ATTRIBUTES[name].dtype).itemsize for name in names]
    assert sum(sizes) <= RECORD_BYTES, "the per-session attributes outgrew their record"
    record = np.dtype(
        {
            "names": names,
            "formats": [OFFICER_ATTRIBUTES[name].dtype for name in names],
            "offsets": np.concatenate([[0], np.cumsum(sizes)[:-1]]).tolist(),
            "itemsize": RECORD_BYTES,
        }
    )
    raw = np.zeros(n * RECORD_BYTES + RECORD_BYTES, dtype=np.uint8)  # not yet touched
    huge_pages(raw)  # visited at random by the simulation (`pages`, "Page size")
    start = -raw.ctypes.data % RECORD_BYTES
    return raw[start : start + n * RECORD_BYTES].view(record)


@dataclass(frozen=True)
class Population:
    officers: Officers
    organisations: Organisations
    n_roles: int


def _categorical(weights: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """n draws of a category index with the given (unnormalised) weights."""
    cumulative = np.cumsum(weights / weights.sum()).astype(np.float32)
    return categories(cumulative, rng.random(n, dtype=np.float32))


def _onboarding_days(
    config: PopulationConfig, start: dt.date, n: int, rng: np.random.Generator
) -> np.ndarray:
    """Onboarding day (<= 0) per officer, following the published growth of registered users.

    The curve's points before the start are read as fractions of the users at the start and
    interpolated log-linearly (growth was roughly exponential), then inverted.
    """
    points = [(p.date, p.registered_users) for p in config.onboarding_curve if p.date < start]
    at_start = float(max([config.officers] + [users for _, users in points]))
    first_day = min(
        [(config.first_onboarding - start).days] + [(d - start).days for d, _ in points]
    )
    days = np.array([first_day - 1] + [(d - start).days for d, _ in points] + [0], dtype=float)
    users = np.array([at_start * 1e-4] + [users for _, users in points] + [at_start])
    fractions = np.maximum.accumulate(np.clip(users / at_start, 1e-4, 1.0))
    u = rng.uniform(np.log(1e-4), 0.0, size=n)
    onboarded = np.interp(u, np.log(fractions), days)
    del u
    np.floor(onboarded, out=onboarded)  # in place (no temporaries)
    return np.minimum(onboarded, 0, out=onboarded).astype(np.int16)


def _adoption_days(
    config: PopulationConfig,
    officers: Officers,
    organisations: Organisations,
    start: dt.date,
    n_days: int,
    streams: RandomStreams,
) -> np.ndarray:
    """Registration day per officer from their sector's adoption mechanism (see
    `SectorAdoption`): the inverse of a logistic in time, shifted by the unit's opening
    offset, never before the launch; NOT_REGISTERED for those who do not register in the
    run (beyond the saturation share, or after its last day).

    Two compiled passes around numpy's `log` (kept in numpy, so that every day is the
    one the numpy statement gave: `tests/test_whole_workforce.py` checks it to the bit)."""
    assert config.adoption is not None
    u = streams.fresh("population.adoption").random(officers.n)
    unit_offsets = streams.fresh("population.adoption.units").standard_normal(
        organisations.n_ministries
    )
    unit_ids = organisations.ministry_ids()
    saturation = np.zeros(len(SECTORS))  # 0: the sector does not register in the run
    midpoint = np.zeros(len(SECTORS))  # days from the start
    width = np.zeros(len(SECTORS))
    offsets = np.zeros((len(SECTORS), organisations.n_ministries))  # each unit's, in days
    for code, sector in enumerate(SECTORS):
        adoption = config.adoption.get(sector)
        if adoption is None or adoption.saturation <= 0:
            continue
        saturation[code] = adoption.saturation
        midpoint[code] = (adoption.midpoint - start).days
        width[code] = adoption.width_days
        offsets[code] = adoption.unit_spread_days * unit_offsets
        for unit, midpoint_of_unit in adoption.unit_midpoints.items():
            offsets[code, unit_ids[unit]] = (midpoint_of_unit - adoption.midpoint).days
    rows = np.empty(officers.n, dtype=np.int64)
    odds = np.empty(officers.n)
    registering = _registering(u, officers.sector, saturation, rows, odds)
    with np.errstate(divide="ignore"):
        log_odds = np.log(odds[:registering])
    days = np.full(officers.n, NOT_REGISTERED, dtype=np.int16)
    launch = (config.first_onboarding - start).days
    _registration_days(
        rows[:registering], log_odds, officers.sector, officers.ministry_id, midpoint, offsets,
        width, float(launch), n_days, days,
    )  # fmt: skip
    return days


@njit(cache=True, nogil=True)
def _registering(u, sector, saturation, rows, odds) -> int:
    """The officers who register at some time (their uniform below their sector's
    saturation), into `rows`, with the odds q / (1 - q) of their quantile q; how many."""
    count = 0
    for i in range(u.size):
        share = saturation[sector[i]]
        if share <= 0.0:
            continue
        q = u[i] / share
        if q < 1.0:
            rows[count] = i
            odds[count] = q / (1.0 - q)
            count += 1
    return count


@njit(cache=True, nogil=True, parallel=True)
def _registration_days(
    rows, log_odds, sector, ministry_id, midpoint, offsets, width, launch, n_days, days
):  # fmt: skip
    """Day of each registering officer: midpoint (the sector's, shifted by the unit's
    offset) + width x log odds, floored, not before the launch; NOT_REGISTERED after the
    run's last day."""
    for j in prange(rows.size):
        i = rows[j]
        code = sector[i]
        when = (midpoint[code] + offsets[code, ministry_id[i]]) + width[code] * log_odds[j]
        day = max(np.floor(when), launch)
        if day >= n_days:
            day = NOT_REGISTERED
        days[i] = min(max(day, np.iinfo(np.int16).min), NOT_REGISTERED)


def _draw_officers(
    config: PopulationConfig,
    organisations: Organisations,
    officers: Officers,
    rows: slice,
    streams: RandomStreams,
    prefix: str,
) -> None:
    """Fill `rows` of `officers`: organisation, group, role and propensity, each from its
    own named stream (`prefix.*`), so other draws never shift them."""
    n_agents = rows.stop - rows.start
    counts = streams.fresh(f"{prefix}.org_sizes").multinomial(
        n_agents, organisations.column("weight")
    )
    assert counts.sum() == n_agents  # the fill writes exactly the rows'
    sector_codes = np.array([SECTORS.index(s) for s in organisations.column("sector")])
    group_shares = np.array([config.service_groups.get(g, 0.0) for g in SERVICE_GROUPS])
    # Designations: Zipf-skewed within each service group (a few cadres are very large).
    role_weights = 1.0 / np.arange(1, config.roles_per_group + 1) ** config.size_skew
    # Independent work, run concurrently (sim/world/cores.py): the organisation fill, and
    # draws each from a stream of its own (the same numbers as one after the other).
    _, cadre_draws, group, rank, rate = concurrently(
        lambda: _fill_organisations(
            counts,
            organisations.column("org_id"),
            organisations.column("ministry_id"),
            sector_codes,
            officers.org_id[rows],
            officers.ministry_id[rows],
            officers.sector[rows],
        ),
        lambda: streams.fresh(f"{prefix}.cadre").random(n_agents, dtype=np.float32),
        lambda: _categorical(group_shares, n_agents, streams.fresh(f"{prefix}.service_group")),
        lambda: _categorical(role_weights, n_agents, streams.fresh(f"{prefix}.role")),
        lambda: _unscaled_login_rates(
            config.propensity, n_agents, streams.fresh(f"{prefix}.propensity")
        ),
    )

    sector = officers.sector[rows]
    shares = np.array([[config.cadres[name].get(c, 0.0) for c in CADRES] for name in SECTORS])
    cadre = categories(np.cumsum(shares, axis=1).astype(np.float32), cadre_draws, sector)
    officers.cadre[rows] = cadre
    officers.service_group[rows] = group
    officers.role_id[rows] = group.astype(np.int16) * config.roles_per_group + rank

    by_group = np.array([config.group_propensity_multiplier.get(g, 1.0) for g in SERVICE_GROUPS])
    by_sector = np.array([config.sector_propensity_multiplier.get(s, 1.0) for s in SECTORS])
    by_cadre = np.array([config.cadre_propensity_multiplier.get(c, 1.0) for c in CADRES])
    _scale_rates(
        rate, group, sector, cadre, by_group, by_sector, by_cadre,
        config.propensity.max_logins_per_working_day, officers.routine_logins_per_day[rows],
    )  # fmt: skip


def _unscaled_login_rates(
    propensity: PropensityConfig, n: int, rng: np.random.Generator
) -> np.ndarray:
    """n routine login rates before the group's, sector's and cadre's multipliers:
    median * exp(sigma * draw), in place (no temporaries)."""
    rate = rng.standard_normal(n)
    rate *= propensity.sigma
    np.exp(rate, out=rate)
    rate *= propensity.median_logins_per_working_day
    return rate


@njit(cache=True, nogil=True)
def _fill_organisations(counts, org_ids, ministry_of, sector_of, org_id, ministry_id, sector):
    """Officers in organisation order, `counts[k]` of organisation k: one sequential
    write of each attribute (numpy would repeat, then gather twice)."""
    i = 0
    for k in range(counts.size):
        for _ in range(counts[k]):
            org_id[i] = org_ids[k]
            ministry_id[i] = ministry_of[k]
            sector[i] = sector_of[k]
            i += 1


@njit(cache=True, nogil=True, parallel=True)
def _scale_rates(rate, group, sector, cadre, by_group, by_sector, by_cadre, cap, out):
    """Each officer's rate times their group's multiplier, then times their sector's and
    cadre's, capped (the float operations in the numpy statements' order)."""
    for i in prange(rate.size):
        scaled = rate[i] * by_group[group[i]] * (by_sector[sector[i]] * by_cadre[cadre[i]])
        out[i] = min(scaled, cap)


@njit(cache=True, nogil=True, parallel=True)
def _history_means(before, onboarded_day, rate, per_login) -> np.ndarray:
    """float64: each of `before`'s mean completions before the run, the working days
    since they registered (5 a week) times `per_login` times their login rate, the float
    operations as numpy takes them (the days negated in float64, times 5, over 7; the
    float32 product of rate and `per_login`): one visit to each officer on all the cores,
    where the numpy statements took five passes."""
    expected = np.empty(before.size)
    for i in prange(before.size):
        officer = before[i]
        days = -np.float64(onboarded_day[officer]) * 5.0 / 7.0
        expected[i] = days * np.float64(per_login * rate[officer])
    return expected


@njit(cache=True, nogil=True, parallel=True)
def _store_history(before, prior, prior_completions) -> None:
    """Each of `before`'s completions before the run, capped at what int16 holds."""
    most = np.iinfo(prior_completions.dtype).max
    for i in prange(before.size):
        prior_completions[before[i]] = min(prior[i], most)


def users_on(config: PopulationConfig, start: dt.date, days: np.ndarray) -> np.ndarray:
    """Registered users on each day index (from `start`), interpolated log-linearly along the
    onboarding curve and scaled so that the start has `config.officers`."""
    known = np.array([p.date.toordinal() for p in config.onboarding_curve], dtype=float)
    log_users = np.log([p.registered_users for p in config.onboarding_curve])
    ordinals = start.toordinal() + np.asarray(days, dtype=float)
    at_start = np.exp(np.interp(start.toordinal(), known, log_users))
    return config.officers * np.exp(np.interp(ordinals, known, log_users)) / at_start


def joiners(config: PopulationConfig, start: dt.date, n_days: int, scale: int) -> int:
    """Agents who join during a run of `n_days` (growth along the onboarding curve)."""
    users = users_on(config, start, np.array([n_days - 1]))[0]
    return max(0, round(users / scale) - max(1, round(config.officers / scale)))


def build_population(
    config: PopulationConfig,
    n_agents: int,
    start: dt.date,
    streams: RandomStreams,
    joining: int = 0,
    n_days: int = 1,
    recruit_share: float = 0.0,
) -> Population:
    """Draw `n_agents` officers on the platform at the start, and `joining` more who onboard
    during the run's `n_days` as the curve grows. Each draw uses its own named stream
    (common random numbers)."""
    organisations = build_organisations(config, streams.fresh("population.organisations"))
    officers = Officers(n_agents + joining)

    def draw() -> None:
        _draw_officers(config, organisations, officers, slice(0, n_agents), streams, "population")

    if config.adoption is not None:
        draw()
        officers.onboarded_day[:] = _adoption_days(
            config, officers, organisations, start, n_days, streams
        )
        # Those who register during the run may do so in their sector's onboarding drive.
        during = (officers.onboarded_day > 0) & (officers.onboarded_day != NOT_REGISTERED)
        drive_share = np.array(
            [a.drive_share if (a := config.adoption.get(s)) else 0.0 for s in SECTORS]
        )
        draws = streams.fresh("population.adoption.drive").random(officers.n)
        officers.recruit[:] = during & (draws < drive_share[officers.sector])
    else:  # the curve's days read no attribute: drawn beside the others (own stream)
        _, days = concurrently(
            draw,
            lambda: _onboarding_days(
                config, start, n_agents, streams.fresh("population.onboarding")
            ),
        )
        officers.onboarded_day[:n_agents] = days
    if joining:
        rows = slice(n_agents, n_agents + joining)
        _draw_officers(config, organisations, officers, rows, streams, "population.joiners")
        growth = np.diff(users_on(config, start, np.arange(-1, n_days)))
        cumulative = np.cumsum(np.maximum(growth, 0))
        u = streams.fresh("population.joiners.day").random(joining) * cumulative[-1]
        day = np.searchsorted(cumulative, u, side="right")
        officers.onboarded_day[rows] = np.clip(day, 0, n_days - 1)
        recruits = streams.fresh("population.joiners.recruit").random(joining) < recruit_share
        officers.recruit[rows] = recruits

    # History before the simulated period: completions so far scale with how active an
    # officer is and how long they have been on the platform (about 5 working days a week).
    # Only those registered before the start have one: a Poisson draw of mean 0 takes no
    # number from the stream, so drawing for them alone gives everyone the same history.
    before = listed(officers.onboarded_day < 0)
    per_login = config.history_completions_per_login * config.history_activity_factor
    expected = _history_means(
        before, officers.onboarded_day, officers.routine_logins_per_day, np.float32(per_login)
    )
    prior = streams.fresh("population.history").poisson(expected)
    del expected
    _store_history(before, prior, officers.prior_completions)

    officers.present[:] = officers.onboarded_day <= 0
    n_roles = config.roles_per_group * len(SERVICE_GROUPS)
    return Population(officers=officers, organisations=organisations, n_roles=n_roles)


def population_for(scenario: Scenario, n_days: int, streams: RandomStreams) -> Population:
    """The scenario's officers, with those who join during the run if it has growth."""
    workforce, config = scenario.workforce, scenario.population
    growth = workforce.growth and config.adoption is None
    joining = joiners(config, scenario.calendar.start, n_days, scenario.scale) if growth else 0
    return build_population(
        config,
        scenario.agents,
        scenario.calendar.start,
        streams,
        joining=joining,
        n_days=n_days,
        recruit_share=workforce.recruit_share,
    )
