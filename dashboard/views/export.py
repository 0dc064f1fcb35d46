"""Export: chart images, CSV tables and a one-page summary for a slide."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from data import HEADLINE, chosen_runs, colours, kpis_of, replicates, run_by_label, table
from images import daily_chart_png, summary_png

from sim.results.bands import kpi_bands, series_bands

cached_summary = st.cache_data(max_entries=16, show_spinner="drawing the summary...")(summary_png)
cached_chart = st.cache_data(max_entries=16, show_spinner=False)(daily_chart_png)

st.title("Export")
runs, chosen = chosen_runs("export.runs")
palette = colours(chosen)
frames = {label: table(run_by_label(runs, label)["run_id"], "daily") for label in chosen}

title = st.text_input("Title of the summary page", "Campaign designs compared")
kpis = pd.DataFrame(
    {label: [kpis_of(run_by_label(runs, label)).get(k) for k in HEADLINE] for label in chosen},
    index=HEADLINE,
).dropna(how="all")
bands, daily_bands = {}, {}
by_id = runs.set_index("run_id")
for label in chosen:
    ids = replicates(runs, label)
    if ids:
        bands[label] = kpi_bands([kpis_of(by_id.loc[r]) for r in ids])
        band = series_bands([table(r, "daily") for r in ids], "date", ["new_completions"])
        daily_bands[label] = band.rename(
            columns={"new_completions_p10": "low", "new_completions_p90": "high"}
        )
described = "; ".join(f"{label}: {run_by_label(runs, label)['details']}" for label in chosen)
assumptions = st.text_input(
    "Assumptions line (printed at the foot)",
    f"{described}. Assumptions and fitted values: docs/model.md, docs/competencies.md; "
    "behaviour calibrated to the 2024 week (sim/data/calibrated.yaml).",
)
summary = cached_summary(title, kpis, frames, palette, bands, daily_bands, assumptions)
st.image(summary, caption="One-page summary (PNG, 16:9)")
left, right = st.columns(2)
left.download_button("Download the summary (PNG)", summary, "karmasim-summary.png", "image/png")
pdf = cached_summary(title, kpis, frames, palette, bands, daily_bands, assumptions, "pdf")
right.download_button("Download the summary (PDF)", pdf, "karmasim-summary.pdf",
                      "application/pdf")  # fmt: skip

st.subheader("Charts")
column = st.selectbox(
    "Daily series", ["new_completions", "new_enrolments", "new_learning_hours", "n_active_learners"]
)
chart = cached_chart(frames, column, column.replace("_", " ") + " a day", palette)
st.image(chart)
st.download_button(f"Download {column} (PNG)", chart, f"{column}.png", "image/png")

st.subheader("Tables (CSV)")
for label in chosen:
    run_id = run_by_label(runs, label)["run_id"]
    columns = st.columns(4)
    columns[0].markdown(f"**{label}**")
    for column_slot, name in zip(columns[1:], ["daily", "hourly", "orgs"], strict=True):
        csv = table(run_id, name).to_csv(index=False).encode("utf-8")
        column_slot.download_button(
            f"{name}.csv", csv, f"{run_id}-{name}.csv", "text/csv", key=f"{run_id}-{name}"
        )
kpi_csv = kpis.rename_axis("kpi").to_csv().encode("utf-8")
st.download_button("KPIs of the chosen runs (CSV)", kpi_csv, "kpis.csv", "text/csv")
