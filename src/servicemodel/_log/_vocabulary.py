"""The closed vocabularies of interactions: channel, kind, priority, status, role, visibility.

Each is an :class:`enum.Enum` whose values are the lower-case strings used in
documents and records. :mod:`servicemodel.interactions` re-exports them; import
them from there (or from :mod:`servicemodel`).

>>> Priority("urgent").rank
3

A hot path holds the members it compares as module constants (``_NEW =
Status.NEW``): on Python 3.11 an enum class answers ``Status.NEW`` through its
metaclass's ``__getattr__`` hook, about 85 ns a lookup, as much as the rest of
a short test (a module constant costs about 10).
"""

from __future__ import annotations

import enum

__all__ = ["Channel", "Kind", "Priority", "Role", "Status", "Visibility"]


class Channel(enum.Enum):
    """How the customer reached us.

    >>> Channel("web_form")
    <Channel.WEB_FORM: 'web_form'>
    """

    PHONE = "phone"
    EMAIL = "email"
    CHAT = "chat"
    SOCIAL = "social"
    WEB_FORM = "web_form"
    SELF_SERVICE = "self_service"
    IN_PERSON = "in_person"


class Kind(enum.Enum):
    """What the contact is about.

    >>> Kind.COMPLAINT.value
    'complaint'
    """

    COMPLAINT = "complaint"
    ENQUIRY = "enquiry"
    REQUEST = "request"
    FEEDBACK = "feedback"


class Priority(enum.Enum):
    """Urgency, lowest first; :attr:`rank` orders them.

    ``none`` is a ticket without a priority (Zendesk allows one): it ranks
    below ``low``, and an SLA policy sets targets for it only if it names it.

    >>> Priority.URGENT.rank > Priority.LOW.rank > Priority.NONE.rank
    True
    """

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"
    NONE = "none"

    @property
    def rank(self) -> int:
        """-1 for none, 0 for low up to 3 for urgent.

        >>> Priority.HIGH.rank, Priority.NONE.rank
        (2, -1)
        """
        return _PRIORITY_RANK[self]


_PRIORITY_RANK = {p: i for i, p in enumerate(Priority)} | {Priority.NONE: -1}


class Status(enum.Enum):
    """Where an interaction stands; every interaction starts as ``new``.

    >>> Status.ON_HOLD.value
    'on_hold'
    """

    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    ON_HOLD = "on_hold"
    SOLVED = "solved"
    CLOSED = "closed"

    @property
    def is_resolved(self) -> bool:
        """True for ``solved`` and ``closed``: in these an interaction counts as resolved.

        This is the one definition of "resolved" that every consumer uses: SLA
        clocks stop in these statuses, resolution time and first-contact
        resolution count from the first entry into one of them, and a backlog
        counts the interactions in neither.

        >>> [s.value for s in Status if s.is_resolved]
        ['solved', 'closed']
        """
        return self is Status.SOLVED or self is Status.CLOSED


class Role(enum.Enum):
    """Who wrote a message: the customer, a human agent, or a bot/automation.

    >>> Role("bot")
    <Role.BOT: 'bot'>
    """

    CUSTOMER = "customer"
    AGENT = "agent"
    BOT = "bot"


class Visibility(enum.Enum):
    """Whether the customer can see a message (private notes are internal).

    >>> Visibility.PRIVATE.value
    'private'
    """

    PUBLIC = "public"
    PRIVATE = "private"
