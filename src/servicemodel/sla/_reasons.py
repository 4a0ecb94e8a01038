"""The named rules that explain why a vendor's SLA figure differs from servicemodel's."""

from __future__ import annotations

import enum

__all__ = ["Reason"]


class Reason(enum.Enum):
    """Why a recorded figure and servicemodel's differ: one named rule per cause.

    The peer rules (``peer_max_over_periods``, ``priority_at_start``,
    ``week_cap``) are approximations or errors of a vendor or warehouse
    package; a :class:`~servicemodel.sla.Profile` lists the ones its peer
    has, and only those are attributed. ``target`` and ``open_clock`` come
    from the data; ``unexplained`` is what is left, for a person to look at
    with the clock's segments.

    >>> Reason("week_cap").explanation
    'the peer stops counting business time 52 weeks after the start and fills the rest with calendar minutes (dbt_zendesk max_ticket_length_weeks)'
    """

    #: The targets differ: the policy or priority applied is not the same, so
    #: every figure that follows from the target differs too.
    TARGET = "target"
    #: dbt_zendesk's agent-work and requester-wait breach time is the maximum
    #: over status periods of a per-period projection (fivetran/dbt_zendesk#116).
    PEER_MAX_OVER_PERIODS = "peer_max_over_periods"
    #: dbt_zendesk reports the priority in force when the SLA was applied
    #: (ticket creation for first reply), not the one whose target measured it.
    PRIORITY_AT_START = "priority_at_start"
    #: dbt_zendesk counts business time for 52 weeks at most.
    WEEK_CAP = "week_cap"
    #: The clock is still running: its elapsed time depends on the instant of
    #: evaluation, so compare as of the vendor's own run time.
    OPEN_CLOCK = "open_clock"
    #: No known rule explains the difference.
    UNEXPLAINED = "unexplained"

    @property
    def explanation(self) -> str:
        """A sentence that says what the rule is, for people reading a reconciliation.

        >>> Reason.TARGET.explanation.startswith("the targets differ")
        True
        """
        return _EXPLANATIONS[self]

    @property
    def peer_rule(self) -> bool:
        """True for a vendor's approximation or error (a profile lists those its peer has).

        >>> Reason.WEEK_CAP.peer_rule, Reason.TARGET.peer_rule
        (True, False)
        """
        return self in _PEER_RULES


_PEER_RULES = frozenset({Reason.PEER_MAX_OVER_PERIODS, Reason.PRIORITY_AT_START, Reason.WEEK_CAP})

_EXPLANATIONS = {
    Reason.TARGET: (
        "the targets differ (another policy, priority or business-hours flag applied), "
        "so the figures that follow from the target differ too"
    ),
    Reason.PEER_MAX_OVER_PERIODS: (
        "the peer's breach time for agent work and requester wait is the latest of one "
        "projection per status period, later than the true breach when time keeps accruing "
        "after it (fivetran/dbt_zendesk#116); servicemodel gives the instant the target "
        "was reached"
    ),
    Reason.PRIORITY_AT_START: (
        "the peer reports the priority in force when the SLA was applied (ticket creation "
        "for first reply), not the priority whose target measured the clock"
    ),
    Reason.WEEK_CAP: (
        "the peer stops counting business time 52 weeks after the start and fills the rest "
        "with calendar minutes (dbt_zendesk max_ticket_length_weeks)"
    ),
    Reason.OPEN_CLOCK: (
        "the clock is still running, so its elapsed time and state depend on the evaluation "
        "instant; evaluate as of the vendor's run time to compare"
    ),
    Reason.UNEXPLAINED: (
        "no known rule explains this difference; look at the clock's segments "
        "(MetricClock.segments) and the ticket's events"
    ),
}
