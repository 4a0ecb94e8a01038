"""The policy-set options that change what a clock's history means: breaches and reopens."""

from __future__ import annotations

import enum

__all__ = ["BreachRule", "ReopenRule"]


class BreachRule(enum.Enum):
    """Whether a breach that happened stays a breach when the target later changes.

    ``as_of`` (the default) measures each clock under the target in force at
    ``as_of`` (or when the clock completed): lowering the priority of a
    breached interaction can make its clock look met again. ``record`` keeps
    a breach as a record once it happened, as ServiceNow and Jira Service
    Management audits do: a clock is breached as of *t* when an evaluation
    under ``as_of`` at any instant up to *t* showed it breached.

    >>> BreachRule("record")
    <BreachRule.RECORD: 'record'>
    """

    AS_OF = "as_of"
    RECORD = "record"


class ReopenRule(enum.Enum):
    """What reopening a resolved interaction does to resolution-type clocks.

    Resolution-type metrics are ``requester_wait``, ``agent_work`` and
    ``resolution``. ``resume`` (the default, Zendesk's rule) continues the
    same clock from the time it had already used. ``new_cycle`` (Jira Service
    Management, ServiceNow) closes the cycle at the resolve and starts a new
    one with a fresh goal at the reopen; the result lists every cycle, and the
    interaction is breached when any cycle breached.

    >>> ReopenRule("new_cycle")
    <ReopenRule.NEW_CYCLE: 'new_cycle'>
    """

    RESUME = "resume"
    NEW_CYCLE = "new_cycle"
