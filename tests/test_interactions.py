"""Interactions: the event log's rules and the facts derived from it."""

from __future__ import annotations

import datetime as dt
import itertools
import pickle
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicemodel import (
    Assignment,
    Channel,
    Interaction,
    Kind,
    Message,
    Priority,
    PriorityChange,
    Role,
    SatisfactionResponse,
    Status,
    StatusChange,
    Visibility,
)
from servicemodel._log._facts import log_created_us, log_event_us, log_facts
from servicemodel._time import from_micros, to_micros
from servicemodel.exceptions import ValidationError
from servicemodel.interactions import check_log
from servicemodel.testing import interactions

T0 = pendulum.datetime(2024, 6, 10, 9, tz="Europe/London")


def at(minutes: int) -> pendulum.DateTime:
    return T0.add(minutes=minutes)


def ticket(*events: object, **fields: object) -> Interaction:
    values: dict[str, object] = {
        "id": "T-1",
        "customer_id": "C-1",
        "channel": "email",
        "created_at": T0,
        "events": list(events),
    }
    values.update(fields)
    return Interaction(**values)  # type: ignore[arg-type]


def test_strings_convert_to_enums() -> None:
    i = ticket(channel="web_form", kind="complaint", priority="urgent")
    assert (i.channel, i.kind, i.priority) == (Channel.WEB_FORM, Kind.COMPLAINT, Priority.URGENT)


def test_unknown_channel_names_the_field_and_value() -> None:
    with pytest.raises(ValidationError) as info:
        ticket(channel="fax")
    assert info.value.field == "channel"
    assert info.value.value == "fax"
    assert "'phone'" in str(info.value)


def test_missing_id_is_an_error() -> None:
    with pytest.raises(ValidationError, match="'id' must be a non-empty string"):
        ticket(id="")


def test_naive_created_at_is_an_error() -> None:
    with pytest.raises(ValidationError, match="'created_at' must be timezone-aware"):
        ticket(created_at=dt.datetime(2024, 6, 10, 9))


def test_naive_event_time_names_the_field() -> None:
    with pytest.raises(ValidationError, match="'at' must be timezone-aware"):
        Message(at=dt.datetime(2024, 6, 10, 9), author="agent")


def test_events_out_of_order_name_the_event_index() -> None:
    with pytest.raises(ValidationError) as info:
        ticket(
            Message(at=at(5), author="customer"),
            Message(at=at(10), author="agent"),
            Message(at=at(7), author="customer"),
        )
    assert info.value.field == "events[2].at"
    assert "'events[2].at' must not be before 'events[1].at'" in str(info.value)


def test_event_before_creation_names_index_zero() -> None:
    with pytest.raises(ValidationError, match=r"'events\[0\].at' must not be before 'created_at'"):
        ticket(Message(at=at(-1), author="customer"))


def test_same_instant_events_are_in_order() -> None:
    i = ticket(Message(at=at(0), author="customer"), StatusChange(at=at(0), status="open"))
    assert i.status() is Status.OPEN


@pytest.mark.parametrize(
    ("statuses", "bad_index"),
    [
        (["open", "open"], 1),  # no change
        (["open", "new"], 1),  # back to new
        (["new"], 0),
        (["solved", "closed", "open"], 2),  # leaves closed
    ],
)
def test_impossible_status_transitions_name_the_event(statuses: list[str], bad_index: int) -> None:
    events = [StatusChange(at=at(i), status=s) for i, s in enumerate(statuses)]
    with pytest.raises(ValidationError) as info:
        ticket(*events)
    assert info.value.field is not None
    assert info.value.field.startswith(f"events[{bad_index}]")


def test_only_satisfaction_follows_close() -> None:
    ok = ticket(
        StatusChange(at=at(1), status="solved"),
        StatusChange(at=at(2), status="closed"),
        SatisfactionResponse(at=at(3), score=4),
    )
    assert ok.satisfaction() == 4
    with pytest.raises(ValidationError, match=r"'events\[2\]' must not follow the close"):
        ticket(
            StatusChange(at=at(1), status="solved"),
            StatusChange(at=at(2), status="closed"),
            Message(at=at(3), author="customer"),
        )


def test_priority_change_must_change_priority() -> None:
    with pytest.raises(ValidationError, match=r"'events\[0\].priority' must change"):
        ticket(PriorityChange(at=at(1), priority="normal"))


def test_non_event_in_log_is_rejected() -> None:
    with pytest.raises(ValidationError, match=r"'events\[0\]' must be an interaction event"):
        ticket("hello")


def test_out_of_range_csat_on_the_log() -> None:
    with pytest.raises(ValidationError, match=r"'score' must be an integer from 1 to 5 \(got 0\)"):
        SatisfactionResponse(at=at(1), score=0)
    with pytest.raises(ValidationError, match="must be an integer from 1 to 5"):
        SatisfactionResponse(at=at(1), score=True)


def test_tags_must_be_a_collection_not_a_string() -> None:
    with pytest.raises(ValidationError, match="'tags' must be a collection of strings"):
        ticket(tags="vip")
    with pytest.raises(
        ValidationError, match=r"'tags\[1\]' must be a non-empty string \(got ' '\)"
    ):
        ticket(tags=["vip", " "])


def test_attributes_are_sorted_pairs_and_hashable() -> None:
    i = ticket(attributes={"product": "router", "area": "north"})
    assert i.attributes == (("area", "north"), ("product", "router"))
    assert i.attribute("product") == "router"
    assert i.attribute("missing") is None
    assert hash(i) == hash(ticket(attributes=[("product", "router"), ("area", "north")]))
    with pytest.raises(ValidationError, match="'attributes' must map"):
        ticket(attributes={"": "x"})
    with pytest.raises(ValidationError, match="'attributes' must not repeat"):
        ticket(attributes=[("a", "1"), ("a", "2")])
    with pytest.raises(ValidationError, match="'attributes' must be a mapping"):
        ticket(attributes="a=1")


def test_first_reply_ignores_bots_private_notes_and_customers() -> None:
    i = ticket(
        Message(at=at(0), author="customer"),
        Message(at=at(1), author="bot"),
        Message(at=at(2), author="agent", visibility="private"),
        Message(at=at(30), author="agent"),
        Message(at=at(40), author="agent"),
    )
    assert i.first_reply_at() == at(30)
    assert i.agent_reply_count() == 2
    assert len(i.messages()) == 5


def test_solves_and_reopens() -> None:
    i = ticket(
        StatusChange(at=at(10), status="open"),
        StatusChange(at=at(20), status="solved"),
        StatusChange(at=at(30), status="open"),
        StatusChange(at=at(40), status="pending"),
        StatusChange(at=at(50), status="solved"),
        StatusChange(at=at(60), status="on_hold"),
        StatusChange(at=at(70), status="solved"),
        StatusChange(at=at(80), status="closed"),
    )
    assert i.first_solved_at() == at(20)
    assert i.last_solved_at() == at(70)
    assert i.reopen_count() == 2  # solved->open and solved->on_hold; solved->closed is no reopen
    assert i.status() is Status.CLOSED


def test_unsolved_interaction_has_no_solve_times() -> None:
    i = ticket(Message(at=at(1), author="customer"))
    assert i.first_solved_at() is None
    assert i.last_solved_at() is None
    assert i.first_reply_at() is None
    assert i.satisfaction() is None
    assert i.assignee() is None
    assert i.group() is None


def test_status_timeline_covers_the_whole_life() -> None:
    i = ticket(
        StatusChange(at=at(10), status="open"),
        StatusChange(at=at(20), status="pending"),
        StatusChange(at=at(30), status="solved"),
    )
    spans = i.status_timeline()
    assert [s.status for s in spans] == [Status.NEW, Status.OPEN, Status.PENDING, Status.SOLVED]
    assert [s.start for s in spans] == [T0, at(10), at(20), at(30)]
    assert [s.end for s in spans] == [at(10), at(20), at(30), None]


def test_priority_at_and_current_priority() -> None:
    i = ticket(
        PriorityChange(at=at(10), priority="urgent"),
        PriorityChange(at=at(20), priority="low"),
        priority="normal",
    )
    assert i.priority_at(at(9)) is Priority.NORMAL
    assert i.priority_at(at(10)) is Priority.URGENT
    assert i.priority_at(at(25)) is Priority.LOW
    assert i.current_priority() is Priority.LOW
    assert i.priority is Priority.NORMAL  # the initial priority stays as created


def test_assignee_and_group_follow_the_last_assignment() -> None:
    i = ticket(
        Assignment(at=at(1), agent_id="A-1", group="billing"),
        Assignment(at=at(2), agent_id="A-2"),
    )
    assert i.assignee() == "A-2"
    assert i.group() == "billing"
    unassigned = ticket(Assignment(at=at(1), agent_id="A-1"), Assignment(at=at(2)))
    assert unassigned.assignee() is None


def test_handle_time_sums_agent_work_only() -> None:
    i = ticket(
        Message(at=at(0), author="customer", work=pendulum.duration(minutes=9)),
        Message(at=at(1), author="agent", work=pendulum.duration(minutes=4)),
        Message(at=at(2), author="agent", visibility="private", work=dt.timedelta(seconds=90)),
        Message(at=at(3), author="agent"),
    )
    assert i.handle_time() == pendulum.duration(minutes=5, seconds=30)
    with pytest.raises(ValidationError, match="'work' must not be negative"):
        Message(at=at(0), author="agent", work=dt.timedelta(seconds=-1))


def test_handle_time_tells_untracked_from_a_tracked_zero() -> None:
    untracked = ticket(
        Message(at=at(0), author="customer", work=pendulum.duration(minutes=9)),
        Message(at=at(1), author="agent"),
        Message(at=at(2), author="bot", work=pendulum.duration(minutes=1)),
    )
    assert untracked.tracked_handle_time() is None
    assert untracked.handle_time() == pendulum.duration()
    zero = ticket(Message(at=at(1), author="agent", work=dt.timedelta(0)))
    assert zero.tracked_handle_time() == pendulum.duration()
    both = ticket(
        Message(at=at(1), author="agent", work=pendulum.duration(minutes=4)),
        Message(at=at(2), author="agent", work=pendulum.duration(seconds=30)),
    )
    assert (
        both.tracked_handle_time() == both.handle_time() == pendulum.duration(minutes=4, seconds=30)
    )


def test_open_at_needs_creation_and_no_resolution_then() -> None:
    i = ticket(
        StatusChange(at=at(1), status="solved"),
        StatusChange(at=at(2), status="open"),
        StatusChange(at=at(3), status="closed"),
    )
    created = i.created_at
    assert not i.is_open_at(created.subtract(microseconds=1))
    assert i.is_open_at(created)
    assert [i.is_open_at(at(n)) for n in (1, 2, 3)] == [False, True, False]
    with pytest.raises(ValidationError, match="'at'"):
        i.is_open_at(dt.datetime(2024, 1, 1))


def test_values_are_immutable() -> None:
    i = ticket()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        i.id = "other"  # type: ignore[misc]


def test_message_predicates() -> None:
    public_agent = Message(at=at(0), author=Role.AGENT, visibility=Visibility.PUBLIC)
    assert public_agent.is_public_agent_reply()
    assert not public_agent.is_public_customer_message()
    assert Message(at=at(0), author="customer").is_public_customer_message()
    assert not Message(
        at=at(0), author="customer", visibility="private"
    ).is_public_customer_message()


# ------------------------------------------------------------------------- laws


@given(interactions())
def test_generated_interactions_rebuild_equal(interaction: Interaction) -> None:
    rebuilt = attrs.evolve(interaction, events=list(interaction.events))
    assert rebuilt == interaction
    assert hash(rebuilt) == hash(interaction)


@given(interactions())
def test_timeline_is_contiguous_and_ordered(interaction: Interaction) -> None:
    spans = interaction.status_timeline()
    assert spans[0].status is Status.NEW
    assert spans[0].start == interaction.created_at
    for before, after in itertools.pairwise(spans):
        assert before.end == after.start
        assert before.status is not after.status
    assert spans[-1].end is None
    assert spans[-1].status is interaction.status()


@given(interactions())
def test_solve_facts_agree(interaction: Interaction) -> None:
    first, last = interaction.first_solved_at(), interaction.last_solved_at()
    assert (first is None) == (last is None)
    if first is not None and last is not None:
        assert to_micros(first) <= to_micros(last)
    solved_spans = [s for s in interaction.status_timeline() if s.status is Status.SOLVED]
    assert interaction.reopen_count() <= len(solved_spans)


@given(interactions())
def test_first_reply_is_not_before_creation(interaction: Interaction) -> None:
    reply = interaction.first_reply_at()
    assert (reply is None) == (interaction.agent_reply_count() == 0)
    if reply is not None:
        assert to_micros(reply) >= to_micros(interaction.created_at)


def test_an_identifier_longer_than_256_characters_is_refused_with_its_length() -> None:
    with pytest.raises(
        ValidationError, match=r"^'id' must be at most 256 characters \(got 300 characters\)$"
    ):
        Interaction(
            id="T" * 300, customer_id="C", channel="chat", created_at=pendulum.datetime(2024, 1, 1)
        )


def test_a_close_without_a_solve_is_the_resolution() -> None:
    i = ticket(StatusChange(at=at(10), status="open"), StatusChange(at=at(30), status="closed"))
    assert i.first_solved_at() == at(30)
    assert i.last_solved_at() == at(30)


def test_closing_a_solved_interaction_does_not_resolve_it_again() -> None:
    i = ticket(StatusChange(at=at(10), status="solved"), StatusChange(at=at(30), status="closed"))
    assert (i.first_solved_at(), i.last_solved_at()) == (at(10), at(10))
    assert i.reopen_count() == 0


def test_resolved_statuses_are_solved_and_closed_only() -> None:
    assert {s for s in Status if s.is_resolved} == {Status.SOLVED, Status.CLOSED}


def test_as_of_keeps_the_events_up_to_the_instant_inclusive() -> None:
    i = ticket(
        Message(at=at(5), author="agent"),
        StatusChange(at=at(10), status="solved"),
        StatusChange(at=at(20), status="open"),
        SatisfactionResponse(at=at(20), score=2),
    )
    then = i.as_of(at(10))
    assert then.events == i.events[:2]
    assert (then.status(), then.reopen_count(), then.satisfaction()) == (Status.SOLVED, 0, None)
    assert then.id == i.id
    assert then.created_at == i.created_at
    assert i.as_of(at(20)) is i
    assert i.as_of(at(-1)).events == ()
    assert i.as_of(at(15).in_timezone("Asia/Tokyo")).events == i.events[:2]


def test_facts_worked_out_once_are_not_part_of_the_value() -> None:
    # asked once and kept beside the interaction: equality, hashing, pickling
    # and a changed copy see only the fields
    events = (StatusChange(at=at(10), status="solved"), StatusChange(at=at(20), status="open"))
    asked, fresh = ticket(*events), ticket(*events)
    assert asked.reopen_count() == 1
    assert asked == fresh
    assert hash(asked) == hash(fresh)
    travelled = pickle.loads(pickle.dumps(asked))
    assert travelled == asked
    assert travelled.reopen_count() == 1
    assert attrs.evolve(asked, events=events[:1]).reopen_count() == 0


def test_as_of_refuses_a_naive_instant() -> None:
    with pytest.raises(ValidationError, match="'at'"):
        ticket().as_of(dt.datetime(2024, 6, 10, 9))


def _facts_asked(item: Interaction) -> tuple[Any, ...]:
    return (
        item.status(),
        item.replies(),
        item.first_reply(),
        item.first_solved_at(),
        item.last_solved_at(),
        item.resolution_count(),
        item.reopen_count(),
        item.assignee(),
        item.group(),
        item.rating(),
    )


def test_a_resolved_reopened_and_resolved_again_ticket_keeps_each_resolution_instant() -> None:
    item = ticket(
        Message(at=at(5), author="agent"),
        StatusChange(at=at(10), status="solved"),
        StatusChange(at=at(20), status="open"),
        StatusChange(at=at(30), status="solved"),
    )
    facts = log_facts(pickle.loads(pickle.dumps(item)))
    assert (facts.first_solved_us, facts.last_solved_us, facts.first_reply_us) == (
        to_micros(at(10)),
        to_micros(at(30)),
        to_micros(at(5)),
    )
    assert facts == log_facts(item)


@given(interactions())
def test_the_facts_are_the_same_however_the_interaction_came_to_be(item: Interaction) -> None:
    # Built by the log's rules (its facts not asked yet, then kept), rebuilt, or unpickled
    # (nothing kept: worked out on the first question): one rule, the same answers.
    travelled = pickle.loads(pickle.dumps(item))
    rebuilt = attrs.evolve(item)
    first = _facts_asked(travelled)
    assert first == _facts_asked(item) == _facts_asked(rebuilt)
    assert _facts_asked(item) == _facts_asked(travelled) == first  # asked again: kept
    status = Status.NEW
    resolutions = 0
    for event in item.events:
        if isinstance(event, StatusChange):
            resolutions += event.status.is_resolved and not status.is_resolved
            status = event.status
    assert (first[0], first[5]) == (status, resolutions)
    # the integers the KPIs read are the instants of the events the methods name
    facts = log_facts(travelled)
    instant = [None if at is None else to_micros(at) for at in (first[3], first[4])]
    assert [facts.first_solved_us, facts.last_solved_us] == instant
    reply = first[2]
    assert facts.first_reply_us == (None if reply is None else to_micros(reply.at))
    assert (facts.created_us, facts.reopens) == (to_micros(item.created_at), first[6])


@given(interactions(), st.integers(0, 50), st.sampled_from([-1, 0, 1]))
def test_as_of_is_the_log_cut_at_the_instant(
    interaction: Interaction, pick: int, nudge: int
) -> None:
    moments = [interaction.created_at, *(e.at for e in interaction.events)]
    limit = to_micros(moments[pick % len(moments)]) + nudge
    cut = from_micros(limit, pendulum.UTC)
    then = interaction.as_of(cut)
    assert then.events == tuple(e for e in interaction.events if to_micros(e.at) <= limit)
    assert then.as_of(cut) is then
    # the same value as the log's prefix built and checked anew, with its own instants
    rebuilt = attrs.evolve(interaction, events=then.events)
    assert then == rebuilt
    assert hash(then) == hash(rebuilt)
    assert log_event_us(then) == tuple(to_micros(e.at) for e in then.events)
    assert log_created_us(then) == to_micros(interaction.created_at)
    # the status then is the status of the timeline's span that covers the instant
    covering = [
        s.status
        for s in interaction.status_timeline()
        if to_micros(s.start) <= limit and (s.end is None or limit < to_micros(s.end))
    ]
    if to_micros(interaction.created_at) <= limit:
        assert then.status() is covering[-1]
    first = interaction.first_solved_at()
    if first is not None and to_micros(first) <= limit:
        assert then.first_solved_at() == first
    else:
        assert then.first_solved_at() is None


@given(interactions())
def test_resolution_facts_follow_the_resolved_statuses(interaction: Interaction) -> None:
    spans = interaction.status_timeline()
    entries = [
        s.start
        for before, s in itertools.pairwise(spans)
        if s.status.is_resolved and not before.status.is_resolved
    ]
    assert interaction.first_solved_at() == (entries[0] if entries else None)
    assert interaction.last_solved_at() == (entries[-1] if entries else None)
    assert interaction.resolution_count() == len(entries)


@given(interactions())
def test_the_first_reply_is_the_first_public_human_agent_message(interaction: Interaction) -> None:
    # An agent-opened interaction's opening message is not a reply (OpeningMessage.NOT_A_REPLY).
    opening = interaction.opening_message()
    replies = [m for m in interaction.messages() if m.is_public_agent_reply() and m is not opening]
    reply = interaction.first_reply()
    assert reply == (replies[0] if replies else None)
    assert interaction.first_reply_at() == (None if reply is None else reply.at)


# ------------------------------------------------------------------ check_log against a reading
# ``check_log`` asks its rules of whole sequences where it can; the model here reads the log
# one event at a time, as a person would, and stops at the first broken rule. Both must
# refuse the same logs, naming the same event and the same rule.

_LOG_START = pendulum.datetime(2024, 6, 10, 9)
_EVENTS = (Message, StatusChange, PriorityChange, SatisfactionResponse)
_RULES = {
    "not an event": "must be an interaction event",
    "order": "must not be before",
    "after close": "must not follow the close",
    "transition": "must change the status",
    "priority": "must change the priority",
}


def _read_event_by_event(priority: Priority, events: list[Any]) -> tuple[str, str] | None:
    """The first broken rule as (field, rule), reading event by event; None if none is."""
    status, previous = Status.NEW, _LOG_START
    for index, event in enumerate(events):
        if not isinstance(event, _EVENTS):
            return f"events[{index}]", "not an event"
        if event.at < previous:
            return f"events[{index}].at", "order"
        previous = event.at
        if status is Status.CLOSED:
            if not isinstance(event, SatisfactionResponse):
                return f"events[{index}]", "after close"
        elif isinstance(event, StatusChange):
            if event.status is status or event.status is Status.NEW:
                return f"events[{index}].status", "transition"
            status = event.status
        elif isinstance(event, PriorityChange):
            if event.priority is priority:
                return f"events[{index}].priority", "priority"
            priority = event.priority
    return None


@st.composite
def _logs(draw: st.DrawFn) -> list[Any]:
    """Short logs from few values, so that every rule is broken often, alone and together.

    Steps back in time are rare (a log out of order hides every later rule), and closes,
    priority changes and ratings common, so that what follows a close is tried often.
    """
    minutes = 0
    events: list[Any] = []
    for _ in range(draw(st.integers(0, 9))):
        minutes += draw(st.sampled_from([0, 0, 5, 30, 30, 30, 30, -10]))
        at = _LOG_START.add(minutes=max(minutes, -20))
        kind = draw(st.integers(0, 11))
        if kind <= 3:
            status = draw(st.sampled_from([*Status, Status.CLOSED, Status.CLOSED]))
            events.append(StatusChange(at=at, status=status))
        elif kind <= 5:
            events.append(Message(at=at, author=Role.AGENT))
        elif kind <= 7:
            events.append(SatisfactionResponse(at=at, score=draw(st.integers(1, 5))))
        elif kind <= 10:
            events.append(PriorityChange(at=at, priority=draw(st.sampled_from(list(Priority)))))
        else:
            events.append(draw(st.sampled_from(["not an event", None, at])))
    return events


def _log_keys(events: list[Any]) -> list[int]:
    """What the decoder passes: the instants in epoch microseconds (0 for a non-event)."""
    return [to_micros(_LOG_START)] + [
        to_micros(event.at) if isinstance(event, _EVENTS) else 0 for event in events
    ]


@settings(max_examples=300)
@given(st.sampled_from(list(Priority)), _logs())
def test_check_log_refuses_what_a_reading_event_by_event_refuses(
    priority: Priority, events: list[Any]
) -> None:
    expected = _read_event_by_event(priority, events)
    for keys in (None, _log_keys(events)):
        if expected is None:
            assert check_log(_LOG_START, priority, events, keys) == _log_keys(events)
            continue
        with pytest.raises(ValidationError) as raised:
            check_log(_LOG_START, priority, events, keys)
        field, rule = expected
        assert raised.value.field == field
        assert _RULES[rule] in str(raised.value)


@pytest.mark.parametrize(
    "after",
    [
        StatusChange(at=_LOG_START.add(hours=1), status=Status.OPEN),
        PriorityChange(at=_LOG_START.add(hours=1), priority=Priority.HIGH),
        Message(at=_LOG_START.add(hours=1), author=Role.CUSTOMER),
    ],
    ids=["status change", "priority change", "message"],
)
def test_after_the_close_only_a_rating_may_follow(after: Any) -> None:
    closed = StatusChange(at=_LOG_START.add(hours=1), status=Status.CLOSED)
    rating = SatisfactionResponse(at=_LOG_START.add(hours=1), score=5)
    assert check_log(_LOG_START, Priority.NORMAL, [closed, rating]) == _log_keys([closed, rating])
    with pytest.raises(ValidationError, match=r"'events\[1\]' must not follow the close"):
        check_log(_LOG_START, Priority.NORMAL, [closed, after])


def test_the_earliest_broken_rule_is_reported() -> None:
    at = _LOG_START.add(hours=1)
    events = [
        PriorityChange(at=at, priority=Priority.HIGH),
        StatusChange(at=at, status=Status.OPEN),
        StatusChange(at=at, status=Status.OPEN),  # the first broken rule
        PriorityChange(at=at, priority=Priority.HIGH),
        StatusChange(at=_LOG_START, status=Status.SOLVED),  # out of order, later
    ]
    with pytest.raises(ValidationError) as raised:
        check_log(_LOG_START, Priority.NORMAL, events)
    assert raised.value.field == "events[2].status"
    assert "(got open -> open)" in str(raised.value)
