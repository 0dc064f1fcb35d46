"""What every config model shares: strict models (unknown keys are errors, values frozen),
the numeric types with their bounds, and the check that shares add up to one."""

from __future__ import annotations

import re
from typing import Annotated, Any, get_args, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

Share = Annotated[float, Field(ge=0.0, le=1.0)]
PositiveFloat = Annotated[float, Field(gt=0.0)]
NonNegativeFloat = Annotated[float, Field(ge=0.0)]
HourProfile = Annotated[list[NonNegativeFloat], Field(min_length=24, max_length=24)]


_SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")


def _safe_name(name: str) -> str:
    if not _SAFE_NAME.fullmatch(name):
        raise ValueError(
            f"{name!r} is not a usable name: 1-64 letters, digits, '_', '.' or '-', "
            "not starting with '.' or '-'"
        )
    return name


# A name that becomes part of a folder name (no hidden or parent-directory names).
SafeName = Annotated[str, AfterValidator(_safe_name)]


class Strict(BaseModel):
    """Unknown keys are errors, values are frozen, infinity and NaN are refused, and a
    number is never read from true/false (`officers: true` is not 1 officer)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_booleans_as_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if field and _holds_a_boolean(value) and _numbers_only(field.annotation):
            raise ValueError("expected a number, got true or false")
        return value


def _holds_a_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, dict):
        return any(_holds_a_boolean(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_holds_a_boolean(v) for v in value)
    return False


def _numbers_only(annotation: Any) -> bool:
    """The annotation's values are numbers (int or float, possibly inside Optional,
    Annotated, lists or dict values) and never booleans."""
    leaves: list[Any] = []

    def collect(kind: Any) -> None:
        args = get_args(kind)
        if not args:
            leaves.append(kind)
            return
        if get_origin(kind) is dict:
            collect(args[1])
        elif get_origin(kind) is Annotated:
            collect(args[0])
        else:
            for arg in args:
                collect(arg)

    collect(annotation)
    return (
        bool not in leaves
        and any(leaf in (int, float) for leaf in leaves)
        and all(leaf in (int, float, type(None)) for leaf in leaves)
    )


def check_known(names, allowed: tuple[str, ...], what: str, empty_ok: bool = True) -> None:
    """Every name is one of `allowed` (and, unless `empty_ok`, there is at least one)."""
    unknown = sorted(set(names) - set(allowed))
    if unknown or (not empty_ok and not names):
        label = what if empty_ok else f"or empty {what}"
        raise ValueError(f"unknown {label} {unknown}; allowed: {list(allowed)}")


def check_shares(shares: dict[str, float], allowed: tuple[str, ...], what: str) -> None:
    check_known(shares, allowed, what)
    total = sum(shares.values())
    if abs(total - 1.0) > 1e-6:
        raise ValueError(f"{what} shares must add up to 1, they add up to {total:g}")


def check_increasing_dates(dates: list) -> None:
    """A dated series' dates are strictly increasing (no repeats, in order)."""
    if any(later <= earlier for earlier, later in zip(dates, dates[1:], strict=False)):
        raise ValueError("dates must be strictly increasing")
