"""The KPI comparison as a terminal table that reads at any width: one column per scenario
with the change against the first inline ("1,234 (+5.2%)"), or, when that does not fit,
a long table (one row per KPI and scenario). KPI names are never cut."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from sim.results.formatting import kpi_value, percent

PADDING = 3  # rich's cell padding and border per column


def cell(entry: dict[str, Any], name: str, is_base: bool) -> str:
    """A scenario's value of a KPI, with its change against the base inline."""
    if name not in entry["kpis"]:
        return "-"
    value = kpi_value(entry["kpis"][name])
    if is_base or name not in entry["delta"]:
        return value
    pct = entry["pct_delta"][name]
    if pct is not None:
        return f"{value} ({percent(pct)})"
    return f"{value} ({kpi_value(entry['delta'][name])})" if entry["delta"][name] else value


def wide_width(entries: list[dict[str, Any]], names: list[str]) -> int:
    """Columns a one-column-per-scenario table needs."""
    widths = [max(len("KPI"), *(len(n) for n in names))]
    for i, entry in enumerate(entries):
        cells = [cell(entry, n, i == 0) for n in names]
        widths.append(max(len(entry["scenario"]), *(len(c) for c in cells)))
    return sum(widths) + PADDING * len(widths) + 1


def comparison_table(entries: list[dict[str, Any]], names: list[str], width: int) -> Table:
    """Wide when it fits in `width` columns, long otherwise."""
    title = f"KPIs; in brackets the change against {entries[0]['scenario']}"
    if wide_width(entries, names) <= width:
        table = Table(title=title, title_justify="left")
        table.add_column("KPI", no_wrap=True)
        for entry in entries:
            table.add_column(entry["scenario"], justify="right", no_wrap=True)
        for name in names:
            table.add_row(name, *(cell(e, name, i == 0) for i, e in enumerate(entries)))
        return table
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("KPI", no_wrap=True)
    table.add_column("scenario", overflow="fold")
    table.add_column("value (change)", justify="right", no_wrap=True)
    for name in names:
        for i, entry in enumerate(entries):
            table.add_row(name if i == 0 else "", entry["scenario"], cell(entry, name, i == 0))
        table.add_section()
    return table
