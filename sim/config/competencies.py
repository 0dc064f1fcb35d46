"""The competency model's settings: the Karmayogi Competency Model's dictionary, the role
families that require competencies, the rules that move proficiency, and how officers are
pointed to courses."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from sim.config.base import Share, Strict
from sim.config.vocabulary import CADRES, FRONTLINE_CADRES, SECTORS, SERVICE_GROUPS
from sim.config.yaml_reader import parse_yaml

Level = Annotated[int, Field(ge=1, le=5)]


class TopicConfig(Strict):
    """A course topic (e.g. AI-related): `share` of every category's courses carry it;
    common and self-selected ones teach one of its `competencies`."""

    share: Share
    competencies: Annotated[list[str], Field(min_length=1)]


class CourseTagConfig(Strict):
    """What each course category teaches (see sim/data/competencies.yaml)."""

    common_behavioural_share: Share
    ministry_cadre_share: Share
    self_selected_behavioural_share: Share


class BehaviouralConfig(Strict):
    core: list[str]
    leadership: list[str]


class FunctionalConfig(Strict):
    named: list[str]
    total: Annotated[int, Field(ge=1, le=200)]
    cross_cutting: Annotated[list[str], Field(min_length=1)]


class DomainConfig(Strict):
    per_unit: Annotated[int, Field(ge=1, le=20)]
    cadre_domains: dict[str, str]

    @field_validator("cadre_domains")
    @classmethod
    def _cadres(cls, v: dict[str, str]) -> dict[str, str]:
        if set(v) != set(FRONTLINE_CADRES):
            raise ValueError(f"give one domain competency for each of {list(FRONTLINE_CADRES)}")
        return v


class DictionaryConfig(Strict):
    """The competency dictionary (sim/data/competencies.yaml)."""

    levels: Annotated[list[str], Field(min_length=5, max_length=5)]
    behavioural: BehaviouralConfig
    functional: FunctionalConfig
    domain: DomainConfig
    topics: Annotated[dict[str, TopicConfig], Field(max_length=8)]  # bits of a uint8
    course_tags: CourseTagConfig

    def functional_names(self) -> list[str]:
        """The named functional competencies, then numbered placeholders up to `total`."""
        named = list(self.functional.named)
        numbered = [f"functional_{k:02d}" for k in range(len(named) + 1, self.functional.total + 1)]
        return named + numbered

    @model_validator(mode="after")
    def _known_names(self) -> DictionaryConfig:
        functional = set(self.functional_names())
        unknown = set(self.functional.cross_cutting) - functional
        for topic in self.topics.values():
            unknown |= set(topic.competencies) - functional - set(self.behavioural_names())
        if unknown:
            raise ValueError(f"unknown competencies {sorted(unknown)}")
        return self

    def behavioural_names(self) -> list[str]:
        return [*self.behavioural.core, *self.behavioural.leadership]


class ElectivesConfig(Strict):
    from_: Annotated[list[str], Field(min_length=1, alias="from")]
    count: Annotated[int, Field(ge=0, le=5)] = 1
    level: Level = 1

    @model_validator(mode="after")
    def _enough(self) -> ElectivesConfig:
        if self.count > len(set(self.from_)):
            raise ValueError(f"count {self.count} exceeds the {len(set(self.from_))} electives")
        return self


class RoleFamilyConfig(Strict):
    """A kind of post: who holds it (empty: everyone) and the competencies it requires."""

    name: str
    sectors: list[Literal["central", "state", "local"]] = []
    groups: list[Literal["A", "B", "C"]] = []
    cadres: list[str] = []
    requires: dict[str, Level] = {}
    electives: ElectivesConfig | None = None
    unit_domain: Annotated[int, Field(ge=0, le=5)] = 0
    cadre_domain: Annotated[int, Field(ge=0, le=5)] = 0

    @field_validator("cadres")
    @classmethod
    def _cadres(cls, v: list[str]) -> list[str]:
        unknown = sorted(set(v) - set(CADRES))
        if unknown:
            raise ValueError(f"unknown cadre {unknown}; allowed: {list(CADRES)}")
        return v

    def matches(self, sector: str, group: str, cadre: str) -> bool:
        return (
            (not self.sectors or sector in self.sectors)
            and (not self.groups or group in self.groups)
            and (not self.cadres or cadre in self.cadres)
        )


@cache
def builtin_dictionary() -> DictionaryConfig:
    text = resources.files("sim.data").joinpath("competencies.yaml").read_text("utf-8")
    return DictionaryConfig.model_validate(parse_yaml(text, "sim/data/competencies.yaml"))


@cache
def builtin_role_families() -> tuple[RoleFamilyConfig, ...]:
    text = resources.files("sim.data").joinpath("roles.yaml").read_text("utf-8")
    data = parse_yaml(text, "sim/data/roles.yaml")
    return tuple(RoleFamilyConfig.model_validate(row) for row in data["families"])


class CompetencyConfig(Strict):
    """How proficiency is set and moves. Every value is a modelling ASSUMPTION (nothing is
    published about assessments or officers' proficiency); docs/competencies.md has the
    reasons and a sensitivity table.

    - Start: an officer's level in each required competency comes from the courses they
      completed before the run (`population.history_*`): each was drawn from the
      catalogue as routine learning is, and passed with `pass_probability`; the level is
      the highest level passed, and at least `experience_level` (proficiency from work
      itself, which the platform cannot see).
    - Run: a completed course whose assessment is passed (`pass_probability`) raises the
      officer's level in the course's competency to the course's level.
    - `requirement_level_shift` moves every role requirement up or down (clipped to 1-5).
    - `focus_topic` is the topic whose reach is reported (officers with a course on it).
    - `role_families` replaces the built-in role table (sim/data/roles.yaml)."""

    pass_probability: Share = 0.85
    experience_level: Annotated[int, Field(ge=0, le=5)] = 0
    requirement_level_shift: Annotated[int, Field(ge=-4, le=4)] = 0
    focus_topic: str = "ai_related"
    role_families: list[RoleFamilyConfig] | None = None

    @field_validator("focus_topic")
    @classmethod
    def _topic(cls, v: str) -> str:
        topics = builtin_dictionary().topics
        if v not in topics:
            raise ValueError(f"unknown topic {v!r}; known: {sorted(topics)}")
        return v

    @field_validator("role_families")
    @classmethod
    def _families(cls, v: list[RoleFamilyConfig] | None) -> list[RoleFamilyConfig] | None:
        if v is not None:
            check_role_families(v)
        return v

    def families(self) -> tuple[RoleFamilyConfig, ...]:
        return (
            tuple(self.role_families)
            if self.role_families is not None
            else (builtin_role_families())
        )


def check_role_families(families: list[RoleFamilyConfig] | tuple[RoleFamilyConfig, ...]) -> None:
    """Every officer matches a family, and every competency named is in the dictionary."""
    dictionary = builtin_dictionary()
    known = set(dictionary.behavioural_names()) | set(dictionary.functional_names())
    for family in families:
        named = set(family.requires) | set(family.electives.from_ if family.electives else [])
        unknown = sorted(named - known)
        if unknown:
            raise ValueError(f"role family {family.name!r}: unknown competencies {unknown}")
        both = sorted(
            set(family.requires) & set(family.electives.from_ if family.electives else [])
        )
        if both:
            raise ValueError(f"role family {family.name!r}: {both} both required and elective")
    for sector in SECTORS:
        for group in SERVICE_GROUPS:
            for cadre in CADRES:
                if not any(f.matches(sector, group, cadre) for f in families):
                    raise ValueError(
                        f"no role family for {sector} group {group} {cadre} officers "
                        "(end the table with a catch-all family)"
                    )


class RecommendationConfig(Strict):
    """How officers pick courses: by popularity within the category they chose, or (gap
    targeted) a course for a competency their role requires and they lack, which an
    officer follows with `follow_probability` when there is one."""

    mode: Literal["popularity", "gap_targeted"] = "popularity"
    follow_probability: Share = 0.6
