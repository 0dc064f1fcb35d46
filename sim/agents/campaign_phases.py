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
from sim.agents.campaign_response import engagement_weights
from sim.calendar import NEVER
from sim.population import ENGAGED, ROUTINE, Officers
from sim.random_streams import RandomStreams
from sim.scenarios.campaign import CampaignPlan

Moved = tuple[np.ndarray, np.ndarray]  # officer ids, their new next-event minutes


@dataclass
class CampaignOutcome:
    """Snapshot taken when a campaign window closes (agent units)."""

    name: str
    start_day: int
    end_day: int
    participants: int
    participants_meeting_target: int
    org_participants: np.ndarray
    org_meeting_target: np.ndarray


class ActiveCampaign:
    """The running campaign: its clocks, window and targeted officers."""

    def __init__(self, plan: CampaignPlan, officers: Officers, median_rate: float) -> None:
        self.plan = plan
        self.config = plan.config
        self.median_rate = median_rate
        self.engaged_clock: IntensityClock = plan.engaged_clock(extended=False)
        self.window = (plan.start_min, plan.end_min)  # minutes in which hours count for it
        self.targeted = np.flatnonzero(plan.targeted(officers))

    @property
    def engaged_logins_per_day(self) -> float:
        return self.config.engagement.engaged_logins_per_day

    def in_window(self, minutes: np.ndarray) -> np.ndarray:
        return (minutes >= self.window[0]) & (minutes < self.window[1])

    def start(self, officers: Officers, streams: RandomStreams) -> Moved:
        """Campaign hours start from zero; targeted officers draw when they take it up."""
        officers.campaign_hours[:] = 0.0
        draws = streams.fresh(f"campaign.{self.plan.index}.engagement")
        return self._draw_engagement(
            officers,
            self.plan.engagement_clock(extended=False),
            draws.standard_exponential(officers.n),
            self.plan.start_min,
            self.targeted,
        )

    def _draw_engagement(
        self,
        officers: Officers,
        clock: IntensityClock,
        draws: np.ndarray,
        now: int,
        ids: np.ndarray,
    ) -> Moved:
        """When each of `ids` takes the campaign up (NEVER, for most of them)."""
        weights = engagement_weights(officers, ids, self.config.engagement, self.median_rate)
        times = clock.next_events_from(now, self.plan.engagement_scale() * weights, draws[ids])
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
        self.engaged_clock = plan.engaged_clock(extended=True)
        draws = streams.fresh(f"campaign.{plan.index}.extension.logins").standard_exponential(
            officers.n
        )
        engaged = np.flatnonzero(officers.mode == ENGAGED)
        rate = np.full(engaged.size, self.engaged_logins_per_day)
        logins = self.engaged_clock.next_event(
            np.full(engaged.size, now, np.int64), rate, draws[engaged]
        )
        officers.next_login_min[engaged] = logins

        targeted = self.targeted
        pending = targeted[officers.engage_min[targeted] < NEVER]
        was_take_up = pending[officers.next_login_min[pending] == officers.engage_min[pending]]
        routine = routine_clock.next_event(
            np.full(was_take_up.size, now, np.int64),
            officers.routine_logins_per_day[was_take_up],
            draws[was_take_up],
        )
        officers.next_login_min[was_take_up] = routine
        officers.engage_min[pending] = NEVER

        # Officers who already met the target and stepped back do not take it up again.
        waiting = targeted[
            (officers.mode[targeted] == ROUTINE)
            & (officers.campaign_hours[targeted] < self.config.target_hours)
        ]
        draws = streams.fresh(f"campaign.{plan.index}.extension.engagement")
        taking_up = self._draw_engagement(
            officers,
            plan.engagement_clock(extended=True),
            draws.standard_exponential(officers.n),
            now,
            waiting,
        )
        return (
            np.concatenate([engaged, was_take_up, taking_up[0]]),
            np.concatenate([logins, routine, taking_up[1]]).astype(np.int32),
        )

    def end(
        self,
        officers: Officers,
        streams: RandomStreams,
        routine_clock: IntensityClock,
        n_orgs: int,
    ) -> tuple[Moved, CampaignOutcome]:
        """Everyone goes back to routine; the outcome is the window's snapshot."""
        plan = self.plan
        engaged = np.flatnonzero(officers.mode == ENGAGED)
        officers.mode[engaged] = ROUTINE
        officers.engage_min[self.targeted] = NEVER
        draws = streams.fresh(f"campaign.{plan.index}.end").standard_exponential(engaged.size)
        logins = routine_clock.next_events_from(
            plan.end_min, officers.routine_logins_per_day[engaged], draws
        )
        officers.next_login_min[engaged] = logins

        target = self.config.target_hours
        participated = officers.campaign_hours > 0
        meeting = participated & (officers.campaign_hours >= target)
        outcome = CampaignOutcome(
            name=plan.name,
            start_day=plan.start_day,
            end_day=plan.end_day,
            participants=int(participated.sum()),
            participants_meeting_target=int(meeting.sum()),
            org_participants=np.bincount(officers.org_id[participated], minlength=n_orgs),
            org_meeting_target=np.bincount(officers.org_id[meeting], minlength=n_orgs),
        )
        return (engaged, logins), outcome
