"""Demo tickets of reference/zendesk-dbt, as an import carries them: three policies, real schedules.

Each ticket is written with the events an importer makes of the warehouse
rows (``ticket_field_history``, ``ticket_comment``, ``ticket_schedule``),
and its figures are the ones ``dbt_zendesk`` computed (outputs/
``zendesk__sla_policies.csv``): no policy per schedule, no schedule hidden in
the group.
"""

from __future__ import annotations

import pendulum
import pytest

from servicemodel import (
    Interaction,
    Message,
    PolicyApplied,
    PriorityChange,
    ScheduleChange,
    StatusChange,
    TargetApplied,
)
from servicemodel.sla import (
    SCHEDULE,
    BusinessCalendar,
    Condition,
    FieldTest,
    Metric,
    PolicySet,
    SlaPolicy,
    Target,
    evaluate,
)

NEW_YORK = BusinessCalendar.weekly(  # schedule 100
    "America/New_York",
    {"mon-fri": "09:00-17:00"},
    holidays=[pendulum.date(2025, 7, 4), *(pendulum.date(2025, 12, d) for d in (24, 25, 26))],
)
LONDON = BusinessCalendar.weekly(  # schedule 200
    "Europe/London", {"mon-fri": "08:00-18:00"}, holidays=[pendulum.date(2025, 8, 25)]
)


def _on_schedule(metric: str, minutes: int) -> Target:
    return Target(metric=metric, within=pendulum.duration(minutes=minutes), calendar=SCHEDULE)


URGENT = SlaPolicy(
    name="Urgent SLA",
    condition=Condition.all_of(FieldTest(field="priority", operator="equals", values="urgent")),
    targets={"urgent": [_on_schedule("first_reply", 15)]},
)
STANDARD = SlaPolicy(
    name="Standard SLA",
    targets={"normal": [_on_schedule("first_reply", 60), _on_schedule("next_reply", 120)]},
)


def policies(selection: str, stamps: str) -> PolicySet:
    return PolicySet(
        policies=[URGENT, STANDARD],
        calendars={"100": NEW_YORK, "200": LONDON},
        schedule="100",  # the earliest created schedule is the default
        selection=selection,
        stamped_targets=stamps,
    )


OPTIONS = pytest.mark.parametrize(
    ("selection", "stamps"),
    [("conditions", "ignore"), ("vendor", "ignore"), ("vendor", "use"), ("conditions", "use")],
)


def at(text: str) -> pendulum.DateTime:
    return pendulum.parse(text + "Z")  # type: ignore[return-value]


def stamp(when: str, metric: str, minutes: int) -> TargetApplied:
    return TargetApplied(
        at=at(when), metric=metric, within=pendulum.duration(minutes=minutes), calendar=SCHEDULE
    )


TICKET_105 = Interaction(
    id="105",
    customer_id="10",
    channel="email",
    created_at=at("2025-06-11 14:00"),
    events=[
        Message(at=at("2025-06-11 14:00"), author="customer"),
        PolicyApplied(at=at("2025-06-11 14:00"), policy="Standard SLA"),
        stamp("2025-06-11 14:00", "first_reply", 60),
        Message(at=at("2025-06-11 14:20"), author="agent"),
        StatusChange(at=at("2025-06-11 14:20"), status="pending"),
        Message(at=at("2025-06-11 20:00"), author="customer"),
        StatusChange(at=at("2025-06-11 20:00"), status="open"),
        stamp("2025-06-11 20:00", "next_reply", 120),
        Message(at=at("2025-06-12 13:30"), author="agent"),
        StatusChange(at=at("2025-06-12 13:30"), status="pending"),
        StatusChange(at=at("2025-06-12 15:00"), status="solved"),
    ],
)


@OPTIONS
def test_ticket_105_next_reply_over_night_counts_90_business_minutes(
    selection: str, stamps: str
) -> None:
    result = evaluate(TICKET_105, policies(selection, stamps), as_of=at("2025-06-13 00:00"))
    assert result.policy == "Standard SLA"
    figures = [
        (
            c.metric,
            c.business_elapsed.in_minutes(),
            c.breached,
            None if c.target.within is None else c.target.within.in_minutes(),
        )
        for c in result.clocks
    ]
    assert figures == [(Metric.FIRST_REPLY, 20, False, 60), (Metric.NEXT_REPLY, 90, False, 120)]


TICKET_108 = Interaction(
    id="108",
    customer_id="10",
    channel="email",
    created_at=at("2025-06-16 06:00"),
    events=[
        Message(at=at("2025-06-16 06:00"), author="customer"),
        PolicyApplied(at=at("2025-06-16 06:00"), policy="Standard SLA"),
        stamp("2025-06-16 06:00", "first_reply", 60),
        ScheduleChange(at=at("2025-06-16 06:30"), schedule="200"),
        Message(at=at("2025-06-16 07:45"), author="agent"),
        StatusChange(at=at("2025-06-16 07:45"), status="open"),
        StatusChange(at=at("2025-06-16 09:00"), status="solved"),
    ],
)


@OPTIONS
def test_ticket_108_rerouted_to_london_counts_45_business_minutes(
    selection: str, stamps: str
) -> None:
    clock = evaluate(TICKET_108, policies(selection, stamps), as_of=at("2025-06-17 00:00")).clocks[
        0
    ]
    assert (clock.business_elapsed.in_minutes(), clock.breached) == (45, False)


TICKET_111 = Interaction(
    id="111",
    customer_id="10",
    channel="email",
    created_at=at("2025-06-24 14:00"),
    events=[
        Message(at=at("2025-06-24 14:00"), author="customer"),
        PolicyApplied(at=at("2025-06-24 14:00"), policy="Standard SLA"),
        stamp("2025-06-24 14:00", "first_reply", 60),
        PriorityChange(at=at("2025-06-24 14:10"), priority="urgent"),
        PolicyApplied(at=at("2025-06-24 14:10"), policy="Urgent SLA"),
        stamp("2025-06-24 14:10", "first_reply", 15),
        Message(at=at("2025-06-24 14:20"), author="agent"),
        StatusChange(at=at("2025-06-24 14:20"), status="open"),
        StatusChange(at=at("2025-06-24 15:00"), status="solved"),
    ],
)


@OPTIONS
def test_ticket_111_raised_to_urgent_breaches_the_urgent_target_from_creation(
    selection: str, stamps: str
) -> None:
    clock = evaluate(TICKET_111, policies(selection, stamps), as_of=at("2025-06-25 00:00")).clocks[
        0
    ]
    assert clock.policy == "Urgent SLA"
    assert clock.business_elapsed.in_minutes() == 20
    assert clock.breached
    assert clock.breached_at == at("2025-06-24 14:15")


def test_the_vendor_record_decides_where_the_conditions_would_not() -> None:
    # the helpdesk kept Standard SLA although the ticket became urgent
    kept = Interaction(
        id="111b",
        customer_id="10",
        channel="email",
        created_at=TICKET_111.created_at,
        events=[
            PolicyApplied(at=TICKET_111.created_at, policy="Standard SLA"),
            *(e for e in TICKET_111.events if not isinstance(e, PolicyApplied | TargetApplied)),
        ],
    )
    as_of = at("2025-06-25 00:00")
    by_conditions = evaluate(kept, policies("conditions", "ignore"), as_of=as_of)
    assert [c.policy for c in by_conditions.clocks] == ["Urgent SLA"]
    # Standard SLA sets no urgent targets: by the vendor's record there is nothing to measure
    assert evaluate(kept, policies("vendor", "ignore"), as_of=as_of).clocks == ()
