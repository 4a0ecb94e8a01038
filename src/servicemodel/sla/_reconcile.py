"""Put servicemodel's SLA clocks beside a vendor's recorded figures, ticket by ticket.

:func:`reconcile` matches each :class:`RecordedSla` to the clock of the same
interaction, metric and start (or cycle), compares every figure the vendor
recorded, and names the rule behind each difference (:class:`Reason`).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from fractions import Fraction
from typing import Any, final

import attrs
import pendulum

from .._time import duration_from_micros, duration_micros, from_micros, to_micros
from .._validators import instance, instances, non_empty_str
from ..exceptions import CalendarError, ValidationError
from ._clock import Running, elapsed, reach
from ._metrics import Metric
from ._profile import Profile
from ._reasons import Reason
from ._recorded import RecordedSla
from ._results import ClockState, MetricClock, SlaResult

__all__ = ["Discrepancy", "Figure", "ReconciledRow", "Reconciliation", "Verdict", "reconcile"]

_MINUTE_US = 60_000_000
_WEEK_US = 7 * 24 * 3_600 * 1_000_000
#: dbt_zendesk's max_ticket_length_weeks.
_WEEK_CAP_US = 52 * _WEEK_US
_WORK_METRICS = (Metric.AGENT_WORK, Metric.REQUESTER_WAIT)
_METRIC_ORDER = {metric: rank for rank, metric in enumerate(Metric)}


class Figure(enum.Enum):
    """A figure compared between the vendor's record and servicemodel's clock.

    >>> Figure("breached_at")
    <Figure.BREACHED_AT: 'breached_at'>
    """

    TARGET = "target"
    BUSINESS_HOURS = "business_hours"
    POLICY = "policy"
    PRIORITY = "priority"
    BREACHED = "breached"
    BREACHED_AT = "breached_at"
    FULFILLED_AT = "fulfilled_at"
    DUE_AT = "due_at"
    ELAPSED = "elapsed"


class Verdict(enum.Enum):
    """How a recorded row and a clock compare.

    ``vendor_only``: the vendor recorded a clock servicemodel does not have;
    ``servicemodel_only``: the other way round.

    >>> Verdict("differ")
    <Verdict.DIFFER: 'differ'>
    """

    AGREE = "agree"
    DIFFER = "differ"
    VENDOR_ONLY = "vendor_only"
    SERVICEMODEL_ONLY = "servicemodel_only"


def _field(value: object) -> Figure:
    return instance(value, Figure, field="field")


@final
@attrs.frozen(kw_only=True)
class Discrepancy:
    """One figure on which the vendor and servicemodel differ, by how much, and why.

    ``vendor`` and ``servicemodel`` show the two values as text (instants in
    UTC ISO 8601, durations in minutes); ``size`` is servicemodel's value minus
    the vendor's for instants and durations (``None`` for other figures).

    >>> import pendulum
    >>> d = Discrepancy(field=Figure.BREACHED_AT, vendor="2025-06-19T13:30:00Z",
    ...                servicemodel="2025-06-18T16:00:00Z", size=pendulum.duration(hours=-21, minutes=-30),
    ...                reason=Reason.PEER_MAX_OVER_PERIODS)
    >>> d.size_minutes()
    Fraction(-1290, 1)
    """

    field: Figure = attrs.field(converter=_field)
    vendor: str
    servicemodel: str
    size: pendulum.Duration | None = None
    reason: Reason

    def size_minutes(self) -> Fraction | None:
        """``size`` in minutes, exactly (``None`` when the figure has no size).

        >>> Discrepancy(field=Figure.POLICY, vendor="A", servicemodel="B",
        ...            reason=Reason.TARGET).size_minutes() is None
        True
        """
        if self.size is None:
            return None
        return Fraction(duration_micros(self.size), _MINUTE_US)


@final
@attrs.frozen(kw_only=True)
class ReconciledRow:
    """One vendor row and/or one servicemodel clock, and how they compare.

    ``recorded`` is ``None`` for a clock the vendor did not record, ``clock``
    for a row servicemodel has no clock for (``note`` then says why).

    >>> row = ReconciledRow(interaction_id="101", metric=Metric.FIRST_REPLY, cycle=0,
    ...                     verdict=Verdict.AGREE)
    >>> row.explained()
    True
    """

    interaction_id: str = attrs.field(validator=non_empty_str)
    metric: Metric
    cycle: int | None
    verdict: Verdict
    recorded: RecordedSla | None = None
    clock: MetricClock | None = attrs.field(default=None, repr=False)
    differences: tuple[Discrepancy, ...] = ()
    note: str | None = None

    def explained(self) -> bool:
        """True when no difference is left ``unexplained``.

        >>> ReconciledRow(interaction_id="T", metric=Metric.FIRST_REPLY, cycle=0,
        ...               verdict=Verdict.DIFFER, differences=(Discrepancy(field=Figure.POLICY,
        ...               vendor="A", servicemodel="B", reason=Reason.UNEXPLAINED),)).explained()
        False
        """
        return all(d.reason is not Reason.UNEXPLAINED for d in self.differences)

    def reasons(self) -> tuple[Reason, ...]:
        """The distinct reasons of the differences, in order of first appearance.

        >>> ReconciledRow(interaction_id="T", metric=Metric.FIRST_REPLY, cycle=0,
        ...               verdict=Verdict.AGREE).reasons()
        ()
        """
        return tuple(dict.fromkeys(d.reason for d in self.differences))

    def to_record(self) -> dict[str, Any]:
        """The row as JSON-ready data (what ``servicemodel reconcile --format json`` prints).

        >>> ReconciledRow(interaction_id="T", metric=Metric.FIRST_REPLY, cycle=0,
        ...               verdict=Verdict.AGREE).to_record()["verdict"]
        'agree'
        """
        recorded, clock = self.recorded, self.clock
        return {
            "interaction": self.interaction_id,
            "metric": self.metric.value,
            "cycle": self.cycle,
            "verdict": self.verdict.value,
            "vendor": None if recorded is None else _recorded_record(recorded),
            "servicemodel": None if clock is None else _clock_record(clock),
            "differences": [
                {
                    "field": d.field.value,
                    "vendor": d.vendor,
                    "servicemodel": d.servicemodel,
                    "size_minutes": _minutes_number(d.size_minutes()),
                    "reason": d.reason.value,
                    "explanation": d.reason.explanation,
                }
                for d in self.differences
            ],
            "note": self.note,
        }


@final
@attrs.frozen(kw_only=True)
class Reconciliation:
    """Every recorded row and every clock, matched and compared under one profile.

    >>> Reconciliation(profile="default", rows=()).counts()
    {'agree': 0, 'differ': 0, 'vendor_only': 0, 'servicemodel_only': 0}
    """

    profile: str
    rows: tuple[ReconciledRow, ...]

    def counts(self) -> dict[str, int]:
        """How many rows agree, differ, or exist on one side only.

        >>> Reconciliation(profile="default", rows=()).counts()["agree"]
        0
        """
        counts = dict.fromkeys((m.value for m in Verdict), 0)
        for row in self.rows:
            counts[row.verdict.value] += 1
        return counts

    def reasons(self) -> dict[str, int]:
        """How many differences each reason explains (sorted by reason).

        >>> Reconciliation(profile="default", rows=()).reasons()
        {}
        """
        tally: dict[str, int] = {}
        for row in self.rows:
            for difference in row.differences:
                tally[difference.reason.value] = tally.get(difference.reason.value, 0) + 1
        return dict(sorted(tally.items()))

    def unexplained(self) -> tuple[ReconciledRow, ...]:
        """The rows with a difference no known rule explains.

        >>> Reconciliation(profile="default", rows=()).unexplained()
        ()
        """
        return tuple(row for row in self.rows if not row.explained())

    def to_record(self) -> dict[str, Any]:
        """The whole reconciliation as JSON-ready data.

        >>> sorted(Reconciliation(profile="zendesk", rows=()).to_record())
        ['counts', 'profile', 'reasons', 'rows']
        """
        return {
            "profile": self.profile,
            "counts": self.counts(),
            "reasons": self.reasons(),
            "rows": [row.to_record() for row in self.rows],
        }


# ----------------------------------------------------------------- showing values


def _instant_text(value: pendulum.DateTime | None) -> str:
    if value is None:
        return "-"
    return from_micros(to_micros(value)).format("YYYY-MM-DD[T]HH:mm:ss[Z]")


def _minutes_number(value: Fraction | None) -> float | int | None:
    if value is None:
        return None
    if value.denominator == 1:
        return value.numerator
    return round(float(value), 4)


def _minutes_text(micros: int | None) -> str:
    if micros is None:
        return "-"
    number = _minutes_number(Fraction(micros, _MINUTE_US))
    return f"{number} min"


def _state_text(breached: bool | None) -> str:
    if breached is None:
        return "active"
    return "breached" if breached else "met"


def _recorded_record(row: RecordedSla) -> dict[str, Any]:
    return {
        "source": row.source,
        "policy": row.policy,
        "priority": None if row.priority is None else row.priority.value,
        "started_at": _optional_text(row.started_at),
        "target_minutes": _optional_minutes(row.target),
        "business_hours": row.business_hours,
        "state": row.state(),
        "breached_at": _optional_text(row.breached_at),
        "fulfilled_at": _optional_text(row.fulfilled_at),
        "due_at": _optional_text(row.due_at),
        "elapsed_minutes": _optional_minutes(row.elapsed),
    }


def _clock_record(clock: MetricClock) -> dict[str, Any]:
    return {
        "policy": clock.policy,
        "priority": clock.priority.value,
        "started_at": _instant_text(clock.started_at),
        "target_minutes": _minutes_number(Fraction(clock._within_us, _MINUTE_US)),
        "business_hours": clock.target.calendar is not None,
        "state": clock.state.value,
        "breached": clock.breached,
        "breached_at": _optional_text(clock.breached_at),
        "completed_at": _optional_text(clock.completed_at),
        "due_at": _optional_text(_deadline(clock)),
        "elapsed_minutes": _minutes_number(Fraction(clock._business_us, _MINUTE_US)),
    }


def _optional_text(value: pendulum.DateTime | None) -> str | None:
    return None if value is None else _instant_text(value)


def _optional_minutes(value: pendulum.Duration | None) -> float | int | None:
    if value is None:
        return None
    return _minutes_number(Fraction(duration_micros(value), _MINUTE_US))


# ----------------------------------------------------------------- servicemodel's side


def _breached(clock: MetricClock) -> bool | None:
    """The clock's state in the vendor's terms: breached, met (False) or undecided (None)."""
    if clock.breached:
        return True
    return False if clock.state is ClockState.COMPLETED else None


def _deadline(clock: MetricClock) -> pendulum.DateTime | None:
    """The deadline the clock shows: its due time, or for a clock met in time the due time it had when it stopped.

    A clock met while counting had, just before it stopped, the deadline it
    would reach counting on; a clock stopped while paused had none.
    """
    if clock.state is not ClockState.COMPLETED or clock.breached:
        try:
            return clock.due_at
        except CalendarError:
            return None
    bounds = clock._run.bounds
    if not bounds or bounds[-1] != clock._completed_us:
        return None
    try:
        at = reach(clock._calendar, Running(list(bounds), True), clock._within_us)
    except CalendarError:
        return None
    return None if at is None else from_micros(at, clock.zone)


# ----------------------------------------------------------------- comparison


def _instant_gap(ours: pendulum.DateTime | None, theirs: pendulum.DateTime) -> int | None:
    return None if ours is None else to_micros(ours) - to_micros(theirs)


def _compare(row: RecordedSla, clock: MetricClock, profile: Profile) -> tuple[Discrepancy, ...]:
    tolerance = profile._tolerance_us()
    found: list[tuple[Figure, str, str, int | None]] = []
    target_differs = False
    if row.target is not None and duration_micros(row.target) != clock._within_us:
        target_differs = True
        found.append(
            (
                Figure.TARGET,
                _minutes_text(duration_micros(row.target)),
                _minutes_text(clock._within_us),
                clock._within_us - duration_micros(row.target),
            )
        )
    business = clock.target.calendar is not None
    if row.business_hours is not None and row.business_hours != business:
        target_differs = True
        found.append(
            (Figure.BUSINESS_HOURS, str(row.business_hours).lower(), str(business).lower(), None)
        )
    if row.policy is not None and row.policy != clock.policy:
        found.append((Figure.POLICY, row.policy, clock.policy, None))
    if row.priority is not None and row.priority is not clock.priority:
        found.append((Figure.PRIORITY, row.priority.value, clock.priority.value, None))
    ours_breached = _breached(clock)
    if row.breached is not ours_breached:
        found.append((Figure.BREACHED, _state_text(row.breached), _state_text(ours_breached), None))
    for field, theirs, ours in (
        (Figure.BREACHED_AT, row.breached_at, clock.breached_at),
        (Figure.FULFILLED_AT, row.fulfilled_at, clock.completed_at),
        (Figure.DUE_AT, row.due_at, _deadline(clock) if row.due_at is not None else None),
    ):
        if theirs is None:
            continue
        gap = _instant_gap(ours, theirs)
        if gap is None or abs(gap) >= tolerance:
            found.append((field, _instant_text(theirs), _instant_text(ours), gap))
    if row.elapsed is not None:
        gap = clock._business_us - duration_micros(row.elapsed)
        if abs(gap) >= tolerance:
            found.append(
                (
                    Figure.ELAPSED,
                    _minutes_text(duration_micros(row.elapsed)),
                    _minutes_text(clock._business_us),
                    gap,
                )
            )
    return tuple(
        Discrepancy(
            field=field,
            vendor=theirs_text,
            servicemodel=ours_text,
            size=None if gap is None else duration_from_micros(gap),
            reason=_reason(field, gap, clock, profile, row, target_differs=target_differs),
        )
        for field, theirs_text, ours_text, gap in found
    )


def _reason(
    field: Figure,
    gap: int | None,
    clock: MetricClock,
    profile: Profile,
    row: RecordedSla,
    *,
    target_differs: bool,
) -> Reason:
    """The named rule behind one difference: the first whose own condition holds."""
    rules = profile.peer_rules
    if (
        field is Figure.PRIORITY
        and Reason.PRIORITY_AT_START in rules
        and row.priority is not None
        and clock.started_priority is row.priority
    ):
        return Reason.PRIORITY_AT_START
    if target_differs or field in (Figure.TARGET, Figure.BUSINESS_HOURS):
        return Reason.TARGET
    if (
        field in (Figure.BREACHED_AT, Figure.DUE_AT)
        and Reason.PEER_MAX_OVER_PERIODS in rules
        and _peer_max_over_periods(clock, gap)
    ):
        return Reason.PEER_MAX_OVER_PERIODS
    if (
        field is Figure.ELAPSED
        and Reason.WEEK_CAP in rules
        and row.elapsed is not None
        and _week_capped(clock, duration_micros(row.elapsed), profile._tolerance_us())
    ):
        return Reason.WEEK_CAP
    if clock.state is not ClockState.COMPLETED and field in (
        Figure.ELAPSED,
        Figure.BREACHED,
        Figure.DUE_AT,
    ):
        return Reason.OPEN_CLOCK
    return Reason.UNEXPLAINED


def _peer_max_over_periods(clock: MetricClock, gap: int | None) -> bool:
    """Whether the peer's later breach is its projection per status period.

    It is, on an agent-work or requester-wait clock, when the vendor's instant
    is later than ours and the clock kept counting after our breach (a later
    status period projects a later breach); a clock that stopped counting at
    its breach leaves nothing to project.
    """
    return (
        clock.metric in _WORK_METRICS
        and gap is not None
        and gap < 0
        and clock._business_us > clock._within_us
    )


def _week_capped(clock: MetricClock, vendor_us: int, tolerance: int) -> bool:
    """Whether the vendor's elapsed time is 52 weeks of business time plus calendar time after.

    The clock ran longer than 52 weeks, and the vendor's figure lies between
    business time up to 51 and to 53 weeks after the start, each plus the
    calendar time the clock ran after it (the peer counts whole weeks of its
    schedule, so the cut falls within a week of the 52nd).
    """
    end = clock._as_of_us if clock._completed_us is None else clock._completed_us
    start = clock._started_us
    if end - start <= _WEEK_CAP_US:
        return False
    calendar, run = clock._calendar, clock._run
    _business, real = elapsed(calendar, run, end)

    def capped(cut: int) -> int:
        business_then, real_then = elapsed(calendar, run, cut)
        return business_then + real - real_then

    return (
        capped(start + _WEEK_CAP_US + _WEEK_US) - tolerance
        <= vendor_us
        <= capped(start + _WEEK_CAP_US - _WEEK_US) + tolerance
    )


# ----------------------------------------------------------------- matching


def _pick(row: RecordedSla, candidates: list[MetricClock], tolerance: int) -> MetricClock | None:
    if row.started_at is not None:
        start = to_micros(row.started_at)
        near = [c for c in candidates if abs(c._started_us - start) < tolerance]
        return min(near, key=lambda c: abs(c._started_us - start), default=None)
    if row.cycle is not None:
        return next((c for c in candidates if c.cycle == row.cycle), None)
    return candidates[0] if len(candidates) == 1 else None


def reconcile(
    results: Iterable[SlaResult],
    recorded: Iterable[RecordedSla],
    *,
    profile: Profile | None = None,
) -> Reconciliation:
    """Compare servicemodel's clocks with a vendor's recorded figures, row by row.

    Each recorded row is matched to the clock of the same interaction and
    metric that started at the same instant (within the profile's tolerance),
    or, when the vendor did not record a start, to the clock of the same
    cycle. Every figure the vendor recorded is compared: target, business-hours
    flag, policy, priority, breached or not, breach, fulfilment and due
    instants, elapsed time. Each difference names its :class:`Reason`; the
    profile's peer rules explain the vendor's known approximations. Clocks
    the vendor did not record, and rows servicemodel has no clock for, are
    listed too.

    Args:
        results: servicemodel's evaluations (evaluate under ``profile.apply(policies)``
            to match the vendor's semantics).
        recorded: the vendor's rows (see ``servicemodel.io.zendesk.read_recorded_sla``).
        profile: how to compare and which peer rules to name (default:
            :meth:`Profile.default`).

    Returns:
        One row per recorded row and per unmatched clock, by interaction,
        metric and start.

    Raises:
        ValidationError: an item is not an :class:`SlaResult` or a :class:`RecordedSla`.

    >>> import pendulum
    >>> from servicemodel import Interaction, Message
    >>> from servicemodel.sla import PolicySet, SlaPolicy, Target, evaluate
    >>> t = pendulum.datetime(2025, 6, 24, 14)
    >>> policies = PolicySet(policies=[SlaPolicy(name="Standard", targets={"normal": [
    ...     Target(metric="first_reply", within=pendulum.duration(minutes=60))]})])
    >>> ticket = Interaction(id="111", customer_id="C", channel="email", created_at=t,
    ...                      events=[Message(at=t.add(minutes=20), author="agent")])
    >>> result = evaluate(ticket, policies, as_of=t.add(hours=1))
    >>> vendor = RecordedSla(interaction_id="111", metric="first_reply", started_at=t,
    ...                      target=pendulum.duration(minutes=60), breached=False,
    ...                      fulfilled_at=t.add(minutes=20), elapsed=pendulum.duration(minutes=20))
    >>> reconcile([result], [vendor]).counts()
    {'agree': 1, 'differ': 0, 'vendor_only': 0, 'servicemodel_only': 0}
    >>> late = attrs.evolve(vendor, fulfilled_at=t.add(minutes=25))
    >>> [(d.field.value, d.size_minutes(), d.reason.value)
    ...  for d in reconcile([result], [late]).rows[0].differences]
    [('fulfilled_at', Fraction(-5, 1), 'unexplained')]
    """
    profile = Profile.default() if profile is None else profile
    if not isinstance(profile, Profile):
        raise ValidationError(
            f"'profile' must be a Profile, e.g. Profile.zendesk() (got {profile!r})",
            field="profile",
            value=profile,
        )
    evaluated = instances(results, SlaResult, field="results")
    rows_in = instances(recorded, RecordedSla, field="recorded")
    tolerance = profile._tolerance_us()
    order: dict[str, int] = {}
    clocks: dict[tuple[str, Metric], list[MetricClock]] = {}
    for result in evaluated:
        order.setdefault(result.interaction_id, len(order))
        for each in result.clocks:
            clocks.setdefault((result.interaction_id, each.metric), []).append(each)
    rows: list[ReconciledRow] = []
    for row in rows_in:
        key = (row.interaction_id, row.metric)
        candidates = clocks.get(key, [])
        clock = _pick(row, candidates, tolerance)
        if clock is None:
            known = row.interaction_id in order
            rows.append(
                ReconciledRow(
                    interaction_id=row.interaction_id,
                    metric=row.metric,
                    cycle=row.cycle,
                    verdict=Verdict.VENDOR_ONLY,
                    recorded=row,
                    note=(
                        "servicemodel has no clock of this metric starting then"
                        if known
                        else "the interaction is not in the evaluated data"
                    ),
                )
            )
            continue
        candidates.remove(clock)
        differences = _compare(row, clock, profile)
        rows.append(
            ReconciledRow(
                interaction_id=row.interaction_id,
                metric=row.metric,
                cycle=clock.cycle,
                verdict=Verdict.DIFFER if differences else Verdict.AGREE,
                recorded=row,
                clock=clock,
                differences=differences,
            )
        )
    for (interaction_id, metric), left in clocks.items():
        rows.extend(
            ReconciledRow(
                interaction_id=interaction_id,
                metric=metric,
                cycle=unmatched.cycle,
                verdict=Verdict.SERVICEMODEL_ONLY,
                clock=unmatched,
                note="the vendor recorded no figure for this clock",
            )
            for unmatched in left
        )
    for row in rows_in:
        order.setdefault(row.interaction_id, len(order))
    rows.sort(key=lambda r: (order[r.interaction_id], _METRIC_ORDER[r.metric], _start_key(r)))
    return Reconciliation(profile=profile.name, rows=tuple(rows))


def _start_key(row: ReconciledRow) -> int:
    if row.clock is not None:
        return row.clock._started_us
    if row.recorded is not None and row.recorded.started_at is not None:
        return to_micros(row.recorded.started_at)
    return -1 if row.cycle is None else row.cycle
