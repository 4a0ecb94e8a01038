"""SLA metrics and the start / pause / stop rules each one follows by default."""

from __future__ import annotations

import enum
from typing import final

import attrs

from ..interactions import Status

__all__ = ["Metric", "MetricRules"]


@final
@attrs.frozen(kw_only=True)
class MetricRules:
    """When a metric's clock starts, what pauses it by default, and what stops it.

    ``starts`` and ``stops`` are sentences for people; the evaluator implements
    them. ``paused_by`` is the default set of pausing statuses, which a
    :class:`~servicemodel.sla.Target` may replace. ``repeats`` metrics open a
    new instance (cycle) each time their start event recurs; ``resumes_on_reopen``
    metrics continue the same instance when a solved interaction is reopened.

    >>> Metric.AGENT_WORK.rules.paused_by == frozenset({Status.PENDING, Status.ON_HOLD})
    True
    """

    starts: str
    paused_by: frozenset[Status]
    stops: str
    repeats: bool
    resumes_on_reopen: bool


class Metric(enum.Enum):
    """What an SLA target measures.

    Defaults follow Zendesk (see ``docs/explanation/sla-metrics.md``):

    ==================  ====================================  ================  =========================
    metric              starts                                paused while      stops
    ==================  ====================================  ================  =========================
    first_reply         creation                              never             first public human agent message
    next_reply          oldest unanswered customer message    never             next public agent message (repeats)
    periodic_update     each public agent message             never             next public agent message (repeats)
    requester_wait      creation                              pending           solved (reopen resumes it)
    agent_work          creation                              pending, on_hold  solved (reopen resumes it)
    resolution          creation                              never             solved (reopen resumes it)
    ==================  ====================================  ================  =========================

    >>> Metric("first_reply").rules.stops
    'the first public message by a human agent, or the first solve or close'
    >>> [m.value for m in Metric if m.rules.resumes_on_reopen]
    ['requester_wait', 'agent_work', 'resolution']
    """

    FIRST_REPLY = "first_reply"
    NEXT_REPLY = "next_reply"
    PERIODIC_UPDATE = "periodic_update"
    REQUESTER_WAIT = "requester_wait"
    AGENT_WORK = "agent_work"
    RESOLUTION = "resolution"

    @property
    def rules(self) -> MetricRules:
        """The documented default rules of this metric.

        >>> Metric.RESOLUTION.rules.paused_by
        frozenset()
        """
        return _RULES[self]


_NEVER: frozenset[Status] = frozenset()

_RULES: dict[Metric, MetricRules] = {
    Metric.FIRST_REPLY: MetricRules(
        starts="creation of the interaction",
        paused_by=_NEVER,
        stops="the first public message by a human agent, or the first solve or close",
        repeats=False,
        resumes_on_reopen=False,
    ),
    Metric.NEXT_REPLY: MetricRules(
        starts="the oldest public customer message left unanswered after the first reply",
        paused_by=_NEVER,
        stops="the next public message by a human agent, or a solve or close",
        repeats=True,
        resumes_on_reopen=False,
    ),
    Metric.PERIODIC_UPDATE: MetricRules(
        starts="each public message by a human agent",
        paused_by=_NEVER,
        stops="the next public message by a human agent, or a solve or close",
        repeats=True,
        resumes_on_reopen=False,
    ),
    Metric.REQUESTER_WAIT: MetricRules(
        starts="creation of the interaction",
        paused_by=frozenset({Status.PENDING}),
        stops="solved or closed; a reopen resumes the same clock",
        repeats=False,
        resumes_on_reopen=True,
    ),
    Metric.AGENT_WORK: MetricRules(
        starts="creation of the interaction",
        paused_by=frozenset({Status.PENDING, Status.ON_HOLD}),
        stops="solved or closed; a reopen resumes the same clock",
        repeats=False,
        resumes_on_reopen=True,
    ),
    Metric.RESOLUTION: MetricRules(
        starts="creation of the interaction",
        paused_by=_NEVER,
        stops="solved or closed; a reopen resumes the same clock",
        repeats=False,
        resumes_on_reopen=True,
    ),
}

#: Statuses that may pause a clock (solved and closed stop clocks instead).
PAUSABLE_STATUSES: frozenset[Status] = frozenset(s for s in Status if not s.is_resolved)
#: Statuses in which the interaction is resolved (``Status.is_resolved``): they stop every clock.
STOP_STATUSES: frozenset[Status] = frozenset(s for s in Status if s.is_resolved)


def stopping_statuses(metric: Metric) -> tuple[Status, ...]:
    """The statuses that stop *metric*'s clock within its window (pausing statuses aside).

    The resolved statuses, except for the reply metrics: their window already
    ends at the solve or close, so a resolved status never falls inside it.

    >>> stopping_statuses(Metric.FIRST_REPLY)
    ()
    >>> sorted(s.value for s in stopping_statuses(Metric.RESOLUTION))
    ['closed', 'solved']
    """
    return () if metric in _REPLY_METRICS else _STOPS


_REPLY_METRICS = frozenset({Metric.FIRST_REPLY, Metric.NEXT_REPLY, Metric.PERIODIC_UPDATE})
_STOPS = tuple(STOP_STATUSES)
