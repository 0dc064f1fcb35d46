"""The fit's settings and its parameters' priors (`configs/fits/history.yaml`), and how a
parameter vector becomes a scenario."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, model_validator

from sim.config import Scenario, Strict, load_model, load_scenario, validate_scenario, with_paths


class Prior(Strict):
    """One fitted parameter: its prior (uniform, log-uniform, or uniform over dates) and
    the scenario fields it sets (several, when one value is shared)."""

    name: str
    stage: Literal["adoption", "behaviour"]
    prior: Literal["uniform", "loguniform", "date"]
    low: float | dt.date
    high: float | dt.date
    paths: Annotated[list[str], Field(min_length=1)]

    @model_validator(mode="after")
    def _range(self) -> Prior:
        if self.prior == "date":
            if not isinstance(self.low, dt.date) or not isinstance(self.high, dt.date):
                raise ValueError(f"{self.name}: a date prior needs dates as low and high")
        elif isinstance(self.low, dt.date) or isinstance(self.high, dt.date):
            raise ValueError(f"{self.name}: low and high must be numbers")
        if not self.low < self.high:  # type: ignore[operator]
            raise ValueError(f"{self.name}: low must be below high")
        if self.prior == "loguniform" and self.low <= 0:  # type: ignore[operator]
            raise ValueError(f"{self.name}: a log-uniform prior needs low > 0")
        return self

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Prior quantiles of `u` in [0, 1) (dates as ordinals)."""
        if self.prior == "date":
            low, high = self.low.toordinal(), self.high.toordinal()  # type: ignore[union-attr]
            return low + u * (high - low)
        low, high = float(self.low), float(self.high)  # type: ignore[arg-type]
        if self.prior == "loguniform":
            return np.exp(np.log(low) + u * (np.log(high) - np.log(low)))
        return low + u * (high - low)

    def setting(self, value: float) -> Any:
        """The value as the scenario wants it (a date for date priors)."""
        if self.prior == "date":
            return dt.date.fromordinal(int(round(value))).isoformat()
        return float(value)


class FitConfig(Strict):
    scenario: Path
    scale: Annotated[int, Field(ge=1)] = 8000
    runs: Annotated[int, Field(ge=4, le=4096)] = 64
    seed: Annotated[int, Field(ge=0)] = 0
    adoption_walkers: Annotated[int, Field(ge=4, le=1000)] = 48
    adoption_steps: Annotated[int, Field(ge=100, le=100_000)] = 3000
    model_error: Annotated[float, Field(ge=0.0, le=2.0)] = 0.10
    min_effective_runs: Annotated[float, Field(ge=1.0)] = 8.0
    parameters: list[Prior]

    def stage(self, stage: str) -> list[Prior]:
        return [p for p in self.parameters if p.stage == stage]


def load_fit(path: str | Path) -> tuple[FitConfig, Scenario]:
    """The fit's settings and its scenario (relative to the settings file)."""
    path = Path(path)
    fit = load_model(path, FitConfig)
    scenario = load_scenario((path.parent / fit.scenario).resolve())
    return fit, scenario


def scenario_with(scenario: Scenario, fit: FitConfig, values: dict[str, float]) -> Scenario:
    """`scenario` with each fitted parameter set to its value (by name), at the fit's scale."""
    changes = {}
    for prior in fit.parameters:
        if prior.name in values:
            for path in prior.paths:
                changes[path] = prior.setting(values[prior.name])
    data = with_paths(scenario.canonical(), changes)
    data["scale"] = fit.scale
    return validate_scenario(data, source=f"{scenario.name} (fitted parameters)")
