"""The fitted parameters' one home, `sim/data/calibrated.yaml`, read once: the scenario
models take their defaults from it (see that file for what they were fitted to)."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml


@cache
def _values() -> dict[str, float]:
    text = resources.files("sim.data").joinpath("calibrated.yaml").read_text("utf-8")
    return {name: float(value) for name, value in yaml.safe_load(text)["values"].items()}


def calibrated(name: str) -> float:
    """A fitted value by its calibration name (`sim.experiments.calibration.PARAMETERS`)."""
    return _values()[name]
