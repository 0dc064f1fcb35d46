"""Bands over replications on inputs whose quantiles are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.results.bands import kpi_bands, paired_delta_bands, series_bands


def test_kpi_bands_are_numpy_quantiles():
    runs = [{"completions": float(v), "peak": 10.0 * v} for v in range(11)]  # 0..10
    bands = kpi_bands(runs)
    assert bands["completions"] == {"p10": 1.0, "median": 5.0, "p90": 9.0, "n": 11}
    assert bands["peak"]["median"] == 50.0


def test_kpis_missing_from_a_run_are_left_out():
    bands = kpi_bands([{"a": 1.0, "b": 2.0}, {"a": 3.0}])
    assert set(bands) == {"a"} and bands["a"]["median"] == 2.0
    assert kpi_bands([]) == {}


def test_series_bands_per_date():
    dates = pd.date_range("2024-10-19", periods=3)
    frames = [pd.DataFrame({"date": dates, "x": np.array([1.0, 2.0, 3.0]) * k}) for k in range(5)]
    frames[0] = frames[0].iloc[1:]  # a run missing the first day: that day is dropped
    band = series_bands(frames, "date", ["x"])
    assert list(band["date"]) == list(dates[1:])
    assert band["x_median"].tolist() == pytest.approx([4.0, 6.0])  # medians of 2k and 3k
    assert band["x_p10"].tolist() == pytest.approx([0.8, 1.2])  # numpy's linear quantile


def test_paired_delta_bands_are_quantiles_of_run_by_run_differences():
    base = [{"x": float(v)} for v in range(1, 12)]  # 1..11
    shifted = [{"x": r["x"] + 2.0} for r in base]  # every run 2 more: no spread at all
    bands = paired_delta_bands(base, shifted)["x"]
    assert (bands["p10"], bands["median"], bands["p90"]) == (2.0, 2.0, 2.0)
    assert bands["pct_median"] == pytest.approx(100.0 * 2.0 / 6.0)
    # the difference of two unpaired bands would be -6 .. +10: pairing is what removes it
    reversed_runs = list(reversed(shifted))
    assert paired_delta_bands(base, reversed_runs)["x"]["p10"] < 0.0
    with pytest.raises(ValueError, match="paired runs"):
        paired_delta_bands(base, shifted[:3])


def test_paired_delta_bands_give_no_percent_against_a_zero_base():
    bands = paired_delta_bands([{"x": 0.0}, {"x": 1.0}], [{"x": 1.0}, {"x": 1.0}])["x"]
    assert "pct_median" not in bands and bands["median"] == 0.5
