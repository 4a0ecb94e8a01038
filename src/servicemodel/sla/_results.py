"""What an SLA evaluation returns: each clock's state, breach and segments.

Values keep integers (epoch microseconds) and build pendulum values only
when read.
"""

from __future__ import annotations

import datetime as _dt
import enum
from bisect import bisect_right
from collections.abc import Iterator
from fractions import Fraction
from typing import TYPE_CHECKING, final

import attrs
import pendulum

from .._time import duration_from_micros, from_micros, to_micros
from ..exceptions import CalendarError
from ..interactions import Interaction, Priority, Status
from ._clock import Running, crossed, is_open, next_flip, reach
from ._metrics import Metric, stopping_statuses
from ._policies import PolicySet, Target

if TYPE_CHECKING:
    from ._clock import IntegerCalendar

__all__ = [
    "ClockState",
    "MetricClock",
    "Outcome",
    "Segment",
    "SegmentKind",
    "SlaOutcome",
    "SlaResult",
]


class ClockState(enum.Enum):
    """Where a clock stands. A breach is a separate flag, never a state.

    >>> ClockState("paused")
    <ClockState.PAUSED: 'paused'>
    """

    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"


class SegmentKind(enum.Enum):
    """How a stretch of a clock's time was treated.

    ``counted`` time used the target; ``outside_hours``, ``holiday`` and
    ``closure`` are running time the calendar does not count; ``paused`` time
    was spent in a pausing status (named by the segment); ``after_stop``
    follows the clock's completion.

    >>> SegmentKind.OUTSIDE_HOURS.value
    'outside_hours'
    """

    COUNTED = "counted"
    OUTSIDE_HOURS = "outside_hours"
    HOLIDAY = "holiday"
    CLOSURE = "closure"
    PAUSED = "paused"
    AFTER_STOP = "after_stop"


_CALENDAR_KINDS = {
    "open": SegmentKind.COUNTED,
    "outside_hours": SegmentKind.OUTSIDE_HOURS,
    "holiday": SegmentKind.HOLIDAY,
    "closure": SegmentKind.CLOSURE,
}


class Outcome(enum.Enum):
    """A target's compliance: met, breached, or still pending.

    >>> Outcome.MET.value
    'met'
    """

    MET = "met"
    BREACHED = "breached"
    PENDING = "pending"


@final
@attrs.frozen(kw_only=True)
class Segment:
    """A stretch of a clock's time and how it was treated.

    ``status`` names the pausing status of a ``paused`` segment (``solved``
    for the time between a solve and a reopen) and is ``None`` otherwise.

    >>> import pendulum
    >>> s = Segment(start=pendulum.datetime(2024, 6, 10, 10), end=pendulum.datetime(2024, 6, 10, 11),
    ...             kind=SegmentKind.PAUSED, status=Status.PENDING)
    >>> s.duration()
    Duration(hours=1)
    """

    start: pendulum.DateTime
    end: pendulum.DateTime
    kind: SegmentKind
    status: Status | None = None

    def duration(self) -> pendulum.Duration:
        """The real length of the segment.

        >>> import pendulum
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> Segment(start=t, end=t, kind=SegmentKind.COUNTED).duration()
        Duration()
        """
        return duration_from_micros(to_micros(self.end) - to_micros(self.start))


@final
@attrs.frozen(kw_only=True)
class SlaOutcome:
    """One target's compliance for one clock instance, ready for a KPI.

    >>> from servicemodel import Priority
    >>> SlaOutcome(interaction_id="T-1", policy="Default", metric=Metric.RESOLUTION,
    ...            priority=Priority.HIGH, cycle=0, outcome=Outcome.MET).outcome.value
    'met'
    """

    interaction_id: str
    policy: str
    metric: Metric
    priority: Priority
    cycle: int
    outcome: Outcome


@final
@attrs.frozen(kw_only=True)
class MetricClock:
    """One instance (cycle) of one metric's clock, as of the evaluation instant.

    The figures are kept as integers; the instants and durations below are
    built when read, shown in the zone of ``as_of``. ``cycle`` numbers the
    instances of repeating metrics from 0.

    ``due_at`` is when the target is (or was) reached if the clock keeps
    counting: defined while active, and for a breached clock (then it equals
    ``breached_at``); ``None`` for a paused clock and for a completed one that
    met its target. ``warn_at`` follows the same rule for the warning.

    >>> import pendulum
    >>> from servicemodel import Interaction
    >>> from servicemodel.sla import PolicySet, SlaPolicy, Target, evaluate
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> policies = PolicySet(policies=[SlaPolicy(name="All", targets={
    ...     "normal": [Target(metric="resolution", within=pendulum.duration(hours=8))]})])
    >>> ticket = Interaction(id="T-1", customer_id="C-1", channel="email", created_at=t)
    >>> clock = evaluate(ticket, policies, as_of=t.add(hours=2)).clocks[0]
    >>> clock.state, clock.business_elapsed, clock.remaining, clock.percent_used
    (<ClockState.ACTIVE: 'active'>, Duration(hours=2), Duration(hours=6), Fraction(25, 1))
    >>> clock.due_at
    DateTime(2024, 6, 10, 17, 0, 0, tzinfo=Timezone('UTC'))
    """

    metric: Metric
    policy: str
    priority: Priority
    target: Target
    cycle: int
    state: ClockState
    breached: bool
    warned: bool
    _started_us: int = attrs.field(alias="_started_us")
    _completed_us: int | None = attrs.field(alias="_completed_us")
    _as_of_us: int = attrs.field(alias="_as_of_us")
    _business_us: int = attrs.field(alias="_business_us")
    _calendar_us: int = attrs.field(alias="_calendar_us")
    _within_us: int = attrs.field(alias="_within_us")
    _warn_us: int | None = attrs.field(alias="_warn_us")
    _run: Running = attrs.field(repr=False, alias="_run")
    _calendar: IntegerCalendar = attrs.field(repr=False, alias="_calendar")
    _statuses: tuple[tuple[int, Status], ...] = attrs.field(repr=False, alias="_statuses")
    zone: _dt.tzinfo = attrs.field(repr=False)
    _recorded_breach_us: int | None = attrs.field(default=None, alias="_recorded_breach_us")
    #: The priority in force when the clock first started (before any restart);
    #: ``priority`` is the one whose target measured it. ``None``: not known.
    started_priority: Priority | None = None

    @property
    def started_at(self) -> pendulum.DateTime:
        """When this clock started (with ``restart``, the last restart).

        >>> _demo().started_at
        DateTime(2024, 6, 10, 9, 0, 0, tzinfo=Timezone('UTC'))
        """
        return from_micros(self._started_us, self.zone)

    @property
    def completed_at(self) -> pendulum.DateTime | None:
        """When the clock stopped for good (``None`` while active or paused).

        >>> _demo().completed_at is None
        True
        """
        return None if self._completed_us is None else from_micros(self._completed_us, self.zone)

    def _reach_us(self, amount: int) -> int | None:
        if self.state is ClockState.ACTIVE or crossed(
            self._calendar, self._run, amount, self._business_us, self._completed_us
        ):
            return reach(self._calendar, self._run, amount)
        return None

    @property
    def due_at(self) -> pendulum.DateTime | None:
        """When the target is reached counting on (see the class notes for ``None``).

        Raises:
            CalendarError: the clock runs on a calendar that never opens again.

        >>> _demo().due_at
        DateTime(2024, 6, 10, 17, 0, 0, tzinfo=Timezone('UTC'))
        """
        at = self._reach_us(self._within_us)
        return None if at is None else from_micros(at, self.zone)

    @property
    def warn_at(self) -> pendulum.DateTime | None:
        """When the warning threshold is reached (``None`` without a warning, or as for ``due_at``).

        >>> _demo().warn_at is None
        True
        """
        if self._warn_us is None:
            return None
        at = self._reach_us(self._warn_us)
        return None if at is None else from_micros(at, self.zone)

    @property
    def breached_at(self) -> pendulum.DateTime | None:
        """When the target was breached (``None`` unless ``breached``).

        Under :attr:`BreachRule.RECORD <servicemodel.sla.BreachRule.RECORD>` a
        breach of an earlier target is kept with the instant it happened
        (``breached_at`` keeps it); otherwise this is ``due_at``.

        >>> _demo().breached_at is None
        True
        """
        if self._recorded_breach_us is not None:
            return from_micros(self._recorded_breach_us, self.zone)
        return self.due_at if self.breached else None

    def _next_change_us(self) -> int | None:
        """:meth:`next_change` in epoch microseconds.

        >>> _demo()._next_change_us() == 1718038800000000
        True
        """
        if self.state is not ClockState.ACTIVE:
            return None
        as_of = self._as_of_us
        candidates: list[int | None] = []
        try:
            if self._warn_us is not None and not self.warned:
                candidates.append(reach(self._calendar, self._run, self._warn_us))
            if not self.breached:
                candidates.append(reach(self._calendar, self._run, self._within_us))
        except CalendarError:
            pass
        candidates.append(next_flip(self._calendar, as_of))
        best: int | None = None
        for at in candidates:
            if at is not None and at > as_of and (best is None or at < best):
                best = at
        return best

    def next_change(self) -> pendulum.DateTime | None:
        """The next instant at which this clock warns, breaches, or starts or stops counting.

        ``None`` for a paused or completed clock (only a new event changes
        it) and for one that will not change without a new event.
        :meth:`SlaResult.next_change` is the earliest of its clocks'.

        >>> _demo().next_change()
        DateTime(2024, 6, 10, 17, 0, 0, tzinfo=Timezone('UTC'))
        """
        at = self._next_change_us()
        return None if at is None else from_micros(at, self.zone)

    @property
    def business_elapsed(self) -> pendulum.Duration:
        """The time counted against the target (business time on the target's calendar).

        >>> _demo().business_elapsed
        Duration(hours=2)
        """
        return duration_from_micros(self._business_us)

    @property
    def calendar_elapsed(self) -> pendulum.Duration:
        """The real time the clock ran, pauses excluded, calendar closures included.

        >>> _demo().calendar_elapsed
        Duration(hours=2)
        """
        return duration_from_micros(self._calendar_us)

    @property
    def within(self) -> pendulum.Duration:
        """The time this clock's target allows (the policy's, a business-day target
        counted to its deadline, or the vendor's stamp).

        >>> _demo().within
        Duration(hours=8)
        """
        return duration_from_micros(self._within_us)

    @property
    def remaining(self) -> pendulum.Duration:
        """Target minus counted time; negative once the target is overrun.

        >>> _demo().remaining
        Duration(hours=6)
        """
        return duration_from_micros(self._within_us - self._business_us)

    @property
    def percent_used(self) -> Fraction:
        """Counted time as an exact percentage of the target (above 100 when overrun).

        >>> _demo().percent_used
        Fraction(25, 1)
        """
        return Fraction(self._business_us * 100, self._within_us)

    @property
    def counting(self) -> bool:
        """True when the clock is active and its calendar counts the present instant.

        >>> _demo().counting
        True
        """
        return self.state is ClockState.ACTIVE and is_open(self._calendar, self._as_of_us)

    def outcome(self) -> Outcome:
        """``breached`` once breached, ``met`` when completed in time, else ``pending``.

        >>> _demo().outcome()
        <Outcome.PENDING: 'pending'>
        """
        if self.breached:
            return Outcome.BREACHED
        return Outcome.MET if self.state is ClockState.COMPLETED else Outcome.PENDING

    def segments(self) -> tuple[Segment, ...]:
        """Explain the clock's time from its start to ``as_of``, stretch by stretch.

        >>> [(s.kind.value, s.duration().in_hours()) for s in _demo().segments()]
        [('counted', 2)]
        """
        return tuple(
            Segment(
                start=from_micros(a, self.zone),
                end=from_micros(b, self.zone),
                kind=kind,
                status=status,
            )
            for a, b, kind, status in self._segments_us()
        )

    def _segments_us(self) -> Iterator[tuple[int, int, SegmentKind, Status | None]]:
        start, upto = self._started_us, self._as_of_us
        stop = self._completed_us
        limit = upto if stop is None or stop > upto else stop
        paused = self.target.pausing_statuses()
        stops = stopping_statuses(self.metric)
        statuses = self._statuses
        count = len(statuses)
        index = max(bisect_right(statuses, start, key=_first) - 1, 0)
        while index < count and start < limit:
            since, status = statuses[index]
            until = statuses[index + 1][0] if index + 1 < count else limit
            index += 1
            a, b = max(since, start), min(until, limit)
            if b <= a:
                continue
            if status in paused or status in stops:
                yield a, b, SegmentKind.PAUSED, status
            else:
                for sa, sb, label in self._calendar._segments_us(a, b):
                    yield sa, sb, _CALENDAR_KINDS[label], None
        if stop is not None and stop < upto:
            yield stop, upto, SegmentKind.AFTER_STOP, None


def _first(pair: tuple[int, object]) -> int:
    return pair[0]


@final
@attrs.frozen(kw_only=True)
class SlaResult:
    """Every SLA clock of one interaction as of one instant.

    ``policy`` names the policy that applies at ``as_of`` (``None``: none
    does); each clock names the policy and priority whose target it measures.

    >>> import pendulum
    >>> from servicemodel import Interaction
    >>> from servicemodel.sla import PolicySet, SlaPolicy, Target, evaluate
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> policies = PolicySet(policies=[SlaPolicy(name="All", targets={
    ...     "normal": [Target(metric="first_reply", within=pendulum.duration(hours=1),
    ...                       warn_percent=50)]})])
    >>> ticket = Interaction(id="T-1", customer_id="C-1", channel="email", created_at=t)
    >>> result = evaluate(ticket, policies, as_of=t)
    >>> result.policy, [c.metric.value for c in result.clocks]
    ('All', ['first_reply'])
    >>> result.next_change()
    DateTime(2024, 6, 10, 9, 30, 0, tzinfo=Timezone('UTC'))
    """

    interaction_id: str
    policy: str | None
    clocks: tuple[MetricClock, ...]
    _as_of_us: int = attrs.field(alias="_as_of_us")
    zone: _dt.tzinfo = attrs.field(repr=False)

    @property
    def as_of(self) -> pendulum.DateTime:
        """The instant the clocks were evaluated at.

        >>> _demo_result().as_of
        DateTime(2024, 6, 10, 11, 0, 0, tzinfo=Timezone('UTC'))
        """
        return from_micros(self._as_of_us, self.zone)

    def clock(self, metric: Metric) -> MetricClock | None:
        """The latest instance of *metric* (``None``: no target for it); see :meth:`cycles` for all.

        >>> _demo_result().clock(Metric.RESOLUTION).state
        <ClockState.ACTIVE: 'active'>
        """
        found = None
        for clock in self.clocks:
            if clock.metric is metric:
                found = clock
        return found

    def cycles(self, metric: Metric) -> tuple[MetricClock, ...]:
        """Every instance (cycle) of *metric*'s clock, oldest first (empty: no target for it).

        Repeating metrics (``next_reply``, ``periodic_update``) have one
        instance per cycle, and so do resolution-type metrics under
        :attr:`ReopenRule.NEW_CYCLE <servicemodel.sla.ReopenRule.NEW_CYCLE>`;
        ``clock.cycle`` numbers them from 0.

        >>> [c.cycle for c in _demo_result().cycles(Metric.RESOLUTION)]
        [0]
        """
        return tuple(clock for clock in self.clocks if clock.metric is metric)

    def breached(self) -> bool:
        """True when any clock has breached.

        >>> _demo_result().breached()
        False
        """
        return any(clock.breached for clock in self.clocks)

    def _next_change_us(self) -> int | None:
        """:meth:`next_change` in epoch microseconds (for schedulers working in integers).

        >>> _demo_result()._next_change_us() == 1718038800000000
        True
        """
        best: int | None = None
        for clock in self.clocks:
            at = clock._next_change_us()
            if at is not None and (best is None or at < best):
                best = at
        return best

    def next_change(self) -> pendulum.DateTime | None:
        """The next instant at which a clock warns, breaches, or starts or stops counting.

        Counting starts and stops as the calendar opens and closes; pauses by
        status need a new event, which calls for a new evaluation anyway. With
        no further events nothing about the clocks' states, flags or due times
        changes between ``as_of`` and this instant, so an application sets one
        timer for it instead of polling. ``None``: nothing will change without
        a new event.

        >>> _demo_result().next_change()
        DateTime(2024, 6, 10, 17, 0, 0, tzinfo=Timezone('UTC'))
        """
        at = self._next_change_us()
        return None if at is None else from_micros(at, self.zone)

    def outcomes(self) -> tuple[SlaOutcome, ...]:
        """Each clock's compliance (met, breached, pending), for SLA KPIs.

        >>> [o.outcome.value for o in _demo_result().outcomes()]
        ['pending']
        """
        return tuple(
            SlaOutcome(
                interaction_id=self.interaction_id,
                policy=clock.policy,
                metric=clock.metric,
                priority=clock.priority,
                cycle=clock.cycle,
                outcome=clock.outcome(),
            )
            for clock in self.clocks
        )


def _demo() -> MetricClock:
    return _demo_result().clocks[0]


def _demo_result() -> SlaResult:
    from ._policies import SlaPolicy

    t = pendulum.datetime(2024, 6, 10, 9)
    policies = PolicySet(
        policies=[
            SlaPolicy(
                name="All",
                targets={
                    "normal": [Target(metric="resolution", within=pendulum.duration(hours=8))]
                },
            )
        ]
    )
    ticket = Interaction(id="T-1", customer_id="C-1", channel="email", created_at=t)
    from ._evaluate import evaluate

    return evaluate(ticket, policies, as_of=t.add(hours=2))
