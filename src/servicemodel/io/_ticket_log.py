"""One ticket's history, collected from any helpdesk's export and built into an Interaction.

Every importer (each Zendesk shape, Freshdesk) feeds the same
:class:`TicketLog`, with its vendor's :class:`Vocabulary`: messages with
their author's role, status, priority and assignment changes, satisfaction
answers, each with the place it came from.
:meth:`TicketLog.build` orders them, turns the vendor's history into
servicemodel's log (a status that does not change is no event; the first
``new`` is the start), and decodes the record with the same
:class:`~servicemodel.io._decoder.InteractionDecoder` that reads servicemodel's
own files, so an imported interaction passes every rule a read one does.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Mapping
from itertools import compress, count, islice
from operator import eq, itemgetter
from typing import Any, Final, final

from ..exceptions import RecordError, ValidationError
from ..interactions import Channel, Interaction, Kind
from ._decoder import InteractionDecoder
from ._vendor import record_error

__all__ = [
    "SCHEDULE",
    "SCHEDULE_GRACE",
    "Origin",
    "TicketLog",
    "Vocabulary",
    "comment_order",
    "located",
]

#: The calendar name that means "the ticket's schedule" in a stamped target.
SCHEDULE: Final = "@schedule"


#: Where a fact came from: (file, line, the vendor's field).
Origin = tuple[str, int, str]

# Events at the same second: a message first (the reply that solves), then
# status, priority, assignment, the SLA facts, and a rating last.
_MESSAGE, _STATUS, _PRIORITY, _ASSIGNMENT, _TAGS, _FIELD, _SCHEDULE, _POLICY, _TARGET, _RATING = (
    range(10)
)
#: A ticket_schedule row this close after creation sets the starting schedule (Fivetran's rule).
SCHEDULE_GRACE: Final = _dt.timedelta(seconds=5)
_EVENT_INDEX: Final = re.compile(r"events\[(\d+)\]")
#: An entry's instant and kind: entries that share them are settled by content.
_HEAD: Final = itemgetter(0, 1)


@final
class Vocabulary:
    """A helpdesk's words for a ticket's facts, and what each becomes in servicemodel.

    *statuses* and *priorities* map the vendor's value (as text) to
    servicemodel's status and priority values, *channels* and *kinds* to a
    Channel and a Kind, *scores* a satisfaction answer to CSAT 1-5 (*unrated*
    are answers that are none); *vendor* names the helpdesk in the error for
    a value outside them. A log reads only the tables its importer gives.
    """

    __slots__ = (
        "channel_values",
        "channels",
        "kind_values",
        "kinds",
        "priorities",
        "scores",
        "statuses",
        "unrated",
        "vendor",
    )

    def __init__(
        self,
        vendor: str,
        statuses: Mapping[str, str],
        priorities: Mapping[str, str],
        *,
        channels: Mapping[str, Channel] | None = None,
        kinds: Mapping[str, Kind] | None = None,
        scores: Mapping[str, int] | None = None,
        unrated: Iterable[str] = (),
    ) -> None:
        self.vendor = vendor
        self.statuses = statuses
        self.priorities = priorities
        self.channels: Mapping[str, Channel] = channels or {}
        self.kinds: Mapping[str, Kind] = kinds or {}
        self.scores: Mapping[str, int] = scores or {}
        self.unrated = frozenset(unrated)
        # The values a record takes, read once (an enum's .value costs a call each time).
        self.channel_values = {word: channel.value for word, channel in self.channels.items()}
        self.kind_values = {word: kind.value for word, kind in self.kinds.items()}


@final
class TicketLog:
    """The facts of one ticket as they are read, in any order."""

    __slots__ = (
        "_events",
        "_fields",
        "_opening",
        "_priorities",
        "_tag_sets",
        "_vocabulary",
        "attributes",
        "channel",
        "created",
        "created_key",
        "customer_id",
        "id",
        "kind",
        "opened_by",
        "origin",
        "priority",
        "tags",
    )

    def __init__(self, ticket_id: str, origin: Origin, vocabulary: Vocabulary) -> None:
        self._vocabulary = vocabulary
        self.id = ticket_id
        self.origin = origin
        self.customer_id = ""
        self.channel = ""
        self.kind = "enquiry"
        self.opened_by = "customer"
        self.priority = ""  # the ticket's current priority, used when no history says more
        self.created = ""
        self.created_key: _dt.datetime | None = None
        self.tags: list[str] = []
        self.attributes: dict[str, str] = {}
        self._events: list[tuple[_dt.datetime, int, int, str, object, object, Origin]] = []
        self._priorities: list[tuple[_dt.datetime, str, str, Origin]] = []
        self._tag_sets: list[tuple[_dt.datetime, str, frozenset[str], Origin]] = []
        self._fields: list[tuple[_dt.datetime, str, str, str | None, Origin]] = []
        self._opening: list[int] = []  # the assignments at creation, by index in _events

    def _add(
        self, key: _dt.datetime, rank: int, text: str, a: object, b: object, o: Origin
    ) -> None:
        self._events.append((key, rank, len(self._events), text, a, b, o))

    def message(
        self,
        at: tuple[_dt.datetime, str],
        author: str,
        public: bool,
        author_id: str | None,
        origin: Origin,
        comment_id: object = None,
    ) -> None:
        """A comment: who wrote it (customer, agent or bot) and whether the customer saw it.

        *comment_id* (Zendesk's, rising in the order comments were written)
        orders comments of the same second; it is read (:func:`comment_order`)
        only when one is tied with another.
        """
        events = self._events
        events.append(
            (at[0], _MESSAGE, len(events), at[1], author, (public, author_id, comment_id), origin)
        )

    def status(self, at: tuple[_dt.datetime, str], value: str, origin: Origin) -> None:
        """A status the ticket took (the vendor's word, checked here)."""
        statuses = self._vocabulary.statuses
        mapped = statuses.get(value)
        if mapped is None:
            raise self._unknown("ticket status", statuses, value, origin)
        events = self._events
        events.append((at[0], _STATUS, len(events), at[1], mapped, None, origin))

    def priority_change(self, at: tuple[_dt.datetime, str], value: str, origin: Origin) -> None:
        """A priority the ticket took (empty: none)."""
        self._priorities.append((at[0], at[1], self.vendor_priority(value, origin), origin))

    def vendor_priority(self, value: str, origin: Origin) -> str:
        """The servicemodel priority of a vendor priority ('' stays '': none set)."""
        if value == "":
            return ""
        priorities = self._vocabulary.priorities
        mapped = priorities.get(value)
        if mapped is None:
            raise self._unknown("priority", priorities, value, origin, or_empty=True)
        return mapped

    def _unknown(
        self, noun: str, known: Iterable[str], value: str, origin: Origin, *, or_empty: bool = False
    ) -> RecordError:
        """The error for a vendor word missing from the vocabulary's table for *noun*."""
        listed = ", ".join(repr(word) for word in known)
        empty = " or empty" if or_empty else ""
        return record_error(
            origin[0],
            origin[1],
            self.id,
            f"'{origin[2]}' must be a {self._vocabulary.vendor} {noun}: one of {listed}{empty} "
            f"(got {value!r})",
            field=origin[2],
            value=value,
        )

    def vendor_channel(self, value: str, origin: Origin) -> str:
        """The servicemodel channel of a vendor's channel (Zendesk's ``via.channel``)."""
        channel = self._vocabulary.channel_values.get(value)
        if channel is None:
            raise self._unknown("channel", self._vocabulary.channels, value, origin)
        return channel

    def vendor_kind(self, value: str, origin: Origin) -> str:
        """The servicemodel kind of a vendor's ticket ``type`` ('' is a question)."""
        kind = self._vocabulary.kind_values.get(value)
        if kind is None:
            words = [k for k in self._vocabulary.kinds if k]
            raise self._unknown("ticket type", words, value, origin, or_empty=True)
        return kind

    def satisfaction(self, at: tuple[_dt.datetime, str], value: str, origin: Origin) -> None:
        """A vendor's satisfaction answer (Zendesk: good, bad; offered and unoffered are none)."""
        vocabulary = self._vocabulary
        if value in vocabulary.unrated:
            return
        score = vocabulary.scores.get(value)
        if score is None:
            words = [*vocabulary.scores, *sorted(w for w in vocabulary.unrated if w)]
            known = ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else "".join(words)
            raise record_error(
                origin[0],
                origin[1],
                self.id,
                f"'{origin[2]}' must be a {vocabulary.vendor} satisfaction score: {known} "
                f"(got {value!r})",
                field=origin[2],
                value=value,
            )
        self.rating(at, score, origin)

    def assignment(
        self, at: tuple[_dt.datetime, str], agent: str | None, group: str | None, origin: Origin
    ) -> None:
        """The assignee (``agent``) or group changed; ``""`` unassigns, ``None`` leaves it."""
        events = self._events
        if at[0] == self.created_key:
            self._opening.append(len(events))
        events.append((at[0], _ASSIGNMENT, len(events), at[1], agent, group, origin))

    def opening_assignment(
        self, created: tuple[_dt.datetime, str], agent: str | None, group: str | None, o: Origin
    ) -> None:
        """The assignee or group from creation that no history row gives (as :meth:`assignment`).

        When it sets one of the two and the history has a single assignment at
        creation that sets the other, both become that one entry, as settling
        the tie would have ordered them (one with an assignee first, then one
        with a group only; the later one's instant and origin): no tie is left
        to settle.
        """
        events, opening = self._events, self._opening
        if len(opening) == 1 and (agent is None) != (group is None):
            key, rank, seq, text, a, b, origin = events[opening[0]]
            if agent is not None and a is None:
                events[opening[0]] = (key, rank, seq, text, agent, b, origin)
                return
            if group is not None and b is None:
                events[opening[0]] = (key, rank, seq, created[1], a, group, o)
                return
        self.assignment(created, agent, group, o)

    def rating(self, at: tuple[_dt.datetime, str], score: int, origin: Origin) -> None:
        """A satisfaction answer on 1-5."""
        self._add(at[0], _RATING, at[1], score, None, origin)

    def tag_set(self, at: tuple[_dt.datetime, str], tags: Iterable[str], origin: Origin) -> None:
        """The ticket's whole tag list from *at* (a history row); the first one is its start."""
        self._tag_sets.append((at[0], at[1], frozenset(t for t in tags if t), origin))

    def field(
        self, at: tuple[_dt.datetime, str], name: str, value: str | None, origin: Origin
    ) -> None:
        """A kept field (an attribute) took *value* from *at* (``None``: cleared)."""
        self._fields.append((at[0], at[1], name, value or None, origin))

    def schedule(self, at: tuple[_dt.datetime, str], schedule: str, origin: Origin) -> None:
        """The ticket counts business hours on *schedule* from *at*.

        A change within a few seconds after creation is the schedule the
        ticket starts with (a trigger fired by the creation itself).
        """
        created = self.created_key
        if created is not None and created <= at[0] <= created + SCHEDULE_GRACE:
            at = (created, self.created)
        self._add(at[0], _SCHEDULE, at[1], schedule, None, origin)

    def policy(self, at: tuple[_dt.datetime, str], title: str | None, origin: Origin) -> None:
        """Zendesk applied the policy called *title* (``None``: removed every policy)."""
        self._add(at[0], _POLICY, at[1], title or None, None, origin)

    def target(
        self,
        at: tuple[_dt.datetime, str],
        metric: str,
        seconds: int,
        business: bool,
        origin: Origin,
    ) -> None:
        """Zendesk stamped a target of *seconds* on *metric* (business or calendar hours)."""
        self._add(at[0], _TARGET, at[1], metric, (seconds, business), origin)

    # ------------------------------------------------------------------ building

    def _initial_priority(self) -> tuple[str, list[tuple[_dt.datetime, str, str, Origin]]]:
        """The priority at creation and the later changes (in time order)."""
        changes = self._priorities
        if len(changes) > 1:
            changes.sort(key=lambda p: p[0])
        created = self.created_key
        initial = ""
        later = changes
        if changes and created is not None and changes[0][0] <= created:
            initial = changes[0][2]
            later = changes[1:]
        elif not changes:
            initial = self.priority
        return initial, later

    def build(self, decoder: InteractionDecoder) -> Interaction:
        """The interaction, checked by the decoder; errors name the row they came from.

        Called once per log: the log's lists become the interaction's.

        Raises:
            RecordError: a fact breaks a rule of the interaction log.
        """
        initial, later = self._initial_priority()
        entries = self._events  # built once: the log's own list becomes the ordered one
        if later:
            entries.extend(
                (key, _PRIORITY, len(entries) + n, text, value, None, origin)
                for n, (key, text, value, origin) in enumerate(later)
            )
        tags = self._tag_changes(entries) if self._tag_sets else self.tags
        attributes = self._field_changes(entries) if self._fields else self.attributes
        entries.sort()  # by instant, rank, then arrival (unique): later items never compared
        _settle_ties(entries)
        events: list[dict[str, Any]] = []
        origins: list[Origin] = []
        add_event, add_origin = events.append, origins.append
        status = "new"
        priority = initial or "none"
        agent: str | None = None
        group: str | None = None
        ordered: list[tuple[Any, ...]] = entries  # each kind's a and b (their types: above)
        for _key, rank, _seq, text, a, b, origin in ordered:
            if rank == _STATUS:
                if a == status:
                    continue  # the start ('new'), or a custom status of the same category
                status = a
                event: dict[str, Any] = {"type": "status_change", "at": text, "status": a}
            elif rank == _MESSAGE:
                public, author_id, _comment = b
                event = {"type": "message", "at": text, "author": a}
                if not public:
                    event["visibility"] = "private"
                if author_id is not None:
                    event["author_id"] = author_id
            elif rank == _TARGET:
                seconds, business = b
                event = {
                    "type": "target_applied",
                    "at": text,
                    "metric": a,
                    "within": f"PT{seconds}S",
                }
                if business:
                    event["calendar"] = SCHEDULE
            elif rank == _ASSIGNMENT:
                if a is not None:
                    agent = a or None
                if b is not None:
                    group = b or None
                if events and events[-1]["type"] == "assignment" and events[-1]["at"] == text:
                    events.pop()  # one assignment per instant: the assignee and group after it
                    origins.pop()
                event = {"type": "assignment", "at": text}
                if agent is not None:
                    event["agent_id"] = agent
                if group is not None:
                    event["group"] = group
            elif rank == _POLICY:
                event = {"type": "policy_applied", "at": text, "policy": a}
            elif rank == _SCHEDULE:
                event = {"type": "schedule_change", "at": text, "schedule": a}
            elif rank == _PRIORITY:
                value = a or "none"
                if value == priority:
                    continue
                priority = value
                event = {"type": "priority_change", "at": text, "priority": value}
            elif rank == _TAGS:
                event = {"type": "tag_change", "at": text, "added": a, "removed": b}
            elif rank == _FIELD:
                event = {"type": "field_change", "at": text, "name": a, "value": b}
            else:
                event = {"type": "satisfaction", "at": text, "score": a}
            add_event(event)
            add_origin(origin)
        record: dict[str, Any] = {
            "id": self.id,
            "customer_id": self.customer_id,
            "channel": self.channel,
            "kind": self.kind,
            "priority": initial or "none",
            "created_at": self.created,
            "tags": tags,
            "attributes": attributes,
            "events": events,
        }
        if self.opened_by != "customer":
            record["opened_by"] = self.opened_by
        try:
            return decoder.decode(record)
        except ValidationError as error:
            raise self._located(error, origins) from None

    def _tag_changes(self, entries: list[Any]) -> list[str]:
        """The tags at creation; adds a tag change to *entries* for each later tag list."""
        sets = sorted(self._tag_sets, key=lambda t: t[0])
        created = self.created_key
        if not sets:
            return self.tags
        current: frozenset[str] = frozenset(self.tags)
        start = sets
        if created is not None and sets[0][0] <= created:
            current, start = sets[0][2], sets[1:]
        else:
            current = frozenset()
        first = current
        for key, text, tags, origin in start:
            added, removed = sorted(tags - current), sorted(current - tags)
            if added or removed:
                entries.append((key, _TAGS, len(entries), text, added, removed, origin))
            current = tags
        return sorted(first)

    def _field_changes(self, entries: list[Any]) -> dict[str, str]:
        """The kept fields at creation; adds a field change to *entries* for each later value.

        A field with history takes its value at creation from the history
        (today's value from the ticket row is only for fields without one).
        """
        initial = dict(self.attributes)
        created = self.created_key
        fields = sorted(self._fields, key=lambda f: f[0])
        for name in {f[2] for f in fields}:
            initial.pop(name, None)
        running: dict[str, str | None] = {}
        for key, text, name, value, origin in fields:
            if created is not None and key <= created:
                if value is None:
                    initial.pop(name, None)
                else:
                    initial[name] = value
                running[name] = value
            elif running.get(name) != value:
                entries.append((key, _FIELD, len(entries), text, name, value, origin))
                running[name] = value
        return initial

    def _located(self, error: ValidationError, origins: list[Origin]) -> RecordError:
        field = error.field or ""
        match = _EVENT_INDEX.match(field)
        file, line, _name = self.origin
        if match is not None and int(match.group(1)) < len(origins):
            file, line, _name = origins[int(match.group(1))]
        return record_error(
            file, line, self.id, error.message, field=error.field, value=error.value
        )


def comment_order(comment_id: object) -> int | None:
    """A comment id as the number that orders comments of one second (``None``: no id).

    >>> comment_order("9001"), comment_order(""), comment_order("c-1")
    (9001, None, None)
    """
    text = comment_id if isinstance(comment_id, str) else ""
    if not text or len(text) > 20 or not text.isascii() or not text.isdigit():
        return None
    return int(text)


def _settle_ties(entries: list[Any]) -> None:
    """Order events of one kind at one instant by the vendor's ids, else by what they say.

    Two comments in the same second are ordered by their comment ids (Zendesk
    numbers comments as they are written); comments without one, and targets,
    by content. Either way the log is the same for any row order.
    """
    if len(set(map(_HEAD, entries))) == len(entries):
        return  # no two at one instant and kind: most logs
    heads = list(map(_HEAD, entries))
    start = end = -1  # the run of tied entries being gathered: entries[start:end]
    # The entries tied with the one before them, found without a Python step per entry.
    for index in compress(count(1), map(eq, heads, islice(heads, 1, None))):
        if index != end:
            if end > start:
                entries[start:end] = sorted(entries[start:end], key=_tie_key)
            start = index - 1
        end = index + 1
    if end > start:
        entries[start:end] = sorted(entries[start:end], key=_tie_key)


def _tie_key(entry: Any) -> tuple[int, int, str]:
    """Comments with an id first, by id; the rest by content."""
    a, b = entry[4], entry[5]
    if entry[1] == _MESSAGE:
        public, author_id, comment = b
        comment_id = comment_order(comment)
        if comment_id is not None:
            return (0, comment_id, "")
        return (1, 0, repr((a, (public, author_id))))
    return (1, 0, repr((a, b)))


def located(error: ValidationError, origin: Origin, record: str | None) -> RecordError:
    """A field error re-aimed at the row it came from."""
    if isinstance(error, RecordError):
        return error
    return record_error(
        origin[0], origin[1], record, error.message, field=error.field, value=error.value
    )
