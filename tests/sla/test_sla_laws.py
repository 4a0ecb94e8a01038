"""The laws of SLA evaluation, as Hypothesis properties."""

from __future__ import annotations

import itertools
from typing import Any

import attrs
import pendulum
from hypothesis import assume, given
from hypothesis import strategies as st

from servicemodel import Interaction, Status, StatusChange
from servicemodel._time import from_micros, to_micros
from servicemodel.sla import (
    BreachRule,
    BusinessCalendar,
    ClockState,
    Condition,
    FieldTest,
    Metric,
    PolicySet,
    PriorityChangeRule,
    ReopenRule,
    SlaPolicy,
    SlaResult,
    SlaTracker,
    Target,
    evaluate,
)
from servicemodel.testing import interactions

OFFICE = BusinessCalendar.weekly(
    "Europe/London",
    {"mon-fri": ["09:00-12:30", "13:30-17:00"]},
    holidays=[pendulum.date(2024, 12, 25)],
)
HOUR = 3_600_000_000


def _targets(scale: int, calendar: str | None, *, days: bool = False) -> list[Target]:
    return [
        Target(
            metric=Metric.FIRST_REPLY,
            within=pendulum.duration(hours=scale),
            calendar=calendar,
            warn_percent=50,
        ),
        Target(
            metric=Metric.NEXT_REPLY, within=pendulum.duration(hours=scale * 2), calendar=calendar
        ),
        Target(
            metric=Metric.PERIODIC_UPDATE,
            within=pendulum.duration(hours=scale * 3),
            calendar=calendar,
            warn_before=pendulum.duration(minutes=20),
        ),
        Target(
            metric=Metric.REQUESTER_WAIT,
            within=pendulum.duration(hours=scale * 4),
            calendar=calendar,
        ),
        Target(
            metric=Metric.AGENT_WORK,
            within=pendulum.duration(hours=scale * 5),
            calendar=calendar,
            warn_percent=80,
        ),
        Target(metric=Metric.RESOLUTION, business_days=scale, calendar=calendar, warn_percent=60)
        if days and calendar is not None
        else Target(
            metric=Metric.RESOLUTION, within=pendulum.duration(hours=scale * 8), calendar=calendar
        ),
    ]


def policy_set(
    rule: PriorityChangeRule,
    calendar: str | None = "office",
    *,
    breaches: BreachRule = BreachRule.AS_OF,
    on_reopen: ReopenRule = ReopenRule.RESUME,
    days: bool = False,
) -> PolicySet:
    urgent = SlaPolicy(
        name="Urgent",
        condition=Condition.all_of(
            FieldTest(field="priority", operator="in", values=["urgent", "high"])
        ),
        targets={
            "urgent": _targets(1, calendar, days=days),
            "high": _targets(2, calendar, days=days),
        },
    )
    default = SlaPolicy(
        name="Default",
        targets={
            "normal": _targets(4, calendar, days=days),
            "low": _targets(8, calendar, days=days),
            "high": _targets(3, calendar, days=days),
        },
    )
    return PolicySet(
        policies=[urgent, default],
        calendars={"office": OFFICE},
        on_priority_change=rule,
        breaches=breaches,
        on_reopen=on_reopen,
    )


#: Every combination of the options, with business-time and business-day resolution targets.
ALL_SETS = [
    policy_set(r, c, breaches=b, on_reopen=o, days=d)
    for r in PriorityChangeRule
    for c in ("office", None)
    for b in BreachRule
    for o in ReopenRule
    for d in ((False, True) if c else (False,))
]
POLICIES = st.sampled_from(ALL_SETS)
OFFICE_POLICIES = st.sampled_from(
    [
        policy_set(r, breaches=b, on_reopen=o, days=d)
        for r in PriorityChangeRule
        for b in BreachRule
        for o in ReopenRule
        for d in (False, True)
    ]
)


def last_at(interaction: Interaction) -> int:
    moments = [to_micros(e.at) for e in interaction.events]
    return max([to_micros(interaction.created_at), *moments])


def snapshot(result: SlaResult) -> list[tuple[Any, ...]]:
    """Everything about the clocks that may only change at next_change()."""
    rows = []
    for clock in result.clocks:
        active = clock.state is ClockState.ACTIVE
        rows.append(
            (
                clock.metric,
                clock.cycle,
                clock.policy,
                clock.priority,
                clock.state,
                clock.breached,
                clock.warned,
                clock.counting,
                clock.due_at if active or clock.breached else None,
                clock.warn_at if active or clock.warned else None,
            )
        )
    return rows


@given(interactions(max_events=8), POLICIES, st.data())
def test_incremental_evaluation_equals_evaluation_of_the_whole_log(
    interaction: Interaction, policies: PolicySet, data: st.DataObject
) -> None:
    as_of = from_micros(last_at(interaction) + data.draw(st.integers(0, 5 * 24 * HOUR)))
    whole = evaluate(interaction, policies, as_of=as_of)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(interaction.events)), max_size=4)))
    tracker = SlaTracker.start(attrs.evolve(interaction, events=()), policies)
    for cut in [*cuts, len(interaction.events)]:
        tracker = tracker.update(attrs.evolve(interaction, events=interaction.events[:cut]))
    assert tracker.result(as_of=as_of) == whole
    # and evaluating the whole log at an earlier instant sees only the prefix up to it
    moment = data.draw(st.integers(to_micros(interaction.created_at), to_micros(as_of)))
    prefix = [e for e in interaction.events if to_micros(e.at) <= moment]
    at = from_micros(moment)
    assert evaluate(interaction, policies, as_of=at) == evaluate(
        attrs.evolve(interaction, events=prefix), policies, as_of=at
    )


def _with_pause(interaction: Interaction, start: int, end: int) -> Interaction | None:
    """The interaction with a pending pause over [start, end), or None when one cannot be added."""
    before = [e for e in interaction.events if to_micros(e.at) < start]
    after = [e for e in interaction.events if to_micros(e.at) > end]
    if len(before) + len(after) != len(interaction.events):
        return None  # an event inside the pause
    status = Status.NEW
    for event in before:
        if isinstance(event, StatusChange):
            status = event.status
    if status not in (Status.OPEN, Status.ON_HOLD):
        return None
    zone = interaction.created_at.tzinfo
    assert zone is not None
    pause = [
        StatusChange(at=from_micros(start, zone), status=Status.PENDING),
        StatusChange(at=from_micros(end, zone), status=status),
    ]
    return attrs.evolve(interaction, events=[*before, *pause, *after])


def _figures(result: SlaResult) -> list[tuple[Any, ...]]:
    return [
        (
            c.metric,
            c.cycle,
            c.business_elapsed,
            c.breached,
            c.warned,
            c.state,
            c.started_at,
            c.completed_at,
        )
        for c in result.clocks
    ]


def _dues(result: SlaResult) -> dict[tuple[Metric, int], tuple[Any, ...]]:
    return {(c.metric, c.cycle): (c.target, c.due_at) for c in result.clocks}


def opened(interaction: Interaction) -> Interaction:
    """The interaction opened at creation (unless its first status change already opens it)."""
    first = next((e for e in interaction.events if isinstance(e, StatusChange)), None)
    if first is not None and first.status is Status.OPEN:
        return interaction
    opening = StatusChange(at=interaction.created_at, status=Status.OPEN)
    return attrs.evolve(interaction, events=[opening, *interaction.events])


def quiet_open_stretches(interaction: Interaction) -> list[tuple[int, int]]:
    """Stretches between events during which the status is open or on hold."""
    stretches = []
    status = Status.NEW
    moments = [(to_micros(e.at), e) for e in interaction.events]
    for index, (at, event) in enumerate(moments):
        if isinstance(event, StatusChange):
            status = event.status
        following = moments[index + 1][0] if index + 1 < len(moments) else at + 3 * 24 * HOUR
        if status in (Status.OPEN, Status.ON_HOLD) and following - at > 2:
            stretches.append((at + 1, following - 1))
    return stretches


@given(interactions(max_events=8).map(opened), OFFICE_POLICIES, st.data())
def test_pauses_wholly_outside_business_hours_change_nothing(
    interaction: Interaction, policies: PolicySet, data: st.DataObject
) -> None:
    stretches = quiet_open_stretches(interaction)
    assume(stretches)
    low, high = data.draw(st.sampled_from(stretches))
    closed = [
        (max(a, low), min(b, high))
        for a, b, label in OFFICE._segments_us(low, high)
        if label != "open" and min(b, high) - max(a, low) > 1
    ]
    assume(closed)
    low, high = data.draw(st.sampled_from(closed))
    start = data.draw(st.integers(low, high - 1))
    end = data.draw(st.integers(start + 1, high))
    paused = _with_pause(interaction, start, end)
    assert paused is not None
    as_of = from_micros(max(end, last_at(interaction)) + data.draw(st.integers(0, 3 * 24 * HOUR)))
    plain, with_pause = (
        evaluate(interaction, policies, as_of=as_of),
        evaluate(paused, policies, as_of=as_of),
    )
    assert _figures(with_pause) == _figures(plain)
    assert _dues(with_pause) == _dues(plain)


@given(interactions(max_events=8).map(opened), POLICIES, st.data())
def test_adding_a_pause_never_makes_a_due_time_earlier(
    interaction: Interaction, policies: PolicySet, data: st.DataObject
) -> None:
    stretches = quiet_open_stretches(interaction)
    assume(stretches)
    low, high = data.draw(st.sampled_from(stretches))
    start = data.draw(st.integers(low, high - 1))
    end = data.draw(st.integers(start + 1, high))
    paused = _with_pause(interaction, start, end)
    assert paused is not None
    as_of = from_micros(max(end, last_at(interaction)) + data.draw(st.integers(0, 3 * 24 * HOUR)))
    before = _dues(evaluate(interaction, policies, as_of=as_of))
    after = _dues(evaluate(paused, policies, as_of=as_of))
    assert before.keys() == after.keys()
    for key, (target, due) in before.items():
        later_target, later_due = after[key]
        if target == later_target and due is not None and later_due is not None:
            assert later_due >= due


@given(interactions(max_events=8), POLICIES, st.data())
def test_a_breach_never_clears_while_the_same_target_applies(
    interaction: Interaction, policies: PolicySet, data: st.DataObject
) -> None:
    created = to_micros(interaction.created_at)
    horizon = last_at(interaction) + 5 * 24 * HOUR
    first = data.draw(st.integers(created, horizon))
    second = data.draw(st.integers(first, horizon))
    early = evaluate(interaction, policies, as_of=from_micros(first)).clocks
    late = {
        (c.metric, c.cycle): c
        for c in evaluate(interaction, policies, as_of=from_micros(second)).clocks
    }
    for clock in early:
        later = late.get((clock.metric, clock.cycle))
        if (
            clock.breached
            and later is not None
            and later.target == clock.target
            and later.policy == clock.policy
        ):
            assert later.breached
            assert later.breached_at == clock.breached_at


@given(interactions(max_events=8), POLICIES, st.data())
def test_next_change_is_never_before_as_of_and_nothing_changes_until_it(
    interaction: Interaction, policies: PolicySet, data: st.DataObject
) -> None:
    as_of = last_at(interaction) + data.draw(st.integers(0, 5 * 24 * HOUR))
    result = evaluate(interaction, policies, as_of=from_micros(as_of))
    change = result._next_change_us()
    if change is None:
        later = as_of + data.draw(st.integers(1, 30 * 24 * HOUR))
        assert snapshot(evaluate(interaction, policies, as_of=from_micros(later))) == snapshot(
            result
        )
        return
    assert change > as_of
    between = data.draw(st.integers(as_of, change - 1))
    assert snapshot(evaluate(interaction, policies, as_of=from_micros(between))) == snapshot(result)
    assert snapshot(evaluate(interaction, policies, as_of=from_micros(change))) != snapshot(result)


def _as(policies: PolicySet, **options: Any) -> PolicySet:
    return attrs.evolve(policies, **options)


@given(interactions(max_events=8), POLICIES, st.data())
def test_under_record_a_breach_never_clears_and_every_as_of_breach_is_kept(
    interaction: Interaction, policies: PolicySet, data: st.DataObject
) -> None:
    record = _as(policies, breaches=BreachRule.RECORD)
    as_of = _as(policies, breaches=BreachRule.AS_OF)
    created = to_micros(interaction.created_at)
    horizon = last_at(interaction) + 5 * 24 * HOUR
    first = from_micros(data.draw(st.integers(created, horizon)))
    second = from_micros(data.draw(st.integers(to_micros(first), horizon)))
    early = {(c.metric, c.cycle): c for c in evaluate(interaction, record, as_of=first).clocks}
    late = {(c.metric, c.cycle): c for c in evaluate(interaction, record, as_of=second).clocks}
    plain = {(c.metric, c.cycle): c for c in evaluate(interaction, as_of, as_of=first).clocks}
    for key, clock in plain.items():
        # the record only adds breaches: whatever as_of shows breached, the record shows too
        assert early[key].breached >= clock.breached
        if not early[key].breached:
            assert early[key] == clock
    for key, clock in early.items():
        if clock.breached and key in late:
            assert late[key].breached
            if clock.breached_at is not None:
                assert late[key].breached_at == clock.breached_at


@given(interactions(max_events=8), POLICIES, st.data())
def test_new_cycles_split_resolution_clocks_at_each_reopen_only(
    interaction: Interaction, policies: PolicySet, data: st.DataObject
) -> None:
    as_of = from_micros(last_at(interaction) + data.draw(st.integers(0, 3 * 24 * HOUR)))
    resumed = evaluate(interaction, _as(policies, on_reopen=ReopenRule.RESUME), as_of=as_of)
    cycled = evaluate(interaction, _as(policies, on_reopen=ReopenRule.NEW_CYCLE), as_of=as_of)
    reopens = sum(
        1
        for a, b in zip(
            interaction.status_timeline(), interaction.status_timeline()[1:], strict=False
        )
        if a.status.is_resolved and not b.status.is_resolved
    )
    for metric in (Metric.REQUESTER_WAIT, Metric.AGENT_WORK, Metric.RESOLUTION):
        cycles = cycled.cycles(metric)
        (whole,) = resumed.cycles(metric) or (None,)
        if whole is None:
            continue
        if not cycles:
            continue  # the target in force when a cycle ends may be none
        if reopens == 0:
            assert cycles == (whole,)
            continue
        assert [c.cycle for c in cycles] == list(range(len(cycles)))
        assert len(cycles) <= reopens + 1
        # the cycles never overlap, and together they count what the resumed clock counts
        for before, after in itertools.pairwise(cycles):
            assert before.completed_at is not None
            assert before.completed_at <= after.started_at
        if all(c.target == whole.target for c in cycles) and len(cycles) == reopens + 1:
            assert (
                sum((c.calendar_elapsed for c in cycles), pendulum.duration())
                == whole.calendar_elapsed
            )
    assert cycled.breached() == any(c.breached for c in cycled.clocks)


@given(interactions(max_events=4), st.integers(1, 6), st.data())
def test_a_business_day_target_is_due_when_a_business_day_ends(
    interaction: Interaction, days: int, data: st.DataObject
) -> None:
    policies = PolicySet(
        policies=[
            SlaPolicy(
                name="Days",
                targets={
                    p: [Target(metric=Metric.RESOLUTION, business_days=days, calendar="office")]
                    for p in ("low", "normal", "high", "urgent", "none")
                },
            )
        ],
        calendars={"office": OFFICE},
    )
    fresh = attrs.evolve(interaction, events=())
    clock = evaluate(fresh, policies, as_of=fresh.created_at).clocks[0]
    due = clock.due_at
    assert due is not None
    # a close: open just before, closed from it on
    due_us = to_micros(due)
    assert OFFICE.is_open(from_micros(due_us - 1))
    assert not OFFICE.is_open(due)
    # on the Nth business day after the start's local date
    start_day = fresh.created_at.in_timezone("Europe/London").date()
    local_due = from_micros(due_us - 1).in_timezone("Europe/London").date()
    business = [
        start_day.add(days=n)
        for n in range(1, (local_due - start_day).days + 1)
        if OFFICE.open_intervals(
            pendulum.datetime(*start_day.add(days=n).timetuple()[:3], tz="Europe/London"),
            pendulum.datetime(*start_day.add(days=n + 1).timetuple()[:3], tz="Europe/London"),
        )
    ]
    assert len(business) == days
    assert business[-1] == local_due
    # the same as ending that day with the calendar's own rule
    assert due == OFFICE.end_of_business_day(
        pendulum.datetime(*local_due.timetuple()[:3], tz="Europe/London"), 0
    )
