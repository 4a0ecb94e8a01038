"""Targets a helpdesk stamped on a ticket (Zendesk stamps next reply per instance)."""

from __future__ import annotations

import pendulum
import pytest

from servicemodel import Interaction, Message, PolicyApplied, StatusChange, TargetApplied
from servicemodel.exceptions import ValidationError
from servicemodel.interactions import Status
from servicemodel.sla import (
    SCHEDULE,
    BusinessCalendar,
    Metric,
    PolicySet,
    SlaPolicy,
    StampedTargets,
    Target,
    evaluate,
)

T = pendulum.datetime(2024, 6, 10, 9)  # Monday 09:00 UTC
OFFICE = BusinessCalendar.weekly("UTC", {"mon-fri": "09:00-17:00"})
STANDARD = SlaPolicy(
    name="Standard",
    targets={
        "normal": [
            Target(metric="first_reply", within=pendulum.duration(hours=8)),
            Target(metric="next_reply", within=pendulum.duration(hours=8)),
        ]
    },
)


def policies(stamps: str, **options: object) -> PolicySet:
    return PolicySet(
        policies=[STANDARD],
        calendars={"office": OFFICE},
        schedule="office",
        stamped_targets=stamps,
        **options,
    )


def stamp(at: pendulum.DateTime, minutes: int, calendar: str | None = None) -> TargetApplied:
    return TargetApplied(
        at=at, metric="next_reply", within=pendulum.duration(minutes=minutes), calendar=calendar
    )


# Two next-reply instances, each stamped when it started: 30 minutes, then 2 business hours.
TICKET = Interaction(
    id="T-1",
    customer_id="C-1",
    channel="email",
    created_at=T,
    events=[
        Message(at=T, author="customer"),
        Message(at=T.add(minutes=10), author="agent"),
        Message(at=T.add(hours=1), author="customer"),
        stamp(T.add(hours=1), 30),
        Message(at=T.add(hours=2), author="agent"),
        Message(at=T.add(hours=7), author="customer"),  # Mon 16:00
        stamp(T.add(hours=7), 120, SCHEDULE),
        Message(at=T.add(days=1, hours=1), author="agent"),  # Tue 10:00: 2 office hours
    ],
)


def next_replies(result_policies: PolicySet) -> list[tuple[pendulum.Duration | None, bool]]:
    result = evaluate(TICKET, result_policies, as_of=T.add(days=2))
    return [(c.target.within, c.breached) for c in result.clocks if c.metric is Metric.NEXT_REPLY]


def test_each_next_reply_instance_uses_the_target_stamped_on_it() -> None:
    assert next_replies(policies("use")) == [
        (pendulum.duration(minutes=30), True),
        (pendulum.duration(hours=2), False),
    ]
    assert policies("use").stamped_targets is StampedTargets.USE


def test_ignored_stamps_leave_the_policys_targets() -> None:
    assert next_replies(policies("ignore")) == [
        (pendulum.duration(hours=8), False),
        (pendulum.duration(hours=8), True),  # calendar time: Mon 16:00 to Tue 10:00 is 18h
    ]


def test_a_metric_without_a_stamp_keeps_the_policy_target() -> None:
    clock = evaluate(TICKET, policies("use"), as_of=T.add(days=2)).clock(Metric.FIRST_REPLY)
    assert clock is not None
    assert clock.target.within == pendulum.duration(hours=8)


def test_a_stamp_applies_only_under_a_policy() -> None:
    vendor = policies("use", selection="vendor")
    assert evaluate(TICKET, vendor, as_of=T.add(days=2)).clocks == ()
    applied = Interaction(
        id="T-1",
        customer_id="C-1",
        channel="email",
        created_at=T,
        events=[PolicyApplied(at=T, policy="Standard"), *TICKET.events],
    )
    clocks = evaluate(applied, vendor, as_of=T.add(days=2)).clocks
    assert [c.target.within for c in clocks if c.metric is Metric.NEXT_REPLY] == [
        pendulum.duration(minutes=30),
        pendulum.duration(hours=2),
    ]


def test_a_stamp_on_an_unknown_metric_is_refused_only_when_stamps_are_used() -> None:
    odd = Interaction(
        id="T-1",
        customer_id="C-1",
        channel="email",
        created_at=T,
        events=[TargetApplied(at=T, metric="pausable_update", within=pendulum.duration(hours=1))],
    )
    assert len(evaluate(odd, policies("ignore"), as_of=T.add(hours=1)).clocks) == 1
    with pytest.raises(ValidationError, match="'metric' of a TargetApplied event must be one of"):
        evaluate(odd, policies("use"), as_of=T.add(hours=1))


def test_a_stamp_sets_the_time_and_keeps_the_policys_pause_and_warning() -> None:
    """Issue 15 (1.1): a stamp overrides ``within`` only; paused_by and warn_percent stay."""
    paused = SlaPolicy(
        name="P",
        targets={
            "normal": [
                Target(
                    metric="periodic_update",
                    within=pendulum.duration(hours=1),
                    paused_by=["pending"],
                    warn_percent=50,
                )
            ]
        },
    )
    ticket = Interaction(
        id="T-2",
        customer_id="C-1",
        channel="email",
        priority="normal",
        created_at=T,
        events=[
            PolicyApplied(at=T, policy="P"),
            TargetApplied(at=T, metric="periodic_update", within=pendulum.duration(minutes=90)),
            Message(at=T.add(minutes=10), author="agent"),
            StatusChange(at=T.add(minutes=10), status="pending"),
        ],
    )
    policy_set = PolicySet(policies=[paused], stamped_targets=StampedTargets.USE)
    clock = next(
        c
        for c in evaluate(ticket, policy_set, as_of=T.add(hours=3)).clocks
        if c.metric is Metric.PERIODIC_UPDATE
    )
    assert clock.target.within == pendulum.duration(minutes=90)
    assert clock.target.paused_by == frozenset({Status.PENDING})
    assert clock.target.warn_percent == 50
    assert clock.state.value == "paused"
    assert not clock.breached


def test_a_stamp_shorter_than_warn_before_drops_the_warning() -> None:
    before = SlaPolicy(
        name="P",
        targets={
            "normal": [
                Target(
                    metric="first_reply",
                    within=pendulum.duration(hours=2),
                    warn_before=pendulum.duration(hours=1),
                )
            ]
        },
    )
    ticket = Interaction(
        id="T-3",
        customer_id="C-1",
        channel="email",
        priority="normal",
        created_at=T,
        events=[
            PolicyApplied(at=T, policy="P"),
            TargetApplied(at=T, metric="first_reply", within=pendulum.duration(minutes=30)),
        ],
    )
    policy_set = PolicySet(policies=[before], stamped_targets=StampedTargets.USE)
    clock = evaluate(ticket, policy_set, as_of=T.add(minutes=5)).clocks[0]
    assert clock.target.within == pendulum.duration(minutes=30)
    assert clock.target.warn_before is None
