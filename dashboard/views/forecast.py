"""Forecast: the whole-workforce model fitted to the published record, its backtests, and
its forecast of the next campaign week, each with its 10-90% band (parameter uncertainty
and run-to-run noise together). Reads the fitted ensembles kept with the package
(`sim/data/history_fit/`, made by `karmasim backtest`)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st
from charts import chart_title

from sim.forecasting import backtest as bt
from sim.forecasting.fit import Ensemble, weighted_quantiles
from sim.forecasting.observations import QUANTITIES, describe_quantity, observations
from sim.results.formatting import kpi_value, percent

SERIES = {
    "registered_users": "registered users",
    "completions_cumulative": "completions since launch",
}


def band_text(low: pd.Series, high: pd.Series) -> list[str]:
    return [f"{kpi_value(a)} - {kpi_value(b)}" for a, b in zip(low, high, strict=True)]


def fit_root() -> Path:
    return Path(str(resources.files("sim.data").joinpath("history_fit")))


@st.cache_data(show_spinner=False)
def ensembles() -> dict[str, Ensemble]:
    root = fit_root()
    if not root.exists():
        return {}
    return {f.name: bt.load(f) for f in sorted(root.iterdir()) if f.is_dir()}


def bands(ensemble: Ensemble, quantity: str) -> pd.DataFrame:
    weight_of = dict(enumerate(ensemble.weights))
    series = ensemble.series.assign(weight=ensemble.series["run"].map(weight_of))
    rows = []
    for date, group in series.groupby("date"):
        p10, p50, p90 = weighted_quantiles(
            group[quantity].to_numpy(), group["weight"].to_numpy(), (0.1, 0.5, 0.9)
        )
        rows.append({"date": date, "p10": p10, "median": p50, "p90": p90})
    return pd.DataFrame(rows)


st.title("Forecast")
fits = ensembles()
if not fits:
    st.info("No fitted ensemble is installed: run `karmasim backtest` to make one.")
    st.stop()
cutoff = st.selectbox("Fitted on the figures up to", list(fits), index=len(fits) - 1,
                      key="forecast.cutoff")  # fmt: skip
ensemble = fits[cutoff]
st.caption(
    f"{len(ensemble.weights)} simulations weighted by their fit, {ensemble.ess:.1f} effective; "
    "bands are the 10-90% range over them."
)

published = observations()
columns = st.columns(len(SERIES))
for column, (quantity, title) in zip(columns, SERIES.items(), strict=True):
    band = bands(ensemble, quantity)
    points = published[published["quantity"] == quantity].copy()
    points["used"] = points["date"].map(lambda d: "fitted" if d <= ensemble.cutoff else "forecast")
    points["date"] = pd.to_datetime(points["date"])
    x = alt.X("date:T", title=None, axis=alt.Axis(format="%b %Y"))
    area = (
        alt.Chart(band)
        .mark_area(opacity=0.35, color="#2e75b6")
        .encode(x=x, y=alt.Y("p10:Q", title=title), y2="p90:Q")
    )
    line = alt.Chart(band).mark_line(color="#1f4e79").encode(x=x, y="median:Q")
    dots = alt.Chart(points).mark_point(filled=True, size=60).encode(
        x=x, y="value:Q",
        color=alt.Color("used:N", title="published",
                        scale=alt.Scale(domain=["fitted", "forecast"], range=["black", "#c0392b"])),
        tooltip=["date:T", alt.Tooltip("value:Q", format=",.0f"), "source:N"],
    )  # fmt: skip
    cut = (
        alt.Chart(pd.DataFrame({"date": [pd.Timestamp(ensemble.cutoff)]}))
        .mark_rule(strokeDash=[4, 4], color="#c0392b")
        .encode(x="date:T")
    )
    column.altair_chart(
        (area + line + dots + cut).properties(title=chart_title(QUANTITIES[quantity]), height=280),
        width="stretch",
    )

st.subheader("Backtest: the figures after the cut-off")
table = bt.backtest_table(ensemble)
later = table[table["role"] == "forecast"]
if later.empty:
    st.info("Every published figure is before this cut-off: nothing to backtest.")
else:
    inside, total = bt.in_band_counts(table)
    st.write(f"{inside} of {total} later figures fell inside the 10-90% band.")
    st.dataframe(
        pd.DataFrame({
            "date": later["date"].astype(str),
            "figure": later["quantity"].map(describe_quantity),
            "published": later["published"].map(kpi_value),
            "forecast": later["median"].map(kpi_value),
            "10% - 90%": band_text(later["p10"], later["p90"]),
            "error": later["error_pct"].map(percent),
            "in band": later["in_band"].map({True: "yes", False: "no"}),
        }),
        hide_index=True, width="stretch",
    )  # fmt: skip

st.subheader("The next campaign week")
forecast = bt.forecast_table(ensemble)
st.dataframe(
    pd.DataFrame({
        "figure": forecast["figure"],
        "median": forecast["p50"].map(kpi_value),
        "10% - 90%": band_text(forecast["p10"], forecast["p90"]),
    }),
    hide_index=True, width="stretch",
)  # fmt: skip
st.subheader("The fitted parameters")
st.caption("Each parameter's prior range and its posterior median and 10-90% range.")
st.dataframe(pd.read_csv(fit_root() / cutoff / "posterior.csv"), hide_index=True, width="stretch")
