"""Uncertainty over replications: the median and the 10-90% band of every KPI and series.

One run is one draw; replications differ only in their seed. Bands are plain numpy
quantiles across runs, element by element.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

QUANTILES = (0.1, 0.5, 0.9)


def kpi_bands(runs: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    """For each KPI present in every run: p10, median, p90 and the number of runs."""
    if not runs:
        return {}
    names = [k for k in runs[0] if all(k in r for r in runs)]
    values = np.array([[r[k] for k in names] for r in runs], dtype=float)
    low, mid, high = np.quantile(values, QUANTILES, axis=0)
    return {
        name: {"p10": float(low[i]), "median": float(mid[i]), "p90": float(high[i]), "n": len(runs)}
        for i, name in enumerate(names)
    }


def series_bands(frames: list[pd.DataFrame], key: str, columns: list[str]) -> pd.DataFrame:
    """Per value of `key` (e.g. date), each column's p10, median and p90 across runs; rows
    missing from any run are dropped."""
    aligned = [f.set_index(key)[columns] for f in frames]
    common = aligned[0].index
    for frame in aligned[1:]:
        common = common.intersection(frame.index)
    stack = np.stack([f.loc[common].to_numpy(dtype=float) for f in aligned])
    low, mid, high = np.quantile(stack, QUANTILES, axis=0)
    result = pd.DataFrame({key: common})
    for j, column in enumerate(columns):
        result[f"{column}_p10"] = low[:, j]
        result[f"{column}_median"] = mid[:, j]
        result[f"{column}_p90"] = high[:, j]
    return result


def paired_delta_bands(
    base: list[dict[str, float]], other: list[dict[str, float]]
) -> dict[str, dict[str, float]]:
    """Bands of the run-by-run difference `other[i] - base[i]` (and of it in % of the base
    run), for runs paired by common seeds and parameters: the band of a difference is much
    narrower than the difference of two bands when the noise is shared."""
    if len(base) != len(other):
        raise ValueError(f"paired runs: {len(base)} base runs against {len(other)}")
    bands = {}
    for name in (k for k in base[0] if all(k in r for r in base + other)):
        before = np.array([r[name] for r in base], dtype=float)
        delta = np.array([r[name] for r in other], dtype=float) - before
        low, mid, high = np.quantile(delta, QUANTILES)
        band = {"p10": float(low), "median": float(mid), "p90": float(high), "n": len(base)}
        if np.all(before != 0):
            pct = np.quantile(100.0 * delta / np.abs(before), QUANTILES)
            band |= {
                "pct_p10": float(pct[0]),
                "pct_median": float(pct[1]),
                "pct_p90": float(pct[2]),
            }
        bands[name] = band
    return bands
