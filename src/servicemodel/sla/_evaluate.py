"""Evaluate every SLA clock of an interaction as of an instant.

The event log is folded once per evaluation, for every policy and metric
(:class:`~servicemodel._log._clock_input.ClockInput`), the policy in force is found
for each moment (:mod:`._applicable`), each metric's windows are timed on the
calendar its compiled target counts on (:mod:`._compiled_targets`,
:mod:`._evaluation_calendars`), and the clocks are returned as values
(:mod:`._results`). :class:`~servicemodel.sla.SlaTracker` folds a growing log
into the same computation.
"""

from __future__ import annotations

import datetime as _dt
from bisect import bisect_right
from typing import TYPE_CHECKING, Any

import pendulum

from .._log._clock_input import ClockInput, clock_input
from .._log._facts import log_facts
from .._time import aware, to_micros
from ..customers import Customer
from ..exceptions import CalendarError, ValidationError
from ..interactions import Interaction, Priority, Status
from ._applicable import _keys
from ._clock import Positions, crossed, elapsed, reach, resolution_cycles, running
from ._compiled_targets import _METRICS, _compile, _row, _stamped, _stamps, _Target
from ._evaluation_calendars import _Calendars
from ._policies import PolicySet, PriorityChangeRule
from ._results import ClockState, MetricClock, SlaResult
from ._rules import BreachRule, ReopenRule

if TYPE_CHECKING:
    from ._clock import IntegerCalendar

__all__ = ["evaluate"]


def _compute(
    log: ClockInput,
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
        if (stamps is None or metric._value_ not in stamps) and (
            rows[0][position] is None if single else all(row[position] is None for row in rows)
        ):
            continue  # no target for this metric: its windows need not even be found
        reply = position < 3
        if position == 0:
            windows: list[tuple[int, int | None]] = [(created, log.clock_waits.first_end)]
        elif position == 1:
            windows = log.clock_waits.windows  # type: ignore[assignment]
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
                    _started_us=start,
                    _completed_us=done,
                    _as_of_us=as_of,
                    _business_us=business,
                    _calendar_us=real,
                    _within_us=within,
                    _warn_us=warn,
                    _run=run,
                    _calendar=counted_on,
                    _statuses=statuses,
                    zone=zone,
                    _recorded_breach_us=recorded,
                    started_priority=keys[0 if single else bisect_right(times, began) - 1][1],
                )
            )
    index = keys[0 if single else bisect_right(times, as_of) - 1][0]
    return SlaResult(
        interaction_id=interaction.id,
        policy=None if index < 0 else policies.policies[index].name,
        clocks=tuple(clocks),
        _as_of_us=as_of,
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


def _as_of(value: object, interaction: Interaction) -> tuple[int, _dt.tzinfo, int]:
    instant = aware(value, field="as_of")
    at = to_micros(instant)
    created = log_facts(interaction).created_us
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
    at, zone, _created = _as_of(as_of, interaction)
    log = clock_input(interaction, opening=policies.opening_message, upto=at)
    return _compute(log, interaction, policies, at, zone, customer)
