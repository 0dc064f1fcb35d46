"""Static images for export: charts as PNG and a one-page summary for a slide (matplotlib,
so they look the same wherever they are pasted)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from sim.results.formatting import kpi_value  # noqa: E402


def _png(figure, image_format: str = "png") -> bytes:
    """The figure as PNG, PDF or SVG bytes (text kept as text in SVG and PDF)."""
    buffer = io.BytesIO()
    with plt.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42}):
        figure.savefig(buffer, format=image_format, dpi=150, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def _daily_axes(
    axis,
    frames: dict[str, pd.DataFrame],
    column: str,
    colours: dict[str, str],
    bands: dict[str, pd.DataFrame] | None = None,
):
    """One line per run; shaded 10-90% bands (date, low, high) where replications exist."""
    for label, band in (bands or {}).items():
        axis.fill_between(band["date"], band["low"], band["high"], color=colours[label],
                          alpha=0.2, linewidth=0)  # fmt: skip
    for label, frame in frames.items():
        axis.plot(frame["date"], frame[column], color=colours[label], label=label, marker=".")
    axis.xaxis.set_major_formatter(mdates.DateFormatter("%d %b\n%Y"))
    axis.grid(alpha=0.3)
    axis.set_xlabel("date (IST)")
    axis.yaxis.set_major_formatter(lambda v, _: kpi_value(v))


def daily_chart_png(
    frames: dict[str, pd.DataFrame], column: str, title: str, colours: dict[str, str]
) -> bytes:
    figure, axis = plt.subplots(figsize=(10, 4.5))
    _daily_axes(axis, frames, column, colours)
    axis.set_title(title)
    axis.legend(loc="upper left", fontsize=8)
    return _png(figure)


def summary_png(
    title: str,
    kpis: pd.DataFrame,
    frames: dict[str, pd.DataFrame],
    colours: dict[str, str],
    bands: dict[str, dict[str, dict[str, float]]] | None = None,
    daily_bands: dict[str, pd.DataFrame] | None = None,
    assumptions: str = "",
    image_format: str = "png",
) -> bytes:
    """A 16:9 page: the KPI table of the runs on the left (with the 10-90% band under a
    value where the run has replications), daily completions on the right (with bands),
    and the assumptions line at the foot. PNG, PDF or SVG."""
    bands = bands or {}
    figure = plt.figure(figsize=(13.33, 7.5))
    figure.suptitle(title, fontsize=18, x=0.03, ha="left", fontweight="bold")
    table_axis = figure.add_axes([0.02, 0.1, 0.44, 0.76])
    table_axis.axis("off")

    def text(label: str, kpi: str, value: float) -> str:
        if pd.isna(value):
            return "–"
        band = bands.get(label, {}).get(kpi)
        if not band:
            return kpi_value(value)
        return f"{kpi_value(value)}\n[{kpi_value(band['p10'])} - {kpi_value(band['p90'])}]"

    cells = [
        [text(label, kpi, kpis.at[kpi, label]) for label in kpis.columns] for kpi in kpis.index
    ]
    table = table_axis.table(
        cellText=cells,
        rowLabels=[k.replace("_", " ") for k in kpis.index],
        colLabels=list(kpis.columns),
        loc="upper right",
        cellLoc="right",
    )
    table.auto_set_font_size(False)
    table.set_fontsize(9)
    table.scale(1, 2.0 if bands else 1.35)
    for (row, column), cell in table.get_celld().items():
        if row == 0 and column >= 0:
            cell.set_text_props(color=colours[kpis.columns[column]], fontweight="bold")
    if bands:
        table_axis.text(0, 0, "[10% - 90%] over each run's replications", fontsize=8,
                        color="grey", transform=table_axis.transAxes)  # fmt: skip
    chart_axis = figure.add_axes([0.56, 0.16, 0.42, 0.68])
    _daily_axes(chart_axis, frames, "new_completions", colours, daily_bands)
    chart_axis.set_title("course completions a day" + (" (10-90% bands)" if daily_bands else ""))
    chart_axis.legend(loc="upper left", fontsize=8)
    footer = "karmayogi-sim · simulated results · dates in IST"
    figure.text(0.03, 0.045, footer, fontsize=9, color="grey")
    if assumptions:
        figure.text(0.03, 0.015, assumptions, fontsize=8, color="grey", wrap=True)
    return _png(figure, image_format)
