"""A ticket's schedule: the calendar in force at each instant, or Zendesk's last-schedule rule."""

from __future__ import annotations

import pendulum
import pytest

from servicemodel import Interaction, Message, ScheduleChange
from servicemodel.exceptions import ValidationError
from servicemodel.sla import (
    SCHEDULE,
    BusinessCalendar,
    Metric,
    PolicySet,
    ScheduleRule,
    SegmentKind,
    SlaPolicy,
    Target,
    evaluate,
)

T = pendulum.datetime(2024, 6, 10, 8)  # Monday 08:00 UTC
OFFICE = BusinessCalendar.weekly("UTC", {"mon-fri": "09:00-17:00"})
LATE = BusinessCalendar.weekly("UTC", {"mon-fri": "13:00-21:00"})
# the Zendesk demo's two schedules (reference/zendesk-dbt, schedules 100 and 200)
NEW_YORK = BusinessCalendar.weekly("America/New_York", {"mon-fri": "09:00-17:00"})
LONDON = BusinessCalendar.weekly("Europe/London", {"mon-fri": "08:00-18:00"})


def policies(*, rule: str = "in_force", hours: int = 8, calendar: str = SCHEDULE) -> PolicySet:
    target = Target(metric="first_reply", within=pendulum.duration(hours=hours), calendar=calendar)
    return PolicySet(
        policies=[SlaPolicy(name="All", targets={"normal": [target]})],
        calendars={"office": OFFICE, "late": LATE, "ny": NEW_YORK, "london": LONDON},
        schedule="office",
        on_schedule_change=rule,
    )


def ticket(*events: object, created: pendulum.DateTime = T) -> Interaction:
    return Interaction(
        id="T-1",
        customer_id="C-1",
        channel="email",
        created_at=created,
        events=events,  # type: ignore[arg-type]
    )


REROUTED = ticket(
    ScheduleChange(at=T.add(hours=4), schedule="late"),  # Mon 12:00
    Message(at=T.add(hours=7), author="agent"),  # Mon 15:00
)


def test_time_counts_on_the_schedule_in_force_at_each_instant() -> None:
    clock = evaluate(REROUTED, policies(), as_of=T.add(hours=8)).clocks[0]
    # office 09:00-12:00 (3h), then late 13:00-15:00 (2h)
    assert clock.business_elapsed == pendulum.duration(hours=5)


def test_the_last_schedule_rule_counts_the_whole_clock_on_the_last_schedule() -> None:
    clock = evaluate(REROUTED, policies(rule="last_schedule"), as_of=T.add(hours=8)).clocks[0]
    assert clock.business_elapsed == pendulum.duration(hours=2)  # late 13:00-15:00 only
    assert policies(rule="last_schedule").on_schedule_change is ScheduleRule.LAST_SCHEDULE


def test_a_deadline_crosses_from_one_schedule_to_the_next() -> None:
    open_ticket = ticket(ScheduleChange(at=T.add(hours=4), schedule="late"))
    clock = evaluate(open_ticket, policies(hours=4), as_of=T.add(hours=4)).clocks[0]
    assert clock.due_at == T.add(hours=6)  # 3h on office, 1h on late from 13:00
    late = evaluate(open_ticket, policies(hours=4), as_of=T.add(hours=7)).clocks[0]
    assert late.breached
    assert late.breached_at == T.add(hours=6)
    kinds = [(s.kind, s.start.hour, s.end.hour) for s in late.segments()]
    assert kinds == [
        (SegmentKind.OUTSIDE_HOURS, 8, 9),
        (SegmentKind.COUNTED, 9, 12),
        (SegmentKind.OUTSIDE_HOURS, 12, 13),
        (SegmentKind.COUNTED, 13, 15),
    ]


def test_a_schedule_set_at_creation_replaces_the_default() -> None:
    i = ticket(ScheduleChange(at=T, schedule="late"), Message(at=T.add(hours=7), author="agent"))
    clock = evaluate(i, policies(), as_of=T.add(hours=8)).clocks[0]
    assert clock.business_elapsed == pendulum.duration(hours=2)


def test_zendesk_demo_ticket_108_new_york_rerouted_to_london_counts_45_minutes() -> None:
    created = pendulum.datetime(2025, 6, 16, 6)  # 02:00 in New York, 07:00 in London
    i = ticket(
        ScheduleChange(at=created.add(minutes=30), schedule="london"),
        Message(at=created.add(minutes=105), author="agent"),
        created=created,
    )
    ps = PolicySet(
        policies=[
            SlaPolicy(
                name="Standard SLA",
                targets={
                    "normal": [
                        Target(
                            metric="first_reply",
                            within=pendulum.duration(minutes=60),
                            calendar=SCHEDULE,
                        )
                    ]
                },
            )
        ],
        calendars={"ny": NEW_YORK, "london": LONDON},
        schedule="ny",
    )
    clock = evaluate(i, ps, as_of=created.add(hours=3)).clock(Metric.FIRST_REPLY)
    assert clock is not None
    assert clock.business_elapsed == pendulum.duration(minutes=45)  # dbt_zendesk says 45
    assert not clock.breached


def test_an_unknown_schedule_fails_only_when_a_target_counts_on_the_tickets_schedule() -> None:
    i = ticket(ScheduleChange(at=T.add(hours=1), schedule="mars"))
    # no target on the ticket's schedule: the unknown schedule is never needed
    plain = evaluate(i, policies(calendar="office"), as_of=T.add(hours=2))
    assert plain.clocks[0].business_elapsed == pendulum.duration(hours=1)
    with pytest.raises(
        ValidationError,
        match=r"'schedule' must name a calendar of the policy "
        r"set for a target on the ticket's schedule \(got 'mars' from "
        r"2024-06-10T09:00:00\+00:00\)",
    ) as caught:
        evaluate(i, policies(), as_of=T.add(hours=2))
    assert (caught.value.field, caught.value.value) == ("schedule", "mars")


def test_a_target_on_the_tickets_schedule_needs_a_known_default_schedule() -> None:
    target = Target(metric="first_reply", within=pendulum.duration(hours=1), calendar=SCHEDULE)
    with pytest.raises(ValidationError, match="'schedule' must name the default calendar"):
        PolicySet(policies=[SlaPolicy(name="A", targets={"low": [target]})])
    with pytest.raises(
        ValidationError,
        match=r"'schedule' must name a calendar of the policy "
        r"set \(got 'nowhere'\); known: office",
    ):
        PolicySet(policies=[], calendars={"office": OFFICE}, schedule="nowhere")
    with pytest.raises(ValidationError, match="'calendars' must not use the name '@schedule'"):
        PolicySet(policies=[], calendars={SCHEDULE: OFFICE})


def test_a_document_holds_the_default_schedule_and_targets_on_the_tickets_schedule() -> None:
    from servicemodel.exceptions import PolicyDocumentError
    from servicemodel.sla import dump_policies, load_policies

    chosen = policies()
    written = dump_policies(chosen, format="mapping")
    assert written["schedule"] == "office"
    assert written["policies"][0]["targets"]["normal"]["first_reply"]["calendar"] == SCHEDULE
    assert load_policies(dump_policies(chosen)) == chosen
    with pytest.raises(PolicyDocumentError) as caught:
        load_policies({**written, "schedule": "mars"})
    assert [p.path for p in caught.value.problems] == ["schedule"]
    without = {key: value for key, value in written.items() if key != "schedule"}
    with pytest.raises(PolicyDocumentError, match="schedule: must name the default calendar"):
        load_policies(without)
