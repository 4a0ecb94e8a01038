"""The one streaming pass over the interactions, and what it keeps."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import attrs
import pendulum

from ..._log._facts import log_created_us, log_facts, log_until
from ..._time import from_micros, to_micros
from ..._validators import check_item
from ...customers import Customer
from ...exceptions import ValidationError
from ...feedback import Feedback
from ...interactions import Channel, Interaction, Kind, Status, StatusChange
from ...kpi import (
    ContactsPerCustomer,
    KpiName,
    Mean,
    Period,
    RepeatContactRate,
    Report,
    ReportState,
    SlaCompliance,
    catalogue,
    rate_difference,
)
from ...sla import Condition
from ...team import Leaderboard, MonthTally, RecognitionPolicy
from .._followup import OutreachAction, schedule_outreach
from .._service_model import ServiceModel
from ._findings import _findings
from ._goal_reports import _goal_report, _period_end
from ._results import Assessment, ChannelShift, KpiDefinition, SlaLine

_REPEAT_WINDOW = 7 * 86_400_000_000

#: The instants an assessment handles: its calendars and periods work from 1900 up to 2200 (UTC).
_FIRST_SUPPORTED = to_micros(pendulum.datetime(1900, 1, 1))
_END_SUPPORTED = to_micros(pendulum.datetime(2200, 1, 1))


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

    def merge(self, other: _Recognition) -> _Recognition:
        return _Recognition(
            previous=self.previous.merge(other.previous),
            current=self.current.merge(other.current),
        )

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
    period: Period
    limit: int
    by_channel: ReportState
    #: What the report by channel does not take (feedback without a channel): the
    #: overall report is this merged with the report by channel rolled up.
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
            period=cut,
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
            contacts=_ContactTally.start(cut, tz),
            repeat_contacts=RepeatContactRate.empty(window=_REPEAT_WINDOW),
            outreach_from=limit - longest_follow_up - _REPEAT_WINDOW,
        )

    def read_all(
        self, interactions: Iterable[Interaction], progress: Callable[[int], None] | None
    ) -> None:
        for position, item in enumerate(interactions):
            check_item(item, Interaction, field="interactions", index=position)
            self.read += 1
            # The kept integer alone: the facts are worked out for the log as cut at as_of.
            created = log_created_us(item)
            check_supported(
                created, field=f"interactions[{position}].created_at", value=item.created_at
            )
            if created > self.limit:
                continue
            self.count += 1
            if progress is not None and self.count % 10_000 == 0:
                progress(self.count)
            self._add(log_until(item, self.limit), created)

    def _is_theme(self, tag: str) -> bool:
        """A complaint's tag names its theme unless it routes SLAs or lacks the model's prefix."""
        prefix = self.model.theme_tag_prefix
        if prefix is not None and not tag.startswith(prefix):
            return False
        return tag not in self.routing_tags

    def _add(self, interaction: Interaction, created: int) -> None:
        self.by_channel.add(interaction)  # the overall report is this one rolled up
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
        self.contacts.add(interaction, created)
        self.repeat_contacts.add(interaction)
        if self.model.follow_ups:
            solved = log_facts(interaction).last_solved_us
            if solved is not None and solved >= self.outreach_from:
                at = interaction.last_solved_at()
                assert at is not None  # solved_us says it was solved
                # Keep only what a follow-up needs, not the whole log.
                self.solved_for_outreach.append(
                    (
                        interaction.id,
                        interaction.customer_id,
                        interaction.channel,
                        interaction.kind,
                        at,
                    )
                )

    def merge(self, other: _Pass) -> _Pass:
        """A new pass holding what both read; neither changes. Every part merges exactly, so
        the merged pass concludes to the assessment of all the data read in one pass."""
        if (self.model, self.limit, self.period) != (other.model, other.limit, other.period):
            raise ValidationError(
                "'other' must assess the same model as of the same instant, by the same "
                "period, to merge",
                field="other",
                value=other,
            )
        themes = dict(self.themes)
        for tag, count in other.themes.items():
            themes[tag] = themes.get(tag, 0) + count
        return attrs.evolve(
            self,
            by_channel=self.by_channel.merge(other.by_channel),
            overall=self.overall.merge(other.overall),
            by_team=(
                self.by_team.merge(other.by_team)
                if self.by_team is not None and other.by_team is not None
                else None
            ),
            mix=self.mix.merge(other.mix),
            recognition=(
                self.recognition.merge(other.recognition)
                if self.recognition is not None and other.recognition is not None
                else None
            ),
            compliance=(
                self.compliance.merge(other.compliance)
                if self.compliance is not None and other.compliance is not None
                else None
            ),
            contacts=self.contacts.merge(other.contacts),
            repeat_contacts=self.repeat_contacts.merge(other.repeat_contacts),
            themes=themes,
            complaints=self.complaints + other.complaints,
            count=self.count + other.count,
            read=self.read + other.read,
            solved_for_outreach=[*self.solved_for_outreach, *other.solved_for_outreach],
        )

    def read_feedback(self, feedback: Iterable[Feedback]) -> None:
        for response in feedback:
            if to_micros(response.at) <= self.limit:
                if response.channel is not None:
                    self.by_channel.add(response)
                else:
                    self.overall.add(response)

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
            # In a fixed order (when, then id), whatever order the data came in.
            for ident, customer, channel, kind, at in sorted(
                self.solved_for_outreach, key=lambda row: (to_micros(row[4]), row[0])
            )
        )
        return schedule_outreach(self.model.follow_ups, solved, start=when, end=when.add(days=7))

    def conclude(self, *, clock: str, definitions: tuple[KpiDefinition, ...]) -> Assessment:
        """The assessment of what the pass read: reports, goals, SLA lines, shifts, findings."""
        when, model = self.when, self.model
        kpi_report = self.by_channel.result()
        overall_report = self.overall.merge(self.by_channel.rolled_up()).result()
        team_report = self.by_team.result() if self.by_team is not None else None
        goals = tuple(
            _goal_report(goal, overall_report, kpi_report, team_report, when)
            for goal in model.goals
        )
        sla_lines = self.sla_lines()
        mix = self.mix.result()
        shift = _channel_shift(mix)
        top_themes = tuple(sorted(self.themes.items(), key=lambda kv: (-kv[1], kv[0]))[:10])
        repeat = self.repeat_contacts.result()
        recognition, month_to_date = (
            self.recognition.result() if self.recognition is not None else (None, False)
        )
        return Assessment(
            model=model,
            as_of=when.in_timezone(model.timezone),
            period=self.period,
            interactions=self.count,
            clock=clock,
            definitions=definitions,
            latest_period_partial=_latest_period_partial(overall_report, when),
            kpis=kpi_report,
            overall=overall_report,
            sla=sla_lines,
            goals=goals,
            channel_mix=mix,
            channel_shift=shift,
            complaint_themes=top_themes,
            complaints=self.complaints,
            repeat_contact=repeat,
            contacts_per_customer=self.contacts.per_customer(),
            recognition=recognition,
            recognition_month_to_date=month_to_date,
            outreach=self.outreach(when),
            findings=_findings(
                goals, sla_lines, shift, overall_report, top_themes, self.complaints, repeat
            ),
        )


def _latest_period_partial(report: Report, when: pendulum.DateTime) -> bool:
    """True when *when* falls before the end of the report's latest period."""
    starts = [r.period for r in report.rows if r.period is not None]
    if not starts:
        return False
    tz = pendulum.timezone(report.timezone)
    return to_micros(_period_end(max(starts), report.period, tz)) >= to_micros(when)


_TIME_KPIS = frozenset(
    {
        KpiName.FIRST_REPLY_TIME,
        KpiName.NEXT_REPLY_TIME,
        KpiName.RESOLUTION_TIME,
        KpiName.HANDLE_TIME,
        KpiName.REQUESTER_WAIT_TIME,
        KpiName.AGENT_WORK_TIME,
        KpiName.AGENT_WAIT_TIME,
        KpiName.ON_HOLD_TIME,
        KpiName.TIME_TO_FIRST_ASSIGNMENT,
        KpiName.UNASSIGNED_TIME,
    }
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
        if name is KpiName.SLA_COMPLIANCE:
            continue
        if name in _TIME_KPIS:
            kind = catalogue()[name]
            options: dict[str, Any] = {"exact_limit": 0}
            if calendar is not None and name is not KpiName.HANDLE_TIME:
                options["calendar"] = calendar
            chosen.append(kind(**options))
        else:
            chosen.append(name)
    return chosen


@attrs.define
class _ContactTally:
    """Contacts per customer, counted over the latest period only (memory: one period's customers).

    The latest period is the one of the latest contact seen, so the tally does not depend on
    the order of the data and two tallies merge: the later period wins, the same one adds up.
    """

    period: Period
    tz: str
    bounds: tuple[int, int] | None
    counts: ContactsPerCustomer

    @classmethod
    def start(cls, period: Period, tz: str) -> _ContactTally:
        return cls(period=period, tz=tz, bounds=None, counts=ContactsPerCustomer.empty())

    def add(self, interaction: Interaction, created: int) -> None:
        if self.bounds is None or created >= self.bounds[1]:
            self.bounds = self._period_of(created)
            self.counts = ContactsPerCustomer.empty()
        if created >= self.bounds[0]:
            self.counts.add(interaction)

    def merge(self, other: _ContactTally) -> _ContactTally:
        if other.bounds is None or (self.bounds is not None and self.bounds > other.bounds):
            return attrs.evolve(self, counts=self.counts.copy())
        if self.bounds is None or other.bounds > self.bounds:
            return attrs.evolve(other, counts=other.counts.copy())
        return attrs.evolve(self, counts=self.counts.merge(other.counts))

    def _period_of(self, created: int) -> tuple[int, int]:
        local = from_micros(created, pendulum.timezone(self.tz))
        unit = {Period.DAY: "day", Period.WEEK: "week", Period.MONTH: "month"}[self.period]
        start = local.start_of(unit)
        end = {Period.DAY: start.add(days=1), Period.WEEK: start.add(weeks=1)}.get(
            self.period, start.add(months=1)
        )
        return to_micros(start), to_micros(end)

    def per_customer(self) -> Mean | None:
        if self.bounds is None:
            return None
        return self.counts.result()


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
