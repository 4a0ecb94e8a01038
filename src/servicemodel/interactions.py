"""Customer interactions as an event log.

An :class:`Interaction` is one customer contact thread (a ticket, a chat, a
call): who, over which channel, what kind, at which priority, and an ordered
tuple of events. Everything else (first reply, solve times, reopens, handle
time) is derived from the events by methods, never stored twice.

>>> import pendulum
>>> t = pendulum.datetime(2024, 6, 10, 9, tz="Europe/London")
>>> ticket = Interaction(
...     id="T-1", customer_id="C-1", channel=Channel.EMAIL, kind=Kind.ENQUIRY,
...     priority=Priority.NORMAL, created_at=t,
...     events=[
...         Message(at=t, author=Role.CUSTOMER),
...         Message(at=t.add(minutes=1), author=Role.BOT),
...         Message(at=t.add(minutes=40), author=Role.AGENT, author_id="A-7"),
...         StatusChange(at=t.add(minutes=41), status=Status.SOLVED),
...     ],
... )
>>> ticket.first_reply_at().diff(ticket.created_at).in_minutes()
40
>>> ticket.status()
<Status.SOLVED: 'solved'>
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar, cast, final

import attrs
import pendulum

from ._log._events import (
    EVENT_TYPES,
    Assignment,
    Event,
    FieldChange,
    Message,
    PolicyApplied,
    PriorityChange,
    SatisfactionResponse,
    ScheduleChange,
    StatusChange,
    TagChange,
    TargetApplied,
)
from ._log._facts import keep_event_us, log_facts, log_until
from ._log._facts import replies as _replies
from ._log._interaction_history import InteractionHistory
from ._log._opening import OpeningMessage, is_opening
from ._log._rules import check_log
from ._log._vocabulary import Channel, Kind, Priority, Role, Status, Visibility
from ._time import aware, to_micros
from ._validators import (
    distinct,
    enum_member,
    instant_key,
    is_collection,
    non_empty_str,
    string_set,
    to_tuple,
)
from .exceptions import ValidationError

__all__ = [
    "Assignment",
    "Channel",
    "Event",
    "FieldChange",
    "Interaction",
    "Kind",
    "Message",
    "OpeningMessage",
    "PolicyApplied",
    "Priority",
    "PriorityChange",
    "Role",
    "SatisfactionResponse",
    "ScheduleChange",
    "Status",
    "StatusChange",
    "StatusSpan",
    "TagChange",
    "TargetApplied",
    "Visibility",
    "check_log",
]

_E = TypeVar("_E")

_EVENT_TYPES = EVENT_TYPES


def _created_at(value: object) -> pendulum.DateTime:
    return aware(value, field="created_at")


def _opened_by(value: object) -> Role:
    return enum_member(Role, value, field="opened_by")


def _priority(value: object) -> Priority:
    return enum_member(Priority, value, field="priority")


def _channel(value: object) -> Channel:
    return enum_member(Channel, value, field="channel")


def _kind(value: object) -> Kind:
    return enum_member(Kind, value, field="kind")


def _tags(value: object) -> frozenset[str]:
    return string_set(value, field="tags")


@final
@attrs.frozen(kw_only=True)
class StatusSpan:
    """A stretch of time in one status; ``end`` is ``None`` for the current status.

    >>> import pendulum
    >>> StatusSpan(status=Status.OPEN, start=pendulum.datetime(2024, 1, 1), end=None).status
    <Status.OPEN: 'open'>
    """

    status: Status
    start: pendulum.DateTime = attrs.field(eq=instant_key)
    end: pendulum.DateTime | None = attrs.field(eq=instant_key)


def _attributes(value: object) -> tuple[tuple[str, str], ...]:
    field = "attributes"
    if not is_collection(value):
        raise ValidationError(
            f"'{field}' must be a mapping of names to text (got {value!r})",
            field=field,
            value=value,
        )
    items: Iterable[Any] = value.items() if isinstance(value, Mapping) else value
    pairs: list[tuple[str, str]] = []
    for pair in items:
        if (
            not isinstance(pair, tuple)
            or len(pair) != 2
            or not all(isinstance(x, str) for x in pair)
            or not pair[0]
        ):
            raise ValidationError(
                f"'{field}' must map non-empty string names to string values (got {pair!r})",
                field=field,
                value=pair,
            )
        pairs.append(pair)
    distinct((name for name, _ in pairs), field=field, what="a name")
    return tuple(sorted(pairs))


def _events(value: Iterable[Event]) -> tuple[Event, ...]:
    return to_tuple(value)


@final
@attrs.frozen(kw_only=True)
class Interaction(InteractionHistory):
    """One customer contact thread and its time-ordered events.

    The log is checked on construction: events must be interaction events, in
    time order, not before ``created_at``; status changes must change the
    status, never return to ``new`` and never leave ``closed``; after
    ``closed`` only satisfaction responses may arrive. A violation raises
    :class:`~servicemodel.exceptions.ValidationError` naming the event index,
    e.g. ``events[3].at``.

    ``attributes`` holds custom fields (name to text); a mapping is accepted
    and stored as sorted pairs so the value stays hashable. ``opened_by``
    says who opened the interaction (default the customer); when an agent
    did, the log's first public agent message opened it and is not a reply
    (see :class:`OpeningMessage`).

    >>> import pendulum
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> Interaction(id="T-2", customer_id="C-1", channel="chat", kind="complaint",
    ...             priority="high", created_at=t,
    ...             events=[StatusChange(at=t.subtract(minutes=1), status="open")])
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'events[0].at' must not be before 'created_at' (got 2024-06-10T08:59:00+00:00 < 2024-06-10T09:00:00+00:00)
    """

    id: str = attrs.field(validator=non_empty_str)
    customer_id: str = attrs.field(validator=non_empty_str)
    channel: Channel = attrs.field(converter=_channel)
    kind: Kind = attrs.field(default=Kind.ENQUIRY, converter=_kind)
    priority: Priority = attrs.field(default=Priority.NORMAL, converter=_priority)
    created_at: pendulum.DateTime = attrs.field(converter=_created_at, eq=instant_key)
    tags: frozenset[str] = attrs.field(default=frozenset(), converter=_tags)
    attributes: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_attributes)
    events: tuple[Event, ...] = attrs.field(default=(), converter=_events)
    opened_by: Role = attrs.field(default=Role.CUSTOMER, converter=_opened_by)

    @events.validator
    def _check_events(self, _attribute: attrs.Attribute[Any], events: tuple[Event, ...]) -> None:
        # The rules read every instant as an integer: kept as the events' instants
        # (log_event_us), not read again.
        micros = check_log(self.created_at, self.priority, events)
        keep_event_us(self, micros[0], tuple(micros[1:]))

    def __repr__(self) -> str:
        """One short line: who, where, what, when, and how many events (not the whole log).

        >>> import pendulum
        >>> Interaction(id="T-1", customer_id="C-9", channel="chat", kind="complaint",
        ...             created_at=pendulum.datetime(2024, 6, 10, 9))
        <Interaction T-1: chat complaint from C-9, normal priority, created 2024-06-10T09:00:00+00:00, 0 events>
        """
        count = len(self.events)
        return (
            f"<Interaction {self.id}: {self.channel.value} {self.kind.value} from "
            f"{self.customer_id}, {self.priority.value} priority, created "
            f"{self.created_at.isoformat()}, {count} event{'' if count == 1 else 's'}>"
        )

    def _repr_html_(self) -> str:
        """A notebook's view: the facts in a heading, then the events as a table."""
        from html import escape

        head = (
            f"<p><strong>Interaction {escape(self.id)}</strong>: {self.channel.value} "
            f"{self.kind.value} from {escape(self.customer_id)}, {self.priority.value} "
            f"priority, created {self.created_at.isoformat()}, now {self.status().value}</p>"
        )
        rows = []
        for event in self.events:
            fields = attrs.asdict(event, recurse=False)
            at = fields.pop("at")
            detail = ", ".join(
                f"{name} {getattr(value, 'value', value)}"
                for name, value in fields.items()
                if value is not None
            )
            rows.append(
                f"<tr><td>{at.isoformat()}</td><td>{type(event).__name__}</td>"
                f"<td>{escape(detail)}</td></tr>"
            )
        table = (
            "<table><tr><th>at</th><th>event</th><th>detail</th></tr>" + "".join(rows) + "</table>"
        )
        text = head + (table if rows else "<p>no events</p>")
        return text.encode("utf-8", "backslashreplace").decode("utf-8")

    # ----------------------------------------------------------------- derived facts

    def attribute(self, name: str) -> str | None:
        """Return a custom field's text, or ``None`` when the interaction lacks it.

        >>> import pendulum
        >>> Interaction(id="T", customer_id="C", channel="email",
        ...             created_at=pendulum.datetime(2024, 1, 1),
        ...             attributes={"product": "router"}).attribute("product")
        'router'
        """
        for key, value in self.attributes:
            if key == name:
                return value
        return None

    def messages(self) -> tuple[Message, ...]:
        """All messages, in order.

        >>> import pendulum
        >>> Interaction(id="T", customer_id="C", channel="email",
        ...             created_at=pendulum.datetime(2024, 1, 1)).messages()
        ()
        """
        return tuple(e for e in self.events if isinstance(e, Message))

    def first_reply_at(
        self, *, opening: OpeningMessage = OpeningMessage.NOT_A_REPLY
    ) -> pendulum.DateTime | None:
        """When the first reply (:meth:`first_reply`) was sent (``None``: not yet).

        Bot messages, automatic acknowledgements, private notes and the message
        that opened an agent-opened interaction do not count.

        >>> import pendulum
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> outbound = Interaction(id="T", customer_id="C", channel="email", created_at=t,
        ...     opened_by="agent", events=[Message(at=t, author="agent"),
        ...     Message(at=t.add(hours=2), author="customer"), Message(at=t.add(hours=3), author="agent")])
        >>> outbound.first_reply_at().hour, outbound.first_reply_at(opening=OpeningMessage.COUNTS_AS_REPLY).hour
        (3, 0)
        """
        reply = self.first_reply(opening=opening)
        return None if reply is None else reply.at

    def first_reply(
        self, *, opening: OpeningMessage = OpeningMessage.NOT_A_REPLY
    ) -> Message | None:
        """The first reply: the first of :meth:`replies` (``None``: not yet).

        >>> import pendulum
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> Interaction(id="T", customer_id="C", channel="email", created_at=t, events=[
        ...     Message(at=t, author="bot", author_id="helper"),
        ...     Message(at=t.add(minutes=5), author="agent", author_id="A-1"),
        ... ]).first_reply().author_id
        'A-1'
        """
        found = self.replies(opening=opening)
        return found[0] if found else None

    def opening_message(
        self, *, opening: OpeningMessage = OpeningMessage.NOT_A_REPLY
    ) -> Message | None:
        """The message that opened an agent-opened interaction and is not a reply (``None``: none).

        >>> import pendulum
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> Interaction(id="T", customer_id="C", channel="email", created_at=t, opened_by="agent",
        ...     events=[Message(at=t, author="agent")]).opening_message().at == t
        True
        """
        first = next((e for e in self.events if isinstance(e, Message)), None)
        if first is None or not is_opening(
            first, first=True, opened_by_agent=self.opened_by is Role.AGENT, opening=opening
        ):
            return None
        return first

    def replies(
        self, *, opening: OpeningMessage = OpeningMessage.NOT_A_REPLY
    ) -> tuple[Message, ...]:
        """The agent replies: public human agent messages, less an uncounted opening message.

        This is the one definition of a reply that first reply, reply counts,
        first-contact resolution and the SLA clocks use (see
        :class:`OpeningMessage` for *opening*).

        >>> import pendulum
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> Interaction(id="T", customer_id="C", channel="chat", created_at=t, events=[
        ...     Message(at=t, author="agent"), Message(at=t, author="bot"),
        ... ]).replies()[0].author.value
        'agent'
        """
        if opening is OpeningMessage.NOT_A_REPLY:
            return log_facts(self).replies
        return _replies(self.events, opened_by=self.opened_by, opening=opening)

    def agent_reply_count(self, *, opening: OpeningMessage = OpeningMessage.NOT_A_REPLY) -> int:
        """How many agent replies the thread has (:meth:`replies`).

        >>> import pendulum
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> Interaction(id="T", customer_id="C", channel="chat", created_at=t, opened_by="agent",
        ...     events=[Message(at=t, author="agent"), Message(at=t.add(hours=1), author="agent"),
        ... ]).agent_reply_count()
        1
        """
        return len(self.replies(opening=opening))

    def _event(self, index: int | None, kind: type[_E]) -> _E | None:
        """The event at *index* (one of the log's facts: :func:`~._log._facts.latest`), of *kind*."""
        if index is None:
            return None
        event = self.events[index]
        assert isinstance(event, kind)  # the index was found for this kind
        return event

    def status(self) -> Status:
        """The status after the last status change (``new`` when there is none).

        >>> import pendulum
        >>> Interaction(id="T", customer_id="C", channel="chat",
        ...             created_at=pendulum.datetime(2024, 1, 1)).status()
        <Status.NEW: 'new'>
        """
        last = self._event(log_facts(self).latest_status, StatusChange)
        return Status.NEW if last is None else last.status

    def status_timeline(self) -> tuple[StatusSpan, ...]:
        """The statuses the interaction went through, each with its start and end.

        >>> import pendulum
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> spans = Interaction(id="T", customer_id="C", channel="chat", created_at=t,
        ...     events=[StatusChange(at=t.add(hours=1), status="solved")]).status_timeline()
        >>> [(s.status.value, s.end is None) for s in spans]
        [('new', False), ('solved', True)]
        """
        spans: list[StatusSpan] = []
        status, start = Status.NEW, self.created_at
        for event in self.events:
            if isinstance(event, StatusChange):
                spans.append(StatusSpan(status=status, start=start, end=event.at))
                status, start = event.status, event.at
        spans.append(StatusSpan(status=status, start=start, end=None))
        return tuple(spans)

    def as_of(self, at: _dt.datetime) -> Interaction:
        """The interaction as it stood at *at*: the same thread without the events after it.

        Every fact asked of the result (status, first reply, resolution,
        reopens, rating, assignee) is the fact as it was known at *at*; an
        event at *at* itself counts. The interaction itself is returned when no
        event is later, and an instant before creation leaves no events.

        Raises:
            ValidationError: *at* is not a timezone-aware datetime.

        >>> import pendulum
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> i = Interaction(id="T", customer_id="C", channel="chat", created_at=t, events=[
        ...     StatusChange(at=t.add(hours=1), status="solved"),
        ...     StatusChange(at=t.add(hours=2), status="open"),
        ... ])
        >>> i.as_of(t.add(hours=1)).status(), i.as_of(t.add(hours=3)) is i
        (<Status.SOLVED: 'solved'>, True)
        """
        return log_until(self, to_micros(aware(at, field="at")))

    def first_resolution(self) -> StatusChange | None:
        """The status change that first resolved the interaction (``None``: never); see :meth:`first_solved_at`.

        >>> import pendulum
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> Interaction(id="T", customer_id="C", channel="chat", created_at=t,
        ...     events=[StatusChange(at=t, status="closed")]).first_resolution().status
        <Status.CLOSED: 'closed'>
        """
        found = log_facts(self).resolutions
        return cast(StatusChange, self.events[found[0]]) if found else None

    def first_solved_at(self) -> pendulum.DateTime | None:
        """When the interaction was first resolved (``None``: never).

        Resolved means solved or closed (:attr:`Status.is_resolved`): an
        interaction closed without being solved first is resolved when it is
        closed, and closing a solved interaction does not resolve it again.

        >>> import pendulum
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> Interaction(id="T", customer_id="C", channel="chat", created_at=t,
        ...     events=[StatusChange(at=t.add(hours=1), status="solved")]).first_solved_at()
        DateTime(2024, 1, 1, 1, 0, 0, tzinfo=Timezone('UTC'))
        """
        found = log_facts(self).resolutions
        return self.events[found[0]].at if found else None

    def last_solved_at(self) -> pendulum.DateTime | None:
        """When the interaction was last resolved (``None``: never); later than the first after a reopen.

        Resolved has the meaning of :meth:`first_solved_at`.

        >>> import pendulum
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> Interaction(id="T", customer_id="C", channel="chat", created_at=t, events=[
        ...     StatusChange(at=t.add(hours=1), status="solved"),
        ...     StatusChange(at=t.add(hours=2), status="open"),
        ...     StatusChange(at=t.add(hours=3), status="solved"),
        ...     StatusChange(at=t.add(hours=4), status="closed"),
        ... ]).last_solved_at()
        DateTime(2024, 1, 1, 3, 0, 0, tzinfo=Timezone('UTC'))
        """
        found = log_facts(self).resolutions
        return self.events[found[-1]].at if found else None

    def resolution_count(self) -> int:
        """How many times the interaction was resolved (entered solved or closed from another status).

        Resolved has the meaning of :meth:`first_solved_at`: closing a solved
        interaction is not a new resolution, resolving it again after a reopen is.

        >>> import pendulum
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> Interaction(id="T", customer_id="C", channel="chat", created_at=t, events=[
        ...     StatusChange(at=t.add(hours=1), status="solved"),
        ...     StatusChange(at=t.add(hours=2), status="open"),
        ...     StatusChange(at=t.add(hours=3), status="solved"),
        ...     StatusChange(at=t.add(hours=4), status="closed"),
        ... ]).resolution_count()
        2
        """
        return len(log_facts(self).resolutions)

    def reopen_count(self) -> int:
        """How many times a solved interaction was reopened (solved to open, pending or on hold).

        >>> import pendulum
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> Interaction(id="T", customer_id="C", channel="chat", created_at=t, events=[
        ...     StatusChange(at=t.add(hours=1), status="solved"),
        ...     StatusChange(at=t.add(hours=2), status="open"),
        ... ]).reopen_count()
        1
        """
        return log_facts(self).reopens

    def priority_at(self, at: pendulum.DateTime) -> Priority:
        """The priority in force at an instant (changes at an instant apply from it).

        >>> import pendulum
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> i = Interaction(id="T", customer_id="C", channel="chat", created_at=t,
        ...     events=[PriorityChange(at=t.add(hours=1), priority="urgent")])
        >>> i.priority_at(t).value, i.priority_at(t.add(hours=1)).value
        ('normal', 'urgent')
        """
        priority = self.priority
        limit = to_micros(at)
        for event in self.events:
            if to_micros(event.at) > limit:
                break
            if isinstance(event, PriorityChange):
                priority = event.priority
        return priority

    def tags_at(self, at: _dt.datetime) -> frozenset[str]:
        """The tags in force at an instant: ``tags`` with every tag change up to *at* applied.

        A change at *at* itself applies (as for :meth:`priority_at`).

        Raises:
            ValidationError: *at* is not a timezone-aware datetime.

        >>> import pendulum
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> i = Interaction(id="T", customer_id="C", channel="chat", created_at=t, tags=["new"],
        ...     events=[TagChange(at=t.add(hours=1), added=["vip"], removed=["new"])])
        >>> sorted(i.tags_at(t)), sorted(i.tags_at(t.add(hours=1)))
        (['new'], ['vip'])
        """
        limit = to_micros(aware(at, field="at"))
        tags = self.tags
        for event in self.events:
            if type(event) is TagChange:
                if to_micros(event.at) > limit:
                    break
                tags = (tags | event.added) - event.removed
        return tags

    def attributes_at(self, at: _dt.datetime) -> tuple[tuple[str, str], ...]:
        """The custom fields in force at an instant (sorted pairs, like ``attributes``).

        ``attributes`` holds the fields at creation; each :class:`FieldChange`
        up to *at* (inclusive) sets or clears one.

        Raises:
            ValidationError: *at* is not a timezone-aware datetime.

        >>> import pendulum
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> i = Interaction(id="T", customer_id="C", channel="chat", created_at=t,
        ...     attributes={"form": "general"},
        ...     events=[FieldChange(at=t.add(hours=1), name="form", value="returns")])
        >>> i.attributes_at(t), i.attributes_at(t.add(hours=1))
        ((('form', 'general'),), (('form', 'returns'),))
        """
        limit = to_micros(aware(at, field="at"))
        fields: dict[str, str] | None = None
        for event in self.events:
            if type(event) is FieldChange:
                if to_micros(event.at) > limit:
                    break
                if fields is None:
                    fields = dict(self.attributes)
                if event.value is None:
                    fields.pop(event.name, None)
                else:
                    fields[event.name] = event.value
        return self.attributes if fields is None else tuple(sorted(fields.items()))

    def schedule_at(self, at: _dt.datetime) -> str | None:
        """The schedule named by the last :class:`ScheduleChange` up to *at* (``None``: none yet).

        ``None`` means the policy set's default schedule applies.

        Raises:
            ValidationError: *at* is not a timezone-aware datetime.

        >>> import pendulum
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> i = Interaction(id="T", customer_id="C", channel="chat", created_at=t,
        ...     events=[ScheduleChange(at=t.add(hours=1), schedule="emea")])
        >>> i.schedule_at(t) is None, i.schedule_at(t.add(hours=2))
        (True, 'emea')
        """
        limit = to_micros(aware(at, field="at"))
        schedule = None
        for event in self.events:
            if type(event) is ScheduleChange:
                if to_micros(event.at) > limit:
                    break
                schedule = event.schedule
        return schedule

    def current_priority(self) -> Priority:
        """The priority after the last priority change.

        >>> import pendulum
        >>> Interaction(id="T", customer_id="C", channel="chat",
        ...             created_at=pendulum.datetime(2024, 1, 1)).current_priority()
        <Priority.NORMAL: 'normal'>
        """
        last = self._event(log_facts(self).latest_priority, PriorityChange)
        return self.priority if last is None else last.priority

    def assignee(self) -> str | None:
        """The agent the interaction is assigned to after the last assignment (``None``: nobody).

        >>> import pendulum
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> Interaction(id="T", customer_id="C", channel="chat", created_at=t,
        ...     events=[Assignment(at=t, agent_id="A-1")]).assignee()
        'A-1'
        """
        last = self._event(log_facts(self).latest_assignment, Assignment)
        return None if last is None else last.agent_id

    def group(self) -> str | None:
        """The group after the last assignment that named one (``None``: no group).

        >>> import pendulum
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> Interaction(id="T", customer_id="C", channel="chat", created_at=t,
        ...     events=[Assignment(at=t, agent_id="A-1", group="billing"),
        ...             Assignment(at=t, agent_id="A-2")]).group()
        'billing'
        """
        last = self._event(log_facts(self).latest_group, Assignment)
        return None if last is None else last.group

    def satisfaction(self) -> int | None:
        """The latest CSAT score given on this interaction (``None``: not rated).

        >>> import pendulum
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> Interaction(id="T", customer_id="C", channel="chat", created_at=t,
        ...     events=[SatisfactionResponse(at=t, score=2),
        ...             SatisfactionResponse(at=t, score=5)]).satisfaction()
        5
        """
        rating = self.rating()
        return None if rating is None else rating.score

    def rating(self) -> SatisfactionResponse | None:
        """The latest satisfaction response, with its instant (``None``: not rated).

        CSAT reads this rating: a later response replaces an earlier one.

        >>> import pendulum
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> Interaction(id="T", customer_id="C", channel="chat", created_at=t,
        ...     events=[SatisfactionResponse(at=t.add(days=1), score=4)]).rating().at.day
        2
        """
        return self._event(log_facts(self).latest_rating, SatisfactionResponse)
