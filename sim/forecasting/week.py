"""The figures a planner wants about a campaign week, from one run: its last campaign."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.config import FRONTLINE_CADRES
from sim.results.tables import RunResult

WEEK_FIGURES = {
    "enrolments": "enrolments in the window",
    "completions": "completions in the window",
    "learning_hours": "nominal learning hours in the window",
    "completers": "officers completing at least one course in the window",
    "participants": "officers with any learning in the window",
    "participants_meeting_target": "officers reaching the target hours",
    "state_share": "share of the window's completions by state and local-body staff",
    "frontline_share": "share of the window's completions by frontline cadres",
    # The busiest single hour: at a coarse scale its maximum picks up sampling noise (the
    # best run of the 2026 fit gives 2.38 lakh learners at 1:8000 and 1.59 lakh at 1:1).
    "peak_concurrent_learners": "learners on the platform, mean of the busiest hour",
    "peak_requests_per_s": "requests per second, mean of the busiest hour",
}


def week_figures(result: RunResult) -> dict[str, float]:
    """WEEK_FIGURES of the run's last campaign (NaN when the run has no campaign)."""
    if result.campaigns.empty:
        return {name: np.nan for name in WEEK_FIGURES}
    week = result.campaigns.iloc[-1]
    start, end = pd.Timestamp(week["start"]), pd.Timestamp(week["end"])
    groups = result.groups[(result.groups["date"] >= start) & (result.groups["date"] <= end)]
    completions = float(groups["new_completions"].sum())
    state = float(groups.loc[groups["sector"] != "central", "new_completions"].sum())
    frontline = float(groups.loc[groups["cadre"].isin(FRONTLINE_CADRES), "new_completions"].sum())
    load = result.load
    local = load["time"].dt.tz_localize(None)
    window = load[(local >= start) & (local < end + pd.Timedelta(days=1))]
    hourly = (
        window.set_index("time")[["concurrent_learners", "requests_per_s"]].resample("h").mean()
    )
    return {
        "enrolments": float(week["enrolments"]),
        "completions": float(week["completions"]),
        "learning_hours": float(week["learning_hours"]),
        "completers": float(week["completers"]),
        "participants": float(week["participants"]),
        "participants_meeting_target": float(week["participants_meeting_target"]),
        "state_share": state / completions if completions else np.nan,
        "frontline_share": frontline / completions if completions else np.nan,
        "peak_concurrent_learners": float(hourly["concurrent_learners"].max()),
        "peak_requests_per_s": float(hourly["requests_per_s"].max()),
    }
