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


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def _daily_axes(axis, frames: dict[str, pd.DataFrame], column: str, colours: dict[str, str]):
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
) -> bytes:
    """A 16:9 page: the KPI table of the runs on the left, daily completions on the right."""
    figure = plt.figure(figsize=(13.33, 7.5))
    figure.suptitle(title, fontsize=18, x=0.03, ha="left", fontweight="bold")
    table_axis = figure.add_axes([0.02, 0.08, 0.44, 0.78])
    table_axis.axis("off")
    cells = [[kpi_value(v) if pd.notna(v) else "–" for v in row] for row in kpis.to_numpy()]
    table = table_axis.table(
        cellText=cells,
        rowLabels=[k.replace("_", " ") for k in kpis.index],
        colLabels=[c.split(" · ")[0] for c in kpis.columns],
        loc="upper right",
        cellLoc="right",
    )
    table.auto_set_font_size(False)
    table.set_fontsize(9)
    table.scale(1, 1.35)
    for (row, column), cell in table.get_celld().items():
        if row == 0 and column >= 0:
            cell.set_text_props(color=colours[kpis.columns[column]], fontweight="bold")
    chart_axis = figure.add_axes([0.56, 0.14, 0.42, 0.7])
    _daily_axes(chart_axis, frames, "new_completions", colours)
    chart_axis.set_title("course completions a day")
    chart_axis.legend(loc="upper left", fontsize=8)
    figure.text(0.03, 0.02, "karmayogi-sim · simulated results · dates in IST", fontsize=9,
                color="grey")  # fmt: skip
    return _png(figure)
