"""The competency dictionary as arrays: every competency of the Karmayogi Competency Model
with an id, its type (behavioural, functional, domain), and whether its name is a
placeholder; each ministry's or state's domain competencies; each frontline cadre's."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config import CADRES, COMPETENCY_AREAS
from sim.config.competencies import DictionaryConfig

BEHAVIOURAL, FUNCTIONAL, DOMAIN = range(3)  # index into COMPETENCY_AREAS
NONE = -1


@dataclass(frozen=True)
class CompetencyDictionary:
    names: tuple[str, ...]  # by id
    kind: np.ndarray  # int8 [competencies]: index into COMPETENCY_AREAS
    placeholder: np.ndarray  # bool [competencies]: a built name, not a published one
    unit_domains: np.ndarray  # int16 [units, per_unit]: each ministry's or state's own
    cadre_domain: np.ndarray  # int16 [cadres]: the cadre's domain competency, or NONE
    cross_cutting: np.ndarray  # int16: functional competencies every role may need
    topics: tuple[str, ...]
    topic_share: np.ndarray  # float [topics]
    topic_competencies: tuple[np.ndarray, ...]  # int16 per topic

    @property
    def n(self) -> int:
        return len(self.names)

    def ids(self, names: list[str] | tuple[str, ...]) -> np.ndarray:
        index = {name: i for i, name in enumerate(self.names)}
        return np.array([index[name] for name in names], dtype=np.int16)

    def of_kind(self, kind: int) -> np.ndarray:
        return np.flatnonzero(self.kind == kind).astype(np.int16)

    def table(self) -> list[dict[str, object]]:
        """One row per competency (for docs, the notebook and the results)."""
        return [
            {"competency": name, "type": COMPETENCY_AREAS[int(k)], "placeholder": bool(p)}
            for name, k, p in zip(self.names, self.kind, self.placeholder, strict=True)
        ]


def build_dictionary(config: DictionaryConfig, unit_names: list[str]) -> CompetencyDictionary:
    """`unit_names[m]` names ministry or state id m; a state's local bodies (the same name)
    share its domain competencies."""
    names: list[str] = []
    kind: list[int] = []
    placeholder: list[bool] = []

    def add(name: str, k: int, built: bool) -> int:
        names.append(name)
        kind.append(k)
        placeholder.append(built)
        return len(names) - 1

    for name in config.behavioural_names():
        add(name, BEHAVIOURAL, False)
    named = set(config.functional.named)
    for name in config.functional_names():
        add(name, FUNCTIONAL, name not in named)
    cadre_domain = np.full(len(CADRES), NONE, dtype=np.int16)
    for cadre, name in config.domain.cadre_domains.items():
        cadre_domain[CADRES.index(cadre)] = add(name, DOMAIN, True)
    per_unit = config.domain.per_unit
    first_of: dict[str, int] = {}
    unit_domains = np.empty((len(unit_names), per_unit), dtype=np.int16)
    for m, unit in enumerate(unit_names):
        if unit not in first_of:
            first_of[unit] = len(names)
            for k in range(per_unit):
                add(f"{unit}: domain {k + 1}", DOMAIN, True)
        unit_domains[m] = first_of[unit] + np.arange(per_unit)
    index = {name: i for i, name in enumerate(names)}
    topics = tuple(config.topics)
    return CompetencyDictionary(
        names=tuple(names),
        kind=np.array(kind, dtype=np.int8),
        placeholder=np.array(placeholder, dtype=bool),
        unit_domains=unit_domains,
        cadre_domain=cadre_domain,
        cross_cutting=np.array([index[n] for n in config.functional.cross_cutting], np.int16),
        topics=topics,
        topic_share=np.array([config.topics[t].share for t in topics]),
        topic_competencies=tuple(
            np.array([index[n] for n in config.topics[t].competencies], np.int16) for t in topics
        ),
    )
