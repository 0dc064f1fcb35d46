"""Campaign week: daily learning around the campaign against the published 2024 rates,
the share of participants meeting the target, and an organisation leaderboard."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from charts import daily_lines
from data import chosen_runs, colours, replicates, run_by_label, table

from sim.data.published import saptah_2024_daily_completions
from sim.results.bands import series_bands
from sim.results.formatting import kpi_value

st.title("Campaign week")
runs, chosen = chosen_runs("campaign.runs")
palette = colours(chosen)
frames = {label: table(run_by_label(runs, label)["run_id"], "daily") for label in chosen}
campaigns = {label: table(run_by_label(runs, label)["run_id"], "campaigns") for label in chosen}

window = st.radio(
    "Days shown", ["campaign window ± 14 days", "whole run"], horizontal=True, key="campaign.window"
)
if window.startswith("campaign"):
    starts = [c["start"].min() for c in campaigns.values() if len(c)]
    ends = [c["end"].max() for c in campaigns.values() if len(c)]
    if starts:
        low = min(starts) - pd.Timedelta(days=14)
        high = max(ends) + pd.Timedelta(days=14)
        frames = {k: f[(f["date"] >= low) & (f["date"] <= high)] for k, f in frames.items()}

published = pd.DataFrame(
    saptah_2024_daily_completions(), columns=["start", "end", "value", "label"]
)
published["end"] = pd.to_datetime(published["end"]) + pd.Timedelta(hours=23)
show_published = st.checkbox("Overlay the published 2024 daily completion rates", value=True)


def bands_of(column: str) -> dict[str, pd.DataFrame]:
    """10-90% daily bands for the runs that have replications (other seeds) stored."""
    bands = {}
    for label, frame in frames.items():
        ids = replicates(runs, label)
        if ids:
            band = series_bands([table(r, "daily") for r in ids], "date", [column])
            band = band[band["date"].isin(frame["date"])]
            bands[label] = band.rename(columns={f"{column}_p10": "low", f"{column}_p90": "high"})
    return bands


left, right = st.columns(2)
left.altair_chart(
    daily_lines(frames, "new_completions", "completions a day", palette,
                published if show_published else None, bands_of("new_completions")),
    width="stretch",
)  # fmt: skip
right.altair_chart(
    daily_lines(
        frames, "new_enrolments", "enrolments a day", palette, bands=bands_of("new_enrolments")
    ),
    width="stretch",
)
left, right = st.columns(2)
left.altair_chart(
    daily_lines(frames, "new_learning_hours", "nominal learning hours a day", palette,
                bands=bands_of("new_learning_hours")),
    width="stretch",
)  # fmt: skip
right.altair_chart(
    daily_lines(frames, "n_active_learners", "officers learning that day", palette,
                bands=bands_of("n_active_learners")),
    width="stretch",
)  # fmt: skip

st.subheader("Meeting the target")
rows = []
for label, frame in campaigns.items():
    for c in frame.itertuples():
        share = c.participants_meeting_target / c.participants if c.participants else 0.0
        rows.append(
            {
                "run": label,
                "campaign": c.campaign,
                "window": f"{c.start:%d %b} – {c.end:%d %b %Y}",
                "participants": kpi_value(c.participants),
                "meeting the target": kpi_value(c.participants_meeting_target),
                "share meeting it": f"{share:.1%}",
                "hours per participant": f"{c.mean_hours_per_participant:.2f}",
            }
        )
if rows:
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
else:
    st.info("These runs have no campaign window.")

st.subheader("Organisation leaderboard")
label = st.selectbox("Run", chosen, key="campaign.leaderboard_run")
orgs = table(run_by_label(runs, label)["run_id"], "orgs")
measure = st.selectbox(
    "Rank by",
    ["campaign_participants_meeting_target", "campaign_participants", "participation_rate",
     "hours_per_officer", "completions"],
    key="campaign.rank_by",
)  # fmt: skip
minimum = st.slider("Only organisations with at least this many officers", 0, 5000, 500, 100)
board = orgs[orgs["officers"] >= minimum].nlargest(15, measure)
st.dataframe(
    board[["organisation", "ministry", "officers", "participants", measure]],
    hide_index=True,
    width="stretch",
)
