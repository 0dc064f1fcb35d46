"""What every config model shares: strict models (unknown keys are errors, values frozen),
the numeric types with their bounds, and the check that shares add up to one."""

from __future__ import annotations

import re
from typing import Annotated, Any, get_args

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
        if isinstance(value, bool) and info.field_name in cls.model_fields:
            annotation = cls.model_fields[info.field_name].annotation
            kinds = get_args(annotation) or (annotation,)
            if bool not in kinds and any(kind in (int, float) for kind in kinds):
                raise ValueError(f"expected a number, got {str(value).lower()}")
        return value


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
