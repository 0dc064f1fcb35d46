"""Competencies: coverage (required officer-competency pairs met), role readiness (officers
meeting every requirement of their post) and what officers have learnt, at the start and
the end of each run; by sector, service group, cadre, role family or ministry/state; the
competencies with the largest gaps; organisations. Bands over replications where they
exist."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
from data import colours, kpis_of, pick_runs, replicates, require_runs, run_by_label, table

from sim.results.bands import kpi_bands
from sim.results.formatting import kpi_value, percent

HEADLINE = [
    ("competency_coverage", "coverage"),
    ("role_readiness", "role readiness"),
    ("share_with_topic_course", "with a course on the focus topic"),
    ("officers_meeting_more_requirements", "officers meeting more requirements"),
]
DIMENSIONS = {
    "sector": "sector",
    "service group": "service_group",
    "cadre": "cadre",
    "role family": "family",
    "ministry or state (largest 15)": "unit",
}
MEASURES = {
    "coverage (requirements met)": "coverage",
    "role readiness": "readiness",
    "with a behavioural course": "share_with_behavioural",
    "with a functional course": "share_with_functional",
    "with a domain course": "share_with_domain",
    "with a course on the focus topic (AI-related)": "share_with_topic",
}

st.title("Competencies")
runs = require_runs()
if runs is None:
    st.stop()
chosen = pick_runs(runs, key="competencies.runs")


def has_model(label: str) -> bool:
    """Runs stored before the competency model (v0.2) lack its tables."""
    run = run_by_label(runs, label)
    return "kpi.share_with_topic_course" in run and pd.notna(run["kpi.share_with_topic_course"])


with_model = [label for label in chosen if has_model(label)]
if not with_model:
    st.info("None of the chosen runs has the competency model's outcomes (made before it).")
    st.stop()
palette = colours(with_model)
baseline_label = st.selectbox("Baseline", with_model, key="competencies.baseline")
baseline = kpis_of(run_by_label(runs, baseline_label))


def share(value: float) -> str:
    """A share with enough digits to tell small ones apart (role readiness is often
    below 0.1%)."""
    return f"{value:.1%}" if value >= 0.1 else f"{value:.2%}" if value >= 0.001 else f"{value:.3%}"


def run_ids(label: str) -> list[str]:
    return replicates(runs, label) or [str(run_by_label(runs, label)["run_id"])]


for label in with_model:
    kpis = kpis_of(run_by_label(runs, label))
    ids = run_ids(label)
    bands = (
        kpi_bands([kpis_of(runs.set_index("run_id").loc[r]) for r in ids]) if len(ids) > 1 else {}
    )
    marker = f"<span style='color:{palette[label]}'>■</span> **{label}**"
    st.markdown(marker, unsafe_allow_html=True)
    columns = st.columns(len(HEADLINE))
    for column, (name, title) in zip(columns, HEADLINE, strict=True):
        delta = None
        if label != baseline_label and baseline.get(name):
            delta = percent(100 * (kpis[name] - baseline[name]) / baseline[name])
        value = share(kpis[name]) if name != HEADLINE[-1][0] else kpi_value(kpis[name])
        column.metric(title, value, delta=delta)
        start = kpis.get(f"{name}_start")
        notes = [f"{share(start)} at the start"] if start is not None else []
        if name in bands:
            band = bands[name]
            low, high = (
                (share(band["p10"]), share(band["p90"]))
                if name != HEADLINE[-1][0]
                else (kpi_value(band["p10"]), kpi_value(band["p90"]))
            )
            notes.append(f"10-90%: {low} - {high} over {band['n']} runs")
        if notes:
            column.caption("; ".join(notes))


def breakdown(label: str, dimension: str, measure: str) -> pd.DataFrame:
    """Start and end of `measure` by `dimension`: the median over the run's replications
    with its 10-90% band."""
    frames = []
    for run_id in run_ids(label):
        frame = table(run_id, "competencies")
        frames.append(frame[frame["dimension"] == dimension].assign(run_id=run_id))
    data = pd.concat(frames, ignore_index=True)
    grouped = data.groupby(["moment", "value"])[measure]
    summary = grouped.median().rename("median").to_frame()
    summary["p10"] = grouped.quantile(0.1)
    summary["p90"] = grouped.quantile(0.9)
    summary["officers"] = data.groupby(["moment", "value"])["officers"].median()
    return summary.reset_index().assign(run=label, runs=len(frames))


st.subheader("Coverage by group")
left, right = st.columns(2)
by = DIMENSIONS[left.radio("By", list(DIMENSIONS), horizontal=True, key="competencies.by")]
measure = MEASURES[right.selectbox("Measure", list(MEASURES), key="competencies.measure")]
data = pd.concat([breakdown(label, by, measure) for label in with_model], ignore_index=True)
if by == "unit":  # the largest units by officers
    largest = data.groupby("value")["officers"].max().nlargest(15).index
    data = data[data["value"].isin(largest)]
data["moment"] = data["moment"].map({"start": "at the start", "end": "at the end"})
scale = alt.Scale(domain=list(palette), range=list(palette.values()))
base = alt.Chart(data).encode(
    y=alt.Y("value:N", title=None, sort=alt.EncodingSortField("officers", order="descending")),
    yOffset=alt.YOffset("run:N"),
    tooltip=[
        "run:N", "value:N", "moment:N",
        alt.Tooltip("median:Q", format=".2%"), alt.Tooltip("p10:Q", format=".2%"),
        alt.Tooltip("p90:Q", format=".2%"), alt.Tooltip("runs:Q", title="runs"),
    ],
)  # fmt: skip
bars = base.mark_bar().encode(
    x=alt.X("median:Q", title=None, axis=alt.Axis(format="%")),
    color=alt.Color("run:N", scale=scale, legend=alt.Legend(orient="bottom", title=None)),
    opacity=alt.Opacity(
        "moment:N", scale=alt.Scale(domain=["at the start", "at the end"], range=[0.35, 1.0]),
        legend=alt.Legend(orient="bottom", title=None),
    ),
)  # fmt: skip
whiskers = base.mark_rule(color="black").encode(x="p10:Q", x2="p90:Q")
chart = (
    alt.layer(bars, whiskers)
    .facet(column=alt.Column("moment:N", title=None, sort=["at the start", "at the end"]))
    .properties(title=f"{measure.replace('_', ' ')}: median of the runs, 10-90% band as a line")
)
st.altair_chart(chart)
st.caption(
    "Bars show the median over a run's replications (or the run itself), lines the 10-90% "
    "band when there are replications. Counts include every officer in the workforce, "
    "registered or not (docs/competencies.md)."
)

st.subheader("Largest gaps")
label = st.selectbox("Run", with_model, key="competencies.gap_run")
gaps = table(run_by_label(runs, label)["run_id"], "competency_gaps").head(15)
gaps["closed in the run"] = gaps["met_end"] - gaps["met_start"]
st.dataframe(
    gaps[["competency", "type", "placeholder", "required", "unmet_end", "coverage_start",
          "coverage_end", "closed in the run"]],
    hide_index=True,
    width="stretch",
    column_config={
        "required": st.column_config.NumberColumn("officers requiring it", format="localized"),
        "unmet_end": st.column_config.NumberColumn("not met at the end", format="localized"),
        "coverage_start": st.column_config.NumberColumn("met at the start", format="percent"),
        "coverage_end": st.column_config.ProgressColumn(
            "met at the end", format="percent", min_value=0, max_value=1
        ),
        "closed in the run": st.column_config.NumberColumn(format="localized"),
        "placeholder": st.column_config.CheckboxColumn("placeholder name"),
    },
)  # fmt: skip

st.subheader("Organisations")
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
