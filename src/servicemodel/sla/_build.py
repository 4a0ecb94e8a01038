"""Build ``pendulum.Duration`` values from integer microseconds, quickly and exactly.

``pendulum.Duration(microseconds=n)`` costs about as much as a whole business
calendar lookup: it is a Python constructor taking nine keyword arguments.
:func:`duration_of` builds the same object (same ``timedelta`` value, same
instance attributes, in the same order) with the same arithmetic, minus the
keyword handling. It checks itself against pendulum when this module is
imported and falls back to pendulum's constructor if any sample differs, so
a pendulum release that changes its internals costs speed, never correctness.

>>> duration_of(5_400_000_000)
Duration(hours=1, minutes=30)
>>> duration_of(-1) == pendulum.Duration(microseconds=-1)
True
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any, Final

import pendulum

__all__ = ["UNITS_READABLE", "duration_of", "same_duration"]

_new: Final = _dt.timedelta.__new__
_total_seconds: Final = _dt.timedelta.total_seconds
_Duration: Final = pendulum.Duration


def _fast_duration(micros: int) -> pendulum.Duration:
    # The body of pendulum.Duration.__new__ for Duration(microseconds=micros) (years,
    # months and every other argument zero), statement for statement.
    self = _new(_Duration, 0, 0, micros)
    total = _total_seconds(self)
    m = -1 if total < 0 else 1
    whole = abs(int(total))
    days = whole // 86_400 * m
    self.__dict__ = {
        "_total": total,
        "_microseconds": round(total % m * 1e6),
        "_seconds": whole % 86_400 * m,
        "_days": days,
        "_remaining_days": abs(days) % 7 * m,
        "_weeks": abs(days) // 7 * m,
        "_months": 0,
        "_years": 0,
        "_signature": {
            "years": 0,
            "months": 0,
            "weeks": 0,
            "days": 0,
            "hours": 0,
            "minutes": 0,
            "seconds": 0,
            "microseconds": micros,
        },
    }
    return self


def _slow_duration(micros: int) -> pendulum.Duration:
    return _Duration(microseconds=micros)


def same_duration(a: Any, b: Any) -> bool:
    """Whether two durations are indistinguishable: type, value, state and every field.

    >>> same_duration(duration_of(3_600_000_000), pendulum.Duration(microseconds=3_600_000_000))
    True
    >>> same_duration(duration_of(3_600_000_000), pendulum.Duration(hours=1))  # other arguments
    False
    >>> same_duration(duration_of(3_600_000_000), _dt.timedelta(hours=1))
    False
    """
    fields = (
        "years",
        "months",
        "weeks",
        "days",
        "remaining_days",
        "hours",
        "minutes",
        "seconds",
        "remaining_seconds",
        "microseconds",
        "invert",
    )
    return (
        type(a) is type(b)
        and a == b
        and hash(a) == hash(b)
        and list(vars(a).items()) == list(vars(b).items())
        and all(getattr(a, f) == getattr(b, f) for f in fields)
        and _dt.timedelta.days.__get__(a) == _dt.timedelta.days.__get__(b)
        and _dt.timedelta.seconds.__get__(a) == _dt.timedelta.seconds.__get__(b)
        and _dt.timedelta.microseconds.__get__(a) == _dt.timedelta.microseconds.__get__(b)
        and a.total_seconds() == b.total_seconds()
        and repr(a) == repr(b)
        and a.in_words() == b.in_words()
    )


def _choose() -> Callable[[int], pendulum.Duration]:
    samples = (
        *(0, 1, -1, 999_999, -999_999, 1_000_000, 86_399_999_999, 86_400_000_000),
        *(-86_400_000_001, 604_800_000_000, 3_155_760_000_000_000, -3_155_760_000_000_001),
        *(123_456_789_012, -987_654_321),
    )
    try:
        if all(same_duration(_fast_duration(n), _slow_duration(n)) for n in samples):
            return _fast_duration
    except Exception:  # any change in pendulum's internals: keep its own constructor
        pass
    return _slow_duration  # pragma: no cover - only with a pendulum that changed


#: Build the ``pendulum.Duration`` of exactly *micros* microseconds.
duration_of: Final = _choose()


def _units_readable() -> bool:
    samples = (
        _Duration(years=2, months=3, hours=1),
        _Duration(months=-1),
        _Duration(years=1),
        _Duration(hours=5),
        pendulum.duration(days=3),
    )
    try:
        return all((d._years, d._months) == (d.years, d.months) for d in samples)
    except AttributeError:  # pragma: no cover - only with a pendulum that changed
        return False


#: Whether a Duration's ``years`` and ``months`` may be read from the attributes
#: behind those properties (``_years``, ``_months``) at a third of the cost.
UNITS_READABLE: Final = _units_readable()
