"""Calendars that change over time: effective-dated hours, and a ticket's changing schedule.

A :class:`DatedCalendar` holds versions of a business calendar, each in force
from its instant, so that editing a schedule's hours does not rewrite the
business time counted before the edit. The same piecewise arithmetic counts a
ticket's time on the schedule in force at each instant when the ticket moves
between schedules.
"""

from __future__ import annotations

import datetime as _dt
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, final

import attrs
import pendulum

from .._time import aware, duration_from_micros, duration_micros, from_micros, to_micros
from .._validators import is_collection
from ..exceptions import ValidationError
from ._calendar import BusinessCalendar

if TYPE_CHECKING:
    from ._clock import IntegerCalendar

__all__ = ["DatedCalendar", "Piecewise"]


class Piecewise:
    """Business time on ``calendars[i]`` from ``starts[i]`` to ``starts[i + 1]``.

    The first calendar also covers every instant before ``starts[1]`` and the
    last every instant after its start, so the piecewise calendar answers
    everywhere. It has the integer interface of every calendar
    (``_elapsed_us``, ``_add_us``, ``_segments_us``).

    >>> office = BusinessCalendar.weekly("UTC", {"mon-fri": "09:00-17:00"})
    >>> mon_9 = 1718010000000000  # Mon 10 June 2024 09:00 UTC
    >>> h = 3_600_000_000
    >>> p = Piecewise([0, mon_9 + 4 * h], [office, BusinessCalendar.always()])
    >>> p._elapsed_us(mon_9, mon_9 + 24 * h) // h  # 4 office hours, then 20 of every hour
    24
    """

    __slots__ = ("calendars", "starts")

    def __init__(self, starts: Sequence[int], calendars: Sequence[IntegerCalendar]) -> None:
        self.starts = list(starts)
        self.calendars = list(calendars)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Piecewise)
            and self.starts == other.starts
            and self.calendars == other.calendars
        )

    def __hash__(self) -> int:
        return hash((tuple(self.starts), tuple(self.calendars)))

    def __repr__(self) -> str:
        return f"Piecewise({self.starts!r}, {self.calendars!r})"

    def _piece(self, at: int) -> int:
        return max(bisect_right(self.starts, at) - 1, 0)

    def _elapsed_us(self, start_us: int, end_us: int) -> int:
        if end_us < start_us:
            return -self._elapsed_us(end_us, start_us)
        starts, calendars = self.starts, self.calendars
        i = self._piece(start_us)
        total, pos = 0, start_us
        while pos < end_us:
            stop = starts[i + 1] if i + 1 < len(starts) and starts[i + 1] < end_us else end_us
            total += calendars[i]._elapsed_us(pos, stop)
            pos = stop
            i += 1
        return total

    def _add_us(self, start_us: int, duration_us: int) -> int:
        if duration_us == 0:
            return start_us
        starts, calendars = self.starts, self.calendars
        i, pos = self._piece(start_us), start_us
        if duration_us > 0:
            left = duration_us
            while i + 1 < len(starts):
                span = calendars[i]._elapsed_us(pos, starts[i + 1])
                if span >= left:
                    return calendars[i]._add_us(pos, left)
                left -= span
                pos = starts[i + 1]
                i += 1
            return calendars[i]._add_us(pos, left)
        left = -duration_us
        if pos == starts[i] and i > 0:
            i -= 1  # the time just before a boundary is the earlier piece's
        while i > 0:
            span = calendars[i]._elapsed_us(starts[i], pos)
            if span >= left:
                return calendars[i]._add_us(pos, -left)
            left -= span
            pos = starts[i]
            i -= 1
        return calendars[0]._add_us(pos, -left)

    def _business_days_due_us(self, u: int, n: int) -> int:
        """The end of the *n*-th business day after *u*, on the calendar in force at *u*."""
        calendar: Any = self.calendars[self._piece(u)]
        due: int = calendar._business_days_due_us(u, n)
        return due

    def _segments_us(self, start_us: int, end_us: int) -> tuple[tuple[int, int, str], ...]:
        starts, calendars = self.starts, self.calendars
        out: list[tuple[int, int, str]] = []
        i, pos = self._piece(start_us), start_us
        while pos < end_us:
            stop = starts[i + 1] if i + 1 < len(starts) and starts[i + 1] < end_us else end_us
            for a, b, label in calendars[i]._segments_us(pos, stop):
                if out and out[-1][2] == label and out[-1][1] == a:
                    out[-1] = (out[-1][0], b, label)
                else:
                    out.append((a, b, label))
            pos = stop
            i += 1
        return tuple(out)


def _versions(value: object) -> tuple[tuple[pendulum.DateTime, BusinessCalendar], ...]:
    field = "versions"
    if not is_collection(value):
        raise ValidationError(
            f"'{field}' must map effective instants to calendars (got {value!r})",
            field=field,
            value=value,
        )
    items: Iterable[Any] = value.items() if isinstance(value, Mapping) else value
    pairs: list[tuple[pendulum.DateTime, BusinessCalendar]] = []
    for item in items:
        if not isinstance(item, tuple) or len(item) != 2:
            raise ValidationError(
                f"'{field}' must hold (effective_from, calendar) pairs (got {item!r})",
                field=field,
                value=item,
            )
        at, calendar = item
        if not isinstance(calendar, BusinessCalendar):
            raise ValidationError(
                f"'{field}' must map instants to BusinessCalendar values "
                f"(got {type(calendar).__name__})",
                field=field,
                value=calendar,
            )
        pairs.append((aware(at, field="effective_from"), calendar))
    pairs.sort(key=lambda pair: to_micros(pair[0]))
    if not pairs:
        raise ValidationError(
            f"'{field}' must hold at least one calendar (got none)", field=field, value=value
        )
    seen = [to_micros(at) for at, _ in pairs]
    for a, b, (at, _) in zip(seen, seen[1:], pairs[1:], strict=False):
        if a == b:
            raise ValidationError(
                f"'{field}' must give each version its own instant (got {at.isoformat()} twice)",
                field=field,
                value=at,
            )
    return tuple(pairs)


def _version_keys(
    value: tuple[tuple[pendulum.DateTime, BusinessCalendar], ...],
) -> tuple[tuple[int, BusinessCalendar], ...]:
    return tuple((to_micros(at), calendar) for at, calendar in value)


@final
@attrs.frozen(kw_only=True)
class DatedCalendar:
    """A business calendar whose hours change on given instants (effective-dated versions).

    Each version applies from its ``effective_from`` instant until the next
    one; the first also applies before its instant. Business time is counted
    on the version in force at each instant, so an edit to a schedule's hours
    does not rewrite the time counted before it. A :class:`PolicySet` may
    hold one wherever it holds a calendar; ``history="as_now"`` counts every
    instant on the version in force at the evaluation instant instead.

    >>> import pendulum
    >>> nine_to_five = BusinessCalendar.weekly("UTC", {"mon-fri": "09:00-17:00"})
    >>> eight_to_six = BusinessCalendar.weekly("UTC", {"mon-fri": "08:00-18:00"})
    >>> cal = DatedCalendar(versions={pendulum.datetime(2024, 1, 1): nine_to_five,
    ...                               pendulum.datetime(2024, 6, 1): eight_to_six})
    >>> # Friday 31 May on the old hours (8h), Monday 3 June on the new ones (10h)
    >>> cal.elapsed(pendulum.datetime(2024, 5, 31), pendulum.datetime(2024, 6, 4))
    Duration(hours=18)
    >>> cal.version_at(pendulum.datetime(2024, 3, 1)) is nine_to_five
    True
    """

    versions: tuple[tuple[pendulum.DateTime, BusinessCalendar], ...] = attrs.field(
        converter=_versions, eq=_version_keys
    )
    _piecewise: Piecewise = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        starts = [to_micros(at) for at, _ in self.versions]
        calendars: list[IntegerCalendar] = [calendar for _, calendar in self.versions]
        object.__setattr__(self, "_piecewise", Piecewise(starts, calendars))

    def version_at(self, at: _dt.datetime) -> BusinessCalendar:
        """The version in force at *at* (the first one before any version starts).

        Raises:
            ValidationError: *at* is not a timezone-aware datetime.

        >>> import pendulum
        >>> office = BusinessCalendar.weekly("UTC", {"mon-fri": "09:00-17:00"})
        >>> DatedCalendar(versions=[(pendulum.datetime(2024, 1, 1), office)]).version_at(
        ...     pendulum.datetime(2020, 1, 1)) is office
        True
        """
        return self._version_us(to_micros(aware(at, field="at")))

    def _version_us(self, at_us: int) -> BusinessCalendar:
        piecewise = self._piecewise
        return self.versions[piecewise._piece(at_us)][1]

    def elapsed(self, start: _dt.datetime, end: _dt.datetime) -> pendulum.Duration:
        """The business time in ``[start, end)``, each instant on the version then in force.

        Raises:
            ValidationError: an argument is not an aware datetime.

        >>> import pendulum
        >>> office = BusinessCalendar.weekly("UTC", {"mon-fri": "09:00-17:00"})
        >>> DatedCalendar(versions=[(pendulum.datetime(2024, 1, 1), office)]).elapsed(
        ...     pendulum.datetime(2024, 6, 10, 8), pendulum.datetime(2024, 6, 10, 10))
        Duration(hours=1)
        """
        a = to_micros(aware(start, field="start"))
        b = to_micros(aware(end, field="end"))
        return duration_from_micros(self._piecewise._elapsed_us(a, b))

    def add(self, start: _dt.datetime, duration: _dt.timedelta) -> pendulum.DateTime:
        """The earliest instant by which *duration* of business time has passed.

        Shown in the zone of the version in force at the result.

        Raises:
            CalendarError: the calendar never opens again.
            ValidationError: an argument is malformed.

        >>> import pendulum
        >>> office = BusinessCalendar.weekly("UTC", {"mon-fri": "09:00-17:00"})
        >>> DatedCalendar(versions=[(pendulum.datetime(2024, 1, 1), office)]).add(
        ...     pendulum.datetime(2024, 6, 7, 16), pendulum.duration(hours=2))
        DateTime(2024, 6, 10, 10, 0, 0, tzinfo=Timezone('UTC'))
        """
        u = to_micros(aware(start, field="start"))
        if not isinstance(duration, _dt.timedelta):
            raise ValidationError(
                f"'duration' must be a timedelta or pendulum Duration (got {duration!r})",
                field="duration",
                value=duration,
            )
        result = self._piecewise._add_us(u, duration_micros(duration))
        return from_micros(result, self._version_us(result).timezone)

    def _elapsed_us(self, start_us: int, end_us: int) -> int:
        """Business microseconds in ``[start_us, end_us)`` (the integer calendar interface)."""
        return self._piecewise._elapsed_us(start_us, end_us)

    def _add_us(self, start_us: int, duration_us: int) -> int:
        """The earliest instant *duration_us* business microseconds after *start_us*."""
        return self._piecewise._add_us(start_us, duration_us)

    def _business_days_due_us(self, u: int, n: int) -> int:
        """The end of the *n*-th business day after *u*, counted on the version in force at *u*."""
        return self._version_us(u)._business_days_due_us(u, n)

    def _segments_us(self, start_us: int, end_us: int) -> tuple[tuple[int, int, str], ...]:
        """``[start_us, end_us)`` in labelled pieces, each from the version then in force."""
        return self._piecewise._segments_us(start_us, end_us)
