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
from ._validators import enum_member
from .customers import Customer
from .exceptions import EmptySampleError, ValidationError
from .feedback import Feedback
from .goals import Goal, GoalStatus, Observation, Progress, SmartCheck
from .interactions import Channel, Interaction, Kind, Priority, Status, StatusChange
from .kpi import (
    DurationStats,
    KpiName,
    Mean,
    Net,
    Period,
    Rate,
    RepeatContactRate,
    Report,
    ReportState,
    SlaCompliance,
    catalogue,
    rate_difference,
    wilson_interval,
)
from .sla import Condition, Metric
from .team import Finding, Leaderboard, MonthTally, RecognitionPolicy

__all__ = [
    "Assessment",
    "ChannelShift",
    "GoalReport",
    "KpiDefinition",
    "SlaLine",
    "assess",
]

_REPEAT_WINDOW = 7 * 86_400_000_000


def _priority(value: object) -> Priority:
    return enum_member(Priority, value, field="priority")


def _sla_metric(value: object) -> Metric:
    return enum_member(Metric, value, field="metric")


@final
@attrs.frozen(kw_only=True)
class SlaLine:
    """SLA compliance of one policy, priority and metric: met over met + breached.

    >>> SlaLine(policy="Standard", priority="high", metric="first_reply", met=9, breached=1,
    ...         pending=2).rate.value
    Fraction(9, 10)
    """

    policy: str
    priority: Priority = attrs.field(converter=_priority)
    metric: Metric = attrs.field(converter=_sla_metric)
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
class KpiDefinition:
    """What one KPI in the report measures: its variant, its definition and its clock.

    ``clock`` says how the time KPIs count time (business time on a named
    calendar, or calendar time); it is empty for KPIs that are not times.

    >>> KpiDefinition(name="fcr", variant="one_touch",
    ...               definition="share of solved interactions solved with at most one public agent reply",
    ...               clock="").variant
    'one_touch'
    """

    name: str
    variant: str | None
    definition: str
    clock: str


@final
@attrs.frozen(kw_only=True)
class Assessment:
    """What :func:`assess` found: KPIs, SLA compliance, goals, shifts, themes, people.

    Render it with :meth:`to_text`, :meth:`to_json` or :meth:`to_html`.

    >>> import pendulum
    >>> from servicemodel import samples
    >>> from servicemodel.model import ServiceModel
    >>> data = samples.generate(50, seed=1, start=pendulum.datetime(2024, 1, 8, tz="UTC"))
    >>> a = assess(ServiceModel(name="Desk", type="reactive", channels=["email"]), data,
    ...            as_of=pendulum.datetime(2024, 2, 1))
    >>> a.interactions, a.clock
    (50, 'calendar time')
    """

    model: ServiceModel
    as_of: pendulum.DateTime
    period: Period
    interactions: int
    clock: str
    definitions: tuple[KpiDefinition, ...]
    latest_period_partial: bool
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
    recognition_month_to_date: bool
    outreach: tuple[OutreachAction, ...]
    findings: tuple[Finding, ...]

    def to_text(self) -> str:
        """A readable report for a terminal.

        >>> import pendulum
        >>> from servicemodel.model import ServiceModel
        >>> from servicemodel import samples
        >>> data = samples.generate(20, seed=1, start=pendulum.datetime(2024, 1, 8, tz="UTC"))
        >>> print(assess(ServiceModel(name="Desk", type="reactive", channels=["email"]), data,
        ...              as_of=pendulum.datetime(2024, 2, 1)).to_text().splitlines()[0])
        Service model assessment: Desk (reactive), as of 2024-02-01 00:00 UTC
        """
        from ._report_render import render_text

        return render_text(self)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (schema in ``docs/reference/assessment-json.md``).

        >>> import pendulum
        >>> from servicemodel.model import ServiceModel
        >>> from servicemodel import samples
        >>> data = samples.generate(20, seed=1, start=pendulum.datetime(2024, 1, 8, tz="UTC"))
        >>> assess(ServiceModel(name="Desk", type="reactive", channels=["email"]), data,
        ...        as_of=pendulum.datetime(2024, 2, 1)).to_json()["model"]["type"]
        'reactive'
        """
        from ._report_render import render_json

        return render_json(self)

    def to_html(self) -> str:
        """One self-contained HTML page with charts (inline SVG, no scripts).

        >>> import pendulum
        >>> from servicemodel.model import ServiceModel
        >>> from servicemodel import samples
        >>> data = samples.generate(20, seed=1, start=pendulum.datetime(2024, 1, 8, tz="UTC"))
        >>> assess(ServiceModel(name="Desk", type="reactive", channels=["email"]), data,
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


#: The instants an assessment handles: its calendars and periods work from 1900 up to 2200 (UTC).
_FIRST_SUPPORTED = to_micros(pendulum.datetime(1900, 1, 1))
_END_SUPPORTED = to_micros(pendulum.datetime(2200, 1, 1))

#: What each KPI variant the assessment reports measures, in the report's words.
_DEFINITIONS: dict[tuple[str, str | None], str] = {
    ("first_reply_time", None): "creation to the first public reply by a human agent "
    "(bots and private notes do not count); unanswered interactions are left out",
    ("next_reply_time", None): "each unanswered public customer message to the next public "
    "agent reply",
    ("resolution_time", "full"): "creation to the last solve (a reopened interaction counts "
    "until it is solved again); unsolved interactions are left out",
    ("handle_time", None): "the agents' recorded work per interaction (always working time, "
    "not measured on a calendar); interactions without recorded work are left out",
    ("csat", "top_two_box"): "share of satisfaction answers of 4 or 5 on the 1-5 scale",
    ("fcr", "one_touch"): "first-contact resolution, one_touch variant: share of solved "
    "interactions solved with at most one public agent reply",
    ("reopen_rate", None): "share of solved interactions reopened at least once",
    ("self_service_deflection", "among_self_service"): "share of self-service contacts that "
    "never needed a human agent reply",
    ("nps", None): "net promoter score: % of answers 9-10 minus % of answers 0-6, in points "
    "from -100 to +100",
    ("ces", None): "customer effort score: mean agreement (1-7) that it was easy; higher is easier",
}


def _definitions(metrics: list[Any], clock: str) -> tuple[KpiDefinition, ...]:
    """The definition of each KPI variant in *metrics*, with the clock of the time KPIs."""
    chosen = []
    for metric in metrics:
        accumulator = catalogue()[KpiName(metric)]() if isinstance(metric, str) else metric
        name = accumulator.name
        variant = accumulator.options().get("variant")
        text = _DEFINITIONS.get((name, variant)) or _DEFINITIONS.get((name, None))
        if text is None:  # a goal's own KPI: its class says what it measures
            text = (type(accumulator).__doc__ or name).strip().splitlines()[0].rstrip(".")
        timed = name in _TIME_KPIS and name != "handle_time"
        chosen.append(
            KpiDefinition(
                name=name,
                variant=None if variant is None else str(variant),
                definition=text,
                clock=clock if timed else "",
            )
        )
    return tuple(chosen)


def _clock(model: ServiceModel) -> str:
    """How the report's time KPIs count time."""
    calendar = _business_calendar(model)
    if calendar is None:
        return "calendar time"
    zone_name = getattr(calendar, "timezone", None)
    where = f" ({zone_name})" if isinstance(zone_name, str) else ""
    return (
        f"business time on the '{model.business_calendar}' calendar{where}: "
        "time while it is closed does not count"
    )


def _routing_tags(model: ServiceModel) -> frozenset[str]:
    """Tags the model's SLA policies route on (a customer tier, say): not complaint themes."""
    if model.policies is None:
        return frozenset()
    found: set[str] = set()
    pending: list[Any] = [policy.condition for policy in model.policies.policies]
    while pending:
        term = pending.pop()
        if isinstance(term, Condition):
            pending.extend(term.terms)
        elif term.field == "tags":
            found.update(term.values)
    return frozenset(found)


def check_supported(micros: int, *, field: str, value: object) -> None:
    """Refuse an instant (epoch microseconds) outside the span an assessment covers."""
    if not _FIRST_SUPPORTED <= micros < _END_SUPPORTED:
        raise ValidationError(
            f"'{field}' must lie between 1900-01-01 and 2200-01-01 UTC, the span an "
            f"assessment's calendars and periods cover (got {value})",
            field=field,
            value=value,
        )


def _month_before(as_of: pendulum.DateTime, tz: str) -> tuple[int, int]:
    previous = as_of.in_timezone(tz).start_of("month").subtract(months=1)
    return previous.year, previous.month


@attrs.define
class _Recognition:
    """Recognition for last month, or for this month to date when last month has no data."""

    previous: MonthTally
    current: MonthTally

    @classmethod
    def start(cls, policy: RecognitionPolicy, as_of: pendulum.DateTime) -> _Recognition:
        year, month = _month_before(as_of, policy.zone)
        local = as_of.in_timezone(policy.zone)
        return cls(
            previous=MonthTally(policy, year=year, month=month, as_of=as_of),
            current=MonthTally(policy, year=local.year, month=local.month, as_of=as_of),
        )

    def add(self, interaction: Interaction) -> None:
        self.previous.add(interaction)
        self.current.add(interaction)

    def result(self) -> tuple[Leaderboard, bool]:
        """The leaderboard, and whether it is this month's to date."""
        previous = self.previous.result()
        if previous.standings or previous.below_minimum:
            return previous, False
        current = self.current.result()
        if current.standings or current.below_minimum:
            return current, True
        return previous, False


@attrs.define
class _Pass:
    """Everything the one pass over the interactions keeps, in memory bounded by periods and people."""

    model: ServiceModel
    when: pendulum.DateTime
    limit: int
    by_channel: ReportState
    overall: ReportState
    by_team: ReportState | None
    mix: ReportState
    recognition: _Recognition | None
    compliance: SlaCompliance | None
    routing_tags: frozenset[str]
    contacts: _ContactTally
    repeat_contacts: RepeatContactRate
    outreach_from: int
    themes: dict[str, int] = attrs.Factory(dict)
    complaints: int = 0
    count: int = 0
    read: int = 0
    solved_for_outreach: list[tuple[str, str, Channel, Kind, pendulum.DateTime]] = attrs.Factory(
        list
    )

    @classmethod
    def start(
        cls,
        model: ServiceModel,
        when: pendulum.DateTime,
        cut: Period,
        metrics: list[Any],
        customers: tuple[Customer, ...],
    ) -> _Pass:
        tz = model.timezone
        options: dict[str, Any] = {
            "period": cut,
            "timezone": tz,
            "calendar": _business_calendar(model),
        }
        scoped_teams = any(g.scope.team is not None for g in model.goals)
        limit = to_micros(when)
        longest_follow_up = max(
            (max(r.after.in_seconds(), 0) * 1_000_000 for r in model.follow_ups), default=0
        )
        return cls(
            model=model,
            when=when,
            limit=limit,
            by_channel=ReportState(metrics=metrics, by=["channel"], **options),
            overall=ReportState(metrics=metrics, by=[], **options),
            by_team=ReportState(metrics=metrics, by=["group"], **options) if scoped_teams else None,
            mix=ReportState(metrics=["channel_mix"], by=[], period=cut, timezone=tz),
            recognition=(
                _Recognition.start(model.recognition, when)
                if model.recognition is not None
                else None
            ),
            compliance=(
                SlaCompliance(policies=model.policies, as_of=when, customers=customers)
                if model.policies is not None
                else None
            ),
            routing_tags=_routing_tags(model),
            contacts=_ContactTally(cut, tz),
            repeat_contacts=RepeatContactRate.empty(window=_REPEAT_WINDOW),
            outreach_from=limit - longest_follow_up - _REPEAT_WINDOW,
        )

    def read_all(
        self, interactions: Iterable[Interaction], progress: Callable[[int], None] | None
    ) -> None:
        for position, item in enumerate(interactions):
            if not isinstance(item, Interaction):
                raise ValidationError(
                    f"'interactions[{position}]' must be an Interaction (got {type(item).__name__})",
                    field=f"interactions[{position}]",
                    value=item,
                )
            self.read += 1
            created = to_micros(item.created_at)
            check_supported(
                created, field=f"interactions[{position}].created_at", value=item.created_at
            )
            if created > self.limit:
                continue
            self.count += 1
            if progress is not None and self.count % 10_000 == 0:
                progress(self.count)
            self._add(item.as_of(self.when), created)

    def _is_theme(self, tag: str) -> bool:
        """A complaint's tag names its theme unless it routes SLAs or lacks the model's prefix."""
        prefix = self.model.theme_tag_prefix
        if prefix is not None and not tag.startswith(prefix):
            return False
        return tag not in self.routing_tags

    def _add(self, interaction: Interaction, created: int) -> None:
        self.by_channel.add(interaction)
        self.overall.add(interaction)
        self.mix.add(interaction)
        if self.by_team is not None:
            self.by_team.add(interaction)
        if self.recognition is not None:
            self.recognition.add(interaction)
        if self.compliance is not None:
            self.compliance.add(interaction)
        if interaction.kind is Kind.COMPLAINT:
            self.complaints += 1
            themes = [t for t in interaction.tags if self._is_theme(t)]
            for tag in themes or ("(untagged)",):
                self.themes[tag] = self.themes.get(tag, 0) + 1
        self.contacts.add(interaction.customer_id, created)
        self.repeat_contacts.add(interaction)
        if self.model.follow_ups:
            solved = interaction.last_solved_at()
            if solved is not None and to_micros(solved) >= self.outreach_from:
                # Keep only what a follow-up needs, not the whole log.
                self.solved_for_outreach.append(
                    (
                        interaction.id,
                        interaction.customer_id,
                        interaction.channel,
                        interaction.kind,
                        solved,
                    )
                )

    def read_feedback(self, feedback: Iterable[Feedback]) -> None:
        for response in feedback:
            if to_micros(response.at) <= self.limit:
                self.overall.add(response)
                if response.channel is not None:
                    self.by_channel.add(response)

    def sla_lines(self) -> tuple[SlaLine, ...]:
        if self.compliance is None:
            return ()
        return tuple(
            SlaLine(
                policy=t.policy,
                priority=t.priority,
                metric=t.metric,
                met=t.met,
                breached=t.breached,
                pending=t.pending,
            )
            for t in self.compliance.breakdown()
        )

    def outreach(self, when: pendulum.DateTime) -> tuple[OutreachAction, ...]:
        if not self.model.follow_ups:
            return ()
        solved = (
            Interaction(
                id=ident,
                customer_id=customer,
                channel=channel,
                kind=kind,
                created_at=at,
                events=[StatusChange(at=at, status=Status.SOLVED)],
            )
            for ident, customer, channel, kind, at in self.solved_for_outreach
        )
        return schedule_outreach(self.model.follow_ups, solved, start=when, end=when.add(days=7))


def _checked_model(model: object) -> ServiceModel:
    if not isinstance(model, ServiceModel):
        raise ValidationError(
            f"'model' must be a ServiceModel (got {type(model).__name__})",
            field="model",
            value=model,
        )
    return model


def _nothing_to_assess(read: int, when: pendulum.DateTime) -> EmptySampleError:
    if read:
        return EmptySampleError(
            f"no interaction to assess: all {read:,} were created after as_of "
            f"{when.isoformat()} (got 0 at or before it)"
        )
    return EmptySampleError(
        "no interaction to assess: the data gave none (an empty file, or an iterator that an "
        "earlier call already used up; pass a list or a fresh reader) (got 0)"
    )


def _latest_period_partial(report: Report, when: pendulum.DateTime) -> bool:
    """True when *when* falls before the end of the report's latest period."""
    starts = [r.period for r in report.rows if r.period is not None]
    if not starts:
        return False
    tz = pendulum.timezone(report.timezone)
    return to_micros(_period_end(max(starts), report.period, tz)) >= to_micros(when)


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
    complaint themes (tags the SLA policies route on, such as a customer
    tier, are not themes; with the model's ``theme_tag_prefix`` only tags
    with that prefix are), repeat contacts (``kpi.RepeatContactRate``:
    contacts followed by another from the same customer within 7 days) and
    contacts per customer in the latest period, last month's recognition
    leaderboard (this month's to date when last month has no data), the outreach due in the next 7 days for a
    proactive model, and a ranked list of findings, each with the rule and
    threshold that raised it and what to look at next.

    Time KPIs count business time on the model's business calendar when it
    names one, else calendar time (:attr:`Assessment.clock` says which).
    Interactions created after *as_of* are left out; the evaluation reads
    each interaction as it stood at *as_of*.

    Args:
        model: the service model.
        interactions: any iterable (a list, or a reader's stream), read once.
        customers: customers, for SLA policies with segment or tier conditions.
        feedback: survey responses and reviews (NPS, CES, CSAT surveys).
        as_of: the instant of the assessment.
        period: ``"day"``, ``"week"`` or ``"month"`` (default), in the model's zone.
        progress: called with the running count every 10,000 interactions.

    Raises:
        ValidationError: a bad argument, or an instant outside 1900-2200.
        EmptySampleError: no interaction was created at or before *as_of*
            (an empty file, or an iterator already used up).

    >>> import pendulum
    >>> from servicemodel import samples
    >>> from servicemodel.model import ServiceModel
    >>> model = ServiceModel(name="Desk", type="reactive", channels=["email", "chat", "phone"])
    >>> data = samples.generate(300, seed=3, start=pendulum.datetime(2024, 1, 1, tz="Europe/London"))
    >>> result = assess(model, data, as_of=pendulum.datetime(2024, 3, 1, tz="Europe/London"))
    >>> result.interactions
    300
    """
    model = _checked_model(model)
    when = aware(as_of, field="as_of")
    check_supported(to_micros(when), field="as_of", value=when.isoformat())
    zone(model.timezone)
    cut = Period(period) if not isinstance(period, Period) else period
    clock = _clock(model)
    metrics = _metrics(model)
    state = _Pass.start(model, when, cut, metrics, tuple(customers))
    state.read_all(interactions, progress)
    if state.count == 0:
        raise _nothing_to_assess(state.read, when)
    state.read_feedback(feedback)
    kpi_report = state.by_channel.result()
    overall_report = state.overall.result()
    team_report = state.by_team.result() if state.by_team is not None else None
    goals = tuple(
        _goal_report(goal, overall_report, kpi_report, team_report, when) for goal in model.goals
    )
    sla_lines = state.sla_lines()
    shift = _channel_shift(state.mix.result())
    top_themes = tuple(sorted(state.themes.items(), key=lambda kv: (-kv[1], kv[0]))[:10])
    repeat = state.repeat_contacts.result()
    recognition, month_to_date = (
        state.recognition.result() if state.recognition is not None else (None, False)
    )
    return Assessment(
        model=model,
        as_of=when.in_timezone(model.timezone),
        period=cut,
        interactions=state.count,
        clock=clock,
        definitions=_definitions(metrics, clock),
        latest_period_partial=_latest_period_partial(overall_report, when),
        kpis=kpi_report,
        overall=overall_report,
        sla=sla_lines,
        goals=goals,
        channel_mix=state.mix.result(),
        channel_shift=shift,
        complaint_themes=top_themes,
        complaints=state.complaints,
        repeat_contact=repeat,
        contacts_per_customer=state.contacts.per_customer(),
        recognition=recognition,
        recognition_month_to_date=month_to_date,
        outreach=state.outreach(when),
        findings=_findings(
            goals, sla_lines, shift, overall_report, top_themes, state.complaints, repeat
        ),
    )


_TIME_KPIS = (
    "first_reply_time",
    "next_reply_time",
    "resolution_time",
    "handle_time",
    "requester_wait_time",
    "agent_work_time",
    "agent_wait_time",
    "on_hold_time",
    "time_to_first_assignment",
    "unassigned_time",
)


def _business_calendar(model: ServiceModel) -> Any:
    """The calendar the model's time KPIs count on, or None for calendar time."""
    if model.policies is None or model.business_calendar is None:
        return None
    return dict(model.policies.calendars)[model.business_calendar]


def _metrics(model: ServiceModel) -> list[Any]:
    """The model's KPIs; durations keep only their mergeable sketch (1% relative error),
    so a cell's state stays the same size however many interactions it holds."""
    calendar = _business_calendar(model)
    chosen: list[Any] = []
    for name in model.tracked_kpis():
        if name == "sla_compliance":
            continue
        if name in _TIME_KPIS:
            kind = catalogue()[KpiName(name)]
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
    if goal.metric.value in source.metrics:
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
            if (
                goal.start is None or at >= goal.start
            ):  # a period before the start is not the goal's
                observations.append(Observation(at=at, value=value))
    else:
        note = f"the KPI {goal.metric.value!r} is not computed from interactions in this assessment"
    smart = goal.smart_check(observations, as_of=as_of)
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


def _reopen_findings(overall: Report) -> list[_Scored]:
    """A latest period whose reopen rate is above 10% even at the bottom of its interval."""
    rows = [r for r in overall.rows if r.period is not None]
    if not rows or "reopen_rate" not in overall.metrics:
        return []
    row = max(rows, key=lambda r: r.period)  # type: ignore[arg-type, return-value]
    cell = row.cell("reopen_rate")
    r = cell.result
    if cell.missing() or not isinstance(r, Rate) or r.interval.low <= REOPEN_THRESHOLD:
        return []
    return [
        (
            1.2,
            Finding(
                title=f"Solved interactions are reopened {_pct(r.value)} of the time, above "
                f"{_pct(REOPEN_THRESHOLD)}",
                metric="reopen_rate",
                observed=r.value,
                target=REOPEN_THRESHOLD,
                direction="lower",
                sample_size=r.denominator,
                evidence=f"{r.numerator} of {r.denominator} reopened in the latest period",
                rule=f"flagged when even the bottom of the latest period's 95% interval is "
                f"above {_pct(REOPEN_THRESHOLD)}",
                next_step="a sample of reopened interactions: what the customer wrote after "
                "the solve",
            ),
        )
    ]


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
    """Repeat contacts above 20% even at the bottom of their interval."""
    if repeat is None or repeat.denominator < 20 or repeat.interval.low <= REPEAT_THRESHOLD:
        return []
    return [
        (
            1.0,
            Finding(
                title=f"Customers come back within a week {_pct(repeat.value)} of the time, "
                f"above {_pct(REPEAT_THRESHOLD)}",
                metric="repeat_contact_rate",
                observed=repeat.value,
                target=REPEAT_THRESHOLD,
                direction="lower",
                sample_size=repeat.denominator,
                evidence=f"{repeat.numerator} of {repeat.denominator} contacts were followed by "
                "another from the same customer within 7 days",
                rule=f"flagged when even the bottom of the 95% interval is above "
                f"{_pct(REPEAT_THRESHOLD)}",
                next_step="what a repeating customer's first contact was about, and whether "
                "it was solved",
            ),
        )
    ]


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
