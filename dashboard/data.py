"""What the dashboard reads: runs in the results store, cached and bounded.

Reads are keyed by the store's last change (the runs folder's modification time), so a
new run shows up on the next rerun and nothing is read twice in between.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st
import yaml
from pydantic import ValidationError

from sim.config import PlatformConfig
from sim.results.kpis import HEADLINE_KPIS
from sim.results.store import ResultsStore

HEADLINE = list(HEADLINE_KPIS)  # the KPIs shown first, on the cards and the summary page
PALETTE = ["#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6", "#a5a5a5", "#843c0c"]


def results_root() -> Path:
    return Path(os.environ.get("KARMASIM_RESULTS", "results")).resolve()


def store() -> ResultsStore:
    return ResultsStore(results_root())


def store_stamp() -> float:
    """Changes whenever a run is added or replaced."""
    runs = results_root() / "runs"
    return runs.stat().st_mtime if runs.exists() else 0.0


@st.cache_data(max_entries=8, show_spinner=False)
def runs_index(root: str, stamp: float) -> pd.DataFrame:
    """One row per stored run: its metadata, KPIs and a readable label."""
    results = ResultsStore(root)
    rows = []
    for run_id in results.run_ids():
        meta = results.meta(run_id)
        rows.append({**meta, **{f"kpi.{k}": v for k, v in results.kpis(run_id).items()}})
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame["details"] = (
        frame["scenario"]
        + " · "
        + frame["engine"]
        + " · 1:"
        + frame["scale"].astype(str)
        + " · seed "
        + frame["seed"].astype(str)
    )
    frame["label"] = short_labels(frame)
    return frame.sort_values("label").reset_index(drop=True)


def short_labels(frame: pd.DataFrame) -> pd.Series:
    """Each run's scenario name, with only what tells apart runs of the same scenario
    (engine, scale, seed; the run id's end as a last resort): short enough for legends
    and a projector."""
    labels = frame["scenario"].copy()
    for _, rows in frame.groupby("scenario"):
        if len(rows) == 1:
            continue
        parts = []
        if rows["engine"].nunique() > 1:
            parts.append(rows["engine"])
        if rows["scale"].nunique() > 1:
            parts.append("1:" + rows["scale"].astype(str))
        if rows["seed"].nunique() > 1:
            parts.append("seed " + rows["seed"].astype(str))
        for part in parts:
            labels[rows.index] += " · " + part
    repeated = labels.duplicated(keep=False)
    labels[repeated] += " · " + frame.loc[repeated, "run_id"].str[-6:]
    return labels


@st.cache_data(max_entries=48, show_spinner=False)
def run_table(root: str, run_id: str, name: str, stamp: float) -> pd.DataFrame:
    return ResultsStore(root).table(run_id, name)


def index() -> pd.DataFrame:
    return runs_index(str(results_root()), store_stamp())


def table(run_id: str, name: str) -> pd.DataFrame:
    return run_table(str(results_root()), run_id, name, store_stamp())


def platform_of(run_id: str) -> tuple[PlatformConfig, str]:
    """The run's platform settings, or the defaults and why when the run was stored by a
    version whose settings no longer validate."""
    try:
        stored = (ResultsStore(str(results_root())).config(run_id) or {}).get("platform", {})
        return PlatformConfig.model_validate(stored), ""
    except (ValidationError, OSError, yaml.YAMLError, AttributeError) as error:
        return PlatformConfig(), f"stored settings not readable ({type(error).__name__}): defaults"


def colours(labels: list[str]) -> dict[str, str]:
    """The same colour for a run on every page: by its place among all stored runs."""
    every = index()["label"].tolist()
    return {label: PALETTE[every.index(label) % len(PALETTE)] for label in labels}


def kpis_of(run: pd.Series) -> dict[str, float]:
    return {k[4:]: v for k, v in run.items() if k.startswith("kpi.") and pd.notna(v)}


def require_runs() -> pd.DataFrame | None:
    """The runs index, or an explanation of how to make runs when there are none."""
    runs = index()
    if runs.empty:
        st.info(
            f"No runs in the results store yet ({results_root()}).\n\n"
            "Create some with `make demo`, or `.venv/bin/karmasim run configs/saptah_2024.yaml`"
            " (add `--scale 100` for a quick sampled run), or on the **Scenario designer** page."
        )
        return None
    return runs


def pick_runs(runs: pd.DataFrame, key: str, default_count: int = 2) -> list[str]:
    """A multiselect of runs by label; returns the chosen labels."""
    labels = runs["label"].tolist()
    default = list(st.session_state.get("chosen_runs") or labels[:default_count])
    fresh = st.session_state.get("last_run")  # a run just made in the designer
    if fresh:
        made = runs.loc[runs["run_id"] == fresh, "label"].tolist()
        default += [x for x in made if x not in default]
    chosen = st.multiselect(
        "Runs to compare", labels, default=[x for x in default if x in labels], key=key
    )
    st.session_state["chosen_runs"] = chosen
    return chosen


def chosen_runs(
    key: str, empty: str = "Choose at least one run."
) -> tuple[pd.DataFrame, list[str]]:
    """The runs index and the labels picked on this page; stops the page (with how to
    make runs, or `empty`) when there is nothing to show."""
    runs = require_runs()
    if runs is None:
        st.stop()
    chosen = pick_runs(runs, key=key)
    if not chosen:
        st.warning(empty)
        st.stop()
    return runs, chosen


def run_by_label(runs: pd.DataFrame, label: str) -> pd.Series:
    return runs.loc[runs["label"] == label].iloc[0]


def replicates(runs: pd.DataFrame, label: str) -> list[str]:
    """Run ids of the stored replications of a run (same settings, other seeds), or of
    the draws of one scenario from a posterior (other parameters and seeds)."""
    if "replication_key" not in runs:
        return []
    key = run_by_label(runs, label).get("replication_key")
    if not isinstance(key, str):
        return []
    ids = runs.loc[runs["replication_key"] == key, "run_id"].tolist()
    return ids if len(ids) >= 2 else []
