"""Policies beyond the campaign window: assignments, reminders, alerts, karma, MDO
programmes, and the workforce's flows."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import yaml
from pydantic import Field, field_validator, model_validator

from sim.config.base import PositiveFloat, Share, Strict
from sim.config.vocabulary import SECTORS, SERVICE_GROUPS


def known_ministries() -> set[str]:
    """Ministry and state names of the organisation hierarchy (sim/data/organisations.yaml)."""
    from importlib import resources

    text = resources.files("sim.data").joinpath("organisations.yaml").read_text("utf-8")
    return {name for sector in yaml.safe_load(text).values() for name in sector}


class AssignmentConfig(Strict):
    """Courses assigned to officers with a due date: an ACBP plan (each officer's
    ministry's courses) or a mandatory common list. Officers with courses pending pick
    one when they enrol with probability `compliance`, and log in `login_multiplier` times
    as often until the due date.

    `choose`: `most_popular` assigns the source's most popular courses to everyone;
    `role_gaps` (ACBP only) assigns each officer their ministry's courses that teach what
    their post requires and they lack, in the order of the post's requirements (for each,
    the most popular course at the level needed), topped up with the most popular ones to
    `courses`. ACBP courses teach domain competencies, so only domain gaps are aimed at."""

    name: str
    source: Literal["ministry_recommended", "common_recommended"] = "ministry_recommended"
    courses: Annotated[int, Field(ge=1, le=8)] = 3
    choose: Literal["most_popular", "role_gaps"] = "most_popular"
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
        if self.choose == "role_gaps" and self.source != "ministry_recommended":
            raise ValueError("choose: role_gaps needs source: ministry_recommended")
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
    # Onboarding drives: newcomers log in at this rate until they have done their
    # onboarding courses (None: at their routine rate). With population.adoption, those
    # who register in their sector's drive (adoption.<sector>.drive_share) are newcomers.
    onboarding_logins_per_day: PositiveFloat | None = None
