"""Proactive follow-up rules produce a schedule of outreach actions."""

from __future__ import annotations

import pendulum
import pytest

from servicemodel import Interaction, StatusChange
from servicemodel.exceptions import ValidationError
from servicemodel.model import FollowUpRule, Purchase, Trigger, schedule_outreach

T = pendulum.datetime(2024, 6, 3, 10, tz="Europe/London")


def solved(id_: str, kind: str, *, reopen: bool = False) -> Interaction:
    events = [StatusChange(at=T.add(hours=1), status="solved")]
    if reopen:
        events += [
            StatusChange(at=T.add(hours=2), status="open"),
            StatusChange(at=T.add(days=2), status="solved"),
        ]
    return Interaction(
        id=id_, customer_id=f"C-{id_}", channel="email", kind=kind, created_at=T, events=events
    )


CHECK_IN = FollowUpRule(
    name="check-in",
    trigger=Trigger.SOLVED_COMPLAINT,
    after=pendulum.duration(days=3),
    channel="phone",
)
THANKS = FollowUpRule(
    name="thanks", trigger="purchase", after=pendulum.duration(days=1), channel="email"
)


def test_a_solved_complaint_is_followed_up_n_days_after_the_last_solve() -> None:
    actions = schedule_outreach(
        [CHECK_IN],
        [solved("1", "complaint", reopen=True), solved("2", "enquiry")],
        start=T,
        end=T.add(days=30),
    )
    assert [(a.customer_id, a.due_at) for a in actions] == [("C-1", T.add(days=5))]
    assert actions[0].reason == "solved complaint 1"
    assert actions[0].channel.value == "phone"


def test_unsolved_interactions_make_no_action() -> None:
    open_complaint = Interaction(
        id="9", customer_id="C", channel="chat", kind="complaint", created_at=T
    )
    assert schedule_outreach([CHECK_IN], [open_complaint], start=T, end=T.add(days=30)) == ()


def test_purchases_and_the_window_is_half_open() -> None:
    purchases = [
        Purchase(customer_id="C-7", at=T, order_id="O-1"),
        Purchase(customer_id="C-8", at=T.add(days=1), order_id="O-2"),
    ]
    actions = schedule_outreach([THANKS], purchases=purchases, start=T, end=T.add(days=2))
    assert [a.customer_id for a in actions] == ["C-7"]  # C-8 falls due exactly at the end
    assert actions[0].due_at == T.add(days=1)


def test_actions_are_in_time_order_then_customer_then_rule() -> None:
    any_solve = FollowUpRule(
        name="a-survey", trigger="solved", after=pendulum.duration(days=3), channel="email"
    )
    actions = schedule_outreach(
        [CHECK_IN, any_solve],
        [solved("2", "complaint"), solved("1", "complaint")],
        start=T,
        end=T.add(days=9),
    )
    assert [(a.customer_id, a.rule) for a in actions] == [
        ("C-1", "a-survey"),
        ("C-1", "check-in"),
        ("C-2", "a-survey"),
        ("C-2", "check-in"),
    ]


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValidationError, match="'end' must not be before 'start'"):
        schedule_outreach([CHECK_IN], start=T, end=T.subtract(days=1))
    with pytest.raises(ValidationError, match=r"'rules\[0\]' must be a FollowUpRule"):
        schedule_outreach(["check-in"], start=T, end=T)  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="'after' must be positive"):
        FollowUpRule(name="x", trigger="solved", after=pendulum.duration(), channel="email")
    with pytest.raises(ValidationError, match="'trigger' must be one of"):
        FollowUpRule(name="x", trigger="birthday", after=pendulum.duration(days=1), channel="email")
