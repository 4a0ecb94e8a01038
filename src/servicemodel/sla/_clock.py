"""The integer clock engine: fold an interaction's log, then measure each clock.

Everything here works on epoch microseconds and on any calendar object with
the integer interface below, so it stays fast and is easy to test in
isolation. Public values (pendulum instants, durations) are built in
``_evaluate`` only when a result is read.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import Any, Protocol

from .._log._opening import is_opening
from .._time import duration_micros
from ..exceptions import CalendarError
from ..interactions import (
    Assignment,
    Event,
    FieldChange,
    Message,
    OpeningMessage,
    PolicyApplied,
    Priority,
    PriorityChange,
    Role,
    ScheduleChange,
    Status,
    StatusChange,
    TagChange,
    TargetApplied,
    Visibility,
)
from ._metrics import STOP_STATUSES

_STOPS = tuple(STOP_STATUSES)

__all__ = ["IntegerCalendar", "Log", "Positions", "Running", "resolution_cycles"]

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

    ``_elapsed_us(a, b)`` is ``pos(b) - pos(a)`` with ``pos(t)`` the
    business time from a fixed origin, so each distinct instant costs one
    calendar call however many clocks share it.
    """

    __slots__ = ("_calendar", "_origin", "_seen")

    def __init__(self, calendar: IntegerCalendar, origin: int) -> None:
        self._calendar = calendar
        self._origin = origin
        self._seen: dict[int, int] = {origin: 0}

    def _elapsed_us(self, start_us: int, end_us: int) -> int:
        """Business microseconds in ``[start_us, end_us)``."""
        seen = self._seen
        a = seen.get(start_us)
        if a is None:
            a = seen[start_us] = self._calendar._elapsed_us(self._origin, start_us)
        b = seen.get(end_us)
        if b is None:
            b = seen[end_us] = self._calendar._elapsed_us(self._origin, end_us)
        return b - a

    def _add_us(self, start_us: int, duration_us: int) -> int:
        """The calendar's own ``_add_us``."""
        return self._calendar._add_us(start_us, duration_us)

    def _segments_us(self, start_us: int, end_us: int) -> tuple[tuple[int, int, str], ...]:
        """The calendar's own ``_segments_us``."""
        return self._calendar._segments_us(start_us, end_us)


_PUBLIC = Visibility.PUBLIC
_AGENT = Role.AGENT
_CUSTOMER = Role.CUSTOMER


class Log:
    """The facts of an interaction's log the clocks need, folded event by event.

    ``statuses``, ``priorities``, ``groups``, ``tags``, ``fields`` (custom
    fields as sorted pairs), ``schedules`` (``None``: the default schedule)
    and ``vendor`` (the policy the helpdesk applied, ``None``: none) are
    timelines of ``(since_us, value)``; ``stamps`` holds each metric's
    stamped targets as ``(at_us, within_us, calendar)``. Reply-type metrics
    keep their instances as ``[start_us, end_us | None]`` pairs. :meth:`feed`
    takes one event; feeding a log in chunks gives the same state as feeding
    it at once. An agent's
    message that opened the interaction is not a reply under
    :attr:`OpeningMessage.NOT_A_REPLY` (``opened_by_agent`` and ``opening``).
    """

    __slots__ = (
        "_messaged",
        "_next_open",
        "_periodic_open",
        "created",
        "fields",
        "first_reply_end",
        "groups",
        "last_at",
        "next_reply",
        "opened_by_agent",
        "opening",
        "periodic",
        "priorities",
        "schedules",
        "seen",
        "stamps",
        "status",
        "statuses",
        "tags",
        "vendor",
    )

    def __init__(
        self,
        created: int,
        priority: Priority,
        tags: frozenset[str] = frozenset(),
        fields: tuple[tuple[str, str], ...] = (),
        *,
        opened_by_agent: bool = False,
        opening: OpeningMessage = OpeningMessage.NOT_A_REPLY,
    ) -> None:
        self.created = created
        self.opened_by_agent = opened_by_agent
        self.opening = opening
        self._messaged = False
        self.statuses: list[tuple[int, Status]] = [(created, Status.NEW)]
        self.priorities: list[tuple[int, Priority]] = [(created, priority)]
        self.groups: list[tuple[int, str | None]] = [(created, None)]
        self.tags: list[tuple[int, frozenset[str]]] = [(created, tags)]
        self.fields: list[tuple[int, tuple[tuple[str, str], ...]]] = [(created, fields)]
        self.schedules: list[tuple[int, str | None]] = [(created, None)]
        self.vendor: list[tuple[int, str | None]] = [(created, None)]
        self.stamps: dict[str, list[tuple[int, int, str | None]]] = {}
        self.first_reply_end: int | None = None
        self.next_reply: list[list[int | None]] = []
        self.periodic: list[list[int | None]] = []
        self.status = Status.NEW
        self._next_open = False
        self._periodic_open = False
        self.last_at = created
        self.seen = 0

    def copy(self) -> Log:
        """An independent copy (the tracker's values never share mutable state)."""
        other = Log.__new__(Log)
        other.created = self.created
        other.opened_by_agent = self.opened_by_agent
        other.opening = self.opening
        other._messaged = self._messaged
        other.statuses = list(self.statuses)
        other.priorities = list(self.priorities)
        other.groups = list(self.groups)
        other.tags = list(self.tags)
        other.fields = list(self.fields)
        other.schedules = list(self.schedules)
        other.vendor = list(self.vendor)
        other.stamps = {metric: list(stamps) for metric, stamps in self.stamps.items()}
        other.first_reply_end = self.first_reply_end
        other.next_reply = [list(pair) for pair in self.next_reply]
        other.periodic = [list(pair) for pair in self.periodic]
        other.status = self.status
        other._next_open = self._next_open
        other._periodic_open = self._periodic_open
        other.last_at = self.last_at
        other.seen = self.seen
        return other

    def feed(self, at: int, event: Event) -> None:
        """Fold one event that happened at *at* (microseconds, not before the last one)."""
        self.seen += 1
        self.last_at = at
        if isinstance(event, Message):
            if not self._messaged:
                self._messaged = True
                if is_opening(
                    event, first=True, opened_by_agent=self.opened_by_agent, opening=self.opening
                ):
                    return
            if event.visibility is not _PUBLIC:
                return
            if event.author is _AGENT:
                self._agent_reply(at)
            elif event.author is _CUSTOMER:
                self._customer_message(at)
        elif isinstance(event, StatusChange):
            self.status = event.status
            self.statuses.append((at, event.status))
            if event.status in _STOPS:
                self._stop_replies(at)
        elif isinstance(event, PriorityChange):
            self.priorities.append((at, event.priority))
        elif isinstance(event, Assignment):
            if event.group is not None and event.group != self.groups[-1][1]:
                self.groups.append((at, event.group))
        else:
            self._routing(at, event)

    def _routing(self, at: int, event: Event) -> None:
        """Fold a tag, field or schedule change or a vendor's stamp (other events change nothing)."""
        if isinstance(event, TagChange):
            tags = (self.tags[-1][1] | event.added) - event.removed
            if tags != self.tags[-1][1]:
                _put(self.tags, at, tags)
        elif isinstance(event, FieldChange):
            fields = dict(self.fields[-1][1])
            if event.value is None:
                fields.pop(event.name, None)
            else:
                fields[event.name] = event.value
            pairs = tuple(sorted(fields.items()))
            if pairs != self.fields[-1][1]:
                _put(self.fields, at, pairs)
        elif isinstance(event, ScheduleChange):
            if event.schedule != self.schedules[-1][1]:
                _put(self.schedules, at, event.schedule)
        elif isinstance(event, PolicyApplied):
            if event.policy != self.vendor[-1][1]:
                _put(self.vendor, at, event.policy)
        elif isinstance(event, TargetApplied):
            stamp = (at, duration_micros(event.within), event.calendar)
            self.stamps.setdefault(event.metric, []).append(stamp)

    def _agent_reply(self, at: int) -> None:
        self._stop_replies(at)
        if self.status not in _STOPS:
            self.periodic.append([at, None])
            self._periodic_open = True

    def _customer_message(self, at: int) -> None:
        if self.first_reply_end is not None and not self._next_open and self.status not in _STOPS:
            self.next_reply.append([at, None])
            self._next_open = True

    def _stop_replies(self, at: int) -> None:
        """End the first reply and the open next-reply and periodic-update windows at *at*."""
        if self.first_reply_end is None:
            self.first_reply_end = at
        if self._next_open:
            self.next_reply[-1][1] = at
            self._next_open = False
        if self._periodic_open:
            self.periodic[-1][1] = at
            self._periodic_open = False

    def completion(self) -> int | None:
        """When the interaction was last solved or closed, if it still is."""
        statuses = self.statuses
        if statuses[-1][1] not in _STOPS:
            return None
        index = len(statuses) - 1
        while index > 0 and statuses[index - 1][1] in _STOPS:
            index -= 1
        return statuses[index][0]


def _put(timeline: list[tuple[int, Any]], at: int, value: object) -> None:
    """Append a value to a timeline; a second change at the same instant replaces the first."""
    if timeline[-1][0] == at:
        timeline[-1] = (at, value)
    else:
        timeline.append((at, value))


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
    index = 0 if count == 1 else max(bisect_right(statuses, start, key=_first) - 1, 0)
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
