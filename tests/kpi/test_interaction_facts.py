"""The KPIs ask the interaction for its facts: resolution, first reply, open at t, handle time."""

from __future__ import annotations

from fractions import Fraction

import pendulum
import pytest

from servicemodel import Interaction, Message, StatusChange
from servicemodel.exceptions import ValidationError
from servicemodel.interactions import Event
from servicemodel.kpi import (
    Backlog,
    Fcr,
    HandleTime,
    NextReplyTime,
    OpenAge,
    SlaCompliance,
    interaction_columns,
)
from servicemodel.sla import Metric, PolicySet, SlaPolicy, Target, evaluate

T = pendulum.datetime(2024, 6, 10, 9)


def ticket(*events: Event) -> Interaction:
    return Interaction(id="T", customer_id="C", channel="chat", created_at=T, events=events)


def test_follow_ups_are_counted_until_the_first_resolution() -> None:
    # resolved as first_solved_at says: solved, or closed without a solve
    solved = ticket(
        Message(at=T, author="customer"),
        Message(at=T.add(minutes=5), author="agent"),
        StatusChange(at=T.add(minutes=6), status="solved"),
        Message(at=T.add(days=1), author="customer"),
    )
    closed = ticket(
        Message(at=T, author="customer"),
        Message(at=T.add(minutes=5), author="agent"),
        Message(at=T.add(minutes=7), author="customer"),
        Message(at=T.add(minutes=9), author="customer"),
        StatusChange(at=T.add(minutes=9), status="closed"),
    )
    assert [i.first_solved_at() for i in (solved, closed)] == [T.add(minutes=6), T.add(minutes=9)]
    assert interaction_columns([solved, closed])["customer_follow_ups"].tolist() == [0, 2]
    fcr = Fcr.empty(variant="no_customer_follow_up")
    fcr.add_many([solved, closed])
    assert (fcr.result().value, fcr.result().n) == (Fraction(1, 2), 2)


def test_first_contact_is_judged_per_interaction_only_where_the_variant_can() -> None:
    # the judgement the KPI tallies and recognition asks; the window variant needs
    # the customer's other interactions, so asking it of one is refused by name
    answered_twice = ticket(
        Message(at=T, author="agent"),
        Message(at=T.add(minutes=5), author="agent"),
        StatusChange(at=T.add(minutes=6), status="solved"),
    )
    assert Fcr.resolved_at_first_contact(answered_twice) is False
    assert Fcr.resolved_at_first_contact(answered_twice, variant="no_customer_follow_up")
    with pytest.raises(ValidationError, match="'variant' must judge an interaction on its own"):
        Fcr.resolved_at_first_contact(answered_twice, variant="no_repeat_within_window")


def test_an_unsolved_interaction_is_not_resolved_at_first_contact() -> None:
    # one customer message, no reply, no resolution: no variant may count it
    waiting = ticket(Message(at=T, author="customer"))
    assert Fcr.resolved_at_first_contact(waiting) is False
    assert Fcr.resolved_at_first_contact(waiting, variant="no_customer_follow_up") is False
    with pytest.raises(ValidationError, match=r"'item' must be an Interaction \(got 'T-1'\)"):
        Fcr.resolved_at_first_contact("T-1")  # type: ignore[arg-type]


def test_a_reply_sent_with_the_resolution_answers_the_queue() -> None:
    # "submit as solved" with a public reply: both at one instant, in either order
    for events in (
        (
            StatusChange(at=T.add(minutes=3), status="solved"),
            Message(at=T.add(minutes=3), author="agent"),
        ),
        (
            Message(at=T.add(minutes=3), author="agent"),
            StatusChange(at=T.add(minutes=3), status="solved"),
        ),
    ):
        columns = interaction_columns([ticket(*events)])
        assert columns["answered"].tolist() == [True]
        assert columns["wait"].astype("int64").tolist() == [180_000_000]
    abandoned = interaction_columns([ticket(StatusChange(at=T.add(minutes=2), status="closed"))])
    assert abandoned["answered"].tolist() == [False]


def test_handle_time_counts_a_tracked_zero_and_leaves_untracked_out() -> None:
    acc = HandleTime.empty()
    acc.add(ticket(Message(at=T, author="agent", work=pendulum.duration())))
    acc.add(ticket(Message(at=T, author="agent")))
    assert acc.result().count == 1
    assert acc.result().mean == pendulum.duration()


def test_the_backlog_and_open_age_ask_whether_it_was_open() -> None:
    at = T.add(hours=2)
    later = Interaction(id="L", customer_id="C", channel="chat", created_at=at.add(seconds=1))
    solved = ticket(StatusChange(at=T.add(hours=1), status="solved"))
    reopened = ticket(
        StatusChange(at=T.add(hours=1), status="solved"),
        StatusChange(at=at, status="open"),
    )
    items = [later, solved, reopened]
    assert [i.is_open_at(at) for i in items] == [False, False, True]
    backlog = Backlog.empty(at=at)
    backlog.add_many(items)
    assert (backlog.result().value, backlog.result().n) == (1, 3)
    age = OpenAge.empty(at=at)
    age.add_many(items)
    assert (age.result().count, age.result().median) == (1, pendulum.duration(hours=2))


def _next_reply_policies() -> PolicySet:
    target = Target(metric="next_reply", within=pendulum.duration(hours=1))
    return PolicySet(policies=[SlaPolicy(name="All", targets={"normal": [target]})])


def test_next_reply_time_runs_to_the_reply_across_a_solve_where_the_sla_clock_completes() -> None:
    # One rule (a customer message waits, the next agent reply answers) with one named
    # difference: the KPI measures until the agent replies, the SLA clock completes at the
    # solve (docs/explanation/sla-metrics.md, "Solving stops reply clocks").
    item = ticket(
        Message(at=T, author="customer"),
        Message(at=T.add(minutes=5), author="agent"),
        Message(at=T.add(minutes=10), author="customer"),
        StatusChange(at=T.add(minutes=40), status="solved"),
        StatusChange(at=T.add(hours=3), status="open"),
        Message(at=T.add(hours=4), author="agent"),
    )
    kpi = NextReplyTime.empty()
    kpi.add(item)
    assert kpi.result().median == pendulum.duration(hours=3, minutes=50)
    clocks = evaluate(item, _next_reply_policies(), as_of=T.add(hours=5)).clocks
    assert [(c.metric, c.completed_at, c.breached) for c in clocks] == [
        (Metric.NEXT_REPLY, T.add(minutes=40), False)
    ]


def test_a_message_written_while_solved_waits_for_the_kpi_but_opens_no_sla_clock() -> None:
    item = ticket(
        Message(at=T, author="customer"),
        Message(at=T.add(minutes=5), author="agent"),
        StatusChange(at=T.add(minutes=6), status="solved"),
        Message(at=T.add(minutes=30), author="customer"),
        StatusChange(at=T.add(hours=2), status="open"),
        Message(at=T.add(hours=3), author="agent"),
    )
    kpi = NextReplyTime.empty()
    kpi.add(item)
    assert kpi.result().median == pendulum.duration(hours=2, minutes=30)
    compliance = SlaCompliance.empty(policies=_next_reply_policies(), as_of=T.add(hours=4))
    compliance.add(item)
    assert compliance.breakdown() == ()
