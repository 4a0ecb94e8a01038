"""Assess a service model end to end over interactions, in one streaming pass."""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable, Iterable
from fractions import Fraction
from typing import Any, cast, final

import attrs
import pendulum

from ._followup import OutreachAction, schedule_outreach
from ._service_model import ServiceModel
from ._time import aware, from_micros, to_micros, zone
from .customers import Customer
from .exceptions import EmptySampleError, ValidationError
from .feedback import Feedback
from .goals import Goal, GoalStatus, Observation, Progress, SmartCheck
from .interactions import Channel, Interaction, Kind, Status, StatusChange
from .kpi import (
    DurationStats,
    Mean,
    Net,
    Period,
    Rate,
    RepeatContactRate,
    Report,
    ReportState,
    SlaCompliance,
    rate_difference,
    wilson_interval,
)
from .kpi._accumulators import _REGISTRY
from .team import Finding, Leaderboard, MonthTally

__all__ = [
    "Assessment",
    "ChannelShift",
    "GoalReport",
    "SlaLine",
    "assess",
]

_REPEAT_WINDOW = 7 * 86_400_000_000


@final
@attrs.frozen(kw_only=True)
class SlaLine:
    """SLA compliance of one policy, priority and metric: met over met + breached.

    >>> SlaLine(policy="Standard", priority="high", metric="first_reply", met=9, breached=1,
    ...         pending=2).rate.value
    Fraction(9, 10)
    """

    policy: str
    priority: str
    metric: str
    met: int
    breached: int
    pending: int

    @property
    def rate(self) -> Rate:
        """Compliance with its Wilson interval (needs at least one evaluated clock).

        Raises:
            EmptySampleError: no clock has met or breached yet.

        >>> SlaLine(policy="P", priority="low", metric="resolution", met=0, breached=0,
        ...         pending=3).rate
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: SLA compliance needs at least one met or breached clock (got 0)
        """
        evaluated = self.met + self.breached
        if evaluated == 0:
            raise EmptySampleError(
                "SLA compliance needs at least one met or breached clock (got 0)"
            )
        return wilson_interval(self.met, evaluated)


@final
@attrs.frozen(kw_only=True)
class ChannelShift:
    """How one channel's share of contacts moved from the previous period to the latest.

    >>> from servicemodel.kpi import wilson_interval, rate_difference
    >>> s = ChannelShift(channel="chat", previous=wilson_interval(20, 100),
    ...                  latest=wilson_interval(35, 100),
    ...                  change=rate_difference(wilson_interval(35, 100), wilson_interval(20, 100)))
    >>> s.change.significant()
    True
    """

    channel: str
    previous: Rate
    latest: Rate
    change: Any  # servicemodel.kpi.Difference


@final
@attrs.frozen(kw_only=True)
class GoalReport:
    """A goal's SMART check and, when measurable, its progress and the observations behind it.

    ``note`` says why progress could not be measured, if it could not.

    >>> GoalReport(goal=Goal(name="g"), smart=Goal(name="g").smart_check(), progress=None,
    ...            observations=(), note="no data").note
    'no data'
    """

    goal: Goal
    smart: SmartCheck
    progress: Progress | None
    observations: tuple[Observation, ...]
    note: str = ""


@final
@attrs.frozen(kw_only=True)
class Assessment:
    """What :func:`assess` found: KPIs, SLA compliance, goals, shifts, themes, people.

    Render it with :meth:`to_text`, :meth:`to_json` or :meth:`to_html`.

    >>> import pendulum
    >>> from servicemodel.model import ServiceModel
    >>> a = assess(ServiceModel(name="Desk", type="reactive", channels=["email"]), [],
    ...            as_of=pendulum.datetime(2024, 2, 1))
    >>> a.interactions, a.findings
    (0, ())
    """

    model: ServiceModel
    as_of: pendulum.DateTime
    period: Period
    interactions: int
    kpis: Report
    overall: Report
    sla: tuple[SlaLine, ...]
    goals: tuple[GoalReport, ...]
    channel_mix: Report
    channel_shift: tuple[ChannelShift, ...]
    complaint_themes: tuple[tuple[str, int], ...]
    complaints: int
    repeat_contact: Rate | None
    contacts_per_customer: Mean | None
    recognition: Leaderboard | None
    outreach: tuple[OutreachAction, ...]
    findings: tuple[Finding, ...]

    def to_text(self) -> str:
        """A readable report for a terminal.

        >>> import pendulum
        >>> from servicemodel.model import ServiceModel
        >>> print(assess(ServiceModel(name="Desk", type="reactive", channels=["email"]), [],
        ...              as_of=pendulum.datetime(2024, 2, 1)).to_text().splitlines()[0])
        Service model assessment: Desk (reactive), as of 2024-02-01 00:00 UTC
        """
        from ._report_render import render_text

        return render_text(self)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (schema in ``docs/reference/assessment-json.md``).

        >>> import pendulum
        >>> from servicemodel.model import ServiceModel
        >>> assess(ServiceModel(name="Desk", type="reactive", channels=["email"]), [],
        ...        as_of=pendulum.datetime(2024, 2, 1)).to_json()["model"]["type"]
        'reactive'
        """
        from ._report_render import render_json

        return render_json(self)

    def to_html(self) -> str:
        """One self-contained HTML page with charts (inline SVG, no scripts).

        >>> import pendulum
        >>> from servicemodel.model import ServiceModel
        >>> assess(ServiceModel(name="Desk", type="reactive", channels=["email"]), [],
        ...        as_of=pendulum.datetime(2024, 2, 1)).to_html().startswith("<!DOCTYPE html>")
        True
        """
        from ._report_render import render_html

        return render_html(self)

    def _repr_html_(self) -> str:
        from ._report_render import render_html_fragment

        return render_html_fragment(self)

    def to_pandas(self) -> Any:
        """The KPIs as a pandas DataFrame (needs the ``pandas`` extra): one row per channel
        and period, then one per period over every channel (``channel`` is ``"all"``).

        ``period`` holds dates (each period's first day) and durations are
        ``timedelta64`` columns, as in :meth:`servicemodel.kpi.Report.to_pandas`.

        >>> import pendulum
        >>> from servicemodel import samples
        >>> from servicemodel.model import ServiceModel
        >>> data = samples.generate(200, seed=1, start=pendulum.datetime(2024, 1, 1))
        >>> frame = assess(ServiceModel(name="Desk", type="reactive", channels=["email"]),
        ...                data, as_of=pendulum.datetime(2024, 2, 1)).to_pandas()
        >>> frame["period"].dtype.kind, frame["first_reply_time_median"].dtype.kind  # M, m: dates, durations
        ('M', 'm')
        """
        import pandas as pd

        overall = self.overall.to_pandas()
        overall.insert(0, "channel", "all")
        return pd.concat([self.kpis.to_pandas(), overall], ignore_index=True)


# ------------------------------------------------------------------ values of results


def value_of(result: object, variant: str | None) -> Fraction | None:
    """The number a goal compares: rates and means as such, NPS in points, durations in seconds.

    Durations use the goal's variant: ``median`` (default), ``mean`` or ``pNN``.

    >>> from servicemodel.kpi import wilson_interval
    >>> value_of(wilson_interval(3, 4), None)
    Fraction(3, 4)
    """
    if isinstance(result, Rate | Net | Mean):
        return result.value
    if isinstance(result, DurationStats):
        if variant in (None, "median"):
            chosen = result.median
        elif variant == "mean":
            chosen = result.mean
        elif variant.startswith("p") and variant[1:].isdigit() and 0 < int(variant[1:]) < 100:
            try:
                chosen = result.percentile(Fraction(int(variant[1:]), 100))
            except ValidationError:
                return None
        else:
            return None
        return Fraction(to_micros_duration(chosen), 1_000_000)
    return None


def to_micros_duration(value: _dt.timedelta) -> int:
    from ._time import duration_micros

    return duration_micros(value)


# ------------------------------------------------------------------ assess


def _month_before(as_of: pendulum.DateTime, tz: str) -> tuple[int, int]:
    local = as_of.in_timezone(tz)
    first = local.start_of("month")
    previous = first.subtract(months=1)
    return previous.year, previous.month


def assess(
    model: ServiceModel,
    interactions: Iterable[Interaction],
    *,
    customers: Iterable[Customer] = (),
    feedback: Iterable[Feedback] = (),
    as_of: _dt.datetime,
    period: Period | str = Period.MONTH,
    progress: Callable[[int], None] | None = None,
) -> Assessment:
    """Assess *model* over *interactions* (and feedback) as of an instant.

    One pass over the data, in memory that grows with customers, agents,
    groups and periods, and by one (customer, instant) pair per interaction
    for the exact repeat-contact KPI:
    KPIs by channel and period and overall, SLA compliance per policy,
    priority and metric, each goal's SMART check and progress against its
    line, the shift in channel preference between the last two periods, top
    complaint themes, repeat contacts (``kpi.RepeatContactRate``: contacts
    followed by another from the same customer within 7 days) and contacts
    per customer in the latest period, last month's
    recognition leaderboard, the outreach due in the next 7 days for a
    proactive model, and a ranked list of findings tied to their numbers.

    Interactions created after *as_of* are left out; the evaluation reads
    each interaction as it stood at *as_of*.

    Args:
        model: the service model.
        interactions: any iterable (a list, or a reader's stream).
        customers: customers, for SLA policies with segment or tier conditions.
        feedback: survey responses and reviews (NPS, CES, CSAT surveys).
        as_of: the instant of the assessment.
        period: ``"day"``, ``"week"`` or ``"month"`` (default), in the model's zone.
        progress: called with the running count every 10,000 interactions.

    Raises:
        ValidationError: a bad argument.

    >>> import pendulum
    >>> from servicemodel import samples
    >>> from servicemodel.model import ServiceModel
    >>> model = ServiceModel(name="Desk", type="reactive", channels=["email", "chat", "phone"])
    >>> data = samples.generate(300, seed=3, start=pendulum.datetime(2024, 1, 1, tz="Europe/London"))
    >>> result = assess(model, data, as_of=pendulum.datetime(2024, 3, 1, tz="Europe/London"))
    >>> result.interactions
    300
    """
    if not isinstance(model, ServiceModel):
        raise ValidationError(
            f"'model' must be a ServiceModel (got {type(model).__name__})",
            field="model",
            value=model,
        )
    when = aware(as_of, field="as_of")
    limit = to_micros(when)
    tz = model.timezone
    zone(tz)
    cut = Period(period) if not isinstance(period, Period) else period
    calendar = (
        dict(model.policies.calendars)[model.business_calendar]
        if model.policies is not None and model.business_calendar is not None
        else None
    )
    metrics = _metrics(model, calendar)
    scoped_teams = sorted({g.scope.team for g in model.goals if g.scope.team is not None})
    options: dict[str, Any] = {"period": cut, "timezone": tz, "calendar": calendar}
    by_channel = ReportState(metrics=metrics, by=["channel"], **options)
    overall = ReportState(metrics=metrics, by=[], **options)
    by_team = ReportState(metrics=metrics, by=["group"], **options) if scoped_teams else None
    mix = ReportState(metrics=["channel_mix"], by=[], period=cut, timezone=tz)
    year, month = _month_before(when, tz)
    tally = (
        MonthTally(model.recognition, year=year, month=month, as_of=when)
        if model.recognition is not None
        else None
    )
    customer_list = tuple(customers)
    compliance = (
        SlaCompliance(policies=model.policies, as_of=when, customers=customer_list)
        if model.policies is not None
        else None
    )
    themes: dict[str, int] = {}
    complaints = 0
    contact_tally = _ContactTally(cut, tz)
    repeat_contacts = RepeatContactRate.empty(window=_REPEAT_WINDOW)
    solved_for_outreach: list[tuple[str, str, Channel, Kind, pendulum.DateTime]] = []
    outreach_from = (
        limit
        - max((max(r.after.in_seconds(), 0) * 1_000_000 for r in model.follow_ups), default=0)
        - _REPEAT_WINDOW
    )
    count = 0
    for position, item in enumerate(interactions):
        if not isinstance(item, Interaction):
            raise ValidationError(
                f"'interactions[{position}]' must be an Interaction (got {type(item).__name__})",
                field=f"interactions[{position}]",
                value=item,
            )
        created = to_micros(item.created_at)
        if created > limit:
            continue
        interaction = item.as_of(when)
        count += 1
        if progress is not None and count % 10_000 == 0:
            progress(count)
        by_channel.add(interaction)
        overall.add(interaction)
        mix.add(interaction)
        if by_team is not None:
            by_team.add(interaction)
        if tally is not None:
            tally.add(interaction)
        if compliance is not None:
            compliance.add(interaction)
        if interaction.kind is Kind.COMPLAINT:
            complaints += 1
            for tag in interaction.tags or ("(untagged)",):
                themes[tag] = themes.get(tag, 0) + 1
        contact_tally.add(interaction.customer_id, created)
        repeat_contacts.add(interaction)
        if model.follow_ups:
            solved = interaction.last_solved_at()
            if solved is not None and to_micros(solved) >= outreach_from:
                # Keep only what a follow-up needs, not the whole log.
                solved_for_outreach.append(
                    (
                        interaction.id,
                        interaction.customer_id,
                        interaction.channel,
                        interaction.kind,
                        solved,
                    )
                )
    for response in feedback:
        if to_micros(response.at) <= limit:
            overall.add(response)
            if response.channel is not None:
                by_channel.add(response)
    kpi_report = by_channel.result()
    overall_report = overall.result()
    mix_report = mix.result()
    team_report = by_team.result() if by_team is not None else None
    goals = tuple(
        _goal_report(goal, overall_report, kpi_report, team_report, when) for goal in model.goals
    )
    sla_lines = (
        tuple(
            SlaLine(
                policy=t.policy,
                priority=t.priority.value,
                metric=t.metric.value,
                met=t.met,
                breached=t.breached,
                pending=t.pending,
            )
            for t in compliance.breakdown()
        )
        if compliance is not None
        else ()
    )
    shift = _channel_shift(mix_report)
    top_themes = tuple(sorted(themes.items(), key=lambda kv: (-kv[1], kv[0]))[:10])
    repeat = repeat_contacts.result() if count else None
    per_customer = contact_tally.per_customer()
    outreach = (
        schedule_outreach(
            model.follow_ups,
            (
                Interaction(
                    id=ident,
                    customer_id=customer,
                    channel=channel,
                    kind=kind,
                    created_at=solved,
                    events=[StatusChange(at=solved, status=Status.SOLVED)],
                )
                for ident, customer, channel, kind, solved in solved_for_outreach
            ),
            start=when,
            end=when.add(days=7),
        )
        if model.follow_ups
        else ()
    )
    assessment_findings = _findings(
        goals, sla_lines, shift, overall_report, top_themes, complaints, repeat
    )
    return Assessment(
        model=model,
        as_of=when.in_timezone(tz),
        period=cut,
        interactions=count,
        kpis=kpi_report,
        overall=overall_report,
        sla=sla_lines,
        goals=goals,
        channel_mix=mix_report,
        channel_shift=shift,
        complaint_themes=top_themes,
        complaints=complaints,
        repeat_contact=repeat,
        contacts_per_customer=per_customer,
        recognition=tally.result() if tally is not None else None,
        outreach=outreach,
        findings=assessment_findings,
    )


_TIME_KPIS = ("first_reply_time", "next_reply_time", "resolution_time", "handle_time")


def _metrics(model: ServiceModel, calendar: Any) -> list[Any]:
    """The model's KPIs; durations keep only their mergeable sketch (1% relative error),
    so a cell's state stays the same size however many interactions it holds."""
    chosen: list[Any] = []
    for name in model.tracked_kpis():
        if name == "sla_compliance":
            continue
        if name in _TIME_KPIS:
            kind = _REGISTRY[name]
            options: dict[str, Any] = {"exact_limit": 0}
            if calendar is not None and name != "handle_time":
                options["calendar"] = calendar
            chosen.append(kind(**options))
        else:
            chosen.append(name)
    return chosen


class _ContactTally:
    """Contacts per customer, counted over the latest period only (memory: one period's customers)."""

    def __init__(self, period: Period, tz: str) -> None:
        self._period = period
        self._tz = pendulum.timezone(tz)
        self._bounds: tuple[int, int] | None = None
        self._counts: dict[str, int] = {}

    def add(self, customer: str, created: int) -> None:
        if self._bounds is None or created >= self._bounds[1]:
            self._bounds = self._period_of(created)
            self._counts = {}
        if created >= self._bounds[0]:
            self._counts[customer] = self._counts.get(customer, 0) + 1

    def _period_of(self, created: int) -> tuple[int, int]:
        local = from_micros(created, self._tz)
        unit = {Period.DAY: "day", Period.WEEK: "week", Period.MONTH: "month"}[self._period]
        start = local.start_of(unit)
        end = {Period.DAY: start.add(days=1), Period.WEEK: start.add(weeks=1)}.get(
            self._period, start.add(months=1)
        )
        return to_micros(start), to_micros(end)

    def per_customer(self) -> Mean | None:
        counts = self._counts
        if not counts:
            return None
        return Mean(
            n=len(counts),
            value=Fraction(sum(counts.values()), len(counts)),
            interval=_mean_interval(counts),
        )


def _mean_interval(contacts: dict[str, int]) -> Any:
    from .kpi import Interval

    n = len(contacts)
    mean = sum(contacts.values()) / n
    if n < 2:
        return Interval(low=mean, high=mean, confidence=0.95)
    variance = sum((c - mean) ** 2 for c in contacts.values()) / (n - 1)
    half = 1.959963984540054 * math.sqrt(variance / n)
    return Interval(low=mean - half, high=mean + half, confidence=0.95)


def _goal_report(
    goal: Goal,
    overall: Report,
    by_channel: Report,
    by_team: Report | None,
    as_of: pendulum.DateTime,
) -> GoalReport:
    smart = goal.smart_check()
    if goal.metric is None:
        return GoalReport(
            goal=goal, smart=smart, progress=None, observations=(), note="no KPI named"
        )
    source, key = overall, cast("tuple[str | None, ...]", ())
    note = ""
    if goal.scope.channel is not None:
        source, key = by_channel, (goal.scope.channel.value,)
    elif goal.scope.team is not None and by_team is not None:
        source, key = by_team, (goal.scope.team,)
    if goal.scope.segment is not None:
        note = "segment scope is measured over all customers (segments are not in the interaction data)"
    observations = []
    if goal.metric in source.metrics:
        for row in source.rows:
            if row.group != key or row.period is None:
                continue
            cell = row.cell(goal.metric)
            if cell.missing():
                continue
            value = value_of(cell.result, goal.variant)
            if value is None:
                continue
            tz = pendulum.timezone(source.timezone)
            end = _period_end(row.period, source.period, tz)
            at = min(end, as_of)
            observations.append(Observation(at=at, value=value))
    else:
        note = f"the KPI {goal.metric!r} is not computed from interactions in this assessment"
    smart = goal.smart_check(observations)
    progress = None
    try:
        if goal.start is not None and to_micros(as_of) >= to_micros(goal.start):
            progress = goal.progress(observations, as_of)
        elif not note:
            note = "the goal has not started"
    except EmptySampleError:
        note = note or "no observation since the goal started"
    except ValidationError as error:
        note = note or error.message
    return GoalReport(
        goal=goal, smart=smart, progress=progress, observations=tuple(observations), note=note
    )


def _period_end(start: pendulum.Date, period: Period | None, tz: Any) -> pendulum.DateTime:
    first = pendulum.datetime(start.year, start.month, start.day, tz=tz)
    if period is Period.DAY:
        return first.add(days=1).subtract(microseconds=1)
    if period is Period.WEEK:
        return first.add(weeks=1).subtract(microseconds=1)
    return first.add(months=1).subtract(microseconds=1)


def _channel_shift(mix: Report) -> tuple[ChannelShift, ...]:
    rows = [r for r in mix.rows if r.period is not None and not r.cell("channel_mix").missing()]
    rows.sort(key=lambda r: r.period)  # type: ignore[arg-type, return-value]
    if len(rows) < 2:
        return ()
    before, latest = rows[-2].cell("channel_mix").result, rows[-1].cell("channel_mix").result
    shifts = []
    for channel in Channel:
        a = before.share(channel.value)  # type: ignore[union-attr]
        b = latest.share(channel.value)  # type: ignore[union-attr]
        if a.numerator == 0 and b.numerator == 0:
            continue
        shifts.append(
            ChannelShift(channel=channel.value, previous=a, latest=b, change=rate_difference(b, a))
        )
    shifts.sort(key=lambda s: -abs(s.change.value))
    return tuple(shifts)


def _findings(
    goals: tuple[GoalReport, ...],
    sla: tuple[SlaLine, ...],
    shift: tuple[ChannelShift, ...],
    overall: Report,
    themes: tuple[tuple[str, int], ...],
    complaints: int,
    repeat: Rate | None,
) -> tuple[Finding, ...]:
    scored: list[tuple[float, Finding]] = []
    for report in goals:
        p = report.progress
        goal = report.goal
        if p is None or goal.metric is None or goal.direction is None:
            continue
        if p.status in (GoalStatus.OFF_TRACK, GoalStatus.MISSED, GoalStatus.AT_RISK):
            weight = {GoalStatus.MISSED: 3.0, GoalStatus.OFF_TRACK: 2.0, GoalStatus.AT_RISK: 1.0}[
                p.status
            ]
            gap = abs(float(p.latest - p.expected)) / (abs(float(p.expected)) or 1.0)
            scored.append(
                (
                    weight + gap,
                    Finding(
                        title=f"Goal '{goal.name}' is {p.status.value.replace('_', ' ')}",
                        metric=goal.metric,
                        observed=p.latest,
                        target=p.expected,
                        direction="higher" if goal.direction.value == "increase" else "lower",
                        sample_size=len(report.observations),
                        scope=goal.scope.describe(),
                        evidence=f"latest {float(p.latest):.4g} vs expected {float(p.expected):.4g} on the line to {float(goal.target or 0):.4g}",
                    ),
                )
            )
    for line in sla:
        evaluated = line.met + line.breached
        if evaluated < 20:
            continue
        rate = line.rate
        if rate.interval.high < 0.9:
            scored.append(
                (
                    1.5 + (0.9 - float(rate.value)) * 5,
                    Finding(
                        title=f"SLA {line.metric} for {line.priority} under '{line.policy}' is breached too often",
                        metric="sla_compliance",
                        observed=rate.value,
                        target=Fraction(9, 10),
                        sample_size=evaluated,
                        scope=f"{line.policy}/{line.priority}/{line.metric}",
                        evidence=f"{line.met} met, {line.breached} breached ({float(rate.value):.1%}, 95% CI {rate.interval.low:.1%}-{rate.interval.high:.1%})",
                    ),
                )
            )
    for s in shift:
        if s.change.significant():
            scored.append(
                (
                    1.0 + abs(float(s.change.value)) * 5,
                    Finding(
                        title=f"Customers are {'moving to' if s.change.value > 0 else 'leaving'} {s.channel}",
                        metric="channel_mix",
                        observed=s.latest.value,
                        target=s.previous.value,
                        sample_size=s.latest.denominator,
                        scope=s.channel,
                        evidence=f"share {float(s.previous.value):.1%} -> {float(s.latest.value):.1%} (change 95% CI {s.change.interval.low:+.1%} to {s.change.interval.high:+.1%})",
                    ),
                )
            )
            break
    latest = [r for r in overall.rows if r.period is not None]
    if latest:
        row = max(latest, key=lambda r: r.period)  # type: ignore[arg-type, return-value]
        if "reopen_rate" in overall.metrics and not row.cell("reopen_rate").missing():
            r = row.cell("reopen_rate").result
            if isinstance(r, Rate) and r.interval.low > 0.1:
                scored.append(
                    (
                        1.2,
                        Finding(
                            title="Solved interactions are reopened too often",
                            metric="reopen_rate",
                            observed=r.value,
                            target=Fraction(1, 10),
                            direction="lower",
                            sample_size=r.denominator,
                            evidence=f"{r.numerator} of {r.denominator} reopened in the latest period",
                        ),
                    )
                )
    if themes and complaints >= 20:
        theme, n = themes[0]
        scored.append(
            (
                0.5 + n / complaints,
                Finding(
                    title=f"Top complaint theme: {theme}",
                    metric="complaint_themes",
                    observed=Fraction(n, complaints),
                    sample_size=complaints,
                    scope=theme,
                    evidence=f"{n} of {complaints} complaints carry '{theme}'",
                ),
            )
        )
    if repeat is not None and repeat.denominator >= 20 and repeat.interval.low > 0.2:
        scored.append(
            (
                1.0,
                Finding(
                    title="Customers come back within a week too often",
                    metric="repeat_contact_rate",
                    observed=repeat.value,
                    target=Fraction(1, 5),
                    direction="lower",
                    sample_size=repeat.denominator,
                    evidence=f"{repeat.numerator} of {repeat.denominator} contacts followed another within 7 days",
                ),
            )
        )
    scored.sort(key=lambda item: -item[0])
    return tuple(f for _, f in scored[:8])
