"""Tidy results of a run: a KPI row, a daily series, a per-minute platform series, and
per-organisation and per-campaign tables, all scaled to real officers and on real IST dates.

Names say how to aggregate: `new_*` are flows in the period, `n_*` stocks at its end,
`cum_*` running totals since the start of the run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numba import njit

from sim import __version__
from sim.agents.competencies import CompetencySnapshot
from sim.config import (
    CADRES,
    FRONTLINE_CADRES,
    SECTORS,
    SERVICE_GROUPS,
    Scenario,
)
from sim.engines.output import EngineOutput
from sim.engines.recorder import N_GROUPS
from sim.platform.tables import PlatformTables, platform_tables
from sim.results.competency_tables import breakdown, competency_kpis, gaps
from sim.results.kpis import scaled
from sim.results.run_identity import replication_key, run_id_for
from sim.world.cores import concurrently
from sim.world.population import NO_COURSE, NO_DAY, NOT_REGISTERED


@dataclass
class RunResult:
    run_id: str
    engine: str
    scenario: Scenario
    kpis: dict[str, float]
    daily: pd.DataFrame
    load: pd.DataFrame
    hourly: pd.DataFrame
    competencies: pd.DataFrame
    competency_gaps: pd.DataFrame
    orgs: pd.DataFrame
    campaigns: pd.DataFrame
    groups: pd.DataFrame
    units: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)


def _daily(output: EngineOutput, scale: int) -> pd.DataFrame:
    calendar, recorder = output.calendar, output.recorder
    frame = pd.DataFrame({"date": calendar.dates.date, "day": np.arange(calendar.n_days)})
    frame["day_type"] = np.array(["working", "weekend", "holiday"])[calendar.day_types]
    in_campaign = np.zeros(calendar.n_days, dtype=bool)
    for campaign in output.campaigns:
        in_campaign[campaign.start_day : campaign.end_day + 1] = True
    frame["in_campaign"] = in_campaign
    for name, values in recorder.daily.items():
        frame[name] = values * scale
    for flow in (
        "sessions",
        "enrolments",
        "completions",
        "drops",
        "learning_hours",
        "webinar_hours",
        "participants",
    ):
        frame[f"cum_{flow}"] = frame[f"new_{flow}"].cumsum()
    frame["n_in_progress"] = (
        output.initial_in_progress * scale
        + frame["cum_enrolments"]
        - frame["cum_completions"]
        - frame["cum_drops"]
    )
    prior = int(output.population.officers.prior_completions.sum(dtype=np.int64)) * scale
    frame["cum_platform_completions"] = prior + frame["cum_completions"]
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


@dataclass(frozen=True)
class Milestones:
    """Registered users, and officers with a completion, by the end of each day: per
    (sector, cadre) group and per ministry or state, each of shape (n_days, keys). Those
    registered stay registered after they leave; registrations and completions before the
    run count from its first day. Worked out once per run for the groups and the units
    tables, in one pass over the officers (numpy took about twenty: masks, gathers, the
    groups, then a bincount and a running sum per table)."""

    registered_by_group: np.ndarray
    completers_by_group: np.ndarray
    registered_by_unit: np.ndarray
    completers_by_unit: np.ndarray

    @classmethod
    def of(cls, output: EngineOutput) -> Milestones:
        officers = output.population.officers
        return cls.count(
            officers.onboarded_day, officers.prior_completions, officers.first_completion_day,
            officers.sector, officers.cadre, officers.ministry_id,
            output.population.organisations.n_ministries, output.calendar.n_days,
        )  # fmt: skip

    @classmethod
    def count(
        cls, onboarded_day, prior_completions, first_completion_day, sector, cadre, ministry,
        n_units: int, n_days: int,
    ) -> Milestones:  # fmt: skip
        """From each officer's day of registration (NOT_REGISTERED: none), completions
        before the run and day of first completion in it (NO_DAY: none)."""
        by_group = np.zeros((2, n_days, N_GROUPS), np.int64)
        by_unit = np.zeros((2, n_days, n_units), np.int64)
        _count_milestones(
            onboarded_day, prior_completions, first_completion_day, sector, cadre, ministry,
            len(CADRES), by_group, by_unit,
        )  # fmt: skip
        by_group, by_unit = np.cumsum(by_group, axis=1), np.cumsum(by_unit, axis=1)
        return cls(by_group[0], by_group[1], by_unit[0], by_unit[1])


@njit(cache=True, nogil=True)
def _count_milestones(
    onboarded_day, prior_completions, first_completion_day, sector, cadre, ministry,
    n_cadres: int, by_group, by_unit,
):  # fmt: skip
    """Officers per (registered or completer, day clipped to the run, key), for the
    (sector, cadre) groups and the units."""
    n_days = by_group.shape[1]
    for i in range(onboarded_day.size):
        registered = onboarded_day[i] != NOT_REGISTERED
        before = prior_completions[i] > 0
        completed = before or first_completion_day[i] != NO_DAY
        if not (registered or completed):
            continue
        group = sector[i] * n_cadres + cadre[i]
        unit = ministry[i]
        if not (0 <= group < by_group.shape[2] and 0 <= unit < by_unit.shape[2]):
            raise ValueError("an officer's group or unit outside the tables")
        if registered:
            day = min(max(np.int64(onboarded_day[i]), 0), n_days - 1)
            by_group[0, day, group] += 1
            by_unit[0, day, unit] += 1
        if completed:
            day = 0 if before else min(max(np.int64(first_completion_day[i]), 0), n_days - 1)
            by_group[1, day, group] += 1
            by_unit[1, day, unit] += 1


def registered_by_group(output: EngineOutput) -> np.ndarray:
    """Registered users (agents) at the end of each day by (sector, cadre) group."""
    return Milestones.of(output).registered_by_group


def _groups(output: EngineOutput, milestones: Milestones, scale: int) -> pd.DataFrame:
    """Per day and (sector, cadre): registered users, officers with a completion so far,
    and completions, for growth series and the sector and frontline shares of a
    campaign."""
    n_days = output.calendar.n_days
    registered, completers = milestones.registered_by_group, milestones.completers_by_group
    sectors = np.repeat(np.array(SECTORS), len(CADRES))
    cadres = np.tile(np.array(CADRES), len(SECTORS))
    return pd.DataFrame(
        {
            "date": np.repeat(pd.to_datetime(output.calendar.dates.date), N_GROUPS),
            "sector": np.tile(sectors, n_days),
            "cadre": np.tile(cadres, n_days),
            "registered": (registered * scale).ravel(),
            "completers": (completers * scale).ravel(),
            "new_completions": (output.recorder.completions_by_group * scale).ravel(),
        }
    )


def _units(output: EngineOutput, milestones: Milestones, scale: int) -> pd.DataFrame:
    """Per day and ministry or state (state and local-body staff together): registered
    users, officers with a completion so far, and completions, for the published figures
    of single states."""
    n_days = output.calendar.n_days
    organisations = output.population.organisations
    n_units = organisations.n_ministries
    registered, completers = milestones.registered_by_unit, milestones.completers_by_unit
    units = np.empty(n_units, dtype=object)
    for name, unit_id in organisations.ministry_ids().items():
        units[unit_id] = name
    return pd.DataFrame(
        {
            "date": np.repeat(pd.to_datetime(output.calendar.dates.date), n_units),
            "unit": np.tile(units, n_days),
            "registered": (registered * scale).ravel(),
            "completers": (completers * scale).ravel(),
            "new_completions": (output.recorder.completions_by_unit * scale).ravel(),
        }
    )


def _group_shares(output: EngineOutput) -> dict[str, float]:
    """The state (and local-body) and frontline shares of the campaign windows' completions."""
    by_group = output.recorder.completions_by_group
    in_windows = sum(
        (by_group[c.start_day : c.end_day + 1].sum(axis=0) for c in output.campaigns),
        np.zeros(N_GROUPS, dtype=np.int64),
    ).reshape(len(SECTORS), len(CADRES))
    total = in_windows.sum()
    if total == 0:
        return {}
    frontline = [CADRES.index(c) for c in FRONTLINE_CADRES]
    return {
        "campaign_completions_state_share": float(
            in_windows[SECTORS.index("state") :].sum() / total
        ),
        "campaign_completions_frontline_share": float(in_windows[:, frontline].sum() / total),
    }


def _platform(output: EngineOutput, scale: int) -> PlatformTables:
    recorder, platform = output.recorder, output.platform
    return platform_tables(
        output.scenario.platform,
        platform.client,
        output.calendar.timestamps(np.arange(recorder.horizon)),
        recorder.concurrent_learners() * scale,
        recorder.webinar_learners() * scale,
        recorder.session_starts * scale,
        recorder.webinar_joins * scale,
        recorder.rejected * scale,
        platform.servers_per_minute(),
    )


def _orgs(output: EngineOutput, scale: int, now: CompetencySnapshot) -> pd.DataFrame:
    officers = output.population.officers
    table = output.population.organisations.table
    n_orgs = len(table)
    assert officers.org_id.max(initial=0) < n_orgs  # the compiled pass does not check bounds
    counts = np.zeros((n_orgs, 4), dtype=np.int64)  # officers, participants, enrolments, ...
    hours = np.zeros(n_orgs)
    _org_totals(
        officers.org_id, officers.first_active_day, officers.enrolments,
        officers.completions, officers.learning_hours, counts, hours,
    )  # fmt: skip
    frame = table[["org_id", "organisation", "department", "ministry", "sector"]].copy()
    for k, name in enumerate(("officers", "participants", "enrolments", "completions")):
        frame[name] = counts[:, k] * scale
    frame["learning_hours"] = hours * scale
    staffed = frame["officers"] > 0
    frame["requirements"] = now.org_required * scale
    frame["requirements_met"] = now.org_met * scale
    with np.errstate(divide="ignore", invalid="ignore"):
        coverage = now.org_met / now.org_required
        readiness = now.org_ready / now.org_officers
    frame["competency_coverage"] = np.where(staffed & (now.org_required > 0), coverage, 0.0)
    frame["role_readiness"] = np.where(staffed & (now.org_officers > 0), readiness, 0.0)
    frame["campaign_participants"] = sum(
        (c.org_participants * scale for c in output.campaigns), np.zeros(n_orgs, np.int64)
    )
    frame["campaign_participants_meeting_target"] = sum(
        (c.org_meeting_target * scale for c in output.campaigns), np.zeros(n_orgs, np.int64)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["participation_rate"] = np.where(
            frame["officers"] > 0, frame["participants"] / frame["officers"], 0.0
        )
        frame["hours_per_officer"] = np.where(
            frame["officers"] > 0, frame["learning_hours"] / frame["officers"], 0.0
        )
    return frame


@njit(cache=True, nogil=True)
def _org_totals(org, first_active_day, enrolments, completions, hours, counts, hours_sum):
    """Per organisation, in one pass over the officers: officers, participants (active in
    the run), enrolments and completions (`counts`), and learning hours (`hours_sum`,
    added in officer order as `np.bincount` adds)."""
    for i in range(org.size):
        o = org[i]
        counts[o, 0] += 1
        counts[o, 1] += first_active_day[i] != NO_DAY
        counts[o, 2] += enrolments[i]
        counts[o, 3] += completions[i]
        hours_sum[o] += np.float64(hours[i])


def _campaigns(output: EngineOutput, daily: pd.DataFrame, scale: int) -> pd.DataFrame:
    rows = []
    for c in output.campaigns:
        window = daily.iloc[c.start_day : c.end_day + 1]
        learning_hours = float(window["new_learning_hours"].sum())
        webinar_hours = float(window["new_webinar_hours"].sum())
        participants = c.participants * scale
        rows.append(
            {
                "campaign": c.name,
                "start": daily["date"].iloc[c.start_day],
                "end": daily["date"].iloc[c.end_day],
                "enrolments": float(window["new_enrolments"].sum()),
                "completions": float(window["new_completions"].sum()),
                "learning_hours": learning_hours,
                "webinar_hours": webinar_hours,
                "participants": participants,
                "participants_meeting_target": c.participants_meeting_target * scale,
                **{
                    f"participants_group_{g}": c.group_participants[i] * scale
                    for i, g in enumerate(SERVICE_GROUPS)
                },
                **{
                    f"meeting_target_group_{g}": c.group_meeting_target[i] * scale
                    for i, g in enumerate(SERVICE_GROUPS)
                },
                "completers": c.completers * scale,
                "mean_hours_per_participant": (learning_hours + webinar_hours) / participants
                if participants
                else 0.0,
                "daily_completions": float(window["new_completions"].mean()),
            }
        )
    columns = [
        "campaign",
        "start",
        "end",
        "enrolments",
        "completions",
        "learning_hours",
        "webinar_hours",
        "participants",
        "participants_meeting_target",
        *[f"participants_group_{g}" for g in SERVICE_GROUPS],
        *[f"meeting_target_group_{g}" for g in SERVICE_GROUPS],
        "completers",
        "mean_hours_per_participant",
        "daily_completions",
    ]
    return pd.DataFrame(rows, columns=columns)


def _kpis(output: EngineOutput, load: pd.DataFrame) -> dict[str, float]:
    """The run's KPIs in agent units (the registry scales them)."""
    scenario, recorder = output.scenario, output.recorder
    officers = output.population.officers
    daily = recorder.daily
    participant = officers.first_active_day != NO_DAY
    n_participants = int(participant.sum())
    learning_hours = float(daily["new_learning_hours"].sum())
    webinar_hours = float(daily["new_webinar_hours"].sum())
    enrolments = float(daily["new_enrolments"].sum())
    completions = float(daily["new_completions"].sum())
    prior = float(officers.prior_completions.sum(dtype=np.int64))
    registered_end = float((officers.onboarded_day != NOT_REGISTERED).sum())
    if scenario.population.adoption is None:
        on_platform_at_start = float(scenario.population.officers)
    else:  # the population is the whole workforce: count those registered at the start
        on_platform_at_start = float((officers.onboarded_day <= 0).sum()) * scenario.scale
    kpis: dict[str, float] = {
        "officers": on_platform_at_start,
        "registered_users_end": registered_end,
        "participants": n_participants,
        "sessions": float(daily["new_sessions"].sum()),
        "enrolments": enrolments,
        "completions": completions,
        "drops": float(daily["new_drops"].sum()),
        "in_progress_end": int((officers.course != NO_COURSE).sum()),
        "learning_hours": learning_hours,
        "webinar_attendances": float(daily["new_webinar_attendances"].sum()),
        "webinar_hours": webinar_hours,
        "mean_hours_per_participant": (learning_hours + webinar_hours) / n_participants
        if n_participants
        else 0.0,
        "completion_per_enrolment": completions / enrolments if enrolments else 0.0,
        "peak_concurrent_learners": float(load["concurrent_learners"].max()) if len(load) else 0.0,
        "platform_completions_cumulative": prior + completions,
    }
    if output.campaigns:
        windows = [slice(c.start_day, c.end_day + 1) for c in output.campaigns]

        def in_windows(name: str) -> float:
            return float(sum(daily[name][w].sum() for w in windows))

        first_start = output.campaigns[0].start_day
        before = daily["new_completions"][max(first_start - 14, 0) : first_start]
        participants = float(sum(c.participants for c in output.campaigns))
        learning_in = in_windows("new_learning_hours")
        hours_in = learning_in + in_windows("new_webinar_hours")
        kpis.update(
            {
                "daily_completions_before_campaign": float(before.mean()) if len(before) else 0.0,
                "daily_completions_during_campaign": in_windows("new_completions")
                / sum(w.stop - w.start for w in windows),
                "campaign_enrolments": in_windows("new_enrolments"),
                "campaign_completions": in_windows("new_completions"),
                "campaign_learning_hours": learning_in,
                "campaign_participants": participants,
                "campaign_participants_meeting_target": float(
                    sum(c.participants_meeting_target for c in output.campaigns)
                ),
                "campaign_completers": float(sum(c.completers for c in output.campaigns)),
                "campaign_mean_hours_per_participant": hours_in / participants
                if participants
                else 0.0,
            }
            | _group_shares(output)
        )
    return kpis


def summarise(output: EngineOutput, engine: str) -> RunResult:
    scale = output.scenario.scale
    daily = _daily(output, scale)
    platform = _platform(output, scale)
    load = platform.load
    competency_end = output.competencies.snapshot()  # on all the cores already
    # three passes over every officer, each on one core: side by side (none writes)
    orgs, milestones, run_kpis = concurrently(
        lambda: _orgs(output, scale, competency_end),
        lambda: Milestones.of(output),
        lambda: _kpis(output, load),
    )
    campaigns = _campaigns(output, daily, scale)
    competency_start = output.competencies.at_start
    assert competency_start is not None
    moments = {"start": competency_start, "end": competency_end}
    raw = run_kpis | platform.kpis | competency_kpis(output, competency_end) | output.policy_kpis
    kpis = scaled(raw, scale)
    scenario = output.scenario
    meta = {
        "run_id": run_id_for(scenario, engine),
        "scenario": scenario.name,
        "description": scenario.description,
        "engine": engine,
        "config_hash": scenario.config_hash(),
        "replication_key": replication_key(scenario, engine),
        "draw_of": scenario.draw_of,
        "seed": scenario.seed,
        "scale": scale,
        "agents": output.population.officers.n,
        "start": str(scenario.calendar.start),
        "end": str(scenario.calendar.end),
        "package_version": __version__,
        "timings": dict(output.timings),
        "step_s": {k: round(v, 4) for k, v in sorted(output.step_seconds.items())},
        "population_mb": round(output.population.officers.nbytes / 2**20, 1),
    }
    return RunResult(
        run_id=meta["run_id"],
        engine=engine,
        scenario=scenario,
        kpis=kpis,
        daily=daily,
        load=load,
        hourly=platform.hourly,
        competencies=breakdown(output, moments, scale),
        competency_gaps=gaps(output, competency_start, competency_end, scale),
        orgs=orgs,
        campaigns=campaigns,
        groups=_groups(output, milestones, scale),
        units=_units(output, milestones, scale),
        meta=meta,
    )


def kpis_json(kpis: dict[str, float]) -> str:
    return json.dumps(kpis, indent=2, sort_keys=True) + "\n"
