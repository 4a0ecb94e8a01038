"""The clock a report cuts time with: local day, week or month keys of UTC instants.

An instant (UTC epoch microseconds) maps to the local date, in one IANA
zone, of the first day of its period; a key is that date as days since the
epoch. Keys are read one instant at a time (:meth:`Clock.key`, for items)
or for a whole column at once (:meth:`Clock.keys`, for batches), and the
two agree on every instant.

>>> clock = Clock(Period.MONTH, "America/New_York")
>>> Clock.label(clock.key(1717203600000000))  # 2024-06-01 01:00 UTC: still May in New York
Date(2024, 5, 1)
"""

from __future__ import annotations

import datetime as _dt
import enum
from typing import Any

import pendulum

from .._time import HI, LO, ZONES

__all__ = ["Clock", "Period"]


class Period(enum.Enum):
    """How a report cuts time: by local day, ISO week (Monday start) or calendar month.

    >>> Period("week")
    <Period.WEEK: 'week'>
    """

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


_DAY_US = 86_400_000_000
_EPOCH = _dt.date(1970, 1, 1)
_MAX_KEYS = 1 << 16  # local days remembered per clock (their period keys)


class Clock:
    """Local period keys (days since the epoch of the period's first day) in one zone.

    Offsets come from the zone's offset table (:data:`servicemodel._time.ZONES`);
    a clock remembers the period key of each local day it has seen (bounded).
    The report state that made it owns it and shares it with the states it
    makes by merging.

    >>> Clock.label(Clock(Period.WEEK, "Europe/London").key(1718006400000000))
    Date(2024, 6, 10)
    """

    def __init__(self, period: Period | None, timezone: str) -> None:
        self.period = period
        # The period's kind, told once: a member looked up on an enum class costs a
        # Python attribute lookup each time, and key() runs once per item.
        self._daily = period is Period.DAY or period is None
        self._weekly = period is Period.WEEK
        self._zone = ZONES.offsets(timezone)
        self._keys: dict[int, int] = {}

    def key(self, micros: int) -> int:
        """The period key of the instant *micros*."""
        day = self._zone.wall(micros) // _DAY_US
        if self._daily:
            return day
        if self._weekly:
            return day - (day + 3) % 7
        key = self._keys.get(day)
        if key is None:
            date = _EPOCH + _dt.timedelta(days=day)
            key = (date.replace(day=1) - _EPOCH).days
            if len(self._keys) < _MAX_KEYS:
                self._keys[day] = key
        return key

    def keys(self, micros: Any) -> Any:
        """The period keys of an array of instants (epoch microseconds)."""
        import numpy as np

        zone = self._zone
        era = np.searchsorted(np.asarray(zone.times, dtype=np.int64), micros, side="right") - 1
        offsets = np.asarray(zone.offsets, dtype=np.int64)[np.maximum(era, 0)]
        outside = np.flatnonzero((micros < LO) | (micros >= HI))
        for row in outside.tolist():  # beyond the table: the zone itself is asked
            offsets[row] = zone.offset_at(int(micros[row]))
        day = (micros + offsets) // _DAY_US
        if self.period is Period.WEEK:
            return day - (day + 3) % 7
        if self.period is Period.MONTH:
            months = day.astype("datetime64[D]").astype("datetime64[M]")
            return months.astype("datetime64[D]").astype(np.int64)
        return day

    @staticmethod
    def label(key: int) -> pendulum.Date:
        """The date a period key stands for.

        >>> Clock.label(0)
        Date(1970, 1, 1)
        """
        date = _EPOCH + _dt.timedelta(days=key)
        return pendulum.Date(date.year, date.month, date.day)
