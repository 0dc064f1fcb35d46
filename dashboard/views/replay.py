"""Campaign replay: two runs side by side, hour by hour through the campaign: learners on
the platform, requests per second against what the servers ready can carry, and
completions so far. A slider (and a step button) moves the hour; the charts mark it."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
from charts import chart_title
from data import chosen_runs, colours, run_by_label, table

from sim.results.formatting import kpi_value

st.title("Campaign replay")
runs, chosen = chosen_runs("replay.runs", "Choose one or two runs to replay.")
left_pick, right_pick = st.columns(2)
first = left_pick.selectbox("Left", chosen, key="replay.left")
second = right_pick.selectbox("Right", chosen, index=min(1, len(chosen) - 1), key="replay.right")
shown = list(dict.fromkeys([first, second]))
palette = colours(shown)


def window(label: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    campaigns = table(run_by_label(runs, label)["run_id"], "campaigns")
    if campaigns.empty:
        return None
    return pd.Timestamp(campaigns["start"].min()), pd.Timestamp(campaigns["end"].max())


windows = [w for w in (window(label) for label in shown) if w is not None]
hourly = {label: table(run_by_label(runs, label)["run_id"], "hourly") for label in shown}
times = hourly[shown[0]]["time"]
if windows:
    start = min(w[0] for w in windows).tz_localize(times.dt.tz)
    end = max(w[1] for w in windows).tz_localize(times.dt.tz) + pd.Timedelta(hours=23)
    times = times[(times >= start) & (times <= end)]
hours = times.reset_index(drop=True)
if hours.empty:
    st.info("The chosen runs have no hours in common to replay.")
    st.stop()
labels = [t.strftime("%a %d %b %Y, %H:00 IST") for t in hours]
if "replay.hour" not in st.session_state or st.session_state["replay.hour"] not in labels:
    busiest = hourly[shown[0]].set_index("time").loc[hours, "peak_concurrent_learners"]
    st.session_state["replay.hour"] = labels[int(busiest.to_numpy().argmax())]


def step(by: int) -> None:
    at = labels.index(st.session_state["replay.hour"])
    st.session_state["replay.hour"] = labels[max(0, min(len(labels) - 1, at + by))]


back, slider, forward = st.columns([1, 10, 1])
back.button("◀", on_click=step, args=(-1,), help="an hour back", key="replay.back")
slider.select_slider("Hour", options=labels, key="replay.hour", label_visibility="collapsed")
forward.button("▶", on_click=step, args=(1,), help="an hour on", key="replay.forward")
now = hours[labels.index(st.session_state["replay.hour"])]

columns = st.columns(len(shown))
for column, label in zip(columns, shown, strict=True):
    frame = hourly[label].set_index("time")
    daily = table(run_by_label(runs, label)["run_id"], "daily")
    so_far = daily.loc[pd.to_datetime(daily["date"]) <= now.tz_localize(None), "new_completions"]
    column.markdown(
        f"<span style='color:{palette[label]};font-size:1.4em'>■</span> **{label}**",
        unsafe_allow_html=True,
    )
    row = frame.loc[now] if now in frame.index else None
    a, b, c = column.columns(3)
    a.metric(
        "learners",
        kpi_value(row["peak_concurrent_learners"]) if row is not None else "–",
        help="learners on the platform: the hour's peak",
    )
    b.metric(
        "requests/s · servers",
        f"{kpi_value(row['peak_requests_per_s'])} ({int(row['servers_ready_min'])})"
        if row is not None
        else "–",
        help="the hour's peak requests per second (all APIs), and the fewest servers ready",
    )
    c.metric(
        "completions so far",
        kpi_value(float(so_far.sum())),
        help="completions from the run's start to the end of that day (the tables are daily)",
    )

data = pd.concat(
    [hourly[label].loc[hourly[label]["time"].isin(hours)].assign(run=label) for label in shown],
    ignore_index=True,
)
data["time"] = data["time"].dt.tz_localize(None)
marker = pd.DataFrame({"time": [now.tz_localize(None)]})
scale = alt.Scale(domain=list(palette), range=list(palette.values()))
legend = alt.Legend(orient="bottom", title=None, labelLimit=1000)
for column_name, title in (
    ("peak_concurrent_learners", "learners on the platform (the hour's peak)"),
    ("peak_requests_per_s", "requests per second (the hour's peak)"),
):
    lines = (
        alt.Chart(data)
        .mark_line()
        .encode(
            x=alt.X("time:T", title="IST", axis=alt.Axis(format="%a %d %b")),
            y=alt.Y(f"{column_name}:Q", title=None),
            color=alt.Color("run:N", scale=scale, legend=legend),
            tooltip=[alt.Tooltip("time:T", format="%a %d %b %H:00"), "run:N",
                     alt.Tooltip(f"{column_name}:Q", format=",.0f")],
        )
    )  # fmt: skip
    rule = alt.Chart(marker).mark_rule(color="black", strokeWidth=2).encode(x="time:T")
    st.altair_chart(
        (lines + rule).properties(title=chart_title(title), height=220), width="stretch"
    )
st.caption(
    "Hours of the campaign window (first start to last end of the chosen runs). Requests per "
    "second are all APIs; the servers ready are the fewest ready in that hour."
)
