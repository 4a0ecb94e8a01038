"""Histories an interaction's log tells: status over time, assignments, ratings, effort.

:class:`InteractionHistory` is a base of :class:`~servicemodel.Interaction`:
its methods are facts asked of the interaction (the KPIs read them, never
re-derive them), kept here so that ``interactions.py`` holds the values and
this module the histories read from their events.

The satisfaction verdicts are written here once: on the 1-5 scale a rating
of 4 or 5 is *good*, 1 or 2 is *bad* and 3 is neutral (Zendesk's binary
good / bad survey maps onto 5 and 1). CSAT's ``good_over_good_and_bad``
variant and the satisfaction-change KPIs read these bounds.

>>> import pendulum
>>> from servicemodel import Assignment, Interaction, StatusChange
>>> t = pendulum.datetime(2024, 6, 10, 9)
>>> ticket = Interaction(id="T", customer_id="C", channel="email", created_at=t, events=[
...     Assignment(at=t.add(minutes=10), agent_id="A-1"),
...     StatusChange(at=t.add(minutes=30), status="pending"),
...     Assignment(at=t.add(hours=1), agent_id="A-2"),
...     StatusChange(at=t.add(hours=2), status="solved"),
... ])
>>> ticket.reassignment_count(), ticket.assignees()
(1, ('A-1', 'A-2'))
>>> [(s.status.value, s.end.diff(s.start).in_minutes()) for s in ticket.status_spans({"new"})]
[('new', 30)]
"""

from __future__ import annotations

import datetime as _dt
import itertools
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pendulum

from .._time import aware, duration_from_micros, duration_micros, to_micros
from .._validators import enum_member

if TYPE_CHECKING:
    from ..interactions import Event, Priority, Role, SatisfactionResponse, Status, StatusSpan
    from ._facts import LogFacts

__all__ = ["BAD_SCORES", "GOOD_SCORES", "InteractionHistory", "handle_micros"]

#: Ratings (inclusive bounds on 1-5) that count as good: 4 and 5.
GOOD_SCORES = (4, 5)
#: Ratings (inclusive bounds on 1-5) that count as bad: 1 and 2.
BAD_SCORES = (1, 2)


def handle_micros(item: InteractionHistory) -> int | None:
    """The one rule of handle time, in microseconds: the ``work`` of human agent messages summed.

    ``None`` when no agent message records its work (not tracked). The
    interaction's :meth:`~InteractionHistory.handle_time` and
    :meth:`~InteractionHistory.tracked_handle_time` are this figure as a
    duration; the handle-time KPIs add it up as it is.
    """
    total: int | None = None
    message, agent = _events.Message, _events.Role.AGENT
    for event in item.events:
        if type(event) is message and event.author is agent and event.work is not None:
            total = (total or 0) + duration_micros(event.work)
    return total


def _verdict(score: int) -> int:
    """+1 good, -1 bad, 0 neutral."""
    if GOOD_SCORES[0] <= score <= GOOD_SCORES[1]:
        return 1
    if BAD_SCORES[0] <= score <= BAD_SCORES[1]:
        return -1
    return 0


class InteractionHistory:
    """The histories read from an interaction's events (a base of ``Interaction``).

    >>> from servicemodel import Interaction
    >>> [base.__name__ for base in Interaction.__mro__[:2]]
    ['Interaction', 'InteractionHistory']
    """

    #: Where :func:`~servicemodel._log._facts.log_facts`,
    #: :func:`~servicemodel._log._facts.log_event_us` and
    #: :func:`~servicemodel._log._facts.log_created_us` keep the log's facts
    #: once worked out: slots, not fields (not part of the value).
    __slots__ = ("_created_us", "_event_us", "_log_facts")

    if TYPE_CHECKING:
        created_at: pendulum.DateTime
        priority: Priority
        tags: frozenset[str]
        attributes: tuple[tuple[str, str], ...]
        events: tuple[Event, ...]
        opened_by: Role
        _log_facts: LogFacts | None
        _event_us: tuple[int, ...]
        _created_us: int

    def status_at(self, at: _dt.datetime) -> Status:
        """The status in force at *at* (a change at *at* itself applies; ``new`` before any).

        An instant before creation gives ``new`` too: :meth:`is_open_at`
        asks whether the interaction was open then, which a backlog needs.

        Raises:
            ValidationError: *at* is not a timezone-aware datetime.

        >>> import pendulum
        >>> from servicemodel import Interaction, StatusChange
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> i = Interaction(id="T", customer_id="C", channel="chat", created_at=t,
        ...     events=[StatusChange(at=t.add(hours=1), status="solved")])
        >>> i.status_at(t).value, i.status_at(t.add(hours=1)).value
        ('new', 'solved')
        """
        return self._status_at(to_micros(aware(at, field="at")))

    def _status_at(self, limit: int) -> Status:
        """The status in force at *limit* (epoch microseconds): the one rule behind the two facts."""
        status = _events.Status.NEW
        for event in self.events:  # in time order: the first later change ends the search
            if isinstance(event, _events.StatusChange):
                if to_micros(event.at) > limit:
                    break
                status = event.status
        return status

    def is_open_at(self, at: _dt.datetime) -> bool:
        """True when the interaction existed at *at* and was neither solved nor closed then.

        The question a backlog asks at its instant: created by *at* (creation
        at *at* itself counts) and unresolved by :meth:`status_at` there.

        Raises:
            ValidationError: *at* is not a timezone-aware datetime.

        >>> import pendulum
        >>> from servicemodel import Interaction, StatusChange
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> i = Interaction(id="T", customer_id="C", channel="chat", created_at=t,
        ...     events=[StatusChange(at=t.add(hours=1), status="solved")])
        >>> i.is_open_at(t.subtract(seconds=1)), i.is_open_at(t), i.is_open_at(t.add(hours=1))
        (False, True, False)
        """
        limit = to_micros(aware(at, field="at"))
        if to_micros(self.created_at) > limit:
            return False
        return not self._status_at(limit).is_resolved

    def status_spans(
        self, statuses: Iterable[Status | str], *, until: _dt.datetime | None = None
    ) -> tuple[StatusSpan, ...]:
        """The stretches spent in any of *statuses*, each with an end, in time order.

        The status the interaction is in now has no end: with *until* it is
        cut there, without it it is left out (only finished stretches).
        Stretches are cut at *until* and those starting at or after it are
        left out. Zendesk's ticket metrics are sums of these: requester wait
        over new, open and on-hold, agent work over new and open, agent wait
        over pending, on-hold time over on-hold.

        Raises:
            ValidationError: a status is not a status, or *until* is not
                timezone-aware.

        >>> import pendulum
        >>> from servicemodel import Interaction, StatusChange
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> i = Interaction(id="T", customer_id="C", channel="chat", created_at=t, events=[
        ...     StatusChange(at=t.add(hours=1), status="pending"),
        ...     StatusChange(at=t.add(hours=3), status="open")])
        >>> [s.status.value for s in i.status_spans(["new", "open"])]
        ['new']
        >>> [s.end.hour for s in i.status_spans(["new", "open"], until=t.add(hours=5))]
        [1, 5]
        """
        wanted = frozenset(enum_member(_events.Status, s, field="statuses") for s in statuses)
        end = None if until is None else aware(until, field="until")
        limit = None if end is None else to_micros(end)
        found: list[StatusSpan] = []
        status, start = _events.Status.NEW, self.created_at
        for event in self.events:
            if isinstance(event, _events.StatusChange):
                if limit is not None and to_micros(event.at) >= limit:
                    break
                if status in wanted:
                    found.append(_events.StatusSpan(status=status, start=start, end=event.at))
                status, start = event.status, event.at
        if end is not None and limit is not None and status in wanted and to_micros(start) < limit:
            found.append(_events.StatusSpan(status=status, start=start, end=end))
        return tuple(found)

    def _agent_changes(self) -> list[tuple[pendulum.DateTime, str | None]]:
        """(instant, agent or None) at each assignment that changed the agent."""
        changes: list[tuple[pendulum.DateTime, str | None]] = []
        current: str | None = None
        for event in self.events:
            if isinstance(event, _events.Assignment) and event.agent_id != current:
                current = event.agent_id
                changes.append((event.at, current))
        return changes

    def assignees(self) -> tuple[str, ...]:
        """Every agent the interaction was assigned to, in order of first assignment.

        >>> import pendulum
        >>> from servicemodel import Assignment, Interaction
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> Interaction(id="T", customer_id="C", channel="chat", created_at=t, events=[
        ...     Assignment(at=t, agent_id="A-1"), Assignment(at=t, agent_id="A-2"),
        ...     Assignment(at=t, agent_id="A-1")]).assignees()
        ('A-1', 'A-2')
        """
        seen = dict.fromkeys(agent for _, agent in self._agent_changes() if agent is not None)
        return tuple(seen)

    def assigned_groups(self) -> tuple[str, ...]:
        """Every group the interaction was assigned to, in order of first assignment.

        >>> import pendulum
        >>> from servicemodel import Assignment, Interaction
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> Interaction(id="T", customer_id="C", channel="chat", created_at=t, events=[
        ...     Assignment(at=t, group="tier-1"), Assignment(at=t, agent_id="A-9"),
        ...     Assignment(at=t, group="billing")]).assigned_groups()
        ('tier-1', 'billing')
        """
        seen = dict.fromkeys(
            e.group
            for e in self.events
            if isinstance(e, _events.Assignment) and e.group is not None
        )
        return tuple(seen)

    def reassignment_count(self) -> int:
        """How many times the interaction was handed from one agent to another.

        The first assignment is not a reassignment, nor is assigning the
        same agent again; an unassignment in between does not count on its
        own (agent A, nobody, agent B is one handoff; A, nobody, A is none).
        Zendesk's ``reassignments`` ticket metric counts the same handoffs.

        >>> import pendulum
        >>> from servicemodel import Assignment, Interaction
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> Interaction(id="T", customer_id="C", channel="chat", created_at=t, events=[
        ...     Assignment(at=t, agent_id="A-1"), Assignment(at=t, agent_id=None),
        ...     Assignment(at=t, agent_id="A-2"), Assignment(at=t, agent_id="A-2")],
        ... ).reassignment_count()
        1
        """
        count = 0
        previous: str | None = None
        for _, agent in self._agent_changes():
            if agent is None:
                continue
            if previous is not None and agent != previous:
                count += 1
            previous = agent
        return count

    def first_assigned_at(self) -> pendulum.DateTime | None:
        """When an agent was first assigned (``None``: never; a group alone does not count).

        >>> import pendulum
        >>> from servicemodel import Assignment, Interaction
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> Interaction(id="T", customer_id="C", channel="chat", created_at=t, events=[
        ...     Assignment(at=t, group="tier-1"),
        ...     Assignment(at=t.add(minutes=20), agent_id="A-1")]).first_assigned_at().minute
        20
        """
        for at, agent in self._agent_changes():
            if agent is not None:
                return at
        return None

    def unassigned_spans(self, until: _dt.datetime) -> tuple[tuple[pendulum.DateTime, ...], ...]:
        """The (start, end) stretches between creation and *until* with no agent assigned.

        Raises:
            ValidationError: *until* is not a timezone-aware datetime.

        >>> import pendulum
        >>> from servicemodel import Assignment, Interaction
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> i = Interaction(id="T", customer_id="C", channel="chat", created_at=t, events=[
        ...     Assignment(at=t.add(minutes=5), agent_id="A-1"),
        ...     Assignment(at=t.add(minutes=30), agent_id=None)])
        >>> [(a.minute, b.minute) for a, b in i.unassigned_spans(t.add(minutes=45))]
        [(0, 5), (30, 45)]
        """
        end = aware(until, field="until")
        limit = to_micros(end)
        spans: list[tuple[pendulum.DateTime, ...]] = []
        start: pendulum.DateTime | None = self.created_at
        for at, agent in self._agent_changes():
            if to_micros(at) >= limit:
                break
            if agent is None and start is None:
                start = at
            elif agent is not None and start is not None:
                if to_micros(at) > to_micros(start):
                    spans.append((start, at))
                start = None
        if start is not None and limit > to_micros(start):
            spans.append((start, end))
        return tuple(spans)

    def handle_time(self) -> pendulum.Duration:
        """The agents' recorded effort: the sum of ``work`` over human agent messages.

        Messages without ``work`` add nothing, so the result is zero when no
        effort was tracked (:meth:`tracked_handle_time` tells the two apart).

        >>> import pendulum
        >>> from servicemodel import Interaction, Message
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> Interaction(id="T", customer_id="C", channel="phone", created_at=t, events=[
        ...     Message(at=t, author="agent", work=pendulum.duration(minutes=4)),
        ...     Message(at=t.add(minutes=5), author="agent", visibility="private",
        ...             work=pendulum.duration(minutes=1)),
        ... ]).handle_time()
        Duration(minutes=5)
        """
        return duration_from_micros(handle_micros(self) or 0)

    def tracked_handle_time(self) -> pendulum.Duration | None:
        """The handle time when a human agent message records its ``work`` (``None``: not tracked).

        The handle-time KPIs measure only tracked interactions: an untracked
        one is left out, not counted as zero; a tracked zero counts.

        >>> import pendulum
        >>> from servicemodel import Interaction, Message
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> i = Interaction(id="T", customer_id="C", channel="chat", created_at=t,
        ...                 events=[Message(at=t, author="agent")])
        >>> i.tracked_handle_time() is None, i.handle_time()
        (True, Duration())
        """
        micros = handle_micros(self)
        return None if micros is None else duration_from_micros(micros)

    def ratings(self) -> tuple[SatisfactionResponse, ...]:
        """Every satisfaction response, in time order (the last is :meth:`rating`).

        >>> import pendulum
        >>> from servicemodel import Interaction, SatisfactionResponse
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> [r.score for r in Interaction(id="T", customer_id="C", channel="chat", created_at=t,
        ...     events=[SatisfactionResponse(at=t, score=2),
        ...             SatisfactionResponse(at=t, score=5)]).ratings()]
        [2, 5]
        """
        return tuple(e for e in self.events if isinstance(e, _events.SatisfactionResponse))

    def first_rating(self) -> SatisfactionResponse | None:
        """The first satisfaction response (``None``: not rated); later ones may replace it.

        >>> import pendulum
        >>> from servicemodel import Interaction, SatisfactionResponse
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> Interaction(id="T", customer_id="C", channel="chat", created_at=t,
        ...     events=[SatisfactionResponse(at=t, score=2),
        ...             SatisfactionResponse(at=t, score=5)]).first_rating().score
        2
        """
        ratings = self.ratings()
        return ratings[0] if ratings else None

    def _verdict_changes(self) -> list[tuple[int, int]]:
        verdicts = [v for v in (_verdict(r.score) for r in self.ratings()) if v]
        return list(itertools.pairwise(verdicts))

    def went_good_to_bad(self) -> bool:
        """True when a bad rating (1-2) followed a good one (4-5).

        Neutral ratings (3) are passed over: good, neutral, bad went good to
        bad. Zendesk's ``is_good_to_bad_satisfaction_score`` on its binary
        survey is the same question.

        >>> import pendulum
        >>> from servicemodel import Interaction, SatisfactionResponse
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> Interaction(id="T", customer_id="C", channel="chat", created_at=t, events=[
        ...     SatisfactionResponse(at=t, score=5), SatisfactionResponse(at=t, score=3),
        ...     SatisfactionResponse(at=t, score=1)]).went_good_to_bad()
        True
        """
        return (1, -1) in self._verdict_changes()

    def went_bad_to_good(self) -> bool:
        """True when a good rating (4-5) followed a bad one (1-2); neutral ratings are passed over.

        >>> import pendulum
        >>> from servicemodel import Interaction, SatisfactionResponse
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> Interaction(id="T", customer_id="C", channel="chat", created_at=t, events=[
        ...     SatisfactionResponse(at=t, score=1), SatisfactionResponse(at=t, score=4)],
        ... ).went_bad_to_good()
        True
        """
        return (-1, 1) in self._verdict_changes()


# At the end: interactions.py imports this module before defining its classes,
# so the event classes are looked up on the module when a method runs.
from .. import interactions as _events  # noqa: E402
