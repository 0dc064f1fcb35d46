"""Competencies: coverage (required officer-competency pairs met) and role readiness
(officers meeting all their role's requirements), by area, service group and
organisation, at the start and the end of each run."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
from data import colours, kpis_of, pick_runs, require_runs, run_by_label, table

from sim.results.formatting import percent

st.title("Competencies")
runs = require_runs()
if runs is None:
    st.stop()
chosen = pick_runs(runs, key="competencies.runs")
with_model = [label for label in chosen if "kpi.competency_coverage" in run_by_label(runs, label)]
if not with_model:
    st.info("None of the chosen runs has competency outcomes (runs made before the model).")
    st.stop()
palette = colours(with_model)
baseline_label = st.selectbox("Baseline", with_model, key="competencies.baseline")
baseline = kpis_of(run_by_label(runs, baseline_label))

for label in with_model:
    kpis = kpis_of(run_by_label(runs, label))
    marker = f"<span style='color:{palette[label]}'>■</span> **{label}**"
    st.markdown(marker, unsafe_allow_html=True)
    columns = st.columns(4)
    for column, (name, title) in zip(
        columns[:2],
        [("competency_coverage", "coverage"), ("role_readiness", "role readiness")],
        strict=True,
    ):
        delta = None
        if label != baseline_label and baseline.get(name):
            delta = percent(100 * (kpis[name] - baseline[name]) / baseline[name])
        column.metric(title, f"{kpis[name]:.1%}", delta=delta)
    columns[2].metric("coverage at the start", f"{kpis['competency_coverage_start']:.1%}")
    columns[3].metric("readiness at the start", f"{kpis['role_readiness_start']:.1%}")

frames = []
for label in with_model:
    frame = table(run_by_label(runs, label)["run_id"], "competencies").assign(run=label)
    frames.append(frame)
data = pd.concat(frames, ignore_index=True)
view = st.radio("Show", ["end of the run", "change over the run"], horizontal=True)
data["value"] = (
    data["coverage_end"]
    if view == "end of the run"
    else data["coverage_end"] - data["coverage_start"]
)
scale = alt.Scale(domain=list(palette), range=list(palette.values()))
chart = (
    alt.Chart(data)
    .mark_bar()
    .encode(
        x=alt.X("run:N", title=None, axis=alt.Axis(labels=False)),
        y=alt.Y("value:Q", title="share met" if view == "end of the run" else "change",
                axis=alt.Axis(format="%")),
        color=alt.Color("run:N", scale=scale, legend=alt.Legend(orient="bottom")),
        column=alt.Column("area:N", title="area (coverage) and role readiness"),
        row=alt.Row("service_group:N", title="service group"),
        tooltip=["run:N", "service_group:N", "area:N", alt.Tooltip("value:Q", format=".1%")],
    )
    .properties(width=120, height=140)
)  # fmt: skip
st.altair_chart(chart)

st.subheader("Organisations")
label = st.selectbox("Run", with_model, key="competencies.org_run")
orgs = table(run_by_label(runs, label)["run_id"], "orgs")
minimum = st.slider("Only organisations with at least this many officers", 0, 5000, 500, 100,
                    key="competencies.minimum")  # fmt: skip
ranked = orgs[orgs["officers"] >= minimum].sort_values("competency_coverage")
ends = st.radio("List", ["lowest coverage", "highest coverage"], horizontal=True)
shown = ranked.head(15) if ends == "lowest coverage" else ranked.tail(15).iloc[::-1]
st.dataframe(
    shown[["organisation", "ministry", "officers", "competency_coverage", "role_readiness"]],
    hide_index=True,
    width="stretch",
    column_config={
        "competency_coverage": st.column_config.ProgressColumn(
            format="percent", min_value=0, max_value=1
        ),
        "role_readiness": st.column_config.NumberColumn(format="percent"),
    },
)
