"""Option values several KPI families share: windows and instants, in microseconds.

>>> window_micros(SEVEN_DAYS) // 86_400_000_000
7
"""

from __future__ import annotations

import pendulum

from .._time import aware, duration_micros, to_duration, to_micros
from .._validators import is_integer
from ..exceptions import ValidationError

SEVEN_DAYS = pendulum.duration(days=7)


def window_micros(value: object, field: str = "window") -> int:
    """A non-negative window (a duration, or integer microseconds) in microseconds."""
    if is_integer(value):
        micros = value
    else:
        micros = duration_micros(to_duration(value, field=field, allow_zero=True))
    if micros < 0:
        raise ValidationError(
            f"'{field}' must not be negative (got {value!r})", field=field, value=value
        )
    return micros


def instant_micros(value: object, field: str) -> int:
    """An aware instant (or integer epoch microseconds) in epoch microseconds."""
    if is_integer(value):
        return value
    return to_micros(aware(value, field=field))
