"""Jira Service Management importer: issues, their history, and the SLA cycles JSM recorded.

Issues saved from the REST API (``/rest/api/3/search/jql`` or
``/rest/api/2/search`` with ``expand=changelog`` and the ``comment`` field,
or ``/rest/api/3/issue/{key}``) are streamed into validated
:class:`~servicemodel.interactions.Interaction` values with the error
contract of :func:`~servicemodel.io.read_interactions` (a bad issue raises
:class:`~servicemodel.exceptions.RecordError` naming the file, the issue and
the field, or is collected with ``on_error=``).

JSM exposes no SLA goals or calendars through its API, so the SLA policies
are a servicemodel policy document you write; :func:`reconcile_issues` says
so when none is given. A changelog capped by search is refused, not trusted.

Public API (stable):

* ``read_issues(source, *, instance=None, statuses=None, priorities=None,
  channel="web_form", on_error=None)``
* ``read_recorded_sla(source, *, metrics=None, instance=None)``: JSM's SLA
  cycles as :class:`~servicemodel.sla.RecordedSla` rows
* ``reconcile_issues(source, *, policies, as_of, profile=None, ...)``: both,
  evaluated under :meth:`servicemodel.sla.Profile.jsm` and reconciled

Every mapping and what is not carried over is listed in ``docs/reference/jsm.md``.

>>> from servicemodel.io.jsm import read_issues
>>> callable(read_issues)
True
"""

from ._read import read_issues
from ._reconcile import reconcile_issues
from ._recorded import read_recorded_sla

__all__ = ["read_issues", "read_recorded_sla", "reconcile_issues"]
