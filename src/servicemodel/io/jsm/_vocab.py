"""Jira Service Management's vocabularies and what each value becomes in servicemodel.

One table per vendor field; ``docs/reference/jsm.md`` prints the same tables
for people. Statuses and priorities are per site: the tables hold the names
of JSM's default workflows and priority scheme, and the reader takes a
mapping that extends or overrides them. A value outside the tables is an
error that names it: the importer never guesses (the one fallback, a
status's category, is used only for the issue's current status, whose
category the export carries).
"""

from __future__ import annotations

from typing import Final

from ...interactions import Channel, Kind, Role, Status
from ...sla import Metric

__all__ = [
    "ACCOUNT_TYPES",
    "CATEGORIES",
    "CHANNELS",
    "KINDS",
    "METRICS",
    "PRIORITIES",
    "STATUSES",
]

#: Status name (case-insensitive) -> Status, for the statuses of JSM's default
#: service-management workflows.
STATUSES: Final[dict[str, Status]] = {
    "open": Status.OPEN,
    "new": Status.NEW,
    "to do": Status.NEW,
    "waiting for support": Status.OPEN,
    "in progress": Status.OPEN,
    "work in progress": Status.OPEN,
    "escalated": Status.OPEN,
    "investigating": Status.OPEN,
    "under investigation": Status.OPEN,
    "reopened": Status.OPEN,
    "waiting for customer": Status.PENDING,
    "pending": Status.ON_HOLD,
    "waiting for approval": Status.ON_HOLD,
    "awaiting approval": Status.ON_HOLD,
    "waiting for third party": Status.ON_HOLD,
    "resolved": Status.SOLVED,
    "done": Status.SOLVED,
    "completed": Status.SOLVED,
    "canceled": Status.SOLVED,
    "cancelled": Status.SOLVED,
    "declined": Status.SOLVED,
    "closed": Status.CLOSED,
}

#: ``statusCategory.key`` -> Status: the fallback for the current status only.
CATEGORIES: Final[dict[str, Status]] = {
    "new": Status.NEW,
    "indeterminate": Status.OPEN,
    "done": Status.SOLVED,
}

#: Priority name (case-insensitive) -> priority value (JSM's default scheme).
PRIORITIES: Final[dict[str, str]] = {
    "highest": "urgent",
    "blocker": "urgent",
    "critical": "urgent",
    "high": "high",
    "major": "high",
    "medium": "normal",
    "low": "low",
    "minor": "low",
    "lowest": "low",
    "trivial": "low",
}

#: The request channel (JQL ``request-channel-type``; the issue property
#: ``request.channel.type``) -> Channel.
CHANNELS: Final[dict[str, Channel]] = {
    "email": Channel.EMAIL,
    "portal": Channel.WEB_FORM,
    "anonymous portal": Channel.WEB_FORM,
    "anonymousportal": Channel.WEB_FORM,
    "jira": Channel.WEB_FORM,
    "api": Channel.WEB_FORM,
    "deployment": Channel.WEB_FORM,
    "widget": Channel.WEB_FORM,
    "chat": Channel.CHAT,
    "slack": Channel.CHAT,
    "msteams": Channel.CHAT,
    "phone": Channel.PHONE,
}

#: Issue type name (case-insensitive) -> Kind; any other type is an enquiry
#: (the raw type is kept as the attribute ``issue_type``).
KINDS: Final[dict[str, Kind]] = {
    "incident": Kind.COMPLAINT,
    "[system] incident": Kind.COMPLAINT,
    "problem": Kind.COMPLAINT,
    "[system] problem": Kind.COMPLAINT,
    "service request": Kind.REQUEST,
    "[system] service request": Kind.REQUEST,
    "service request with approvals": Kind.REQUEST,
    "[system] service request with approvals": Kind.REQUEST,
    "change": Kind.REQUEST,
    "[system] change": Kind.REQUEST,
    "task": Kind.REQUEST,
    "question": Kind.ENQUIRY,
}

#: ``accountType`` -> the Role of what the account writes. A licensed
#: (``atlassian``) account is an agent, except on an issue it reported itself.
ACCOUNT_TYPES: Final[dict[str, Role]] = {
    "customer": Role.CUSTOMER,
    "atlassian": Role.AGENT,
    "app": Role.BOT,
}

#: SLA field name (case-insensitive) -> Metric, for JSM's default SLAs.
METRICS: Final[dict[str, Metric]] = {
    "time to first response": Metric.FIRST_REPLY,
    "time to resolution": Metric.RESOLUTION,
    "time to done": Metric.RESOLUTION,
}
