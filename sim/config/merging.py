"""`base:` variants: a scenario states only what it changes from its base.

Mappings merge key by key. A list given as a list replaces the base's list whole. A list
given as a mapping changes items of the base's list: its keys name items by index or by
`name` (as in `sim.config.paths`), and each item's changes merge into that item, so a
variant can change one field of one campaign and keep the rest, calibrated values
included:

    base: saptah_2024.yaml
    campaigns:
      0: {target_hours: 6}
"""

from __future__ import annotations

from typing import Any

from sim.config.errors import ConfigError
from sim.config.paths import list_index


def merge_settings(
    base: dict[str, Any], changes: dict[str, Any], source: str = "settings", where: str = ""
) -> dict[str, Any]:
    """`base` with `changes` applied (neither is modified)."""
    merged = dict(base)
    for key, value in changes.items():
        path = f"{where}.{key}" if where else str(key)
        current = merged.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            merged[key] = merge_settings(current, value, source, path)
        elif isinstance(value, dict) and isinstance(current, list):
            merged[key] = _merge_items(current, value, source, path)
        else:
            merged[key] = value
    return merged


def _merge_items(items: list[Any], changes: dict[Any, Any], source: str, where: str) -> list[Any]:
    merged = list(items)
    for key, value in changes.items():
        index = list_index(merged, key, f"{source}: {where}")
        if not isinstance(value, dict) or not isinstance(merged[index], dict):
            raise ConfigError(
                f"{source}: {where}.{key}: changes to a list item must be a mapping of its fields"
            )
        merged[index] = merge_settings(merged[index], value, source, f"{where}.{key}")
    return merged
