"""The published figures the model is checked against (a copy of the project's
`published_figures.yaml`, with its sources), for the dashboard and calibration."""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def published() -> dict[str, Any]:
    text = resources.files("sim").joinpath("data/published_figures.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def saptah_2024_daily_completions() -> list[tuple[dt.date, dt.date, float, str]]:
    """(first day, last day, completions a day, label) for the 2024 week and before it."""
    week = published()["karmayogi_saptah_2024"]
    start, end = week["window"]["start"], week["window"]["extended_end"]
    return [
        (start - dt.timedelta(days=14), start - dt.timedelta(days=1),
         float(week["daily_completions_before_week"]), "published: steady before the week"),
        (start, end, float(week["daily_completions_during_week"]),
         "published: mean during the week"),
    ]  # fmt: skip
