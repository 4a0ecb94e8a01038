"""How a target's size is written in a policy document: business time or business days.

``"16h"`` (any duration the one duration parser reads) is business time on the
target's calendar; ``"2 business days"`` (``"1 business day"``) is "by the end
of the 2nd next business day". The words are matched exactly, not by a
pattern taken from input.
"""

from __future__ import annotations

from typing import Final

import pendulum

from .. import _documents as doc
from .. import _structure as structuring
from ..exceptions import ValidationError
from ._policies import MAX_DAYS

__all__ = ["Size", "days_text", "read_size"]

_UNITS: Final = ("business day", "business days")
_MAX_DIGITS: Final = len(str(MAX_DAYS))

#: A target's size: (business time, None) or (None, business days).
Size = tuple[pendulum.Duration | None, int | None]


def business_days(value: object) -> int | None:
    """The number of days in ``"N business days"`` text, or ``None`` when it is not such text.

    >>> business_days("2 business days"), business_days("1 business day"), business_days("2d")
    (2, 1, None)
    """
    if not isinstance(value, str):
        return None
    number, _, unit = value.partition(" ")
    if unit not in _UNITS or not number.isascii() or not number.isdigit():
        return None
    if len(number) > _MAX_DIGITS or number.startswith("0"):
        return 0  # out of range: the caller reports it with the limits
    return int(number)


def read_size(value: object) -> Size:
    """The size a document writes for a target: a duration or ``"N business days"``.

    >>> read_size("3 business days"), read_size("1h")
    ((None, 3), (Duration(hours=1), None))
    >>> read_size("0 business days")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: must be from 1 to 3660 business days (got string '0 business days')
    """
    days = business_days(value)
    if days is not None:
        if not 1 <= days <= MAX_DAYS:
            raise ValidationError(
                f"must be from 1 to {MAX_DAYS} business days {doc.got(value)}", value=value
            )
        return None, days
    return structuring.positive_duration(value), None


def days_text(days: int) -> str:
    """The document text of a business-days target.

    >>> days_text(1), days_text(5)
    ('1 business day', '5 business days')
    """
    return f"{days} {_UNITS[days != 1]}"
