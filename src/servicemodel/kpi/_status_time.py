"""Time spent per status, as KPIs: requester wait, agent work, agent wait and on-hold time.

Each sums an interaction's stretches in some statuses
(:meth:`~servicemodel.Interaction.status_spans`), in calendar time or, with
``calendar=``, in business time. Requester wait and agent work count the
statuses the SLA metrics of the same names count (``new``, ``open`` and
``on_hold``; ``new`` and ``open``): the rule is the SLA metric's, read from
:class:`servicemodel.sla.Metric`, not a second copy.

>>> import pendulum
>>> from servicemodel import Interaction, StatusChange
>>> t = pendulum.datetime(2024, 6, 10, 9)
>>> i = Interaction(id="T", customer_id="C", channel="email", created_at=t, events=[
...     StatusChange(at=t.add(hours=1), status="pending"),
...     StatusChange(at=t.add(hours=4), status="open"),
...     StatusChange(at=t.add(hours=5), status="solved")])
>>> [kpi.summarise_items([i]).total.in_hours() for kpi in (RequesterWaitTime, AgentWaitTime)]
[2, 3]
"""

from __future__ import annotations

from typing import ClassVar, final

from .._time import to_micros
from ..interactions import Interaction, Status
from ..sla import Metric
from ._duration_accumulator import AsOfDuration
from ._names import KpiName

__all__ = ["AgentWaitTime", "AgentWorkTime", "OnHoldTime", "RequesterWaitTime"]


def _counted_by(metric: Metric) -> frozenset[Status]:
    """The statuses an SLA metric's clock runs in: unresolved ones it is not paused by."""
    return frozenset(s for s in Status if not s.is_resolved) - metric.rules.paused_by


class StatusTime(AsOfDuration):
    """Base of the status-time KPIs: per interaction, the time spent in ``counted`` statuses.

    Without ``as_of`` (default) only resolved interactions (solved or
    closed now) are measured, so each figure is final: the sum over the
    whole life, reopens included. With ``as_of`` every interaction created
    by then is measured as it stood at ``as_of``, the current stretch
    counted up to it (Zendesk's figures for unsolved tickets, read at the
    report instant). Needs event logs (no batch path).
    """

    counted: ClassVar[frozenset[Status]]
    item_types = (Interaction,)
    __slots__ = ()

    def _add(self, item: Interaction) -> None:
        if not self._counts(item):
            return
        spans = item.status_spans(self.counted, until=self._until)
        total = 0
        for span in spans:
            if span.end is not None:  # always: status_spans ends every stretch
                total += self._elapsed(to_micros(span.start), to_micros(span.end))
        self._add_micros(total)


@final
class RequesterWaitTime(StatusTime):
    """Requester wait: time in ``new``, ``open`` and ``on_hold`` (the customer waits on us).

    The statuses of the ``requester_wait`` SLA metric (paused only while
    pending); Zendesk's ``requester_wait_time`` ticket metric.

    >>> import pendulum
    >>> from servicemodel import Interaction, StatusChange
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> i = Interaction(id="T", customer_id="C", channel="email", created_at=t, events=[
    ...     StatusChange(at=t.add(hours=1), status="on_hold"),
    ...     StatusChange(at=t.add(hours=3), status="solved")])
    >>> RequesterWaitTime.summarise_items([i]).median
    Duration(hours=3)
    """

    kpi = KpiName.REQUESTER_WAIT_TIME
    counted = _counted_by(Metric.REQUESTER_WAIT)
    __slots__ = ()


@final
class AgentWorkTime(StatusTime):
    """Agent work: time in ``new`` and ``open`` (the ball is with the agents, nobody else).

    The statuses of the ``agent_work`` SLA metric (paused while pending or
    on hold); Zendesk's ``agent_work_time`` ticket metric.

    >>> import pendulum
    >>> from servicemodel import Interaction, StatusChange
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> i = Interaction(id="T", customer_id="C", channel="email", created_at=t, events=[
    ...     StatusChange(at=t.add(hours=1), status="on_hold"),
    ...     StatusChange(at=t.add(hours=3), status="solved")])
    >>> AgentWorkTime.summarise_items([i]).median
    Duration(hours=1)
    """

    kpi = KpiName.AGENT_WORK_TIME
    counted = _counted_by(Metric.AGENT_WORK)
    __slots__ = ()


@final
class AgentWaitTime(StatusTime):
    """Agent wait: time in ``pending`` (the agents wait on the customer).

    Zendesk's ``agent_wait_time`` ticket metric.

    >>> import pendulum
    >>> from servicemodel import Interaction, StatusChange
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> i = Interaction(id="T", customer_id="C", channel="email", created_at=t, events=[
    ...     StatusChange(at=t.add(hours=1), status="pending"),
    ...     StatusChange(at=t.add(hours=3), status="solved")])
    >>> AgentWaitTime.summarise_items([i]).median
    Duration(hours=2)
    """

    kpi = KpiName.AGENT_WAIT_TIME
    counted = frozenset({Status.PENDING})
    __slots__ = ()


@final
class OnHoldTime(StatusTime):
    """On-hold time: time in ``on_hold`` (waiting on a third party, inside requester wait).

    Zendesk's ``on_hold_time`` ticket metric.

    >>> import pendulum
    >>> from servicemodel import Interaction, StatusChange
    >>> t = pendulum.datetime(2024, 6, 10, 9)
    >>> i = Interaction(id="T", customer_id="C", channel="email", created_at=t, events=[
    ...     StatusChange(at=t.add(hours=1), status="on_hold"),
    ...     StatusChange(at=t.add(hours=3), status="solved")])
    >>> OnHoldTime.summarise_items([i]).median
    Duration(hours=2)
    """

    kpi = KpiName.ON_HOLD_TIME
    counted = frozenset({Status.ON_HOLD})
    __slots__ = ()
