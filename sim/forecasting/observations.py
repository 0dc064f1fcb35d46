"""The published, dated figures as one tidy table: what the forecasting model is fitted to.

Each row is one figure on one date, with its source. Sources disagree in places (two
versions of the 2024 week; "3.8 crore" read both as hours and as completions); every row
is treated as a noisy observation of the quantity, with a relative error `sigma` (on the
log scale), so disagreeing rows pull the fit toward their middle.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from sim.data.published import published

# ASSUMPTION: a published figure is within about 10% of the true value (log-scale sd);
# round numbers of 10 lakh or more ("1 crore", "3.8 crore") are given 15%.
SIGMA = 0.10
SIGMA_ROUND = 0.15

QUANTITIES = {
    "registered_users": "users registered on the platform (all sectors)",
    "central_users": "users registered under central ministries",
    "state_users": "users registered under states and local bodies",
    "completions_cumulative": "course completions since launch",
    "monthly_completions": "course completions in the calendar month ending on the date",
    "week_enrolments": "enrolments in the 2024 week",
    "week_completions": "completions in the 2024 week",
    "week_learning_hours": "nominal learning hours in the 2024 week",
    "week_participants_meeting_target": "participants reaching 4 hours in the 2024 week",
    "week_participants": "participants in the 2024 week",
    "week_group_a_participants": "Group A participants in the 2024 week",
    "week_group_a_meeting_target": "Group A participants reaching 4 hours in the 2024 week",
    "week_daily_completions": "mean daily completions during the 2024 week",
    "pre_week_daily_completions": "mean daily completions in the fortnight before the week",
    "users_with_a_completion": "users who have completed at least one course",
    "states_with_mou": "states and union territories that have signed an MoU",
}
# A figure of one ministry or state is its quantity and the unit's name: "quantity@unit".
UNIT_QUANTITIES = ("registered_users", "users_with_a_completion", "completions_cumulative")


def split_quantity(quantity: str) -> tuple[str, str | None]:
    """("registered_users", "Odisha") for "registered_users@Odisha"; (quantity, None) for a
    platform-wide figure."""
    base, _, unit = quantity.partition("@")
    return base, unit or None


def describe_quantity(quantity: str) -> str:
    base, unit = split_quantity(quantity)
    return QUANTITIES[base] + (f", {unit}" if unit else "")


@dataclass(frozen=True)
class Observation:
    date: dt.date
    quantity: str
    value: float
    sigma: float
    source: str


def _is_round(value: float) -> bool:
    return value >= 1e6 and value % 1e6 == 0


def observations() -> pd.DataFrame:
    """Every dated figure the model can reproduce, one row each (see QUANTITIES)."""
    figures = published()
    rows: list[Observation] = []

    def add(date: dt.date, quantity: str, value: float, source: str) -> None:
        sigma = SIGMA_ROUND if _is_round(value) else SIGMA
        rows.append(Observation(date, quantity, float(value), sigma, source))

    for point in figures["platform_growth"]:
        source = point.get("source", "")
        for key, quantity in (
            ("registered_users", "registered_users"),
            ("central_users", "central_users"),
            ("state_users", "state_users"),
            ("completions_cumulative", "completions_cumulative"),
            ("monthly_completions", "monthly_completions"),
        ):
            if key in point:
                add(point["date"], quantity, point[key], source)
    snapshot = figures["platform_snapshot_2024_10_26"]
    add(dt.date(2024, 10, 26), "completions_cumulative",
        snapshot["course_completions_cumulative"], snapshot["source"])  # fmt: skip

    for point in figures["platform_growth"]:
        if "users_with_a_completion" in point:
            add(point["date"], "users_with_a_completion", point["users_with_a_completion"],
                point["source"])  # fmt: skip
    states = figures["state_onboarding"]
    for point in states["states_with_mou"]:
        add(point["date"], "states_with_mou", point["count"],
            "Personnel Ministry statements (published_figures.yaml, state_onboarding)")  # fmt: skip
    up = states["uttar_pradesh_2026_01"]
    for key, quantity in (
        ("onboarded", "registered_users"),
        ("users_with_a_completion", "users_with_a_completion"),
        ("completions", "completions_cumulative"),
    ):
        add(dt.date(2026, 1, 6), f"{quantity}@Uttar Pradesh", up[key], up["source"])
    # ASSUMPTION: Maharashtra's "enrolled" officers are its registered users.
    for point in states["maharashtra"]:
        source = point.get("source", "Maharashtra state figure (published_figures.yaml)")
        add(point["date"], "registered_users@Maharashtra", point["enrolled"], source)
    odisha = states["odisha"]
    add(dt.date(2024, 11, 30), "registered_users@Odisha", odisha["onboarded_2024_11_30"],
        odisha["source"])  # fmt: skip

    week = figures["karmayogi_saptah_2024"]
    interim = figures["karmayogi_saptah_2024_interim"]
    end = week["window"]["extended_end"]
    for quantity, final_key, interim_key in (
        ("week_enrolments", "enrolments", "enrolments"),
        ("week_completions", "completions", "completions"),
        ("week_learning_hours", "learning_hours", "learning_hours_min"),
        ("week_participants_meeting_target", "participants_meeting_4h_target",
         "participants_meeting_4h_target"),
    ):  # fmt: skip
        add(end, quantity, week[final_key], week["source"])
        add(end, quantity, interim[interim_key], "Ministry of Personnel interim, PIB 8 Nov 2024")
    add(end, "week_participants", week["participants"], week["source"])
    group_a = "interim statement, early Nov 2024 (published_figures.yaml, karmayogi_saptah_2024)"
    add(end, "week_group_a_participants", week["group_a_participants"], group_a)
    add(end, "week_group_a_meeting_target", week["group_a_meeting_4h_target"], group_a)
    add(end, "week_daily_completions", week["daily_completions_during_week"], week["source"])
    add(week["window"]["start"], "pre_week_daily_completions",
        week["daily_completions_before_week"], week["source"])  # fmt: skip
    table = pd.DataFrame([r.__dict__ for r in rows])
    # The same figure repeated by a later source (the snapshot and the growth series) is
    # one observation, not two.
    table = table.drop_duplicates(["date", "quantity", "value"])
    return table.sort_values(["date", "quantity"], kind="stable").reset_index(drop=True)
