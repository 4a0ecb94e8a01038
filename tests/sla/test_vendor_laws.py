"""Laws of the options for vendor data: each is a no-op when the data does not use it."""

from __future__ import annotations

from typing import Any

import attrs
import pendulum
from hypothesis import given
from hypothesis import strategies as st

from servicemodel import (
    Interaction,
    PolicyApplied,
    Priority,
    ScheduleChange,
    TargetApplied,
)
from servicemodel._time import from_micros, to_micros
from servicemodel.sla import (
    SCHEDULE,
    BusinessCalendar,
    Condition,
    DatedCalendar,
    FieldTest,
    PolicySet,
    SlaPolicy,
    SlaResult,
    SlaTracker,
    Target,
    evaluate,
)
from servicemodel.sla._dated import Piecewise
from servicemodel.testing import instants, interactions

HOUR = 3_600_000_000
NORTH = BusinessCalendar.weekly(
    "Europe/London",
    {"mon-fri": ["09:00-12:30", "13:30-17:00"]},
    holidays=[pendulum.date(2024, 12, 25)],
)
SOUTH = BusinessCalendar.weekly("America/New_York", {"mon-sat": "07:00-19:00"})
CALENDARS = {"north": NORTH, "south": SOUTH}


def _targets(scale: int, calendar: str | None) -> list[Target]:
    return [
        Target(
            metric="first_reply",
            within=pendulum.duration(hours=scale),
            calendar=calendar,
            warn_percent=50,
        ),
        Target(metric="next_reply", within=pendulum.duration(hours=2 * scale), calendar=calendar),
        Target(
            metric="periodic_update", within=pendulum.duration(hours=3 * scale), calendar=calendar
        ),
        Target(
            metric="requester_wait", within=pendulum.duration(hours=4 * scale), calendar=calendar
        ),
        Target(metric="agent_work", within=pendulum.duration(hours=5 * scale), calendar=calendar),
        Target(metric="resolution", within=pendulum.duration(hours=8 * scale), calendar=calendar),
    ]


def _policies(calendar: str | None, **options: Any) -> PolicySet:
    """P0 on tag 'a', P1 on field form=x, P2 for everything; targets for every priority."""

    def targets(scale: int) -> dict[str, list[Target]]:
        return {p.value: _targets(scale + p.rank + 2, calendar) for p in Priority}

    return PolicySet(
        policies=[
            SlaPolicy(
                name="P0",
                condition=Condition.all_of(
                    FieldTest(field="tags", operator="contains", values="a")
                ),
                targets=targets(0),
            ),
            SlaPolicy(
                name="P1",
                condition=Condition.all_of(
                    FieldTest(field="attributes.form", operator="equals", values="x")
                ),
                targets=targets(1),
            ),
            SlaPolicy(name="P2", targets=targets(2)),
        ],
        calendars=CALENDARS,
        schedule="north",
        **options,
    )


def _figures(result: SlaResult) -> list[tuple[Any, ...]]:
    return [
        (
            c.metric,
            c.cycle,
            c.policy,
            c.priority,
            c.target.within,
            c.state,
            c.breached,
            c.warned,
            c.business_elapsed,
            c.calendar_elapsed,
            c.started_at,
            c.completed_at,
            c.due_at,
        )
        for c in result.clocks
    ]


def _last(interaction: Interaction) -> int:
    return (
        max(to_micros(e.at) for e in (interaction, *interaction.events) if hasattr(e, "at"))
        if interaction.events
        else to_micros(interaction.created_at)
    )


def _as_of(interaction: Interaction, data: st.DataObject) -> pendulum.DateTime:
    return from_micros(_last(interaction) + data.draw(st.integers(0, 4 * 24 * HOUR)))


def _without(interaction: Interaction, *kinds: type) -> Interaction:
    return attrs.evolve(interaction, events=[e for e in interaction.events if type(e) not in kinds])


@given(interactions(max_events=8), st.sampled_from(["in_force", "last_schedule"]), st.data())
def test_with_no_schedule_change_the_tickets_schedule_is_the_default_calendar(
    interaction: Interaction, rule: str, data: st.DataObject
) -> None:
    as_of = _as_of(interaction, data)
    on_schedule = evaluate(interaction, _policies(SCHEDULE, on_schedule_change=rule), as_of=as_of)
    on_north = evaluate(interaction, _policies("north"), as_of=as_of)
    assert _figures(on_schedule) == _figures(on_north)


@given(interactions(max_events=8, routing=True), st.data())
def test_the_schedule_rules_agree_when_the_schedule_never_changes(
    interaction: Interaction, data: st.DataObject
) -> None:
    interaction = _without(interaction, ScheduleChange)
    as_of = _as_of(interaction, data)
    assert evaluate(interaction, _policies(SCHEDULE), as_of=as_of) == evaluate(
        interaction, _policies(SCHEDULE, on_schedule_change="last_schedule"), as_of=as_of
    )


@given(
    interactions(max_events=8, routing=True), st.sampled_from([SCHEDULE, "north", None]), st.data()
)
def test_as_then_equals_as_now_when_nothing_was_edited(
    interaction: Interaction, calendar: str | None, data: st.DataObject
) -> None:
    as_of = _as_of(interaction, data)
    assert evaluate(interaction, _policies(calendar), as_of=as_of) == evaluate(
        interaction, _policies(calendar, history="as_now"), as_of=as_of
    )


@given(interactions(max_events=8, routing=True), st.data())
def test_a_calendar_with_one_version_counts_like_that_calendar(
    interaction: Interaction, data: st.DataObject
) -> None:
    as_of = _as_of(interaction, data)
    since = data.draw(instants())
    dated = attrs.evolve(
        _policies(SCHEDULE),
        calendars={"north": DatedCalendar(versions={since: NORTH}), "south": SOUTH},
    )
    plain = _figures(evaluate(interaction, _policies(SCHEDULE), as_of=as_of))
    for history in ("as_then", "as_now"):
        assert (
            _figures(evaluate(interaction, attrs.evolve(dated, history=history), as_of=as_of))
            == plain
        )


@given(interactions(max_events=8, routing=True), st.sampled_from(["north", None]), st.data())
def test_vendor_records_change_nothing_unless_asked_for(
    interaction: Interaction, calendar: str | None, data: st.DataObject
) -> None:
    as_of = _as_of(interaction, data)
    stripped = _without(interaction, PolicyApplied, TargetApplied, ScheduleChange)
    policies = _policies(calendar)
    assert evaluate(interaction, policies, as_of=as_of) == evaluate(stripped, policies, as_of=as_of)


@given(interactions(max_events=8), st.data())
def test_the_vendor_applying_the_only_policy_is_the_same_as_its_conditions(
    interaction: Interaction, data: st.DataObject
) -> None:
    as_of = _as_of(interaction, data)
    only = attrs.evolve(_policies("north"), policies=[_policies("north").policies[2]])
    applied = attrs.evolve(
        interaction,
        events=[PolicyApplied(at=interaction.created_at, policy="P2"), *interaction.events],
    )
    assert evaluate(applied, attrs.evolve(only, selection="vendor"), as_of=as_of) == evaluate(
        interaction, only, as_of=as_of
    )


VENDOR_SETS = st.sampled_from(
    [
        _policies(calendar, selection=selection, stamped_targets=stamps, on_schedule_change=rule)
        for calendar in (SCHEDULE, None)
        for selection in ("conditions", "vendor")
        for stamps in ("use", "ignore")
        for rule in ("in_force", "last_schedule")
    ]
)


@given(interactions(max_events=8, routing=True), VENDOR_SETS, st.data())
def test_incremental_evaluation_equals_the_whole_log_with_changing_facts(
    interaction: Interaction, policies: PolicySet, data: st.DataObject
) -> None:
    as_of = _as_of(interaction, data)
    whole = evaluate(interaction, policies, as_of=as_of)
    cut = data.draw(st.integers(0, len(interaction.events)))
    tracker = SlaTracker.start(attrs.evolve(interaction, events=interaction.events[:cut]), policies)
    assert tracker.update(interaction).result(as_of=as_of) == whole


@given(
    st.integers(0, 60 * 24 * HOUR),
    st.integers(0, 60 * 24 * HOUR),
    st.integers(0, 200 * HOUR),
    st.lists(st.integers(0, 60 * 24 * HOUR), min_size=1, max_size=4, unique=True),
)
def test_a_piecewise_calendar_adds_up_and_inverts(a: int, b: int, d: int, cuts: list[int]) -> None:
    base = to_micros(pendulum.datetime(2024, 1, 1))
    starts = [base + c for c in sorted(cuts)]
    calendars = [NORTH if i % 2 == 0 else SOUTH for i in range(len(starts))]
    piecewise = Piecewise(starts, calendars)
    same = Piecewise(starts, [NORTH] * len(starts))
    s, e = base + a, base + b
    assert piecewise._elapsed_us(s, e) == -piecewise._elapsed_us(e, s)
    middle = base + (a + b) // 2
    assert piecewise._elapsed_us(s, e) == (
        piecewise._elapsed_us(s, middle) + piecewise._elapsed_us(middle, e)
    )
    later = piecewise._add_us(s, d)
    assert piecewise._elapsed_us(s, later) == d
    assert piecewise._elapsed_us(piecewise._add_us(s, -d), s) == d
    assert same._elapsed_us(s, e) == NORTH._elapsed_us(s, e)
    assert same._add_us(s, d) == NORTH._add_us(s, d)
    assert same._add_us(s, -d) == NORTH._add_us(s, -d)
    counted = sum(
        y - x for x, y, label in piecewise._segments_us(min(s, e), max(s, e)) if label == "open"
    )
    assert counted == abs(piecewise._elapsed_us(s, e))
