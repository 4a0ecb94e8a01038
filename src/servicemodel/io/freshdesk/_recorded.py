"""What Freshdesk recorded about each ticket's SLA, as :class:`RecordedSla` rows.

A ticket carries its own SLA figures: ``fr_due_by`` and ``fr_escalated`` for
the first response, ``due_by`` and ``is_escalated`` for the resolution, and
``stats.first_responded_at`` and ``stats.resolved_at`` for when each was
met. Freshdesk keeps no log of them (no start, target or elapsed time), so
a row compares the deadline, the breach flag and the fulfilment instant.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Iterator, Mapping
from typing import Any

from ...exceptions import RecordError, ValidationError
from ...sla import Metric, RecordedSla
from .._ticket_log import located
from .._vendor import check_instance, record_error
from ._files import find_files, stamp
from ._people import StatusTable

__all__ = ["read_recorded_sla"]

_SOURCE = "freshdesk ticket"


def _optional(
    value: object, field: str, origin: tuple[str, int], ticket: str
) -> _dt.datetime | None:
    if value is None:
        return None
    try:
        return stamp(value, field)[0]
    except ValidationError as error:
        raise located(error, (origin[0], origin[1], field), ticket) from None


def _flag(value: object, field: str, origin: tuple[str, int], ticket: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise record_error(
            origin[0],
            origin[1],
            ticket,
            f"'{field}' must be true or false (got {value!r})",
            field=field,
            value=value,
        )
    return value


def _rows(
    ticket: Mapping[str, Any], origin: tuple[str, int], prefix: str, resolved_codes: set[int]
) -> Iterator[RecordedSla]:
    raw = ticket.get("id")
    if isinstance(raw, bool) or not isinstance(raw, (int, str)) or raw == "":
        raise record_error(
            origin[0], origin[1], None, f"'id' must be a ticket id (got {raw!r})", field="id"
        )
    ticket_id = str(raw)
    if ticket.get("spam") is True or ticket.get("deleted") is True:
        return
    created = _optional(ticket.get("created_at"), "created_at", origin, ticket_id)
    if created is None:
        raise record_error(
            origin[0], origin[1], ticket_id, "'created_at' is required", field="created_at"
        )
    found = ticket.get("stats")
    stats: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    responded = _optional(
        stats.get("first_responded_at"), "stats.first_responded_at", origin, ticket_id
    )
    resolved_at = _optional(stats.get("resolved_at"), "stats.resolved_at", origin, ticket_id)
    closed_at = _optional(stats.get("closed_at"), "stats.closed_at", origin, ticket_id)
    resolved = ticket.get("status") in resolved_codes
    first_due = _optional(ticket.get("fr_due_by"), "fr_due_by", origin, ticket_id)
    if first_due is not None:
        escalated = _flag(ticket.get("fr_escalated"), "fr_escalated", origin, ticket_id)
        decided = escalated or responded is not None or resolved
        yield RecordedSla(
            interaction_id=prefix + ticket_id,
            metric=Metric.FIRST_REPLY,
            started_at=created,
            breached=True if escalated else (False if decided else None),
            fulfilled_at=responded,
            due_at=first_due,
            source=_SOURCE,
        )
    due = _optional(ticket.get("due_by"), "due_by", origin, ticket_id)
    if due is not None:
        escalated = _flag(ticket.get("is_escalated"), "is_escalated", origin, ticket_id)
        yield RecordedSla(
            interaction_id=prefix + ticket_id,
            metric=Metric.RESOLUTION,
            started_at=created,
            breached=True if escalated else (False if resolved else None),
            fulfilled_at=(resolved_at or closed_at) if resolved else None,
            due_at=due,
            source=_SOURCE,
        )


def read_recorded_sla(
    folder: object, *, instance: str | None = None, statuses: Mapping[int, str] | None = None
) -> Iterator[RecordedSla]:
    """Freshdesk's own SLA figures of each ticket in an export folder's ``tickets.json``.

    One row for the first response (when the ticket has ``fr_due_by``) and
    one for the resolution (when it has ``due_by``), both started at the
    ticket's creation: the due time, whether Freshdesk escalated it (its
    breach flag; ``None`` while the clock runs unescalated) and when it was
    met. Compare them with :func:`servicemodel.sla.reconcile` under
    ``Profile.freshdesk()``.

    Args:
        folder: the export folder.
        instance: prefixes ticket ids as :func:`read_export` does.
        statuses: custom status codes -> servicemodel status, as for
            :func:`read_export` (a ticket in a solved or closed status is resolved).

    Raises:
        RecordError: a bad ticket; names the file, the line, the ticket and the field.
        ValidationError: *folder* holds no ``tickets.json``.

    >>> import json, pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "tickets.json").write_text(json.dumps([{
    ...     "id": 7, "status": 2, "created_at": "2026-03-02T11:00:00Z",
    ...     "fr_due_by": "2026-03-02T12:00:00Z", "fr_escalated": True,
    ...     "due_by": "2026-03-03T11:00:00Z", "is_escalated": False, "stats": {}}]))
    >>> [(row.metric.value, row.state()) for row in read_recorded_sla(folder)]
    [('first_reply', 'breached'), ('resolution', 'active')]
    """
    path = os.fspath(folder) if isinstance(folder, str | os.PathLike) else None
    files = find_files(path, "tickets") if isinstance(path, str) and os.path.isdir(path) else []
    if not files:
        raise ValidationError(
            f"'folder' must be a Freshdesk export folder with tickets.json (got {folder!r})",
            field="folder",
            value=folder,
        )
    check_instance(instance)
    assert isinstance(path, str)
    table = StatusTable(path, statuses)
    resolved_codes = {
        code for code, status in table.codes.items() if status in ("solved", "closed")
    }
    prefix = "" if instance is None else f"{instance}:"

    def generate() -> Iterator[RecordedSla]:
        for file in files:
            for line, ticket in file.records():
                try:
                    yield from _rows(ticket, (file.file, line), prefix, resolved_codes)
                except RecordError:
                    raise
                except ValidationError as error:
                    raise located(error, (file.file, line, error.field or "id"), None) from None

    return generate()
