"""The rules that raise findings, each with its threshold, evidence and next step."""

from __future__ import annotations

from fractions import Fraction

from ...goals import GoalStatus
from ...kpi import (
    KpiName,
    Rate,
    Report,
)
from ...team import Finding
from ._results import ChannelShift, GoalReport, SlaLine

#: The share of evaluated SLA clocks that must be met; a line is flagged when even the
#: upper end of its 95% interval is below it.
SLA_COMPLIANCE_THRESHOLD = Fraction(9, 10)
#: Clocks an SLA line needs before it is judged.
SLA_MINIMUM_CLOCKS = 20
#: The reopen rate a latest period is flagged above (the lower end of its 95% interval).
REOPEN_THRESHOLD = Fraction(1, 10)
#: The repeat-contact rate flagged above (the lower end of its 95% interval).
REPEAT_THRESHOLD = Fraction(1, 5)
#: Complaints needed before a top theme is reported as a finding.
THEME_MINIMUM_COMPLAINTS = 20
_MOST_FINDINGS = 8

_Scored = tuple[float, Finding]


def _pct(value: float | Fraction) -> str:
    return f"{float(value):.1%}"


def _goal_findings(goals: tuple[GoalReport, ...]) -> list[_Scored]:
    """A goal missed, off track or at risk; the explanation is the goal's own sentence."""
    weights = {GoalStatus.MISSED: 3.0, GoalStatus.OFF_TRACK: 2.0, GoalStatus.AT_RISK: 1.0}
    scored: list[_Scored] = []
    for report in goals:
        p = report.progress
        goal = report.goal
        if p is None or goal.metric is None or goal.direction is None or p.status not in weights:
            continue
        gap = abs(float(p.latest - p.expected)) / (abs(float(p.expected)) or 1.0)
        scored.append(
            (
                weights[p.status] + gap,
                Finding(
                    title=f"Goal '{goal.name}' is {p.status.value.replace('_', ' ')}",
                    metric=goal.metric,
                    observed=p.latest,
                    target=p.expected,
                    direction="higher" if goal.direction.value == "increase" else "lower",
                    sample_size=len(report.observations),
                    scope=goal.scope.describe(),
                    evidence=p.explanation,
                    rule="a goal is flagged when it is missed, off track or at risk "
                    "(see its line under Goals)",
                    next_step=f"{goal.metric.value} for {goal.scope.describe()} period by period, and "
                    "what changed where it fell behind the line",
                ),
            )
        )
    return scored


def _sla_findings(sla: tuple[SlaLine, ...]) -> list[_Scored]:
    """An SLA line whose compliance is below 90% even at the top of its 95% interval."""
    scored: list[_Scored] = []
    for line in sla:
        priority, metric = line.priority.value, line.metric.value
        evaluated = line.met + line.breached
        if evaluated < SLA_MINIMUM_CLOCKS:
            continue
        rate = line.rate
        if rate.interval.high < SLA_COMPLIANCE_THRESHOLD:
            scored.append(
                (
                    1.5 + float(SLA_COMPLIANCE_THRESHOLD - rate.value) * 5,
                    Finding(
                        title=f"SLA {metric} for {priority} under '{line.policy}' "
                        f"is met {_pct(rate.value)} of the time, below "
                        f"{_pct(SLA_COMPLIANCE_THRESHOLD)}",
                        metric="sla_compliance",
                        observed=rate.value,
                        target=SLA_COMPLIANCE_THRESHOLD,
                        sample_size=evaluated,
                        scope=f"{line.policy}/{priority}/{metric}",
                        evidence=f"{line.met} met, {line.breached} breached "
                        f"({_pct(rate.value)}, 95% interval {_pct(rate.interval.low)} to "
                        f"{_pct(rate.interval.high)})",
                        rule=f"an SLA line is flagged when even the top of its 95% interval is "
                        f"below {_pct(SLA_COMPLIANCE_THRESHOLD)} met (with at least "
                        f"{SLA_MINIMUM_CLOCKS} met or breached clocks)",
                        next_step=f"the breached {priority} {metric} clocks: "
                        "when they started (hour, weekday), which channel and group they were in",
                    ),
                )
            )
    return scored


def _shift_findings(shift: tuple[ChannelShift, ...]) -> list[_Scored]:
    """The largest significant change in a channel's share of contacts."""
    for s in shift:
        if s.change.significant():
            return [
                (
                    1.0 + abs(float(s.change.value)) * 5,
                    Finding(
                        title=f"Customers are {'moving to' if s.change.value > 0 else 'leaving'} "
                        f"{s.channel}",
                        metric="channel_mix",
                        observed=s.latest.value,
                        target=s.previous.value,
                        sample_size=s.latest.denominator,
                        scope=s.channel,
                        evidence=f"share {_pct(s.previous.value)} -> {_pct(s.latest.value)} "
                        f"(change 95% interval {s.change.interval.low:+.1%} to "
                        f"{s.change.interval.high:+.1%})",
                        rule="the largest change in a channel's share between the last two "
                        "periods whose 95% interval excludes zero",
                        next_step=f"staffing and response times on {s.channel}, and whether "
                        "another channel is failing its customers",
                    ),
                )
            ]
    return []


def _rate_above(
    rate: Rate,
    threshold: Fraction,
    *,
    score: float,
    metric: KpiName,
    happens: str,
    evidence: str,
    interval: str,
    next_step: str,
) -> list[_Scored]:
    """A rate that should stay low, flagged when even the bottom of its 95% interval is above
    *threshold*; *happens* says what the rate counts, *interval* whose interval it is."""
    if rate.interval.low <= threshold:
        return []
    return [
        (
            score,
            Finding(
                title=f"{happens} {_pct(rate.value)} of the time, above {_pct(threshold)}",
                metric=metric,
                observed=rate.value,
                target=threshold,
                direction="lower",
                sample_size=rate.denominator,
                evidence=evidence,
                rule=f"flagged when even the bottom of {interval} 95% interval is above "
                f"{_pct(threshold)}",
                next_step=next_step,
            ),
        )
    ]


def _reopen_findings(overall: Report) -> list[_Scored]:
    """A latest period whose reopen rate is above 10% even at the bottom of its interval."""
    rows = [r for r in overall.rows if r.period is not None]
    if not rows or KpiName.REOPEN_RATE not in overall.metrics:
        return []
    row = max(rows, key=lambda r: r.period)  # type: ignore[arg-type, return-value]
    r = row.cell(KpiName.REOPEN_RATE).result
    if not isinstance(r, Rate):
        return []
    return _rate_above(
        r,
        REOPEN_THRESHOLD,
        score=1.2,
        metric=KpiName.REOPEN_RATE,
        happens="Solved interactions are reopened",
        evidence=f"{r.numerator} of {r.denominator} reopened in the latest period",
        interval="the latest period's",
        next_step="a sample of reopened interactions: what the customer wrote after the solve",
    )


def _theme_findings(themes: tuple[tuple[str, int], ...], complaints: int) -> list[_Scored]:
    """The most frequent complaint theme, once there are enough complaints."""
    if not themes or complaints < THEME_MINIMUM_COMPLAINTS:
        return []
    theme, n = themes[0]
    return [
        (
            0.5 + n / complaints,
            Finding(
                title=f"Top complaint theme: {theme}",
                metric="complaint_themes",
                observed=Fraction(n, complaints),
                sample_size=complaints,
                scope=theme,
                evidence=f"{n} of {complaints} complaints carry '{theme}'",
                rule=f"the most frequent tag on complaints, once there are at least "
                f"{THEME_MINIMUM_COMPLAINTS} complaints",
                next_step=f"the complaints tagged '{theme}', for a common cause",
            ),
        )
    ]


def _repeat_findings(repeat: Rate | None) -> list[_Scored]:
    """Repeat contacts above 20% even at the bottom of their interval (20 contacts or more)."""
    if repeat is None or repeat.denominator < 20:
        return []
    return _rate_above(
        repeat,
        REPEAT_THRESHOLD,
        score=1.0,
        metric=KpiName.REPEAT_CONTACT_RATE,
        happens="Customers come back within a week",
        evidence=f"{repeat.numerator} of {repeat.denominator} contacts were followed by "
        "another from the same customer within 7 days",
        interval="the",
        next_step="what a repeating customer's first contact was about, and whether it was solved",
    )


def _findings(
    goals: tuple[GoalReport, ...],
    sla: tuple[SlaLine, ...],
    shift: tuple[ChannelShift, ...],
    overall: Report,
    themes: tuple[tuple[str, int], ...],
    complaints: int,
    repeat: Rate | None,
) -> tuple[Finding, ...]:
    """Every rule's findings, most pressing first (at most eight)."""
    scored = [
        *_goal_findings(goals),
        *_sla_findings(sla),
        *_shift_findings(shift),
        *_reopen_findings(overall),
        *_theme_findings(themes, complaints),
        *_repeat_findings(repeat),
    ]
    scored.sort(key=lambda item: -item[0])
    return tuple(f for _, f in scored[:_MOST_FINDINGS])
