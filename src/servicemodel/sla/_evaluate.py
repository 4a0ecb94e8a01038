"""Evaluate every SLA clock of an interaction as of an instant."""

from __future__ import annotations

import datetime as _dt
from bisect import bisect_right
from typing import TYPE_CHECKING, Any, Protocol, final

import attrs
import pendulum

from .._time import aware, duration_from_micros, duration_micros, from_micros, to_micros
from ..customers import Customer
from ..exceptions import CalendarError, ValidationError
from ..interactions import Interaction, Priority, Role, Status
from ._calendar import BusinessCalendar
from ._clock import Log, Positions, crossed, elapsed, reach, resolution_cycles, running
from ._conditions import Facts
from ._dated import DatedCalendar, Piecewise
from ._metrics import STOP_STATUSES, Metric
from ._options import SCHEDULE, History, ScheduleRule, Selection, StampedTargets
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

    ``calendar`` is ``None`` when the calendar depends on the evaluation (the
    ticket's schedule, or a dated calendar read as it is now); ``name`` then
    says which one.
    """

    __slots__ = (
        "always",
        "calendar",
        "days",
        "excluded",
        "name",
        "paused",
        "policy",
        "target",
        "warn",
        "within",
    )

    def __init__(self, policy: str, target: Target, calendar: IntegerCalendar | None) -> None:
        self.policy = policy
        self.target = target
        self.within = target._within_us()
        self.warn = target._warn_us()
        self.days = target.business_days
        # Tuples, not sets: membership by identity avoids hashing enum members on the hot path.
        self.paused = tuple(target.pausing_statuses())
        stops = () if target.metric in _REPLY_METRICS else tuple(STOP_STATUSES)
        self.excluded = self.paused + stops
        self.name = target.calendar
        self.calendar = calendar
        self.always = calendar is BusinessCalendar.always()

    def amounts(
        self, counter: IntegerCalendar, start: int, counted_on: _DayCalendar
    ) -> tuple[int, int | None]:
        """The target and warning (business microseconds) of a clock started at *start*.

        *counted_on* is the calendar the clock counts on (resolved for this
        evaluation); *counter* counts its business time.
        """
        if self.days is None:
            assert self.within is not None
            return self.within, self.warn
        within = counter._elapsed_us(start, counted_on._business_days_due_us(start, self.days))
        return within, self.target._warn_us(within)


class _DayCalendar(Protocol):
    """A calendar that also knows its business days (every calendar a target counts on)."""

    def _business_days_due_us(self, u: int, n: int) -> int: ...


def _static_calendar(policies: PolicySet, name: str | None) -> IntegerCalendar | None:
    """The calendar a target counts on when it is the same for every evaluation, else ``None``."""
    if name == SCHEDULE:
        return None
    calendar = policies.calendar(name)
    if isinstance(calendar, DatedCalendar) and policies.history is History.AS_NOW:
        return None
    return calendar


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
                        policy.name, target, _static_calendar(policies, target.calendar)
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


def _at(timeline: list[tuple[int, Any]], moment: int) -> Any:
    """The value of a ``(since, value)`` timeline at *moment*."""
    return timeline[bisect_right(timeline, moment, key=_first) - 1][1]


def _keys(
    log: Log,
    policies: PolicySet,
    interaction: Interaction,
    customer: Customer | None,
    as_of: int,
) -> tuple[list[int], list[tuple[int, Priority]]]:
    """The applicable (policy index, priority) over time; index -1: no policy applies.

    The policy is the first whose condition matches the facts of each moment
    (priority, group, tags, fields) among the versions in force, or with
    ``selection="vendor"`` the one the helpdesk applied.
    """
    priorities = log.priorities
    era_times, _eras = policies._eras()
    dated = len(era_times) > 1
    as_now = policies.history is History.AS_NOW
    era_now = bisect_right(era_times, as_of) - 1
    vendor = policies.selection is Selection.VENDOR
    static = (
        interaction.channel._value_,
        interaction.kind._value_,
        None if customer is None else customer.segment,
        None if customer is None else customer.tier,
    )
    memo: dict[tuple[Any, ...], int] = policies._cache.setdefault("matches", {})
    groups, tags, fields = log.groups, log.tags, log.fields
    if (
        len(priorities) == 1
        and len(groups) == 1
        and len(tags) == 1
        and len(fields) == 1
        and len(log.vendor) == 1
        and (as_now or not dated)
    ):
        priority = priorities[0][1]
        if vendor:
            index = _applied(policies, log.vendor[0][1], era_now, log.created)
        else:
            index = _match(
                policies, memo, static, era_now, priority._value_, None, tags[0][1], fields[0][1]
            )
        return [log.created], [(index, priority)]
    timelines = (priorities, log.vendor) if vendor else (priorities, groups, tags, fields)
    moments = {t for timeline in timelines for t, _ in timeline}
    if dated and not as_now:
        moments.update(t for t in era_times if log.created < t <= as_of)
    times: list[int] = []
    keys: list[tuple[int, Priority]] = []
    for moment in sorted(moments):
        era = era_now if as_now else bisect_right(era_times, moment) - 1
        priority = _at(priorities, moment)
        if vendor:
            index = _applied(policies, _at(log.vendor, moment), era, moment)
        else:
            index = _match(
                policies,
                memo,
                static,
                era,
                priority._value_,
                _at(groups, moment),
                _at(tags, moment),
                _at(fields, moment),
            )
        key = (index, priority)
        if not keys or keys[-1] != key:
            times.append(moment)
            keys.append(key)
    return times, keys


def _applied(policies: PolicySet, name: str | None, era: int, moment: int) -> int:
    """The index of the policy a helpdesk applied (-1: none), in the version of era *era*."""
    if name is None:
        return -1
    index = policies._by_name(era).get(name)
    if index is None:
        known = ", ".join(sorted({p.name for p in policies.policies})) or "none"
        raise ValidationError(
            f"'policy' must name a policy of the policy set (got {name!r}, applied at "
            f"{from_micros(moment).isoformat()}); known: {known}",
            field="policy",
            value=name,
        )
    return index


def _match(
    policies: PolicySet,
    memo: dict[tuple[Any, ...], int],
    static: tuple[Any, ...],
    era: int,
    priority: str,
    group: str | None,
    tags: frozenset[str],
    fields: tuple[tuple[str, str], ...],
) -> int:
    """The index of the first policy in force matching these facts (-1: none), remembered."""
    key = (priority, group, era, tags, fields, static)
    index = memo.get(key)
    if index is None:
        channel, kind, segment, tier = static
        facts = Facts(
            priority, channel, kind, tags, segment, tier, group, dict(fields) if fields else _EMPTY
        )
        index = -1
        candidates = policies.policies
        for i in policies._eras()[1][era]:
            if candidates[i].condition._matches(facts):
                index = i
                break
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        memo[key] = index
    return index


class _Calendars:
    """The calendars that depend on one evaluation: the ticket's schedule, versions as of now."""

    __slots__ = ("_as_of", "_log", "_policies", "_seen")

    def __init__(self, policies: PolicySet, log: Log, as_of: int) -> None:
        self._policies = policies
        self._log = log
        self._as_of = as_of
        self._seen: dict[str | None, IntegerCalendar] = {}

    def of(self, name: str | None) -> IntegerCalendar:
        """The calendar called *name* in this evaluation (:data:`SCHEDULE`: the ticket's)."""
        found = self._seen.get(name)
        if found is None:
            found = self._seen[name] = self._schedule() if name == SCHEDULE else self._named(name)
        return found

    def _named(self, name: str | None) -> IntegerCalendar:
        calendar = self._policies.calendar(name)
        if isinstance(calendar, DatedCalendar) and self._policies.history is History.AS_NOW:
            return calendar._version_us(self._as_of)
        return calendar

    def _schedule(self) -> IntegerCalendar:
        policies = self._policies
        timeline = [(t, policies.schedule if n is None else n) for t, n in self._log.schedules]
        if policies.on_schedule_change is ScheduleRule.LAST_SCHEDULE:
            timeline = timeline[-1:]
        starts: list[int] = []
        calendars: list[IntegerCalendar] = []
        names: list[str | None] = []
        for at, name in timeline:
            if names and names[-1] == name:
                continue
            starts.append(at)
            names.append(name)
            calendars.append(self._scheduled(name, at))
        return calendars[0] if len(calendars) == 1 else Piecewise(starts, calendars)

    def _scheduled(self, name: str | None, at: int) -> IntegerCalendar:
        """The calendar of a schedule the ticket had; unknown or missing schedules are named."""
        known = [n for n, _ in self._policies.calendars]
        if name is None or name not in known:
            raise ValidationError(
                f"'schedule' must name a calendar of the policy set for a target on the "
                f"ticket's schedule (got {name!r} from {from_micros(at).isoformat()}); "
                f"known: {', '.join(known) or 'none'}",
                field="schedule",
                value=name,
            )
        return self._named(name)


_METRIC_NAMES = {metric._value_: metric for metric in _METRICS}


def _stamps(log: Log, policies: PolicySet) -> dict[str, list[tuple[int, int, str | None]]] | None:
    """The stamped targets to use per metric name (``None``: none or not used); names checked."""
    if policies.stamped_targets is not StampedTargets.USE or not log.stamps:
        return None
    for name in log.stamps:
        if name not in _METRIC_NAMES:
            shown = ", ".join(repr(m) for m in _METRIC_NAMES)
            raise ValidationError(
                f"'metric' of a TargetApplied event must be one of {shown} (got {name!r})",
                field="metric",
                value=name,
            )
    return log.stamps


def _stamp_at(stamp: tuple[int, int, str | None]) -> int:
    return stamp[0]


def _stamped(
    policies: PolicySet,
    policy: str,
    metric: Metric,
    stamps: list[tuple[int, int, str | None]] | None,
    upto: int,
    made: dict[tuple[Any, ...], _Target],
    base: Target | None,
) -> _Target | None:
    """The target stamped last at or before *upto* on *metric* (``None``: no stamp).

    A stamp sets how long (``within``) and on which calendar the clock counts
    (``None``: calendar time, as :class:`~servicemodel.TargetApplied` says);
    the rest of the policy's target (*base*: pausing statuses, warnings) stays.
    A ``warn_before`` not shorter than the stamped time is dropped (no
    warning); a ``business_days`` target becomes the stamped duration.
    """
    if not stamps or stamps[0][0] > upto:
        return None
    _at_us, within, calendar = stamps[bisect_right(stamps, upto, key=_stamp_at) - 1]
    key = (policy, metric, within, calendar, None if base is None else id(base))
    found = made.get(key)
    if found is None:
        duration = duration_from_micros(within)
        if base is None:
            target = Target(metric=metric, within=duration, calendar=calendar)
        else:
            before = base.warn_before
            if before is not None and duration_micros(before) >= within:
                before = None
            target = attrs.evolve(
                base, within=duration, calendar=calendar, business_days=None, warn_before=before
            )
        found = made[key] = _Target(policy, target, _static_calendar(policies, calendar))
    return found


def _compute(
    log: Log,
    interaction: Interaction,
    policies: PolicySet,
    as_of: int,
    zone: _dt.tzinfo,
    customer: Customer | None,
) -> SlaResult:
    compiled = _compile(policies)
    times, keys = _keys(log, policies, interaction, customer, as_of)
    rows = [_row(compiled, index, priority) for index, priority in keys]
    single = len(times) == 1
    statuses = tuple(log.statuses)
    completion = log.completion()
    restart = policies.on_priority_change is PriorityChangeRule.RESTART
    stamps = _stamps(log, policies)
    made: dict[tuple[Any, ...], _Target] = {}
    dynamic = _Calendars(policies, log, as_of)
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
            if stamps is not None and keys[k][0] >= 0:
                spec = (
                    _stamped(
                        policies,
                        policies.policies[keys[k][0]].name,
                        metric,
                        stamps.get(metric._value_),
                        as_of if done is None else done,
                        made,
                        None if spec is None else spec.target,
                    )
                    or spec
                )
            if spec is None:
                continue
            began = start
            if restart and not single:
                start = _restart(times, keys, rows, position, start, k)
            run = running(statuses, start, end, spec.excluded)
            counted_on, calendar = _counter(positions, spec, created, dynamic)
            fixed = spec.within
            if fixed is not None:
                within, warn = fixed, spec.warn
            else:
                within, warn = spec.amounts(calendar, start, counted_on)
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
                    dynamic,
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
                    calendar=counted_on,
                    statuses=statuses,
                    zone=zone,
                    recorded_breach_us=recorded,
                    started_priority=keys[0 if single else bisect_right(times, began) - 1][1],
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


def _counter(
    positions: dict[int, IntegerCalendar], spec: _Target, created: int, calendars: _Calendars
) -> tuple[Any, IntegerCalendar]:
    """The calendar a target counts on in this evaluation, and its counter memoised per calendar."""
    counted_on: Any = spec.calendar
    if counted_on is None:
        counted_on = calendars.of(spec.name)
    counter = positions.get(id(counted_on))
    if counter is None:
        counter = positions[id(counted_on)] = (
            counted_on if spec.always else Positions(counted_on, created)
        )
    return counted_on, counter


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
    calendars: _Calendars,
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
        try:
            counted_on, calendar = _counter(positions, spec, created, calendars)
            within, _warn = spec.amounts(calendar, begin, counted_on)
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
        interaction.tags,
        interaction.attributes,
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
            or interaction.tags != old.tags
            or interaction.attributes != old.attributes
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
