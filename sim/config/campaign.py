"""A National Learning Week style campaign: its window, target, take-up, deadline rush,
webinars and staggered waves."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from sim.config.base import NonNegativeFloat, PositiveFloat, Share, Strict, check_known
from sim.config.calibrated import calibrated
from sim.config.competencies import builtin_dictionary
from sim.config.vocabulary import CADRES, SECTORS, SERVICE_GROUPS, reference_units, unit_names


class MeansMultiplier(Strict):
    """Take-up hazard by the campaign's means, relative to an appeal (the 2024 week was an
    appeal: `EngagementConfig.probability` is fitted to it)."""

    appeal: PositiveFloat = 1.0
    directive: PositiveFloat = calibrated("directive_multiplier")
    appraisal_mandate: PositiveFloat = calibrated("appraisal_mandate_multiplier")


class EngagementConfig(Strict):
    """Who takes up a campaign, and when. An officer's chance to engage over the planned
    window is 1 - exp(-k * w) where w scales with their routine propensity (elasticity) and
    group; k is set so that an officer of median propensity engages with `probability`."""

    probability: Share = calibrated("engagement_probability")
    propensity_elasticity: Annotated[float, Field(ge=0.0, le=3.0)] = 0.5
    group_multiplier: dict[str, PositiveFloat] = {"A": 1.3, "B": 1.1, "C": 1.0}
    launch_boost: NonNegativeFloat = 2.0
    launch_decay_days: PositiveFloat = 1.5
    engaged_logins_per_day: PositiveFloat = 3.0
    continue_after_target: Share = calibrated("continue_after_target")
    means_multiplier: MeansMultiplier = MeansMultiplier()


class DeadlineRushConfig(Strict):
    """Activity of engaged officers rises linearly to `peak_multiplier` over the last `days`
    before the deadline in force; the deadline moves when an extension is announced."""

    days: Annotated[float, Field(ge=0.0, le=60.0)] = 2.0
    peak_multiplier: Annotated[float, Field(ge=1.0, le=10.0)] = 1.6


class WebinarConfig(Strict):
    times_ist: list[str] = ["10:30", "12:00", "15:00"]
    duration_minutes: Annotated[int, Field(gt=0, le=480)] = 60
    attendance_cap: Annotated[int, Field(ge=0)] = 50_000
    attend_probability: Share = 0.04
    count_toward_target: bool = True
    # Themed days: day d of the campaign has theme themes[d % len(themes)], a competency
    # area; attending raises the officer's weakest requirement in it by a level with
    # `theme_credit_probability`.
    themes: list[Literal["behavioural", "functional", "domain"]] = []
    theme_credit_probability: Share = 0.3

    @field_validator("times_ist")
    @classmethod
    def _times(cls, v: list[str]) -> list[str]:
        for text in v:
            try:
                dt.datetime.strptime(text, "%H:%M")
            except ValueError:
                raise ValueError(f"webinar time {text!r} is not HH:MM") from None
        if len(set(v)) != len(v):
            raise ValueError("webinar times must be distinct")
        return sorted(v)


class StaggerConfig(Strict):
    """Staggered starts: ministries (and states) are split into `waves` of about equal
    size; wave w runs the campaign's window shifted by `w x days_between` days (its own
    launch and deadline). Waves must overlap: the stagger is shorter than the window."""

    waves: Annotated[int, Field(ge=2, le=30)] = 3
    days_between: Annotated[int, Field(ge=1, le=90)] = 2


class CampaignConfig(Strict):
    """A National Learning Week style campaign, or an organisation's mandate: a window with
    a target and a deadline, for the officers in its scope, asked by some means.

    Scope: officers in `target_sectors`, `target_groups` and `target_cadres`, and, when
    `target_units` names ministries or states, only in those. `means` sets the take-up
    (see `EngagementConfig.means_multiplier`). `first_time_share` of the staff in scope who
    have not registered yet register during the window's first days because of it.
    """

    name: str
    start: dt.date
    planned_end: dt.date
    extended_end: dt.date | None = None
    extension_announced: dt.datetime | None = None
    target_hours: NonNegativeFloat = 4.0
    target_sectors: list[str] = list(SECTORS)
    target_groups: list[str] = list(SERVICE_GROUPS)
    target_cadres: list[str] = list(CADRES)
    target_units: list[str] = []
    means: Literal["appeal", "directive", "appraisal_mandate"] = "appeal"
    first_time_share: Share = 0.0
    weekend_activity: Share = 0.7
    engagement: EngagementConfig = EngagementConfig()
    deadline_rush: DeadlineRushConfig = DeadlineRushConfig()
    webinars: WebinarConfig | None = WebinarConfig()
    stagger: StaggerConfig | None = None
    # A campaign's theme as course choice: engaged officers choose courses on topic t
    # (sim/data/competencies.yaml `topics`) weight times as often as popularity says.
    topic_emphasis: dict[str, Annotated[float, Field(ge=1.0, le=50.0)]] = {}

    @field_validator("topic_emphasis")
    @classmethod
    def _topics(cls, v: dict[str, float]) -> dict[str, float]:
        known = builtin_dictionary().topics
        unknown = sorted(set(v) - set(known))
        if unknown:
            raise ValueError(f"unknown topic {unknown}; known: {sorted(known)}")
        return v

    @field_validator("target_sectors", "target_groups", "target_cadres")
    @classmethod
    def _known(cls, v: list[str], info: ValidationInfo) -> list[str]:
        allowed = {"target_sectors": SECTORS, "target_groups": SERVICE_GROUPS,
                   "target_cadres": CADRES}[info.field_name]  # fmt: skip
        check_known(v, allowed, info.field_name.removeprefix("target_"), empty_ok=False)
        return v

    @field_validator("target_sectors", "target_groups", "target_cadres", "target_units")
    @classmethod
    def _distinct(cls, v: list[str]) -> list[str]:
        repeated = sorted({x for x in v if v.count(x) > 1})
        if repeated:
            raise ValueError(f"{repeated} named more than once")
        return v

    @field_validator("target_units")
    @classmethod
    def _units(cls, v: list[str]) -> list[str]:
        unknown = sorted(set(v) - set(unit_names()))
        if unknown:
            raise ValueError(
                f"unknown ministry or state {unknown}; the names are listed in "
                "sim/data/organisations.yaml"
            )
        return v

    @model_validator(mode="after")
    def _units_in_sectors(self) -> CampaignConfig:
        """A named ministry is in the central sector, a state in the state and local-body
        sectors: a scope naming one outside its target_sectors would reach nobody."""
        central = set(reference_units()["central"])
        for unit in self.target_units:
            sectors = {"central"} if unit in central else {"state", "local"}
            if not sectors & set(self.target_sectors):
                raise ValueError(
                    f"target_units: {unit!r} has staff only in the {sorted(sectors)} sectors, "
                    f"but target_sectors is {self.target_sectors}"
                )
        return self

    @model_validator(mode="after")
    def _window(self) -> CampaignConfig:
        if self.planned_end < self.start:
            raise ValueError(f"planned_end {self.planned_end} is before start {self.start}")
        if self.extended_end is not None:
            if self.extended_end <= self.planned_end:
                raise ValueError(
                    f"extended_end {self.extended_end} must be after planned_end {self.planned_end}"
                )
            announced = self.announcement
            window_start = dt.datetime.combine(self.start, dt.time())
            window_end = dt.datetime.combine(self.planned_end, dt.time()) + dt.timedelta(days=1)
            if not window_start <= announced < window_end:
                raise ValueError(
                    f"extension_announced {announced} must fall inside the planned window"
                )
        elif self.extension_announced is not None:
            raise ValueError("extension_announced is set but there is no extended_end")
        if self.stagger is not None:
            if self.extended_end is not None:
                raise ValueError("stagger: a staggered campaign cannot also be extended")
            last_wave = (self.stagger.waves - 1) * self.stagger.days_between
            planned_days = (self.planned_end - self.start).days + 1
            if last_wave >= planned_days:
                raise ValueError(
                    f"stagger: the last wave would open {last_wave} days after the start, "
                    f"but the planned window has {planned_days} days"
                )
        return self

    @property
    def end(self) -> dt.date:
        """The last day of the campaign as it actually ran (of its first wave)."""
        return self.extended_end or self.planned_end

    @property
    def last_day(self) -> dt.date:
        """The last day of its last wave."""
        if self.stagger is None:
            return self.end
        return self.end + dt.timedelta(days=(self.stagger.waves - 1) * self.stagger.days_between)

    @property
    def announcement(self) -> dt.datetime:
        """When the extension becomes known (default: 18:00 IST on the planned last day)."""
        if self.extension_announced is not None:
            return self.extension_announced
        return dt.datetime.combine(self.planned_end, dt.time(18, 0))
