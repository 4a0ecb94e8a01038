"""Zendesk's vocabularies and what each value becomes in servicemodel.

One table per vendor field; ``docs/reference/zendesk.md`` prints the same
tables for people. A value outside a table is an error that names it: the
importer never guesses.
"""

from __future__ import annotations

from typing import Final

from ...interactions import Channel, Kind, Role
from .._ticket_log import Vocabulary

__all__ = [
    "CHANNELS",
    "CSAT_SCORES",
    "DELETED",
    "EVENT_METRICS",
    "KINDS",
    "MERGED_TAG",
    "METRICS",
    "NOT_CARRIED",
    "PRIORITIES",
    "ROLES",
    "SLA_METRICS",
    "STATUSES",
    "TICKET_ATTRIBUTES",
    "UNRATED",
    "UNSTAMPED",
    "VOCABULARY",
    "event_metric",
]

#: Ticket status -> servicemodel status value. Custom statuses arrive as their
#: category here; ``on-hold`` is how the Fivetran seeds write ``hold``.
#: ``deleted`` is not a status: a deleted ticket is left out (see the reference).
STATUSES: Final[dict[str, str]] = {
    "new": "new",
    "open": "open",
    "pending": "pending",
    "hold": "on_hold",
    "on-hold": "on_hold",
    "solved": "solved",
    "closed": "closed",
}

#: The status of a deleted ticket in an export: not a status, the ticket is left out.
DELETED: Final = "deleted"
#: The tag Zendesk puts on a ticket merged into another: left out, its thread lives on there.
MERGED_TAG: Final = "closed_by_merge"

#: Ticket priority -> servicemodel priority value (empty: no priority set).
#: ``medium`` appears in Fivetran's test seeds for ``normal``.
PRIORITIES: Final[dict[str, str]] = {
    "low": "low",
    "normal": "normal",
    "medium": "normal",
    "high": "high",
    "urgent": "urgent",
}

#: ``via.channel`` (the channel a ticket was created through) -> Channel.
CHANNELS: Final[dict[str, Channel]] = {
    "email": Channel.EMAIL,
    "web": Channel.WEB_FORM,
    "web_form": Channel.WEB_FORM,
    "web_widget": Channel.WEB_FORM,
    "mobile_sdk": Channel.WEB_FORM,
    "mobile": Channel.WEB_FORM,
    "api": Channel.WEB_FORM,
    "rule": Channel.WEB_FORM,
    "sample_ticket": Channel.WEB_FORM,
    "closed_ticket": Channel.EMAIL,
    "chat": Channel.CHAT,
    "native_messaging": Channel.CHAT,
    "messaging": Channel.CHAT,
    "sms": Channel.CHAT,
    "whatsapp": Channel.CHAT,
    "voice": Channel.PHONE,
    "phone": Channel.PHONE,
    "twitter": Channel.SOCIAL,
    "facebook": Channel.SOCIAL,
    "instagram": Channel.SOCIAL,
    "any_channel": Channel.SOCIAL,
    "help_center": Channel.SELF_SERVICE,
    "forum": Channel.SELF_SERVICE,
}

#: Ticket ``type`` -> Kind (empty: enquiry). The raw type is also kept as the
#: attribute ``type``, so policies on it stay exact.
KINDS: Final[dict[str, Kind]] = {
    "": Kind.ENQUIRY,
    "question": Kind.ENQUIRY,
    "incident": Kind.COMPLAINT,
    "problem": Kind.COMPLAINT,
    "task": Kind.REQUEST,
}

#: User ``role`` -> the Role of what they write.
ROLES: Final[dict[str, Role]] = {
    "end-user": Role.CUSTOMER,
    "end_user": Role.CUSTOMER,
    "agent": Role.AGENT,
    "admin": Role.AGENT,
}

#: Satisfaction ``score`` -> CSAT 1-5 (good is satisfied, bad is not: CSAT's share of
#: 4-5 equals Zendesk's share of good).
CSAT_SCORES: Final[dict[str, int]] = {"good": 5, "bad": 1}
#: Scores that are not an answer (a survey offered, or not offered).
UNRATED: Final[frozenset[str]] = frozenset({"offered", "unoffered", ""})

#: Zendesk SLA metric (of a policy, or a history field stamping its target) ->
#: (servicemodel metric value, statuses that pause it: ``None`` keeps the metric's
#: default). Zendesk's pausable update is the periodic update paused while pending.
#: The one table every reader uses.
SLA_METRICS: Final[dict[str, tuple[str, tuple[str, ...] | None]]] = {
    "first_reply_time": ("first_reply", None),
    "next_reply_time": ("next_reply", None),
    "periodic_update_time": ("periodic_update", None),
    "pausable_update_time": ("periodic_update", ("pending",)),
    "requester_wait_time": ("requester_wait", None),
    "agent_work_time": ("agent_work", None),
    "total_resolution_time": ("resolution", None),
}

#: SLA metric -> servicemodel metric value, for the metrics whose stamped target
#: becomes a ``TargetApplied``. A stamp carries no pause, so a pausable update's
#: stamp is left out (the policy's paused target applies): it would otherwise
#: overwrite the periodic update's stamp of the same ticket.
METRICS: Final[dict[str, str]] = {
    name: metric for name, (metric, paused_by) in SLA_METRICS.items() if paused_by is None
}

#: Ticket metric event metric -> servicemodel metric value (``reply_time``: see event_metric).
EVENT_METRICS: Final[dict[str, str]] = {
    "agent_work_time": "agent_work",
    "requester_wait_time": "requester_wait",
    "resolution_time": "resolution",
    "periodic_update_time": "periodic_update",
}
#: Ticket metric event metrics read and left out: a pausable update's stamp (as
#: :data:`METRICS`), and group ownership (servicemodel has no such clock).
NOT_CARRIED: Final = frozenset({"pausable_update_time", "group_ownership_time"})
#: History fields that stamp a target left out, as :data:`NOT_CARRIED`.
UNSTAMPED: Final = frozenset(SLA_METRICS.keys() - METRICS.keys())


def event_metric(name: str, instance: int) -> str:
    """The servicemodel metric of a ticket metric event's metric and instance.

    ``reply_time`` instance 1 is the first reply, later instances next replies.

    >>> event_metric("reply_time", 1), event_metric("reply_time", 3), event_metric("agent_work_time", 1)
    ('first_reply', 'next_reply', 'agent_work')
    """
    if name == "reply_time":
        return "first_reply" if instance <= 1 else "next_reply"
    return EVENT_METRICS[name]


#: Ticket fields kept as attributes: (attribute, the ticket table's column). The API's
#: ticket has the same fields by name, ``via_channel`` being ``via.channel``.
TICKET_ATTRIBUTES: Final = (
    ("type", "type"),
    ("via", "via_channel"),
    ("brand_id", "brand_id"),
    ("organization_id", "organization_id"),
    ("ticket_form_id", "ticket_form_id"),
)

#: The ticket facts as a ticket log reads them.
VOCABULARY: Final = Vocabulary(
    "Zendesk",
    STATUSES,
    PRIORITIES,
    channels=CHANNELS,
    kinds=KINDS,
    scores=CSAT_SCORES,
    unrated=UNRATED,
)
