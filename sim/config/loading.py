"""Reading scenario files: YAML in, one validated `Scenario` (or one `ConfigError`) out.

A file with `base: other.yaml` starts from that scenario and states only what it changes
(see `sim.config.merging`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from sim.config.errors import ConfigError, ModelT, problems, validated
from sim.config.merging import merge_settings
from sim.config.scenario import Scenario


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


def read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, not a file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot be read ({error})") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(f"{path}: not valid YAML{where}") from None


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


def load_settings(path: str | Path) -> Any:
    """A scenario file's settings with its `base:` chain applied, not yet validated."""
    path = Path(path)
    return _resolve_base(path, read_yaml(path))


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario YAML file; any problem raises one `ConfigError`."""
    path = Path(path)
    return validate_scenario(load_settings(path), source=str(path))
