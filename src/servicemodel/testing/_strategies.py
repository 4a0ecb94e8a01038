"""The strategies behind :mod:`servicemodel.testing`."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence

import pendulum
from hypothesis import strategies as st

from .._time import from_micros, to_micros
from ..customers import Customer
from ..feedback import CesResponse, CsatResponse, Feedback, NpsResponse, Review
from ..interactions import (
    Assignment,
    Channel,
    Event,
    FieldChange,
    Interaction,
    Kind,
    Message,
    PolicyApplied,
    Priority,
    PriorityChange,
    Role,
    SatisfactionResponse,
    ScheduleChange,
    Status,
    StatusChange,
    TagChange,
    TargetApplied,
    Visibility,
)

#: Zones with DST, half-hour and 45-minute offsets, and a fixed offset, UTC first.
DEFAULT_ZONES: tuple[str, ...] = (
    "UTC",
    "Europe/London",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
)
_MIN = pendulum.datetime(2000, 1, 1)
_MAX = pendulum.datetime(2037, 12, 31)
_HOUR = 3_600_000_000
_DAY = 24 * _HOUR


def timezones(names: Sequence[str] = DEFAULT_ZONES) -> st.SearchStrategy[_dt.tzinfo]:
    """Draw a pendulum timezone from *names* (plus fixed offsets), shrinking to UTC.

    >>> from hypothesis import given
    >>> @given(timezones())
    ... def check(value):
    ...     assert value is not None
    >>> check()
    """
    named = st.sampled_from([pendulum.timezone(n) for n in names])
    fixed = st.integers(-14 * 60, 14 * 60).map(lambda m: pendulum.FixedTimezone(m * 60))
    return st.one_of(named, fixed)


def instants(
    *,
    min_value: _dt.datetime = _MIN,
    max_value: _dt.datetime = _MAX,
    zones: st.SearchStrategy[_dt.tzinfo] | None = None,
) -> st.SearchStrategy[pendulum.DateTime]:
    """Draw aware instants between two bounds, shown in a drawn zone, to the microsecond.

    >>> from hypothesis import given
    >>> @given(instants())
    ... def check(value):
    ...     assert value.tzinfo is not None
    >>> check()
    """
    low, high = to_micros(min_value), to_micros(max_value)
    return st.builds(
        from_micros, st.integers(low, high), zones if zones is not None else timezones()
    )


def identifiers() -> st.SearchStrategy[str]:
    """Draw ids: 1 to 12 letters, digits, punctuation or symbols (no blanks).

    >>> from hypothesis import given
    >>> @given(identifiers())
    ... def check(value):
    ...     assert value != ""
    >>> check()
    """
    return st.text(
        st.characters(codec="utf-8", categories=("L", "N", "P", "S")), min_size=1, max_size=12
    )


_texts = st.text(st.characters(codec="utf-8"), min_size=0, max_size=20)


def _duration(micros: int) -> pendulum.Duration:
    return pendulum.Duration(microseconds=micros)


_ROUTING = ("tags", "field", "schedule", "policy", "target")
_TAGS = ("a", "b", "c")
_METRICS = ("first_reply", "next_reply", "periodic_update", "requester_wait", "agent_work")


def _routing_event(choice: str, at: pendulum.DateTime) -> st.SearchStrategy[Event]:
    """A tag, field or schedule change, or a helpdesk's SLA stamp, at *at*."""
    if choice == "tags":
        return st.tuples(
            st.frozensets(st.sampled_from(_TAGS), max_size=2),
            st.frozensets(st.sampled_from(_TAGS), max_size=2),
        ).map(
            lambda pair: TagChange(
                at=at, added=pair[0] or {"a"}, removed=pair[1] - (pair[0] or {"a"})
            )
        )
    if choice == "field":
        return st.builds(
            FieldChange,
            at=st.just(at),
            name=st.sampled_from(("form", "brand")),
            value=st.none() | st.sampled_from(("x", "y")),
        )
    if choice == "schedule":
        return st.builds(
            ScheduleChange, at=st.just(at), schedule=st.sampled_from(("north", "south"))
        )
    if choice == "policy":
        return st.builds(
            PolicyApplied, at=st.just(at), policy=st.none() | st.sampled_from(("P0", "P1", "P2"))
        )
    return st.builds(
        TargetApplied,
        at=st.just(at),
        metric=st.sampled_from(_METRICS),
        within=st.integers(1, 8).map(lambda h: pendulum.duration(hours=h)),
        calendar=st.sampled_from((None, "@schedule", "north")),
    )


@st.composite
def interactions(
    draw: st.DrawFn,
    *,
    max_events: int = 12,
    channels: Sequence[Channel] = tuple(Channel),
    routing: bool = False,
) -> Interaction:
    """Draw a valid interaction with up to *max_events* events in time order.

    Status changes only change the status, never return to ``new``, and nothing
    but satisfaction responses follows ``closed``; priority changes change the
    priority; gaps between events run from 0 to 3 days. With *routing*, the
    log also holds tag, field and schedule changes and a helpdesk's SLA
    stamps (``PolicyApplied``, ``TargetApplied``), drawn from small
    vocabularies (tags ``a``-``c``, fields ``form`` and ``brand``, schedules
    ``north`` and ``south``, policies ``P0``-``P2``) so that they matter.

    >>> from hypothesis import given
    >>> @given(interactions(max_events=3))
    ... def check(value):
    ...     assert value.id != ""
    >>> check()
    """
    created = draw(instants())
    zone = created.tzinfo
    assert zone is not None
    status = Status.NEW
    priority = draw(st.sampled_from(Priority))
    initial_priority = priority
    moment = to_micros(created)
    events: list[Event] = []
    for _ in range(draw(st.integers(0, max_events))):
        moment += draw(st.one_of(st.just(0), st.integers(0, 3 * _DAY)))
        at = from_micros(moment, zone)
        choices = (
            ["satisfaction"]
            if status is Status.CLOSED
            else [
                "message",
                "message",
                "status",
                "priority",
                "assignment",
                "satisfaction",
                *(_ROUTING if routing else ()),
            ]
        )
        choice = draw(st.sampled_from(choices))
        if choice == "message":
            work = draw(st.none() | st.integers(0, 2 * _HOUR).map(_duration))
            events.append(
                Message(
                    at=at,
                    author=draw(st.sampled_from(Role)),
                    visibility=draw(st.sampled_from(Visibility)),
                    author_id=draw(st.none() | identifiers()),
                    work=work,
                )
            )
        elif choice == "status":
            status = draw(st.sampled_from([s for s in Status if s not in (status, Status.NEW)]))
            events.append(StatusChange(at=at, status=status))
        elif choice == "priority":
            priority = draw(st.sampled_from([p for p in Priority if p is not priority]))
            events.append(PriorityChange(at=at, priority=priority))
        elif choice == "assignment":
            events.append(
                Assignment(
                    at=at,
                    agent_id=draw(st.none() | identifiers()),
                    group=draw(st.none() | identifiers()),
                )
            )
        elif choice == "satisfaction":
            events.append(SatisfactionResponse(at=at, score=draw(st.integers(1, 5))))
        else:
            events.append(draw(_routing_event(choice, at)))
    return Interaction(
        id=draw(identifiers()),
        customer_id=draw(identifiers()),
        channel=draw(st.sampled_from(tuple(channels))),
        kind=draw(st.sampled_from(Kind)),
        priority=initial_priority,
        created_at=created,
        tags=draw(st.frozensets(identifiers(), max_size=3)),
        attributes=draw(st.dictionaries(identifiers(), _texts, max_size=3)),
        events=events,
    )


def _response_fields() -> dict[str, st.SearchStrategy[object]]:
    return {
        "customer_id": identifiers(),
        "at": instants(),
        "channel": st.none() | st.sampled_from(Channel),
        "interaction_id": st.none() | identifiers(),
        "comment": _texts,
    }


def csat_responses() -> st.SearchStrategy[CsatResponse]:
    """Draw CSAT responses (1-5).

    >>> from hypothesis import given
    >>> @given(csat_responses())
    ... def check(value):
    ...     assert 1 <= value.score <= 5
    >>> check()
    """
    return st.builds(CsatResponse, score=st.integers(1, 5), **_response_fields())


def nps_responses() -> st.SearchStrategy[NpsResponse]:
    """Draw NPS responses (0-10).

    >>> from hypothesis import given
    >>> @given(nps_responses())
    ... def check(value):
    ...     assert 0 <= value.score <= 10
    >>> check()
    """
    return st.builds(NpsResponse, score=st.integers(0, 10), **_response_fields())


def ces_responses() -> st.SearchStrategy[CesResponse]:
    """Draw CES responses (1-7).

    >>> from hypothesis import given
    >>> @given(ces_responses())
    ... def check(value):
    ...     assert 1 <= value.score <= 7
    >>> check()
    """
    return st.builds(CesResponse, score=st.integers(1, 7), **_response_fields())


def reviews() -> st.SearchStrategy[Review]:
    """Draw reviews (1-5 stars, with or without a source).

    >>> from hypothesis import given
    >>> @given(reviews())
    ... def check(value):
    ...     assert 1 <= value.stars <= 5
    >>> check()
    """
    return st.builds(
        Review, stars=st.integers(1, 5), source=st.none() | identifiers(), **_response_fields()
    )


def feedback() -> st.SearchStrategy[Feedback]:
    """Draw any kind of feedback.

    >>> from hypothesis import given
    >>> @given(feedback())
    ... def check(value):
    ...     assert value is not None
    >>> check()
    """
    return st.one_of(csat_responses(), nps_responses(), ces_responses(), reviews())


@st.composite
def customers(draw: st.DrawFn) -> Customer:
    """Draw customers; a churn date, when present, is not before acquisition.

    >>> from hypothesis import given
    >>> @given(customers())
    ... def check(c):
    ...     assert c.churned_at is None or c.churned_at >= c.acquired_at
    >>> check()
    """
    acquired = draw(instants(max_value=pendulum.datetime(2030, 1, 1)))
    churned = draw(st.none() | instants(min_value=acquired))
    return Customer(
        id=draw(identifiers()),
        acquired_at=acquired,
        segment=draw(st.none() | identifiers()),
        tier=draw(st.none() | identifiers()),
        churned_at=churned,
    )
