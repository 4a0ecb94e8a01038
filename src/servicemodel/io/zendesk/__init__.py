"""Zendesk: what the vendor recorded about SLAs, for a reconciliation.

:func:`read_recorded_sla` reads dbt_zendesk's ``zendesk__sla_policies`` table,
:func:`read_ticket_metric_events` Zendesk's own SLA event log; both yield
:class:`~servicemodel.sla.RecordedSla` rows for :func:`servicemodel.sla.reconcile`.
"""

from ._recorded import read_recorded_sla, read_ticket_metric_events

__all__ = ["read_recorded_sla", "read_ticket_metric_events"]
