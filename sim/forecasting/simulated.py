"""What one run says about each published figure (the model's side of `observations`)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from sim.forecasting.adoption import expected_states_signed, sector_settings
from sim.forecasting.observations import split_quantity
from sim.forecasting.priors import FitConfig
from sim.results.tables import RunResult

NO_FIT = FitConfig(scenario="none", parameters=[])  # the scenario's own adoption settings

WEEK_2024 = "Karmayogi Saptah 2024"  # the campaign the `week_*` figures are about


def _registered(groups: pd.DataFrame, sectors: list[str]) -> pd.Series:
    rows = groups[groups["sector"].isin(sectors)]
    return rows.groupby("date")["registered"].sum()


def _on(series: pd.Series, date: dt.date) -> float:
    """The series' value at the end of `date` (NaN outside the run)."""
    key = pd.Timestamp(date)
    return float(series.get(key, np.nan))


def simulated_figures(result: RunResult, wanted: pd.DataFrame) -> np.ndarray:
    """The run's value for each row (date, quantity) of `wanted`; NaN where the run cannot
    say (the date is outside it, or the 2024 week is not in it)."""
    daily = result.daily.set_index("date")
    groups = result.groups
    registered = {
        "registered_users": _registered(groups, ["central", "state", "local"]),
        "central_users": _registered(groups, ["central"]),
        "state_users": _registered(groups, ["state", "local"]),
    }
    registered["users_with_a_completion"] = groups.groupby("date")["completers"].sum()
    cumulative = daily["cum_platform_completions"]
    week = result.campaigns[result.campaigns["campaign"] == WEEK_2024]
    units = result.units.set_index(["unit", "date"]).sort_index()
    # states with an MoU are not observable at sampled scale (small states have no
    # agents): the run's expected count given its adoption settings, as stage 1 fits it
    mou_dates = [d for d, q in zip(wanted["date"], wanted["quantity"], strict=True)
                 if q == "states_with_mou"]  # fmt: skip
    settings = sector_settings(result.scenario, NO_FIT, {}, 1)
    signed = dict(zip(mou_dates, expected_states_signed(settings, mou_dates)[0], strict=True))
    values = []
    for date, quantity in zip(wanted["date"], wanted["quantity"], strict=True):
        base, unit = split_quantity(quantity)
        if unit is not None:
            values.append(_unit_figure(units, unit, base, date))
        elif quantity == "states_with_mou":
            values.append(float(signed[date]))
        elif quantity in registered:
            values.append(_on(registered[quantity], date))
        elif quantity == "completions_cumulative":
            values.append(_on(cumulative, date))
        elif quantity == "monthly_completions":
            month = daily.loc[(daily.index.year == date.year) & (daily.index.month == date.month)]
            full = len(month) == pd.Timestamp(date).days_in_month
            values.append(float(month["new_completions"].sum()) if full else np.nan)
        elif quantity.startswith("week_") or quantity == "pre_week_daily_completions":
            values.append(_week_figure(week, daily, quantity))
        else:
            raise KeyError(f"no simulated figure for {quantity!r}")
    return np.array(values, dtype=float)


def _unit_figure(units: pd.DataFrame, unit: str, base: str, date: dt.date) -> float:
    """One ministry's or state's figure at the end of `date` (NaN outside the run)."""
    if unit not in units.index.get_level_values("unit"):
        raise KeyError(f"no ministry or state named {unit!r} in the run")
    rows = units.loc[unit]
    if base == "completions_cumulative":
        return _on(rows["new_completions"].cumsum(), date)
    column = {"registered_users": "registered", "users_with_a_completion": "completers"}[base]
    return _on(rows[column], date)


def _week_figure(week: pd.DataFrame, daily: pd.DataFrame, quantity: str) -> float:
    if week.empty:
        return np.nan
    row = week.iloc[0]
    if quantity == "pre_week_daily_completions":
        start = pd.Timestamp(row["start"])
        before = daily.loc[start - pd.Timedelta(days=14) : start - pd.Timedelta(days=1)]
        return float(before["new_completions"].mean()) if len(before) == 14 else np.nan
    column = {
        "week_enrolments": "enrolments",
        "week_completions": "completions",
        "week_learning_hours": "learning_hours",
        "week_participants": "participants",
        "week_group_a_participants": "participants_group_A",
        "week_group_a_meeting_target": "meeting_target_group_A",
        "week_participants_meeting_target": "participants_meeting_target",
        "week_daily_completions": "daily_completions",
    }[quantity]
    return float(row[column])
