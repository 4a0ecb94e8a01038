"""The rules of an interaction's log (``check_log``) against a naive event-by-event reading.

``check_log`` asks each rule of whole sequences; the model here reads the log
one event at a time, as a person would, and stops at the first broken rule.
Both must refuse the same logs, naming the same event and the same rule.
"""

from __future__ import annotations

from typing import Any

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicemodel._time import to_micros
from servicemodel.exceptions import ValidationError
from servicemodel.interactions import (
    Message,
    Priority,
    PriorityChange,
    Role,
    SatisfactionResponse,
    Status,
    StatusChange,
    check_log,
)

START = pendulum.datetime(2024, 6, 10, 9)
EVENTS = (Message, StatusChange, PriorityChange, SatisfactionResponse)


def naive(priority: Priority, events: list[Any]) -> tuple[str, str] | None:
    """The first broken rule as (field, what), reading event by event; None if none is."""
    status, previous = Status.NEW, START
    for index, event in enumerate(events):
        if not isinstance(event, EVENTS):
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


_WHAT = {
    "not an event": "must be an interaction event",
    "order": "must not be before",
    "after close": "must not follow the close",
    "transition": "must change the status",
    "priority": "must change the priority",
}


@st.composite
def logs(draw: st.DrawFn) -> list[Any]:
    """Short logs from few values, so that every rule is broken often, alone and together."""
    minutes = 0
    events: list[Any] = []
    for _ in range(draw(st.integers(0, 9))):
        minutes += draw(st.sampled_from([0, 0, 5, 30, -10]))
        at = START.add(minutes=max(minutes, -20))
        kind = draw(st.integers(0, 9))
        if kind <= 3:
            events.append(StatusChange(at=at, status=draw(st.sampled_from(list(Status)))))
        elif kind <= 5:
            events.append(Message(at=at, author=Role.AGENT))
        elif kind <= 7:
            events.append(SatisfactionResponse(at=at, score=draw(st.integers(1, 5))))
        elif kind == 8:
            events.append(PriorityChange(at=at, priority=draw(st.sampled_from(list(Priority)))))
        else:
            events.append(draw(st.sampled_from(["not an event", None, at])))
    return events


@settings(max_examples=300)
@given(st.sampled_from(list(Priority)), logs())
def test_check_log_refuses_what_a_reading_event_by_event_refuses(
    priority: Priority, events: list[Any]
) -> None:
    expected = naive(priority, events)
    for keys in (None, _keys(events)):
        if expected is None:
            assert check_log(START, priority, events, keys) == _keys(events)
            continue
        with pytest.raises(ValidationError) as raised:
            check_log(START, priority, events, keys)
        field, what = expected
        assert raised.value.field == field
        assert _WHAT[what] in str(raised.value)


def _keys(events: list[Any]) -> list[int]:
    """What the decoder passes: the instants in epoch microseconds (0 for a non-event)."""
    return [to_micros(START)] + [
        to_micros(event.at) if isinstance(event, EVENTS) else 0 for event in events
    ]


def test_a_status_change_after_the_close_is_refused_as_following_it() -> None:
    at = START.add(hours=1)
    events = [StatusChange(at=at, status=Status.CLOSED), StatusChange(at=at, status=Status.OPEN)]
    with pytest.raises(ValidationError, match=r"'events\[1\]' must not follow the close"):
        check_log(START, Priority.NORMAL, events)


def test_the_earliest_broken_rule_is_reported() -> None:
    at = START.add(hours=1)
    events = [
        PriorityChange(at=at, priority=Priority.HIGH),
        StatusChange(at=at, status=Status.OPEN),
        StatusChange(at=at, status=Status.OPEN),  # the first broken rule
        PriorityChange(at=at, priority=Priority.HIGH),
        StatusChange(at=START, status=Status.SOLVED),  # out of order, later
    ]
    with pytest.raises(ValidationError) as raised:
        check_log(START, Priority.NORMAL, events)
    assert raised.value.field == "events[2].status"
    assert "(got open -> open)" in str(raised.value)
