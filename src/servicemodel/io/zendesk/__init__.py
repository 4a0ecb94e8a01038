"""Zendesk importer: tickets, their event log, policies and schedules.

Two shapes of a Zendesk export are read, both streamed ticket by ticket into
validated :class:`~servicemodel.interactions.Interaction` values with the
error contract of :func:`~servicemodel.io.read_interactions` (a bad record
raises :class:`~servicemodel.exceptions.RecordError` naming the file, the
record and the field, or is collected with ``on_error=``):

* :func:`read_tables` - the Fivetran warehouse tables (``ticket``,
  ``ticket_comment``, ``ticket_field_history``, ``user``, ...) as CSV or
  Parquet files in a folder.
* :func:`read_api` - the REST API's JSON exports (pages of the incremental
  ticket export, audits or ticket events, satisfaction ratings, ticket
  metric events) as saved files in a folder.

Public API (stable):

* ``read_tables(folder, *, instance=None, grouping=Grouping.IN_MEMORY, on_error=None,
  agents=None)``
* ``read_api(folder, *, instance=None, on_error=None, agents=None)``
* ``read_export(folder, *, instance=None, grouping=..., on_error=None, agents=None)``: either
  shape, found from the files in the folder
* ``count_tickets(folder)``: the tickets of an export, for a progress bar
* ``read_policies(folder, *, on_problem=None) -> (PolicySet, {schedule id: BusinessCalendar})``
* ``refresh(earlier, later, *, instance=None, grouping=..., on_error=None)``: an earlier
  import brought up to date with a later export (the same as one full import)
* :class:`Grouping`
* ``read_recorded_sla(path_or_file)`` and ``read_ticket_metric_events(path_or_file, *, as_of=None)``:
  what Zendesk (or dbt_zendesk) recorded about SLAs, as
  :class:`~servicemodel.sla.RecordedSla` rows for :func:`servicemodel.sla.reconcile`

Every mapping (status, priority, channel, type, role, satisfaction) and what
is not carried over is listed in ``docs/reference/zendesk.md``.

>>> from servicemodel.io.zendesk import read_tables
>>> callable(read_tables)
True
"""

from ._api import read_api
from ._export import count_tickets, read_export
from ._read_policies import read_policies
from ._recorded import read_recorded_sla, read_ticket_metric_events
from ._refresh import refresh
from ._tables import Grouping, read_tables

__all__ = [
    "Grouping",
    "count_tickets",
    "read_api",
    "read_export",
    "read_policies",
    "read_recorded_sla",
    "read_tables",
    "read_ticket_metric_events",
    "refresh",
]
