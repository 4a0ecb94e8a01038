"""What the SLA clocks read of an interaction's log, as integers: folded once per evaluation.

Every clock of every policy that evaluates an interaction reads the same
timelines (status, priority, group, tags, fields, schedule, the vendor's
policy and stamped targets) and the same reply waits (:mod:`._reply_waits`).
:class:`ClockInput` folds them from the events' instants as epoch
microseconds (:func:`~._facts.log_event_us`, read once and kept), event by
event, so that the SLA tracker can fold a growing log too;
:func:`clock_input` folds a log once for one evaluation, which every policy
and metric of it shares, and the next-reply KPI reads the same fold.

The fold is not kept on the interaction (as :func:`~._facts.log_facts`
are): it holds about 2 KB per interaction, and for interactions held in
memory, keeping it cost the garbage collector more on the first evaluation
(``benchmarks/sla.py``: about 45% more CPU time) than it saved on later ones.

>>> import pendulum
>>> from servicemodel import Interaction, Message, StatusChange
>>> t = pendulum.datetime(1970, 1, 1)
>>> ticket = Interaction(id="T", customer_id="C", channel="email", created_at=t, events=[
...     Message(at=t.add(seconds=1), author="agent"),
...     Message(at=t.add(seconds=2), author="customer"),
...     StatusChange(at=t.add(seconds=3), status="solved"),
... ])
>>> log = clock_input(ticket)
>>> [(at // 1_000_000, status.value) for at, status in log.statuses]
[(0, 'new'), (3, 'solved')]
>>> log.clock_waits.windows, log.reply_waits.windows
([[2000000, 3000000]], [[2000000, None]])
>>> len(clock_input(ticket, upto=2_000_000).statuses)
1
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING, Any, final

import attrs

from .._time import duration_micros
from ._events import (
    Assignment,
    Event,
    FieldChange,
    Message,
    PolicyApplied,
    PriorityChange,
    ScheduleChange,
    StatusChange,
    TagChange,
    TargetApplied,
)
from ._facts import log_event_us, log_facts
from ._opening import OpeningMessage, is_opening
from ._reply_waits import ReplyWaits, Solving
from ._vocabulary import Priority, Role, Status, Visibility

if TYPE_CHECKING:
    from ._interaction_history import InteractionHistory

__all__ = ["ClockInput", "clock_input"]

#: The resolved statuses (:attr:`Status.is_resolved`), in which reply clocks stop.
_RESOLVED = tuple(
    status for status in Status if status.is_resolved
)  # a tuple: members compare by identity, no Enum.__hash__
_PUBLIC = Visibility.PUBLIC
_AGENT = Role.AGENT
_CUSTOMER = Role.CUSTOMER


@final
@attrs.define
class ClockInput:
    """The facts of an interaction's log the SLA clocks need, folded event by event.

    ``statuses``, ``priorities``, ``groups``, ``tags``, ``fields`` (custom
    fields as sorted pairs), ``schedules`` (``None``: the default schedule)
    and ``vendor`` (the policy the helpdesk applied, ``None``: none) are
    timelines of ``(since_us, value)``; ``stamps`` holds each metric's
    stamped targets as ``(at_us, within_us, calendar)``. ``clock_waits`` are
    the reply waits of the ``first_reply`` and ``next_reply`` clocks (a
    resolve ends them: :attr:`Solving.ENDS_THE_WAIT`), ``reply_waits`` those
    of the next-reply KPI (only a reply does: :attr:`Solving.IGNORED`), and
    ``periodic`` the ``periodic_update`` instances as ``[start_us, end_us |
    None]`` pairs. :meth:`feed` takes one event; feeding a log in chunks gives
    the same state as feeding it at once. An agent's message that opened the
    interaction is not a reply under :attr:`OpeningMessage.NOT_A_REPLY`
    (``opened_by_agent`` and ``opening``). ``status`` is the latest status,
    ``last_at`` the instant of the last event folded and ``seen`` how many
    were. :meth:`opened` starts the fold of a log with no events.

    >>> import pendulum
    >>> log = ClockInput.opened(0, Priority.HIGH)
    >>> log.feed(5, StatusChange(at=pendulum.datetime(1970, 1, 1), status="solved"))
    >>> log.status.value, log.completion(), log.priorities
    ('solved', 5, [(0, <Priority.HIGH: 'high'>)])
    """

    created: int
    statuses: list[tuple[int, Status]]
    priorities: list[tuple[int, Priority]]
    groups: list[tuple[int, str | None]]
    tags: list[tuple[int, frozenset[str]]]
    fields: list[tuple[int, tuple[tuple[str, str], ...]]]
    schedules: list[tuple[int, str | None]]
    vendor: list[tuple[int, str | None]]
    stamps: dict[str, list[tuple[int, int, str | None]]]
    clock_waits: ReplyWaits
    reply_waits: ReplyWaits
    periodic: list[list[int | None]]
    status: Status
    last_at: int
    seen: int = 0
    opened_by_agent: bool = False
    opening: OpeningMessage = OpeningMessage.NOT_A_REPLY
    _messaged: bool = False
    _periodic_open: bool = False

    @classmethod
    def opened(
        cls,
        created: int,
        priority: Priority,
        tags: frozenset[str] = frozenset(),
        fields: tuple[tuple[str, str], ...] = (),
        *,
        opened_by_agent: bool = False,
        opening: OpeningMessage = OpeningMessage.NOT_A_REPLY,
    ) -> ClockInput:
        """The fold of a log with no events yet: an interaction opened at *created*.

        >>> ClockInput.opened(0, Priority.LOW, frozenset({"vip"})).tags
        [(0, frozenset({'vip'}))]
        """
        return cls(
            created,
            [(created, Status.NEW)],
            [(created, priority)],
            [(created, None)],
            [(created, tags)],
            [(created, fields)],
            [(created, None)],
            [(created, None)],
            {},
            ReplyWaits(solving=Solving.ENDS_THE_WAIT),
            ReplyWaits(solving=Solving.IGNORED),
            [],
            Status.NEW,
            created,
            opened_by_agent=opened_by_agent,
            opening=opening,
        )

    def copy(self) -> ClockInput:
        """An independent copy (the tracker's values never share mutable state).

        >>> import pendulum
        >>> log = ClockInput.opened(0, Priority.LOW)
        >>> twin = log.copy(); twin.feed(1, StatusChange(at=pendulum.datetime(1970, 1, 1), status="open"))
        >>> len(log.statuses), len(twin.statuses)
        (1, 2)
        """
        return ClockInput(
            self.created,
            list(self.statuses),
            list(self.priorities),
            list(self.groups),
            list(self.tags),
            list(self.fields),
            list(self.schedules),
            list(self.vendor),
            {metric: list(stamps) for metric, stamps in self.stamps.items()},
            self.clock_waits.copy(),
            self.reply_waits.copy(),
            [list(pair) for pair in self.periodic],
            self.status,
            self.last_at,
            self.seen,
            self.opened_by_agent,
            self.opening,
            self._messaged,
            self._periodic_open,
        )

    def feed(self, at: int, event: Event) -> None:
        """Fold one event that happened at *at* (microseconds, not before the last one)."""
        self.seen += 1
        self.last_at = at
        if isinstance(event, Message):
            if not self._messaged:
                self._messaged = True
                if is_opening(
                    event, first=True, opened_by_agent=self.opened_by_agent, opening=self.opening
                ):
                    return
            if event.visibility is not _PUBLIC:
                return
            if event.author is _AGENT:
                self.clock_waits.agent_reply(at)
                self.reply_waits.agent_reply(at)
                if self._periodic_open:
                    self.periodic[-1][1] = at
                    self._periodic_open = False
                if self.status not in _RESOLVED:
                    self.periodic.append([at, None])
                    self._periodic_open = True
            elif event.author is _CUSTOMER:
                resolved = self.status in _RESOLVED
                self.clock_waits.customer_message(at, resolved=resolved)
                self.reply_waits.customer_message(at, resolved=resolved)
        elif isinstance(event, StatusChange):
            status = event.status
            self.status = status
            self.statuses.append((at, status))
            if status in _RESOLVED:
                self.clock_waits.resolved(at)
                if self._periodic_open:
                    self.periodic[-1][1] = at
                    self._periodic_open = False
        elif isinstance(event, PriorityChange):
            self.priorities.append((at, event.priority))
        elif isinstance(event, Assignment):
            if event.group is not None and event.group != self.groups[-1][1]:
                self.groups.append((at, event.group))
        else:
            self._routing(at, event)

    def _routing(self, at: int, event: Event) -> None:
        """Fold a tag, field or schedule change or a vendor's stamp (other events change nothing)."""
        if isinstance(event, TagChange):
            tags = (self.tags[-1][1] | event.added) - event.removed
            if tags != self.tags[-1][1]:
                _put(self.tags, at, tags)
        elif isinstance(event, FieldChange):
            fields = dict(self.fields[-1][1])
            if event.value is None:
                fields.pop(event.name, None)
            else:
                fields[event.name] = event.value
            pairs = tuple(sorted(fields.items()))
            if pairs != self.fields[-1][1]:
                _put(self.fields, at, pairs)
        elif isinstance(event, ScheduleChange):
            if event.schedule != self.schedules[-1][1]:
                _put(self.schedules, at, event.schedule)
        elif isinstance(event, PolicyApplied):
            if event.policy != self.vendor[-1][1]:
                _put(self.vendor, at, event.policy)
        elif isinstance(event, TargetApplied):
            stamp = (at, duration_micros(event.within), event.calendar)
            self.stamps.setdefault(event.metric, []).append(stamp)

    def completion(self) -> int | None:
        """When the interaction was last solved or closed, if it still is (``None``: it is not).

        >>> ClockInput.opened(7, Priority.LOW).completion() is None
        True
        """
        statuses = self.statuses
        if statuses[-1][1] not in _RESOLVED:
            return None
        index = len(statuses) - 1
        while index > 0 and statuses[index - 1][1] in _RESOLVED:
            index -= 1
        return statuses[index][0]


def _put(timeline: list[tuple[int, Any]], at: int, value: object) -> None:
    """Append a value to a timeline; a second change at the same instant replaces the first."""
    if timeline[-1][0] == at:
        timeline[-1] = (at, value)
    else:
        timeline.append((at, value))


def clock_input(
    item: InteractionHistory,
    *,
    opening: OpeningMessage = OpeningMessage.NOT_A_REPLY,
    upto: int | None = None,
) -> ClockInput:
    """*item*'s log folded for the clocks, up to *upto* (epoch µs; ``None``: all of it).

    >>> import pendulum
    >>> from servicemodel import Interaction
    >>> clock_input(Interaction(id="T", customer_id="C", channel="chat",
    ...                         created_at=pendulum.datetime(1970, 1, 1))).statuses
    [(0, <Status.NEW: 'new'>)]
    """
    opened_by_agent = item.opened_by is _AGENT
    log = ClockInput.opened(
        log_facts(item).created_us,
        item.priority,
        item.tags,
        item.attributes,
        opened_by_agent=opened_by_agent,
        opening=opening,
    )
    feed = log.feed
    events, micros = item.events, log_event_us(item)
    if upto is not None and micros and micros[-1] > upto:  # the events up to *upto* only
        count = bisect_right(micros, upto)
        events, micros = events[:count], micros[:count]
    for event, at in zip(events, micros, strict=True):
        feed(at, event)
    return log
