"""The named choices of a policy set about vendor data: selection, schedules, history, stamps.

Each is a closed vocabulary; :class:`~servicemodel.sla.PolicySet` takes the
member or its value string. The defaults keep an evaluation to servicemodel's
own rules (conditions, the calendar in force, history as it was, no stamps).
"""

from __future__ import annotations

import enum
from typing import Final

__all__ = ["SCHEDULE", "History", "ScheduleRule", "Selection", "StampedTargets"]

#: A target's calendar meaning "the ticket's schedule": the calendar named by the
#: ticket's :class:`~servicemodel.ScheduleChange` events, or the policy set's default
#: ``schedule`` before the first one.
SCHEDULE: Final = "@schedule"


class Selection(enum.Enum):
    """How the policy that applies to a ticket is chosen.

    ``conditions`` (the default): the first policy whose condition matches
    the ticket as it stood at each instant (its priority, group, tags and
    fields then). ``vendor``: the policy the helpdesk recorded with
    :class:`~servicemodel.PolicyApplied` events, whatever the conditions say.

    >>> Selection("vendor")
    <Selection.VENDOR: 'vendor'>
    """

    CONDITIONS = "conditions"
    VENDOR = "vendor"


class ScheduleRule(enum.Enum):
    """Which schedule a target on the ticket's schedule counts on when the schedule changes.

    ``in_force`` (the default): each instant counts on the schedule in force
    at that instant. ``last_schedule`` (Zendesk's rule): the whole clock
    counts on the last schedule applied to the ticket as of the evaluation.

    >>> ScheduleRule("last_schedule")
    <ScheduleRule.LAST_SCHEDULE: 'last_schedule'>
    """

    IN_FORCE = "in_force"
    LAST_SCHEDULE = "last_schedule"


class History(enum.Enum):
    """Which version of an effective-dated policy or calendar counts at an instant.

    ``as_then`` (the default): the version in force at that instant, so an
    edit never rewrites history. ``as_now``: the version in force at the
    evaluation instant, for every instant ("what would these tickets look
    like under today's rules").

    >>> History("as_now")
    <History.AS_NOW: 'as_now'>
    """

    AS_THEN = "as_then"
    AS_NOW = "as_now"


class StampedTargets(enum.Enum):
    """Whether targets a helpdesk stamped on the ticket replace the policy's targets.

    ``ignore`` (the default): the policy's targets apply. ``use``: a
    :class:`~servicemodel.TargetApplied` stamp sets the time and calendar of
    its metric's target in the policy in force (the latest stamp at or before
    the clock's completion, or the evaluation instant while it runs); the
    target's pausing statuses and warning stay.

    >>> StampedTargets("use")
    <StampedTargets.USE: 'use'>
    """

    USE = "use"
    IGNORE = "ignore"
