"""Business calendars: exact, DST-correct, holiday-aware time arithmetic.

A calendar is a monotone function F from an instant to the business time
accumulated since a fixed origin, in integer microseconds. ``elapsed(a, b)``
is ``F(b) - F(a)`` and ``add(s, d)`` is the earliest ``t`` with
``F(t) = F(s) + d``; both are a few binary searches, whatever the span.
"""

from __future__ import annotations

import datetime as _dt
import numbers
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, final

import attrs
import pendulum

from .._time import (
    HI,
    LO,
    MAX_DURATION_DAYS,
    aware,
    checked_micros,
    to_micros,
    zone,
)
from .._time import duration_from_micros as duration_of
from .._validators import instance, integer
from ..exceptions import CalendarError, ValidationError
from ._calendar_options import Combine, Overnight
from ._core import Core, combined_core, wall_micros, weekly_core
from ._engine import DAY, NeverReached
from ._schedule import check_holidays, check_hours, check_ranges, dates, parse_hours, ranges

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["BusinessCalendar"]

_LO_TEXT: Final = "1900-01-01T00:00:00Z"
_HI_TEXT: Final = "2200-01-01T00:00:00Z"
_EPOCH_ORDINAL: Final = _dt.date(1970, 1, 1).toordinal()
_DateTime: Final = pendulum.DateTime


def _range_error(field: str, value: object) -> ValidationError:
    return ValidationError(
        f"'{field}' must be an instant between {_LO_TEXT} and {_HI_TEXT} "
        f"in epoch microseconds (got {value!r})",
        field=field,
        value=value,
    )


def _check_micros(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValidationError(
            f"'{field}' must be an integer number of microseconds (got {type(value).__name__} {value!r})",
            field=field,
            value=value,
        )
    v = int(value)
    if not LO <= v <= HI:
        raise _range_error(field, value)
    return v


def _instant(value: object, field: str, cal: BusinessCalendar | None = None) -> int:
    """Epoch microseconds of any aware datetime, or a ValidationError naming *field*.

    A datetime in *cal*'s own zone is looked up in the zone's offset table
    (same answer as ``utcoffset()``, at a third of the cost).
    """
    if isinstance(value, _dt.datetime) and value.tzinfo is not None:
        if cal is not None and value.tzinfo is cal.timezone:
            u = cal._core.zone.instant_of(value)
        elif value.utcoffset() is not None:
            u = to_micros(value)
        else:
            u = to_micros(aware(value, field=field))  # raises: naive
        if LO <= u <= HI:
            return u
        raise ValidationError(
            f"'{field}' must be between {_LO_TEXT} and {_HI_TEXT} (got {value.isoformat()})",
            field=field,
            value=value,
        )
    aware(value, field=field)  # raises the right error for naive datetimes and non-datetimes
    raise ValidationError(f"'{field}' must be an aware datetime (got {value!r})", field=field)


@attrs.define
class _LastDuration:
    """The duration a calendar's ``add`` was last given, with its checked microseconds.

    Service-level targets call ``add`` with the same duration object again and
    again; checking it (:func:`checked_micros`, the one duration rule) costs a
    tenth of the call, so it is checked once per object in a row. Durations are
    immutable, and the pair is replaced as one value, so a thread never reads
    one object's length for another.
    """

    #: Starts with an object no caller holds (None would let ``add(start, None)`` through).
    last: tuple[object, int] = attrs.field(factory=lambda: (object(), 0))


def _to_zone(value: Any) -> _dt.tzinfo:
    return zone(value)


def _sorted_tuple(value: Any) -> tuple[Any, ...]:
    return tuple(sorted(value)) if isinstance(value, list | tuple) else tuple(value)


def _parts(value: Any) -> tuple[Any, ...]:
    return tuple(value)


def _frozen(value: Any) -> frozenset[Any]:
    return value if isinstance(value, frozenset) else frozenset(value)


@final
@attrs.frozen(kw_only=True)
class BusinessCalendar:
    """When a service desk is open, and business-time arithmetic on it.

    Build one with :meth:`weekly` (a weekly schedule in one IANA zone, with
    holidays, closures and special openings), :meth:`always` (24x7),
    :meth:`for_country` (public holidays from the ``holidays`` package), or
    combine calendars with :meth:`union` and :meth:`intersection`.

    Every method is exact to the microsecond and counts real elapsed time, so
    a DST day really is 23 or 25 hours long. Results are shown in
    :attr:`timezone`; inputs may be written in any zone.

    Attributes:
        timezone: the zone of the schedule, used to show results.
        hours: ``(day, start, end)`` triples: day 0 (Monday) to 6, minutes
            from midnight; ``end`` may pass 1440 for a range that runs past
            midnight.
        holidays: local dates on which the weekly schedule does not apply.
        closures: ``(start, end)`` local wall-clock ranges that are closed.
        openings: ``(start, end)`` local wall-clock ranges that are open
            whatever the schedule, holidays and closures say.
        overnight: who owns the after-midnight part of a range.
        parts: for a combined calendar, its parts (else empty).
        combine: for a combined calendar, how the parts are joined (else None).

    >>> import pendulum
    >>> cal = BusinessCalendar.weekly("Europe/London", {"mon-fri": "09:00-17:00"})
    >>> fri = pendulum.datetime(2024, 6, 7, 16, tz="Europe/London")
    >>> cal.add(fri, pendulum.duration(hours=1))
    DateTime(2024, 6, 7, 17, 0, 0, tzinfo=Timezone('Europe/London'))
    >>> cal.elapsed(fri, fri.add(days=3))
    Duration(hours=8)
    """

    timezone: _dt.tzinfo = attrs.field(converter=_to_zone)
    hours: tuple[tuple[int, int, int], ...] = attrs.field(
        converter=_sorted_tuple, validator=check_hours
    )
    holidays: frozenset[_dt.date] = attrs.field(
        default=frozenset(), converter=_frozen, validator=check_holidays
    )
    closures: tuple[tuple[_dt.datetime, _dt.datetime], ...] = attrs.field(
        default=(), converter=_sorted_tuple, validator=check_ranges
    )
    openings: tuple[tuple[_dt.datetime, _dt.datetime], ...] = attrs.field(
        default=(), converter=_sorted_tuple, validator=check_ranges
    )
    overnight: Overnight = attrs.field(default=Overnight.SPLIT_AT_MIDNIGHT)
    parts: tuple[BusinessCalendar, ...] = attrs.field(default=(), converter=_parts)
    combine: Combine | None = attrs.field(default=None)
    _core: Core = attrs.field(init=False, repr=False, eq=False, hash=False)
    # What add reads on every call, bound once: zone, its read, the walk, its show, 24x7,
    # and the last duration it was given with its checked length.
    _hot: tuple[
        _dt.tzinfo,
        Callable[[_dt.datetime], int],
        Callable[[int, int], int],
        Callable[[int], pendulum.DateTime],
        bool,
        _LastDuration,
    ] = attrs.field(init=False, repr=False, eq=False, hash=False)

    @overnight.validator
    def _check_overnight(self, _attr: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, Overnight):
            raise ValidationError(
                f"'overnight' must be an Overnight member such as Overnight.START_DAY "
                f"(got {value!r})",
                field="overnight",
                value=value,
            )

    @combine.validator
    def _check_combine(self, _attr: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            if self.parts:
                raise ValidationError(
                    "'combine' must be Combine.UNION or Combine.INTERSECTION when 'parts' "
                    "is given (got None)",
                    field="combine",
                    value=value,
                )
            return
        if not isinstance(value, Combine):
            raise ValidationError(
                f"'combine' must be a Combine member (got {value!r})", field="combine", value=value
            )
        if len(self.parts) < 2 or not all(isinstance(p, BusinessCalendar) for p in self.parts):
            raise ValidationError(
                f"'parts' must hold at least two calendars to combine (got {self.parts!r})",
                field="parts",
                value=self.parts,
            )
        if self.hours or self.holidays or self.closures or self.openings:
            raise ValidationError(
                "'hours', 'holidays', 'closures' and 'openings' must be empty in a combined "
                "calendar; put them on its parts",
                field="parts",
                value=self.parts,
            )

    def __attrs_post_init__(self) -> None:
        if self.combine is not None:
            core = combined_core(
                [p._core for p in self.parts], is_union=self.combine is Combine.UNION
            )
        else:
            core = weekly_core(
                self.timezone,
                self.hours,
                frozenset(d.toordinal() - _EPOCH_ORDINAL for d in self.holidays),
                [(wall_micros(a), wall_micros(b)) for a, b in self.closures],
                [(wall_micros(a), wall_micros(b)) for a, b in self.openings],
                start_day_owns=self.overnight is Overnight.START_DAY,
            )
        object.__setattr__(self, "_core", core)
        zone = core.zone
        hot = (zone.tz, zone.instant_of, core.engine.f, zone.show, core.always, _LastDuration())
        object.__setattr__(self, "_hot", hot)

    # --- construction -------------------------------------------------------------------

    @classmethod
    def weekly(
        cls,
        timezone: str | _dt.tzinfo,
        hours: Mapping[str, str | Sequence[str]],
        *,
        holidays: Iterable[_dt.date] = (),
        closures: Iterable[Sequence[object]] = (),
        openings: Iterable[Sequence[object]] = (),
        overnight: Overnight = Overnight.SPLIT_AT_MIDNIGHT,
    ) -> BusinessCalendar:
        """Build a calendar from a weekly schedule in one IANA zone.

        Args:
            timezone: an IANA zone name (``"Europe/London"``) or a tzinfo.
            hours: days (``"mon"`` … ``"sun"``, ranges like ``"mon-fri"``)
                mapped to one range ``"HH:MM-HH:MM"`` or a list of them. An
                end of ``"24:00"`` is allowed; an end at or before the start
                means the range runs past midnight. Days left out are closed.
            holidays: local dates, or a mapping of dates to names (objects
                of the ``holidays`` package work as they are).
            closures: ``(start, end)`` local datetime ranges that are closed
                (half days); naive values are local wall-clock times, aware
                ones are converted, ISO text is accepted.
            openings: ``(start, end)`` ranges that are open whatever else
                says (a special Saturday).
            overnight: which day owns the after-midnight part of a range.

        Raises:
            ValidationError: a value is malformed; the message names it.

        >>> cal = BusinessCalendar.weekly(
        ...     "Europe/London",
        ...     {"mon-thu": ["09:00-12:00", "13:00-17:00"], "fri": "09:00-16:00"},
        ...     holidays=[pendulum.date(2024, 12, 25)],
        ...     closures=[("2024-12-24T13:00", "2024-12-24T17:00")],
        ... )
        >>> cal.is_open(pendulum.datetime(2024, 12, 24, 14, tz="Europe/London"))
        False
        """
        tz = zone(timezone)
        return cls(
            timezone=tz,
            hours=parse_hours(hours),
            holidays=dates(holidays),
            closures=ranges(closures, tz, field="closures"),
            openings=ranges(openings, tz, field="openings"),
            overnight=overnight,
        )

    @classmethod
    def always(cls) -> BusinessCalendar:
        """The 24x7 calendar: business time is absolute time.

        >>> cal = BusinessCalendar.always()
        >>> cal._elapsed_us(0, 3_600_000_000), cal._add_us(5, 10)
        (3600000000, 15)
        """
        return _ALWAYS

    @classmethod
    def for_country(
        cls,
        country: str,
        timezone: str | _dt.tzinfo,
        hours: Mapping[str, str | Sequence[str]],
        *,
        years: Iterable[int],
        subdivision: str | None = None,
        closures: Iterable[Sequence[object]] = (),
        openings: Iterable[Sequence[object]] = (),
        overnight: Overnight = Overnight.SPLIT_AT_MIDNIGHT,
    ) -> BusinessCalendar:
        """Build a weekly calendar closed on a country's public holidays.

        Needs the optional ``holidays`` package (``pip install
        'servicemodel[holidays]'``). Holidays come from
        :func:`servicemodel.sla.public_holidays`, which includes days
        observed across year ends.

        >>> cal = BusinessCalendar.for_country(
        ...     "GB", "Europe/London", {"mon-fri": "09:00-17:00"}, years=[2024], subdivision="ENG"
        ... )
        >>> pendulum.date(2024, 12, 26) in cal.holidays
        True
        """
        from ._holidays import public_holidays

        return cls.weekly(
            timezone,
            hours,
            holidays=public_holidays(country, years, subdivision=subdivision),
            closures=closures,
            openings=openings,
            overnight=overnight,
        )

    def union(self, other: BusinessCalendar) -> BusinessCalendar:
        """The calendar open whenever either calendar is open (follow-the-sun).

        Results are shown in this calendar's zone.

        >>> london = BusinessCalendar.weekly("Europe/London", {"mon-fri": "09:00-17:00"})
        >>> new_york = BusinessCalendar.weekly("America/New_York", {"mon-fri": "09:00-17:00"})
        >>> both = london.union(new_york)
        >>> mon = pendulum.datetime(2024, 6, 10, tz="UTC")
        >>> both.elapsed(mon, mon.add(days=1))  # 08:00-21:00 UTC
        Duration(hours=13)
        """
        return self._combine(other, Combine.UNION)

    def intersection(self, other: BusinessCalendar) -> BusinessCalendar:
        """The calendar open only when both calendars are open.

        >>> london = BusinessCalendar.weekly("Europe/London", {"mon-fri": "09:00-17:00"})
        >>> new_york = BusinessCalendar.weekly("America/New_York", {"mon-fri": "09:00-17:00"})
        >>> mon = pendulum.datetime(2024, 6, 10, tz="UTC")
        >>> london.intersection(new_york).elapsed(mon, mon.add(days=1))  # 13:00-16:00 UTC
        Duration(hours=3)
        """
        return self._combine(other, Combine.INTERSECTION)

    def _combine(self, other: BusinessCalendar, how: Combine) -> BusinessCalendar:
        instance(other, BusinessCalendar, field="other")
        return BusinessCalendar(timezone=self.timezone, hours=(), parts=(self, other), combine=how)

    # --- integer interface (hot paths) --------------------------------------------------

    def _elapsed_us(self, start_us: int, end_us: int) -> int:
        """Business microseconds in ``[start_us, end_us)``; negative when end < start.

        Instants are epoch microseconds (UTC). :meth:`always` gives the plain
        difference.

        Raises:
            ValidationError: an instant is not an integer within 1900-2200.

        >>> cal = BusinessCalendar.weekly("UTC", {"mon-fri": "09:00-17:00"})
        >>> mon_9 = 1718010000000000  # Mon 10 June 2024 09:00 UTC
        >>> cal._elapsed_us(mon_9 - 3_600_000_000, mon_9 + 3_600_000_000)
        3600000000
        >>> cal._elapsed_us(mon_9 + 3_600_000_000, mon_9)
        -3600000000
        """
        core = self._core
        if core.always:
            return int(end_us) - int(start_us)
        if not (type(start_us) is int and LO <= start_us <= HI):
            start_us = _check_micros(start_us, "start_us")
        if not (type(end_us) is int and LO <= end_us <= HI):
            end_us = _check_micros(end_us, "end_us")
        f = core.engine.f
        return f(end_us) - f(start_us)

    def _position_us(self, u: int, field: str = "u") -> int:
        """``F(u)``: the business microseconds from the calendar's fixed origin to *u*.

        ``_elapsed_us(a, b) == _position_us(b) - _position_us(a)``, so an
        evaluation that measures several clocks from the same instants keeps
        positions, one per instant, rather than differences.

        Raises:
            ValidationError: *u* is not an integer within 1900-2200 (named *field*).

        >>> cal = BusinessCalendar.weekly("UTC", {"mon-fri": "09:00-17:00"})
        >>> mon_9 = 1718010000000000  # Mon 10 June 2024 09:00 UTC
        >>> h = 3_600_000_000
        >>> (cal._position_us(mon_9 + 30 * h) - cal._position_us(mon_9 - h)) // h
        14
        """
        core = self._core
        if core.always:
            return int(u)
        if not (type(u) is int and LO <= u <= HI):
            u = _check_micros(u, field)
        return core.engine.f(u)

    def _add_us(self, start_us: int, duration_us: int) -> int:
        """The earliest instant after *duration_us* business microseconds from *start_us*.

        ``_add_us(s, 0) == s``; a negative duration walks backwards to the
        latest instant with that much business time before *start_us*.

        Raises:
            CalendarError: the calendar never opens again (or not before 2200).
            ValidationError: an argument is not an integer or out of range.

        >>> cal = BusinessCalendar.weekly("UTC", {"mon-fri": "09:00-17:00"})
        >>> fri_16 = 1717776000000000  # Fri 7 June 2024 16:00 UTC
        >>> (cal._add_us(fri_16, 7_200_000_000) - fri_16) // 3_600_000_000  # Mon 10:00
        66
        """
        core = self._core
        if type(duration_us) is not int:
            if isinstance(duration_us, bool) or not isinstance(duration_us, numbers.Integral):
                raise ValidationError(
                    f"'duration_us' must be an integer number of microseconds "
                    f"(got {type(duration_us).__name__} {duration_us!r})",
                    field="duration_us",
                    value=duration_us,
                )
            duration_us = int(duration_us)
        if core.always:
            return int(start_us) + duration_us
        if not (type(start_us) is int and LO <= start_us <= HI):
            start_us = _check_micros(start_us, "start_us")
        return self._add(start_us, duration_us)

    def _segments_us(self, start_us: int, end_us: int) -> tuple[tuple[int, int, str], ...]:
        """Partition ``[start_us, end_us)`` into maximal labelled pieces.

        Labels: ``"open"`` (counted; special openings included),
        ``"outside_hours"``, ``"holiday"`` (schedule time a holiday closed)
        and ``"closure"`` (schedule time a closure closed). Empty when
        ``end_us <= start_us``. In a union, closed time is named for the first
        part that a holiday or closure shut (``"outside_hours"`` if none); in
        an intersection, it is ``"outside_hours"`` if any closed part is
        outside its hours, else the first closed part's label.

        >>> cal = BusinessCalendar.weekly(
        ...     "UTC", {"mon-fri": "09:00-17:00"}, holidays=[pendulum.date(2024, 6, 11)]
        ... )
        >>> mon_9 = 1718010000000000  # Mon 10 June 2024 09:00 UTC
        >>> h = 3_600_000_000
        >>> [(round((a - mon_9) / h), round((b - mon_9) / h), label)
        ...  for a, b, label in cal._segments_us(mon_9, mon_9 + 48 * h)]
        [(0, 8, 'open'), (8, 24, 'outside_hours'), (24, 32, 'holiday'), (32, 48, 'outside_hours')]
        """
        core = self._core
        start = _check_micros(start_us, "start_us") if not core.always else int(start_us)
        end = _check_micros(end_us, "end_us") if not core.always else int(end_us)
        if core.always:
            return ((start, end, "open"),) if end > start else ()
        return core.segments(start, end)

    # --- pendulum interface --------------------------------------------------------------

    def segments(
        self, start: _dt.datetime, end: _dt.datetime
    ) -> tuple[tuple[pendulum.DateTime, pendulum.DateTime, str], ...]:
        """Partition ``[start, end)`` into maximal labelled pieces ``(from, to, label)``.

        Labels: ``"open"`` (counted; special openings included),
        ``"outside_hours"``, ``"holiday"`` (schedule time a holiday closed)
        and ``"closure"`` (schedule time a closure closed). Empty when *end*
        is not after *start*. In a union, closed time is named for the first
        part that a holiday or closure shut (``"outside_hours"`` if none); in
        an intersection, it is ``"outside_hours"`` if any closed part is
        outside its hours, else the first closed part's label. Pieces are
        shown in the calendar's zone.

        Raises:
            ValidationError: an argument is not an aware datetime within 1900-2200.

        >>> cal = BusinessCalendar.weekly(
        ...     "UTC", {"mon-fri": "09:00-17:00"}, holidays=[pendulum.date(2024, 6, 11)]
        ... )
        >>> mon_9 = pendulum.datetime(2024, 6, 10, 9)
        >>> [(a.day, a.hour, b.day, b.hour, label)
        ...  for a, b, label in cal.segments(mon_9, mon_9.add(days=2))]
        [(10, 9, 10, 17, 'open'), (10, 17, 11, 9, 'outside_hours'), (11, 9, 11, 17, 'holiday'), (11, 17, 12, 9, 'outside_hours')]
        """
        a = _instant(start, "start", self)
        b = _instant(end, "end", self)
        show = self._core.zone.show
        return tuple((show(s), show(e), label) for s, e, label in self._segments_us(a, b))

    def elapsed(self, start: _dt.datetime, end: _dt.datetime) -> pendulum.Duration:
        """The business time in ``[start, end)``, negative when *end* is before *start*.

        Args:
            start: an aware datetime in any zone.
            end: an aware datetime in any zone.

        Raises:
            ValidationError: an argument is not an aware datetime within 1900-2200.

        >>> cal = BusinessCalendar.weekly("Europe/London", {"mon-fri": "09:00-17:00"})
        >>> cal.elapsed(pendulum.datetime(2024, 6, 7, 18, tz="Europe/London"),
        ...             pendulum.datetime(2024, 6, 10, 18, tz="Europe/London"))
        Duration(hours=8)
        """
        a = _instant(start, "start", self)
        b = _instant(end, "end", self)
        core = self._core
        if core.always:
            return duration_of(b - a)
        f = core.engine.f
        return duration_of(f(b) - f(a))

    def add(self, start: _dt.datetime, duration: _dt.timedelta) -> pendulum.DateTime:
        """The earliest instant by which *duration* of business time has passed.

        Fri 16:00 + 1h on a 9-17 schedule is Fri 17:00 (not Mon 09:00); a zero
        duration returns *start*; a negative one walks backwards. The result
        is shown in the calendar's zone.

        Raises:
            CalendarError: the calendar never opens again (or not before 2200).
            ValidationError: an argument is malformed.

        >>> cal = BusinessCalendar.weekly("Europe/London", {"mon-fri": "09:00-17:00"})
        >>> cal.add(pendulum.datetime(2024, 6, 7, 17, 30, tz="Europe/London"),
        ...         pendulum.duration(hours=4))
        DateTime(2024, 6, 10, 13, 0, 0, tzinfo=Timezone('Europe/London'))
        """
        tz, instant_of, walk, show, always, memo = self._hot
        if type(start) is _DateTime and start.tzinfo is tz:
            u = instant_of(start)
            if not LO <= u <= HI:
                u = _instant(start, "start", self)  # raises: out of range
        else:
            u = _instant(start, "start", self)
        last = memo.last
        if last[0] is duration:  # the same (immutable) object: checked already
            d = last[1]
        else:
            d = checked_micros(duration, "duration", True, True)
            memo.last = (duration, d)
        if always:
            return show(u + d)
        try:
            return show(walk(u, d))  # the integer core, as in _add
        except NeverReached as never:
            raise self._never_error(u, forward=never.forward) from None

    def _add(self, u: int, d: int) -> int:
        """The integer core of :meth:`add` and :meth:`_add_us` (arguments checked)."""
        if self._core.always:
            return u + d
        try:
            return self._core.engine.f(u, d)
        except NeverReached as never:
            raise self._never_error(u, forward=never.forward) from None

    def is_open(self, at: _dt.datetime) -> bool:
        """Whether the calendar is open at the instant *at*.

        >>> cal = BusinessCalendar.weekly("Europe/London", {"mon-fri": "09:00-17:00"})
        >>> cal.is_open(pendulum.datetime(2024, 6, 10, 9, tz="Europe/London"))
        True
        >>> cal.is_open(pendulum.datetime(2024, 6, 10, 17, tz="Europe/London"))
        False
        """
        u = _instant(at, "at", self)
        return self._open_at(u)

    def next_open(self, at: _dt.datetime) -> pendulum.DateTime:
        """The first open instant at or after *at* (*at* itself when open).

        Raises:
            CalendarError: the calendar never opens again.

        >>> cal = BusinessCalendar.weekly("Europe/London", {"mon-fri": "09:00-17:00"})
        >>> cal.next_open(pendulum.datetime(2024, 6, 8, 12, tz="Europe/London"))
        DateTime(2024, 6, 10, 9, 0, 0, tzinfo=Timezone('Europe/London'))
        """
        return self._show(self._next_open(_instant(at, "at", self)))

    def next_close(self, at: _dt.datetime) -> pendulum.DateTime:
        """The first closed instant at or after *at* (*at* itself when closed).

        Raises:
            CalendarError: the calendar never closes again (24x7).

        >>> cal = BusinessCalendar.weekly("Europe/London", {"mon-fri": "09:00-17:00"})
        >>> cal.next_close(pendulum.datetime(2024, 6, 10, 12, tz="Europe/London"))
        DateTime(2024, 6, 10, 17, 0, 0, tzinfo=Timezone('Europe/London'))
        """
        return self._show(self._next_close(_instant(at, "at", self)))

    def open_intervals(
        self, start: _dt.datetime, end: _dt.datetime
    ) -> tuple[tuple[pendulum.DateTime, pendulum.DateTime], ...]:
        """The open ``(from, to)`` intervals within ``[start, end)``, clipped, in order.

        >>> cal = BusinessCalendar.weekly("Europe/London", {"mon-fri": "09:00-17:00"})
        >>> fri = pendulum.datetime(2024, 6, 7, 12, tz="Europe/London")
        >>> [(a.day, a.hour, b.day, b.hour) for a, b in cal.open_intervals(fri, fri.add(days=3))]
        [(7, 12, 7, 17), (10, 9, 10, 12)]
        """
        a = _instant(start, "start", self)
        b = _instant(end, "end", self)
        if b <= a:
            return ()
        core = self._core
        if core.always:
            return ((self._show(a), self._show(b)),)
        return tuple((self._show(s), self._show(e)) for s, e in core.engine.open_in(a, b))

    def end_of_business_day(self, at: _dt.datetime, n: int = 0) -> pendulum.DateTime:
        """When the *n*-th business day from *at* ends ("by end of next business day").

        A business day is a local date with open time. Day 0 is the date of
        *at* if it is a business day, else the next one; *n* counts business
        days after it. The day ends when its last open interval closes (a night
        shift that starts on that date ends the next morning).

        Raises:
            CalendarError: the calendar never opens again, or never closes.
            ValidationError: *n* is not an integer from 0 to 36525.

        >>> cal = BusinessCalendar.weekly("Europe/London", {"mon-fri": "09:00-17:00"})
        >>> fri = pendulum.datetime(2024, 6, 7, 18, tz="Europe/London")
        >>> cal.end_of_business_day(fri), cal.end_of_business_day(fri, 1)
        (DateTime(2024, 6, 7, 17, 0, 0, tzinfo=Timezone('Europe/London')), DateTime(2024, 6, 10, 17, 0, 0, tzinfo=Timezone('Europe/London')))
        """
        u = _instant(at, "at", self)
        integer(n, field="n", low=0, high=MAX_DURATION_DAYS)
        return self._show(self._end_of_business_day_us(u, n))

    def _end_of_business_day_us(self, u: int, n: int) -> int:
        """:meth:`end_of_business_day` on epoch microseconds."""
        day = self._business_day_from(self._local_day(u))
        for _ in range(n):
            day = self._business_day_from(day + 1)
        return self._day_end_us(day)

    def _business_days_due_us(self, u: int, n: int) -> int:
        """The end of the *n*-th business day after the local date of *u* (``n >= 1``).

        What a target of "N business days" means: the days counted are the
        business days after the day the clock started, whether or not that
        day was one itself.
        """
        day = self._local_day(u)
        for _ in range(n):
            day = self._business_day_from(day + 1)
        return self._day_end_us(day)

    def _local_day(self, u: int) -> int:
        core = self._core
        if core.always:
            raise CalendarError("a 24x7 calendar never closes, so its business days never end")
        return core.zone.wall_fold(u)[0] // DAY

    def _day_end_us(self, day: int) -> int:
        """When the open time of business day *day* (days since the epoch, local) ends."""
        core = self._core
        end_of_day = core.zone.day_start(day + 1)
        if self._open_at(end_of_day - 1):
            return self._next_close(end_of_day - 1)
        # the end of the day's last open interval: back to open time, then forward over it
        return core.engine.f(end_of_day, -1) + 1

    # --- numpy interface -----------------------------------------------------------------

    def elapsed_many(self, starts: Any, ends: Any) -> npt.NDArray[np.int64]:
        """Business microseconds between paired instants, vectorised with numpy.

        *starts* and *ends* are ``datetime64`` arrays of UTC instants (any
        unit) or pandas datetime columns (aware ones are converted to UTC).
        Element ``i`` equals ``_elapsed_us(starts[i], ends[i])``. Needs the
        ``numpy`` extra.

        Raises:
            ValidationError: an array is not datetimes, holds NaT, or lies out of range.

        >>> import numpy as np
        >>> cal = BusinessCalendar.weekly("UTC", {"mon-fri": "09:00-17:00"})
        >>> starts = np.array(["2024-06-07T16:00", "2024-06-10T08:00"], dtype="datetime64[us]")
        >>> ends = np.array(["2024-06-10T10:00", "2024-06-10T12:00"], dtype="datetime64[us]")
        >>> cal.elapsed_many(starts, ends) // 60_000_000
        array([120, 180])
        """
        from ._arrays import elapsed_many

        return elapsed_many(self, starts, ends)

    def add_many(self, starts: Any, durations: Any) -> npt.NDArray[np.datetime64]:
        """Deadlines for many starts at once: ``add`` vectorised with numpy.

        *starts* are ``datetime64`` UTC instants (or a pandas datetime
        column), *durations* ``timedelta64`` values (or a pandas timedelta
        column); returns ``datetime64[us]`` UTC instants. Element ``i`` equals
        ``_add_us(starts[i], durations[i])``. Needs the ``numpy`` extra.

        Raises:
            CalendarError: some deadline is never reached.
            ValidationError: an array is malformed or out of range.

        >>> import numpy as np
        >>> cal = BusinessCalendar.weekly("UTC", {"mon-fri": "09:00-17:00"})
        >>> starts = np.array(["2024-06-07T16:00", "2024-06-08T12:00"], dtype="datetime64[us]")
        >>> cal.add_many(starts, np.array([2, 1], dtype="timedelta64[h]"))
        array(['2024-06-10T10:00:00.000000', '2024-06-10T10:00:00.000000'],
              dtype='datetime64[us]')
        """
        from ._arrays import add_many

        return add_many(self, starts, durations)

    # --- helpers -------------------------------------------------------------------------

    def _show(self, u: int) -> pendulum.DateTime:
        return self._core.zone.show(u)

    def _open_at(self, u: int) -> bool:
        core = self._core
        if core.always:
            return True
        f = core.engine.f
        return f(u + 1) > f(u)

    def _next_open(self, u: int) -> int:
        core = self._core
        if core.always:
            return u
        return self._add(u, 1) - 1

    def _next_close(self, u: int) -> int:
        core = self._core
        if core.always:
            raise CalendarError("a 24x7 calendar never closes")
        eng = core.engine
        cur, span = u, DAY
        while True:
            hi = min(cur + span, HI)
            found = eng.open_in(cur, hi)
            if not found or found[0][0] > cur:
                return cur
            if found[0][1] < hi:
                return found[0][1]
            if hi >= HI:
                raise CalendarError(
                    f"the calendar stays open from {self._show(u).isoformat()} until the end "
                    f"of the supported range ({_HI_TEXT})"
                )
            cur, span = hi, span * 2

    def _business_day_from(self, day: int) -> int:
        core = self._core
        eng = core.engine
        start = core.zone.day_start(day)
        if eng.f(core.zone.day_start(day + 1)) > eng.f(start):
            return day
        return core.zone.wall_fold(self._next_open(start))[0] // DAY

    def _never_error(self, u: int, *, forward: bool) -> CalendarError:
        eng = self._core.engine
        when = self._show(u).isoformat()
        if not forward:
            return CalendarError(
                f"the calendar has too little open time before {when} within the supported "
                f"range (from {_LO_TEXT})"
            )
        if eng.last_total == 0:
            return CalendarError(
                f"the calendar never opens again after {when}; add open hours or openings"
            )
        return CalendarError(
            f"the deadline from {when} lies beyond the supported range (until {_HI_TEXT})"
        )


_ALWAYS = BusinessCalendar(timezone="UTC", hours=tuple((d, 0, 1440) for d in range(7)))
