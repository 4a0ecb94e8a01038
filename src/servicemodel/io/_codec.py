"""Interactions, feedback and customers to and from JSON-ready dicts.

Records are written here, and feedback and customer records read; the
vocabulary tables, the record keys and the field-named errors are shared
with the interaction decoder (``_decoder``). Enum values are looked up in
dicts, timestamps go through ``datetime.fromisoformat`` into a
``pendulum.DateTime``, and a local ``field`` variable tracks what is being
decoded, so any failure names the exact field.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from typing import Any

import pendulum

from .._time import duration_micros, fixed_zone, from_micros, to_micros, zone
from .._validators import instance
from ..customers import Customer
from ..exceptions import ValidationError
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

__all__ = [
    "CHANNELS",
    "EVENT_KEYS",
    "INTERACTION_FIELDS",
    "INTERACTION_KEYS",
    "KINDS",
    "PRIORITIES",
    "ROLES",
    "STATUSES",
    "VISIBILITIES",
    "decode_customer",
    "decode_feedback",
    "encode_customer",
    "encode_feedback",
    "encode_interaction",
    "field_error",
    "format_duration",
    "parse_instant",
    "qualified",
    "unknown_field",
    "unknown_key",
]

#: The vocabularies of the record format: document value to enum member.
CHANNELS = {m.value: m for m in Channel}
KINDS = {m.value: m for m in Kind}
PRIORITIES = {m.value: m for m in Priority}
STATUSES = {m.value: m for m in Status}
ROLES = {m.value: m for m in Role}
VISIBILITIES = {m.value: m for m in Visibility}

#: Top-level fields of an interaction record, in the order they are written.
INTERACTION_FIELDS = (
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
    "opened_by",
)
INTERACTION_KEYS = frozenset(INTERACTION_FIELDS)
EVENT_KEYS = {
    "message": frozenset({"type", "at", "author", "visibility", "author_id", "work"}),
    "status_change": frozenset({"type", "at", "status"}),
    "priority_change": frozenset({"type", "at", "priority"}),
    "assignment": frozenset({"type", "at", "agent_id", "group"}),
    "satisfaction": frozenset({"type", "at", "score"}),
    "tag_change": frozenset({"type", "at", "added", "removed"}),
    "field_change": frozenset({"type", "at", "name", "value"}),
    "schedule_change": frozenset({"type", "at", "schedule"}),
    "policy_applied": frozenset({"type", "at", "policy"}),
    "target_applied": frozenset({"type", "at", "metric", "within", "calendar"}),
}


def _one_of(values: Mapping[str, object] | tuple[str, ...]) -> str:
    return "one of " + ", ".join(repr(v) for v in values)


_TIMESTAMP_RULE = (
    "an ISO 8601 timestamp with a UTC offset, e.g. '2024-06-10T09:00:00+01:00' or "
    "'2024-06-10T08:00:00Z'"
)
_RULES = {
    "id": "a non-empty string",
    "customer_id": "a non-empty string",
    "channel": _one_of(CHANNELS),
    "kind": _one_of(KINDS),
    "priority": _one_of(PRIORITIES),
    "created_at": _TIMESTAMP_RULE,
    "at": _TIMESTAMP_RULE,
    "acquired_at": _TIMESTAMP_RULE,
    "churned_at": _TIMESTAMP_RULE + " or null",
    "tags": "a list of strings",
    "attributes": "an object mapping names to strings",
    "events": "a list of event objects",
    "type": _one_of(tuple(EVENT_KEYS)),
    "status": _one_of(STATUSES),
    "author": _one_of(ROLES),
    "opened_by": _one_of(ROLES),
    "visibility": _one_of(VISIBILITIES),
    "work": "an ISO 8601 duration such as 'PT4M30S'",
    "score": "an integer",
    "timezone": "an IANA zone name such as 'Europe/London'",
    "stars": "an integer",
    "added": "a list of strings",
    "removed": "a list of strings",
    "name": "a non-empty string",
    "value": "a string or null",
    "schedule": "a non-empty string",
    "policy": "a non-empty string or null",
    "metric": "an SLA metric's name such as 'next_reply'",
    "within": "an ISO 8601 duration such as 'PT2H'",
    "calendar": "a calendar's name, '@schedule' or null",
}

# ------------------------------------------------------------------ instants

_fromisoformat = _dt.datetime.fromisoformat


def parse_instant(text: str, field: str) -> pendulum.DateTime:
    """Parse an ISO 8601 timestamp with offset into a pendulum DateTime (fixed-offset zone).

    >>> parse_instant("2024-06-10T09:00:00+01:00", "at")
    DateTime(2024, 6, 10, 9, 0, 0, tzinfo=FixedTimezone(3600, name="+01:00"))
    """
    parsed = _fromisoformat(text)
    return pendulum.DateTime(
        parsed.year,
        parsed.month,
        parsed.day,
        parsed.hour,
        parsed.minute,
        parsed.second,
        parsed.microsecond,
        tzinfo=fixed_zone(parsed, text, field),
    )


def _named_zone(name: object) -> _dt.tzinfo:
    return zone(name if isinstance(name, str) else repr(name), field="timezone")


def _shared_zone(*values: _dt.datetime | None) -> str | None:
    """The name of the one named zone every given instant is shown in, if there is one."""
    tz = None
    for value in values:
        if value is None:
            continue
        if type(value.tzinfo) is not pendulum.Timezone or value.tzinfo is pendulum.UTC:
            return None
        if tz is None:
            tz = value.tzinfo
        elif value.tzinfo is not tz:
            return None
    return tz.name if isinstance(tz, pendulum.Timezone) else None


def _in_zone(value: pendulum.DateTime, text: str, named: _dt.tzinfo | None) -> pendulum.DateTime:
    """Show a parsed instant in the record's named zone (keeping the instant and the fold)."""
    if named is None:
        return value
    del text
    return from_micros(to_micros(value), named)


def format_duration(value: _dt.timedelta) -> str:
    """Write a duration as ISO 8601 hours, minutes and (fractional) seconds.

    >>> format_duration(pendulum.duration(hours=1, minutes=2, seconds=3, microseconds=500))
    'PT1H2M3.0005S'
    >>> format_duration(pendulum.duration())
    'PT0S'
    """
    seconds, micros = divmod(duration_micros(value), 1_000_000)
    hours, rest = divmod(seconds, 3_600)
    minutes, seconds = divmod(rest, 60)
    text = "PT"
    if hours:
        text += f"{hours}H"
    if minutes:
        text += f"{minutes}M"
    if micros:
        text += f"{seconds}.{micros:06d}".rstrip("0") + "S"
    elif seconds or text == "PT":
        text += f"{seconds}S"
    return text


# ------------------------------------------------------------------ errors


def _describe(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def field_error(
    container: object,
    field: str,
    path: str,
    what: str = "record",
    rules: Mapping[str, str] | None = None,
) -> ValidationError:
    """The error for a failure while decoding *field* of *container* (at *path*)."""
    if not isinstance(container, dict):
        name = path or what
        return ValidationError(
            f"'{name}' must be a JSON object (got {_describe(container)})",
            field=path or None,
            value=container,
        )
    full = f"{path}.{field}" if path else field
    if field not in container:
        return ValidationError(f"'{full}' is required (got nothing)", field=full, value=None)
    value = container[field]
    rule = (rules or _RULES).get(field, "valid")
    return ValidationError(
        f"'{full}' must be {rule} (got {_describe(value)})", field=full, value=value
    )


def qualified(error: ValidationError, path: str) -> ValidationError:
    """Re-aim an error raised by a value class (field 'score') at its place ('events[2].score')."""
    field = error.field
    if field is None:
        return ValidationError(f"'{path}': {error.message}", field=path, value=error.value)
    full = f"{path}.{field}"
    message = error.message
    quoted = f"'{field}'"
    message = f"'{full}'" + message[len(quoted) :] if message.startswith(quoted) else message
    return ValidationError(message, field=full, value=error.value)


def unknown_key(
    container: Mapping[str, object], known: frozenset[str], path: str
) -> ValidationError | None:
    """The error naming the first key of *container* (sorted) not in *known*, or ``None``."""
    extra = sorted(k for k in container if k not in known)
    if not extra:
        return None
    full = f"{path}.{extra[0]}" if path else extra[0]
    where = f"'{path}'" if path else "the record"
    return ValidationError(
        f"'{full}' is not a field of {where}; known fields are {', '.join(sorted(known))} "
        f"(got {_describe(container[extra[0]])})",
        field=full,
        value=container[extra[0]],
    )


def unknown_field(container: Mapping[str, object], known: frozenset[str], path: str) -> None:
    """Raise the error naming a key of *container* not in *known*, if it holds one."""
    error = unknown_key(container, known, path)
    if error is not None:
        raise error


# ------------------------------------------------------------------ interactions

_EVENT_TYPES = {
    Message: "message",
    StatusChange: "status_change",
    PriorityChange: "priority_change",
    Assignment: "assignment",
    SatisfactionResponse: "satisfaction",
    TagChange: "tag_change",
    FieldChange: "field_change",
    ScheduleChange: "schedule_change",
    PolicyApplied: "policy_applied",
    TargetApplied: "target_applied",
}


def _encode_event(event: Event) -> dict[str, Any]:
    at = event.at.isoformat()
    if type(event) is Message:
        out: dict[str, Any] = {
            "type": "message",
            "at": at,
            "author": event.author.value,
            "visibility": event.visibility.value,
        }
        if event.author_id is not None:
            out["author_id"] = event.author_id
        if event.work is not None:
            out["work"] = format_duration(event.work)
        return out
    if type(event) is StatusChange:
        return {"type": "status_change", "at": at, "status": event.status.value}
    if type(event) is PriorityChange:
        return {"type": "priority_change", "at": at, "priority": event.priority.value}
    if type(event) is Assignment:
        out = {"type": "assignment", "at": at}
        if event.agent_id is not None:
            out["agent_id"] = event.agent_id
        if event.group is not None:
            out["group"] = event.group
        return out
    if type(event) is SatisfactionResponse:
        return {"type": "satisfaction", "at": at, "score": event.score}
    return _encode_routing_event(event, at)


def _encode_routing_event(
    event: TagChange | FieldChange | ScheduleChange | PolicyApplied | TargetApplied, at: str
) -> dict[str, Any]:
    """The record of a tag, field or schedule change, or of a vendor's SLA stamp."""
    if type(event) is TagChange:
        out: dict[str, Any] = {"type": "tag_change", "at": at}
        if event.added:
            out["added"] = sorted(event.added)
        if event.removed:
            out["removed"] = sorted(event.removed)
        return out
    if type(event) is FieldChange:
        return {"type": "field_change", "at": at, "name": event.name, "value": event.value}
    if type(event) is ScheduleChange:
        return {"type": "schedule_change", "at": at, "schedule": event.schedule}
    if type(event) is PolicyApplied:
        return {"type": "policy_applied", "at": at, "policy": event.policy}
    assert type(event) is TargetApplied
    out = {
        "type": "target_applied",
        "at": at,
        "metric": event.metric,
        "within": format_duration(event.within),
    }
    if event.calendar is not None:
        out["calendar"] = event.calendar
    return out


def encode_interaction(interaction: Interaction) -> dict[str, Any]:
    """Return the JSON-ready record of an interaction (see docs/reference/data-format.md)."""
    instance(interaction, Interaction, field="interaction")
    record = {
        "id": interaction.id,
        "customer_id": interaction.customer_id,
        "channel": interaction.channel.value,
        "kind": interaction.kind.value,
        "priority": interaction.priority.value,
        "created_at": interaction.created_at.isoformat(),
        "tags": sorted(interaction.tags),
        "attributes": dict(interaction.attributes),
        "events": [_encode_event(e) for e in interaction.events],
    }
    tz = interaction.created_at.tzinfo
    if (
        type(tz) is pendulum.Timezone
        and tz is not pendulum.UTC
        and all(e.at.tzinfo is tz for e in interaction.events)
    ):
        # Every timestamp is in one named zone: name it, so reading restores the zone.
        record["timezone"] = tz.name
    if interaction.opened_by is not Role.CUSTOMER:
        record["opened_by"] = interaction.opened_by.value
    return record


# ------------------------------------------------------------------ feedback and customers

_FEEDBACK_TYPES: dict[str, tuple[type[Feedback], str]] = {
    "csat": (CsatResponse, "score"),
    "nps": (NpsResponse, "score"),
    "ces": (CesResponse, "score"),
    "review": (Review, "stars"),
}
_FEEDBACK_NAMES = {cls: name for name, (cls, _) in _FEEDBACK_TYPES.items()}
_RESPONSE_KEYS = frozenset(
    {"type", "customer_id", "at", "channel", "interaction_id", "comment", "timezone"}
)
_FEEDBACK_KEYS = {
    "csat": _RESPONSE_KEYS | {"score"},
    "nps": _RESPONSE_KEYS | {"score"},
    "ces": _RESPONSE_KEYS | {"score"},
    "review": _RESPONSE_KEYS | {"stars", "source"},
}
_CUSTOMER_KEYS = frozenset({"id", "acquired_at", "segment", "tier", "churned_at", "timezone"})
_FEEDBACK_RULES = {**_RULES, "type": _one_of(tuple(_FEEDBACK_TYPES))}


def encode_feedback(item: Feedback) -> dict[str, Any]:
    """Return the JSON-ready record of a survey response or review."""
    name = _FEEDBACK_NAMES.get(type(item))
    if name is None:
        raise ValidationError(
            "'feedback' must be a CsatResponse, NpsResponse, CesResponse or Review "
            f"(got {type(item).__name__})",
            field="feedback",
            value=item,
        )
    out: dict[str, Any] = {"type": name, "customer_id": item.customer_id, "at": item.at.isoformat()}
    if item.channel is not None:
        out["channel"] = item.channel.value
    if item.interaction_id is not None:
        out["interaction_id"] = item.interaction_id
    if item.comment:
        out["comment"] = item.comment
    if isinstance(item, Review):
        out["stars"] = item.stars
        if item.source is not None:
            out["source"] = item.source
    else:
        out["score"] = item.score
    named = _shared_zone(item.at)
    if named is not None:
        out["timezone"] = named
    return out


def decode_feedback(record: Any) -> Feedback:
    """Build a survey response or review from its decoded JSON record.

    >>> decode_feedback({"type": "nps", "customer_id": "C-1",
    ...                  "at": "2024-06-10T09:00:00Z", "score": 11})
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'score' must be an integer from 0 to 10 (got 11)
    """
    field = "type"
    try:
        name = record["type"]
        cls, score_field = _FEEDBACK_TYPES[name]
        if not record.keys() <= _FEEDBACK_KEYS[name]:
            unknown_field(record, _FEEDBACK_KEYS[name], "")
        field = "customer_id"
        customer_id = record["customer_id"]
        field = "timezone"
        named = _named_zone(record["timezone"]) if "timezone" in record else None
        field = "at"
        at = _in_zone(parse_instant(record["at"], "at"), record["at"], named)
        field = "channel"
        channel = record.get("channel")
        channel = None if channel is None else CHANNELS[channel]
        field = score_field
        score = record[score_field]
        field = "comment"
        comment = record.get("comment", "")
        common: dict[str, Any] = {
            "customer_id": customer_id,
            "at": at,
            "channel": channel,
            "interaction_id": record.get("interaction_id"),
            "comment": comment,
        }
    except ValidationError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
        raise field_error(record, field, "", rules=_FEEDBACK_RULES) from None
    if cls is Review:
        return Review(stars=score, source=record.get("source"), **common)
    built: Feedback = cls(score=score, **common)
    return built


def encode_customer(customer: Customer) -> dict[str, Any]:
    """Return the JSON-ready record of a customer."""
    instance(customer, Customer, field="customer")
    out: dict[str, Any] = {"id": customer.id, "acquired_at": customer.acquired_at.isoformat()}
    if customer.segment is not None:
        out["segment"] = customer.segment
    if customer.tier is not None:
        out["tier"] = customer.tier
    if customer.churned_at is not None:
        out["churned_at"] = customer.churned_at.isoformat()
    named = _shared_zone(customer.acquired_at, customer.churned_at)
    if named is not None:
        out["timezone"] = named
    return out


def decode_customer(record: Any) -> Customer:
    """Build a customer from its decoded JSON record.

    >>> decode_customer({"id": "C-1", "acquired_at": "2024-06-10T09:00:00"})
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'acquired_at' must be timezone-aware (got naive '2024-06-10T09:00:00'); ...
    """
    field = "id"
    try:
        if not record.keys() <= _CUSTOMER_KEYS:
            unknown_field(record, _CUSTOMER_KEYS, "")
        identifier = record["id"]
        field = "timezone"
        named = _named_zone(record["timezone"]) if "timezone" in record else None
        field = "acquired_at"
        text = record["acquired_at"]
        acquired_at = _in_zone(parse_instant(text, "acquired_at"), text, named)
        field = "churned_at"
        churned = record.get("churned_at")
        churned_at = (
            None
            if churned is None
            else _in_zone(parse_instant(churned, "churned_at"), churned, named)
        )
    except ValidationError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
        raise field_error(record, field, "") from None
    return Customer(
        id=identifier,
        acquired_at=acquired_at,
        segment=record.get("segment"),
        tier=record.get("tier"),
        churned_at=churned_at,
    )


#: Signature shared by the decoders above.
Decoder = Callable[[Any], Any]
