"""Programme-local wall-clock arithmetic on integer microseconds.

Day and month windows (expiry dates, caps per day, monthly leaderboards) are
defined in the programme's timezone. This module converts between UTC epoch
microseconds and local wall-clock microseconds through the zone's offset
table (:class:`~servicemodel._time.ZoneOffsets`), so the hot path never
builds a pendulum value.
"""

from __future__ import annotations

import datetime as _dt
from typing import Final

import attrs
import pendulum

from .._time import ZONES, ZoneOffsets, aware, to_micros, zone
from ._values import _Micros

__all__ = ["DAY", "HOUR", "InstantReader", "LocalClock", "add_months"]

HOUR = 3_600_000_000
DAY = 86_400_000_000
_EPOCH_ORDINAL = _dt.date(1970, 1, 1).toordinal()
_TABLED_ZONES = (pendulum.Timezone, pendulum.FixedTimezone)
_UTC_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
_ONE_MICRO = _dt.timedelta(microseconds=1)
#: pendulum's DateTime as a global: read on every instant, a module attribute costs more.
_DATE_TIME: Final = pendulum.DateTime


def add_months(day: _dt.date, months: int) -> _dt.date:
    """Return *day* plus *months* calendar months, clamped to the month's end.

    This is pendulum's month arithmetic: 31 January plus one month is the
    last day of February.

    >>> add_months(_dt.date(2024, 1, 31), 1)
    datetime.date(2024, 2, 29)
    >>> add_months(_dt.date(2024, 2, 29), 12)
    datetime.date(2025, 2, 28)
    """
    result = pendulum.Date(day.year, day.month, day.day).add(months=months)
    return _dt.date(result.year, result.month, result.day)


class LocalClock:
    """Convert instants (UTC epoch micros) to and from wall-clock micros in one zone.

    Wall-clock micros count from 1970-01-01 00:00 local as if every day had 24
    hours, so ``wall // DAY`` is the local day number. Expiry policies take
    one (``policy._lot_expiry(clock, earned_us)``) so that day and month
    windows fall on the programme's local dates.

    Args:
        name: an IANA zone name, such as ``"Europe/Warsaw"``.

    >>> clock = LocalClock("Europe/Warsaw")
    >>> utc = clock.to_utc(clock.wall_of_day(_dt.date(2025, 2, 9)))
    >>> clock.instant(utc)
    DateTime(2025, 2, 9, 0, 0, 0, tzinfo=Timezone('Europe/Warsaw'))
    """

    __slots__ = ("_zone", "name", "tz")

    def __init__(self, name: str) -> None:
        self.name = name
        self.tz = zone(name)
        self._zone = ZONES.offsets(self.tz)

    def offset(self, micros: int) -> int:
        """Return the zone's UTC offset (micros) in force at the instant *micros*.

        >>> LocalClock("Europe/Warsaw").offset(1718013600000000) // HOUR  # summer: UTC+2
        2
        """
        return self._zone.offset_at(micros)

    def wall(self, micros: int) -> int:
        """Return the local wall-clock micros of the instant *micros*.

        >>> noon = 1718013600000000  # 10 June 2024 10:00 UTC, 12:00 in Warsaw
        >>> (LocalClock("Europe/Warsaw").wall(noon) - noon) // HOUR
        2
        """
        return micros + self._zone.offset_at(micros)

    def day(self, micros: int) -> int:
        """Return the local day number (days since 1970-01-01 local) of an instant.

        >>> clock = LocalClock("Europe/Warsaw")
        >>> clock.date_of(clock.day(1718013600000000))  # 10 June 2024 10:00 UTC
        datetime.date(2024, 6, 10)
        """
        return (micros + self._zone.offset_at(micros)) // DAY

    def to_utc(self, wall: int) -> int:
        """Return the instant shown as local wall-clock *wall*.

        An ambiguous wall time (the repeated hour in autumn) is the earlier
        instant; a wall time in a gap (spring forward) moves forward by the
        gap, as pendulum does.

        >>> clock = LocalClock("Europe/Warsaw")
        >>> clock.instant(clock.to_utc(clock.wall_of_day(_dt.date(2024, 6, 10)) + 12 * HOUR))
        DateTime(2024, 6, 10, 12, 0, 0, tzinfo=Timezone('Europe/Warsaw'))
        >>> gap = clock.wall_of_day(_dt.date(2024, 3, 31)) + 2 * HOUR + 30 * 60_000_000
        >>> clock.instant(clock.to_utc(gap))  # 02:30 does not exist that night
        DateTime(2024, 3, 31, 3, 30, 0, tzinfo=Timezone('Europe/Warsaw'))
        """
        return self._zone.instant_of_wall(wall, 0)

    def start_of_day(self, day: int) -> int:
        """Return the first instant of local day number *day*.

        >>> clock = LocalClock("Europe/Warsaw")
        >>> clock.instant(clock.start_of_day(clock.day_of(_dt.date(2024, 6, 10))))
        DateTime(2024, 6, 10, 0, 0, 0, tzinfo=Timezone('Europe/Warsaw'))
        """
        return self._zone.instant_of_wall(day * DAY, 0)

    @staticmethod
    def wall_of_day(day: _dt.date) -> int:
        """Return the wall-clock micros of local midnight on *day*.

        >>> LocalClock.wall_of_day(_dt.date(1970, 1, 2)) == DAY
        True
        """
        return (day.toordinal() - _EPOCH_ORDINAL) * DAY

    @staticmethod
    def date_of(day: int) -> _dt.date:
        """Return the calendar date of local day number *day*.

        >>> LocalClock.date_of(19884)
        datetime.date(2024, 6, 10)
        """
        return _dt.date.fromordinal(day + _EPOCH_ORDINAL)

    @staticmethod
    def day_of(date: _dt.date) -> int:
        """Return the local day number of *date*.

        >>> LocalClock.day_of(_dt.date(2024, 6, 10))
        19884
        """
        return date.toordinal() - _EPOCH_ORDINAL

    def instant(self, micros: int) -> pendulum.DateTime:
        """Return the instant *micros* as a pendulum DateTime in this zone.

        >>> LocalClock("America/New_York").instant(1718013600000000)
        DateTime(2024, 6, 10, 6, 0, 0, tzinfo=Timezone('America/New_York'))
        """
        return self._zone.show(micros)


@attrs.frozen
class _ZoneTable:
    """A zone and its offset table (``None``: the zone is read the general way)."""

    tz: _dt.tzinfo | None
    table: ZoneOffsets | None


class InstantReader:
    """Read aware datetimes as epoch microseconds, exactly, fast for pendulum values.

    :func:`~servicemodel._time.to_micros` asks the value's zone for its UTC
    offset, which is slow for ``pendulum.DateTime`` (a datetime subclass).
    This reader reads a pendulum value's wall clock and fold and looks the
    instant up in its zone's offset table (the zone table's
    :meth:`~servicemodel._time.ZoneOffsets.instant_of_wall`, PEP 495 rules),
    keeping the table of the last zone it saw. A standard-library datetime in
    UTC (``datetime.UTC``, as :meth:`Command.call
    <servicemodel.loyalty.Command.call>` gives) is its distance from the
    epoch. Other datetime types and other tzinfo types take the general
    path, so the result is always ``to_micros(aware(value))``; bad values
    raise the same errors.

    >>> reader = InstantReader()
    >>> t = pendulum.datetime(2025, 3, 30, 3, 30, tz="Europe/Warsaw")
    >>> reader.micros(t, "at") == to_micros(t)
    True
    >>> u = _dt.datetime(2025, 3, 30, 1, 30, 0, 7, tzinfo=_dt.UTC)
    >>> reader.micros(u, "at") == to_micros(aware(u, field="at"))
    True
    """

    __slots__ = ("_last",)

    def __init__(self) -> None:
        # The last zone seen and its table, as one value: threads may share a
        # reader, and a reader must never pair one zone with another's table.
        self._last = _ZoneTable(None, None)

    def micros(self, value: object, field: str) -> int:
        """Return *value* (an aware datetime) as epoch micros; raise naming *field* if it is not one."""
        if type(value) is _DATE_TIME:
            tz = value.tzinfo
            last = self._last
            table = last.table if tz is last.tz else self._switch(tz)
            if table is not None:
                return table.instant_of(value)
        elif type(value) is _Micros:  # a command's own instant (Command.call), never public
            return value
        elif type(value) is _dt.datetime and value.tzinfo is _dt.UTC:
            return (value - _UTC_EPOCH) // _ONE_MICRO
        return to_micros(aware(value, field=field))

    def _switch(self, tz: _dt.tzinfo | None) -> ZoneOffsets | None:
        table = ZONES.offsets(tz) if type(tz) in _TABLED_ZONES and tz is not None else None
        self._last = _ZoneTable(tz, table)
        return table
