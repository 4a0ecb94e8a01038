"""Example tests of the SLA evaluator: the reference cases and the documented rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pendulum
import pytest

from servicemodel import (
    Assignment,
    Event,
    Interaction,
    Message,
    Priority,
    PriorityChange,
    Status,
    StatusChange,
)
from servicemodel._time import to_micros
from servicemodel.exceptions import CalendarError, ValidationError
from servicemodel.sla import (
    BusinessCalendar,
    ClockState,
    Condition,
    FieldTest,
    Metric,
    Outcome,
    PolicySet,
    PriorityChangeRule,
    SegmentKind,
    SlaPolicy,
    SlaTracker,
    Target,
    evaluate,
)

MON = pendulum.datetime(2024, 6, 10, tz="Europe/London")


def at(hour: float, day: int = 0) -> pendulum.DateTime:
    return MON.add(days=day, minutes=round(hour * 60))


def hours(value: float) -> pendulum.Duration:
    return pendulum.duration(minutes=round(value * 60))


def target(metric: str, within: float, **options: object) -> Target:
    return Target(metric=metric, within=hours(within), **options)  # type: ignore[arg-type]


def ticket(
    *events: Event, priority: str = "normal", created: float = 9, **fields: object
) -> Interaction:
    return Interaction(
        id="T-1",
        customer_id="C-1",
        channel="email",
        priority=priority,
        created_at=at(created),
        events=events,
        **fields,
    )


def one_policy(*targets: Target, priority: str = "normal", **options: Any) -> PolicySet:
    return PolicySet(
        policies=[SlaPolicy(name="Standard", targets={priority: targets})],
        **options,
    )


ALL_METRICS_24 = one_policy(*(target(m.value, 24) for m in Metric))


def test_case_13_status_history_pauses_each_metric_its_own_way() -> None:
    interaction = ticket(
        StatusChange(at=at(10), status="pending"),
        StatusChange(at=at(11), status="on_hold"),
        StatusChange(at=at(12), status="open"),
        StatusChange(at=at(13), status="solved"),
    )
    result = evaluate(interaction, ALL_METRICS_24, as_of=at(15))
    used = {c.metric: c.business_elapsed for c in result.clocks}
    assert used[Metric.REQUESTER_WAIT] == hours(3)
    assert used[Metric.AGENT_WORK] == hours(2)
    assert used[Metric.RESOLUTION] == hours(4)
    assert used[Metric.FIRST_REPLY] == hours(4)  # never paused; the solve stopped it
    for clock in result.clocks:
        assert clock.state is ClockState.COMPLETED
        assert clock.completed_at == at(13)
    agent_work = result.clock(Metric.AGENT_WORK)
    assert agent_work is not None
    assert [(s.kind, s.status, s.start.hour, s.end.hour) for s in agent_work.segments()] == [
        (SegmentKind.COUNTED, None, 9, 10),
        (SegmentKind.PAUSED, Status.PENDING, 10, 11),
        (SegmentKind.PAUSED, Status.ON_HOLD, 11, 12),
        (SegmentKind.COUNTED, None, 12, 13),
        (SegmentKind.AFTER_STOP, None, 13, 15),
    ]


def test_case_14_next_reply_runs_from_the_oldest_unanswered_customer_message() -> None:
    events = [
        Message(at=at(9), author="customer"),
        Message(at=at(9.5), author="agent"),  # the first reply
        Message(at=at(10), author="customer"),
        Message(at=at(10.5), author="customer"),
        Message(at=at(11.5), author="agent"),
    ]
    policies = one_policy(target("next_reply", 4))
    result = evaluate(ticket(*events), policies, as_of=at(12))
    assert [c.business_elapsed for c in result.clocks] == [hours(1.5)]
    assert result.clocks[0].started_at == at(10)
    assert result.clocks[0].state is ClockState.COMPLETED
    later = ticket(*events, Message(at=at(12), author="customer"))
    clocks = evaluate(later, policies, as_of=at(13)).clocks
    assert [(c.cycle, c.state, c.started_at) for c in clocks] == [
        (0, ClockState.COMPLETED, at(10)),
        (1, ClockState.ACTIVE, at(12)),
    ]
    assert clocks[1].business_elapsed == hours(1)


def test_case_15_only_a_public_human_agent_message_fulfils_first_reply() -> None:
    policies = one_policy(target("first_reply", 8))
    not_replies = [
        Message(at=at(9.25), author="bot"),
        Message(at=at(9.5), author="bot", author_id="auto-acknowledge"),
        Message(at=at(10), author="agent", visibility="private"),
    ]
    clock = evaluate(ticket(*not_replies), policies, as_of=at(11)).clocks[0]
    assert clock.state is ClockState.ACTIVE
    replied = ticket(*not_replies, Message(at=at(10.5), author="agent"))
    clock = evaluate(replied, policies, as_of=at(11)).clocks[0]
    assert clock.state is ClockState.COMPLETED
    assert clock.completed_at == at(10.5)
    assert clock.business_elapsed == hours(1.5)


def _case_16(rule: PriorityChangeRule) -> PolicySet:
    return PolicySet(
        policies=[
            SlaPolicy(
                name="Standard",
                targets={
                    "normal": [target("first_reply", 8)],
                    "urgent": [target("first_reply", 2)],
                },
            )
        ],
        on_priority_change=rule,
    )


def test_case_16_raising_priority_keeps_elapsed_and_breaches_retroactively() -> None:
    interaction = ticket(PriorityChange(at=at(12), priority="urgent"))
    before = evaluate(interaction, _case_16(PriorityChangeRule.KEEP_ELAPSED), as_of=at(11.9))
    assert before.clocks[0].priority is Priority.NORMAL
    assert not before.clocks[0].breached
    clock = evaluate(interaction, _case_16(PriorityChangeRule.KEEP_ELAPSED), as_of=at(12)).clocks[0]
    assert clock.priority is Priority.URGENT
    assert clock.breached
    assert clock.breached_at == at(11)
    assert clock.started_at == at(9)
    assert clock.remaining == -hours(1)


def test_case_16_restart_is_the_named_alternative() -> None:
    interaction = ticket(PriorityChange(at=at(12), priority="urgent"))
    clock = evaluate(interaction, _case_16(PriorityChangeRule.RESTART), as_of=at(12)).clocks[0]
    assert clock.started_at == at(12)
    assert not clock.breached
    assert clock.due_at == at(14)
    assert clock.business_elapsed == hours(0)


def test_case_19_the_first_matching_policy_applies() -> None:
    vip = SlaPolicy(
        name="VIP",
        condition=Condition.all_of(FieldTest(field="tags", operator="contains", values="vip")),
        targets={"urgent": [target("first_reply", 0.5)]},
    )
    urgent = SlaPolicy(
        name="Urgent",
        condition=Condition.all_of(FieldTest(field="priority", operator="equals", values="urgent")),
        targets={"urgent": [target("first_reply", 1)]},
    )
    interaction = ticket(priority="urgent", tags={"vip"})
    result = evaluate(interaction, PolicySet(policies=[vip, urgent]), as_of=at(9))
    assert result.policy == "VIP"
    assert [(c.policy, c.target.within) for c in result.clocks] == [("VIP", hours(0.5))]
    plain = ticket(priority="urgent")
    assert evaluate(plain, PolicySet(policies=[vip, urgent]), as_of=at(9)).policy == "Urgent"


def test_reopen_resumes_resolution_type_clocks_and_explains_the_gap() -> None:
    interaction = ticket(
        StatusChange(at=at(11), status="solved"),
        StatusChange(at=at(13), status="open"),
    )
    policies = one_policy(target("resolution", 8), target("first_reply", 8))
    result = evaluate(interaction, policies, as_of=at(14))
    resolution = result.clock(Metric.RESOLUTION)
    assert resolution is not None
    assert resolution.state is ClockState.ACTIVE
    assert resolution.business_elapsed == hours(3)
    assert resolution.due_at == at(19)
    assert [(s.kind, s.status) for s in resolution.segments()] == [
        (SegmentKind.COUNTED, None),
        (SegmentKind.PAUSED, Status.SOLVED),
        (SegmentKind.COUNTED, None),
    ]
    first_reply = result.clock(Metric.FIRST_REPLY)
    assert first_reply is not None
    assert first_reply.state is ClockState.COMPLETED  # the solve stopped it for good
    assert first_reply.completed_at == at(11)


def test_closing_after_solving_completes_at_the_solve() -> None:
    interaction = ticket(
        StatusChange(at=at(11), status="solved"),
        StatusChange(at=at(12), status="closed"),
    )
    clock = evaluate(interaction, one_policy(target("resolution", 1)), as_of=at(13)).clocks[0]
    assert clock.completed_at == at(11)
    assert clock.breached
    assert clock.breached_at == at(10)
    assert clock.outcome() is Outcome.BREACHED


def test_completion_exactly_at_the_due_instant_meets_the_target() -> None:
    policies = one_policy(target("first_reply", 1))
    on_time = evaluate(ticket(Message(at=at(10), author="agent")), policies, as_of=at(10))
    assert not on_time.clocks[0].breached
    assert on_time.clocks[0].outcome() is Outcome.MET
    waiting = evaluate(ticket(), policies, as_of=at(10))
    assert waiting.clocks[0].breached  # still running at the due instant: breached
    assert waiting.clocks[0].breached_at == at(10)


def test_warnings_by_percent_and_by_time_before_breach() -> None:
    percent = evaluate(ticket(), one_policy(target("resolution", 8, warn_percent=75)), as_of=at(9))
    assert percent.clocks[0].warn_at == at(15)
    before = target("resolution", 8, warn_before=hours(0.5))
    clock = evaluate(ticket(), one_policy(before), as_of=at(16.75))
    assert clock.clocks[0].warned
    assert clock.clocks[0].warn_at == at(16.5)
    assert not clock.clocks[0].breached


def test_paused_by_replaces_the_metric_default() -> None:
    interaction = ticket(
        StatusChange(at=at(10), status="pending"), StatusChange(at=at(12), status="open")
    )
    default = evaluate(interaction, one_policy(target("first_reply", 8)), as_of=at(13))
    assert default.clocks[0].business_elapsed == hours(4)
    custom = one_policy(target("first_reply", 8, paused_by=["pending"]))
    paused = evaluate(interaction, custom, as_of=at(11))
    assert paused.clocks[0].state is ClockState.PAUSED
    assert paused.clocks[0].due_at is None
    assert paused.next_change() is None
    assert evaluate(interaction, custom, as_of=at(13)).clocks[0].business_elapsed == hours(2)


def test_periodic_update_repeats_from_each_public_agent_message() -> None:
    interaction = ticket(
        Message(at=at(9.5), author="agent"),
        Message(at=at(11), author="agent", visibility="private"),
        Message(at=at(12), author="agent"),
        StatusChange(at=at(13), status="solved"),
    )
    clocks = evaluate(interaction, one_policy(target("periodic_update", 2)), as_of=at(14)).clocks
    assert [(c.started_at, c.completed_at, c.breached) for c in clocks] == [
        (at(9.5), at(12), True),
        (at(12), at(13), False),
    ]


def test_a_group_change_can_switch_the_policy() -> None:
    billing = SlaPolicy(
        name="Billing",
        condition=Condition.all_of(FieldTest(field="group", operator="equals", values="billing")),
        targets={"normal": [target("resolution", 2)]},
    )
    default = SlaPolicy(name="Default", targets={"normal": [target("resolution", 8)]})
    policies = PolicySet(policies=[billing, default])
    interaction = ticket(Assignment(at=at(12), group="billing"))
    assert evaluate(interaction, policies, as_of=at(11)).policy == "Default"
    result = evaluate(interaction, policies, as_of=at(12))
    assert result.policy == "Billing"
    assert result.clocks[0].breached
    assert result.clocks[0].breached_at == at(11)


def test_conditions_on_customer_segment_and_custom_fields() -> None:
    from servicemodel import Customer

    enterprise = SlaPolicy(
        name="Enterprise",
        condition=Condition.all_of(
            FieldTest(field="segment", operator="equals", values="enterprise"),
            FieldTest(field="attributes.product", operator="in", values=["router", "modem"]),
        ),
        targets={"normal": [target("resolution", 4)]},
    )
    policies = PolicySet(policies=[enterprise])
    customer = Customer(id="C-1", acquired_at=at(0), segment="enterprise")
    interaction = ticket(attributes={"product": "router"})
    assert evaluate(interaction, policies, as_of=at(9), customer=customer).policy == "Enterprise"
    assert evaluate(interaction, policies, as_of=at(9)).policy is None
    assert evaluate(interaction, policies, as_of=at(9)).clocks == ()


def test_events_after_as_of_are_ignored() -> None:
    policies = one_policy(target("first_reply", 1))
    later_reply = ticket(Message(at=at(12), author="agent"))
    assert evaluate(later_reply, policies, as_of=at(11)) == evaluate(
        ticket(), policies, as_of=at(11)
    )


def test_outcomes_report_met_breached_and_pending() -> None:
    policies = one_policy(
        target("first_reply", 1), target("resolution", 2), target("agent_work", 8)
    )
    interaction = ticket(Message(at=at(9.5), author="agent"))
    outcomes = evaluate(interaction, policies, as_of=at(12)).outcomes()
    assert [(o.metric, o.outcome, o.policy, o.priority) for o in outcomes] == [
        (Metric.FIRST_REPLY, Outcome.MET, "Standard", Priority.NORMAL),
        (Metric.AGENT_WORK, Outcome.PENDING, "Standard", Priority.NORMAL),
        (Metric.RESOLUTION, Outcome.BREACHED, "Standard", Priority.NORMAL),
    ]


def test_figures_of_a_clock() -> None:
    clock = evaluate(ticket(), one_policy(target("resolution", 8)), as_of=at(11)).clocks[0]
    assert clock.calendar_elapsed == hours(2)
    assert clock.remaining == hours(6)
    assert clock.percent_used == 25
    assert clock.counting


def test_as_of_must_be_aware_and_not_before_creation() -> None:
    policies = one_policy(target("resolution", 8))
    with pytest.raises(ValidationError, match="'as_of' must be timezone-aware"):
        evaluate(ticket(), policies, as_of=dt.datetime(2024, 6, 10, 12))
    with pytest.raises(ValidationError, match="'as_of' must not be before"):
        evaluate(ticket(), policies, as_of=at(8))


def test_tracker_refuses_a_different_log_and_looking_back() -> None:
    policies = one_policy(target("resolution", 8))
    tracker = SlaTracker.start(ticket(Message(at=at(10), author="agent")), policies)
    with pytest.raises(ValidationError, match="must continue the log"):
        tracker.update(ticket(Message(at=at(10), author="customer")))
    with pytest.raises(ValidationError, match="before the last event"):
        tracker.result(as_of=at(9.5))


# ----------------------------------------------------------------- on a business calendar

OFFICE = BusinessCalendar.weekly("Europe/London", {"mon-fri": "09:00-17:00"})


def office_policy(*targets: Target) -> PolicySet:
    return PolicySet(
        policies=[SlaPolicy(name="Office", targets={"normal": targets})],
        calendars={"office": OFFICE},
    )


def test_case_12_a_pause_across_the_night_counts_in_business_time() -> None:
    interaction = ticket(
        StatusChange(at=at(10), status="pending"),
        StatusChange(at=at(10, day=1), status="open"),
    )
    policies = office_policy(target("resolution", 8, calendar="office", paused_by=["pending"]))
    clock = evaluate(interaction, policies, as_of=at(10, day=1)).clocks[0]
    assert clock.business_elapsed == hours(1)
    assert clock.due_at == at(17, day=1)  # 1h used before the pause, 7h after
    assert clock.state is ClockState.ACTIVE
    kinds = [(s.kind, s.status) for s in clock.segments()]
    assert kinds == [(SegmentKind.COUNTED, None), (SegmentKind.PAUSED, Status.PENDING)]


def test_case_17_warning_at_75_percent_moves_with_a_pause() -> None:
    warn = target("resolution", 8, calendar="office", warn_percent=75, paused_by=["pending"])
    clock = evaluate(ticket(), office_policy(warn), as_of=at(9)).clocks[0]
    assert clock.warn_at == at(15)
    paused = ticket(
        StatusChange(at=at(10), status="pending"),
        StatusChange(at=at(10, day=1), status="open"),
    )
    clock = evaluate(paused, office_policy(warn), as_of=at(10, day=1)).clocks[0]
    assert clock.warn_at == at(15, day=1)
    result = evaluate(paused, office_policy(warn), as_of=at(10, day=1))
    assert result.next_change() == at(15, day=1)


def test_case_18_a_calendar_that_never_opens_again_raises_at_once() -> None:
    never = BusinessCalendar.weekly("Europe/London", {})
    policies = PolicySet(
        policies=[
            SlaPolicy(name="Never", targets={"normal": [target("resolution", 8, calendar="never")]})
        ],
        calendars={"never": never},
    )
    with pytest.raises(CalendarError):
        never._add_us(to_micros(at(9)), 1)
    clock = evaluate(ticket(), policies, as_of=at(12)).clocks[0]
    assert clock.business_elapsed == hours(0)
    assert not clock.breached
    assert not clock.counting
    with pytest.raises(CalendarError):
        _ = clock.due_at
    assert evaluate(ticket(), policies, as_of=at(12)).next_change() is None


def test_outside_hours_segments_and_next_change_at_opening() -> None:
    policies = office_policy(target("first_reply", 2, calendar="office"))
    friday = ticket(created=16 - 72)  # Fri 7 June 16:00
    result = evaluate(friday, policies, as_of=at(8))  # Mon 08:00
    clock = result.clocks[0]
    assert clock.business_elapsed == hours(1)
    assert not clock.counting
    assert clock.due_at == at(10)
    assert [s.kind for s in clock.segments()] == [SegmentKind.COUNTED, SegmentKind.OUTSIDE_HOURS]
    assert result.next_change() == at(9)  # the clock starts counting again
    assert evaluate(friday, policies, as_of=at(9)).next_change() == at(10)
