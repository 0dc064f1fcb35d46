"""Platform load: when learners are on the platform, the requests they send, the servers
that takes, and where the latency target or capacity was missed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from charts import heatmap, minute_lines, tornado
from data import (
    chosen_runs,
    colours,
    kpis_of,
    platform_of,
    replicates,
    run_by_label,
    table,
)

from sim.platform.sensitivity import mix_sensitivity
from sim.results.bands import kpi_bands, series_bands
from sim.results.formatting import kpi_value

st.title("Platform load")
runs, chosen = chosen_runs("platform.runs")
palette = colours(chosen)

CARDS = {
    "peak_concurrent_learners": "peak learners",
    "peak_requests_per_s": "peak requests/s",
    "servers_needed": "servers needed",
    "minutes_over_latency_target": "minutes over target",
    "rejected_sessions": "sessions turned away",
    "server_hours": "server-hours",
}
by_id = runs.set_index("run_id")
for label in chosen:
    kpis = kpis_of(run_by_label(runs, label))
    ids = replicates(runs, label)
    bands = kpi_bands([kpis_of(by_id.loc[r]) for r in ids]) if ids else {}
    marker = f"<span style='color:{palette[label]}'>■</span> **{label}**"
    st.markdown(marker, unsafe_allow_html=True)
    for column, (name, title) in zip(st.columns(len(CARDS)), CARDS.items(), strict=True):
        column.metric(title, kpi_value(kpis[name]) if name in kpis else "–")
        if name in bands:
            band = bands[name]
            column.caption(
                f"10-90%: {kpi_value(band['p10'])} - {kpi_value(band['p90'])} over {band['n']} runs"
            )

heat_label = st.selectbox("Heatmap for", chosen, key="platform.heat_run")
heat_load = table(run_by_label(runs, heat_label)["run_id"], "load")
measure = st.radio(
    "Measure", ["concurrent_learners", "requests_per_s"], horizontal=True, key="platform.measure"
)
st.altair_chart(
    heatmap(heat_load, measure, measure.replace("_", " ") + " (hour's peak)"),
    width="stretch",
)

loads = {label: table(run_by_label(runs, label)["run_id"], "load") for label in chosen}
busiest = heat_load.loc[heat_load["requests_per_s"].idxmax(), "time"].date()
first = min(f["time"].iloc[0].date() for f in loads.values())
last = max(f["time"].iloc[-1].date() for f in loads.values())
picked = st.date_input(
    "Minute-by-minute view for the days", (busiest, busiest), min_value=first, max_value=last,
    key="platform.days",
)  # fmt: skip
days = picked if isinstance(picked, tuple) and len(picked) == 2 else (busiest, busiest)
low = pd.Timestamp(days[0]).tz_localize("Asia/Kolkata")
high = pd.Timestamp(days[1] + dt.timedelta(days=1)).tz_localize("Asia/Kolkata")
window = {k: f[(f["time"] >= low) & (f["time"] < high)] for k, f in loads.items()}
COLUMNS = ["concurrent_learners", "requests_per_s", "servers_ready"]


def minute_bands(column: str) -> dict[str, pd.DataFrame]:
    """10-90% per-minute bands of the shown days, for runs with replications."""
    result = {}
    for label in chosen:
        ids = replicates(runs, label)
        if ids:
            frames = [table(r, "load") for r in ids]
            frames = [f[(f["time"] >= low) & (f["time"] < high)] for f in frames]
            band = series_bands(frames, "time", [column])
            result[label] = band.rename(columns={f"{column}_p10": "low", f"{column}_p90": "high"})
    return result


for column, title in zip(
    COLUMNS, ["learners on the platform", "requests per second", "servers serving"], strict=True
):
    chart = minute_lines(window, column, title, palette, minute_bands(column))
    st.altair_chart(chart, width="stretch")

st.subheader("Servers needed, hour by hour")
hourly_label = st.selectbox("Run", chosen, key="platform.hourly_run")
hourly = table(run_by_label(runs, hourly_label)["run_id"], "hourly")
busy = hourly[hourly["servers_needed"] >= hourly["servers_needed"].max() - 1]
st.caption(
    f"{len(busy)} hours need within one server of the peak ({hourly['servers_needed'].max()})."
)
st.dataframe(
    hourly.assign(time=hourly["time"].dt.strftime("%a %d %b %Y %H:%M")),
    hide_index=True,
    width="stretch",
    height=320,
)

st.subheader("Sensitivity of servers and cost to the request mix")
tornado_label = st.selectbox("Run for the sensitivity", chosen, key="platform.tornado_run")
tornado_id = run_by_label(runs, tornado_label)["run_id"]


@st.cache_data(show_spinner="Pricing the run's load at each end of every input's range")
def sensitivity_of(run_id: str) -> tuple[pd.DataFrame, str]:
    platform, note = platform_of(run_id)
    return mix_sensitivity(platform, table(run_id, "load")), note


sensitivity, note = sensitivity_of(tornado_id)
st.altair_chart(
    tornado(sensitivity, "cost of hour-by-hour servers as each input moves"), width="stretch"
)
st.caption(
    "Each assumed input of the request mix at the low and high end of its range "
    "(sim/data/request_mix_ranges.yaml), the others as configured; the run's own learners "
    "priced again, nothing simulated again." + (f" Platform settings: {note}." if note else "")
)
st.dataframe(
    pd.DataFrame(
        {
            "input": sensitivity["input"],
            "configured": sensitivity["configured"],
            "range": sensitivity["low"] + " - " + sensitivity["high"],
            "servers (low - high end)": [
                f"{a} - {b}"
                for a, b in zip(
                    sensitivity["servers_low"], sensitivity["servers_high"], strict=True
                )
            ],
            "cost, INR (low - high end)": [
                f"{kpi_value(a)} - {kpi_value(b)}"
                for a, b in zip(sensitivity["cost_low"], sensitivity["cost_high"], strict=True)
            ],
            "why this range": sensitivity["why"],
        }
    ),
    hide_index=True,
    width="stretch",
)
