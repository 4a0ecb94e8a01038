"""What one change of a ticket field becomes, whichever shape it was read from.

A ``ticket_field_history`` row of the warehouse tables and a ``Create`` or
``Change`` event of the API's audits (or a child of a ticket event) say the
same thing: field *name* took *value* at an instant. :func:`apply_field`
turns one into the event of a :class:`~._log.TicketLog`, so both shapes map
a field by one rule. Values arrive as the tables write them (text; a tag
list is space-separated, an SLA stamp is JSON text); the API reader writes
its JSON values in that form with :func:`field_text`.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Callable
from typing import Final

from .._ticket_log import Origin, TicketLog
from ._columns import record_error
from ._pages import load_json
from ._targets import target_seconds
from ._vocab import METRICS

__all__ = [
    "H_ASSIGNEE",
    "H_GROUP",
    "H_POLICY",
    "H_RATING",
    "H_STATUS",
    "H_TARGET",
    "apply_field",
    "field_code",
    "field_text",
    "stamped",
    "untracked",
]

#: History fields kept as attributes (custom fields, by id, as ``custom_fields_<id>``).
KEPT_FIELDS: Final = frozenset({"type", "brand_id", "ticket_form_id", "organization_id"})
# What a field change is, by the field's name (custom fields: by a numeric name).
(
    H_STATUS,
    H_TARGET,
    H_POLICY,
    H_ASSIGNEE,
    H_GROUP,
    H_PRIORITY,
    H_RATING,
    H_TAGS,
    H_KEPT,
    H_CUSTOM,
) = range(10)
CODES: Final = {
    "status": H_STATUS,
    **dict.fromkeys(METRICS, H_TARGET),
    "sla_policy": H_POLICY,
    "assignee_id": H_ASSIGNEE,
    "group_id": H_GROUP,
    "priority": H_PRIORITY,
    "satisfaction_score": H_RATING,
    "tags": H_TAGS,
    **dict.fromkeys(KEPT_FIELDS, H_KEPT),
}

#: A parser of an SLA stamp's text: (value, origin, ticket) -> (seconds, in business hours).
Stamp = Callable[[str, Origin, str], tuple[int, bool]]


def field_code(field: str) -> int | None:
    """What a change of *field* is (``None``: no event of the log, such as the requester).

    >>> field_code("status") == H_STATUS, field_code("360041597112"), field_code("requester_id")
    (True, 9, None)
    """
    code = CODES.get(field)
    if code is None and field.isdigit():
        return H_CUSTOM
    return code


def apply_field(
    log: TicketLog,
    code: int,
    at: tuple[_dt.datetime, str],
    field: str,
    value: str,
    origin: Origin,
    prefix: str,
    stamp: Stamp,
) -> None:
    """Add the change of *field* to *value* at *at* to *log* (``code`` from :func:`field_code`)."""
    if code == H_STATUS:
        log.status(at, value, origin)
    elif code == H_TARGET:
        seconds, business = stamp(value, origin, log.id)
        log.target(at, METRICS[field], seconds, business, origin)
    elif code == H_POLICY:
        log.policy(at, prefix + value if value else None, origin)
    elif code == H_ASSIGNEE:
        log.assignment(at, prefix + value if value else "", None, origin)
    elif code == H_GROUP:
        log.assignment(at, None, prefix + value if value else "", origin)
    elif code == H_PRIORITY:
        log.priority_change(at, value, origin)
    elif code == H_RATING:
        log.satisfaction(at, value, origin)
    elif code == H_TAGS:
        log.tag_set(at, value.split(), origin)
    elif code == H_KEPT:
        log.field(at, field, value, origin)
    else:
        log.field(at, f"custom_fields_{field}", value, origin)


def stamped(value: str, origin: Origin, ticket: str) -> tuple[int, bool]:
    """The target (seconds) and business-hours flag of an SLA field's value.

    >>> stamped('{"minutes": 60, "in_business_hours": true}', ("f", 1, "value"), "7")
    (3600, True)
    """
    try:
        stamp = load_json(value)
        business = stamp["in_business_hours"]
        seconds = target_seconds(stamp["minutes"], minutes_field="minutes")
        if type(business) is not bool:
            raise TypeError
    except (ValueError, TypeError, KeyError):
        raise record_error(
            origin[0],
            origin[1],
            ticket,
            f"'{origin[2]}' must be an SLA target such as "
            f'{{"minutes": 60, "in_business_hours": true}} (got {value!r})',
            field=origin[2],
            value=value,
        ) from None
    return seconds, business


def field_text(value: object) -> str:
    """A JSON field value written as the tables write it (``None``: empty; a list: spaced).

    >>> field_text(["vip", "printer"]), field_text(None), field_text(360), field_text(True)
    ('vip printer', '', '360', 'true')
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(field_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def untracked(
    log: TicketLog,
    tracked: set[int],
    created: tuple[_dt.datetime, str],
    current: tuple[str, str, str],
    origins: tuple[Origin, Origin],
    prefix: str,
) -> None:
    """The fields the history does not track take their current value from creation.

    *current* is the ticket's (status, assignee id, group id) now; *tracked*
    the codes :func:`field_code` gave the ticket's history.
    """
    status, assignee, group = current
    agent = prefix + assignee if assignee and H_ASSIGNEE not in tracked else None
    team = prefix + group if group and H_GROUP not in tracked else None
    if agent is not None or team is not None:
        log.opening_assignment(created, agent, team, origins[1])
    if H_STATUS not in tracked:
        log.status(created, status, origins[0])
