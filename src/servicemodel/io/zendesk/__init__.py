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

* ``read_tables(folder, *, instance=None, grouping=Grouping.IN_MEMORY, on_error=None)``
* ``read_api(folder, *, instance=None, on_error=None)``
* ``read_export(folder, *, instance=None, grouping=..., on_error=None)``: either shape,
  found from the files in the folder
* ``read_policies(folder, *, on_problem=None) -> (PolicySet, {schedule id: BusinessCalendar})``
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
from ._export import read_export
from ._read_policies import read_policies
from ._recorded import read_recorded_sla, read_ticket_metric_events
from ._tables import Grouping, read_tables

__all__ = [
    "Grouping",
    "read_api",
    "read_export",
    "read_policies",
    "read_recorded_sla",
    "read_tables",
    "read_ticket_metric_events",
]
