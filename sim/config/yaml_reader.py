"""The one YAML reader for what users give us (scenario, sweep and fit files, the
dashboard's uploads): safe types only, and bounded, so that no input can hang the tool,
exhaust its memory or slip through as a silently wrong value.

- At most `MAX_BYTES` of text: `/dev/zero` or a huge file is refused, not read to its end;
  numbers of more than `MAX_NUMBER_CHARS` characters and YAML 1.1's base-60 numbers
  (`1:30`) are refused (their conversion is slow or fails).
- At most `MAX_NODES` values once aliases are expanded, nested at most `MAX_DEPTH` deep: a
  "billion laughs" document or 50,000 nested brackets is refused before it is built.
- A key given twice in one mapping is refused (YAML itself keeps the last one silently);
  merge keys (`<<`) are refused (PyYAML merges nested ones wrongly; `base:` does the job).
- `.inf` and `.nan` are refused: no setting means infinity.
- An impossible date (`2024-02-30`) is refused with its line, like every other problem.

Every problem is one `ConfigError` naming the source and the line.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml

from sim.config.errors import ConfigError

MAX_BYTES = 256 << 10  # 256 KiB: the largest shipped scenario is under 10 KiB
MAX_NUMBER_CHARS = 40  # a number written with more characters is not a setting
MAX_NODES = 100_000  # values after alias expansion
MAX_DEPTH = 64  # levels of nesting


class _Refused(yaml.MarkedYAMLError):
    """A document the reader will not build (its mark names the line)."""


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys, infinities, NaN and impossible dates."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _Refused(
                    problem="merge keys (<<) are not accepted; to start from another "
                    "scenario, name it with base:",
                    problem_mark=key_node.start_mark,
                )
            key = self.construct_object(key_node, deep=True)
            try:
                repeated = key in seen
            except TypeError:  # an unhashable key: SafeLoader words that error itself
                break
            if repeated:
                raise _Refused(
                    problem=f"key {key!r} is given twice (first at line "
                    f"{seen[key].start_mark.line + 1})",
                    problem_mark=key_node.start_mark,
                )
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)

    def _check_number(self, node: yaml.ScalarNode) -> None:
        if len(node.value) > MAX_NUMBER_CHARS or ":" in node.value:
            raise _Refused(
                problem=f"{node.value[:40]!r}... is not a usable number (too long, or base 60)"
                if len(node.value) > 40
                else f'{node.value!r} is not read as a number (base 60): quote it, e.g. "12:00"',
                problem_mark=node.start_mark,
            )

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        self._check_number(node)
        return super().construct_yaml_int(node)

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float:
        self._check_number(node)
        value = super().construct_yaml_float(node)
        if not math.isfinite(value):
            raise _Refused(
                problem=f"{node.value!r} is not a usable number (infinite or NaN)",
                problem_mark=node.start_mark,
            )
        return value

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as error:
            raise _Refused(
                problem=f"{node.value!r} is not a real date ({error})",
                problem_mark=node.start_mark,
            ) from None


_BoundedLoader.add_constructor("tag:yaml.org,2002:int", _BoundedLoader.construct_yaml_int)
_BoundedLoader.add_constructor("tag:yaml.org,2002:float", _BoundedLoader.construct_yaml_float)
_BoundedLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", _BoundedLoader.construct_yaml_timestamp
)


def _check_size(root: yaml.Node) -> None:
    """Refuse a document whose expansion (aliases followed) is too large or too deep;
    shared nodes are sized once, so the check itself stays cheap."""
    sizes: dict[int, tuple[int, int]] = {}  # node id -> (expanded values, depth)

    def measure(node: yaml.Node, depth: int) -> tuple[int, int]:
        if depth > MAX_DEPTH:
            raise _Refused(
                problem=f"nested more than {MAX_DEPTH} levels deep", problem_mark=node.start_mark
            )
        known = sizes.get(id(node))
        if known is not None:  # an alias: its depth counts from where it is used
            if depth + known[1] > MAX_DEPTH:
                raise _Refused(
                    problem=f"nested more than {MAX_DEPTH} levels deep (through aliases)",
                    problem_mark=node.start_mark,
                )
            return known
        count, deepest = 1, 0
        if isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            children = []
        for child in children:
            child_count, child_depth = measure(child, depth + 1)
            count += child_count
            deepest = max(deepest, child_depth + 1)
            if count > MAX_NODES:
                raise _Refused(
                    problem=f"more than {MAX_NODES:,} values once its aliases are expanded",
                    problem_mark=node.start_mark,
                )
        sizes[id(node)] = (count, deepest)
        return count, deepest

    measure(root, 0)


def parse_yaml(text: str, source: str) -> Any:
    """The document in `text`, within the bounds above; one `ConfigError` otherwise."""
    if len(text) > MAX_BYTES:
        raise ConfigError(f"{source}: larger than {MAX_BYTES // 1024} KiB; not a settings file")
    loader = _BoundedLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        _check_size(root)
        return loader.construct_document(root)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        if isinstance(error, _Refused):
            raise ConfigError(f"{source}: {where}: {error.problem}") from None
        raise ConfigError(f"{source}: not valid YAML at {where}: {error.problem}") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{source}: not valid YAML ({error})") from None
    except RecursionError:
        raise ConfigError(f"{source}: nested too deeply to read") from None
    finally:
        loader.dispose()


def read_yaml(path: Path) -> Any:
    """The YAML document in the file at `path` (at most `MAX_BYTES` are read)."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, not a file") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read ({error.strerror or error})") from None
    if len(raw) > MAX_BYTES:
        raise ConfigError(f"{path}: larger than {MAX_BYTES // 1024} KiB; not a settings file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    return parse_yaml(text, str(path))
