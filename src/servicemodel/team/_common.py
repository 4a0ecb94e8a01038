"""Small converters shared by the team modules (exact numbers, dates, named collections)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

import pendulum

from .._validators import integer, shown
from ..exceptions import ValidationError

__all__ = [
    "MAX_LEVEL",
    "MIN_LEVEL",
    "check_level",
    "each_skill_once",
    "exact",
    "local_date",
]

#: Skill levels run from 1 (foundation) to 5 (expert).
MIN_LEVEL = 1
MAX_LEVEL = 5

_MAX_DENOMINATOR = 10**12

T = TypeVar("T")


def exact(value: object, *, field: str) -> Fraction:
    """Return a number as an exact ``Fraction``; floats are read as they print (0.2 is 1/5).

    ``int``, ``Fraction``, ``Decimal`` and finite ``float`` are accepted; ``bool``,
    text and anything else are refused with a :class:`ValidationError`.

    >>> exact(0.2, field="weight"), exact(Decimal("0.25"), field="weight")
    (Fraction(1, 5), Fraction(1, 4))
    """
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction | Decimal):
        raise ValidationError(
            f"'{field}' must be a number (got {type(value).__name__} {shown(value)})",
            field=field,
            value=value,
        )
    try:
        result = Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    except (ValueError, OverflowError):
        raise ValidationError(
            f"'{field}' must be a finite number (got {shown(value)})", field=field, value=value
        ) from None
    if result.denominator > _MAX_DENOMINATOR or abs(result.numerator) > 10**18 * result.denominator:
        raise ValidationError(
            f"'{field}' must be a number of reasonable size and precision (got {shown(value)})",
            field=field,
            value=value,
        )
    return result


def local_date(value: object, *, field: str) -> pendulum.Date:
    """Return a calendar date (``datetime.date``, not a datetime) as a ``pendulum.Date``.

    >>> import datetime as dt
    >>> local_date(dt.date(2023, 3, 1), field="hired_on")
    Date(2023, 3, 1)
    """
    if isinstance(value, _dt.datetime) or not isinstance(value, _dt.date):
        raise ValidationError(
            f"'{field}' must be a calendar date such as datetime.date(2023, 3, 1) "
            f"(got {type(value).__name__} {value!r})",
            field=field,
            value=value,
        )
    if isinstance(value, pendulum.Date):
        return value
    return pendulum.Date(value.year, value.month, value.day)


def check_level(value: object, *, field: str) -> int:
    """Return a skill level, an integer from 1 to 5.

    >>> check_level(6, field="level")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'level' must be an integer from 1 to 5 (got 6)
    """
    return integer(value, field=field, low=MIN_LEVEL, high=MAX_LEVEL)


def each_skill_once(items: list[T], skill_of: Callable[[T], str], *, field: str) -> tuple[T, ...]:
    """Return *items* sorted by skill name, refusing a skill named twice.

    >>> each_skill_once(["b", "a"], str, field="skills")
    ('a', 'b')
    >>> each_skill_once(["a", "a"], str, field="skills")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'skills' must name each skill once (got ['a'] more than once)
    """
    names = [skill_of(item) for item in items]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValidationError(
            f"'{field}' must name each skill once (got {duplicates!r} more than once)",
            field=field,
            value=duplicates,
        )
    return tuple(sorted(items, key=skill_of))
