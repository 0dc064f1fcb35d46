"""A campaign window as a policy: its dates, who it targets, and its shape in time.

With staggered starts, ministries run in waves: each wave has the campaign's window
shifted by its offset (its own launch surge and deadline rush).

The campaign's calendar (window, weekends, the deadline rush, the launch surge) is turned
into intensity clocks that the behaviour rules sample from. An extension moves the
deadline: the clocks for the extended deadline are identical to the planned ones up to
the moment the extension is announced, so scenarios with and without it agree until then.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.agents.activity import IntensityClock, calendar_clock
from sim.config import CADRES, SECTORS, SERVICE_GROUPS, CampaignConfig
from sim.world.calendar import MINUTES_PER_DAY, SimCalendar
from sim.world.population import Officers


@dataclass(frozen=True)
class CampaignPlan:
    index: int
    config: CampaignConfig
    calendar: SimCalendar
    unit_ids: np.ndarray | None = None  # ministry ids of `config.target_units` (None: all)

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def start_min(self) -> int:
        return self.calendar.minute_of(self.config.start)

    @property
    def planned_end_min(self) -> int:
        """00:00 after the planned last day."""
        return self.calendar.minute_of(self.config.planned_end) + MINUTES_PER_DAY

    @property
    def end_min(self) -> int:
        """00:00 after the last day as run (extended if there is an extension; the last
        wave's last day if starts are staggered)."""
        return self.wave_end_min(self.waves - 1)

    def wave_end_min(self, wave: int) -> int:
        """00:00 after wave `wave`'s last day."""
        offset = self.wave_offset_days(wave) * MINUTES_PER_DAY
        return self.calendar.minute_of(self.config.end) + MINUTES_PER_DAY + offset

    @property
    def announce_min(self) -> int | None:
        if self.config.extended_end is None:
            return None
        return self.calendar.minute_of(self.config.announcement)

    @property
    def start_day(self) -> int:
        return self.calendar.day_index(self.config.start)

    @property
    def end_day(self) -> int:
        """Index of the last day as run (of the last wave)."""
        return self.calendar.day_index(self.config.last_day)

    def targeted(self, officers: Officers) -> np.ndarray:
        """Whether each officer is in the campaign's scope (registered or not)."""
        config = self.config
        inside = np.ones(officers.n, dtype=bool)
        for values, names, chosen in (
            (officers.sector, SECTORS, config.target_sectors),
            (officers.service_group, SERVICE_GROUPS, config.target_groups),
            (officers.cadre, CADRES, config.target_cadres),
        ):
            if not set(names) <= set(chosen):
                inside &= _lookup([names.index(name) for name in chosen], len(names))[values]
        if self.unit_ids is not None:
            units = self.unit_ids[self.unit_ids >= 0]  # -1: a unit not in the organisations
            size = int(max(officers.ministry_id.max(initial=0), units.max(initial=0))) + 1
            inside &= _lookup(units, size)[officers.ministry_id]
        return inside

    @property
    def waves(self) -> int:
        return self.config.stagger.waves if self.config.stagger else 1

    def wave_offset_days(self, wave: int) -> int:
        stagger = self.config.stagger
        return wave * stagger.days_between if stagger else 0

    def wave_start_day(self, wave: int) -> int:
        """Index of the day wave `wave` opens (wave 0 on the campaign start)."""
        return self.start_day + self.wave_offset_days(wave)

    def wave_start_min(self, wave: int) -> int:
        return self.start_min + self.wave_offset_days(wave) * MINUTES_PER_DAY

    def _day_shape(
        self, last_day: int, with_launch: bool, first_day: int | None = None
    ) -> np.ndarray:
        """Relative activity of each simulated day for a deadline on `last_day`, for officers
        whose window opens on `first_day` (the campaign start by default)."""
        first = self.start_day if first_day is None else first_day
        days = np.arange(self.calendar.n_days)
        weekendish = self.config.weekend_activity
        shape = self.calendar.day_activity(weekendish, weekendish)
        shape = np.where((days >= first) & (days <= last_day), shape, 0.0)
        rush = self.config.deadline_rush
        if rush.days > 0:
            days_left = last_day - days
            ramp = np.clip(1.0 - days_left / rush.days, 0.0, 1.0)
            shape = shape * (1.0 + (rush.peak_multiplier - 1.0) * ramp)
        if with_launch:
            engagement = self.config.engagement
            since = np.maximum(days - first, 0)
            shape = shape * (
                1.0 + engagement.launch_boost * np.exp(-since / engagement.launch_decay_days)
            )
        return shape

    def _clock(
        self, last_day: int, with_launch: bool, first_day: int | None = None
    ) -> IntensityClock:
        return calendar_clock(self.calendar, self._day_shape(last_day, with_launch, first_day))

    def _last_day(self, extended: bool, wave: int) -> int:
        last = self.config.end if extended else self.config.planned_end
        return self.calendar.day_index(last) + self.wave_offset_days(wave)

    def engaged_clock(self, extended: bool, wave: int = 0) -> IntensityClock:
        """Login intensity of engaged officers of `wave`, for the planned or the extended
        deadline (each wave runs the campaign's length from its own first day)."""
        return self._clock(
            self._last_day(extended, wave), with_launch=False, first_day=self.wave_start_day(wave)
        )

    def engagement_clock(self, extended: bool, wave: int = 0) -> IntensityClock:
        """Intensity with which targeted officers of `wave` take the campaign up."""
        return self._clock(
            self._last_day(extended, wave), with_launch=True, first_day=self.wave_start_day(wave)
        )

    def engagement_scale(self) -> float:
        """k such that an officer of weight 1 engages with the configured probability over
        the planned window."""
        probability = self.config.engagement.probability
        if probability <= 0:
            return 0.0
        total = self.engagement_clock(extended=False).integral(self.start_min, self.planned_end_min)
        means = getattr(self.config.engagement.means_multiplier, self.config.means)
        return float(-np.log1p(-min(probability, 1 - 1e-12)) / total) * means

    def webinar_minutes(self) -> list[int]:
        """Start minute of each webinar: every planned campaign day at the configured times."""
        webinars = self.config.webinars
        if webinars is None or webinars.attendance_cap == 0:
            return []
        offsets = [int(t[:2]) * 60 + int(t[3:]) for t in webinars.times_ist]
        first = self.start_min
        last_wave = self.wave_offset_days(self.waves - 1) * MINUTES_PER_DAY
        n_days = (self.planned_end_min + last_wave - first) // MINUTES_PER_DAY
        return [first + d * MINUTES_PER_DAY + o for d in range(n_days) for o in offsets]

    def webinar_seats(self, scale: int) -> int:
        """A webinar's attendance cap in simulated agents (1 agent = `scale` officers)."""
        webinars = self.config.webinars
        return 0 if webinars is None else int(np.ceil(webinars.attendance_cap / scale))

    def webinar_theme(self, start_minute: int) -> str | None:
        """The competency area of the day a webinar starts on (None: no themes)."""
        webinars = self.config.webinars
        if webinars is None or not webinars.themes:
            return None
        day = (start_minute - self.start_min) // MINUTES_PER_DAY
        return webinars.themes[day % len(webinars.themes)]


def _lookup(members: list[int] | np.ndarray, size: int) -> np.ndarray:
    """A table of `size` flags, set at `members`: one gather per officer tells membership
    (`np.isin` against a short list compares every officer with each member in turn)."""
    table = np.zeros(size, dtype=bool)
    table[np.asarray(members, dtype=np.int64)] = True
    return table
