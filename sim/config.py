"""Scenario configuration: YAML validated by pydantic.

A scenario is data. Every field a model rule reads lives here with its unit in the name or
the docstring, so a planner can read a YAML file and know what each number does. Unknown
keys are errors (a typo must never silently fall back to a default).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

SERVICE_GROUPS = ("A", "B", "C")
SECTORS = ("central", "state", "local")
CATEGORIES = ("common_recommended", "role_based", "ministry_recommended", "self_selected")
COMPETENCY_AREAS = ("behavioural", "functional", "domain")

Share = Annotated[float, Field(ge=0.0, le=1.0)]
PositiveFloat = Annotated[float, Field(gt=0.0)]
NonNegativeFloat = Annotated[float, Field(ge=0.0)]
HourProfile = Annotated[list[NonNegativeFloat], Field(min_length=24, max_length=24)]


ModelT = TypeVar("ModelT", bound=BaseModel)


class ConfigError(ValueError):
    """A scenario file that cannot be used; the message names the field and the problem."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_shares(shares: dict[str, float], allowed: tuple[str, ...], what: str) -> None:
    unknown = sorted(set(shares) - set(allowed))
    if unknown:
        raise ValueError(f"unknown {what} {unknown}; allowed: {list(allowed)}")
    total = sum(shares.values())
    if abs(total - 1.0) > 1e-6:
        raise ValueError(f"{what} shares must add up to 1, they add up to {total:g}")


class CalendarConfig(Strict):
    """The simulated period, in IST. Days start at 00:00 IST; `end` is the last simulated day."""

    start: dt.date
    end: dt.date
    holidays: list[dt.date] = []
    weekend_activity: Share = 0.35
    holiday_activity: Share = 0.35
    working_day_hour_profile: HourProfile = [
        0.2, 0.1, 0.05, 0.05, 0.05, 0.2, 0.5, 1.0, 1.6, 2.4, 4.0, 5.0,
        5.0, 3.6, 3.8, 4.6, 4.6, 3.8, 2.6, 2.0, 2.0, 1.6, 1.0, 0.5,
    ]  # fmt: skip
    weekend_hour_profile: HourProfile = [
        0.4, 0.2, 0.1, 0.1, 0.1, 0.3, 0.7, 1.3, 2.0, 2.8, 3.4, 3.6,
        3.4, 3.0, 3.0, 3.2, 3.2, 3.0, 2.8, 2.8, 2.8, 2.2, 1.4, 0.8,
    ]  # fmt: skip

    @model_validator(mode="after")
    def _order(self) -> CalendarConfig:
        if self.end < self.start:
            raise ValueError(f"end date {self.end} is before start date {self.start}")
        if (self.end - self.start).days + 1 > 366 * 6:
            raise ValueError("the simulated period is limited to six years")
        return self

    @field_validator("working_day_hour_profile", "weekend_hour_profile")
    @classmethod
    def _nonzero(cls, profile: list[float]) -> list[float]:
        if sum(profile) <= 0:
            raise ValueError("an hour profile needs at least one positive weight")
        return profile


class GrowthPoint(Strict):
    date: dt.date
    registered_users: Annotated[int, Field(gt=0)]


class PropensityConfig(Strict):
    """Routine logins per working day, lognormal across officers (heavy-tailed on purpose:
    most officers rarely log in, a few log in daily)."""

    median_logins_per_working_day: PositiveFloat = 0.00585  # calibrated, see configs
    sigma: Annotated[float, Field(ge=0.0, le=4.0)] = 1.6
    max_logins_per_working_day: PositiveFloat = 3.0


class PopulationConfig(Strict):
    officers: Annotated[int, Field(gt=0, le=40_000_000)] = 4_571_209
    sectors: dict[str, Share] = {"central": 0.42, "state": 0.50, "local": 0.08}
    service_groups: dict[str, Share] = {"A": 0.05, "B": 0.15, "C": 0.80}
    departments_per_ministry: PositiveFloat = 6.0
    organisations_per_department: PositiveFloat = 8.0
    size_skew: Annotated[float, Field(ge=0.0, le=3.0)] = 1.1
    roles_per_group: Annotated[int, Field(gt=0, le=2000)] = 60
    propensity: PropensityConfig = PropensityConfig()
    group_propensity_multiplier: dict[str, PositiveFloat] = {"A": 1.3, "B": 1.1, "C": 1.0}
    onboarding_curve: list[GrowthPoint] = [
        GrowthPoint(date=dt.date(2022, 11, 7), registered_users=152_000),
        GrowthPoint(date=dt.date(2023, 1, 15), registered_users=300_000),
        GrowthPoint(date=dt.date(2023, 3, 31), registered_users=497_000),
        GrowthPoint(date=dt.date(2024, 10, 26), registered_users=4_571_209),
        GrowthPoint(date=dt.date(2025, 5, 21), registered_users=10_000_000),
        GrowthPoint(date=dt.date(2026, 1, 31), registered_users=14_500_000),
    ]
    first_onboarding: dt.date = dt.date(2021, 9, 1)
    history_completions_per_login: NonNegativeFloat = 0.254  # calibrated, see configs
    history_activity_factor: NonNegativeFloat = 1.0
    initial_in_progress_days: NonNegativeFloat = 40.0

    @field_validator("sectors")
    @classmethod
    def _sectors(cls, v: dict[str, float]) -> dict[str, float]:
        _check_shares(v, SECTORS, "sector")
        return v

    @field_validator("service_groups")
    @classmethod
    def _groups(cls, v: dict[str, float]) -> dict[str, float]:
        _check_shares(v, SERVICE_GROUPS, "service group")
        return v

    @field_validator("group_propensity_multiplier")
    @classmethod
    def _group_keys(cls, v: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(v) - set(SERVICE_GROUPS))
        if unknown:
            raise ValueError(f"unknown service group {unknown}; allowed: {list(SERVICE_GROUPS)}")
        return v

    @field_validator("onboarding_curve")
    @classmethod
    def _curve(cls, v: list[GrowthPoint]) -> list[GrowthPoint]:
        if len(v) < 1:
            raise ValueError("needs at least one point")
        dates = [p.date for p in v]
        users = [p.registered_users for p in v]
        if dates != sorted(dates) or len(set(dates)) != len(dates):
            raise ValueError("dates must be strictly increasing")
        if users != sorted(users):
            raise ValueError("registered_users must not decrease")
        return v


class CatalogConfig(Strict):
    courses: Annotated[int, Field(gt=0, le=100_000)] = 1428
    categories: dict[str, Share] = {
        "common_recommended": 0.04,
        "role_based": 0.30,
        "ministry_recommended": 0.36,
        "self_selected": 0.30,
    }
    areas: dict[str, Share] = {"behavioural": 0.35, "functional": 0.35, "domain": 0.30}
    competencies_per_area: Annotated[int, Field(gt=0, le=1000)] = 40
    duration_mean_hours: PositiveFloat = 1.25
    duration_sigma: Annotated[float, Field(ge=0.0, le=3.0)] = 0.8
    duration_min_hours: PositiveFloat = 0.1
    duration_max_hours: PositiveFloat = 30.0
    popularity_skew: Annotated[float, Field(ge=0.0, le=3.0)] = 1.0
    hindi_share: Share = 0.35

    @field_validator("categories")
    @classmethod
    def _categories(cls, v: dict[str, float]) -> dict[str, float]:
        _check_shares(v, CATEGORIES, "category")
        return v

    @field_validator("areas")
    @classmethod
    def _areas(cls, v: dict[str, float]) -> dict[str, float]:
        _check_shares(v, COMPETENCY_AREAS, "competency area")
        return v

    @model_validator(mode="after")
    def _durations(self) -> CatalogConfig:
        if self.duration_max_hours <= self.duration_min_hours:
            raise ValueError("duration_max_hours must exceed duration_min_hours")
        if not self.duration_min_hours < self.duration_mean_hours < self.duration_max_hours:
            raise ValueError("duration_mean_hours must lie between the min and max durations")
        return self


class SessionConfig(Strict):
    """Length of one sitting on the platform, lognormal, in minutes."""

    median_minutes: PositiveFloat = 28.0
    sigma: Annotated[float, Field(ge=0.0, le=3.0)] = 0.7
    max_minutes: Annotated[int, Field(ge=5, le=720)] = 240


class BehaviourConfig(Strict):
    routine_session: SessionConfig = SessionConfig()
    # calibrated (karmasim calibrate, 2026-11-28): engaged median minutes, drop hazard
    engaged_session: SessionConfig = SessionConfig(median_minutes=72.2, sigma=0.6)
    drop_hazard_per_hour: NonNegativeFloat = 0.242
    max_courses_per_session: Annotated[int, Field(ge=1, le=50)] = 6
    min_minutes_to_start_course: NonNegativeFloat = 3.0
    routine_course_mix: dict[str, Share] = {
        "common_recommended": 0.15,
        "role_based": 0.30,
        "ministry_recommended": 0.25,
        "self_selected": 0.30,
    }
    campaign_course_mix: dict[str, Share] = {
        "common_recommended": 0.35,
        "role_based": 0.25,
        "ministry_recommended": 0.25,
        "self_selected": 0.15,
    }

    @field_validator("routine_course_mix", "campaign_course_mix")
    @classmethod
    def _mix(cls, v: dict[str, float]) -> dict[str, float]:
        _check_shares(v, CATEGORIES, "category")
        return v


class EngagementConfig(Strict):
    """Who takes up a campaign, and when. An officer's chance to engage over the planned
    window is 1 - exp(-k * w) where w scales with their routine propensity (elasticity) and
    group; k is set so that an officer of median propensity engages with `probability`."""

    probability: Share = 0.0608  # calibrated, see configs
    propensity_elasticity: Annotated[float, Field(ge=0.0, le=3.0)] = 0.5
    group_multiplier: dict[str, PositiveFloat] = {"A": 1.3, "B": 1.1, "C": 1.0}
    launch_boost: NonNegativeFloat = 2.0
    launch_decay_days: PositiveFloat = 1.5
    engaged_logins_per_day: PositiveFloat = 3.0
    continue_after_target: Share = 0.788  # calibrated, see configs


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
    """A National Learning Week style campaign: a window with a target and a deadline."""

    name: str
    start: dt.date
    planned_end: dt.date
    extended_end: dt.date | None = None
    extension_announced: dt.datetime | None = None
    target_hours: NonNegativeFloat = 4.0
    target_sectors: list[str] = list(SECTORS)
    target_groups: list[str] = list(SERVICE_GROUPS)
    weekend_activity: Share = 0.7
    engagement: EngagementConfig = EngagementConfig()
    deadline_rush: DeadlineRushConfig = DeadlineRushConfig()
    webinars: WebinarConfig | None = WebinarConfig()
    stagger: StaggerConfig | None = None

    @field_validator("target_sectors")
    @classmethod
    def _sectors(cls, v: list[str]) -> list[str]:
        unknown = sorted(set(v) - set(SECTORS))
        if unknown or not v:
            raise ValueError(f"unknown or empty sectors {unknown}; allowed: {list(SECTORS)}")
        return v

    @field_validator("target_groups")
    @classmethod
    def _groups(cls, v: list[str]) -> list[str]:
        unknown = sorted(set(v) - set(SERVICE_GROUPS))
        if unknown or not v:
            raise ValueError(f"unknown or empty groups {unknown}; allowed: {list(SERVICE_GROUPS)}")
        return v

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


# APIs measured in the 2021 iGOT load test (shared/data/published_figures.yaml), with the
# requests per second each sustained alone at 100 threads on the 7-node cluster.
API_THROUGHPUT_2021 = {
    "content_read": 1759.0,
    "content_search": 564.0,
    "send_telemetry": 1039.0,
    "course_hierarchy": 1408.0,
    "user_read": 727.0,
    "enrolment_list": 431.0,
    "content_state_update": 310.0,
    "content_state_read": 895.0,
}
APIS = tuple(API_THROUGHPUT_2021)


def _check_apis(counts: dict[str, float]) -> dict[str, float]:
    unknown = sorted(set(counts) - set(APIS))
    if unknown:
        raise ValueError(f"unknown API {unknown}; known: {list(APIS)}")
    return counts


class ClientConfig(Strict):
    """What a learner's client sends. Heartbeats every 120 s on video and 30 s on PDF are
    the platform's own (platform_code_facts); the rest are modelling choices."""

    video_share: Share = 0.6  # share of learning time spent on video (the rest on PDFs)
    video_heartbeat_seconds: PositiveFloat = 120.0
    pdf_heartbeat_seconds: PositiveFloat = 30.0
    progress_write_seconds: PositiveFloat = 60.0  # content_state_update while learning
    content_item_minutes: PositiveFloat = 6.0  # each item: content_read + content_state_read
    on_session_start: dict[str, NonNegativeFloat] = {
        "user_read": 1.0,
        "enrolment_list": 1.0,
        "content_search": 2.0,
        "course_hierarchy": 1.0,
        "content_state_read": 1.0,
    }
    on_webinar_join: dict[str, NonNegativeFloat] = {
        "user_read": 1.0,
        "content_read": 1.0,
        "send_telemetry": 1.0,
    }
    webinar_heartbeat_seconds: PositiveFloat = 120.0
    join_spread_seconds: Annotated[float, Field(gt=0.0, le=60.0)] = 60.0

    _apis = field_validator("on_session_start", "on_webinar_join")(_check_apis)


class ServerConfig(Strict):
    """One server is one node of the 2021 load-test cluster: 7 nodes of 8 vCPU served a
    mixed 5,475 requests/s (soak test, 246 ms mean latency). An API's cost relative to the
    mix is inversely proportional to its single-API throughput in the same test."""

    mixed_requests_per_s: PositiveFloat = 5475.0 / 7
    workers: Annotated[int, Field(ge=1, le=256)] = 8
    api_throughput: dict[str, PositiveFloat] = API_THROUGHPUT_2021
    cost_per_hour: NonNegativeFloat = 40.0  # INR per server-hour (an assumption)

    @field_validator("api_throughput")
    @classmethod
    def _all_apis(cls, v: dict[str, float]) -> dict[str, float]:
        missing = sorted(set(APIS) - set(v))
        if missing:
            raise ValueError(f"throughput missing for {missing}")
        return _check_apis(v)


class AutoscalerConfig(Strict):
    """The Kubernetes horizontal autoscaler rule: desired = ceil(current x metric / target),
    skipped within the tolerance; scale-downs use the largest recommendation of the last
    window; new servers serve after the start-up lag."""

    enabled: bool = False
    min_servers: Annotated[int, Field(ge=1)] = 2
    max_servers: Annotated[int, Field(ge=1)] = 100
    target_utilisation: Annotated[float, Field(gt=0.0, le=1.0)] = 0.6
    tolerance: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.1
    check_period_minutes: Annotated[int, Field(ge=1, le=60)] = 1
    scale_down_window_minutes: Annotated[int, Field(ge=0, le=1440)] = 5
    startup_lag_minutes: Annotated[int, Field(ge=0, le=120)] = 3

    @model_validator(mode="after")
    def _bounds(self) -> AutoscalerConfig:
        if self.max_servers < self.min_servers:
            raise ValueError(
                f"max_servers ({self.max_servers}) is below min_servers ({self.min_servers})"
            )
        return self


class OverloadConfig(Strict):
    """What a learner does when the platform turns a session away."""

    propensity_loss: Share = 0.05  # relative drop in routine logins after an error
    retry_probability: Share = 0.5
    retry_after_minutes: PositiveFloat = 30.0  # mean of an exponential delay


class PlatformConfig(Strict):
    """The platform: what clients send, what a server serves, how many servers there are.

    `servers` fixes the number of servers; with `autoscaler.enabled` the autoscaler starts
    from `servers` (or its minimum) and adjusts; with neither, the platform is provisioned
    each hour with the servers the latency target needs and turns nobody away.
    """

    client: ClientConfig = ClientConfig()
    server: ServerConfig = ServerConfig()
    servers: Annotated[int, Field(ge=1)] | None = None
    autoscaler: AutoscalerConfig = AutoscalerConfig()
    overload: OverloadConfig = OverloadConfig()
    latency_target_ms: PositiveFloat = 300.0
    latency_quantile: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.95

    @property
    def constrained(self) -> bool:
        return self.servers is not None or self.autoscaler.enabled


class CompetencyConfig(Strict):
    """Roles require competencies at levels; completing a course (and passing its
    assessment) raises the officer to the course's level in the course's competency.
    The shares and levels are modelling assumptions (nothing is published about them)."""

    required_per_area: dict[str, Annotated[int, Field(ge=0, le=10)]] = {
        "behavioural": 2,
        "functional": 2,
        "domain": 2,
    }
    max_required_level: dict[str, Annotated[int, Field(ge=1, le=5)]] = {"A": 3, "B": 2, "C": 2}
    pass_probability: Share = 0.85
    initial_met_share: Share = 0.4

    @field_validator("required_per_area")
    @classmethod
    def _areas(cls, v: dict[str, int]) -> dict[str, int]:
        unknown = sorted(set(v) - set(COMPETENCY_AREAS))
        if unknown:
            raise ValueError(
                f"unknown competency area {unknown}; allowed: {list(COMPETENCY_AREAS)}"
            )
        if sum(v.values()) == 0:
            raise ValueError("roles must require at least one competency")
        return v

    @field_validator("max_required_level")
    @classmethod
    def _groups(cls, v: dict[str, int]) -> dict[str, int]:
        if set(v) != set(SERVICE_GROUPS):
            raise ValueError(f"give a level for each service group {list(SERVICE_GROUPS)}")
        return v


class RecommendationConfig(Strict):
    """How officers pick courses: by popularity within the category they chose, or (gap
    targeted) a course for a competency their role requires and they lack, which an
    officer follows with `follow_probability` when there is one."""

    mode: Literal["popularity", "gap_targeted"] = "popularity"
    follow_probability: Share = 0.6


def known_ministries() -> set[str]:
    """Ministry and state names of the organisation hierarchy (sim/data/organisations.yaml)."""
    from importlib import resources

    text = resources.files("sim.data").joinpath("organisations.yaml").read_text("utf-8")
    return {name for sector in yaml.safe_load(text).values() for name in sector}


class AssignmentConfig(Strict):
    """Courses assigned to officers with a due date: an ACBP plan (each officer's
    ministry's top courses) or a mandatory common list. Officers with courses pending pick
    one when they enrol with probability `compliance`, and log in `login_multiplier` times
    as often until the due date."""

    name: str
    source: Literal["ministry_recommended", "common_recommended"] = "ministry_recommended"
    courses: Annotated[int, Field(ge=1, le=8)] = 3
    assigned: dt.date
    due: dt.date
    target_sectors: list[str] = list(SECTORS)
    target_groups: list[str] = list(SERVICE_GROUPS)
    target_ministries: list[str] = []  # ministries or states by name; empty: all
    target_designations: list[Annotated[int, Field(ge=0)]] = []  # role ids; empty: all
    compliance: Share = 0.5
    login_multiplier: Annotated[float, Field(ge=1.0, le=5.0)] = 1.2

    @field_validator("target_ministries")
    @classmethod
    def _ministries(cls, v: list[str]) -> list[str]:
        unknown = sorted(set(v) - known_ministries())
        if unknown:
            raise ValueError(
                f"unknown ministry or state {unknown} (see sim/data/organisations.yaml)"
            )
        return v

    @model_validator(mode="after")
    def _dates(self) -> AssignmentConfig:
        if self.due < self.assigned:
            raise ValueError(f"due {self.due} is before assigned {self.assigned}")
        if not set(self.target_sectors) <= set(SECTORS) or not self.target_sectors:
            raise ValueError(f"target_sectors must be some of {list(SECTORS)}")
        if not set(self.target_groups) <= set(SERVICE_GROUPS) or not self.target_groups:
            raise ValueError(f"target_groups must be some of {list(SERVICE_GROUPS)}")
        return self


class ReminderConfig(Strict):
    """A weekly reminder to every officer: a share `effect` of them log in within about
    `response_hours` who otherwise would not have then. Literature priors
    (published_figures.yaml): nudges at scale have effects about ten times smaller than in
    small studies, so a 29% relative lift becomes about 3%; about 10% of officers log in in
    an ordinary week, so 3% more of them is 0.3% of those reminded."""

    weekday: Literal["monday", "tuesday", "wednesday", "thursday", "friday"] = "monday"
    time_ist: str = "10:00"
    effect: Share = 0.003
    response_hours: PositiveFloat = 4.0

    @field_validator("time_ist")
    @classmethod
    def _time(cls, v: str) -> str:
        try:
            dt.datetime.strptime(v, "%H:%M")
        except ValueError:
            raise ValueError(f"time_ist {v!r} is not HH:MM") from None
        return v


class InactivityAlertConfig(Strict):
    """An alert to officers with no session for `after_days` days (the platform's rule,
    disabled there by default), at 10:00 IST, at most once per `after_days`."""

    after_days: Annotated[int, Field(ge=1, le=365)] = 3
    effect: Share = 0.003
    response_hours: PositiveFloat = 4.0


class KarmaConfig(Strict):
    """Karma points with the platform's rules (platform_code_facts.karma_points) and a
    monthly leaderboard within each organisation: officers in the top share of last
    month's points log in `motivation_multiplier` times as often for the month."""

    enabled: bool = False
    leaderboard_top_share: Share = 0.1
    motivation_multiplier: Annotated[float, Field(ge=1.0, le=3.0)] = 1.1


class MdoProgrammeConfig(Strict):
    """A ministry's own programme (face-to-face or blended): a share of its officers are
    nominated when it is announced and approved after `approval_days`; approved officers
    take seats session by session in order of approval. Attending counts `hours` toward a
    running campaign and raises the weakest requirement in `competency_area` by a level.
    Blended sessions put their attendees on the platform for the session."""

    name: str
    ministry: str
    mode: Literal["face_to_face", "blended"] = "face_to_face"
    announce: dt.date
    approval_days: Annotated[int, Field(ge=0, le=90)] = 3
    nomination_share: Share = 0.02
    sessions: Annotated[list[dt.date], Field(min_length=1)]
    seats_per_session: Annotated[int, Field(ge=1)] = 200
    hours: Annotated[float, Field(gt=0.0, le=40.0)] = 6.0
    competency_area: Literal["behavioural", "functional", "domain"] = "domain"

    @field_validator("ministry")
    @classmethod
    def _ministry(cls, v: str) -> str:
        if v not in known_ministries():
            raise ValueError(f"unknown ministry or state {v!r} (sim/data/organisations.yaml)")
        return v

    @model_validator(mode="after")
    def _order(self) -> MdoProgrammeConfig:
        first = min(self.sessions)
        approved = self.announce + dt.timedelta(days=self.approval_days)
        if first < approved:
            raise ValueError(
                f"session {first} comes before nominees are approved ({approved}: "
                f"announced {self.announce} + {self.approval_days} days)"
            )
        return self


class PoliciesConfig(Strict):
    assignments: list[AssignmentConfig] = []
    mdo_programmes: list[MdoProgrammeConfig] = []
    weekly_reminder: ReminderConfig | None = None
    inactivity_alert: InactivityAlertConfig | None = None
    karma: KarmaConfig = KarmaConfig()


class WorkforceConfig(Strict):
    """Officers leave (retirement) and change role (transfer, which opens new competency
    gaps) at these yearly rates. With `growth`, officers keep onboarding during the run
    along `population.onboarding_curve` (45.7 lakh in Oct 2024, 1 crore in May 2025, 1.45
    crore in Jan 2026); a share of them are new recruits, who take the
    `onboarding_courses` most popular common courses first."""

    retirement_per_year: Annotated[float, Field(ge=0.0, le=0.5)] = 0.0
    transfer_per_year: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0
    growth: bool = False
    recruit_share: Share = 0.3
    onboarding_courses: Annotated[int, Field(ge=0, le=8)] = 2
    onboarding_compliance: Share = 0.9


class EngineConfig(Strict):
    """How the fast engine batches officers: a tick of 60 minutes is fast and accurate for
    daily outcomes; shorter ticks shrink its approximations (see `sim.engine`)."""

    tick_minutes: Literal[1, 5, 10, 15, 30, 60, 120, 180, 240, 360, 720, 1440] = 60


class Scenario(Strict):
    """One validated scenario: everything a run needs besides the seed and scale overrides."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]
    description: str = ""
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 0
    scale: Annotated[int, Field(ge=1, le=1_000_000)] = 1
    target_hours: NonNegativeFloat = 4.0
    calendar: CalendarConfig
    population: PopulationConfig = PopulationConfig()
    catalog: CatalogConfig = CatalogConfig()
    behaviour: BehaviourConfig = BehaviourConfig()
    campaigns: list[CampaignConfig] = []
    platform: PlatformConfig = PlatformConfig()
    competencies: CompetencyConfig = CompetencyConfig()
    recommendations: RecommendationConfig = RecommendationConfig()
    policies: PoliciesConfig = PoliciesConfig()
    workforce: WorkforceConfig = WorkforceConfig()
    engine: EngineConfig = EngineConfig()

    @model_validator(mode="after")
    def _campaigns_fit(self) -> Scenario:
        ordered = sorted(self.campaigns, key=lambda c: c.start)
        for i, campaign in enumerate(self.campaigns):
            if campaign.start < self.calendar.start or campaign.last_day > self.calendar.end:
                raise ValueError(
                    f"campaigns[{i}] ({campaign.name}) runs {campaign.start}..{campaign.last_day}, "
                    f"outside the calendar {self.calendar.start}..{self.calendar.end}"
                )
        for earlier, later in zip(ordered, ordered[1:], strict=False):
            if later.start <= earlier.last_day:
                raise ValueError(f"campaigns {earlier.name!r} and {later.name!r} overlap")
        for i, assignment in enumerate(self.policies.assignments):
            if not self.calendar.start <= assignment.assigned <= self.calendar.end:
                raise ValueError(
                    f"policies.assignments[{i}].assigned {assignment.assigned} is outside the "
                    f"calendar {self.calendar.start}..{self.calendar.end}"
                )
            if assignment.due > self.calendar.end:
                raise ValueError(
                    f"policies.assignments[{i}].due {assignment.due} is after the end of the "
                    f"calendar ({self.calendar.end})"
                )
        for i, programme in enumerate(self.policies.mdo_programmes):
            last = max(programme.sessions)
            if programme.announce < self.calendar.start or last > self.calendar.end:
                raise ValueError(
                    f"policies.mdo_programmes[{i}] ({programme.name}) runs "
                    f"{programme.announce}..{last}, outside the calendar "
                    f"{self.calendar.start}..{self.calendar.end}"
                )
        if self.population.officers // self.scale < 1:
            raise ValueError(
                f"scale {self.scale} leaves no simulated officer out of {self.population.officers}"
            )
        return self

    @property
    def agents(self) -> int:
        """Simulated officers: one agent stands for `scale` officers."""
        return max(1, round(self.population.officers / self.scale))

    def canonical(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def config_hash(self) -> str:
        """Hash of the fully resolved scenario (defaults included), seed and scale too."""
        text = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def with_overrides(self, **changes: Any) -> Scenario:
        """A copy with top-level fields replaced, validated again."""
        data = self.canonical()
        data.update(changes)
        return validate_scenario(data, source=f"{self.name} (overridden)")


def _location(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "(top level)"


def _problems(error: ValidationError) -> list[tuple[str, str]]:
    problems = []
    for err in error.errors():
        if err["type"] == "extra_forbidden":
            message = "unknown key"
        elif err["type"] == "missing":
            message = "required field is missing"
        else:
            message = err["msg"].removeprefix("Value error, ")
        problems.append((_location(tuple(err["loc"])), message))
    return problems


def format_validation_error(error: ValidationError, source: str) -> str:
    return "\n".join(f"{source}: {where}: {message}" for where, message in _problems(error))


def scenario_problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    """Each problem with a scenario as (field path, message); empty when it is valid. For
    forms that show a message next to the field it concerns."""
    try:
        Scenario.model_validate(data)
    except ValidationError as error:
        return _problems(error)
    return []


def validate_scenario(data: Any, source: str = "scenario") -> Scenario:
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping of settings, got {type(data).__name__}")
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        raise ConfigError(format_validation_error(error, source)) from None


def _read_yaml(path: Path) -> Any:
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
    try:
        return model.model_validate(_read_yaml(path))
    except ValidationError as error:
        raise ConfigError(format_validation_error(error, str(path))) from None


def merge_settings(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """`base` with `changes` applied: mappings merge key by key, anything else replaces."""
    merged = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_settings(merged[key], value)
        else:
            merged[key] = value
    return merged


def _resolve_base(path: Path, data: Any, seen: tuple[Path, ...] = ()) -> Any:
    """A scenario may name a `base:` file (relative to itself) and change only what differs."""
    if not isinstance(data, dict) or "base" not in data:
        return data
    base_path = (path.parent / str(data["base"])).resolve()
    if base_path in seen:
        raise ConfigError(f"{path}: base files refer to each other ({base_path.name})")
    base = _resolve_base(base_path, _read_yaml(base_path), (*seen, path.resolve()))
    if not isinstance(base, dict):
        raise ConfigError(f"{base_path}: expected a mapping of settings")
    changes = {k: v for k, v in data.items() if k != "base"}
    return merge_settings(base, changes)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario YAML file; any problem raises one `ConfigError`.

    A file with `base: other.yaml` starts from that scenario: its mappings are merged key
    by key, lists and values replaced (so a variant states only what it changes)."""
    path = Path(path)
    return validate_scenario(load_settings(path), source=str(path))


def load_settings(path: str | Path) -> Any:
    """A scenario file's settings with its `base:` chain applied, not yet validated."""
    path = Path(path)
    return _resolve_base(path, _read_yaml(path))
