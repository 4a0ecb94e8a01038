"""A ticket's history from the REST API's JSON: audits, ticket events, ratings, SLA events.

Each export is read page by page; what it says of a ticket is kept as a
small :data:`Fact` under the ticket's id (the grouping the table reader
holds too), until the ticket itself is read from the ticket pages:

* audits (``GET /api/v2/tickets/{id}/audits``, ``audits*.json``): a
  ``Comment`` or ``VoiceComment`` is a message at the audit's time, by its
  ``author_id``; ``Create`` and ``Change`` are field changes;
  ``CommentPrivacyChange`` makes an earlier comment private (or public);
* ticket events (``GET /api/v2/incremental/ticket_events``,
  ``ticket_events*.json``): each child event names the field it changes
  by its key (``"status": "solved"``); a comment is a full ``Comment`` child
  (with the ``comment_events`` sideload) or ``comment_present`` and
  ``comment_public`` (the updater wrote it);
* satisfaction ratings (``satisfaction_ratings*.json``);
* ticket metric events (``ticket_metric_events*.json``): each ``apply_sla``
  is the policy Zendesk applied and the target it stamped.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Mapping
from sys import intern
from typing import Any, Final

from ...exceptions import RecordError
from .._ticket_log import Origin
from ._columns import record_error
from ._history import field_text
from ._pages import page_files, page_records

__all__ = ["F_COMMENT", "F_FIELD", "F_PRIVACY", "F_RATING", "F_SLA", "Fact", "Facts"]

# What a fact is.
F_COMMENT, F_FIELD, F_PRIVACY, F_RATING, F_SLA = range(5)
#: (time text, what it is, a, b, where it came from): a comment is (author id, (public,
#: written by a rule, comment id)); a field change (field, value text); a privacy change
#: (comment id, public); a rating (score, None); an SLA stamp (metric event metric,
#: (instance, (target minutes, target seconds), business hours, policy title)).
Fact = tuple[str, int, Any, Any, Origin]

_COMMENTS: Final = frozenset({"Comment", "VoiceComment"})
_FIELDS: Final = frozenset({"Create", "Change"})
#: Keys of a ticket event's child that are not the field it changes.
_ENVELOPE: Final = frozenset(
    {
        "id",
        "via",
        "via_reference_id",
        "event_type",
        "type",
        "previous_value",
        "created_at",
        "timestamp",
        "audit_id",
        "added_tags",
        "removed_tags",
        "system",
        "custom_ticket_fields",
    }
)


def _by_rule(via: object) -> bool:
    """Whether a ``via`` says a business rule (trigger, automation) made the event."""
    return isinstance(via, Mapping) and via.get("channel") == "rule"


def _ticket(record: object, file: str, line: int, what: str) -> tuple[str, Mapping[str, Any]]:
    if not isinstance(record, Mapping):
        raise record_error(file, line, None, f"{what} must be a JSON object (got {record!r:.80})")
    ticket = record.get("ticket_id")
    if not api_id(ticket):
        raise record_error(
            file,
            line,
            None,
            f"'ticket_id' must be a Zendesk ticket id (got {ticket!r})",
            field="ticket_id",
            value=ticket,
        )
    return str(ticket), record


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def api_id(value: object) -> str | None:
    """A Zendesk id as text: a whole number (or its digits) of at most 30 digits.

    ``None`` when *value* is no id (a float, list, object, boolean, or text
    that is not digits); an absent id (``None``, ``""``) is ``""``.

    >>> api_id(360), api_id("360"), api_id(None), api_id(7.5), api_id([1]), api_id(True)
    ('360', '360', '', None, None, None)
    """
    if value is None or value == "":
        return ""
    if type(value) is int and -(10**30) < value < 10**30:
        return str(value)
    if type(value) is str and len(value) <= 30 and value.isascii() and value.lstrip("-").isdigit():
        return value
    return None


def _list(value: object, file: str, line: int, ticket: str, field: str) -> list[Any]:
    """A list the record must hold at *field* (absent: empty)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise record_error(
            file,
            line,
            ticket,
            f"'{field}' must be a list (got {value!r:.80})",
            field=field,
            value=value,
        )
    return value


def _member(value: object, file: str, line: int, ticket: str, field: str) -> Mapping[str, Any]:
    """An event of a list: an object with a ``type`` (or ``event_type``) text."""
    if not isinstance(value, Mapping):
        raise record_error(
            file,
            line,
            ticket,
            f"'{field}' must be a JSON object (got {value!r:.80})",
            field=field,
            value=value,
        )
    return value


def _epoch(value: object, file: str, line: int, ticket: str) -> str:
    """A ticket event's ``timestamp`` (Unix seconds) as ISO text."""
    try:
        if type(value) is not int:
            raise ValueError
        return _dt.datetime.fromtimestamp(value, _dt.UTC).isoformat()
    except (ValueError, OverflowError, OSError):
        raise record_error(
            file,
            line,
            ticket,
            f"'timestamp' must be whole seconds since 1970 of a date from year 1 to 9999 "
            f"(got {value!r:.40})",
            field="timestamp",
            value=value,
        ) from None


class Facts:
    """What the history exports say of each ticket, by ticket id."""

    __slots__ = ("by_ticket", "has_ratings")

    def __init__(self) -> None:
        self.by_ticket: dict[str, list[Fact]] = {}
        self.has_ratings = False

    @classmethod
    def read(cls, folder: str) -> Facts:
        """Read every history export of *folder*, one page at a time."""
        facts = cls()
        for path in page_files(folder, "audits"):
            facts._audits(path)
        for path in page_files(folder, "ticket_events"):
            facts._ticket_events(path)
        ratings = page_files(folder, "satisfaction_ratings")
        facts.has_ratings = bool(ratings)
        for path in ratings:
            facts._ratings(path)
        for path in page_files(folder, "ticket_metric_events"):
            facts._metric_events(path)
        return facts

    def pop(self, ticket: str) -> list[Fact]:
        """The facts of *ticket* (forgotten once taken)."""
        return self.by_ticket.pop(ticket, [])

    def _add(self, ticket: str, fact: Fact) -> None:
        # Held until the ticket is read: share the strings that repeat (times, fields, values).
        at, kind, a, b, (file, line, field) = fact
        fact = (
            intern(at),
            kind,
            intern(a) if type(a) is str else a,
            intern(b) if type(b) is str and len(b) <= 64 else b,
            (file, line, intern(field)),
        )
        found = self.by_ticket.get(ticket)
        if found is None:
            self.by_ticket[ticket] = [fact]
        else:
            found.append(fact)

    def _audits(self, path: str) -> None:
        file = os.path.basename(path)
        for _key, line, record in page_records(path, ("audits", "audit")):
            ticket, audit = _ticket(record, file, line, "an audit")
            at = _text(audit.get("created_at"))
            author = audit.get("author_id")
            rule = _by_rule(audit.get("via"))
            events = _list(audit.get("events"), file, line, ticket, "events")
            for n, item in enumerate(events):
                where = f"events[{n}]"
                event = _member(item, file, line, ticket, where)
                kind = event.get("type")
                if not isinstance(kind, str) or not kind:
                    raise record_error(
                        file,
                        line,
                        ticket,
                        f"'{where}.type' must be the event's type, such as 'Comment' (got {kind!r})",
                        field=f"{where}.type",
                        value=kind,
                    )
                if kind in _COMMENTS:
                    writer = event.get("author_id", author)
                    via = event.get("via")
                    by_rule = _by_rule(via) if via is not None else rule
                    self._add(
                        ticket,
                        (
                            at,
                            F_COMMENT,
                            field_text(writer),
                            (event.get("public"), by_rule, field_text(event.get("id"))),
                            (file, line, f"{where}.author_id"),
                        ),
                    )
                elif kind in _FIELDS:
                    name = _text(event.get("field_name"))
                    value = field_text(event.get("value"))
                    self._add(ticket, (at, F_FIELD, name, value, (file, line, f"{where}.value")))
                elif kind == "CommentPrivacyChange":
                    self._add(
                        ticket,
                        (
                            at,
                            F_PRIVACY,
                            field_text(event.get("comment_id")),
                            event.get("public"),
                            (file, line, f"{where}.public"),
                        ),
                    )
                # A rating is read from its satisfaction_score change (a SatisfactionRating
                # event says it again); notifications, CCs, macros, ...: not events of the log.

    def _ticket_events(self, path: str) -> None:
        file = os.path.basename(path)
        for _key, line, record in page_records(path, ("ticket_events",)):
            ticket, update = _ticket(record, file, line, "a ticket event")
            at = _text(update.get("created_at"))
            if not at and update.get("timestamp") is not None:
                at = _epoch(update.get("timestamp"), file, line, ticket)
            updater = update.get("updater_id")
            children = _list(update.get("child_events"), file, line, ticket, "child_events")
            for n, item in enumerate(children):
                where = f"child_events[{n}]"
                child = _member(item, file, line, ticket, where)
                if "comment_present" in child:
                    if child.get("comment_present") is True:
                        origin = (file, line, "updater_id")
                        comment = (child.get("comment_public"), False, "")
                        self._add(ticket, (at, F_COMMENT, field_text(updater), comment, origin))
                    continue
                if child.get("type") in _COMMENTS or child.get("event_type") in _COMMENTS:
                    when = _text(child.get("created_at")) or at
                    comment = (
                        child.get("public"),
                        _by_rule(child.get("via")),
                        field_text(child.get("id")),
                    )
                    origin = (file, line, f"{where}.author_id")
                    writer = field_text(child.get("author_id", updater))
                    self._add(ticket, (when, F_COMMENT, writer, comment, origin))
                    continue
                for name, value in child.items():
                    if name in _ENVELOPE:
                        continue
                    origin = (file, line, f"{where}.{name}")
                    self._add(ticket, (at, F_FIELD, name, field_text(value), origin))
                custom = child.get("custom_ticket_fields")
                if isinstance(custom, Mapping):
                    for name, value in custom.items():
                        origin = (file, line, f"{where}.custom_ticket_fields.{name}")
                        self._add(ticket, (at, F_FIELD, str(name), field_text(value), origin))

    def _ratings(self, path: str) -> None:
        file = os.path.basename(path)
        for _key, line, record in page_records(path, ("satisfaction_ratings",)):
            ticket, rating = _ticket(record, file, line, "a satisfaction rating")
            at = _text(rating.get("created_at"))
            origin = (file, line, "score")
            self._add(ticket, (at, F_RATING, field_text(rating.get("score")), None, origin))

    def _metric_events(self, path: str) -> None:
        file = os.path.basename(path)
        for _key, line, record in page_records(path, ("ticket_metric_events",)):
            ticket, event = _ticket(record, file, line, "a ticket metric event")
            if event.get("type") != "apply_sla" or event.get("deleted") is True:
                continue  # the clock's own events: read by read_ticket_metric_events
            sla = event.get("sla")
            if not isinstance(sla, Mapping):
                raise record_error(
                    file,
                    line,
                    ticket,
                    f"'sla' must be an object on an apply_sla event (got {sla!r:.80})",
                    field="sla",
                    value=sla,
                )
            policy = sla.get("policy")
            title = policy.get("title") if isinstance(policy, Mapping) else None
            target = (sla.get("target"), sla.get("target_in_seconds"))
            stamp = (event.get("instance_id"), target, sla.get("business_hours"), title)
            fact = (
                _text(event.get("time")),
                F_SLA,
                event.get("metric"),
                stamp,
                (file, line, "sla"),
            )
            self._add(ticket, fact)


def bad_fact(origin: Origin, ticket: str, message: str, value: object) -> RecordError:
    """A RecordError for a fact, naming its file, line, ticket and field."""
    return record_error(
        origin[0], origin[1], ticket, f"'{origin[2]}' {message}", field=origin[2], value=value
    )
