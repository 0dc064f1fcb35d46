"""A campaign while it runs: what changes for officers at its start, at the announcement of
an extension, and at its end.

Each phase updates officer arrays and returns the officers whose next event moved, so
that each engine can reschedule them its own way (the fast engine files them in its
calendar queue; the reference engine interrupts their SimPy processes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numba import njit, prange

from sim.agents.activity import IntensityClock
from sim.agents.campaign_response import engaged_officers, engagement_rates
from sim.agents.sessions import OnboardingDrive, routine_rates
from sim.config import SERVICE_GROUPS
from sim.scenarios.campaign import CampaignPlan
from sim.world.calendar import MINUTES_PER_DAY, NEVER
from sim.world.listing import listed
from sim.world.officer_draws import draws_at_each, draws_by_block
from sim.world.population import NOT_REGISTERED, ROUTINE, Officers
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
        self.engagement_scale = plan.engagement_scale()  # an officer of weight 1's rate
        self._take_up_clocks: dict[tuple[bool, int], IntensityClock] = {}
        waves = range(plan.waves)
        self.engaged_clocks: list[IntensityClock] = [plan.engaged_clock(False, w) for w in waves]
        self.completions_at_start = officers.completions.copy()  # created at the start
        in_scope = plan.targeted(officers)
        self.targeted = listed(in_scope)
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
        return _joined(
            self._take_ups_by_block(
                officers, draws, False, self.plan.start_min,
                lambda ids, numbers: _present_with_draws(ids, officers.present, numbers),
            )
        )  # fmt: skip

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

    def _take_ups_by_block(
        self,
        officers: Officers,
        draws: np.random.Generator,
        extended: bool,
        now: int,
        keep: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
    ) -> list[Moved]:
        """When the targeted officers that `keep` keeps (with their draws) take the
        campaign up, a block of officers at a time: a block's temporaries, not the
        population's (each officer's draw is the whole draw's, `draws_by_block`)."""
        moved = []
        for [(block_ids, block_draws)] in draws_by_block(
            draws, "standard_exponential", officers.n, [self.targeted]
        ):
            ids, drawn = keep(block_ids, block_draws)
            moved.append(self._draw_engagement(officers, extended, drawn, now, ids))
        return moved

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
            officers, ids, self.config.engagement, self.median_rate, self.engagement_scale
        )
        if self.plan.waves == 1:
            clock = self._take_up_clock(extended, 0)
            times = clock.next_events_from(now, rates, draws)
        else:
            times = np.full(ids.size, NEVER, dtype=np.int32)
            waves = self.waves_of(officers, ids)
            for wave in range(self.plan.waves):
                rows = np.flatnonzero(waves == wave)
                if rows.size:
                    clock = self._take_up_clock(extended, wave)
                    times[rows] = clock.next_events_from(now, rates[rows], draws[rows])
        return _file_take_ups(ids, times, officers.engage_min, officers.next_login_min)

    def _take_up_clock(self, extended: bool, wave: int) -> IntensityClock:
        """The wave's take-up clock, built once (a phase asks for it block by block)."""
        key = (extended, wave)
        if key not in self._take_up_clocks:
            self._take_up_clocks[key] = self.plan.engagement_clock(extended, wave)
        return self._take_up_clocks[key]

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

        # Pending take-ups are cancelled; those that were an officer's next event are
        # replaced by a fresh routine login. (The engaged have none pending: their new
        # logins, drawn from the same stream, cannot change who had one.)
        engaged = engaged_officers(officers)
        was_take_up = _cancel_take_ups(self.targeted, officers.engage_min, officers.next_login_min)
        engaged_draws, take_up_draws = draws_at_each(
            streams.fresh(f"campaign.{plan.index}.extension.logins"), "standard_exponential",
            officers.n, [engaged, was_take_up],
        )  # fmt: skip
        logins = self.engaged_next(
            officers, engaged, np.full(engaged.size, now, np.int64), engaged_draws
        )
        officers.next_login_min[engaged] = logins
        routine = routine_clock.next_event(
            np.full(was_take_up.size, now, np.int64),
            routine_rates(officers, was_take_up, self.drive),
            take_up_draws,
        )
        officers.next_login_min[was_take_up] = routine

        # Officers who already met the target and stepped back do not take it up again.
        draws = streams.fresh(f"campaign.{plan.index}.extension.engagement")
        target = np.float32(self.config.target_hours)
        taking_up = self._take_ups_by_block(
            officers, draws, True, now,
            lambda ids, numbers: _waiting_with_draws(
                ids, numbers, officers.present, officers.mode, officers.campaign_hours, target
            ),
        )  # fmt: skip
        return _joined([(engaged, logins), (was_take_up, routine), *taking_up])

    def end_wave(
        self, officers: Officers, streams: RandomStreams, routine_clock: IntensityClock, wave: int
    ) -> Moved:
        """A wave's window closes: its officers go back to routine."""
        plan = self.plan
        engaged = engaged_officers(officers)
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
        by_group = np.zeros((2, len(SERVICE_GROUPS)), np.int64)  # participants, meeting
        by_org = np.zeros((2, n_orgs), np.int64)
        everyone = self.scope is None
        completers = _count_outcome(
            officers.campaign_hours, np.float32(self.config.target_hours), officers.service_group,
            officers.org_id, officers.completions, self.completions_at_start, everyone,
            np.ones(1, np.bool_) if everyone else self.scope, by_group, by_org,
        )  # fmt: skip
        return CampaignOutcome(
            name=self.plan.name,
            start_day=self.plan.start_day,
            end_day=self.plan.end_day,
            participants=int(by_group[0].sum()),
            participants_meeting_target=int(by_group[1].sum()),
            group_participants=by_group[0],
            group_meeting_target=by_group[1],
            completers=completers,
            org_participants=by_org[0],
            org_meeting_target=by_org[1],
        )


def _joined(moved: list[Moved]) -> Moved:
    """Officers whose next event moved, part after part."""
    if not moved:
        return np.empty(0, np.int64), np.empty(0, np.int32)
    return (
        np.concatenate([ids for ids, _ in moved]),
        np.concatenate([times for _, times in moved]).astype(np.int32, copy=False),
    )


# ---- compiled passes over the targeted officers, or all (`tests/test_campaign_phases.py`
# checks each against the numpy statements it replaced) ---------------------------------


# Each pass looks the officers up on all the cores (each officer's writes are its own),
# then lists those it kept in order.


@njit(cache=True, nogil=True, parallel=True)
def _present_with_draws(ids, present, draws) -> tuple[np.ndarray, np.ndarray]:
    """Those of `ids` on the platform, with their draws (`draws[i]` is `ids[i]`'s)."""
    here = np.empty(ids.size, np.bool_)
    for i in prange(ids.size):
        here[i] = present[ids[i]]
    return ids[here], draws[here]


@njit(cache=True, nogil=True, parallel=True)
def _file_take_ups(ids, times, engage_min, next_login_min) -> tuple[np.ndarray, np.ndarray]:
    """Officers taking the campaign up (a time before NEVER) at `times`: that is their
    take-up minute, and their next event if sooner than their next login. Returns those
    whose next event moved, with it."""
    moved = np.zeros(ids.size, np.bool_)
    for i in prange(ids.size):
        time = times[i]
        if time < NEVER:
            officer = ids[i]
            engage_min[officer] = time
            if time < next_login_min[officer]:
                next_login_min[officer] = time
                moved[i] = True
    return ids[moved], times[moved]


@njit(cache=True, nogil=True, parallel=True)
def _cancel_take_ups(targeted, engage_min, next_login_min) -> np.ndarray:
    """Cancels the targeted officers' pending take-ups; returns those whose next event
    it was."""
    was_next = np.zeros(targeted.size, np.bool_)
    for i in prange(targeted.size):
        officer = targeted[i]
        pending = engage_min[officer]
        if pending < NEVER:
            was_next[i] = next_login_min[officer] == pending
            engage_min[officer] = NEVER
    return targeted[was_next]


@njit(cache=True, nogil=True, parallel=True)
def _waiting_with_draws(
    targeted, draws, present, mode, campaign_hours, target
) -> tuple[np.ndarray, np.ndarray]:
    """Those of the `targeted` on the platform, in routine and short of the float32
    `target`, with their draws (`draws[i]` is `targeted[i]`'s)."""
    waiting = np.empty(targeted.size, np.bool_)
    for i in prange(targeted.size):
        officer = targeted[i]
        waiting[i] = (
            present[officer] and mode[officer] == ROUTINE and campaign_hours[officer] < target
        )
    return targeted[waiting], draws[waiting]


@njit(cache=True, nogil=True)
def _count_outcome(
    campaign_hours, target, service_group, org_id, completions, completions_at_start,
    everyone: bool, in_scope, by_group, by_org,
) -> int:  # fmt: skip
    """Participants (any campaign hours) and those meeting the float32 `target`, by
    service group and organisation; returns the officers in scope (`everyone`, or those
    `in_scope`) who completed a course since the start."""
    completers = 0
    for officer in range(campaign_hours.size):
        if not (
            0 <= service_group[officer] < by_group.shape[1]
            and 0 <= org_id[officer] < by_org.shape[1]
        ):
            raise ValueError("an officer's service group or organisation outside the tables")
        hours = campaign_hours[officer]
        if hours > 0:
            by_group[0, service_group[officer]] += 1
            by_org[0, org_id[officer]] += 1
            if hours >= target:
                by_group[1, service_group[officer]] += 1
                by_org[1, org_id[officer]] += 1
        if completions[officer] > completions_at_start[officer]:
            completers += everyone or in_scope[officer]
    return completers
