"""The integer clock engine: measure each clock over the log's folded timelines.

The log is folded once per evaluation, outside the SLA package
(:class:`~servicemodel._log._clock_input.ClockInput`, which the next-reply
KPI reads too).

Everything here works on epoch microseconds and on any calendar object with
the integer interface below, so it stays fast and is easy to test in
isolation. Public values (pendulum instants, durations) are built in
``_evaluate`` only when a result is read.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import Protocol

from ..exceptions import CalendarError
from ..interactions import Status
from ._metrics import STOP_STATUSES

_STOPS = tuple(STOP_STATUSES)

__all__ = ["IntegerCalendar", "Positions", "Running", "resolution_cycles"]

#: How far ahead :func:`next_flip` looks for a calendar that is open now to close.
FLIP_HORIZON_US = 4 * 366 * 86_400_000_000
_WEEK_US = 7 * 86_400_000_000


class IntegerCalendar(Protocol):
    """What the SLA clocks need from a calendar: business time on epoch microseconds.

    :class:`BusinessCalendar` provides it; a :class:`PolicySet` holds its
    calendars as this protocol, so any object with these three methods can
    stand in for one (a calendar computed elsewhere, a test double). Instants
    are UTC epoch microseconds and durations are microseconds.

    >>> from servicemodel.sla import BusinessCalendar, PolicySet
    >>> office = BusinessCalendar.weekly("UTC", {"mon-fri": "09:00-17:00"})
    >>> calendar: IntegerCalendar = PolicySet(policies=[], calendars={"office": office}).calendar("office")
    >>> calendar is office
    True
    """

    def _elapsed_us(self, start_us: int, end_us: int) -> int:
        """Business microseconds in ``[start_us, end_us)``; negative when ``end_us < start_us``.

        >>> from servicemodel.sla import BusinessCalendar
        >>> calendar: IntegerCalendar = BusinessCalendar.weekly("UTC", {"mon-fri": "09:00-17:00"})
        >>> mon_8 = 1718006400000000  # Mon 10 June 2024 08:00 UTC
        >>> calendar._elapsed_us(mon_8, mon_8 + 3 * 3_600_000_000) // 3_600_000_000
        2
        """
        ...

    def _add_us(self, start_us: int, duration_us: int) -> int:
        """The earliest instant *duration_us* business microseconds after *start_us*.

        >>> from servicemodel.sla import BusinessCalendar
        >>> calendar: IntegerCalendar = BusinessCalendar.weekly("UTC", {"mon-fri": "09:00-17:00"})
        >>> mon_8 = 1718006400000000  # Mon 10 June 2024 08:00 UTC
        >>> (calendar._add_us(mon_8, 3_600_000_000) - mon_8) // 3_600_000_000  # 10:00
        2
        """
        ...

    def _segments_us(self, start_us: int, end_us: int) -> tuple[tuple[int, int, str], ...]:
        """Partition ``[start_us, end_us)`` into ``(start, end, label)`` pieces.

        ``"open"`` pieces count as business time; the other labels say why
        time did not count (``"outside_hours"``, ``"holiday"``, ``"closure"``).

        >>> from servicemodel.sla import BusinessCalendar
        >>> calendar: IntegerCalendar = BusinessCalendar.weekly("UTC", {"mon-fri": "09:00-17:00"})
        >>> mon_8 = 1718006400000000  # Mon 10 June 2024 08:00 UTC
        >>> [label for _, _, label in calendar._segments_us(mon_8, mon_8 + 3 * 3_600_000_000)]
        ['outside_hours', 'open']
        """
        ...


class Positions:
    """A calendar's business position of instants, memoised for one evaluation.

    ``_elapsed_us(a, b)`` is ``pos(b) - pos(a)``, so each distinct instant
    costs one calendar call however many clocks share it. ``pos`` is the
    calendar's own position ``F`` where it has one (``_position_us``, as
    :class:`~servicemodel.sla.BusinessCalendar` does), else the business
    time from a fixed origin (any :class:`IntegerCalendar`).
    """

    __slots__ = ("_calendar", "_origin", "_position", "_seen")

    def __init__(self, calendar: IntegerCalendar, origin: int) -> None:
        self._calendar = calendar
        self._origin = origin
        self._seen: dict[int, int] = {}
        self._position = getattr(calendar, "_position_us", None) or self._from_origin

    def _from_origin(self, u: int, _field: str) -> int:
        return 0 if u == self._origin else self._calendar._elapsed_us(self._origin, u)

    def _elapsed_us(self, start_us: int, end_us: int) -> int:
        """Business microseconds in ``[start_us, end_us)``."""
        seen = self._seen
        a = seen.get(start_us)
        if a is None:
            a = seen[start_us] = self._position(start_us, "start_us")
        b = seen.get(end_us)
        if b is None:
            b = seen[end_us] = self._position(end_us, "end_us")
        return b - a

    def _add_us(self, start_us: int, duration_us: int) -> int:
        """The calendar's own ``_add_us``."""
        return self._calendar._add_us(start_us, duration_us)

    def _segments_us(self, start_us: int, end_us: int) -> tuple[tuple[int, int, str], ...]:
        """The calendar's own ``_segments_us``."""
        return self._calendar._segments_us(start_us, end_us)


def resolution_cycles(statuses: Sequence[tuple[int, Status]]) -> list[tuple[int, int | None]]:
    """The cycles of a resolution-type clock that starts anew on each reopen (``ReopenRule.NEW_CYCLE``).

    The first cycle runs from creation to the first resolve (solved or
    closed); each reopen (leaving a resolved status) starts the next, which
    ends at the following resolve. An unresolved cycle has no end (``None``).

    >>> from servicemodel import Status
    >>> resolution_cycles([(0, Status.NEW), (5, Status.SOLVED), (7, Status.OPEN), (9, Status.CLOSED)])
    [(0, 5), (7, 9)]
    """
    cycles: list[tuple[int, int | None]] = []
    start: int | None = statuses[0][0]
    for at, status in statuses[1:]:
        resolved = status in _STOPS
        if resolved and start is not None:
            cycles.append((start, at))
            start = None
        elif not resolved and start is None:
            start = at
    if start is not None:
        cycles.append((start, None))
    return cycles


class Running:
    """The stretches during which one clock counts, as flat ``[a0, b0, a1, b1, ...]``.

    When ``open_end`` is true the last stretch never ends (its ``b`` is unused).
    """

    __slots__ = ("bounds", "open_end")

    def __init__(self, bounds: list[int], open_end: bool) -> None:
        self.bounds = bounds
        self.open_end = open_end

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Running)
            and self.bounds == other.bounds
            and self.open_end == other.open_end
        )

    def __hash__(self) -> int:
        return hash((tuple(self.bounds), self.open_end))

    def __repr__(self) -> str:
        return f"Running({self.bounds!r}, open_end={self.open_end!r})"


def running(
    statuses: Sequence[tuple[int, Status]],
    start: int,
    end: int | None,
    excluded: tuple[Status, ...],
) -> Running:
    """The stretches of ``[start, end)`` whose status is not in *excluded* (pausing or stopping)."""
    bounds: list[int] = []
    open_end = False
    count = len(statuses)
    # Most clocks start at or before the second status: no search (and no key calls) needed.
    index = (
        0 if count == 1 or start < statuses[1][0] else bisect_right(statuses, start, key=_first) - 1
    )
    while index < count:
        since, status = statuses[index]
        until = statuses[index + 1][0] if index + 1 < count else None
        index += 1
        a = since if since > start else start
        b = end if end is not None and (until is None or until > end) else until
        if b is not None and b <= a:
            if end is not None and b >= end:
                break
            continue
        if status not in excluded:
            if bounds and bounds[-1] == a:
                bounds[-1] = bounds[-2] if b is None else b
            else:
                bounds.append(a)
                bounds.append(a if b is None else b)
            if b is None:
                bounds[-1] = bounds[-2]
                open_end = True
        if b is None or (end is not None and b >= end):
            break
    return Running(bounds, open_end)


def _first(pair: tuple[int, object]) -> int:
    return pair[0]


def elapsed(calendar: IntegerCalendar, run: Running, upto: int) -> tuple[int, int]:
    """Business and calendar microseconds counted in *run* before *upto*."""
    bounds = run.bounds
    business = 0
    real = 0
    last = len(bounds) - 2
    for i in range(0, len(bounds), 2):
        a = bounds[i]
        if a >= upto:
            break
        b = upto if (i == last and run.open_end) or bounds[i + 1] > upto else bounds[i + 1]
        business += calendar._elapsed_us(a, b)
        real += b - a
    return business, real


def reach(calendar: IntegerCalendar, run: Running, amount: int) -> int | None:
    """The earliest instant at which *run* has counted *amount* business microseconds.

    ``None`` when the clock stops counting before that (it is paused or done).

    Raises:
        CalendarError: the clock keeps running but its calendar never opens again.
    """
    bounds = run.bounds
    used = 0
    last = len(bounds) - 2
    for i in range(0, len(bounds), 2):
        a = bounds[i]
        left = amount - used
        if i == last and run.open_end:
            return calendar._add_us(a, left)
        span = calendar._elapsed_us(a, bounds[i + 1])
        if span >= left:
            return calendar._add_us(a, left)
        used += span
    return None


def crossed(
    calendar: IntegerCalendar,
    run: Running,
    amount: int,
    used: int,
    completed: int | None,
) -> bool:
    """True when a clock that has used *used* is past *amount* (a target or a warning).

    A running clock is past once its use reaches the amount; a completed one
    only if it reached the amount strictly before it completed.
    """
    if used < amount:
        return False
    if completed is None or used > amount:
        return True
    at = reach(calendar, run, amount)
    return at is not None and at < completed


def is_open(calendar: IntegerCalendar, at: int) -> bool:
    """True when *calendar* counts the microsecond starting at *at*."""
    return calendar._elapsed_us(at, at + 1) == 1


def next_flip(calendar: IntegerCalendar, at: int) -> int | None:
    """The next instant after *at* at which the calendar opens or closes.

    ``None`` when a closed calendar never opens again, or an open one stays
    open for longer than :data:`FLIP_HORIZON_US` (four years).
    """
    if not is_open(calendar, at):
        try:
            return calendar._add_us(at, 1) - 1
        except CalendarError:
            return None
    span = _WEEK_US
    start = at
    while start - at < FLIP_HORIZON_US:
        for a, _b, label in calendar._segments_us(start, start + span):
            if label != "open":
                return a
        start += span
        span *= 2
    return None
