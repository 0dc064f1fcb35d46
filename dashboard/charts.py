"""Altair charts shared by the pages: real IST dates on time axes, one colour per run."""

from __future__ import annotations

import altair as alt
import pandas as pd


def _colour_scale(colours: dict[str, str]) -> alt.Scale:
    return alt.Scale(domain=list(colours), range=list(colours.values()))


def _run_colour(colours: dict[str, str]) -> alt.Color:
    legend = alt.Legend(orient="bottom", title=None, labelLimit=1000, columns=2)  # never cut
    return alt.Color("run:N", scale=_colour_scale(colours), legend=legend)


def _band_area(bands: dict[str, pd.DataFrame], x: str, colours: dict[str, str]) -> alt.Chart:
    """Shaded 10-90% ranges (`x`, low, high per run) under the runs' lines."""
    shaded = pd.concat(
        [b[[x, "low", "high"]].assign(run=label) for label, b in bands.items()], ignore_index=True
    )
    if isinstance(shaded[x].dtype, pd.DatetimeTZDtype):
        shaded[x] = shaded[x].dt.tz_localize(None)  # shown as IST wall-clock time
    return (
        alt.Chart(shaded)
        .mark_area(opacity=0.2)
        .encode(x=f"{x}:T", y="low:Q", y2="high:Q", color=_run_colour(colours))
    )


def chart_title(text: str) -> alt.TitleParams:
    """A title above the plot, left-aligned, clear of the axis (not over the chart)."""
    return alt.TitleParams(text=text, anchor="start", offset=10, fontSize=14)


def daily_lines(
    frames: dict[str, pd.DataFrame],
    column: str,
    title: str,
    colours: dict[str, str],
    reference: pd.DataFrame | None = None,
    bands: dict[str, pd.DataFrame] | None = None,
) -> alt.Chart:
    """One line per run of a daily column; `reference` (start, end, value, label) rows are
    drawn as dashed segments (published figures); `bands` (date, low, high per run, from
    replications) as shaded 10-90% ranges."""
    data = pd.concat(
        [f[["date", column]].assign(run=label) for label, f in frames.items()], ignore_index=True
    )
    lines = (
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(size=18))
        .encode(
            x=alt.X("date:T", title="date (IST)", axis=alt.Axis(format="%d %b %Y")),
            y=alt.Y(f"{column}:Q", title=None),
            color=_run_colour(colours),
            tooltip=[alt.Tooltip("date:T", format="%a %d %b %Y"), "run:N",
                     alt.Tooltip(f"{column}:Q", format=",.0f")],
        )
    )  # fmt: skip
    chart = _band_area(bands, "date", colours) + lines if bands else lines
    if reference is not None and len(reference):
        segments = (
            alt.Chart(reference)
            .mark_rule(strokeDash=[6, 4], color="black", strokeWidth=2)
            .encode(
                x="start:T", x2="end:T", y="value:Q",
                tooltip=["label:N", alt.Tooltip("value:Q", format=",.0f")],
            )
        )  # fmt: skip
        chart = chart + segments
    return chart.properties(title=chart_title(title), height=280)


def heatmap(load: pd.DataFrame, column: str, title: str) -> alt.Chart:
    """Day x hour of the day, the hour's peak of `column`."""
    frame = load[["time", column]].copy()
    frame["day"] = frame["time"].dt.tz_localize(None).dt.floor("D")
    frame["hour"] = frame["time"].dt.hour
    grid = frame.groupby(["day", "hour"], as_index=False)[column].max()
    return (
        alt.Chart(grid)
        .mark_rect()
        .encode(
            x=alt.X("hour:O", title="hour of the day (IST)"),
            y=alt.Y("day:T", title="date", timeUnit="yearmonthdate",
                    axis=alt.Axis(format="%d %b %Y")),
            color=alt.Color(f"{column}:Q", title=title, scale=alt.Scale(scheme="orangered")),
            tooltip=[alt.Tooltip("day:T", format="%a %d %b %Y"), "hour:O",
                     alt.Tooltip(f"{column}:Q", format=",.0f")],
        )
        .properties(title=chart_title(title), height=max(220, 9 * grid["day"].nunique()))
    )  # fmt: skip


def minute_lines(
    frames: dict[str, pd.DataFrame],
    column: str,
    title: str,
    colours: dict[str, str],
    bands: dict[str, pd.DataFrame] | None = None,
) -> alt.Chart:
    """One line per run of a per-minute column; `bands` (time, low, high per run, from
    replications) as shaded 10-90% ranges."""
    data = pd.concat(
        [f[["time", column]].assign(run=label) for label, f in frames.items()], ignore_index=True
    )
    data["time"] = data["time"].dt.tz_localize(None)  # shown as IST wall-clock time
    chart = (
        alt.Chart(data)
        .mark_line(strokeWidth=1)
        .encode(
            x=alt.X("time:T", title="time (IST)", axis=alt.Axis(format="%d %b %H:%M")),
            y=alt.Y(f"{column}:Q", title=None),
            color=_run_colour(colours),
            tooltip=[alt.Tooltip("time:T", format="%d %b %H:%M"), "run:N",
                     alt.Tooltip(f"{column}:Q", format=",.0f")],
        )
    )  # fmt: skip
    if bands:
        chart = _band_area(bands, "time", colours) + chart
    return chart.properties(title=chart_title(title), height=260)


def tornado(table: pd.DataFrame, title: str) -> alt.Chart:
    """Cost at each end of each input's range around the configured cost, largest swing
    on top (the table from sim.platform.sensitivity)."""
    rows = []
    for rank, row in enumerate(table.itertuples()):
        label = f"{row.input} ({row.low} - {row.high})"
        for end, cost, servers in (("low end", row.cost_low, row.servers_low),
                                   ("high end", row.cost_high, row.servers_high)):  # fmt: skip
            rows.append({"input": label, "rank": rank, "end": end, "base": row.cost_base,
                         "cost": cost, "servers": servers})  # fmt: skip
    data = pd.DataFrame(rows)
    order = list(dict.fromkeys(data.sort_values("rank")["input"]))
    bars = (
        alt.Chart(data)
        .mark_bar(opacity=0.85, size=18)
        .encode(
            y=alt.Y("input:N", sort=order, title=None, axis=alt.Axis(labelLimit=400)),
            x=alt.X(
                "base:Q",
                title="cost of hour-by-hour servers (INR)",
                scale=alt.Scale(zero=False),
                axis=alt.Axis(format=",.0f"),
            ),
            x2="cost:Q",
            color=alt.Color(
                "end:N",
                scale=alt.Scale(domain=["low end", "high end"], range=["#2e75b6", "#c55a11"]),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=["input:N", "end:N", alt.Tooltip("cost:Q", format=",.0f"), "servers:Q"],
        )
    )
    base = (
        alt.Chart(pd.DataFrame({"base": [table["cost_base"].iloc[0]]}))
        .mark_rule()
        .encode(x="base:Q")
    )
    return (bars + base).properties(title=chart_title(title), height=36 * len(order) + 40)
