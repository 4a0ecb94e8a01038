"""The events of an interaction's log: messages, status, priority and assignment changes, ratings.

Each event is a frozen value with an aware instant ``at``.
:mod:`servicemodel.interactions` re-exports them; import them from there (or
from :mod:`servicemodel`).

>>> import pendulum
>>> StatusChange(at=pendulum.datetime(2024, 1, 1), status="solved").status.is_resolved
True
"""

from __future__ import annotations

from typing import TypeAlias, final

import attrs
import pendulum

from ._time import aware, to_duration
from ._validators import between, enum_member, instant_key, optional_non_empty_str
from ._vocabulary import Priority, Role, Status, Visibility

__all__ = [
    "EVENT_TYPES",
    "Assignment",
    "Event",
    "Message",
    "PriorityChange",
    "SatisfactionResponse",
    "StatusChange",
]


# Named converters (mypy's attrs plugin needs named functions); each names its field.
def _at(value: object) -> pendulum.DateTime:
    return aware(value, field="at")


def _role(value: object) -> Role:
    return enum_member(Role, value, field="author")


def _visibility(value: object) -> Visibility:
    return enum_member(Visibility, value, field="visibility")


def _status(value: object) -> Status:
    return enum_member(Status, value, field="status")


def _priority(value: object) -> Priority:
    return enum_member(Priority, value, field="priority")


def _work(value: object) -> pendulum.Duration | None:
    return None if value is None else to_duration(value, field="work", allow_zero=True)


@final
@attrs.frozen(kw_only=True)
class Message:
    """A message in the thread: customer, agent or bot; public or a private note.

    ``work`` is the effort the author spent on it when known (a call's talk and
    wrap-up time, a tracked reply); handle time adds up the agents' ``work``.

    >>> import pendulum
    >>> m = Message(at=pendulum.datetime(2024, 6, 10, 9), author="agent", visibility="private")
    >>> m.is_public_agent_reply()
    False
    """

    at: pendulum.DateTime = attrs.field(converter=_at, eq=instant_key)
    author: Role = attrs.field(converter=_role)
    visibility: Visibility = attrs.field(default=Visibility.PUBLIC, converter=_visibility)
    author_id: str | None = attrs.field(default=None, validator=optional_non_empty_str)
    work: pendulum.Duration | None = attrs.field(default=None, converter=_work)

    def is_public_agent_reply(self) -> bool:
        """True for a public message written by a human agent (what first_reply counts).

        >>> import pendulum
        >>> Message(at=pendulum.datetime(2024, 1, 1), author="bot").is_public_agent_reply()
        False
        """
        return self.author is Role.AGENT and self.visibility is Visibility.PUBLIC

    def is_public_customer_message(self) -> bool:
        """True for a public message written by the customer.

        >>> import pendulum
        >>> Message(at=pendulum.datetime(2024, 1, 1), author="customer").is_public_customer_message()
        True
        """
        return self.author is Role.CUSTOMER and self.visibility is Visibility.PUBLIC


@final
@attrs.frozen(kw_only=True)
class StatusChange:
    """The interaction moved to a new status.

    >>> import pendulum
    >>> StatusChange(at=pendulum.datetime(2024, 1, 1), status="pending").status
    <Status.PENDING: 'pending'>
    """

    at: pendulum.DateTime = attrs.field(converter=_at, eq=instant_key)
    status: Status = attrs.field(converter=_status)


@final
@attrs.frozen(kw_only=True)
class PriorityChange:
    """The interaction's priority changed.

    >>> import pendulum
    >>> PriorityChange(at=pendulum.datetime(2024, 1, 1), priority="urgent").priority
    <Priority.URGENT: 'urgent'>
    """

    at: pendulum.DateTime = attrs.field(converter=_at, eq=instant_key)
    priority: Priority = attrs.field(converter=_priority)


@final
@attrs.frozen(kw_only=True)
class Assignment:
    """The interaction was assigned to an agent and/or a group (``None`` unassigns).

    >>> import pendulum
    >>> Assignment(at=pendulum.datetime(2024, 1, 1), agent_id="A-1", group="billing").group
    'billing'
    """

    at: pendulum.DateTime = attrs.field(converter=_at, eq=instant_key)
    agent_id: str | None = attrs.field(default=None, validator=optional_non_empty_str)
    group: str | None = attrs.field(default=None, validator=optional_non_empty_str)


@final
@attrs.frozen(kw_only=True)
class SatisfactionResponse:
    """The customer rated this interaction (CSAT, 1 to 5).

    >>> import pendulum
    >>> SatisfactionResponse(at=pendulum.datetime(2024, 1, 1), score=6)
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'score' must be between 1 and 5 (got 6)
    """

    at: pendulum.DateTime = attrs.field(converter=_at, eq=instant_key)
    score: int = attrs.field(validator=between(1, 5))


#: Any event of an interaction's log.
Event: TypeAlias = Message | StatusChange | PriorityChange | Assignment | SatisfactionResponse
#: The event classes, in the order of :data:`Event`.
EVENT_TYPES = (Message, StatusChange, PriorityChange, Assignment, SatisfactionResponse)
