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
_MAX_ID = 256

_fromisoformat = _dt.datetime.fromisoformat
_DateTime = pendulum.DateTime
_new = object.__new__
_NEW, _CLOSED = Status.NEW, Status.CLOSED
_PUBLIC = Visibility.PUBLIC

# Slot setters, fetched once: setting a slot through its descriptor skips the
# attribute lookup (and the frozen class's __setattr__) on every record.
_Message_at = Message.__dict__["at"].__set__
_Message_author = Message.__dict__["author"].__set__
_Message_visibility = Message.__dict__["visibility"].__set__
_Message_author_id = Message.__dict__["author_id"].__set__
_Message_work = Message.__dict__["work"].__set__
_StatusChange_at = StatusChange.__dict__["at"].__set__
_StatusChange_status = StatusChange.__dict__["status"].__set__
_Assignment_at = Assignment.__dict__["at"].__set__
_Assignment_agent_id = Assignment.__dict__["agent_id"].__set__
_Assignment_group = Assignment.__dict__["group"].__set__
_PriorityChange_at = PriorityChange.__dict__["at"].__set__
_PriorityChange_priority = PriorityChange.__dict__["priority"].__set__
_SatisfactionResponse_at = SatisfactionResponse.__dict__["at"].__set__
_SatisfactionResponse_score = SatisfactionResponse.__dict__["score"].__set__
_Interaction_id = Interaction.__dict__["id"].__set__
_Interaction_customer_id = Interaction.__dict__["customer_id"].__set__
_Interaction_channel = Interaction.__dict__["channel"].__set__
_Interaction_kind = Interaction.__dict__["kind"].__set__
_Interaction_priority = Interaction.__dict__["priority"].__set__
_Interaction_created_at = Interaction.__dict__["created_at"].__set__
_Interaction_tags = Interaction.__dict__["tags"].__set__
_Interaction_attributes = Interaction.__dict__["attributes"].__set__
_Interaction_events = Interaction.__dict__["events"].__set__


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

    text = record["created_at"]
    if type(text) is not str:
        return None
    previous = _fromisoformat(text)
    if named is None:
        local = previous
        created_at = _DateTime(
            local.year,
            local.month,
            local.day,
            local.hour,
            local.minute,
            local.second,
            local.microsecond,
            fixed_zones[local.tzinfo],
        )
    else:
        if previous.tzinfo not in fixed_zones:
            return None
        local = previous.astimezone(named)
        created_at = _DateTime(
            local.year,
            local.month,
            local.day,
            local.hour,
            local.minute,
            local.second,
            local.microsecond,
            named,
            fold=local.fold,
        )

    tags = record.get("tags", ())
    if type(tags) is not list and tags != ():
        return None
    for tag in tags:
        if tag not in _KNOWN_IDS:
            if not _is_id(tag):
                return None
            _remember(tag)
    attributes = record.get("attributes", {})
    if type(attributes) is not dict:
        return None
    for name, value in attributes.items():
        if type(name) is not str or not name or type(value) is not str:
            return None
    raw_events = record.get("events", ())
    if type(raw_events) is not list and raw_events != ():
        return None

    new, make = _new, _DateTime
    fromiso = _fromisoformat
    known_ids = _KNOWN_IDS
    events: list[Event] = []
    append = events.append
    status = _NEW
    current_priority = priority
    last_text, at = text, created_at
    for raw in raw_events:
        if type(raw) is not dict:
            return None
        text = raw["at"]
        if text != last_text:
            # Events often share an instant (a reply and the status change it makes):
            # parse and build each distinct timestamp once.
            if type(text) is not str:
                return None
            parsed = fromiso(text)
            if parsed < previous:
                return None
            previous = parsed
            last_text = text
            if named is None:
                at = make(
                    parsed.year,
                    parsed.month,
                    parsed.day,
                    parsed.hour,
                    parsed.minute,
                    parsed.second,
                    parsed.microsecond,
                    fixed_zones[parsed.tzinfo],
                )
            else:
                if parsed.tzinfo not in fixed_zones:
                    return None
                # Written as the zone's own wall time and offset (what the writer does):
                # the fields can be used as they are. Otherwise convert.
                local = (
                    parsed
                    if named.utcoffset(parsed) == parsed.utcoffset()
                    else parsed.astimezone(named)
                )
                # (tzinfo passed by position: keyword arguments cost the constructor
                # more than the rest of this line; fold only in a repeated hour.)
                at = (
                    make(
                        local.year,
                        local.month,
                        local.day,
                        local.hour,
                        local.minute,
                        local.second,
                        local.microsecond,
                        named,
                    )
                    if not local.fold
                    else make(
                        local.year,
                        local.month,
                        local.day,
                        local.hour,
                        local.minute,
                        local.second,
                        local.microsecond,
                        named,
                        fold=1,
                    )
                )
        kind_of = raw["type"]
        if status is _CLOSED and kind_of != "satisfaction":
            return None
        event: Event
        # Unknown keys: each branch counts the keys it reads (an explicit null
        # counts as absent) and declines when the record holds any other.
        if kind_of == "message":
            author_id = raw.get("author_id")
            work = raw.get("work")
            has_visibility = "visibility" in raw
            if len(raw) != 3 + has_visibility + (author_id is not None) + (work is not None):
                return None
            if author_id is not None and author_id not in known_ids:
                if not _is_id(author_id):
                    return None
                _remember(author_id)
            if work is not None:
                work = durations.get(work) or parse_work(work)
            event = new(Message)
            _Message_at(event, at)
            _Message_author(event, _ROLES[raw["author"]])
            _Message_visibility(
                event, _VISIBILITIES[raw["visibility"]] if has_visibility else _PUBLIC
            )
            _Message_author_id(event, author_id)
            _Message_work(event, work)
        elif kind_of == "status_change":
            if len(raw) != 3:  # type, at, status
                return None
            new_status = _STATUSES[raw["status"]]
            if new_status is status or new_status is _NEW:
                return None
            status = new_status
            event = new(StatusChange)
            _StatusChange_at(event, at)
            _StatusChange_status(event, new_status)
        elif kind_of == "assignment":
            agent_id = raw.get("agent_id")
            group = raw.get("group")
            if len(raw) != 2 + (agent_id is not None) + (group is not None):
                return None
            for name in (agent_id, group):
                if name is not None and name not in known_ids:
                    if not _is_id(name):
                        return None
                    _remember(name)
            event = new(Assignment)
            _Assignment_at(event, at)
            _Assignment_agent_id(event, agent_id)
            _Assignment_group(event, group)
        elif kind_of == "priority_change":
            if len(raw) != 3:  # type, at, priority
                return None
            new_priority = _PRIORITIES[raw["priority"]]
            if new_priority is current_priority:
                return None
            current_priority = new_priority
            event = new(PriorityChange)
            _PriorityChange_at(event, at)
            _PriorityChange_priority(event, new_priority)
        elif kind_of == "satisfaction":
            if len(raw) != 3:  # type, at, score
                return None
            score = raw["score"]
            if type(score) is not int or not 1 <= score <= 5:
                return None
            event = new(SatisfactionResponse)
            _SatisfactionResponse_at(event, at)
            _SatisfactionResponse_score(event, score)
        else:
            return None
        append(event)

    interaction = new(Interaction)
    _Interaction_id(interaction, identifier)
    _Interaction_customer_id(interaction, customer_id)
    _Interaction_channel(interaction, channel)
    _Interaction_kind(interaction, kind)
    _Interaction_priority(interaction, priority)
    _Interaction_created_at(interaction, created_at)
    _Interaction_tags(interaction, frozenset(tags))
    _Interaction_attributes(interaction, tuple(sorted(attributes.items())) if attributes else ())
    _Interaction_events(interaction, tuple(events))
    return interaction


# Ids seen valid before (agents and groups repeat across records); bounded.
_KNOWN_IDS: set[str] = set()
_MAX_KNOWN_IDS = 65_536


def _remember(name: str) -> None:
    if len(_KNOWN_IDS) < _MAX_KNOWN_IDS:
        _KNOWN_IDS.add(name)
