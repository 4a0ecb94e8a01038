"""Freshdesk importer: tickets, their event log, SLA policies, business hours, recorded SLAs.

A Freshdesk export here is a folder of saved API v2 responses, one JSON file
per endpoint: ``tickets.json`` (``include=stats``), ``conversations.json``,
the downloaded ticket-activities export (``ticket_activities.json``),
``satisfaction_ratings.json``, ``agents.json``, ``groups.json``,
``ticket_fields.json``, ``sla_policies.json`` and ``business_hours.json``
(each may also be a folder of pages: ``tickets/*.json``). Tickets stream
into validated :class:`~servicemodel.interactions.Interaction` values with
the error contract of :func:`~servicemodel.io.read_interactions` (a bad
record raises :class:`~servicemodel.exceptions.RecordError` naming the file,
the record and the field, or is collected with ``on_error=``).

Public API (stable):

* ``read_export(folder, *, instance=None, statuses=None, kinds=None, bots=(), on_error=None)``
* ``read_policies(folder, *, instance=None, business_day=BusinessDay.HOURS_24,
  hours=TicketHours.GROUP, on_problem=None) -> (PolicySet, {business hours id: BusinessCalendar})``
* :class:`BusinessDay`: what a target of whole days means (Freshdesk changed it in 2026)
* :class:`TicketHours`: the business hours of the ticket's group, or the default ones
* ``read_recorded_sla(folder, *, instance=None)``: Freshdesk's own due times and
  escalation flags as :class:`~servicemodel.sla.RecordedSla` rows for
  :func:`servicemodel.sla.reconcile`

Every mapping (status, source, priority, type, author, satisfaction) and what
is not carried over is listed in ``docs/reference/freshdesk.md``.

>>> from servicemodel.io.freshdesk import read_export
>>> callable(read_export)
True
"""

from ._export import read_export
from ._policies import BusinessDay, TicketHours, read_policies
from ._recorded import read_recorded_sla

__all__ = ["BusinessDay", "TicketHours", "read_export", "read_policies", "read_recorded_sla"]
