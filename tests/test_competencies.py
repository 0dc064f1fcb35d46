"""The competency model: the dictionary, the role table, tagged courses, proficiency from
history and from learning, the KPIs (checked by hand on a small world) and the levers."""

from __future__ import annotations

import copy
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from conftest import BATCH_FORMS, batches_on, sampled, tagged_catalog
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sim.agents.competencies import CompetencyModel
from sim.agents.enrolment import course_mix_table
from sim.agents.prior_learning import PriorLearning
from sim.config import (
    CADRES,
    COMPETENCY_AREAS,
    SECTORS,
    SERVICE_GROUPS,
    BehaviourConfig,
    CompetencyConfig,
    ConfigError,
)
from sim.config.competencies import RoleFamilyConfig, builtin_dictionary, builtin_role_families
from sim.engines.run_state import build_run
from sim.results.competency_tables import breakdown, competency_kpis, gaps
from sim.scenarios.karma import KARMA_REWARDED_PER_MONTH
from sim.simulate import simulate
from sim.world import blocks
from sim.world.competency_dictionary import BEHAVIOURAL, DOMAIN, FUNCTIONAL, build_dictionary
from sim.world.course_tags import COMMON, MINISTRY, ROLE_BASED, SELF_SELECTED
from sim.world.population import Officers
from sim.world.random_streams import RandomStreams
from sim.world.roles import competencies_for_group, competency_world

# ---- the dictionary and the role table ---------------------------------------------------


def test_the_dictionary_holds_the_published_model():
    """13 behavioural (8 core, 5 leadership), 21 functional (5 named, the rest marked
    placeholders), domain competencies per unit (a state's local bodies share its own) and
    per frontline cadre."""
    config = builtin_dictionary()
    units = ["Ministry of Railways", "Uttar Pradesh", "Uttar Pradesh"]
    dictionary = build_dictionary(config, units)
    kinds = np.bincount(dictionary.kind, minlength=3)
    per_unit = config.domain.per_unit
    assert kinds[BEHAVIOURAL] == 13 and kinds[FUNCTIONAL] == 21
    assert kinds[DOMAIN] == 4 + 2 * per_unit  # four cadres, two distinct units
    functional = dictionary.of_kind(FUNCTIONAL)
    assert (~dictionary.placeholder[functional]).sum() == 5
    assert not dictionary.placeholder[dictionary.of_kind(BEHAVIOURAL)].any()
    assert (dictionary.unit_domains[1] == dictionary.unit_domains[2]).all()
    assert (dictionary.unit_domains[0] != dictionary.unit_domains[1]).all()
    assert dictionary.cadre_domain[CADRES.index("administration")] == -1


def test_every_officer_has_a_role_family_with_real_requirements():
    dictionary, roles = competency_world(CompetencyConfig(), ["a", "b"], 6, RandomStreams(1))
    assert (roles.level[roles.required == -1] == 0).all()
    assert ((roles.level >= 1) & (roles.level <= 5))[roles.required != -1].all()
    for row in roles.required:  # a competency is required at most once per profile
        real = row[row != -1]
        assert len(set(real.tolist())) == real.size
    teachers = roles.family_of[:, SERVICE_GROUPS.index("C"), CADRES.index("teachers")]
    assert {roles.family_names[f] for f in teachers} == {"teacher"}
    # a teacher's profile requires the teachers' domain competency
    profile = roles.profile(
        np.array([1]), np.array([2]), np.array([CADRES.index("teachers")]), np.array([0]),
        np.array([1]),
    )  # fmt: skip
    pedagogy = dictionary.cadre_domain[CADRES.index("teachers")]
    assert pedagogy in roles.required[profile[0]]


@pytest.mark.parametrize(
    ("families", "message"),
    [
        ([{"name": "x", "groups": ["A"], "requires": {"communication": 2}}], "no role family"),
        ([{"name": "x", "requires": {"telepathy": 2}}], "unknown competencies"),
        ([{"name": "x", "requires": {"communication": 6}}], "less than or equal to 5"),
        (
            [{"name": "x", "requires": {"communication": 2},
              "electives": {"from": ["communication"], "count": 1}}],
            "both required and elective",
        ),
        ([{"name": "x", "cadres": ["pilots"]}], "unknown cadre"),
    ],
)  # fmt: skip
def test_a_bad_role_table_is_one_message(families, message):
    with pytest.raises(ConfigError, match=message):
        sampled("baseline", competencies={"role_families": families})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"competencies": {"focus_topic": "astrology"}}, "unknown topic"),
        ({"competencies": {"experience_level": 7}}, "experience_level"),
        ({"recommendations": {"mode": "random"}}, "recommendations.mode"),
    ],
)
def test_bad_competency_settings_name_the_field(changes, message):
    with pytest.raises(ConfigError, match=message):
        sampled("baseline", **changes)


# ---- courses ------------------------------------------------------------------------------


def test_courses_teach_what_their_category_is_for():
    catalog = tagged_catalog(12, seed=3)
    dictionary, roles = competency_world(
        CompetencyConfig(), [f"unit {m}" for m in range(12)], 60, RandomStreams(3)
    )
    kind, on_topic = catalog.area, catalog.topics & 1 == 1
    common = catalog.category == COMMON
    cross = np.isin(catalog.competency, dictionary.cross_cutting)
    assert ((kind[common] == BEHAVIOURAL) | cross[common]).all()
    assert 0.55 < (kind[common & ~on_topic] == BEHAVIOURAL).mean() < 0.85
    role_based = np.flatnonzero(catalog.category == ROLE_BASED)
    assert (kind[role_based] == FUNCTIONAL).all()
    for course in role_based:
        group = int(catalog.service_group[course])
        assert catalog.competency[course] in competencies_for_group(roles, group)
    acbp = np.flatnonzero(catalog.category == MINISTRY)
    assert (kind[acbp] == DOMAIN).all()
    own = dictionary.unit_domains[catalog.owner_ministry[acbp]]
    in_own = (own == catalog.competency[acbp][:, None]).any(axis=1)
    in_cadre = np.isin(catalog.competency[acbp], dictionary.cadre_domain)
    assert (in_own | in_cadre).all() and 0.55 < in_own.mean() < 0.85
    chosen = catalog.category == SELF_SELECTED
    assert (kind[chosen] != DOMAIN).all()
    # about 5% of every category is AI-related; free choices on it teach its competencies
    assert abs(on_topic.mean() - 0.05) < 3 * np.sqrt(0.05 * 0.95 / catalog.n)
    free = on_topic & (common | chosen)
    assert np.isin(catalog.competency[free], dictionary.topic_competencies[0]).all()


def test_topic_emphasis_reweights_only_engaged_choices():
    catalog = tagged_catalog(5, seed=4).with_emphasis({0: 4.0})
    rng = np.random.default_rng(0)
    n = 40_000
    categories = np.zeros(n, dtype=np.int64)  # common courses
    uniforms = rng.random(n)
    routine = catalog.choose(categories, np.zeros(n, np.int64), np.zeros(n, np.int64), uniforms)
    engaged = catalog.choose(
        categories, np.zeros(n, np.int64), np.zeros(n, np.int64), uniforms, np.ones(n, bool)
    )
    common = np.flatnonzero(catalog.category == COMMON)
    weights = catalog.popularity[common]
    topic = (catalog.topics[common] & 1) == 1
    base = weights[topic].sum() / weights.sum()
    emphasised = 4 * weights[topic].sum() / (4 * weights[topic].sum() + weights[~topic].sum())
    for chosen, expected in ((routine, base), (engaged, emphasised)):
        share = (catalog.topics[chosen] & 1).mean()
        assert abs(share - expected) < 4 * np.sqrt(expected * (1 - expected) / n)


# ---- a small world, worked by hand ---------------------------------------------------------

HAND_FAMILIES = [
    RoleFamilyConfig(name="clerk", groups=["C"],
                     requires={"communication": 2, "digital_fluency": 1}),
    RoleFamilyConfig(name="manager", requires={"team_leadership": 3}, unit_domain=2),
]  # fmt: skip


@pytest.fixture
def small_world():
    """Four officers of one unit: two clerks (group C), two managers (group A)."""
    config = CompetencyConfig(role_families=HAND_FAMILIES, pass_probability=1.0)
    streams = RandomStreams(0)
    dictionary, roles = competency_world(config, ["Unit"], 1, streams)
    officers = Officers(4)
    officers.sector[:] = SECTORS.index("central")
    officers.service_group[:] = [2, 2, 0, 0]
    officers.cadre[:] = CADRES.index("administration")
    catalog = tagged_catalog(1, seed=0)
    mix = np.diff(course_mix_table(BehaviourConfig())[0], prepend=0.0)
    model = CompetencyModel.build(config, dictionary, roles, catalog, officers, 1, mix, streams)
    ids = dictionary.ids
    comm, digital, lead = ids(["communication", "digital_fluency", "team_leadership"])
    domain = dictionary.unit_domains[0, 0]
    return model, dictionary, (comm, digital, lead, domain)


def set_levels(model: CompetencyModel, officer: int, levels: dict[int, int]) -> None:
    required = model.roles.required[model.profile[officer]]
    for competency, level in levels.items():
        model.levels[officer, int(np.flatnonzero(required == competency)[0])] = level


def test_coverage_kpis_equal_the_hand_computed_values(small_world):
    """Clerk 0: communication 2 of 2 (met), digital fluency 0 of 1 -> 1 of 2.
    Clerk 1: communication 1 of 2, digital fluency 1 of 1 -> 1 of 2.
    Manager 2: leadership 3 of 3, unit domain 2 of 2 -> 2 of 2, ready.
    Manager 3: leadership 0, domain 1 of 2 -> 0 of 2.
    Coverage (1 + 1 + 2 + 0) / 8 = 0.5; readiness 1 / 4.
    Then clerk 1 passes a level-3 communication course (-> ready), manager 3 completes a
    digital fluency course his post does not require (a functional course learnt, no
    requirement met): coverage 5 / 8, readiness 2 / 4, 1 in 4 with a functional course."""
    model, _, (comm, digital, lead, domain) = small_world
    assert model.at_start.coverage == 0.0  # no history, no experience: nothing met
    set_levels(model, 0, {comm: 2, digital: 0})
    set_levels(model, 1, {comm: 1, digital: 1})
    set_levels(model, 2, {lead: 3, domain: 2})
    set_levels(model, 3, {lead: 0, domain: 1})
    now = model.snapshot()
    assert now.coverage == 0.5 and now.readiness == 0.25
    assert now.cells.groupby("service_group")["met"].sum().to_dict() == {0: 2, 2: 2}
    assert now.required_by_competency[[comm, digital, lead, domain]].tolist() == [2, 2, 2, 2]
    assert now.met_by_competency[[comm, digital, lead, domain]].tolist() == [1, 1, 1, 1]

    course = SimpleNamespace(
        area=np.array([BEHAVIOURAL, FUNCTIONAL], np.int8),
        topics=np.array([0, 1], np.uint8),
        competency=np.array([comm, digital], np.int16),
        level=np.array([3, 5], np.int8),
    )
    model.credit(np.array([1, 3]), np.array([0, 1]), course, np.random.default_rng(0))
    after = model.snapshot()
    assert after.coverage == 5 / 8 and after.readiness == 0.5
    assert after.share("with_functional") == 0.25 and after.share("with_behavioural") == 0.25
    assert after.share("with_topic") == 0.25  # the digital fluency course is AI-related
    required = model.roles.required[model.profile[1]]
    assert model.levels[1, np.flatnonzero(required == comm)[0]] == 3


def test_the_tables_add_up_to_the_hand_computed_kpis(small_world):
    model, _, (comm, digital, lead, domain) = small_world
    start = model.at_start
    set_levels(model, 2, {lead: 3, domain: 2})
    end = model.snapshot()
    organisations = pd.DataFrame({"ministry": ["Unit"], "ministry_id": [0], "sector": ["central"]})
    output = SimpleNamespace(
        competencies=model,
        population=SimpleNamespace(
            organisations=SimpleNamespace(table=organisations), officers=model.officers
        ),
    )
    table = breakdown(output, {"start": start, "end": end}, scale=10)
    overall = table[(table["dimension"] == "all") & (table["moment"] == "end")].iloc[0]
    assert overall["officers"] == 40 and overall["required"] == 80 and overall["met"] == 20
    assert overall["coverage"] == 0.25 and overall["readiness"] == 0.25
    family = table[(table["dimension"] == "family") & (table["moment"] == "end")]
    assert family.set_index("value")["coverage"].to_dict() == {"clerk": 0.0, "manager": 0.5}
    gap = gaps(output, start, end, scale=10).set_index("competency")
    assert (
        gap.loc["team_leadership", "met_end"] == 10
        and gap.loc["team_leadership", "unmet_end"] == 10
    )
    assert gap.iloc[0]["unmet_end"] == 20  # the largest gaps come first
    kpis = competency_kpis(output, end)
    assert kpis["competency_coverage"] == 0.25 and kpis["officers_meeting_more_requirements"] == 1


def test_themed_practice_raises_the_first_unmet_requirement_of_the_area(small_world):
    model, dictionary, (comm, digital, lead, domain) = small_world
    set_levels(model, 0, {comm: 2})  # met already: clerk 0 has nothing to practise
    model.practise(np.arange(4), BEHAVIOURAL, 1.0, np.random.default_rng(0))
    required = model.roles.required[model.profile]
    held = {(o, int(c)): int(model.levels[o, s]) for o in range(4)
            for s, c in enumerate(required[o]) if c >= 0}  # fmt: skip
    assert held == {(0, comm): 2, (0, digital): 0, (1, comm): 1, (1, digital): 0,
                    (2, lead): 1, (2, domain): 0, (3, lead): 1, (3, domain): 0}  # fmt: skip


# ---- proficiency from history: the closed form against brute force -------------------------


def test_starting_levels_follow_the_courses_completed_before_the_run():
    """Officers with n completions before the run: the closed form's chance of holding a
    competency at level >= l equals the share found by drawing n courses each as routine
    learning does (category by the mix, course by popularity) and passing each with the
    pass probability."""
    catalog = tagged_catalog(3, seed=5)
    dictionary, _ = competency_world(CompetencyConfig(), ["a", "b", "c"], 60, RandomStreams(5))
    mix_table = course_mix_table(BehaviourConfig())
    mix = np.diff(mix_table[0], prepend=0.0)
    pass_probability = 0.85
    prior = PriorLearning.build(catalog, dictionary, mix, pass_probability)
    digital = int(dictionary.ids(["digital_fluency"])[0])
    unit, group, n, officers = 1, 2, 6, 60_000
    rng = np.random.default_rng(9)
    closed = prior.levels(
        np.full(officers, digital), np.full(officers, unit), np.full(officers, group),
        np.full(officers, n), rng.random(officers),
    )  # fmt: skip
    held = np.zeros(officers, dtype=np.int64)
    for _ in range(n):  # brute force: one course per officer at a time
        categories = (rng.random(officers)[:, None] > mix_table[0][:-1]).sum(axis=1)
        course = catalog.choose(
            categories, np.full(officers, unit), np.full(officers, group), rng.random(officers)
        )
        passed = (catalog.competency[course] == digital) & (rng.random(officers) < pass_probability)
        held = np.where(passed, np.maximum(held, catalog.level[course]), held)
    for level in range(1, 6):
        a, b = (closed >= level).sum(), (held >= level).sum()
        if a + b == 0:
            continue
        table = np.array([[a, officers - a], [b, officers - b]])
        assert stats.chi2_contingency(table).pvalue > 0.001, (level, a, b)
    assert (held >= 1).mean() > 0.02  # the comparison has something to compare


# ---- the levers, on the 2024 week (common random numbers) -----------------------------------


@pytest.fixture(scope="module")
def week_kpis():
    return simulate(sampled("saptah_2024")).kpis


def test_gap_targeted_recommendations_raise_coverage(week_kpis):
    targeted = simulate(sampled("saptah_2024", recommendations={"mode": "gap_targeted"})).kpis
    assert targeted["competency_coverage_start"] == week_kpis["competency_coverage_start"]
    assert targeted["competency_coverage"] > week_kpis["competency_coverage"] + 0.01
    assert targeted["role_readiness"] > week_kpis["role_readiness"]
    assert week_kpis["competency_coverage"] > week_kpis["competency_coverage_start"]


def test_a_gap_targeted_acbp_mandate_beats_the_popular_one():
    popular = simulate(sampled("saptah_2024_acbp_mandate")).kpis
    targeted = simulate(sampled("saptah_2024_acbp_gaps")).kpis
    assert targeted["competency_coverage"] > popular["competency_coverage"]
    assert (
        targeted["officers_meeting_more_requirements"]
        > popular["officers_meeting_more_requirements"]
    )


def test_an_ai_emphasis_reaches_more_officers_with_ai_courses(week_kpis):
    scenario = sampled("saptah_2024")
    campaigns = scenario.canonical()["campaigns"]
    campaigns[0]["topic_emphasis"] = {"ai_related": 5.0}
    emphasised = simulate(scenario.with_overrides(campaigns=campaigns)).kpis
    assert emphasised["share_with_topic_course_start"] == week_kpis["share_with_topic_course_start"]
    assert emphasised["share_with_topic_course"] > week_kpis["share_with_topic_course"] + 0.01


def test_coverage_tables_by_dimension_and_organisation(saptah_run):
    table = saptah_run.competencies
    assert set(table["dimension"]) == {"all", "sector", "service_group", "cadre", "unit", "family"}
    for (moment, dimension), rows in table.groupby(["moment", "dimension"]):
        overall = table[(table["moment"] == moment) & (table["dimension"] == "all")]
        for column in ("officers", "required", "met", "ready", "with_topic"):
            assert rows[column].sum() == pytest.approx(overall[column].sum()), (dimension, column)
    end = table[(table["moment"] == "end") & (table["dimension"] == "all")].iloc[0]
    assert end["coverage"] == pytest.approx(saptah_run.kpis["competency_coverage"])
    orgs = saptah_run.orgs
    weighted = (orgs["competency_coverage"] * orgs["requirements"]).sum() / orgs[
        "requirements"
    ].sum()
    assert weighted == pytest.approx(saptah_run.kpis["competency_coverage"])
    assert (saptah_run.competency_gaps["unmet_end"].diff().dropna() <= 0).all()
    assert set(builtin_role_families()[0].requires) <= set(saptah_run.competency_gaps["competency"])


def test_history_levels_imply_courses_of_their_type():
    """A level passed before the run is a course of that type completed."""
    scenario = sampled("saptah_2024", agents=5_000)
    model = simulate_setup(scenario)
    required = model.roles.required[model.profile]
    kinds = model.dictionary.kind[np.maximum(required, 0)]
    for kind in range(3):
        holds = ((model.levels > 0) & (required >= 0) & (kinds == kind)).any(axis=1)
        assert holds.any()
        assert ((model.learned[holds] >> kind) & 1 == 1).all()
    no_history = model.officers.prior_completions == 0
    assert (model.levels[no_history] == 0).all() and (model.learned[no_history] == 0).all()


def simulate_setup(scenario):
    from sim.engines.run_state import build_run

    return build_run(scenario).competencies


def test_officers_without_history_hold_the_experience_level():
    scenario = sampled("saptah_2024", agents=3_000, competencies={"experience_level": 2})
    model = simulate_setup(scenario)
    fresh = model.officers.prior_completions == 0
    assert fresh.any() and (model.levels[fresh] == 2).all()
    assert (model.levels >= 2).all()


def test_a_transfer_keeps_shared_competencies_and_opens_new_gaps(small_world):
    model, dictionary, (comm, digital, lead, domain) = small_world
    model.levels[:] = 3
    clerks = np.array([0, 1])
    before = model.officers.role_id[clerks].copy()
    model.roles = competency_world(  # clerks with several designations, differing electives
        CompetencyConfig(
            role_families=[
                RoleFamilyConfig(name="clerk", groups=["C"], requires={"communication": 2},
                                 electives={"from": ["data_analytics", "digital_fluency"],
                                            "count": 1, "level": 2}),
                RoleFamilyConfig(name="manager", requires={"team_leadership": 3}),
            ]
        ),
        ["Unit"], 4, RandomStreams(0),
    )[1]  # fmt: skip
    model.profile[:] = model.roles.profile(
        model.officers.sector, model.officers.service_group, model.officers.cadre,
        model.officers.role_id, model.officers.ministry_id.astype(np.int32),
    )  # fmt: skip
    old_required = model.roles.required[model.profile[clerks]].copy()
    model.transfer(clerks, np.random.default_rng(1))
    assert (model.officers.role_id[clerks] != before).all()  # always another designation
    new_required = model.roles.required[model.profile[clerks]]
    for i in range(2):
        for slot, competency in enumerate(new_required[i]):
            if competency < 0:
                continue
            expected = 3 if competency in old_required[i] else 0
            assert model.levels[clerks[i], slot] == expected
        assert model.met_at_start[clerks[i]] == model.met(clerks[i : i + 1]).sum()


def test_gap_targeted_acbp_lists_take_the_posts_gaps_first(small_world):
    """Manager 3 lacks the unit's domain 1 at level 2: the most popular ACBP course of
    the unit teaching it at level 2 or above (course 2, not the more popular level-1
    course 0), then the unit's most popular courses without repeats. Manager 2 meets it:
    the popular list as it is."""
    from sim.scenarios.assignments import best_acbp_courses, gap_courses

    model, dictionary, (comm, digital, lead, domain) = small_world
    set_levels(model, 2, {lead: 3, domain: 2})
    set_levels(model, 3, {lead: 0, domain: 1})
    other = dictionary.unit_domains[0, 1]
    catalog = SimpleNamespace(
        category=np.full(4, MINISTRY, np.int8),
        owner_ministry=np.zeros(4, np.int16),
        competency=np.array([domain, domain, domain, other], np.int16),
        level=np.array([1, 2, 3, 4], np.int8),
        popularity=np.array([10.0, 1.0, 5.0, 100.0]),
        n_ministries=1,
    )
    state = SimpleNamespace(catalog=catalog, competencies=model, officers=model.officers)
    popular = np.array([[3, 0, 2]])
    lists = gap_courses(state, np.array([2, 3]), best_acbp_courses(state), popular, 3)
    assert lists.tolist() == [[3, 0, 2], [2, 3, 0]]


def credit_as_numpy(model: CompetencyModel, ids, courses, catalog, rng) -> None:
    """The credit rule stated in numpy, the oracle for its compiled form."""
    bits = (1 << catalog.area[courses]) | (
        ((catalog.topics[courses] >> model.focus_topic) & 1) << len(COMPETENCY_AREAS)
    )
    np.bitwise_or.at(model.learned, ids, bits.astype(np.uint8))
    match = model.roles.required[model.profile[ids]] == catalog.competency[courses][:, None]
    relevant = np.flatnonzero(match.any(axis=1))
    passed = relevant[rng.random(relevant.size) < model.pass_probability]
    who, slot = ids[passed], np.argmax(match[passed], axis=1)
    np.maximum.at(model.levels, (who, slot), catalog.level[courses[passed]].astype(np.uint8))


@pytest.mark.parametrize("form", BATCH_FORMS)
def test_compiled_credit_is_the_numpy_rule_to_the_bit(form):
    state = build_run(sampled("saptah_2024", agents=4000))
    model, catalog = state.competencies, state.catalog
    before = model.levels.copy()
    rng = np.random.default_rng(2)
    for _ in range(20):
        ids = np.sort(rng.choice(state.officers.n, 500, replace=False))
        # courses of the officers' own competencies as well as random ones
        own = model.roles.required[model.profile[ids], 0]
        by_competency = {int(c): i for i, c in enumerate(catalog.competency)}
        courses = rng.integers(0, catalog.n, ids.size)
        matching = np.array([by_competency.get(int(c), -1) for c in own])
        courses = np.where((rng.random(ids.size) < 0.5) & (matching >= 0), matching, courses)
        oracle = copy.deepcopy(model)
        credit_as_numpy(oracle, ids, courses, catalog, np.random.default_rng(7))
        with batches_on(form):
            model.credit(ids, courses, catalog, np.random.default_rng(7))
        np.testing.assert_array_equal(model.levels, oracle.levels)
        np.testing.assert_array_equal(model.learned, oracle.learned)
    assert (model.levels != before).sum() > 100  # the completions did raise levels


class _Streams:
    """The scheduler a run's state asks for its random streams (`RunState.rng`)."""

    def __init__(self, streams: RandomStreams) -> None:
        self.streams = streams

    def rng(self, decision: str, day: int) -> np.random.Generator:
        return self.streams.stream(decision, day)


def test_a_sessions_credit_at_once_is_its_steps_credited_in_turn():
    """`RunState.credit_session` (the competency model once for the whole session, then
    the policies step by step) against `RunState.credit` per course step, with karma
    points listening to completions and officers completing in several steps."""
    state = build_run(sampled("saptah_2024_heavy_nudging", agents=4000))
    model, catalog = state.competencies, state.catalog
    rng = np.random.default_rng(5)
    by_competency = {int(c): i for i, c in enumerate(catalog.competency)}
    steps = []
    for _ in range(6):  # overlapping draws: many officers complete in several steps
        ids = np.sort(rng.choice(160, 120, replace=False))
        own = model.roles.required[model.profile[ids], 0]
        matching = np.array([by_competency.get(int(c), -1) for c in own])
        courses = rng.integers(0, catalog.n, ids.size)
        courses = np.where((rng.random(ids.size) < 0.6) & (matching >= 0), matching, courses)
        steps.append((ids, courses))
    in_turn, at_once = copy.deepcopy(state), copy.deepcopy(state)
    for side in (in_turn, at_once):
        side.scheduler = _Streams(side.streams)
    for ids, courses in steps:
        in_turn.credit(ids, courses, day=3)
    at_once.credit_session(steps, day=3)
    for name in ("levels", "learned"):
        np.testing.assert_array_equal(
            getattr(at_once.competencies, name), getattr(in_turn.competencies, name), name
        )
    for name in ("karma_month", "karma_total", "karma_rewarded"):
        np.testing.assert_array_equal(
            getattr(at_once.officers, name), getattr(in_turn.officers, name), name
        )
    assert (
        at_once.rng("competency.assessment", 3).random()
        == in_turn.rng("competency.assessment", 3).random()
    )
    assert (at_once.competencies.levels != model.levels).sum() > 20  # the credit did raise
    # some reached the monthly cap of rewarded completions within the session
    assert (at_once.officers.karma_rewarded == KARMA_REWARDED_PER_MONTH).any()


@pytest.mark.parametrize("block", [None, 1000])  # the chances at once, or a block at a time
def test_compiled_starting_levels_are_the_numpy_rule_to_the_bit(monkeypatch, block):
    if block:
        monkeypatch.setattr(blocks, "BLOCK", block)
    state = build_run(sampled("saptah_2024", agents=6000))
    model, officers, config = state.competencies, state.officers, state.scenario.competencies
    routine_mix = np.diff(state.mix_table[0], prepend=0.0)
    prior = PriorLearning.build(
        state.catalog, model.dictionary, routine_mix, config.pass_probability
    )
    # the numpy statement of the rule, slot by slot, from the same stream
    before = officers.prior_completions.astype(np.int64)
    with_history = np.flatnonzero(before > 0)
    rng = state.streams.fresh("competencies.history")
    levels = np.full(model.levels.shape, config.experience_level, np.uint8)
    learned = np.zeros(officers.n, np.uint8)
    unit = officers.ministry_id[with_history].astype(np.int64)
    group = officers.service_group[with_history].astype(np.int64)
    for slot in range(model.roles.slots):
        needed = model.roles.required[model.profile[with_history], slot]
        real = needed != -1
        rows, competency = with_history[real], needed[real].astype(np.int64)
        uniforms = rng.random(with_history.size, dtype=np.float32)[real]
        passed = prior.levels(competency, unit[real], group[real], before[rows], uniforms)
        levels[rows, slot] = np.maximum(passed, config.experience_level)
        hit = passed > 0
        learned[rows[hit]] |= (1 << model.dictionary.kind[competency[hit]]).astype(np.uint8)
    np.testing.assert_array_equal(model.levels, levels)
    assert (levels > config.experience_level).sum() > 100  # history did raise levels
    # then the type and topic bits, drawn after the levels from the same stream
    shares = [prior.type_share[unit, group, k] for k in range(len(COMPETENCY_AREAS))]
    focus = model.dictionary.topics.index(config.focus_topic)
    shares.append(prior.topic_share[unit, group, focus])
    for bit, share in enumerate(shares):
        had = prior.has(share, before[with_history], rng.random(with_history.size, np.float32))
        learned[with_history[had]] |= np.uint8(1 << bit)
    np.testing.assert_array_equal(model.learned, learned)


def snapshot_as_numpy(model: CompetencyModel) -> dict:
    """The snapshot's sums stated in numpy (slot by slot, then bincounts), its oracle."""
    officers, roles = model.officers, model.roles
    counted = officers.left_day == -1
    n_comp = model.dictionary.n
    profile = model.profile[counted]
    per_profile = np.bincount(profile, minlength=roles.required.shape[0]).astype(float)
    met_count = np.zeros(officers.n, dtype=np.int8)
    required_by, met_by = np.zeros(n_comp), np.zeros(n_comp)
    for slot in range(roles.slots):
        need = roles.level[:, slot][model.profile]
        ok = (model.levels[:, slot] >= need) & (need > 0)
        met_count += ok
        competency = roles.required[:, slot]
        real = competency != -1
        required_by += np.bincount(competency[real], per_profile[real], minlength=n_comp)
        met = np.bincount(profile[ok[counted]], minlength=per_profile.size).astype(float)
        met_by += np.bincount(competency[real], met[real], minlength=n_comp)
    required_count = roles.n_required[model.profile]
    ready = met_count == required_count
    org = officers.org_id[counted]
    return {
        "required_by": required_by,
        "met_by": met_by,
        "org_required": np.bincount(org, required_count[counted], minlength=model.n_orgs),
        "org_met": np.bincount(org, met_count[counted], minlength=model.n_orgs),
        "org_ready": np.bincount(org[ready[counted]], minlength=model.n_orgs).astype(float),
        "org_officers": np.bincount(org, minlength=model.n_orgs).astype(float),
        "improved": float(np.count_nonzero((met_count > model.met_at_start) & counted)),
        "officers": float(counted.sum()),
        "met": float(met_count[counted].sum()),
        "ready": float(ready[counted].sum()),
    }


def test_compiled_profiles_are_the_numpy_statement_to_the_bit():
    state = build_run(sampled("saptah_2024", agents=3000))
    officers, roles = state.officers, state.competencies.roles
    family = roles.family_of[officers.sector, officers.service_group, officers.cadre]
    designation = officers.role_id.astype(np.int32) % roles.n_designations
    kind = family.astype(np.int32) * len(CADRES) + officers.cadre
    unit = officers.ministry_id.astype(np.int32)
    expected = (kind * roles.n_designations + designation) * roles.n_units + unit
    np.testing.assert_array_equal(state.competencies.profile, expected)
    assert state.competencies.profile.dtype == np.int32
    assert len(np.unique(expected)) > 100  # families, cadres, designations and units vary


def test_compiled_met_count_is_the_numpy_rule_to_the_bit():
    model = build_run(sampled("saptah_2024", agents=3000)).competencies
    rng = np.random.default_rng(9)
    raised = rng.random(model.levels.shape) < 0.3
    model.levels[raised] = np.minimum(model.levels[raised] + 2, 5)
    expected = np.zeros(model.officers.n, dtype=np.int8)  # slot by slot, in numpy
    for slot in range(model.roles.slots):
        need = model.roles.level[:, slot][model.profile]
        expected += (model.levels[:, slot] >= need) & (need > 0)
    count = model.met_count()
    np.testing.assert_array_equal(count, expected)
    assert count.dtype == np.int8 and len(np.unique(count)) > 2  # not all met, nor none


def test_compiled_snapshot_is_the_numpy_sums_to_the_bit():
    state = build_run(sampled("saptah_2024", agents=5000))
    model, officers = state.competencies, state.officers
    rng = np.random.default_rng(8)
    officers.left_day[rng.random(officers.n) < 0.1] = 3  # some have retired
    raised = rng.random(model.levels.shape) < 0.2
    model.levels[raised] = np.minimum(model.levels[raised] + 2, 5)
    oracle, snapshot = snapshot_as_numpy(model), model.snapshot()
    np.testing.assert_array_equal(snapshot.required_by_competency, oracle["required_by"])
    np.testing.assert_array_equal(snapshot.met_by_competency, oracle["met_by"])
    for name in ("org_required", "org_met", "org_ready", "org_officers"):
        np.testing.assert_array_equal(getattr(snapshot, name), oracle[name], err_msg=name)
    assert snapshot.improved == oracle["improved"] > 0
    for measure in ("officers", "met", "ready"):
        assert snapshot.total(measure) == oracle[measure], measure


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_prior_learning_reach_and_chances_are_the_numpy_expressions_to_the_bit(seed):
    """`reach` and `has` compute in place; the expressions they replaced are the oracle
    (the dtypes a run gives them: float32 uniforms, float64 shares, int64 counts)."""
    rng = np.random.default_rng(seed)
    n = 5_000
    completions = rng.integers(-1, 300, n)
    uniforms = rng.random(n, dtype=np.float32)
    uniforms[:3] = [0.0, np.nextafter(np.float32(1), np.float32(0)), 0.5]
    expected = (np.log1p(-uniforms) / np.maximum(completions, 1)).astype(np.float32)
    expected[completions <= 0] = -np.inf
    reach = PriorLearning.reach(uniforms.copy(), completions)
    assert reach.dtype == np.float32
    np.testing.assert_array_equal(reach.view(np.uint32), expected.view(np.uint32))

    share = rng.random(n) * rng.choice([1e-9, 1e-3, 0.2, 1.0, 3.0], n)
    chance = -np.expm1(completions * np.log1p(-np.minimum(share, 1.0 - 1e-12)))
    prior = PriorLearning(log_miss=np.zeros(0), type_share=np.zeros(0), topic_share=np.zeros(0))
    np.testing.assert_array_equal(prior.has(share.copy(), completions, uniforms), uniforms < chance)
    # uniforms at the expected chance and one step below pin the chance to the bit
    assert not prior.has(share.copy(), completions, chance).any()
    assert prior.has(share.copy(), completions, np.nextafter(chance, -np.inf)).all()


def test_the_breakdown_is_the_groupby_of_the_cells():
    """`breakdown` sums the cells with one bincount per measure: the same table, to the
    bit, as the pandas statement of it (a groupby of the cells by each dimension)."""
    from sim.engines.fast import FastEngine
    from sim.results.competency_tables import COUNTS, DIMENSIONS, _labels, _with_shares

    output = FastEngine(sampled("sadhana_2026_national", agents=4000)).run()
    model, scale = output.competencies, 7
    moments = {"start": model.at_start, "end": model.snapshot()}
    labels, frames = _labels(output), []
    for moment, snapshot in moments.items():
        cells = snapshot.cells
        for dimension in DIMENSIONS:
            if dimension == "all":
                summed = cells[list(COUNTS)].sum().to_frame().T.assign(value="all")
            else:
                summed = cells.groupby(dimension, sort=True)[list(COUNTS)].sum().reset_index()
                summed["value"] = [labels[dimension][int(c)] for c in summed[dimension]]
                summed = summed.drop(columns=dimension)
            summed[list(COUNTS)] = summed[list(COUNTS)] * scale
            frames.append(summed.assign(moment=moment, dimension=dimension))
    expected = pd.concat(frames, ignore_index=True)[["moment", "dimension", "value", *COUNTS]]
    table = breakdown(output, moments, scale)
    pd.testing.assert_frame_equal(table, _with_shares(expected), check_exact=True)
    assert set(table["dimension"]) == set(DIMENSIONS) and (table["officers"] > 0).all()
    assert table["value"].nunique() > 30  # ministries and states: many units
