"""The KPI registry: every KPI a run reports, in one table read by the CLI, sweeps, the
dashboard and the docs (`docs/kpis.md` is generated from it: `karmasim kpis --markdown`).

Each KPI says what it measures, its unit, and how it scales with `--scale`: counts and
hours of simulated agents stand for `scale` officers each (`scales=True`); shares, means
and figures computed from already scaled series (platform load) do not. Engines and
policies report KPIs in agent units; `scaled` turns them into officers in one place.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KPI:
    name: str
    description: str
    unit: str
    group: str  # participation, learning, campaign, platform, competencies, policies
    scales: bool = True  # an agent's count stands for `scale` officers
    headline: bool = False  # shown first: overview cards, bands, sweep summaries


_KPIS = [
    KPI("officers", "officers onboarded on the platform when the run starts", "officers",
        "participation", scales=False),
    KPI("registered_users_end", "users registered by the last day (accounts of those who "
        "left included)", "officers", "participation"),
    KPI("participants", "officers with any learning in the run", "officers", "participation",
        headline=True),
    KPI("sessions", "learning sessions started", "sessions", "participation"),
    KPI("enrolments", "course enrolments in the run", "enrolments", "learning"),
    KPI("completions", "course completions in the run", "completions", "learning",
        headline=True),
    KPI("drops", "courses abandoned", "courses", "learning"),
    KPI("in_progress_end", "courses still in progress at the end", "courses", "learning"),
    KPI("learning_hours", "nominal course hours (completed fraction x listed duration)",
        "hours", "learning", headline=True),
    KPI("webinar_attendances", "webinar seats taken", "attendances", "learning"),
    KPI("webinar_hours", "hours spent in webinars", "hours", "learning"),
    KPI("mean_hours_per_participant", "(course + webinar) hours per participant", "hours",
        "learning", scales=False),
    KPI("completion_per_enrolment", "completions / enrolments", "share", "learning",
        scales=False),
    KPI("platform_completions_cumulative", "completions since launch, history included",
        "completions", "learning"),
    KPI("daily_completions_before_campaign",
        "mean daily completions, 14 days before the campaign", "completions a day",
        "campaign"),
    KPI("daily_completions_during_campaign", "mean daily completions in the campaign window",
        "completions a day", "campaign"),
    KPI("campaign_enrolments", "enrolments inside the campaign window", "enrolments",
        "campaign"),
    KPI("campaign_completions", "completions inside the campaign window", "completions",
        "campaign"),
    KPI("campaign_learning_hours", "nominal course hours inside the campaign window", "hours",
        "campaign"),
    KPI("campaign_participants", "officers with learning inside the campaign window",
        "officers", "campaign"),
    KPI("campaign_participants_meeting_target",
        "officers whose hours in the window reach their campaign's target_hours", "officers",
        "campaign", headline=True),
    KPI("campaign_completers", "officers with at least one completion in the campaign window",
        "officers", "campaign"),
    KPI("campaign_completions_state_share",
        "share of the campaign window's completions by state and local-body staff", "share",
        "campaign", scales=False),
    KPI("campaign_completions_frontline_share",
        "share of the campaign window's completions by frontline cadres (teachers, police, "
        "health, field staff)", "share", "campaign", scales=False),
    KPI("campaign_mean_hours_per_participant", "campaign hours per campaign participant",
        "hours", "campaign", scales=False),
    KPI("peak_concurrent_learners", "most learners on the platform in one minute",
        "learners", "platform", scales=False, headline=True),
    KPI("peak_requests_per_s", "most requests per second in one minute (all APIs)",
        "requests/s", "platform", scales=False, headline=True),
    KPI("servers_needed", "servers the latency target needs in the busiest hour", "servers",
        "platform", scales=False, headline=True),
    KPI("rejected_sessions", "sessions the platform turned away (overload)", "sessions",
        "platform", scales=False, headline=True),
    KPI("minutes_over_latency_target",
        "minutes in which the servers ready missed the latency target", "minutes", "platform",
        scales=False),
    KPI("server_hours", "server-hours used (autoscaled, fixed, or sized hour by hour)",
        "server-hours", "platform", scales=False),
    KPI("server_cost", "cost of the server-hours (at server.cost_per_hour)", "INR",
        "platform", scales=False),
    KPI("competency_coverage", "share of required (officer, competency) pairs met at the end",
        "share", "competencies", scales=False),
    KPI("role_readiness", "share of officers meeting every requirement of their post at the "
        "end", "share", "competencies", scales=False),
    KPI("competency_coverage_start", "competency coverage when the run started", "share",
        "competencies", scales=False),
    KPI("role_readiness_start", "role readiness when the run started", "share",
        "competencies", scales=False),
    KPI("officers_meeting_more_requirements",
        "officers meeting more of their post's requirements at the end than at the start (or "
        "than after their transfer)", "officers", "competencies"),
    KPI("requirements_met_gained", "net change in required (officer, competency) pairs met, "
        "end minus start (retirements and transfers included)", "pairs", "competencies"),
    *[
        KPI(f"share_with_{area}_course{when}",
            f"share of officers with a completed {area} course{label}", "share",
            "competencies", scales=False)
        for area in ("behavioural", "functional", "domain")
        for when, label in (("", " at the end"), ("_start", " when the run started"))
    ],
    KPI("share_with_topic_course", "share of officers with a completed course on the focus "
        "topic (competencies.focus_topic, AI-related by default) at the end", "share",
        "competencies", scales=False),
    KPI("share_with_topic_course_start", "share of officers with a completed course on the "
        "focus topic when the run started", "share", "competencies", scales=False),
    KPI("assigned_courses_done_by_due",
        "share of assigned (ACBP, mandatory) courses done when due", "share", "policies",
        scales=False),
    KPI("karma_points", "karma points earned in the run", "points", "policies"),
    KPI("reminders_sent", "weekly reminders sent", "messages", "policies"),
    KPI("inactivity_alerts_sent", "inactivity alerts sent", "messages", "policies"),
    KPI("programme_nominations", "officers nominated to MDO programmes", "officers",
        "policies"),
    KPI("programme_attendances", "MDO programme seats taken", "attendances", "policies"),
    KPI("retirements", "officers who retired in the run", "officers", "workforce"),
    KPI("transfers", "officers who moved to a new role in the run", "officers", "workforce"),
    KPI("joined", "officers who onboarded during the run (growth)", "officers", "workforce"),
    KPI("recruits", "new recruits among them (they take the onboarding courses)", "officers",
        "workforce"),
    KPI("officers_end", "officers on the platform at the end", "officers", "workforce"),
]  # fmt: skip

KPIS: dict[str, KPI] = {k.name: k for k in _KPIS}
HEADLINE_KPIS: tuple[str, ...] = tuple(k.name for k in _KPIS if k.headline)
# What a planner compares on competencies (at the end of the run).
COMPETENCY_KPIS: tuple[str, ...] = (
    "competency_coverage",
    "role_readiness",
    "officers_meeting_more_requirements",
    "share_with_behavioural_course",
    "share_with_functional_course",
    "share_with_domain_course",
    "share_with_topic_course",
)


class UnknownKPIError(KeyError):
    pass


def kpi(name: str) -> KPI:
    try:
        return KPIS[name]
    except KeyError:
        raise UnknownKPIError(
            f"{name!r} is not in the KPI registry (sim/results/kpis.py)"
        ) from None


def describe(name: str) -> str:
    return KPIS[name].description if name in KPIS else ""


def scaled(values: dict[str, float], scale: int) -> dict[str, float]:
    """KPIs in agent units as officers: counts times `scale`, the rest as they are."""
    return {name: float(v * scale if kpi(name).scales else v) for name, v in values.items()}


def combined(name: str, values: list[float]) -> float:
    """One KPI reported by several policies of a kind: counts add up, shares average."""
    return float(sum(values)) if kpi(name).scales else float(sum(values) / len(values))


def markdown_table() -> str:
    """The registry as the table in `docs/kpis.md`."""
    lines = [
        "| KPI | what it measures | unit | scales with `--scale` | headline |",
        "|---|---|---|---|---|",
    ]
    for group in dict.fromkeys(k.group for k in _KPIS):
        for k in (k for k in _KPIS if k.group == group):
            lines.append(
                f"| `{k.name}` | {k.description} | {k.unit} | {'yes' if k.scales else 'no'} | "
                f"{'yes' if k.headline else ''} |"
            )
    return "\n".join(lines) + "\n"
