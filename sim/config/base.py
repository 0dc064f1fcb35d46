"""What every config model shares: strict models (unknown keys are errors, values frozen),
the numeric types with their bounds, and the check that shares add up to one."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Share = Annotated[float, Field(ge=0.0, le=1.0)]
PositiveFloat = Annotated[float, Field(gt=0.0)]
NonNegativeFloat = Annotated[float, Field(ge=0.0)]
HourProfile = Annotated[list[NonNegativeFloat], Field(min_length=24, max_length=24)]


class ConfigError(ValueError):
    """A scenario file that cannot be used; the message names the field and the problem."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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
