"""Evaluate every SLA clock of an interaction as of an instant."""

from __future__ import annotations

import datetime as _dt
import enum
from bisect import bisect_right
from collections.abc import Iterator
from fractions import Fraction
from typing import TYPE_CHECKING, Any, final

import attrs
import pendulum

from .._time import aware, duration_from_micros, from_micros, to_micros
from ..customers import Customer
from ..exceptions import CalendarError, ValidationError
from ..interactions import Interaction, Priority, Status
from ._calendar import BusinessCalendar
from ._clock import Log, Positions, Running, crossed, elapsed, is_open, next_flip, reach, running
from ._conditions import Facts
from ._metrics import STOP_STATUSES, Metric
from ._policies import PolicySet, PriorityChangeRule, Target

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
    "SlaTracker",
    "evaluate",
]

_REPLY_METRICS = (Metric.FIRST_REPLY, Metric.NEXT_REPLY, Metric.PERIODIC_UPDATE)
_METRICS = tuple(Metric)
_STOPS = tuple(STOP_STATUSES)


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
    started_us: int
    completed_us: int | None
    as_of_us: int
    business_us: int
    calendar_us: int
    within_us: int
    warn_us: int | None
    _run: Running = attrs.field(repr=False, alias="run")
    _calendar: IntegerCalendar = attrs.field(repr=False, alias="calendar")
    statuses: tuple[tuple[int, Status], ...] = attrs.field(repr=False)
    zone: _dt.tzinfo = attrs.field(repr=False)

    @property
    def started_at(self) -> pendulum.DateTime:
        """When this clock started (with ``restart``, the last restart).

        >>> _demo().started_at
        DateTime(2024, 6, 10, 9, 0, 0, tzinfo=Timezone('UTC'))
        """
        return from_micros(self.started_us, self.zone)

    @property
    def completed_at(self) -> pendulum.DateTime | None:
        """When the clock stopped for good (``None`` while active or paused).

        >>> _demo().completed_at is None
        True
        """
        return None if self.completed_us is None else from_micros(self.completed_us, self.zone)

    def _reach_us(self, amount: int) -> int | None:
        if self.state is ClockState.ACTIVE or crossed(
            self._calendar, self._run, amount, self.business_us, self.completed_us
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
        at = self._reach_us(self.within_us)
        return None if at is None else from_micros(at, self.zone)

    @property
    def warn_at(self) -> pendulum.DateTime | None:
        """When the warning threshold is reached (``None`` without a warning, or as for ``due_at``).

        >>> _demo().warn_at is None
        True
        """
        if self.warn_us is None:
            return None
        at = self._reach_us(self.warn_us)
        return None if at is None else from_micros(at, self.zone)

    @property
    def breached_at(self) -> pendulum.DateTime | None:
        """When the target was breached (``None`` unless ``breached``).

        >>> _demo().breached_at is None
        True
        """
        return self.due_at if self.breached else None

    @property
    def business_elapsed(self) -> pendulum.Duration:
        """The time counted against the target (business time on the target's calendar).

        >>> _demo().business_elapsed
        Duration(hours=2)
        """
        return duration_from_micros(self.business_us)

    @property
    def calendar_elapsed(self) -> pendulum.Duration:
        """The real time the clock ran, pauses excluded, calendar closures included.

        >>> _demo().calendar_elapsed
        Duration(hours=2)
        """
        return duration_from_micros(self.calendar_us)

    @property
    def remaining(self) -> pendulum.Duration:
        """Target minus counted time; negative once the target is overrun.

        >>> _demo().remaining
        Duration(hours=6)
        """
        return duration_from_micros(self.within_us - self.business_us)

    @property
    def percent_used(self) -> Fraction:
        """Counted time as an exact percentage of the target (above 100 when overrun).

        >>> _demo().percent_used
        Fraction(25, 1)
        """
        return Fraction(self.business_us * 100, self.within_us)

    @property
    def counting(self) -> bool:
        """True when the clock is active and its calendar counts the present instant.

        >>> _demo().counting
        True
        """
        return self.state is ClockState.ACTIVE and is_open(self._calendar, self.as_of_us)

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
        start, upto = self.started_us, self.as_of_us
        stop = self.completed_us
        limit = upto if stop is None or stop > upto else stop
        paused = self.target.pausing_statuses()
        stops = self.metric not in _REPLY_METRICS
        statuses = self.statuses
        count = len(statuses)
        index = max(bisect_right(statuses, start, key=_first) - 1, 0)
        while index < count and start < limit:
            since, status = statuses[index]
            until = statuses[index + 1][0] if index + 1 < count else limit
            index += 1
            a, b = max(since, start), min(until, limit)
            if b <= a:
                continue
            if status in paused or (stops and status in _STOPS):
                yield a, b, SegmentKind.PAUSED, status
            else:
                for sa, sb, label in self._calendar.segments_micros(a, b):
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
    as_of_us: int
    zone: _dt.tzinfo = attrs.field(repr=False)

    @property
    def as_of(self) -> pendulum.DateTime:
        """The instant the clocks were evaluated at.

        >>> _demo_result().as_of
        DateTime(2024, 6, 10, 11, 0, 0, tzinfo=Timezone('UTC'))
        """
        return from_micros(self.as_of_us, self.zone)

    def clock(self, metric: Metric) -> MetricClock | None:
        """The latest instance of *metric* (``None``: no target for it).

        >>> _demo_result().clock(Metric.RESOLUTION).state
        <ClockState.ACTIVE: 'active'>
        """
        found = None
        for clock in self.clocks:
            if clock.metric is metric:
                found = clock
        return found

    def breached(self) -> bool:
        """True when any clock has breached.

        >>> _demo_result().breached()
        False
        """
        return any(clock.breached for clock in self.clocks)

    def next_change_us(self) -> int | None:
        """:meth:`next_change` in epoch microseconds (for schedulers working in integers).

        >>> _demo_result().next_change_us() == 1718038800000000
        True
        """
        best: int | None = None
        as_of = self.as_of_us
        for clock in self.clocks:
            if clock.state is not ClockState.ACTIVE:
                continue
            candidates: list[int | None] = []
            try:
                if clock.warn_us is not None and not clock.warned:
                    candidates.append(reach(clock._calendar, clock._run, clock.warn_us))
                if not clock.breached:
                    candidates.append(reach(clock._calendar, clock._run, clock.within_us))
            except CalendarError:
                pass
            candidates.append(next_flip(clock._calendar, as_of))
            for at in candidates:
                if at is not None and at > as_of and (best is None or at < best):
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
        at = self.next_change_us()
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


# ----------------------------------------------------------------- compiled policy sets


class _Target:
    """A target compiled for the hot path (microseconds, tuples, the calendar object)."""

    __slots__ = ("always", "calendar", "excluded", "paused", "policy", "target", "warn", "within")

    def __init__(self, policy: str, target: Target, calendar: IntegerCalendar) -> None:
        self.policy = policy
        self.target = target
        self.within = target.within_micros()
        self.warn = target.warn_micros()
        # Tuples, not sets: membership by identity avoids hashing enum members on the hot path.
        self.paused = tuple(target.pausing_statuses())
        stops = () if target.metric in _REPLY_METRICS else tuple(STOP_STATUSES)
        self.excluded = self.paused + stops
        self.calendar = calendar
        self.always = calendar is BusinessCalendar.always()


#: Per policy: (priority, targets indexed by metric position) pairs.
_Rows = tuple[tuple[Priority, tuple["_Target | None", ...]], ...]


def _compile(policies: PolicySet) -> list[_Rows]:
    cache: dict[str, Any] = policies._cache
    compiled: list[_Rows] | None = cache.get("targets")
    if compiled is None:
        compiled = []
        for policy in policies.policies:
            rows = []
            for priority, targets in policy.targets:
                row: list[_Target | None] = [None] * len(_METRICS)
                for target in targets:
                    row[_METRICS.index(target.metric)] = _Target(
                        policy.name, target, policies.calendar(target.calendar)
                    )
                rows.append((priority, tuple(row)))
            compiled.append(tuple(rows))
        cache["targets"] = compiled
    return compiled


def _row(compiled: list[_Rows], index: int, priority: Priority) -> tuple[_Target | None, ...]:
    if index >= 0:
        for candidate, row in compiled[index]:
            if candidate is priority:
                return row
    return _NO_TARGETS


_NO_TARGETS: tuple[_Target | None, ...] = (None,) * len(_METRICS)


_EMPTY: dict[str, str] = {}
_MEMO_LIMIT = 4_096


def _keys(
    log: Log,
    policies: PolicySet,
    interaction: Interaction,
    customer: Customer | None,
) -> tuple[list[int], list[tuple[int, Priority]]]:
    """The applicable (policy index, priority) over time; index -1: no policy applies."""
    priorities, groups = log.priorities, log.groups
    static = (
        interaction.channel._value_,
        interaction.kind._value_,
        interaction.tags,
        interaction.attributes,
        None if customer is None else customer.segment,
        None if customer is None else customer.tier,
    )
    memo: dict[tuple[Any, ...], int] = policies._cache.setdefault("matches", {})
    if len(priorities) == 1 and len(groups) == 1:
        priority = priorities[0][1]
        index = _match(policies, memo, static, priority._value_, None)
        return [log.created], [(index, priority)]
    moments = sorted({t for t, _ in priorities} | {t for t, _ in groups})
    times: list[int] = []
    keys: list[tuple[int, Priority]] = []
    for moment in moments:
        priority = priorities[bisect_right(priorities, moment, key=_first) - 1][1]
        group = groups[bisect_right(groups, moment, key=_first) - 1][1]
        key = (_match(policies, memo, static, priority._value_, group), priority)
        if not keys or keys[-1] != key:
            times.append(moment)
            keys.append(key)
    return times, keys


def _match(
    policies: PolicySet,
    memo: dict[tuple[Any, ...], int],
    static: tuple[Any, ...],
    priority: str,
    group: str | None,
) -> int:
    """The index of the first policy matching these facts (-1: none), remembered per policy set."""
    key = (priority, group, static)
    index = memo.get(key)
    if index is None:
        channel, kind, tags, attributes, segment, tier = static
        facts = Facts(
            priority,
            channel,
            kind,
            tags,
            segment,
            tier,
            group,
            dict(attributes) if attributes else _EMPTY,
        )
        index = -1
        for i, policy in enumerate(policies.policies):
            if policy.condition.matches(facts):
                index = i
                break
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        memo[key] = index
    return index


def _compute(
    log: Log,
    interaction: Interaction,
    policies: PolicySet,
    as_of: int,
    zone: _dt.tzinfo,
    customer: Customer | None,
) -> SlaResult:
    compiled = _compile(policies)
    times, keys = _keys(log, policies, interaction, customer)
    rows = [_row(compiled, index, priority) for index, priority in keys]
    single = len(times) == 1
    statuses = tuple(log.statuses)
    completion = log.completion()
    restart = policies.on_priority_change is PriorityChangeRule.RESTART
    status_now = log.status
    positions: dict[int, IntegerCalendar] = {}
    clocks: list[MetricClock] = []
    created = log.created
    for position, metric in enumerate(_METRICS):
        reply = position < 3
        if position == 0:
            windows: list[tuple[int, int | None]] = [(created, log.first_reply_end)]
        elif position == 1:
            windows = log.next_reply  # type: ignore[assignment]
        elif position == 2:
            windows = log.periodic  # type: ignore[assignment]
        else:
            windows = [(created, None)]
        for cycle, (start, end) in enumerate(windows):
            done = end if reply else completion
            k = 0 if single else bisect_right(times, as_of if done is None else done) - 1
            spec = rows[k][position]
            if spec is None:
                continue
            if restart and not single:
                start = _restart(times, keys, rows, position, start, k)
            run = running(statuses, start, end, spec.excluded)
            calendar = positions.get(id(spec.calendar))
            if calendar is None:
                calendar = positions[id(spec.calendar)] = (
                    spec.calendar if spec.always else Positions(spec.calendar, created)
                )
            business, real = elapsed(calendar, run, as_of)
            if done is not None:
                state = ClockState.COMPLETED
            elif status_now in spec.paused:
                state = ClockState.PAUSED
            else:
                state = ClockState.ACTIVE
            warn = spec.warn
            clocks.append(
                MetricClock(
                    metric=metric,
                    policy=spec.policy,
                    priority=keys[k][1],
                    target=spec.target,
                    cycle=cycle,
                    state=state,
                    breached=business >= spec.within
                    and crossed(calendar, run, spec.within, business, done),
                    warned=warn is not None
                    and business >= warn
                    and crossed(calendar, run, warn, business, done),
                    started_us=start,
                    completed_us=done,
                    as_of_us=as_of,
                    business_us=business,
                    calendar_us=real,
                    within_us=spec.within,
                    warn_us=warn,
                    run=run,
                    calendar=spec.calendar,
                    statuses=statuses,
                    zone=zone,
                )
            )
    index = keys[0 if single else bisect_right(times, as_of) - 1][0]
    return SlaResult(
        interaction_id=interaction.id,
        policy=None if index < 0 else policies.policies[index].name,
        clocks=tuple(clocks),
        as_of_us=as_of,
        zone=zone,
    )


def _restart(
    times: list[int],
    keys: list[tuple[int, Priority]],
    rows: list[tuple[_Target | None, ...]],
    position: int,
    start: int,
    k: int,
) -> int:
    """The last priority change after *start* (up to key *k*) that swapped this metric's target."""
    while k > 0 and times[k] > start:
        if keys[k][1] is not keys[k - 1][1] and rows[k][position] is not rows[k - 1][position]:
            return times[k]
        k -= 1
    return start


# ----------------------------------------------------------------- public entry points


def _fold(interaction: Interaction, upto: int | None, created: int | None = None) -> Log:
    log = Log(
        to_micros(interaction.created_at) if created is None else created, interaction.priority
    )
    for event in interaction.events:
        at = to_micros(event.at)
        if upto is not None and at > upto:
            break
        log.feed(at, event)
    return log


def _as_of(value: object, interaction: Interaction) -> tuple[int, _dt.tzinfo, int]:
    instant = aware(value, field="as_of")
    at = to_micros(instant)
    created = to_micros(interaction.created_at)
    if at < created:
        raise ValidationError(
            f"'as_of' must not be before the interaction's 'created_at' "
            f"(got {instant.isoformat()} < {interaction.created_at.isoformat()})",
            field="as_of",
            value=value,
        )
    zone = instant.tzinfo
    assert zone is not None
    return at, zone, created


def evaluate(
    interaction: Interaction,
    policies: PolicySet,
    *,
    as_of: pendulum.DateTime | _dt.datetime,
    customer: Customer | None = None,
) -> SlaResult:
    """Evaluate every SLA clock of *interaction* under *policies* as of *as_of*.

    Pure: the answer depends only on the arguments, and only on the events at
    or before *as_of* (later events are ignored, so replaying a log gives the
    same answers it gave live). The first policy whose condition matches
    applies; a priority or group change can swap the policy and target of a
    running clock (see :class:`~servicemodel.sla.PriorityChangeRule`).

    Args:
        interaction: the interaction and its event log.
        policies: the ordered policies and their calendars.
        as_of: the evaluation instant (aware; not before ``created_at``).
        customer: the customer, whose segment and tier conditions may test.

    Returns:
        One :class:`MetricClock` per metric instance with a target.

    Raises:
        ValidationError: *as_of* is naive or before the interaction was created.

    >>> import pendulum
    >>> from servicemodel import Interaction, StatusChange
    >>> from servicemodel.sla import PolicySet, SlaPolicy, Target
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> policies = PolicySet(policies=[SlaPolicy(name="All", targets={"normal": [
    ...     Target(metric="requester_wait", within=pendulum.duration(hours=2))]})])
    >>> ticket = Interaction(id="T-1", customer_id="C-1", channel="email", created_at=t, events=[
    ...     StatusChange(at=t.add(hours=1), status="pending"),
    ...     StatusChange(at=t.add(hours=5), status="open")])
    >>> clock = evaluate(ticket, policies, as_of=t.add(hours=6)).clocks[0]
    >>> clock.state.value, clock.business_elapsed.in_hours(), clock.breached
    ('active', 2, True)
    >>> clock.breached_at
    DateTime(2024, 6, 10, 15, 0, 0, tzinfo=Timezone('UTC'))
    """
    at, zone, created = _as_of(as_of, interaction)
    return _compute(_fold(interaction, at, created), interaction, policies, at, zone, customer)


@final
@attrs.frozen(kw_only=True)
class SlaTracker:
    """Evaluate clocks incrementally as an interaction's log grows.

    Start it from an interaction, then hand it each newer version of the same
    interaction with :meth:`update`: only the new events are folded in. Its
    :meth:`result` equals :func:`evaluate` on the whole log.

    >>> import pendulum
    >>> from servicemodel import Interaction, Message
    >>> from servicemodel.sla import PolicySet, SlaPolicy, Target
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> policies = PolicySet(policies=[SlaPolicy(name="All", targets={"normal": [
    ...     Target(metric="first_reply", within=pendulum.duration(hours=1))]})])
    >>> ticket = Interaction(id="T-1", customer_id="C-1", channel="email", created_at=t)
    >>> tracker = SlaTracker.start(ticket, policies)
    >>> replied = attrs.evolve(ticket, events=[Message(at=t.add(minutes=20), author="agent")])
    >>> tracker = tracker.update(replied)
    >>> tracker.result(as_of=t.add(hours=2)) == evaluate(replied, policies, as_of=t.add(hours=2))
    True
    """

    interaction: Interaction
    policies: PolicySet
    customer: Customer | None = None
    _log: Log = attrs.field(repr=False, eq=False, alias="log")

    @classmethod
    def start(
        cls,
        interaction: Interaction,
        policies: PolicySet,
        *,
        customer: Customer | None = None,
    ) -> SlaTracker:
        """A tracker that has folded every event of *interaction*.

        >>> import pendulum
        >>> from servicemodel import Interaction
        >>> from servicemodel.sla import PolicySet
        >>> t = pendulum.datetime(2024, 6, 10, 9)
        >>> SlaTracker.start(Interaction(id="T", customer_id="C", channel="chat", created_at=t),
        ...                  PolicySet(policies=[])).interaction.id
        'T'
        """
        return cls(
            interaction=interaction,
            policies=policies,
            customer=customer,
            log=_fold(interaction, None),
        )

    def update(self, interaction: Interaction) -> SlaTracker:
        """A tracker that has also folded the events *interaction* adds to the log seen so far.

        Raises:
            ValidationError: *interaction* is not a continuation of the log seen so far.

        >>> import pendulum
        >>> from servicemodel import Interaction
        >>> from servicemodel.sla import PolicySet
        >>> t = pendulum.datetime(2024, 6, 10, 9)
        >>> tracker = SlaTracker.start(
        ...     Interaction(id="T", customer_id="C", channel="chat", created_at=t), PolicySet(policies=[]))
        >>> tracker.update(Interaction(id="U", customer_id="C", channel="chat", created_at=t))
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.ValidationError: 'interaction' must continue the log seen so far (same id, created_at and earlier events); got 'U'
        """
        seen = self._log.seen
        old = self.interaction
        if (
            interaction.id != old.id
            or interaction.created_at != old.created_at
            or interaction.priority is not old.priority
            or interaction.events[:seen] != old.events[:seen]
        ):
            raise ValidationError(
                "'interaction' must continue the log seen so far (same id, created_at and "
                f"earlier events); got {interaction.id!r}",
                field="interaction",
                value=interaction.id,
            )
        log = self._log.copy()
        for event in interaction.events[seen:]:
            log.feed(to_micros(event.at), event)
        return SlaTracker(
            interaction=interaction, policies=self.policies, customer=self.customer, log=log
        )

    def result(self, *, as_of: pendulum.DateTime | _dt.datetime) -> SlaResult:
        """The clocks as of *as_of*, which must not be before the last event folded.

        Raises:
            ValidationError: *as_of* is naive, or earlier than an event already folded.

        >>> import pendulum
        >>> from servicemodel import Interaction
        >>> from servicemodel.sla import PolicySet
        >>> t = pendulum.datetime(2024, 6, 10, 9)
        >>> SlaTracker.start(Interaction(id="T", customer_id="C", channel="chat", created_at=t),
        ...     PolicySet(policies=[])).result(as_of=t).clocks
        ()
        """
        at, zone, _created = _as_of(as_of, self.interaction)
        if at < self._log.last_at:
            raise ValidationError(
                f"'as_of' must not be before the last event the tracker folded "
                f"(got {aware(as_of, field='as_of').isoformat()}); use evaluate() to look back",
                field="as_of",
                value=as_of,
            )
        return _compute(self._log, self.interaction, self.policies, at, zone, self.customer)


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
    return evaluate(ticket, policies, as_of=t.add(hours=2))
