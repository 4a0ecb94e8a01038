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
from zoneinfo import ZoneInfo

import pendulum

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
_CACHE_LIMIT = 1 << 16  # slots remembered per clock (about two years of 15-minute slots)
_SLOT_US = 900_000_000  # zone offsets are read per 15-minute UTC slot
_EPOCH = _dt.date(1970, 1, 1)


class Clock:
    """Local period keys (days since the epoch of the period's first day) in one zone.

    A clock keeps what it has read of its zone's offsets (per 15-minute UTC
    slot, bounded); the report state that made it owns it and shares it
    with the states it makes by merging.

    >>> Clock.label(Clock(Period.WEEK, "Europe/London").key(1718006400000000))
    Date(2024, 6, 10)
    """

    def __init__(self, period: Period | None, timezone: str) -> None:
        self.period = period
        self.zone = ZoneInfo(timezone)
        self._offsets: dict[int, int] = {}
        self._keys: dict[int, int] = {}

    def _offset(self, slot: int) -> int:
        cached = self._offsets.get(slot)
        if cached is None:
            if len(self._offsets) >= _CACHE_LIMIT:
                self._offsets.clear()
            instant = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC) + _dt.timedelta(
                microseconds=slot * _SLOT_US
            )
            delta = instant.astimezone(self.zone).utcoffset() or _dt.timedelta()
            cached = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
            self._offsets[slot] = cached
        return cached

    def _slot_offsets(self, slots: Any) -> Any:
        """Offsets of sorted unique slots; per UTC day unless the day holds a transition.

        The offset at a slot is what :meth:`_offset` gives; a day whose start
        and next start share an offset takes it for all its slots, so only
        transition days are read slot by slot.
        """
        import numpy as np

        per_day = 86_400_000_000 // _SLOT_US
        days = slots // per_day
        unique_days, day_index = np.unique(days, return_inverse=True)
        starts = np.array([self._offset(int(d) * per_day) for d in unique_days.tolist()])
        ends = np.array([self._offset((int(d) + 1) * per_day) for d in unique_days.tolist()])
        offsets = starts[day_index].astype(np.int64)
        changing = (starts != ends)[day_index]
        for position in np.flatnonzero(changing).tolist():
            offsets[position] = self._offset(int(slots[position]))
        return offsets

    def key(self, micros: int) -> int:
        slot = micros // _SLOT_US
        cached = self._keys.get(slot)
        if cached is not None:
            return cached
        offset = self._offset(slot)
        day = (micros + offset) // _DAY_US
        if self.period is Period.WEEK:
            key = day - (day + 3) % 7
        elif self.period is Period.MONTH:
            date = _EPOCH + _dt.timedelta(days=day)
            key = (date.replace(day=1) - _EPOCH).days
        else:
            key = day
        if offset % _SLOT_US == 0:
            # The slot then maps onto one local 15-minute slot, inside one local day:
            # every instant of it has this key.
            if len(self._keys) >= _CACHE_LIMIT:
                self._keys.clear()
            self._keys[slot] = key
        return key

    def keys(self, micros: Any) -> Any:
        import numpy as np

        days = micros // _DAY_US  # UTC days
        low = int(days.min()) if days.size else 0
        high = int(days.max()) if days.size else -1
        if high - low < max(days.size // 16, 1 << 10):
            # The offset at every UTC midnight the batch spans (one read per day, each
            # day's end is the next day's start), and slot by slot only on the days
            # whose start and end offsets differ (a transition day).
            per_day = 86_400_000_000 // _SLOT_US
            bounds = np.array(
                [self._offset(d * per_day) for d in range(low, high + 2)], dtype=np.int64
            )
            index = days - low
            offsets = bounds[:-1][index]
            transitions = bounds[:-1] != bounds[1:]
            if transitions.any():
                rows = np.flatnonzero(transitions[index])
                offsets[rows] = self._slot_offsets_of(micros[rows] // _SLOT_US)
        else:
            offsets = self._slot_offsets_of(micros // _SLOT_US)
        day = (micros + offsets) // _DAY_US
        if self.period is Period.WEEK:
            return day - (day + 3) % 7
        if self.period is Period.MONTH:
            months = day.astype("datetime64[D]").astype("datetime64[M]")
            return months.astype("datetime64[D]").astype(np.int64)
        return day

    def _slot_offsets_of(self, slots: Any) -> Any:
        """The offset at each of *slots* (any order, repeats allowed)."""
        import numpy as np

        unique, inverse = np.unique(slots, return_inverse=True)
        return self._slot_offsets(unique)[inverse]

    @staticmethod
    def label(key: int) -> pendulum.Date:
        date = _EPOCH + _dt.timedelta(days=key)
        return pendulum.Date(date.year, date.month, date.day)
