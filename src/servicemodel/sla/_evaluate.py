"""Evaluate every SLA clock of an interaction as of an instant."""

from __future__ import annotations

import datetime as _dt
from bisect import bisect_right
from typing import TYPE_CHECKING, Any, final

import attrs
import pendulum

from .._time import aware, to_micros
from ..customers import Customer
from ..exceptions import CalendarError, ValidationError
from ..interactions import Interaction, Priority, Role, Status
from ._calendar import BusinessCalendar
from ._clock import Log, Positions, crossed, elapsed, reach, resolution_cycles, running
from ._conditions import Facts
from ._metrics import STOP_STATUSES, Metric
from ._policies import PolicySet, PriorityChangeRule, Target
from ._results import (
    ClockState,
    MetricClock,
    Outcome,
    Segment,
    SegmentKind,
    SlaOutcome,
    SlaResult,
    _first,
)
from ._rules import BreachRule, ReopenRule

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


# ----------------------------------------------------------------- compiled policy sets


class _Target:
    """A target compiled for the hot path (microseconds, tuples, the calendar object).

    ``within`` and ``warn`` are ``None`` for a business-days target (``days``):
    its business time depends on when its clock starts (:meth:`amounts`).
    """

    __slots__ = (
        "always",
        "calendar",
        "days",
        "excluded",
        "paused",
        "policy",
        "target",
        "warn",
        "within",
    )

    def __init__(self, policy: str, target: Target, calendar: BusinessCalendar) -> None:
        self.policy = policy
        self.target = target
        self.within = target._within_us()
        self.warn = target._warn_us()
        self.days = target.business_days
        # Tuples, not sets: membership by identity avoids hashing enum members on the hot path.
        self.paused = tuple(target.pausing_statuses())
        stops = () if target.metric in _REPLY_METRICS else tuple(STOP_STATUSES)
        self.excluded = self.paused + stops
        self.calendar = calendar
        self.always = calendar is BusinessCalendar.always()

    def amounts(self, counter: IntegerCalendar, start: int) -> tuple[int, int | None]:
        """The target and warning (business microseconds) of a clock started at *start*."""
        if self.days is None:
            assert self.within is not None
            return self.within, self.warn
        within = counter._elapsed_us(start, self.calendar._business_days_due_us(start, self.days))
        return within, self.target._warn_us(within)


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
            if policy.condition._matches(facts):
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
    record = policies.breaches is BreachRule.RECORD and not single
    cycles = policies.on_reopen is ReopenRule.NEW_CYCLE
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
        elif cycles:
            windows = resolution_cycles(statuses)
        else:
            windows = [(created, None)]
        for cycle, (start, end) in enumerate(windows):
            done = end if reply or cycles else completion
            k = 0 if single else bisect_right(times, as_of if done is None else done) - 1
            spec = rows[k][position]
            if spec is None:
                continue
            began = start
            if restart and not single:
                start = _restart(times, keys, rows, position, start, k)
            run = running(statuses, start, end, spec.excluded)
            calendar = positions.get(id(spec.calendar)) or _counter(positions, spec, created)
            fixed = spec.within
            if fixed is not None:
                within, warn = fixed, spec.warn
            else:
                within, warn = spec.amounts(calendar, start)
            business, real = elapsed(calendar, run, as_of)
            if done is not None:
                state = ClockState.COMPLETED
            elif status_now in spec.paused:
                state = ClockState.PAUSED
            else:
                state = ClockState.ACTIVE
            recorded = (
                _recorded_breach(
                    times,
                    keys,
                    rows,
                    position,
                    began,
                    end,
                    done,
                    k,
                    restart,
                    statuses,
                    positions,
                    created,
                )
                if record
                else None
            )
            clocks.append(
                MetricClock(
                    metric=metric,
                    policy=spec.policy,
                    priority=keys[k][1],
                    target=spec.target,
                    cycle=cycle,
                    state=state,
                    breached=recorded is not None
                    or (business >= within and crossed(calendar, run, within, business, done)),
                    warned=warn is not None
                    and business >= warn
                    and crossed(calendar, run, warn, business, done),
                    started_us=start,
                    completed_us=done,
                    as_of_us=as_of,
                    business_us=business,
                    calendar_us=real,
                    within_us=within,
                    warn_us=warn,
                    run=run,
                    calendar=spec.calendar,
                    statuses=statuses,
                    zone=zone,
                    recorded_breach_us=recorded,
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


def _counter(positions: dict[int, IntegerCalendar], spec: _Target, created: int) -> IntegerCalendar:
    """The calendar a target counts on, memoised per calendar for one evaluation."""
    calendar = positions.get(id(spec.calendar))
    if calendar is None:
        calendar = positions[id(spec.calendar)] = (
            spec.calendar if spec.always else Positions(spec.calendar, created)
        )
    return calendar


def _recorded_breach(
    times: list[int],
    keys: list[tuple[int, Priority]],
    rows: list[tuple[_Target | None, ...]],
    position: int,
    start: int,
    end: int | None,
    done: int | None,
    k: int,
    restart: bool,
    statuses: tuple[tuple[int, Status], ...],
    positions: dict[int, IntegerCalendar],
    created: int,
) -> int | None:
    """When a target in force before key *k* was breached while it was in force (``BreachRule.RECORD``).

    Under each earlier key ``j`` the clock looked breached from the moment it
    had used that target up to the next change ``times[j + 1]``: the first
    such breach is the record (``None``: no earlier target was breached).
    """
    for j in range(k):
        if times[j + 1] <= start:
            continue
        spec = rows[j][position]
        if spec is None:
            continue
        begin = _restart(times, keys, rows, position, start, j) if restart else start
        run = running(statuses, begin, end, spec.excluded)
        calendar = _counter(positions, spec, created)
        try:
            within, _warn = spec.amounts(calendar, begin)
            at = reach(calendar, run, within)
        except CalendarError:
            continue
        if at is not None and at < times[j + 1] and (done is None or at < done):
            return at
    return None


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


def _fold(
    interaction: Interaction,
    policies: PolicySet,
    upto: int | None,
    created: int | None = None,
) -> Log:
    log = Log(
        to_micros(interaction.created_at) if created is None else created,
        interaction.priority,
        opened_by_agent=interaction.opened_by is Role.AGENT,
        opening=policies.opening_message,
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
    return _compute(
        _fold(interaction, policies, at, created), interaction, policies, at, zone, customer
    )


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
            log=_fold(interaction, policies, None),
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
            or interaction.opened_by is not old.opened_by
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
