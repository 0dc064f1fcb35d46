"""Scenario designer: change the levers of a scenario, check it, and run it (a quick
sampled run, or the full population on request). A new run lands in the results store and
joins the comparison on the other pages. Invalid settings are explained next to the field
they concern; nothing is run or written until the scenario is valid."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import streamlit as st
import yaml
from data import store

from sim.config import (
    ConfigError,
    load_settings,
    scenario_problems,
    upload_settings,
    validate_scenario,
    with_paths,
)
from sim.simulate import simulate

CONFIGS = Path(__file__).resolve().parents[2] / "configs"
QUICK_AGENTS = 20_000

st.title("Scenario designer")

bases = sorted(p.name for p in CONFIGS.glob("*.yaml") if p.name != "forecast.yaml")
source = st.radio("Start from", ["a built-in scenario", "an uploaded YAML file"], horizontal=True)
data: dict | None = None
if source == "a built-in scenario":
    chosen = st.selectbox("Scenario", bases, index=bases.index("saptah_2024.yaml"))
    data = load_settings(CONFIGS / chosen)
else:
    upload = st.file_uploader("Scenario YAML", type=["yaml", "yml"])
    if upload is not None:
        try:
            text = upload.getvalue().decode("utf-8")
            data = upload_settings(text, upload.name, CONFIGS)
        except UnicodeDecodeError:
            st.error(f"{upload.name}: not UTF-8 text")
        except ConfigError as error:
            st.error(str(error))
if data is None:
    st.info("Choose or upload a scenario to edit its levers.")
    st.stop()
# Edit the resolved scenario (every default filled in, calibrated values included), so a
# lever shows the value the model would use; a file that does not validate is shown as
# its problems first.
uploaded_problems = scenario_problems(data)
if uploaded_problems:
    for where, message in uploaded_problems:
        st.error(f"{where}: {message}")
    st.warning("Fix the file to edit and run it; nothing has been run or stored.")
    st.stop()
data = validate_scenario(data, source="designer").canonical()

errors_at: dict[str, st.delta_generator.DeltaGenerator] = {}
levers: dict[str, object] = {}  # dotted path -> the value a widget set


def note(path: str) -> None:
    """Keep a place under the widget just shown for the validation message of `path`."""
    errors_at[path] = st.empty()


def as_date(value) -> dt.date:
    return dt.date.fromisoformat(str(value))


levers["name"] = st.text_input("Name of the new scenario", f"{data['name']}-custom")
note("name")
EDITABLE_SEED = (1 << 53) - 1  # the largest whole number a browser's widget holds exactly
if int(data["seed"]) <= EDITABLE_SEED:
    levers["seed"] = st.number_input("Seed", 0, EDITABLE_SEED, int(data["seed"]))
else:
    st.caption(f"Seed {data['seed']} is kept as it is (too large to edit here).")
note("seed")
if data["campaigns"]:
    st.subheader("Campaign")
    campaign = data["campaigns"][0]
    at, path = "campaigns[0]", "campaigns.0"
    left, right = st.columns(2)
    with left:
        levers[f"{path}.start"] = st.date_input("Campaign start", as_date(campaign["start"]))
        note(f"{at}.start")
        levers[f"{path}.planned_end"] = st.date_input(
            "Planned last day", as_date(campaign["planned_end"])
        )
        note(f"{at}.planned_end")
        if st.checkbox("Extend the campaign", campaign["extended_end"] is not None):
            default = campaign["extended_end"] or campaign["planned_end"]
            levers[f"{path}.extended_end"] = st.date_input("Extended last day", as_date(default))
            note(f"{at}.extended_end")
        else:
            levers[f"{path}.extended_end"] = None
            levers[f"{path}.extension_announced"] = None
    with right:
        levers[f"{path}.target_hours"] = st.number_input(
            "Target hours per officer", value=float(campaign["target_hours"]), step=0.5
        )
        note(f"{at}.target_hours")
        levers[f"{path}.engagement.probability"] = st.slider(
            "Share of targeted officers who take the campaign up",
            0.0,
            1.0,
            float(campaign["engagement"]["probability"]),
            0.005,
        )
        note(f"{at}.engagement")
        if campaign["webinars"] is not None:
            levers[f"{path}.webinars.attendance_cap"] = int(
                st.number_input(
                    "Webinar seats",
                    value=int(campaign["webinars"]["attendance_cap"]),
                    step=5_000,
                )
            )
            note(f"{at}.webinars")
        stagger = campaign["stagger"] or {}
        waves = int(
            st.number_input(
                "Ministries in waves (1: all start together)",
                min_value=1,
                max_value=30,
                value=int(stagger.get("waves", 1)),
            )
        )
        if waves > 1:
            days = int(st.number_input("Days between waves", 1, 90, stagger.get("days_between", 3)))
            levers[f"{path}.stagger"] = {"waves": waves, "days_between": days}
        else:
            levers[f"{path}.stagger"] = None
        note(f"{at}.stagger")
    note("campaigns")

st.subheader("Policies")
left, right = st.columns(2)
with left:
    gap = st.toggle(
        "Gap-targeted course recommendations",
        data["recommendations"]["mode"] == "gap_targeted",
    )
    levers["recommendations.mode"] = "gap_targeted" if gap else "popularity"
with right:
    policies = data["policies"]
    reminder = st.toggle("Weekly reminder (Mondays 10:00)", policies["weekly_reminder"] is not None)
    levers["policies.weekly_reminder"] = (policies["weekly_reminder"] or {}) if reminder else None
    alert = st.toggle("Inactivity alert after 3 days", policies["inactivity_alert"] is not None)
    levers["policies.inactivity_alert"] = (policies["inactivity_alert"] or {}) if alert else None
    levers["policies.karma.enabled"] = st.toggle(
        "Karma points and monthly leaderboards", bool(policies["karma"]["enabled"])
    )
note("policies")

st.subheader("Platform")
platform = data["platform"]
left, right = st.columns(2)
with left:
    servers = int(
        st.number_input(
            "Servers (0: as many as the latency target needs)",
            value=int(platform["servers"] or 0),
            step=1,
        )
    )
    note("platform.servers")
    levers["platform.servers"] = servers or None
with right:
    autoscaled = st.checkbox("Autoscaler", bool(platform["autoscaler"]["enabled"]))
    levers["platform.autoscaler.enabled"] = autoscaled
    if autoscaled:
        levers["platform.autoscaler.max_servers"] = int(
            st.number_input(
                "Autoscaler maximum servers", value=int(platform["autoscaler"]["max_servers"])
            )
        )
        note("platform.autoscaler")
edited = with_paths(data, levers)

problems = scenario_problems(edited)
general = []
for where, message in problems:
    match = next((p for p in sorted(errors_at, key=len, reverse=True) if where.startswith(p)), None)
    if match:
        errors_at[match].error(f"{where}: {message}")
    else:
        general.append(f"{where}: {message}")
for message in general:
    st.error(message)
if problems:
    st.warning("Fix the settings above to run this scenario; nothing has been run or stored.")
    st.stop()

scenario = validate_scenario(edited, source="designer")
officers = scenario.population.officers
quick_scale = max(1, round(officers / QUICK_AGENTS))
st.success(f"**{scenario.name}** is valid.")
with st.expander("Scenario as YAML"):
    st.code(yaml.safe_dump(scenario.canonical(), sort_keys=False), language="yaml")

left, right = st.columns(2)
quick = left.button(f"Quick run (1 agent per {quick_scale:,} officers)", type="primary")
full = right.button(f"Full run ({officers:,} officers; tens of seconds)")
if quick or full:
    run_scenario = scenario.with_overrides(scale=quick_scale) if quick else scenario
    bar = st.progress(0.0, text="simulating...")

    def report(done: int, total: int) -> None:
        bar.progress(done / total, text=f"simulating day {done} of {total}")

    result = simulate(run_scenario, progress=report)
    bar.progress(1.0, text="storing the run...")
    folder = store().write(result)
    bar.empty()
    label_hint = run_scenario.name
    st.session_state["last_run"] = result.run_id
    st.success(f"Stored {result.run_id} in {folder}. It is now in the comparison ({label_hint}).")
    chosen_runs = st.session_state.get("chosen_runs") or []
    st.session_state["chosen_runs"] = chosen_runs
    from sim.results.formatting import kpi_value

    cols = st.columns(4)
    for column, name in zip(
        cols,
        ["participants", "completions", "campaign_participants", "peak_concurrent_learners"],
        strict=True,
    ):
        column.metric(name.replace("_", " "), kpi_value(result.kpis.get(name, 0.0)))
