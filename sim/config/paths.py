"""Settings addressed by dotted paths, the one way sweeps, calibration, the designer and
`base:` variants name a field: `behaviour.drop_hazard_per_hour`, and list items by index
or by name: `campaigns.0.target_hours`, `campaigns.Karmayogi Saptah 2024.target_hours`.
When setting, `*` in place of a list item means every item: `campaigns.*.target_hours`
sets every campaign's target (none, if the list is empty)."""

from __future__ import annotations

import copy
from typing import Any

from sim.config.errors import ConfigError


def list_index(items: list[Any], key: Any, where: str) -> int:
    """The position of a list item named by its index (0, "0") or by its `name` field."""
    if isinstance(key, bool):
        raise ConfigError(f"{where}: {key!r} names no item")
    if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
        index = int(key)
        if index >= len(items):
            raise ConfigError(f"{where}: no item {key!r} in that list ({len(items)} items)")
        return index
    names = [item.get("name") if isinstance(item, dict) else None for item in items]
    if key not in names:
        known = ", ".join(repr(n) for n in names if n is not None) or "none"
        raise ConfigError(f"{where}: no item {key!r} in that list (items named: {known})")
    return names.index(key)


def _parent(data: dict[str, Any], path: str) -> tuple[Any, Any]:
    """The container holding the last part of `path`, and the key of that part in it."""
    where = f"path {path!r}"
    parts = path.split(".")
    node: Any = data
    for i, part in enumerate(parts):
        if isinstance(node, list):
            key: Any = list_index(node, part, where)
        elif isinstance(node, dict):
            key = part
        else:
            raise ConfigError(f"{where}: {'.'.join(parts[:i])} is not a section")
        if i == len(parts) - 1:
            return node, key
        if isinstance(node, dict) and key not in node:
            raise ConfigError(f"{where}: no setting {part!r}")
        node = node[key]
    raise AssertionError("unreachable: a path has at least one part")


def get_path(data: dict[str, Any], path: str) -> Any:
    node, key = _parent(data, path)
    if isinstance(node, dict) and key not in node:
        raise ConfigError(f"path {path!r}: no setting {key!r}")
    return node[key]


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set `value` at a dotted path of plain settings (in place)."""
    node, key = _parent(data, path)
    node[key] = value


def expand_path(data: dict[str, Any], path: str) -> list[str]:
    """The concrete paths a path with `*` items stands for in `data` (itself, if none)."""
    head, star, tail = path.partition(".*")
    if not star:
        return [path]
    if tail and not tail.startswith("."):
        raise ConfigError(f"path {path!r}: '*' must stand alone between dots")
    items = get_path(data, head)
    if not isinstance(items, list):
        raise ConfigError(f"path {path!r}: {head} is not a list, so '*' names nothing")
    return [p for i in range(len(items)) for p in expand_path(data, f"{head}.{i}{tail}")]


def with_paths(data: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of `data` with each dotted path (`*` for every list item) set to its
    value."""
    changed = copy.deepcopy(data)
    for path, value in changes.items():
        for concrete in expand_path(changed, path):
            set_path(changed, concrete, value)
    return changed
