"""The options of a business calendar: who owns an overnight range, how parts combine."""

from __future__ import annotations

import enum

__all__ = ["Combine", "Overnight"]


class Overnight(enum.Enum):
    """Which business day owns the part of a range that runs past midnight.

    A Monday range "22:00-06:00" is open Mon 22:00-24:00 and Tue 00:00-06:00
    either way; the choice decides which day's holiday closes the Tuesday part.

    >>> Overnight("start_day")
    <Overnight.START_DAY: 'start_day'>
    """

    #: Zendesk's rule: the part after midnight belongs to the next day, so a
    #: Tuesday holiday closes Tue 00:00-06:00 of a Monday night shift.
    SPLIT_AT_MIDNIGHT = "split_at_midnight"
    #: pandas' rule: the whole shift belongs to the day it starts on, so a
    #: Monday holiday closes Mon 22:00 to Tue 06:00 and a Tuesday holiday does not.
    START_DAY = "start_day"


class Combine(enum.Enum):
    """How a combined calendar joins its parts.

    >>> Combine.UNION.value
    'union'
    """

    #: Open when any part is open (follow-the-sun teams).
    UNION = "union"
    #: Open when every part is open (the customer's and the team's hours).
    INTERSECTION = "intersection"
