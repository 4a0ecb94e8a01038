"""Example tests of the policy-set options: breaches as records, reopen cycles, business days,
and the per-cycle accessors of a result."""

from __future__ import annotations

from typing import Any

import pendulum
import pytest

from servicemodel import (
    Assignment,
    Event,
    Interaction,
    Message,
    PriorityChange,
    StatusChange,
)
from servicemodel.exceptions import CalendarError, ValidationError
from servicemodel.sla import (
    BreachRule,
    BusinessCalendar,
    ClockState,
    Condition,
    FieldTest,
    Metric,
    Outcome,
    PolicySet,
    PriorityChangeRule,
    ReopenRule,
    SlaPolicy,
    Target,
    evaluate,
    load_policies,
)

MON = pendulum.datetime(2024, 6, 10, tz="Europe/London")
OFFICE = BusinessCalendar.weekly("Europe/London", {"mon-fri": "09:00-17:00"})


def at(hour: float, day: int = 0) -> pendulum.DateTime:
    return MON.add(days=day, minutes=round(hour * 60))


def hours(value: float) -> pendulum.Duration:
    return pendulum.duration(minutes=round(value * 60))


def ticket(
    *events: Event, priority: str = "normal", created: float = 9, day: int = 0
) -> Interaction:
    return Interaction(
        id="T-1",
        customer_id="C-1",
        channel="email",
        priority=priority,
        created_at=at(created, day),
        events=events,
    )


def tiered(metric: str, **options: Any) -> PolicySet:
    """Urgent 2h, normal 8h, on calendar time."""
    return PolicySet(
        policies=[
            SlaPolicy(
                name="Tiered",
                targets={
                    "urgent": [Target(metric=metric, within=hours(2))],
                    "normal": [Target(metric=metric, within=hours(8))],
                },
            )
        ],
        **options,
    )


# ----------------------------------------------------------------- 1. breaches are records


def test_lowering_the_priority_of_a_breached_ticket_clears_the_breach_under_as_of() -> None:
    # Urgent at 09:00 (2h), breached at 11:00, lowered to normal (8h) at 12:00, replied 13:00.
    interaction = ticket(
        PriorityChange(at=at(12), priority="normal"),
        Message(at=at(13), author="agent"),
        priority="urgent",
    )
    clock = evaluate(interaction, tiered("first_reply"), as_of=at(14)).clock(Metric.FIRST_REPLY)
    assert clock is not None
    assert (clock.breached, clock.outcome()) == (False, Outcome.MET)


def test_record_keeps_a_breach_that_happened_before_the_priority_was_lowered() -> None:
    interaction = ticket(
        PriorityChange(at=at(12), priority="normal"),
        Message(at=at(13), author="agent"),
        priority="urgent",
    )
    policies = tiered("first_reply", breaches="record")
    assert policies.breaches is BreachRule.RECORD
    clock = evaluate(interaction, policies, as_of=at(14)).clock(Metric.FIRST_REPLY)
    assert clock is not None
    assert clock.breached
    assert clock.outcome() is Outcome.BREACHED
    assert clock.breached_at == at(11)
    # the clock still reports the target in force when it completed
    assert (clock.priority.value, clock.within) == ("normal", pendulum.duration(hours=8))


def test_record_does_not_invent_a_breach_the_earlier_target_never_reached() -> None:
    # lowered at 10:30, before the urgent 2h target was used up
    interaction = ticket(
        PriorityChange(at=at(10.5), priority="normal"),
        Message(at=at(13), author="agent"),
        priority="urgent",
    )
    clock = evaluate(interaction, tiered("first_reply", breaches="record"), as_of=at(14)).clock(
        Metric.FIRST_REPLY
    )
    assert clock is not None
    assert not clock.breached


def test_record_keeps_a_breach_when_a_group_change_swaps_the_policy() -> None:
    vip = SlaPolicy(
        name="VIP desk",
        condition=Condition.all_of(FieldTest(field="group", operator="equals", values="vip")),
        targets={"normal": [Target(metric="resolution", within=hours(1))]},
    )
    rest = SlaPolicy(
        name="Everyone", targets={"normal": [Target(metric="resolution", within=hours(24))]}
    )
    interaction = ticket(
        Assignment(at=at(9), group="vip"),
        Assignment(at=at(11), group="billing"),
        StatusChange(at=at(12), status="solved"),
    )
    for rule, breached in ((BreachRule.AS_OF, False), (BreachRule.RECORD, True)):
        policies = PolicySet(policies=[vip, rest], breaches=rule)
        clock = evaluate(interaction, policies, as_of=at(13)).clock(Metric.RESOLUTION)
        assert clock is not None
        assert clock.policy == "Everyone"
        assert clock.breached is breached
        assert clock.breached_at == (at(10) if breached else None)


def test_record_with_restart_measures_each_earlier_target_from_its_own_start() -> None:
    # restart: raised to urgent at 10:00 restarts the clock; urgent breaches at 12:00;
    # lowered back to normal at 13:00 restarts again; replied at 14:00.
    interaction = ticket(
        PriorityChange(at=at(10), priority="urgent"),
        PriorityChange(at=at(13), priority="normal"),
        Message(at=at(14), author="agent"),
    )
    options = {"on_priority_change": PriorityChangeRule.RESTART}
    plain = evaluate(interaction, tiered("first_reply", **options), as_of=at(15))
    kept = evaluate(interaction, tiered("first_reply", breaches="record", **options), as_of=at(15))
    assert plain.clocks[0].breached is False
    assert kept.clocks[0].breached is True
    assert kept.clocks[0].breached_at == at(12)


def test_an_unknown_breach_rule_is_refused_by_name() -> None:
    with pytest.raises(ValidationError, match="'breaches'"):
        tiered("first_reply", breaches="forever")


# ----------------------------------------------------------------- 2. reopen starts a new cycle


def _reopened() -> Interaction:
    # solved after 6h, reopened the next morning, solved again 3h later
    return ticket(
        StatusChange(at=at(9), status="open"),
        StatusChange(at=at(15), status="solved"),
        StatusChange(at=at(9, day=1), status="open"),
        StatusChange(at=at(12, day=1), status="solved"),
    )


def test_a_reopen_resumes_the_resolution_clock_by_default() -> None:
    result = evaluate(_reopened(), tiered("resolution"), as_of=at(13, day=1))
    (clock,) = result.cycles(Metric.RESOLUTION)
    assert clock.business_elapsed == hours(9)
    assert clock.breached
    assert result.breached()


def test_new_cycle_gives_each_reopen_a_fresh_goal() -> None:
    policies = tiered("resolution", on_reopen="new_cycle")
    assert policies.on_reopen is ReopenRule.NEW_CYCLE
    result = evaluate(_reopened(), policies, as_of=at(13, day=1))
    first, second = result.cycles(Metric.RESOLUTION)
    assert (first.cycle, first.started_at, first.completed_at) == (0, at(9), at(15))
    assert (second.cycle, second.started_at, second.completed_at) == (
        1,
        at(9, day=1),
        at(12, day=1),
    )
    assert (first.business_elapsed, second.business_elapsed) == (hours(6), hours(3))
    assert not first.breached
    assert not second.breached
    assert not result.breached()
    assert result.clock(Metric.RESOLUTION) == second


def test_new_cycle_breached_means_any_cycle_breached() -> None:
    interaction = ticket(
        StatusChange(at=at(18), status="solved"),  # 9h: the first cycle breaches the 8h goal
        StatusChange(at=at(9, day=1), status="open"),
    )
    result = evaluate(interaction, tiered("resolution", on_reopen="new_cycle"), as_of=at(10, day=1))
    first, second = result.cycles(Metric.RESOLUTION)
    assert first.breached
    assert first.state is ClockState.COMPLETED
    assert not second.breached
    assert second.state is ClockState.ACTIVE
    assert second.due_at == at(17, day=1)
    assert result.breached()
    assert [o.outcome for o in result.outcomes()] == [Outcome.BREACHED, Outcome.PENDING]


def test_new_cycle_leaves_a_close_after_a_solve_in_the_same_cycle() -> None:
    interaction = ticket(
        StatusChange(at=at(10), status="solved"), StatusChange(at=at(11), status="closed")
    )
    result = evaluate(interaction, tiered("resolution", on_reopen="new_cycle"), as_of=at(12))
    assert [(c.cycle, c.completed_at) for c in result.cycles(Metric.RESOLUTION)] == [(0, at(10))]


def test_new_cycle_pauses_within_a_cycle_as_usual() -> None:
    policies = PolicySet(
        policies=[
            SlaPolicy(
                name="Wait",
                targets={"normal": [Target(metric="requester_wait", within=hours(4))]},
            )
        ],
        on_reopen=ReopenRule.NEW_CYCLE,
    )
    interaction = ticket(
        StatusChange(at=at(10), status="solved"),
        StatusChange(at=at(12), status="open"),
        StatusChange(at=at(13), status="pending"),
        StatusChange(at=at(15), status="open"),
    )
    second = evaluate(interaction, policies, as_of=at(16)).cycles(Metric.REQUESTER_WAIT)[1]
    assert (second.business_elapsed, second.due_at) == (hours(2), at(18))


# ----------------------------------------------------------------- 3. business-day targets


def days_policy(days: int, **options: object) -> PolicySet:
    return PolicySet(
        policies=[
            SlaPolicy(
                name="Office",
                targets={
                    "normal": [
                        Target(
                            metric="resolution",
                            business_days=days,
                            calendar="office",
                            **options,  # type: ignore[arg-type]
                        )
                    ]
                },
            )
        ],
        calendars={"office": OFFICE},
    )


def test_two_business_days_end_at_close_of_the_second_next_business_day() -> None:
    interaction = ticket(created=16)  # Monday 16:00
    clock = evaluate(interaction, days_policy(2), as_of=at(16)).clocks[0]
    assert clock.due_at == at(17, day=2)  # Wednesday 17:00
    # sixteen business hours are something else: Wednesday 16:00
    hours16 = OFFICE.add(at(16), hours(16))
    assert hours16 == at(16, day=2) != clock.due_at


def test_business_days_count_from_the_day_after_a_weekend_start() -> None:
    saturday = ticket(created=10, day=-2)
    clock = evaluate(saturday, days_policy(1), as_of=at(10, day=-2)).clocks[0]
    assert clock.due_at == at(17)  # Monday is the first business day after Saturday


def test_a_pause_moves_a_business_day_deadline_by_the_open_time_it_took() -> None:
    policies = PolicySet(
        policies=[
            SlaPolicy(
                name="Office",
                targets={
                    "normal": [
                        Target(
                            metric="requester_wait",
                            business_days=2,
                            calendar="office",
                            warn_percent=50,
                        )
                    ]
                },
            )
        ],
        calendars={"office": OFFICE},
    )
    interaction = ticket(
        StatusChange(at=at(9, day=1), status="pending"),
        StatusChange(at=at(13, day=1), status="open"),
        created=16,
    )
    clock = evaluate(interaction, policies, as_of=at(14, day=1)).clocks[0]
    assert clock.within == pendulum.duration(hours=17)  # Mon 16-17, Tue and Wed in full
    assert clock.due_at == at(13, day=3)  # four paused business hours later: Thursday 13:00
    assert clock.warn_at == at(12.5, day=2)  # 8.5h: Mon 1h, Tue 4h, Wed 3.5h


def test_a_business_day_target_loads_from_text_and_writes_back() -> None:
    document = {
        "calendars": {"office": {"timezone": "Europe/London", "hours": {"mon-fri": "09:00-17:00"}}},
        "policies": [
            {
                "name": "Office",
                "calendar": "office",
                "targets": {
                    "normal": {
                        "resolution": "2 business days",
                        "agent_work": {"within": "1 business day", "warn_percent": 80},
                    }
                },
            }
        ],
    }
    policies = load_policies(document)
    (policy,) = policies.policies
    from servicemodel import Priority

    resolution = policy.target(Priority.NORMAL, Metric.RESOLUTION)
    assert resolution is not None
    assert (resolution.business_days, resolution.within, resolution.calendar) == (2, None, "office")
    from servicemodel.sla import dump_policies

    written = dump_policies(policies, format="mapping")
    assert written["policies"][0]["targets"]["normal"]["resolution"] == {
        "within": "2 business days",
        "calendar": "office",
    }
    assert load_policies(written) == policies


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"business_days": 0, "calendar": "office"}, "business_days"),
        ({"business_days": True, "calendar": "office"}, "business_days"),
        ({"business_days": 2}, "business_days"),
        ({"business_days": 2, "within": hours(1), "calendar": "office"}, "business_days"),
        (
            {"business_days": 2, "calendar": "office", "warn_before": hours(1)},
            "warn_before",
        ),
        ({}, "within"),
    ],
)
def test_malformed_business_day_targets_are_refused_naming_the_field(
    options: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        Target(metric="resolution", **options)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_a_business_day_target_on_a_calendar_that_never_closes_says_so() -> None:
    always = BusinessCalendar.weekly("UTC", {"mon-sun": "00:00-24:00"})
    policies = PolicySet(
        policies=[
            SlaPolicy(
                name="24x7",
                targets={
                    "normal": [Target(metric="resolution", business_days=1, calendar="office")]
                },
            )
        ],
        calendars={"office": always},
    )
    with pytest.raises(CalendarError, match="never"):
        evaluate(ticket(), policies, as_of=at(10))


# ----------------------------------------------------------------- 4. cycles and next_change


def test_cycles_lists_every_instance_and_clock_the_latest() -> None:
    policies = tiered("next_reply")
    interaction = ticket(
        Message(at=at(9), author="customer"),
        Message(at=at(9.5), author="agent"),
        Message(at=at(10), author="customer"),
        Message(at=at(11), author="agent"),
        Message(at=at(12), author="customer"),
    )
    result = evaluate(interaction, policies, as_of=at(13))
    cycles = result.cycles(Metric.NEXT_REPLY)
    assert [c.cycle for c in cycles] == [0, 1]
    assert [c.state for c in cycles] == [ClockState.COMPLETED, ClockState.ACTIVE]
    assert result.clock(Metric.NEXT_REPLY) == cycles[-1]
    assert result.cycles(Metric.RESOLUTION) == ()


def test_each_clock_has_its_own_next_change_and_the_result_takes_the_earliest() -> None:
    policies = PolicySet(
        policies=[
            SlaPolicy(
                name="Two",
                targets={
                    "normal": [
                        Target(metric="first_reply", within=hours(1)),
                        Target(metric="resolution", within=hours(8), warn_percent=50),
                    ]
                },
            )
        ]
    )
    result = evaluate(ticket(), policies, as_of=at(9.25))
    first, resolution = result.clocks
    assert first.next_change() == at(10)
    assert resolution.next_change() == at(13)
    assert result.next_change() == at(10)
    done = evaluate(ticket(Message(at=at(9.5), author="agent")), policies, as_of=at(9.75))
    assert done.clock(Metric.FIRST_REPLY).next_change() is None  # type: ignore[union-attr]


def test_document_options_round_trip_and_bad_values_are_problems_with_their_path() -> None:
    from servicemodel import OpeningMessage
    from servicemodel.exceptions import PolicyDocumentError
    from servicemodel.sla import dump_policies

    document = {
        "breaches": "record",
        "on_reopen": "new_cycle",
        "opening_message": "counts_as_reply",
        "policies": [{"name": "A", "targets": {"normal": {"resolution": "8h"}}}],
    }
    policies = load_policies(document)
    assert (policies.breaches, policies.on_reopen, policies.opening_message) == (
        BreachRule.RECORD,
        ReopenRule.NEW_CYCLE,
        OpeningMessage.COUNTS_AS_REPLY,
    )
    assert load_policies(dump_policies(policies, format="toml"), format="toml") == policies
    with pytest.raises(PolicyDocumentError) as caught:
        load_policies({**document, "breaches": "never", "on_reopen": 3})
    assert [p.path for p in caught.value.problems] == ["breaches", "on_reopen"]
