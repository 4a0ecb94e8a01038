"""Interaction records to Interactions: the one decoder.

Decoding is the hot path of every reader, so it is written for speed, and
it is the only implementation: there is no second, slower path to fall back
on. Each field is read once and checked once, by the rule the value classes
use themselves (the attrs validators and converters of the fields, and
:func:`~servicemodel.interactions.check_log` for the order and transitions
of the log); values that need no check (enum members looked up in tables,
instants built here with their zone) are set on the new objects directly.
A local ``field`` variable tracks what is being decoded, so any failure names
the exact field (``events[3].status``).

A :class:`InteractionDecoder` owns its caches (zones met, work durations
parsed, ids already checked); a reader makes one per file.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from typing import Any, Final, cast

import attrs
import pendulum

from .._log._facts import keep_event_us
from .._time import ZONES, ZoneStretches, parse_duration, read_instant
from .._validators import non_empty_str, text_problem
from ..exceptions import ValidationError
from ..interactions import (
    Assignment,
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
    StatusChange,
    TagChange,
    TargetApplied,
    Visibility,
    check_log,
)
from ._codec import (
    CHANNELS,
    EVENT_KEYS,
    INTERACTION_KEYS,
    KINDS,
    PRIORITIES,
    ROLES,
    STATUSES,
    VISIBILITIES,
    field_error,
    qualified,
    unknown_field,
    unknown_key,
)

__all__ = ["InteractionDecoder", "decode_interaction"]

_new: Final = object.__new__
# The members a record's defaults are (why held: see servicemodel._log._vocabulary).
_PUBLIC: Final = Visibility.PUBLIC
_ENQUIRY: Final = Kind.ENQUIRY
_NORMAL: Final = Priority.NORMAL
_CUSTOMER: Final = Role.CUSTOMER
_DECODE_ERRORS: Final = (KeyError, TypeError, ValueError, AttributeError, OverflowError)
_MAX_CACHED: Final = 8_192

Rule = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def _validator(cls: type, name: str) -> tuple[attrs.Attribute[Any], Rule]:
    """A field of a value class with its own validator: the rule the class applies."""
    attribute = getattr(attrs.fields(cls), name)
    assert attribute.validator is not None
    return attribute, attribute.validator


def _converter(cls: type, name: str) -> Callable[[Any], Any]:
    """A field's own converter: the normalisation (and checks) the class applies."""
    converter = getattr(attrs.fields(cls), name).converter
    assert callable(converter)
    return cast(Callable[[Any], Any], converter)


# The field rules, taken from the classes themselves.
_ID = _validator(Interaction, "id")
_CUSTOMER_ID = _validator(Interaction, "customer_id")
_AUTHOR_ID = _validator(Message, "author_id")
_AGENT_ID = _validator(Assignment, "agent_id")
_GROUP = _validator(Assignment, "group")
_SCORE = _validator(SatisfactionResponse, "score")
if _ID[1] is not non_empty_str or _CUSTOMER_ID[1] is not non_empty_str:  # pragma: no cover
    raise TypeError("an interaction's ids are no longer checked by the text rule: see decode")
_TAGS = _converter(Interaction, "tags")
_ATTRIBUTES = _converter(Interaction, "attributes")
_WORK = _converter(Message, "work")


def _setters(cls: type, *names: str) -> tuple[Any, ...]:
    # A frozen slotted class's slot descriptors: setting through them skips the
    # class's __setattr__ (which refuses), once the value passed the field's rule.
    return tuple(cls.__dict__[name].__set__ for name in names)


_M_AT, _M_AUTHOR, _M_VISIBILITY, _M_AUTHOR_ID, _M_WORK = _setters(
    Message, "at", "author", "visibility", "author_id", "work"
)
_S_AT, _S_STATUS = _setters(StatusChange, "at", "status")
_A_AT, _A_AGENT_ID, _A_GROUP = _setters(Assignment, "at", "agent_id", "group")
_P_AT, _P_PRIORITY = _setters(PriorityChange, "at", "priority")
_R_AT, _R_SCORE = _setters(SatisfactionResponse, "at", "score")
(
    _I_ID,
    _I_CUSTOMER_ID,
    _I_CHANNEL,
    _I_KIND,
    _I_PRIORITY,
    _I_CREATED_AT,
    _I_TAGS,
    _I_ATTRIBUTES,
    _I_EVENTS,
    _I_OPENED_BY,
) = _setters(
    Interaction,
    "id",
    "customer_id",
    "channel",
    "kind",
    "priority",
    "created_at",
    "tags",
    "attributes",
    "events",
    "opened_by",
)


class InteractionDecoder:
    """Build Interactions from decoded JSON records, naming the field of any error.

    Keeps, for the records it decodes, the zones it met, the work durations
    it parsed and the names it already checked (tags, agents, groups), so a
    file's repeated values are handled once (at most 8,192 of each).

    >>> decoder = InteractionDecoder()
    >>> ticket = decoder.decode({"id": "T-1", "customer_id": "C-1", "channel": "chat",
    ...                          "created_at": "2024-06-10T09:00:00Z"})
    >>> ticket.channel.value
    'chat'
    >>> decoder.decode({"id": "T-1", "customer_id": "C-1", "channel": "chat",
    ...                 "created_at": "2024-06-10T09:00:00Z",
    ...                 "events": [{"type": "status_change", "at": "2024-06-10T08:00:00Z",
    ...                             "status": "open"}]})
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'events[0].at' must not be before 'created_at' (got 2024-06-10T08:00:00+00:00 < 2024-06-10T09:00:00+00:00)
    """

    __slots__ = ("_durations", "_fixed", "_ids", "_named", "_tag_names")

    def __init__(self) -> None:
        self._fixed: dict[object, _dt.tzinfo] = {_dt.UTC: pendulum.UTC}
        #: Zones met, by name, as their stretches (what ``read_instant`` reads in).
        self._named: dict[object, ZoneStretches] = {}
        self._durations: dict[object, pendulum.Duration] = {}
        self._ids: set[str] = set()
        #: Tags met: kept apart from ``_ids``, as a tag's rule is not an id's (no length bound).
        self._tag_names: set[str] = set()

    def decode(self, record: Any) -> Interaction:
        """Return the interaction of one record, or raise ValidationError naming the field."""
        field = "id"
        try:
            if not record.keys() <= INTERACTION_KEYS:
                unknown_field(record, INTERACTION_KEYS, "")
            identifier = record["id"]
            field = "customer_id"
            customer_id = record["customer_id"]
            field = "channel"
            channel = CHANNELS[record["channel"]]
            field = "kind"
            kind = KINDS[record["kind"]] if "kind" in record else _ENQUIRY
            field = "priority"
            priority = PRIORITIES[record["priority"]] if "priority" in record else _NORMAL
            field = "timezone"
            named = None
            if "timezone" in record:
                name = record["timezone"]
                named = self._named.get(name) if type(name) is str else None
                if named is None:
                    named = self._zone_named(name)
            field = "created_at"
            text = record["created_at"]
            created_at, created_us = read_instant(text, named, self._fixed, "created_at")
            field = "tags"
            tags = record.get("tags", ())
            if type(tags) is not list and tags != ():
                raise TypeError
            field = "attributes"
            attributes = record.get("attributes", ())
            if type(attributes) is not dict and attributes != ():
                raise TypeError
            field = "opened_by"
            opened_by = ROLES[record["opened_by"]] if "opened_by" in record else _CUSTOMER
            field = "events"
            raw_events = record.get("events", ())
            if type(raw_events) is not list and raw_events != ():
                raise TypeError
        except ValidationError:
            raise
        except _DECODE_ERRORS:
            raise field_error(record, field, "") from None
        # Record ids are unique and customers' ids mostly so (a file names tens of
        # thousands): checked each time, never remembered (``_ids`` keeps the names a
        # file repeats: agents', groups').
        # Their rule is the text rule (``non_empty_str`` asks ``text_problem``), asked
        # directly: the class's validator then raises its error for a problem found.
        if text_problem(identifier) is not None:
            _ID[1](None, _ID[0], identifier)
        if text_problem(customer_id) is not None:
            _CUSTOMER_ID[1](None, _CUSTOMER_ID[0], customer_id)
        events, keys = self._events(raw_events, created_at, created_us, text, named)
        check_log(created_at, priority, events, keys)
        interaction = _new(Interaction)
        _I_ID(interaction, identifier)
        _I_CUSTOMER_ID(interaction, customer_id)
        _I_CHANNEL(interaction, channel)
        _I_KIND(interaction, kind)
        _I_PRIORITY(interaction, priority)
        _I_CREATED_AT(interaction, created_at)
        _I_TAGS(interaction, self._tags(tags))
        _I_ATTRIBUTES(interaction, _ATTRIBUTES(attributes) if attributes else ())
        _I_EVENTS(interaction, events)
        _I_OPENED_BY(interaction, opened_by)
        keep_event_us(interaction, created_us, tuple(keys[1:]))  # read once, here
        return interaction

    # ------------------------------------------------------------------ fields

    def _check_id(self, field: tuple[attrs.Attribute[Any], Rule], value: object) -> None:
        """The field's own rule (non-empty, no surrounding blanks, bounded) for an id not met yet.

        The callers look the id up in ``_ids`` first (a string only: a list is
        unhashable), which saves this call for the names a file repeats.
        """
        attribute, rule = field
        rule(None, attribute, value)
        if len(self._ids) < _MAX_CACHED:
            self._ids.add(value)  # type: ignore[arg-type]  # the rule passed: a str

    def _tags(self, tags: list[Any] | tuple[()]) -> frozenset[str]:
        try:
            # Only strings that passed the rule are remembered, so a known set is valid.
            if self._tag_names.issuperset(tags):
                return frozenset(tags)
        except TypeError:  # an unhashable tag: the rule below names it
            pass
        checked: frozenset[str] = _TAGS(tags)
        if len(self._tag_names) < _MAX_CACHED:
            self._tag_names.update(checked)
        return checked

    def _zone_named(self, name: object) -> ZoneStretches:
        """The zone of a name not met yet (``decode`` looks it up in ``_named`` first)."""
        found = ZONES.stretches(
            ZONES.zone(name if isinstance(name, str) else repr(name), field="timezone")
        )
        if len(self._named) < _MAX_CACHED:
            self._named[name] = found
        return found

    def _work(self, text: object) -> pendulum.Duration:
        found: pendulum.Duration = _WORK(parse_duration(text, field="work", allow_zero=True))
        if len(self._durations) < _MAX_CACHED:
            self._durations[text] = found
        return found

    # ------------------------------------------------------------------ events

    def _events(
        self,
        raw_events: list[Any] | tuple[()],
        created_at: pendulum.DateTime,
        created_us: int,
        created_text: str,
        named: ZoneStretches | None,
    ) -> tuple[tuple[Event, ...], list[int]]:
        """The events, and their instants in epoch microseconds (``created_us`` first)."""
        events: list[Event] = []
        keys = [created_us]
        # The first event often shares the opening instant: that one is built already.
        last_text, key, at = created_text, created_us, created_at
        ids, durations, fixed = self._ids, self._durations, self._fixed
        add_key, add_event = keys.append, events.append
        # An event's index is the number of events built before it (``len(events)``).
        for raw in raw_events:
            field = "type"
            try:
                kind = raw["type"]
                known = EVENT_KEYS[kind]  # the kind's keys: any other is refused (below)
                field = "at"
                text = raw["at"]
                if text != last_text:
                    # Events often share an instant (a reply and the status change it
                    # makes): parse and build each distinct timestamp once.
                    at, key = read_instant(text, named, fixed, "at")
                    last_text = text
                add_key(key)
                # Messages and status changes are most of a log: built here, in the loop.
                event: Event
                if kind == "message":
                    field = "author"
                    author = ROLES[raw["author"]]
                    field = "visibility"
                    has_visibility = "visibility" in raw
                    visibility = VISIBILITIES[raw["visibility"]] if has_visibility else _PUBLIC
                    author_id, work = raw.get("author_id"), raw.get("work")
                    if len(raw) != 3 + has_visibility + (author_id is not None) + (
                        work is not None
                    ):
                        _other_keys(raw, known, f"events[{len(events)}]")
                    if author_id is not None and not (type(author_id) is str and author_id in ids):
                        self._check_id(_AUTHOR_ID, author_id)
                    if work is not None:
                        field = "work"
                        found = durations.get(work)  # (a zero duration is falsy)
                        work = self._work(work) if found is None else found
                    event = _new(Message)
                    _M_AT(event, at)
                    _M_AUTHOR(event, author)
                    _M_VISIBILITY(event, visibility)
                    _M_AUTHOR_ID(event, author_id)
                    _M_WORK(event, work)
                elif kind == "status_change":
                    field = "status"
                    if len(raw) != 3:  # type, at, status
                        _other_keys(raw, known, f"events[{len(events)}]")
                    event = _new(StatusChange)
                    _S_STATUS(event, STATUSES[raw["status"]])
                    _S_AT(event, at)
                else:
                    event = self._other_event(raw, kind, known, at, len(events))
                add_event(event)
            except ValidationError as error:
                path = f"events[{len(events)}]"
                other = _other_key(raw, known, path) if field != "type" else None
                if other is not None:
                    raise other from None
                if error.field is not None and error.field.startswith(path):
                    raise
                raise qualified(error, path) from None
            except _DECODE_ERRORS:
                path = f"events[{len(events)}]"
                other = _other_key(raw, known, path) if field != "type" else None
                raise (other or field_error(raw, field, path, "event")) from None
        return tuple(events), keys

    def _other_event(
        self,
        raw: dict[str, Any],
        kind: str,
        known: frozenset[str],
        at: pendulum.DateTime,
        index: int,
    ) -> Event:
        """An assignment, priority change or satisfaction response whose keys and instant were read."""
        field = kind
        try:
            event: Event
            if kind == "assignment":
                agent_id, group = raw.get("agent_id"), raw.get("group")
                if len(raw) != 2 + (agent_id is not None) + (group is not None):
                    _other_keys(raw, known, f"events[{index}]")
                ids = self._ids
                if agent_id is not None and not (type(agent_id) is str and agent_id in ids):
                    self._check_id(_AGENT_ID, agent_id)
                if group is not None and not (type(group) is str and group in ids):
                    self._check_id(_GROUP, group)
                event = _new(Assignment)
                _A_AT(event, at)
                _A_AGENT_ID(event, agent_id)
                _A_GROUP(event, group)
            elif kind == "priority_change":
                field = "priority"
                if len(raw) != 3:  # type, at, priority
                    _other_keys(raw, known, f"events[{index}]")
                event = _new(PriorityChange)
                _P_PRIORITY(event, PRIORITIES[raw["priority"]])
                _P_AT(event, at)
            elif kind == "satisfaction":
                field = "score"
                if len(raw) != 3:  # type, at, score
                    _other_keys(raw, known, f"events[{index}]")
                score = raw["score"]
                _SCORE[1](None, _SCORE[0], score)
                event = _new(SatisfactionResponse)
                _R_AT(event, at)
                _R_SCORE(event, score)
            else:
                _other_keys(raw, known, f"events[{index}]")
                event = _routing_event(raw, kind, at, index)
        except ValidationError:
            raise
        except _DECODE_ERRORS:
            raise field_error(raw, field, f"events[{index}]", "event") from None
        return event


def _other_key(raw: object, known: frozenset[str], path: str) -> ValidationError | None:
    """The error naming a key of an event not of its kind, or ``None``: the rule of an event's keys.

    *known* is the kind's keys (``EVENT_KEYS``). The events most logs hold
    (messages, status and priority changes, assignments, ratings) are asked
    only when they hold more keys than the decoder read for their kind (an
    explicit ``null`` counts as held; :func:`_other_keys`): every key read
    is one of *known*, so an event holding no more keys than those holds no
    other. A failure while decoding an event asks first, so an unknown key
    is what is reported, as if every event were asked before it is read.

    >>> _other_key({"type": "status_change", "at": "...", "state": "open"},
    ...            frozenset({"type", "at", "status"}), "events[0]")
    ValidationError("'events[0].state' is not a field of 'events[0]'; known fields are at, status, type (got 'open')")
    """
    if isinstance(raw, Mapping) and not known.issuperset(raw):
        return unknown_key(raw, known, path)
    return None


def _other_keys(raw: object, known: frozenset[str], path: str) -> None:
    """Raise :func:`_other_key`'s error, if there is one."""
    error = _other_key(raw, known, path)
    if error is not None:
        raise error


def _routing_event(raw: dict[str, Any], kind: str, at: pendulum.DateTime, index: int) -> Event:
    """A tag, field or schedule change or a vendor's SLA stamp, built by its class (rare events).

    The classes' own converters and validators check the values; a missing
    key or a JSON value of the wrong type is named by its field.
    """
    field = "type"
    try:
        if kind == "tag_change":
            field = "added"
            added = raw.get("added", [])
            if type(added) is not list:
                raise TypeError
            field = "removed"
            removed = raw.get("removed", [])
            if type(removed) is not list:
                raise TypeError
            return TagChange(at=at, added=added, removed=removed)
        if kind == "field_change":
            field = "name"
            name = raw["name"]
            field = "value"
            return FieldChange(at=at, name=name, value=raw["value"])
        if kind == "schedule_change":
            field = "schedule"
            return ScheduleChange(at=at, schedule=raw["schedule"])
        if kind == "policy_applied":
            field = "policy"
            return PolicyApplied(at=at, policy=raw["policy"])
        # "target_applied": the only kind left in EVENT_KEYS
        field = "metric"
        metric = raw["metric"]
        field = "within"
        within = parse_duration(raw["within"], field="within")
        field = "calendar"
        return TargetApplied(at=at, metric=metric, within=within, calendar=raw.get("calendar"))
    except ValidationError:
        raise
    except _DECODE_ERRORS:
        raise field_error(raw, field, f"events[{index}]", "event") from None


def decode_interaction(record: Any) -> Interaction:
    """Build an interaction from its decoded JSON record, or raise ValidationError naming the field.

    A one-off :class:`InteractionDecoder`; readers keep one per file.

    >>> decode_interaction({"id": "T-1", "customer_id": "C-1", "channel": "fax",
    ...                     "created_at": "2024-06-10T09:00:00Z"})
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'channel' must be one of 'phone', ... (got 'fax')
    """
    return InteractionDecoder().decode(record)
