"""Competencies: coverage and role readiness, by area, organisation and group."""

from __future__ import annotations

import streamlit as st
from data import pick_runs, require_runs, run_by_label

st.title("Competencies")
runs = require_runs()
if runs is None:
    st.stop()
chosen = pick_runs(runs, key="competencies.runs")
with_model = [label for label in chosen if "kpi.competency_coverage" in run_by_label(runs, label)]
if not with_model:
    st.info(
        "None of the chosen runs carries competency outcomes. The competency model (roles "
        "requiring competencies, courses raising levels) is not part of the engine yet, so "
        "coverage and role readiness cannot be shown."
    )
    st.stop()
for label in with_model:
    run = run_by_label(runs, label)
    columns = st.columns(2)
    columns[0].metric("competency coverage", f"{run['kpi.competency_coverage']:.1%}")
    columns[1].metric("role readiness", f"{run['kpi.role_readiness']:.1%}")
