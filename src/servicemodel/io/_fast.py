"""The fast path for decoding interaction records.

Most records in a real file are ordinary. This module decodes an ordinary
record straight into the value classes, checking every rule the classes
check, but in one tight loop and without their per-field converters. The
moment anything is unusual (an unknown key, a value of an unexpected type, a
zone not yet cached, a rule broken) it gives up and returns ``None``; the
caller then decodes the record the ordinary way, which either builds the
same value or raises the precise, field-named error.

So the fast path only has to be *sufficient*: whatever it accepts must be
valid. A property test holds it to that: on generated records and on
records mutated at random, it either declines or returns exactly what the
ordinary path returns.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any

import pendulum

from ..interactions import (
    Assignment,
    Channel,
    Event,
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

__all__ = ["fast_interaction"]

_CHANNELS = {m.value: m for m in Channel}
_KINDS = {m.value: m for m in Kind}
_PRIORITIES = {m.value: m for m in Priority}
_STATUSES = {m.value: m for m in Status}
_ROLES = {m.value: m for m in Role}
_VISIBILITIES = {m.value: m for m in Visibility}
_INTERACTION_KEYS = frozenset(
    {
        "id",
        "customer_id",
        "channel",
        "kind",
        "priority",
        "created_at",
        "tags",
        "attributes",
        "events",
        "timezone",
    }
)
_MESSAGE_KEYS = frozenset({"type", "at", "author", "visibility", "author_id", "work"})
_STATUS_KEYS = frozenset({"type", "at", "status"})
_PRIORITY_KEYS = frozenset({"type", "at", "priority"})
_ASSIGNMENT_KEYS = frozenset({"type", "at", "agent_id", "group"})
_SATISFACTION_KEYS = frozenset({"type", "at", "score"})
_MAX_ID = 256

_fromisoformat = _dt.datetime.fromisoformat
_DateTime = pendulum.DateTime
_new = object.__new__
_set = object.__setattr__
_NEW, _CLOSED = Status.NEW, Status.CLOSED
_PUBLIC = Visibility.PUBLIC


def _is_id(value: object) -> bool:
    return type(value) is str and 0 < len(value) <= _MAX_ID and value == value.strip()


def fast_interaction(
    record: Any,
    fixed_zones: dict[object, _dt.tzinfo],
    named_zones: dict[object, _dt.tzinfo],
    durations: dict[object, pendulum.Duration],
    parse_work: Callable[[object], pendulum.Duration],
) -> Interaction | None:
    """Decode an ordinary record, or return ``None`` to defer to the ordinary path.

    *fixed_zones* maps a parsed offset's tzinfo to the pendulum zone to use and
    *named_zones* a zone name to its pendulum zone: the caches the ordinary
    path fills; a zone not in them defers. *durations* caches work texts;
    *parse_work* parses one that is not cached (raising ``ValueError`` on a
    bad one, which defers too).
    """
    try:
        return _decode(record, fixed_zones, named_zones, durations, parse_work)
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
        return None


def _decode(
    record: Any,
    fixed_zones: dict[object, _dt.tzinfo],
    named_zones: dict[object, _dt.tzinfo],
    durations: dict[object, pendulum.Duration],
    parse_work: Callable[[object], pendulum.Duration],
) -> Interaction | None:
    if type(record) is not dict or not record.keys() <= _INTERACTION_KEYS:
        return None
    identifier = record["id"]
    customer_id = record["customer_id"]
    if not (_is_id(identifier) and _is_id(customer_id)):
        return None
    channel = _CHANNELS[record["channel"]]
    kind = _KINDS[record["kind"]] if "kind" in record else Kind.ENQUIRY
    priority = _PRIORITIES[record["priority"]] if "priority" in record else Priority.NORMAL
    named = named_zones[record["timezone"]] if "timezone" in record else None

    def instant(text: object) -> tuple[_dt.datetime, pendulum.DateTime]:
        if type(text) is not str:
            raise TypeError
        parsed = _fromisoformat(text)
        if named is None:
            zone = fixed_zones[parsed.tzinfo]
            return parsed, _DateTime(
                parsed.year,
                parsed.month,
                parsed.day,
                parsed.hour,
                parsed.minute,
                parsed.second,
                parsed.microsecond,
                tzinfo=zone,
            )
        if parsed.tzinfo not in fixed_zones:
            raise KeyError
        local = parsed.astimezone(named)
        return parsed, _DateTime(
            local.year,
            local.month,
            local.day,
            local.hour,
            local.minute,
            local.second,
            local.microsecond,
            tzinfo=named,
            fold=local.fold,
        )

    previous, created_at = instant(record["created_at"])

    tags = record.get("tags", ())
    if type(tags) is not list and tags != ():
        return None
    for tag in tags:
        if type(tag) is not str or not tag or tag != tag.strip():
            return None
    attributes = record.get("attributes", {})
    if type(attributes) is not dict:
        return None
    for name, text in attributes.items():
        if not name or type(text) is not str:
            return None
    raw_events = record.get("events", ())
    if type(raw_events) is not list and raw_events != ():
        return None

    events: list[Event] = []
    status = _NEW
    current_priority = priority
    for raw in raw_events:
        if type(raw) is not dict:
            return None
        parsed, at = instant(raw["at"])
        if parsed < previous:
            return None
        previous = parsed
        kind_of = raw["type"]
        if status is _CLOSED and kind_of != "satisfaction":
            return None
        event: Event
        if kind_of == "message":
            if not raw.keys() <= _MESSAGE_KEYS:
                return None
            author_id = raw.get("author_id")
            if author_id is not None and not _is_id(author_id):
                return None
            work = raw.get("work")
            if work is not None:
                work = durations.get(work) or parse_work(work)
            event = _new(Message)
            _set(event, "at", at)
            _set(event, "author", _ROLES[raw["author"]])
            _set(
                event,
                "visibility",
                _VISIBILITIES[raw["visibility"]] if "visibility" in raw else _PUBLIC,
            )
            _set(event, "author_id", author_id)
            _set(event, "work", work)
        elif kind_of == "status_change":
            if not raw.keys() <= _STATUS_KEYS:
                return None
            new_status = _STATUSES[raw["status"]]
            if new_status is status or new_status is _NEW:
                return None
            status = new_status
            event = _new(StatusChange)
            _set(event, "at", at)
            _set(event, "status", new_status)
        elif kind_of == "assignment":
            if not raw.keys() <= _ASSIGNMENT_KEYS:
                return None
            agent_id = raw.get("agent_id")
            group = raw.get("group")
            if (agent_id is not None and not _is_id(agent_id)) or (
                group is not None and not _is_id(group)
            ):
                return None
            event = _new(Assignment)
            _set(event, "at", at)
            _set(event, "agent_id", agent_id)
            _set(event, "group", group)
        elif kind_of == "priority_change":
            if not raw.keys() <= _PRIORITY_KEYS:
                return None
            new_priority = _PRIORITIES[raw["priority"]]
            if new_priority is current_priority:
                return None
            current_priority = new_priority
            event = _new(PriorityChange)
            _set(event, "at", at)
            _set(event, "priority", new_priority)
        elif kind_of == "satisfaction":
            if not raw.keys() <= _SATISFACTION_KEYS:
                return None
            score = raw["score"]
            if type(score) is not int or not 1 <= score <= 5:
                return None
            event = _new(SatisfactionResponse)
            _set(event, "at", at)
            _set(event, "score", score)
        else:
            return None
        events.append(event)

    interaction = _new(Interaction)
    _set(interaction, "id", identifier)
    _set(interaction, "customer_id", customer_id)
    _set(interaction, "channel", channel)
    _set(interaction, "kind", kind)
    _set(interaction, "priority", priority)
    _set(interaction, "created_at", created_at)
    _set(interaction, "tags", frozenset(tags))
    _set(interaction, "attributes", tuple(sorted(attributes.items())))
    _set(interaction, "events", tuple(events))
    return interaction
