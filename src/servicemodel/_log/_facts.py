"""The facts of an interaction's log every consumer asks: worked out once, kept beside it.

The KPI report, the SLA clocks, goals, recognition and the findings all ask
an interaction the same questions: when its events happened (as integers),
its replies, its resolutions and how often it was reopened. Each answer has
one rule here, and :func:`log_facts` works them all out the first time one
is asked and keeps them on the interaction. The instants as integers
(:func:`log_created_us`, :func:`log_event_us`) are read where they are read
anyway, by the log's rules when an interaction is built and by the record
decoder as it parses each timestamp, and kept (:func:`keep_event_us`);
:func:`log_until` cuts a log at an instant with the prefix of them. (Each
is kept in a slot of
:class:`~servicemodel._log._interaction_history.InteractionHistory`, not a
field: the facts are not part of the value, are not compared, hashed,
pickled or copied, and an interaction with other events, such as one
returned by ``as_of``, has its own.)

>>> import pendulum
>>> from servicemodel import Interaction, Message, StatusChange
>>> t = pendulum.datetime(2024, 6, 10, 9)
>>> ticket = Interaction(id="T", customer_id="C", channel="email", created_at=t, events=[
...     Message(at=t.add(minutes=5), author="agent"),
...     StatusChange(at=t.add(hours=1), status="solved"),
...     StatusChange(at=t.add(hours=2), status="open"),
... ])
>>> facts = log_facts(ticket)
>>> facts.reopens, len(facts.replies), facts.resolutions
(1, 1, (1,))
>>> facts.first_solved_us - facts.created_us, log_event_us(ticket)[1] == facts.first_solved_us
(3600000000, True)
>>> log_facts(ticket) is facts
True
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, NamedTuple, TypeVar, cast

import attrs

from .._time import to_micros
from ._opening import OpeningMessage, is_opening
from ._vocabulary import Role, Status

if TYPE_CHECKING:
    from ..interactions import Event, Message
    from ._interaction_history import InteractionHistory

__all__ = [
    "LogFacts",
    "event_micros",
    "keep_event_us",
    "log_created_us",
    "log_event_us",
    "log_facts",
    "log_until",
    "replies",
]


class LogFacts(NamedTuple):
    """What an interaction's log says, as integers and events, for the default opening rule.

    - ``created_us``: ``created_at`` in epoch microseconds;
    - ``replies``: the agent replies (:func:`replies`, the opening message
      not a reply: :attr:`OpeningMessage.NOT_A_REPLY`), and
      ``first_reply_us`` the first one's instant (``None``: no reply);
    - ``resolutions``: the indexes in ``events`` of the status changes that
      resolved the interaction, and ``first_solved_us`` and ``last_solved_us``
      the first and last one's instants (``None``: never resolved);
    - ``reopens``: how many times it was reopened;
    - ``latest_status``, ``latest_priority``, ``latest_assignment``,
      ``latest_group`` and ``latest_rating``: the indexes in ``events`` of the
      last status change, priority change, assignment, assignment naming a
      group and satisfaction response (``None``: there is none).

    The rules of resolutions, reopens and the latest changes are
    :func:`log_facts`', one pass over the log. A typed record read by field
    name (a named tuple: built once per interaction by one call, where a
    frozen attrs class sets its twelve fields one call each).

    >>> facts = LogFacts(created_us=0, replies=(), first_reply_us=None, resolutions=(),
    ...                  first_solved_us=None, last_solved_us=None, reopens=0,
    ...                  latest_status=None, latest_priority=None, latest_assignment=None,
    ...                  latest_group=None, latest_rating=None)
    >>> facts.reopens, facts.first_solved_us
    (0, None)
    """

    created_us: int
    replies: tuple[Message, ...]
    first_reply_us: int | None
    resolutions: tuple[int, ...]
    first_solved_us: int | None
    last_solved_us: int | None
    reopens: int
    latest_status: int | None
    latest_priority: int | None
    latest_assignment: int | None
    latest_group: int | None
    latest_rating: int | None


def event_micros(events: tuple[Event, ...]) -> tuple[int, ...]:
    """Each event's instant in epoch microseconds (an instant shared by neighbours is read once).

    >>> import pendulum
    >>> from servicemodel import Message
    >>> t = pendulum.datetime(1970, 1, 1, 0, 0, 1)
    >>> event_micros((Message(at=t, author="agent"),))
    (1000000,)
    """
    found: list[int] = []
    last_at: object = None
    micros = 0
    for event in events:
        at = event.at
        if at is not last_at:  # the JSONL reader builds an instant events share once
            micros = to_micros(at)
            last_at = at
        found.append(micros)
    return tuple(found)


def replies(
    events: tuple[Event, ...], *, opened_by: Role, opening: OpeningMessage
) -> tuple[Message, ...]:
    """The agent replies: public human agent messages, less an uncounted opening message.

    The one definition of a reply (see
    :meth:`Interaction.replies <servicemodel.Interaction.replies>`).

    >>> import pendulum
    >>> from servicemodel import Message
    >>> t = pendulum.datetime(2024, 1, 1)
    >>> log = (Message(at=t, author="agent"), Message(at=t, author="bot"))
    >>> len(replies(log, opened_by=Role.AGENT, opening=OpeningMessage.NOT_A_REPLY))
    0
    """
    message = _events.Message
    found: list[Message] = []
    first = True
    agent_opened = opened_by is _AGENT
    for event in events:
        if type(event) is message:
            if first:  # only the log's first message may be the opening one
                first = False
                if is_opening(event, first=True, opened_by_agent=agent_opened, opening=opening):
                    continue
            if event.is_public_agent_reply():
                found.append(event)
    return tuple(found)


def log_facts(item: InteractionHistory) -> LogFacts:
    """The facts of *item*'s log, worked out the first time they are asked and then kept.

    The replies are :func:`replies`'; the rest comes from one pass over the
    events, the one place these rules are written:

    - a resolution is a status change that enters a resolved status
      (:attr:`Status.is_resolved <servicemodel.Status.is_resolved>`: solved
      or closed) from an unresolved one (closing a solved interaction is not
      a new resolution);
    - a reopen is a change from solved to anything but closed;
    - the current status, priority, assignee, group and rating are each the
      latest change of its kind (the group: the latest assignment naming one).

    >>> import pendulum
    >>> from servicemodel import Assignment, Interaction, StatusChange
    >>> t = pendulum.datetime(1970, 1, 1)
    >>> facts = log_facts(Interaction(id="T", customer_id="C", channel="chat", created_at=t,
    ...     events=[StatusChange(at=t, status="solved"), StatusChange(at=t, status="open"),
    ...             Assignment(at=t, agent_id="A", group="b"), Assignment(at=t, agent_id="B"),
    ...             StatusChange(at=t, status="solved"), StatusChange(at=t, status="closed")]))
    >>> facts.created_us, facts.resolutions, facts.reopens
    (0, (0, 4), 1)
    >>> facts.latest_status, facts.latest_assignment, facts.latest_group, facts.latest_priority
    (5, 3, 2, None)
    """
    try:
        kept = item._log_facts  # None until asked (set so by keep_event_us)
    except AttributeError:  # an interaction built past the log's rules (an unpickled one)
        kept = None
    if kept is not None:
        return kept
    events = item.events
    answers = replies(events, opened_by=item.opened_by, opening=_NOT_A_REPLY)
    first = answers[0] if answers else None
    # The instants are kept already (read with the log's rules): looked up, not read again.
    micros = log_event_us(item)
    change, priority = _events.StatusChange, _events.PriorityChange
    assignment, rating = _events.Assignment, _events.SatisfactionResponse
    solved: list[int] = []
    resolved = False
    status, solved_status, closed_status = _NEW, _SOLVED, _CLOSED
    reopens = 0
    first_reply_us = latest_status = latest_priority = None
    latest_assignment = latest_group = latest_rating = None
    event: Any  # each branch reads the fields of the kind it tested
    for index, event in enumerate(events):
        kind = type(event)
        if kind is change:
            now = event.status
            if now in _RESOLVED:
                if not resolved:
                    solved.append(index)
                resolved = True
            else:
                resolved = False
            if status is solved_status and now is not closed_status:
                reopens += 1
            status = now
            latest_status = index
        elif kind is assignment:
            latest_assignment = index
            if event.group is not None:
                latest_group = index
        elif kind is priority:
            latest_priority = index
        elif kind is rating:
            latest_rating = index
        elif event is first:
            first_reply_us = micros[index]
    # In field order, positionally: a call with keywords makes the class build a dict
    # of them first (a sixth of the facts' cost).
    facts = LogFacts(
        log_created_us(item),  # created_us
        answers,  # replies
        first_reply_us,
        tuple(solved),  # resolutions
        micros[solved[0]] if solved else None,  # first_solved_us
        micros[solved[-1]] if solved else None,  # last_solved_us
        reopens,
        latest_status,
        latest_priority,
        latest_assignment,
        latest_group,
        latest_rating,
    )
    _SET_LOG_FACTS(item, facts)  # a frozen value's derived facts, kept once
    return facts


def log_event_us(item: InteractionHistory) -> tuple[int, ...]:
    """Each of *item*'s events' instants in epoch microseconds, worked out once and then kept.

    >>> import pendulum
    >>> from servicemodel import Interaction, Message
    >>> t = pendulum.datetime(1970, 1, 1)
    >>> log_event_us(Interaction(id="T", customer_id="C", channel="chat", created_at=t,
    ...                          events=[Message(at=t.add(seconds=2), author="agent")]))
    (2000000,)
    """
    try:
        return item._event_us
    except AttributeError:  # not asked yet
        pass
    found = event_micros(item.events)
    object.__setattr__(item, "_event_us", found)  # a frozen value's derived facts, kept once
    return found


def keep_event_us(item: InteractionHistory, created_us: int, micros: tuple[int, ...]) -> None:
    """Keep *created_us* and *micros* as *item*'s instants, read as integers where they are read anyway.

    *created_us* must be ``created_at`` and *micros* :func:`event_micros` of
    *item*'s events, in epoch microseconds: the log's rules read them so when
    an interaction is built, and the record decoder as it parses each
    timestamp.

    >>> import pendulum
    >>> from servicemodel import Interaction
    >>> item = Interaction(id="T", customer_id="C", channel="chat",
    ...                    created_at=pendulum.datetime(1970, 1, 1))
    >>> keep_event_us(item, 0, ()); log_created_us(item), log_event_us(item)
    (0, ())
    """
    # The slots' own setters: a frozen value's derived facts, set past its __setattr__
    # (which refuses) without the call of ``object.__setattr__`` (once per record read).
    _SET_CREATED_US(item, created_us)
    _SET_EVENT_US(item, micros)
    # Not asked yet: read as None, where an unset slot raises an AttributeError whose
    # message is formatted only to be caught.
    _SET_LOG_FACTS(item, None)


def log_created_us(item: InteractionHistory) -> int:
    """*item*'s ``created_at`` in epoch microseconds, worked out once and then kept.

    >>> import pendulum
    >>> from servicemodel import Interaction
    >>> log_created_us(Interaction(id="T", customer_id="C", channel="chat",
    ...                            created_at=pendulum.datetime(1970, 1, 1, 0, 0, 3)))
    3000000
    """
    try:
        return item._created_us
    except AttributeError:  # not asked yet (an unpickled interaction)
        pass
    found = to_micros(item.created_at)
    object.__setattr__(item, "_created_us", found)  # a frozen value's derived facts, kept once
    return found


#: The statuses :attr:`Status.is_resolved` names, read from it once: a tuple, whose ``in``
#: compares members by identity in C (a set would call the enum's Python ``__hash__``).
_RESOLVED: tuple[Status, ...] = tuple(status for status in Status if status.is_resolved)
# The members the facts compare (why held: see _vocabulary).
_NEW: Final = Status.NEW
_SOLVED: Final = Status.SOLVED
_CLOSED: Final = Status.CLOSED
_AGENT: Final = Role.AGENT
_NOT_A_REPLY: Final = OpeningMessage.NOT_A_REPLY

_Item = TypeVar("_Item", bound="InteractionHistory")


def log_until(item: _Item, limit: int) -> _Item:
    """*item* as it stood at *limit* (epoch µs): the events after it left out (``Interaction.as_of``).

    *item* itself when no event is later. A prefix of a log that obeys the
    log's rules obeys them too (each rule looks back only), so the earlier
    state is not checked again: its fields are *item*'s, its events a prefix
    of them, and its instants the prefix of *item*'s, kept.

    >>> import pendulum
    >>> from servicemodel import Interaction, StatusChange
    >>> t = pendulum.datetime(1970, 1, 1)
    >>> i = Interaction(id="T", customer_id="C", channel="chat", created_at=t,
    ...                 events=[StatusChange(at=t.add(seconds=5), status="solved")])
    >>> log_until(i, 4_999_999).events, log_until(i, 5_000_000) is i
    ((), True)
    """
    micros = log_event_us(item)
    if not micros or micros[-1] <= limit:
        return item
    count = bisect_right(micros, limit)
    kind = type(item)
    earlier = object.__new__(kind)
    for field in attrs.fields(cast(Any, kind)):  # Interaction, an attrs class
        object.__setattr__(earlier, field.name, getattr(item, field.name))
    object.__setattr__(earlier, "events", item.events[:count])
    keep_event_us(earlier, log_created_us(item), micros[:count])
    return earlier


# At the end: interactions.py imports this module before defining its classes,
# so the event classes are looked up on the module when a function runs.
from .. import interactions as _events  # noqa: E402
from ._interaction_history import InteractionHistory as _History  # noqa: E402

_SET_CREATED_US: Callable[[InteractionHistory, int], None] = _History.__dict__[
    "_created_us"
].__set__
_SET_EVENT_US: Callable[[InteractionHistory, tuple[int, ...]], None] = _History.__dict__[
    "_event_us"
].__set__
_SET_LOG_FACTS: Callable[[InteractionHistory, LogFacts | None], None] = _History.__dict__[
    "_log_facts"
].__set__
