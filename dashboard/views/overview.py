"""Overview: headline KPIs of the chosen runs, with deltas against a baseline run."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from data import HEADLINE, chosen_runs, colours, kpis_of, replicates, run_by_label

from sim.results.bands import kpi_bands
from sim.results.formatting import kpi_value, percent
from sim.results.kpis import describe

LOWER_IS_BETTER = {
    "rejected_sessions",
    "minutes_over_latency_target",
    "server_hours",
    "server_cost",
}

st.title("Scenario overview")
runs, chosen = chosen_runs("overview.runs", "Choose at least one run to see its KPIs.")
baseline_label = st.selectbox("Baseline (deltas are against it)", chosen, key="overview.baseline")
baseline = kpis_of(run_by_label(runs, baseline_label))
palette = colours(chosen)

for label in chosen:
    run = run_by_label(runs, label)
    kpis = kpis_of(run)
    st.markdown(
        f"<span style='color:{palette[label]};font-size:1.6em'>■</span> **{label}** — "
        f"{run.get('description', '')} <span style='color:grey'>({run['details']})</span>",
        unsafe_allow_html=True,
    )
    shown = [k for k in HEADLINE if k in kpis]
    replications = replicates(runs, label)
    drawn = isinstance(run.get("draw_of"), str) and run.get("draw_of")
    spread_of = "posterior draws (parameters and seeds)" if drawn else "seeds"
    bands = kpi_bands([kpis_of(runs.set_index("run_id").loc[r]) for r in replications])
    for row_start in range(0, len(shown), 5):
        columns = st.columns(5)
        for column, name in zip(columns, shown[row_start : row_start + 5], strict=False):
            delta = None
            if label != baseline_label and name in baseline and baseline[name]:
                delta = percent(100 * (kpis[name] - baseline[name]) / baseline[name])
            column.metric(
                name.replace("_", " "),
                kpi_value(kpis[name]),
                delta=delta,
                delta_color="inverse" if name in LOWER_IS_BETTER else "normal",
                help=describe(name) or None,
            )
            if name in bands:
                band = bands[name]
                column.caption(
                    f"median {kpi_value(band['median'])}; 10-90%: {kpi_value(band['p10'])} - "
                    f"{kpi_value(band['p90'])} over {band['n']} {spread_of}"
                )

st.subheader("All KPIs")
names = sorted({k for label in chosen for k in kpis_of(run_by_label(runs, label))})
table = pd.DataFrame(
    {label: [kpis_of(run_by_label(runs, label)).get(k) for k in names] for label in chosen},
    index=names,
)
st.dataframe(
    table.map(lambda v: kpi_value(v) if pd.notna(v) else "–"),
    width="stretch",
    height=min(36 * (len(names) + 1), 900),
)
