"""A campaign while it runs: what changes for officers at its start, at the announcement of
an extension, and at its end.

Each phase updates officer arrays and returns the officers whose next event moved, so
that each engine can reschedule them its own way (the fast engine files them in its
calendar queue; the reference engine interrupts their SimPy processes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.agents.activity import IntensityClock
from sim.agents.campaign_response import engagement_rates
from sim.agents.presence import on_platform
from sim.agents.sessions import OnboardingDrive, routine_rates
from sim.config import SERVICE_GROUPS
from sim.scenarios.campaign import CampaignPlan
from sim.world.calendar import MINUTES_PER_DAY, NEVER
from sim.world.population import ENGAGED, NOT_REGISTERED, ROUTINE, Officers
from sim.world.random_streams import RandomStreams

Moved = tuple[np.ndarray, np.ndarray]  # officer ids, their new next-event minutes


@dataclass
class CampaignOutcome:
    """Snapshot taken when a campaign window closes (agent units)."""

    name: str
    start_day: int
    end_day: int
    participants: int
    participants_meeting_target: int
    group_participants: np.ndarray  # by service group (config.SERVICE_GROUPS)
    group_meeting_target: np.ndarray
    completers: int  # officers with a completion in the window
    org_participants: np.ndarray
    org_meeting_target: np.ndarray


class ActiveCampaign:
    """The running campaign: its clocks, window and targeted officers."""

    def __init__(
        self,
        plan: CampaignPlan,
        officers: Officers,
        median_rate: float,
        drive: OnboardingDrive | None = None,
    ) -> None:
        self.plan = plan
        self.drive = drive  # newcomers going back to routine go back to their drive's rate
        self.config = plan.config
        self.median_rate = median_rate
        waves = range(plan.waves)
        self.engaged_clocks: list[IntensityClock] = [plan.engaged_clock(False, w) for w in waves]
        self.completions_at_start = officers.completions.copy()  # created at the start
        in_scope = plan.targeted(officers)
        self.targeted = np.flatnonzero(in_scope)
        self.scope = None if in_scope.all() else in_scope  # None: everyone is in scope
        self.extended = False  # whether the extension has been announced
        # None with a single wave: everyone is in wave 0 (no pass over the population)
        self.wave_of_ministry = self._assign_waves(officers) if plan.waves > 1 else None
        # minutes in which each wave's hours count for the campaign: [opens, closes)
        self.wave_opens = np.array([plan.wave_start_min(w) for w in waves])
        self.wave_closes = np.array([plan.wave_end_min(w) for w in waves])

    def _assign_waves(self, officers: Officers) -> np.ndarray:
        """Ministries into waves of about equal size in registered officers (largest first,
        into the lightest wave)."""
        registered = self.targeted[officers.onboarded_day[self.targeted] != NOT_REGISTERED]
        sizes = np.bincount(
            officers.ministry_id[registered], minlength=officers.ministry_id.max() + 1
        )
        waves = np.zeros(sizes.size, dtype=np.int64)
        load = np.zeros(self.plan.waves)
        for ministry in np.argsort(-sizes, kind="stable").tolist():
            wave = int(np.argmin(load))
            waves[ministry] = wave
            load[wave] += sizes[ministry]
        return waves

    def waves_of(self, officers: Officers, ids: np.ndarray) -> np.ndarray:
        if self.wave_of_ministry is None:
            return np.zeros(ids.size, dtype=np.int64)
        return self.wave_of_ministry[officers.ministry_id[ids]]

    @property
    def engaged_logins_per_day(self) -> float:
        return self.config.engagement.engaged_logins_per_day

    def in_scope(self, ids: np.ndarray) -> np.ndarray:
        """Those of `ids` the campaign asks to learn (its sectors, groups, cadres, units)."""
        return ids if self.scope is None else ids[self.scope[ids]]

    def in_window(self, officers: Officers, ids: np.ndarray, minutes: np.ndarray) -> np.ndarray:
        """Whether hours learned at `minutes` count: the officer is in scope and it is
        inside their wave's window."""
        if self.wave_of_ministry is None:  # one window for all
            opens, closes = self.wave_opens[0], self.wave_closes[0]
        else:
            waves = self.waves_of(officers, ids)
            opens, closes = self.wave_opens[waves], self.wave_closes[waves]
        inside = (minutes >= opens) & (minutes < closes)
        return inside if self.scope is None else inside & self.scope[ids]

    @property
    def engaged_clock(self) -> IntensityClock | None:
        """The clock every engaged officer follows, or None while waves have their own."""
        return self.engaged_clocks[0] if len(self.engaged_clocks) == 1 else None

    def engaged_next(
        self, officers: Officers, ids: np.ndarray, after: np.ndarray, exp_draws: np.ndarray
    ) -> np.ndarray:
        """Next login of engaged officers, each on their wave's clock."""
        rate = np.full(ids.size, self.engaged_logins_per_day)
        if len(self.engaged_clocks) == 1:
            return self.engaged_clocks[0].next_event(after, rate, exp_draws)
        times = np.empty(ids.size, dtype=np.int32)
        waves = self.waves_of(officers, ids)
        for wave, clock in enumerate(self.engaged_clocks):
            rows = waves == wave
            if rows.any():
                times[rows] = clock.next_event(after[rows], rate[rows], exp_draws[rows])
        return times

    def start(self, officers: Officers, streams: RandomStreams) -> Moved:
        """Campaign hours start from zero; targeted officers draw when they take it up."""
        officers.campaign_hours[:] = 0.0
        draws = streams.fresh(f"campaign.{self.plan.index}.engagement")
        present = on_platform(officers, self.targeted)
        return self._draw_engagement(
            officers,
            False,
            draws.standard_exponential(officers.n)[present],
            self.plan.start_min,
            present,
        )

    def join(
        self, officers: Officers, streams: RandomStreams, ids: np.ndarray, day: int
    ) -> np.ndarray:
        """Officers who came onto the platform during the campaign may take it up from
        now on; returns those whose next event moved. Each of the day's joiners draws from
        the day's stream in id order, in scope or not (one draw each: the day's work follows
        its joiners, and an officer's draw does not depend on the campaign's scope)."""
        draws = streams.fresh(f"campaign.{self.plan.index}.engagement.joining", day)
        draws = draws.standard_exponential(ids.size)
        if self.scope is not None:
            ids, draws = ids[self.scope[ids]], draws[self.scope[ids]]
        now = day * MINUTES_PER_DAY
        return self._draw_engagement(officers, self.extended, draws, now, ids)[0]

    def _draw_engagement(
        self,
        officers: Officers,
        extended: bool,
        draws: np.ndarray,
        now: int,
        ids: np.ndarray,
    ) -> Moved:
        """When each of `ids` takes the campaign up (NEVER, for most of them), from
        `draws` (a standard exponential each); each wave from its own clock, which opens
        (with its launch surge) on the wave's first day."""
        rates = engagement_rates(
            officers, ids, self.config.engagement, self.median_rate, self.plan.engagement_scale()
        )
        if self.plan.waves == 1:
            clock = self.plan.engagement_clock(extended)
            times = clock.next_events_from(now, rates, draws)
        else:
            times = np.full(ids.size, NEVER, dtype=np.int32)
            waves = self.waves_of(officers, ids)
            for wave in range(self.plan.waves):
                rows = np.flatnonzero(waves == wave)
                if rows.size:
                    clock = self.plan.engagement_clock(extended, wave)
                    times[rows] = clock.next_events_from(now, rates[rows], draws[rows])
        ids, times = ids[times < NEVER], times[times < NEVER]
        officers.engage_min[ids] = times
        sooner = times < officers.next_login_min[ids]
        officers.next_login_min[ids[sooner]] = times[sooner]
        return ids[sooner], times[sooner]

    def announce_extension(
        self, officers: Officers, streams: RandomStreams, routine_clock: IntensityClock
    ) -> Moved:
        """The deadline moves: redraw engaged officers' logins and pending take-up times.

        Both are memoryless, so redrawing from the announcement is exact. Officers whose next
        event was a take-up get a fresh routine login first.
        """
        plan = self.plan
        now = plan.announce_min
        assert now is not None
        self.engaged_clocks = [plan.engaged_clock(extended=True)]  # never staggered
        self.extended = True
        draws = streams.fresh(f"campaign.{plan.index}.extension.logins").standard_exponential(
            officers.n
        )
        engaged = np.flatnonzero(officers.mode == ENGAGED)
        logins = self.engaged_next(
            officers, engaged, np.full(engaged.size, now, np.int64), draws[engaged]
        )
        officers.next_login_min[engaged] = logins

        targeted = self.targeted
        pending = targeted[officers.engage_min[targeted] < NEVER]
        was_take_up = pending[officers.next_login_min[pending] == officers.engage_min[pending]]
        routine = routine_clock.next_event(
            np.full(was_take_up.size, now, np.int64),
            routine_rates(officers, was_take_up, self.drive),
            draws[was_take_up],
        )
        officers.next_login_min[was_take_up] = routine
        officers.engage_min[pending] = NEVER

        # Officers who already met the target and stepped back do not take it up again.
        waiting = targeted[
            officers.present[targeted]
            & (officers.mode[targeted] == ROUTINE)
            & (officers.campaign_hours[targeted] < self.config.target_hours)
        ]
        draws = streams.fresh(f"campaign.{plan.index}.extension.engagement")
        taking_up = self._draw_engagement(
            officers, True, draws.standard_exponential(officers.n)[waiting], now, waiting
        )
        return (
            np.concatenate([engaged, was_take_up, taking_up[0]]),
            np.concatenate([logins, routine, taking_up[1]]).astype(np.int32),
        )

    def end_wave(
        self, officers: Officers, streams: RandomStreams, routine_clock: IntensityClock, wave: int
    ) -> Moved:
        """A wave's window closes: its officers go back to routine."""
        plan = self.plan
        engaged = np.flatnonzero(officers.mode == ENGAGED)
        targeted = self.targeted
        if self.wave_of_ministry is not None:
            engaged = engaged[self.waves_of(officers, engaged) == wave]
            targeted = targeted[self.waves_of(officers, targeted) == wave]
        officers.mode[engaged] = ROUTINE
        officers.engage_min[targeted] = NEVER
        name = f"campaign.{plan.index}.end" + (f".{wave}" if wave else "")
        draws = streams.fresh(name).standard_exponential(engaged.size)
        logins = routine_clock.next_events_from(
            int(self.wave_closes[wave]), routine_rates(officers, engaged, self.drive), draws
        )
        officers.next_login_min[engaged] = logins
        return engaged, logins

    def outcome(self, officers: Officers, n_orgs: int) -> CampaignOutcome:
        """The campaign's snapshot once its last window has closed."""
        target = self.config.target_hours
        participated = officers.campaign_hours > 0
        meeting = participated & (officers.campaign_hours >= target)
        groups = len(SERVICE_GROUPS)
        completed_in_window = officers.completions > self.completions_at_start
        return CampaignOutcome(
            name=self.plan.name,
            start_day=self.plan.start_day,
            end_day=self.plan.end_day,
            participants=int(participated.sum()),
            participants_meeting_target=int(meeting.sum()),
            group_participants=np.bincount(officers.service_group[participated], minlength=groups),
            group_meeting_target=np.bincount(officers.service_group[meeting], minlength=groups),
            completers=int(self.in_scope(np.flatnonzero(completed_in_window)).size),
            org_participants=np.bincount(officers.org_id[participated], minlength=n_orgs),
            org_meeting_target=np.bincount(officers.org_id[meeting], minlength=n_orgs),
        )
