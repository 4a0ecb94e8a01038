"""The events of an interaction's log.

Messages, status, priority and assignment changes and ratings are what
happened in the conversation. Tag, field and schedule changes say how the
ticket's routing facts changed while it was open, and ``PolicyApplied`` /
``TargetApplied`` keep what a helpdesk itself recorded about its SLAs (the
policy it applied, the target it stamped), so that an import can be
evaluated exactly as the vendor did. Each event is a frozen value with an
aware instant ``at``.
:mod:`servicemodel.interactions` re-exports them; import them from there (or
from :mod:`servicemodel`).

>>> import pendulum
>>> StatusChange(at=pendulum.datetime(2024, 1, 1), status="solved").status.is_resolved
True
"""

from __future__ import annotations

from typing import Any, Final, TypeAlias, final

import attrs
import pendulum

from .._time import aware, to_duration
from .._validators import (
    between,
    enum_member,
    instant_key,
    non_empty_str,
    optional_non_empty_str,
    string_set,
)
from ..exceptions import ValidationError
from ._vocabulary import Priority, Role, Status, Visibility

__all__ = [
    "EVENT_TYPES",
    "Assignment",
    "Event",
    "FieldChange",
    "Message",
    "PolicyApplied",
    "PriorityChange",
    "SatisfactionResponse",
    "ScheduleChange",
    "StatusChange",
    "TagChange",
    "TargetApplied",
]


# Members asked on every message a consumer reads (why held: see _vocabulary).
_AGENT: Final = Role.AGENT
_CUSTOMER: Final = Role.CUSTOMER
_PUBLIC: Final = Visibility.PUBLIC


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


def _added(value: object) -> frozenset[str]:
    return string_set(value, field="added")


def _removed(value: object) -> frozenset[str]:
    return string_set(value, field="removed")


def _target_within(value: object) -> pendulum.Duration:
    return to_duration(value, field="within")


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
        return self.author is _AGENT and self.visibility is _PUBLIC

    def is_public_customer_message(self) -> bool:
        """True for a public message written by the customer.

        >>> import pendulum
        >>> Message(at=pendulum.datetime(2024, 1, 1), author="customer").is_public_customer_message()
        True
        """
        return self.author is _CUSTOMER and self.visibility is _PUBLIC


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
    servicemodel.exceptions.ValidationError: 'score' must be an integer from 1 to 5 (got 6)
    """

    at: pendulum.DateTime = attrs.field(converter=_at, eq=instant_key)
    score: int = attrs.field(validator=between(1, 5))


@final
@attrs.frozen(kw_only=True)
class TagChange:
    """Tags were added to and/or removed from the interaction.

    The interaction's ``tags`` are its tags at creation; each change applies
    from its instant (:meth:`Interaction.tags_at`). Adding a tag it already
    has, or removing one it lacks, changes nothing (as a helpdesk trigger
    does); a change must name at least one tag and never the same tag on
    both sides.

    >>> import pendulum
    >>> sorted(TagChange(at=pendulum.datetime(2024, 1, 1), added=["vip"]).added)
    ['vip']
    >>> TagChange(at=pendulum.datetime(2024, 1, 1), added=["vip"], removed=["vip"])
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'removed' must not name a tag that is also added (got ['vip'])
    """

    at: pendulum.DateTime = attrs.field(converter=_at, eq=instant_key)
    added: frozenset[str] = attrs.field(default=frozenset(), converter=_added)
    removed: frozenset[str] = attrs.field(default=frozenset(), converter=_removed)

    @removed.validator
    def _check_removed(self, _attribute: attrs.Attribute[Any], value: frozenset[str]) -> None:
        both = value & self.added
        if both:
            raise ValidationError(
                f"'removed' must not name a tag that is also added (got {sorted(both)!r})",
                field="removed",
                value=sorted(both),
            )
        if not value and not self.added:
            raise ValidationError(
                "'added' or 'removed' must name at least one tag (got neither)",
                field="added",
                value=self.added,
            )


@final
@attrs.frozen(kw_only=True)
class FieldChange:
    """A custom field (an entry of ``attributes``) was set, changed or cleared (``value=None``).

    Ticket forms, brands and other fields a policy condition tests as
    ``attributes.<name>`` change this way; :meth:`Interaction.attributes_at`
    gives the fields in force at an instant.

    >>> import pendulum
    >>> FieldChange(at=pendulum.datetime(2024, 1, 1), name="form", value="returns").value
    'returns'
    >>> FieldChange(at=pendulum.datetime(2024, 1, 1), name="form", value=3)
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'value' must be a string, or None to clear the field (got 3)
    """

    at: pendulum.DateTime = attrs.field(converter=_at, eq=instant_key)
    name: str = attrs.field(validator=non_empty_str)
    value: str | None = attrs.field(default=None)

    @value.validator
    def _check_value(self, _attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None and not isinstance(value, str):
            raise ValidationError(
                f"'value' must be a string, or None to clear the field (got {value!r})",
                field="value",
                value=value,
            )


@final
@attrs.frozen(kw_only=True)
class ScheduleChange:
    """The interaction moved to another business schedule (a calendar named in the policy set).

    From *at* on, a target on the ticket's schedule (``sla.SCHEDULE``)
    counts on the calendar called ``schedule`` (a Zendesk ``ticket_schedule``
    row, a re-route to another region). A change at ``created_at`` sets the
    schedule the ticket starts with.

    >>> import pendulum
    >>> ScheduleChange(at=pendulum.datetime(2024, 1, 1), schedule="emea").schedule
    'emea'
    """

    at: pendulum.DateTime = attrs.field(converter=_at, eq=instant_key)
    schedule: str = attrs.field(validator=non_empty_str)


@final
@attrs.frozen(kw_only=True)
class PolicyApplied:
    """The helpdesk applied the SLA policy called ``policy`` from *at* (``None``: it removed it).

    Kept as the vendor recorded it; ``PolicySet(selection="vendor")``
    evaluates with these instead of the policies' own conditions.

    >>> import pendulum
    >>> PolicyApplied(at=pendulum.datetime(2024, 1, 1), policy="Gold").policy
    'Gold'
    """

    at: pendulum.DateTime = attrs.field(converter=_at, eq=instant_key)
    policy: str | None = attrs.field(validator=optional_non_empty_str)


@final
@attrs.frozen(kw_only=True)
class TargetApplied:
    """The helpdesk stamped a target on one metric of the interaction at *at*.

    Zendesk stamps each SLA metric's target when it starts (for next reply,
    at each instance), with whether it counts business hours. ``metric`` is
    an SLA metric's name (``servicemodel.sla.Metric`` values such as
    ``"next_reply"``); ``calendar`` names the calendar the target counts on,
    ``"@schedule"`` for the ticket's schedule, or ``None`` for calendar time.
    ``PolicySet(stamped_targets="use")`` evaluates with these.

    >>> import pendulum
    >>> TargetApplied(at=pendulum.datetime(2024, 1, 1), metric="next_reply",
    ...               within=pendulum.duration(hours=2), calendar="@schedule").within
    Duration(hours=2)
    """

    at: pendulum.DateTime = attrs.field(converter=_at, eq=instant_key)
    metric: str = attrs.field(validator=non_empty_str)
    within: pendulum.Duration = attrs.field(converter=_target_within)
    calendar: str | None = attrs.field(default=None, validator=optional_non_empty_str)


#: Any event of an interaction's log.
Event: TypeAlias = (
    Message
    | StatusChange
    | PriorityChange
    | Assignment
    | SatisfactionResponse
    | TagChange
    | FieldChange
    | ScheduleChange
    | PolicyApplied
    | TargetApplied
)
#: The event classes, in the order of :data:`Event`.
EVENT_TYPES = (
    Message,
    StatusChange,
    PriorityChange,
    Assignment,
    SatisfactionResponse,
    TagChange,
    FieldChange,
    ScheduleChange,
    PolicyApplied,
    TargetApplied,
)
