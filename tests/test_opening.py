"""Agent-opened (outbound) interactions: the opening message is not a reply (Zendesk's rule).

One definition (:meth:`Interaction.replies`) serves first reply, reply counts,
first-contact resolution, next-reply waits, queue answers and the SLA clocks;
the older reading stays available as ``OpeningMessage.COUNTS_AS_REPLY``.
"""

from __future__ import annotations

import io
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given

from servicemodel import (
    Interaction,
    Message,
    OpeningMessage,
    Role,
    StatusChange,
)
from servicemodel.exceptions import EmptySampleError, ValidationError
from servicemodel.io import read_interactions, write_interactions
from servicemodel.kpi import Fcr, FirstReplyTime, NextReplyTime, SelfServiceDeflection
from servicemodel.kpi._queue import queue_outcome
from servicemodel.kpi._resolution import customer_follow_ups
from servicemodel.sla import Metric, PolicySet, SlaPolicy, SlaTracker, Target, evaluate
from servicemodel.testing import interactions

T = pendulum.datetime(2024, 6, 10, 9)


def outbound(*, opened_by: str = "agent") -> Interaction:
    """An agent emails a customer at 09:00; the customer answers at 11:00, the agent at 12:00."""
    return Interaction(
        id="T-1",
        customer_id="C-1",
        channel="email",
        created_at=T,
        opened_by=opened_by,
        events=[
            Message(at=T, author="agent", author_id="A-1"),
            Message(at=T.add(hours=2), author="customer"),
            Message(at=T.add(hours=3), author="agent", author_id="A-1"),
            StatusChange(at=T.add(hours=4), status="solved"),
        ],
    )


def test_the_opening_message_of_an_agent_opened_interaction_is_not_a_reply() -> None:
    ticket = outbound()
    assert ticket.opened_by is Role.AGENT
    assert ticket.opening_message() == ticket.events[0]
    assert ticket.first_reply_at() == T.add(hours=3)
    assert ticket.agent_reply_count() == 1
    assert ticket.replies() == (ticket.events[2],)


def test_counts_as_reply_keeps_the_older_reading_by_name() -> None:
    ticket = outbound()
    old = OpeningMessage.COUNTS_AS_REPLY
    assert ticket.opening_message(opening=old) is None
    assert ticket.first_reply_at(opening=old) == T
    assert ticket.agent_reply_count(opening=old) == 2


def test_a_customer_opened_interaction_is_the_same_under_both_rules() -> None:
    ticket = outbound(opened_by="customer")
    assert ticket.opened_by is Role.CUSTOMER  # the default when nobody says
    for rule in OpeningMessage:
        assert ticket.first_reply_at(opening=rule) == T
        assert ticket.agent_reply_count(opening=rule) == 2


def test_a_private_first_note_leaves_the_first_public_agent_message_a_reply() -> None:
    # Zendesk shifts the first reply only when the creating comment is public
    ticket = Interaction(
        id="T-2",
        customer_id="C-1",
        channel="phone",
        created_at=T,
        opened_by="agent",
        events=[
            Message(at=T, author="agent", visibility="private"),
            Message(at=T.add(minutes=30), author="agent"),
        ],
    )
    assert ticket.opening_message() is None
    assert ticket.first_reply_at() == T.add(minutes=30)


def test_opened_by_is_checked_like_every_field() -> None:
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(outbound(), opened_by="robot")
    assert caught.value.field == "opened_by"


def test_kpis_follow_the_same_rule() -> None:
    ticket = outbound()
    frt = FirstReplyTime.empty()
    frt.add(ticket)
    assert frt.result().median == pendulum.duration(hours=3)
    fcr = Fcr.empty()
    fcr.add(ticket)  # one reply, then solved: one touch
    assert fcr.result().value == 1
    assert customer_follow_ups(ticket) == 0  # the customer's 11:00 answer came before any reply
    assert queue_outcome(ticket) == (3 * 3_600_000_000, True)
    nrt = NextReplyTime.empty()
    nrt.add(ticket)  # the customer answered before the first reply: no next-reply wait yet
    with pytest.raises(EmptySampleError):
        nrt.result()
    deflection = SelfServiceDeflection.empty(variant="among_all_contacts")
    deflection.add(attrs.evolve(ticket, channel="self_service", events=ticket.events[:1]))
    assert deflection.result().value == 1  # the agent's opening message is not an agent reply


def _first_reply_policies(**options: Any) -> PolicySet:
    return PolicySet(
        policies=[
            SlaPolicy(
                name="All",
                targets={
                    p: [Target(metric="first_reply", within=pendulum.duration(hours=1))]
                    for p in ("low", "normal", "high", "urgent", "none")
                },
            )
        ],
        **options,
    )


def test_the_first_reply_clock_runs_to_the_agents_next_public_message() -> None:
    ticket = outbound()
    clock = evaluate(ticket, _first_reply_policies(), as_of=T.add(hours=5)).clock(
        Metric.FIRST_REPLY
    )
    assert clock is not None
    assert clock.completed_at == T.add(hours=3)
    assert clock.breached
    assert clock.breached_at == T.add(hours=1)
    old = _first_reply_policies(opening_message="counts_as_reply")
    assert old.opening_message is OpeningMessage.COUNTS_AS_REPLY
    kept = evaluate(ticket, old, as_of=T.add(hours=5)).clock(Metric.FIRST_REPLY)
    assert kept is not None
    assert kept.completed_at == T
    assert not kept.breached


def test_the_tracker_folds_the_opening_message_like_evaluate() -> None:
    ticket = outbound()
    policies = _first_reply_policies()
    tracker = SlaTracker.start(attrs.evolve(ticket, events=()), policies)
    for cut in range(1, len(ticket.events) + 1):
        tracker = tracker.update(attrs.evolve(ticket, events=ticket.events[:cut]))
    as_of = T.add(hours=5)
    assert tracker.result(as_of=as_of) == evaluate(ticket, policies, as_of=as_of)
    with pytest.raises(ValidationError, match="continue"):
        tracker.update(attrs.evolve(ticket, opened_by="customer"))


def test_opened_by_travels_through_jsonl_and_csv() -> None:
    tickets = [outbound(), outbound(opened_by="customer")]
    for fmt in ("jsonl", "csv"):
        buffer = io.StringIO()
        write_interactions(tickets, buffer, format=fmt)
        text = buffer.getvalue()
        assert text.count('"opened_by"' if fmt == "jsonl" else "agent") >= 1
        assert list(read_interactions(io.StringIO(text), format=fmt)) == tickets


def test_a_csv_file_without_the_opened_by_column_still_reads() -> None:
    header = "id,customer_id,channel,created_at"
    rows = [header, "T-9,C-1,email,2024-06-10T09:00:00+00:00"]
    (ticket,) = read_interactions(io.StringIO("\r\n".join(rows) + "\r\n"), format="csv")
    assert ticket.opened_by is Role.CUSTOMER
    with_column = [f"{header},opened_by", "T-9,C-1,email,2024-06-10T09:00:00+00:00,agent"]
    (agent,) = read_interactions(io.StringIO("\r\n".join(with_column) + "\r\n"), format="csv")
    assert agent.opened_by is Role.AGENT


def test_an_unknown_opener_in_a_record_names_the_field() -> None:
    record = '{"id":"T","customer_id":"C","channel":"chat","created_at":"2024-06-10T09:00:00Z","opened_by":"robot"}'
    with pytest.raises(ValidationError, match="opened_by"):
        list(read_interactions(io.StringIO(record + "\n"), format="jsonl"))


@given(interactions(max_events=8))
def test_every_consumer_reads_the_one_definition_of_a_reply(interaction: Interaction) -> None:
    for rule in OpeningMessage:
        replies = interaction.replies(opening=rule)
        assert interaction.first_reply(opening=rule) == (replies[0] if replies else None)
        assert interaction.agent_reply_count(opening=rule) == len(replies)
        public_agent = [
            e for e in interaction.events if isinstance(e, Message) and e.is_public_agent_reply()
        ]
        skipped = interaction.opening_message(opening=rule)
        assert len(public_agent) - len(replies) == (skipped is not None)
        if interaction.opened_by is not Role.AGENT or rule is OpeningMessage.COUNTS_AS_REPLY:
            assert skipped is None
    # the SLA first-reply clock stops at the first reply unless a resolve came first
    policies = _first_reply_policies()
    last = max([interaction.created_at, *(e.at for e in interaction.events)])
    clock = evaluate(interaction, policies, as_of=last).clock(Metric.FIRST_REPLY)
    assert clock is not None
    reply = interaction.first_reply_at()
    solved = interaction.first_solved_at()
    ends = [t for t in (reply, solved) if t is not None]
    assert clock.completed_at == (min(ends) if ends else None)
