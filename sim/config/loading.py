"""Reading scenario files: YAML in, one validated `Scenario` (or one `ConfigError`) out.

A file with `base: other.yaml` starts from that scenario and states only what it changes
(see `sim.config.merging`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.config.errors import ConfigError, ModelT, problems, validated
from sim.config.merging import merge_settings
from sim.config.scenario import Scenario
from sim.config.yaml_reader import parse_yaml, read_yaml


def scenario_problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    """Each problem with a scenario as (field path, message); empty when it is valid. For
    forms that show a message next to the field it concerns."""
    try:
        Scenario.model_validate(data)
    except ValidationError as error:
        return problems(error)
    return []


def validate_scenario(data: Any, source: str = "scenario") -> Scenario:
    return validated(Scenario, data, source)


def load_model(path: str | Path, model: type[ModelT]) -> ModelT:
    """Read a YAML file and validate it as `model`; any problem raises one `ConfigError`."""
    path = Path(path)
    return validated(model, read_yaml(path), str(path))


def _resolve_base(path: Path, data: Any, seen: tuple[Path, ...] = ()) -> Any:
    """A scenario may name a `base:` file (relative to itself) and change only what differs."""
    if not isinstance(data, dict) or "base" not in data:
        return data
    base_path = (path.parent / str(data["base"])).resolve()
    if base_path in seen:
        raise ConfigError(f"{path}: base files refer to each other ({base_path.name})")
    base = _resolve_base(base_path, read_yaml(base_path), (*seen, path.resolve()))
    if not isinstance(base, dict):
        raise ConfigError(f"{base_path}: expected a mapping of settings")
    changes = {k: v for k, v in data.items() if k != "base"}
    return merge_settings(base, changes, source=str(path))


def upload_settings(text: str, source: str, built_ins: Path) -> dict[str, Any]:
    """The settings of an uploaded scenario (read with the bounded reader), with a
    `base:` naming one of the built-in scenarios in `built_ins` applied; not yet
    validated. An upload has no folder of its own, so a base can only be a built-in."""
    data = parse_yaml(text, source)
    if not isinstance(data, dict):
        raise ConfigError(
            f"{source}: expected a mapping of settings (name:, calendar:, ...), "
            f"got {type(data).__name__}"
        )
    if "base" not in data:
        return data
    name = str(data["base"])
    known = {p.name: p for p in built_ins.glob("*.yaml")}
    if Path(name).name not in known or Path(name).name != name.removeprefix("configs/"):
        raise ConfigError(
            f"{source}: base: {name!r} is not a built-in scenario; an upload can start from "
            f"one of {', '.join(sorted(known))}"
        )
    changes = {k: v for k, v in data.items() if k != "base"}
    return merge_settings(load_settings(known[Path(name).name]), changes, source=source)


def load_settings(path: str | Path) -> Any:
    """A scenario file's settings with its `base:` chain applied, not yet validated."""
    path = Path(path)
    return _resolve_base(path, read_yaml(path))


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario YAML file; any problem raises one `ConfigError`."""
    path = Path(path)
    return validate_scenario(load_settings(path), source=str(path))
