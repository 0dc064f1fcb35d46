"""How servers and cost depend on the request mix's assumed inputs (a tornado).

Each input of `platform.client` named in sim/data/request_mix_ranges.yaml is moved, one at
a time, to the low and the high end of its range, the others as configured. The run's own
minute-by-minute learners, session starts and webinar joins are priced again with the
changed client: the servers the latency target needs in the busiest hour, and the
server-hours and cost of provisioning hour by hour. Nothing is simulated again, which is
exact for an unconstrained platform (the load does not act back on learners); for a run
with fixed or autoscaled servers it prices the demand that reached the platform.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import ValidationError, model_validator

from sim.config import ClientConfig, ConfigError, PlatformConfig
from sim.config.base import Strict
from sim.config.yaml_reader import parse_yaml
from sim.platform.client_load import ClientLoad
from sim.platform.load_test_fit import server_model
from sim.platform.tables import hourly_servers


class MixRange(Strict):
    """A range for one input: `low` and `high` values, or `scale` factors for a call list."""

    low: float | None = None
    high: float | None = None
    scale: tuple[float, float] | None = None
    why: str

    @model_validator(mode="after")
    def _one_kind(self) -> MixRange:
        values = self.low is not None and self.high is not None
        if values == (self.scale is not None):
            raise ValueError("give either low and high, or scale: [low factor, high factor]")
        low, high = (self.low, self.high) if values else self.scale
        if not low < high:
            raise ValueError(f"the low end ({low:g}) must be below the high end ({high:g})")
        return self

    def ends(self, configured: float | dict[str, float]) -> tuple[object, object]:
        if self.scale is None:
            return self.low, self.high
        return tuple({api: n * factor for api, n in configured.items()} for factor in self.scale)

    def describe(self, end: int) -> str:
        if self.scale is None:
            return f"{(self.low, self.high)[end]:g}"
        return f"x{self.scale[end]:g}"


def request_mix_ranges() -> dict[str, MixRange]:
    """The ranges, each named after a `platform.client` setting: a number with low and
    high, or a call list (a mapping) with scale factors."""
    where = "sim/data/request_mix_ranges.yaml"
    text = resources.files("sim.data").joinpath("request_mix_ranges.yaml").read_text("utf-8")
    ranges = {}
    defaults = ClientConfig()
    for name, spec in parse_yaml(text, where).items():
        try:
            ranges[name] = MixRange.model_validate(spec)
        except ValidationError as error:
            raise ConfigError(f"{where}: {name}: {error.errors()[0]['msg']}") from None
        if name not in ClientConfig.model_fields:
            raise ConfigError(f"{where}: {name} is not a setting of platform.client")
        if isinstance(getattr(defaults, name), dict) != (ranges[name].scale is not None):
            raise ConfigError(f"{where}: {name}: use scale for a call list, low/high otherwise")
    return ranges


def provisioning(platform: PlatformConfig, load: pd.DataFrame) -> dict[str, float]:
    """Servers for the latency target in the busiest hour, and the server-hours and cost
    of provisioning each hour for its busiest minute, for the run's minute table."""
    client = ClientLoad.from_config(platform)
    by_api = client.by_api(
        load["session_learners"].to_numpy(),
        load["webinar_learners"].to_numpy(),
        load["session_starts"].to_numpy(),
        load["webinar_joins"].to_numpy(),
    )
    standard = client.standard_load(by_api)
    _, needed = hourly_servers(server_model(platform, client.steady_mix()), standard)
    server_hours = float(needed.sum())
    return {
        "servers": int(needed.max()) if needed.size else 0,
        "server_hours": server_hours,
        "cost": server_hours * platform.server.cost_per_hour,
    }


def with_client(platform: PlatformConfig, name: str, value: object) -> PlatformConfig:
    client = platform.client.model_dump()
    client[name] = value
    return platform.model_validate({**platform.model_dump(), "client": client})


def mix_sensitivity(platform: PlatformConfig, load: pd.DataFrame) -> pd.DataFrame:
    """One row per input, largest swing in cost first: its range, and servers, server-hours
    and cost at each end, with the configured values alongside."""
    base = provisioning(platform, load)
    rows = []
    for name, spec in request_mix_ranges().items():
        configured = getattr(platform.client, name)
        ends = [provisioning(with_client(platform, name, v), load) for v in spec.ends(configured)]
        rows.append(
            {
                "input": name,
                "configured": "x1" if spec.scale else f"{configured:g}",
                "low": spec.describe(0),
                "high": spec.describe(1),
                "servers_low": ends[0]["servers"],
                "servers_high": ends[1]["servers"],
                "servers_base": base["servers"],
                "cost_low": ends[0]["cost"],
                "cost_high": ends[1]["cost"],
                "cost_base": base["cost"],
                "server_hours_low": ends[0]["server_hours"],
                "server_hours_high": ends[1]["server_hours"],
                "why": spec.why,
            }
        )
    table = pd.DataFrame(rows)
    table["cost_swing"] = (table["cost_high"] - table["cost_low"]).abs()
    table["servers_swing"] = (table["servers_high"] - table["servers_low"]).abs()
    order = np.lexsort((-table["servers_swing"].to_numpy(), -table["cost_swing"].to_numpy()))
    return table.iloc[order].reset_index(drop=True)


def plot_tornado(table: pd.DataFrame, title: str, path: Path) -> Path:
    """Cost at the low and high end of each input around the configured cost, largest
    swing on top."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import StrMethodFormatter

    rows = table.iloc[::-1]
    base = float(rows["cost_base"].iloc[0])
    figure, axis = plt.subplots(figsize=(9, 0.5 * len(rows) + 1.5))
    y = np.arange(len(rows))
    for column, colour, label in (("cost_low", "#2e75b6", "low end"),
                                  ("cost_high", "#c55a11", "high end")):  # fmt: skip
        axis.barh(y, rows[column] - base, left=base, color=colour, alpha=0.85, label=label)
    axis.axvline(base, color="black", linewidth=1)
    axis.set_yticks(y, [f"{r.input} ({r.low} - {r.high})" for r in rows.itertuples()])
    axis.set_xlabel("cost of hour-by-hour servers (INR)")
    axis.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    axis.set_title(title, loc="left")
    axis.legend(loc="lower right")
    axis.grid(axis="x", alpha=0.3)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path
