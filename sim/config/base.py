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


def check_shares(shares: dict[str, float], allowed: tuple[str, ...], what: str) -> None:
    unknown = sorted(set(shares) - set(allowed))
    if unknown:
        raise ValueError(f"unknown {what} {unknown}; allowed: {list(allowed)}")
    total = sum(shares.values())
    if abs(total - 1.0) > 1e-6:
        raise ValueError(f"{what} shares must add up to 1, they add up to {total:g}")
