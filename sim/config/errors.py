"""One kind of error for every unusable setting, and one way to word pydantic's findings:
each problem as `source: field.path: message`, the field path as a planner writes it."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

ModelT = TypeVar("ModelT", bound=BaseModel)


class ConfigError(ValueError):
    """A scenario file that cannot be used; the message names the field and the problem."""


def _location(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "(top level)"


def problems(error: ValidationError) -> list[tuple[str, str]]:
    """Each problem as (field path, message)."""
    found = []
    for err in error.errors():
        if err["type"] == "extra_forbidden":
            message = "unknown key"
        elif err["type"] == "missing":
            message = "required field is missing"
        else:
            message = err["msg"].removeprefix("Value error, ")
        found.append((_location(tuple(err["loc"])), message))
    return found


def format_validation_error(error: ValidationError, source: str) -> str:
    return "\n".join(f"{source}: {where}: {message}" for where, message in problems(error))


def validated(model: type[ModelT], data: Any, source: str) -> ModelT:
    """`data` validated as `model`; any problem raises one `ConfigError` naming `source`."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping of settings, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ConfigError(format_validation_error(error, source)) from None
