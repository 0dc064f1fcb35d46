"""Competency outcomes of a run: coverage, readiness and what officers have learnt, at the
start and the end, overall and by sector, service group, cadre, ministry or state, and
role family; and each competency's gap."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.agents.competencies import MEASURES, CompetencySnapshot
from sim.config import CADRES, COMPETENCY_AREAS, SECTORS, SERVICE_GROUPS
from sim.engines.output import EngineOutput

DIMENSIONS = ("all", "sector", "service_group", "cadre", "unit", "family")
COUNTS = MEASURES  # summed, then scaled to officers


def _labels(output: EngineOutput) -> dict[str, list[str]]:
    """Names of each cell column's codes."""
    table = output.population.organisations.table.drop_duplicates("ministry_id")
    table = table.sort_values("ministry_id")
    units = [
        f"{name} (local bodies)" if sector == "local" else name
        for name, sector in zip(table["ministry"], table["sector"], strict=True)
    ]
    return {
        "family": list(output.competencies.roles.family_names),
        "unit": units,
        "sector": list(SECTORS),
        "service_group": list(SERVICE_GROUPS),
        "cadre": list(CADRES),
    }


def _with_shares(frame: pd.DataFrame) -> pd.DataFrame:
    frame["coverage"] = frame["met"] / frame["required"].where(frame["required"] > 0)
    frame["readiness"] = frame["ready"] / frame["officers"]
    for column in [c for c in COUNTS if c.startswith("with_")]:
        frame[f"share_{column}"] = frame[column] / frame["officers"]
    return frame.fillna(0.0)


def breakdown(output: EngineOutput, moments: dict[str, CompetencySnapshot], scale: int):
    """Long table: one row per moment (start, end), dimension and value (the values that
    have officers, in code order). Each dimension's sums are one `bincount` per measure
    of the cells: the same sums as a pandas groupby (whole numbers), at a fifth of its
    cost, which every run's summary pays."""
    labels = _labels(output)
    moment_of, dimension_of, value_of, blocks = [], [], [], []
    for moment, snapshot in moments.items():
        cells = snapshot.cells
        counts = cells[list(COUNTS)].to_numpy()
        for dimension in DIMENSIONS:
            if dimension == "all":
                summed, values = counts.sum(axis=0, keepdims=True), ["all"]
            else:
                codes = cells[dimension].to_numpy()
                present = np.unique(codes)
                summed = np.column_stack(
                    [np.bincount(codes, weights=column)[present] for column in counts.T]
                )
                values = [labels[dimension][int(c)] for c in present]
            blocks.append(summed * scale)
            moment_of += [moment] * len(values)
            dimension_of += [dimension] * len(values)
            value_of += values
    table = pd.DataFrame(
        {"moment": moment_of, "dimension": dimension_of, "value": value_of}
        | dict(zip(COUNTS, np.concatenate(blocks).T, strict=True))
    )
    return _with_shares(table)


def gaps(output: EngineOutput, start: CompetencySnapshot, end: CompetencySnapshot, scale: int):
    """One row per required competency: pairs required, met at the start and the end."""
    dictionary = output.competencies.dictionary
    required = end.required_by_competency
    rows = np.flatnonzero((required > 0) | (start.required_by_competency > 0))
    frame = pd.DataFrame(
        {
            "competency": [dictionary.names[i] for i in rows],
            "type": [COMPETENCY_AREAS[int(dictionary.kind[i])] for i in rows],
            "placeholder": dictionary.placeholder[rows],
            "required": required[rows] * scale,
            "met_start": start.met_by_competency[rows] * scale,
            "met_end": end.met_by_competency[rows] * scale,
        }
    )
    frame["unmet_end"] = frame["required"] - frame["met_end"]
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["coverage_start"] = np.where(
            start.required_by_competency[rows] > 0,
            start.met_by_competency[rows] / start.required_by_competency[rows],
            0.0,
        )
        frame["coverage_end"] = np.where(required[rows] > 0, end.met_by_competency[rows]
                                         / np.maximum(required[rows], 1), 0.0)  # fmt: skip
    return frame.sort_values("unmet_end", ascending=False, kind="stable").reset_index(drop=True)


def competency_kpis(output: EngineOutput, end: CompetencySnapshot) -> dict[str, float]:
    """The headline competency KPIs (shares; counts are of agents, scaled later)."""
    model = output.competencies
    start = model.at_start
    assert start is not None
    kpis = {
        "competency_coverage": end.coverage,
        "competency_coverage_start": start.coverage,
        "role_readiness": end.readiness,
        "role_readiness_start": start.readiness,
        "officers_meeting_more_requirements": end.improved,
        "requirements_met_gained": end.total("met") - start.total("met"),
    }
    for area in COMPETENCY_AREAS:
        kpis[f"share_with_{area}_course"] = end.share(f"with_{area}")
        kpis[f"share_with_{area}_course_start"] = start.share(f"with_{area}")
    kpis["share_with_topic_course"] = end.share("with_topic")
    kpis["share_with_topic_course_start"] = start.share("with_topic")
    return kpis
