"""Programme-local wall-clock arithmetic on integer microseconds.

Day and month windows (expiry dates, caps per day, monthly leaderboards) are
defined in the programme's timezone. This module converts between UTC epoch
microseconds and local wall-clock microseconds with small caches, so the hot
path never builds a pendulum value.
"""

from __future__ import annotations

import datetime as _dt

import pendulum

from .._time import aware, to_micros, zone

__all__ = ["DAY", "HOUR", "InstantReader", "LocalClock", "add_months"]

HOUR = 3_600_000_000
DAY = 86_400_000_000
_BUCKET = 6 * 3_600_000_000  # six hours: no zone changes offset twice within one
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
_EPOCH_ORDINAL = _dt.date(1970, 1, 1).toordinal()
_NAIVE_EPOCH = _dt.datetime(1970, 1, 1)
_MIXED = 1 << 60  # a bucket whose offset depends on the fold or changes within it
_MAX_ZONES = 16
_CACHED_ZONES = (pendulum.Timezone, pendulum.FixedTimezone)
_NO_ZONE = object()  # the reader's current zone before it has one (never a value's tzinfo)


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
    one (``policy.lot_expiry(clock, earned_us)``) so that day and month
    windows fall on the programme's local dates.

    Args:
        name: an IANA zone name, such as ``"Europe/Warsaw"``.

    >>> clock = LocalClock("Europe/Warsaw")
    >>> utc = clock.to_utc(clock.wall_of_day(_dt.date(2025, 2, 9)))
    >>> clock.instant(utc)
    DateTime(2025, 2, 9, 0, 0, 0, tzinfo=Timezone('Europe/Warsaw'))
    """

    __slots__ = ("_day_start", "_offsets", "name", "tz")

    def __init__(self, name: str) -> None:
        self.name = name
        self.tz = zone(name)
        self._offsets: dict[int, int] = {}
        self._day_start: dict[int, int] = {}

    def _offset_exact(self, micros: int) -> int:
        moment = _EPOCH + _dt.timedelta(microseconds=micros)
        offset = moment.astimezone(self.tz).utcoffset()
        assert offset is not None
        return (offset.days * 86_400 + offset.seconds) * 1_000_000 + offset.microseconds

    def offset(self, micros: int) -> int:
        """Return the zone's UTC offset (micros) in force at the instant *micros*.

        >>> LocalClock("Europe/Warsaw").offset(1718013600000000) // HOUR  # summer: UTC+2
        2
        """
        bucket = micros // _BUCKET
        cached = self._offsets.get(bucket)
        if cached is not None:
            return cached
        start = bucket * _BUCKET
        first = self._offset_exact(start)
        if first == self._offset_exact(start + _BUCKET - 1):
            self._offsets[bucket] = first
            return first
        return self._offset_exact(micros)

    def wall(self, micros: int) -> int:
        """Return the local wall-clock micros of the instant *micros*.

        >>> noon = 1718013600000000  # 10 June 2024 10:00 UTC, 12:00 in Warsaw
        >>> (LocalClock("Europe/Warsaw").wall(noon) - noon) // HOUR
        2
        """
        return micros + self.offset(micros)

    def day(self, micros: int) -> int:
        """Return the local day number (days since 1970-01-01 local) of an instant.

        >>> clock = LocalClock("Europe/Warsaw")
        >>> clock.date_of(clock.day(1718013600000000))  # 10 June 2024 10:00 UTC
        datetime.date(2024, 6, 10)
        """
        return (micros + self.offset(micros)) // DAY

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
        before = self.offset(wall - DAY)
        after = self.offset(wall + DAY)
        best: int | None = None
        for candidate in {before, after}:
            utc = wall - candidate
            if self.offset(utc) == candidate and (best is None or utc < best):
                best = utc
        if best is not None:
            return best
        return wall - min(before, after)

    def start_of_day(self, day: int) -> int:
        """Return the first instant of local day number *day*.

        >>> clock = LocalClock("Europe/Warsaw")
        >>> clock.instant(clock.start_of_day(clock.day_of(_dt.date(2024, 6, 10))))
        DateTime(2024, 6, 10, 0, 0, 0, tzinfo=Timezone('Europe/Warsaw'))
        """
        cached = self._day_start.get(day)
        if cached is None:
            cached = self.to_utc(day * DAY)
            self._day_start[day] = cached
        return cached

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
        local = (_EPOCH + _dt.timedelta(microseconds=micros)).astimezone(self.tz)
        return pendulum.DateTime(
            local.year,
            local.month,
            local.day,
            local.hour,
            local.minute,
            local.second,
            local.microsecond,
            tzinfo=self.tz,
            fold=local.fold,
        )


class InstantReader:
    """Read aware datetimes as epoch microseconds, exactly, fast for pendulum values.

    :func:`~servicemodel._time.to_micros` asks the value's zone for its UTC
    offset, which is slow for ``pendulum.DateTime`` (a datetime subclass).
    This reader caches, per zone, the offset of each six hours of local
    wall-clock time whose offset is the same throughout and for both folds
    (all but those holding a transition; like :class:`LocalClock`, it assumes
    no zone changes its offset twice within six hours). Transition buckets,
    other datetime types and other tzinfo types take the exact general path,
    so the result is always ``to_micros(aware(value))``; bad values raise the
    same errors.

    >>> reader = InstantReader()
    >>> t = pendulum.datetime(2025, 3, 30, 3, 30, tz="Europe/Warsaw")
    >>> reader.micros(t, "at") == to_micros(t)
    True
    """

    __slots__ = ("_offsets", "_tz", "_zones")

    def __reduce__(self) -> tuple[type[InstantReader], tuple[()]]:
        # The caches are keyed by the zones' identities: a copy starts empty.
        return (InstantReader, ())

    def __init__(self) -> None:
        self._tz: object = _NO_ZONE
        self._offsets: dict[int, int] = {}
        self._zones: dict[int, tuple[_dt.tzinfo, dict[int, int]]] = {}

    def micros(self, value: object, field: str) -> int:
        """Return *value* (an aware datetime) as epoch micros; raise naming *field* if it is not one."""
        if type(value) is pendulum.DateTime:
            tz = value.tzinfo
            if tz is self._tz:
                offsets: dict[int, int] | None = self._offsets
            else:
                offsets = self._switch(tz)
            if offsets is not None:
                wall = (
                    (value.toordinal() - _EPOCH_ORDINAL) * 86_400
                    + value.hour * 3_600
                    + value.minute * 60
                    + value.second
                ) * 1_000_000 + value.microsecond
                bucket = wall // _BUCKET
                offset = offsets.get(bucket)
                if offset is None:
                    offset = self._probe(offsets, tz, bucket)
                if offset != _MIXED:
                    return wall - offset
        return to_micros(aware(value, field=field))

    def _switch(self, tz: _dt.tzinfo | None) -> dict[int, int] | None:
        if type(tz) not in _CACHED_ZONES:
            return None
        assert tz is not None
        known = self._zones.get(id(tz))
        if known is None or known[0] is not tz:
            if len(self._zones) >= _MAX_ZONES:
                return None
            known = (tz, {})
            self._zones[id(tz)] = known
        self._tz, self._offsets = known
        return known[1]

    @staticmethod
    def _probe(offsets: dict[int, int], tz: _dt.tzinfo | None, bucket: int) -> int:
        start = _NAIVE_EPOCH + _dt.timedelta(microseconds=bucket * _BUCKET)
        end = start + _dt.timedelta(microseconds=_BUCKET - 1)
        found = {
            instant.replace(tzinfo=tz, fold=fold).utcoffset()
            for instant in (start, end)
            for fold in (0, 1)
        }
        offset = _MIXED
        if len(found) == 1:
            (delta,) = found
            assert delta is not None
            offset = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        offsets[bucket] = offset
        return offset
