"""Zones: the zone table, portable IANA names, and each zone's offsets as a table of eras.

Part of the time layer (:mod:`servicemodel._time` re-exports these names).

>>> ZONES.offsets("Europe/London").offset_at(1717750800000000) // 3_600_000_000
1
"""

from __future__ import annotations

import datetime as _dt
import re
from bisect import bisect_right
from collections.abc import Callable
from typing import Final, TypeVar, final
from zoneinfo import ZoneInfo, available_timezones

import pendulum

from .exceptions import ValidationError

__all__ = [
    "HI",
    "LO",
    "ZONES",
    "Stretch",
    "ZoneOffsets",
    "ZoneStretches",
    "ZoneTable",
    "zone",
    "zone_of",
]

_MAX_TEXT = 64
_EPOCH_ORDINAL = _dt.date(1970, 1, 1).toordinal()
_UTC = pendulum.timezone("UTC")


def zone_of(tzinfo: _dt.tzinfo) -> _dt.tzinfo:
    """Return the pendulum zone equal to a stdlib tzinfo (or the tzinfo itself).

    >>> zone_of(ZoneInfo("Europe/Paris"))
    Timezone('Europe/Paris')
    """
    if isinstance(tzinfo, pendulum.Timezone | pendulum.FixedTimezone):
        return tzinfo
    if isinstance(tzinfo, ZoneInfo):
        return pendulum.timezone(tzinfo.key)
    if isinstance(tzinfo, _dt.timezone):
        offset = tzinfo.utcoffset(None)
        return pendulum.FixedTimezone(int(offset.total_seconds())) if offset else _UTC
    return tzinfo


def zone(name: str | _dt.tzinfo, *, field: str = "timezone") -> _dt.tzinfo:
    """Return the pendulum timezone for a portable IANA name or a tzinfo.

    Shorthand for ``ZONES.zone(name, field=field)``; see :meth:`ZoneTable.zone`.

    Raises:
        ValidationError: the name is not a portable IANA zone name.

    >>> zone("Europe/London")
    Timezone('Europe/London')
    >>> zone("Mars/Olympus")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'timezone' must be an IANA zone name such as 'Europe/London' (got 'Mars/Olympus')
    """
    return ZONES.zone(name, field=field)


_US = 1_000_000
_DAY_US = 86_400 * _US
#: Instants with exact offset tables: [1900-01-01, 2200-01-01) UTC, in epoch microseconds.
LO = (_dt.date(1900, 1, 1).toordinal() - _EPOCH_ORDINAL) * _DAY_US
HI = (_dt.date(2200, 1, 1).toordinal() - _EPOCH_ORDINAL) * _DAY_US
_NAIVE_EPOCH = _dt.datetime(1970, 1, 1)
_AWARE_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
#: Names in the tz database that are not zones a document may name: the host's own
#: zone under a file name, and the database's placeholders.
_NOT_PORTABLE = frozenset({"localtime", "posixrules", "Factory"})
_NAME_SHAPE = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*")
_MAX_TABLES = 256
_MAX_DATES = 100_000
#: (hour, minute, second) of each second of a day.
_DateTime = pendulum.DateTime
_CLOCK_US = tuple(m * 60_000_000 for m in range(1440))
_HMS = tuple((s // 3600, s // 60 % 60, s % 60) for s in range(86_400))
#: Lookups start from slices of 2**42 µs (about 51 days) of [LO, HI): at most a
#: couple of offset changes fall inside one slice.
_SLICE = 42
_SLICES = ((HI - LO) >> _SLICE) + 1
_NEVER = 2**63


class _Steps:
    """A sorted list of starts, searched like ``bisect_right(starts, x) - 1`` for x in [LO, HI).

    The index in force at each slice's start is kept, so a search is a list
    index and a step or two instead of a binary search (about half the cost).
    """

    __slots__ = ("first", "following")

    def __init__(self, starts: list[int]) -> None:
        self.first = [max(bisect_right(starts, LO + (b << _SLICE)) - 1, 0) for b in range(_SLICES)]
        #: following[k]: where entry k ends (the next start).
        self.following = [*starts[1:], _NEVER]

    def index(self, x: int) -> int:
        """``bisect_right(starts, x) - 1`` for ``LO <= x < HI`` (inlined by the hot paths)."""
        k = self.first[(x - LO) >> _SLICE]
        following = self.following
        while x >= following[k]:
            k += 1
        return k


def _offset_of(delta: _dt.timedelta | None) -> int:
    assert delta is not None  # an aware datetime's utcoffset()
    return (delta.days * 86_400 + delta.seconds) * _US + delta.microseconds


def _exact_offset(tz: _dt.tzinfo, micros: int) -> int:
    """The zone's offset at the instant *micros*, asked of the tzinfo itself."""
    return _offset_of(
        (_AWARE_EPOCH + _dt.timedelta(microseconds=micros)).astimezone(tz).utcoffset()
    )


def _scan_transitions(tz: _dt.tzinfo, lo: int = LO, hi: int = HI) -> tuple[list[int], list[int]]:
    """Era starts and offsets (micros) of *tz* over [lo, hi); the first era starts at *lo*.

    The zone is sampled once a day and each change is located to the second by
    bisection, so two changes less than a day apart that cancel out would be
    missed (no zone in the tz database has one in the supported range). The
    whole range [LO, HI) takes about 0.2 s of CPU (:class:`ZoneOffsets`); a
    window of 16 days (:class:`ZoneStretches`) under a millisecond.
    """
    if isinstance(tz, pendulum.FixedTimezone | _dt.timezone):
        return [lo], [_exact_offset(tz, 0)]

    def at(second: int) -> int:
        return _offset_of(_dt.datetime.fromtimestamp(second, tz).utcoffset())

    start = lo
    lo, hi, step = lo // _US, hi // _US, 86_400
    times, offsets = [start], [at(lo)]
    prev_t, prev_o = lo, offsets[0]
    t = lo + step
    while t < hi + step:
        o = at(t)
        if o != prev_o:
            a, b = prev_t, t  # at(a) == prev_o, at(b) != prev_o
            while b - a > 1:
                m = (a + b) // 2
                if at(m) == prev_o:
                    a = m
                else:
                    b = m
            times.append(b * _US)
            offsets.append(o if b == t else at(b))
            prev_o = offsets[-1]
            if prev_o != o:  # a second change inside the same day
                prev_t = b
                t = b + 1
                continue
        prev_t, prev_o = t, o
        t += step
    return times, offsets


def _repeats_until(time: int, before: int, after: int) -> int:
    """The instant until which, after an offset change at *time*, the wall clock repeats.

    A change to a smaller offset (clocks go back) shows again the wall-clock
    readings of the ``before - after`` just past, at PEP 495 ``fold=1``; a change to a
    larger one (a gap) repeats nothing.
    """
    return time + max(before - after, 0)


@final
class Stretch:
    """Instants [start, end) over which a zone's offset is constant and its wall clock never repeats.

    Inside a stretch a wall-clock reading at :attr:`offset` *is* the zone's
    wall clock at that instant, read at ``fold=0``: what :func:`read_instant
    <servicemodel._time.read_instant>` asks before keeping a timestamp's fields
    as written. A stretch may be empty (``start >= end``): the wall clock
    repeats all the way to the next change. (A plain slotted class, not an
    attrs one: building an attrs class costs the import of the package about
    a millisecond.)

    >>> gap = 1711848600000000  # 31 March 2024 01:30 UTC: 02:30 BST (01:30 GMT never was)
    >>> stretch = ZONES.stretches("Europe/London").stretch_at(gap)
    >>> stretch.offset, stretch.start  # one hour, from 01:00 UTC (01:00 GMT became 02:00 BST)
    (datetime.timedelta(seconds=3600), 1711846800000000)
    """

    __slots__ = ("end", "offset", "start")

    def __init__(self, *, start: int, end: int, offset: _dt.timedelta) -> None:
        #: First instant (epoch micros) of the stretch.
        self.start: Final = start
        #: First instant past it.
        self.end: Final = end
        #: The zone's UTC offset all through it.
        self.offset: Final = offset

    def __repr__(self) -> str:
        return f"Stretch(start={self.start}, end={self.end}, offset={self.offset!r})"


#: Stretches are found in windows of this many days, from LO on (a scan of one costs
#: about as many samples of the zone, and 17 more for each change found), and at most
#: this many windows are kept per zone (past that they are scanned afresh).
_WINDOW_DAYS = 16
_MAX_WINDOWS = 4_096
_WINDOW_US = _WINDOW_DAYS * _DAY_US
#: The stretch known before any is asked: empty.
_NO_STRETCH = Stretch(start=0, end=0, offset=_dt.timedelta(0))


def _window_stretches(tz: _dt.tzinfo, window: int) -> tuple[Stretch, ...]:
    """The stretches of window number *window* of [LO, HI), in time order, clipped to it.

    The zone is scanned from a day before the window, so that a change just
    before it whose repeated wall clock reaches into it is seen.
    """
    lo = LO + window * _WINDOW_US
    hi = min(lo + _WINDOW_US, HI)
    times, offsets = _scan_transitions(tz, lo - _DAY_US, hi)
    found = []
    for k, offset in enumerate(offsets):
        start = lo if k == 0 else max(_repeats_until(times[k], offsets[k - 1], offset), lo)
        end = times[k + 1] if k + 1 < len(times) else hi
        found.append(Stretch(start=start, end=end, offset=_dt.timedelta(microseconds=offset)))
    return tuple(found)


@final
class ZoneStretches:
    """One zone's stretches (see :class:`Stretch`), found as instants are asked: what a reader needs.

    No table of the zone is computed: each window of 16 days is scanned the
    first time an instant in it is asked (well under a millisecond; the same
    scan as :class:`ZoneOffsets`' table, over a few days), and the stretch
    found last is kept as :attr:`stretch`, which a reader asks first. Get
    them through :data:`ZONES` (``ZONES.stretches("Europe/London")``) so each
    zone's windows are scanned once.

    >>> london = ZONES.stretches("Europe/London")
    >>> again = 1729992600000000  # 27 October 2024 01:30 UTC: 01:30 GMT, the second time
    >>> found = london.stretch_at(again)
    >>> found.start - again  # its wall clock is read as written from 02:00 GMT on
    1800000000
    >>> london.stretch is found
    True
    """

    __slots__ = ("_windows", "before", "stretch", "tz")

    def __init__(self, tz: _dt.tzinfo) -> None:
        #: The zone.
        self.tz: Final = tz
        #: The stretch :meth:`stretch_at` found last.
        self.stretch = _NO_STRETCH
        #: The one found before it (asked first: a record's instants on both sides of a
        #: change, or of a window's end, alternate between two).
        self.before = _NO_STRETCH
        #: The stretches of each window scanned, by window number (at most 4,096 windows).
        self._windows: dict[int, list[Stretch]] = {}

    def stretch_at(self, micros: int) -> Stretch:
        """The stretch of the instant *micros* or, in a repeated hour, the one that follows it.

        The stretch found is kept as :attr:`stretch`. Where the zone's offset
        does not change from one window to the next, their stretches are
        joined when both are scanned. Outside [1900, 2200) the zone itself is
        asked, for a stretch of one microsecond.

        >>> ZONES.stretches("UTC").stretch_at(0).offset
        datetime.timedelta(0)
        """
        found = self.before
        if found.start <= micros < found.end:
            pass
        elif LO <= micros < HI:
            window = (micros - LO) // _WINDOW_US
            stretches = self._windows.get(window)
            if stretches is None:
                stretches = self._scan(window)
            # The window's last stretch ends where the window does, or later: one is found.
            found = next(s for s in stretches if micros < s.end)
        else:
            local = (_AWARE_EPOCH + _dt.timedelta(microseconds=micros)).astimezone(self.tz)
            offset = local.utcoffset()
            assert offset is not None  # an aware datetime's
            # One microsecond, or none in a second pass (a repeated wall clock).
            found = Stretch(start=micros + local.fold, end=micros + 1, offset=offset)
        self.before, self.stretch = self.stretch, found
        return found

    def _scan(self, window: int) -> list[Stretch]:
        """The stretches of a window not scanned yet, joined with its neighbours' (kept)."""
        stretches = list(_window_stretches(self.tz, window))
        earlier, later = self._windows.get(window - 1), self._windows.get(window + 1)
        if earlier is not None and _meet(earlier[-1], stretches[0]):
            earlier[-1] = stretches[0] = _joined(earlier[-1], stretches[0])
        if later is not None and _meet(stretches[-1], later[0]):
            stretches[-1] = later[0] = _joined(stretches[-1], later[0])
        if len(self._windows) < _MAX_WINDOWS:
            self._windows[window] = stretches
        return stretches


def _meet(first: Stretch, then: Stretch) -> bool:
    """Whether two stretches, *then* not starting before *first*, overlap or meet at one offset.

    Then their union is a stretch too: its offset is constant and its wall
    clock never repeats, as each part's.
    """
    return (
        first.offset == then.offset
        and first.start < first.end
        and then.start < then.end
        and first.start <= then.start <= first.end
    )


def _joined(first: Stretch, then: Stretch) -> Stretch:
    """The union of two stretches that meet (see :func:`_meet`)."""
    return Stretch(start=first.start, end=max(first.end, then.end), offset=first.offset)


class ZoneOffsets:
    """One zone's UTC offsets as a table of eras: the one offset lookup.

    Instants are epoch microseconds; *wall* values are local wall-clock
    microseconds counted from 1970-01-01 00:00 local as if every day had 24
    hours (so ``wall // 86_400_000_000`` is the local day number). Within
    [1900, 2200) every answer is a binary search in the table; outside it the
    zone itself is asked. Wall readings follow PEP 495 (and zoneinfo): in a
    repeated hour ``fold=0`` is the earlier instant; in a gap ``fold=0`` reads
    the wall time with the offset from before the gap, which moves it forward.

    Build them through :data:`ZONES` (``ZONES.offsets("Europe/London")``) so
    each zone's table is computed once.

    >>> london = ZONES.offsets("Europe/London")
    >>> noon = 1718017200000000  # 10 June 2024 11:00 UTC
    >>> (london.wall(noon) - noon) // 3_600_000_000
    1
    >>> london.instant_of_wall(london.wall(noon)) == noon
    True
    """

    __slots__ = (
        "_dates",
        "_eras",
        "_wall_eras",
        "fold_until",
        "offsets",
        "times",
        "tz",
        "wall_starts",
    )

    def __init__(self, tz: _dt.tzinfo) -> None:
        self.tz = tz
        self._dates: dict[int, tuple[int, int, int]] = {}
        #: Era starts (instants) and each era's offset, in microseconds.
        self.times, self.offsets = _scan_transitions(tz)
        # The wall-clock starts of the eras as fold=0 and fold=1 read them (PEP 495:
        # fold 0 takes the offset before a change inside a gap or overlap), and, per
        # era, the instant before which its wall clock repeats the previous era's.
        first = -(2**62)
        fold0, fold1, fold_until = [first], [first], [first]
        for k in range(1, len(self.times)):
            before, after = self.offsets[k - 1], self.offsets[k]
            fold0.append(self.times[k] + max(before, after))
            fold1.append(self.times[k] + min(before, after))
            fold_until.append(_repeats_until(self.times[k], before, after))
        self.wall_starts = (fold0, fold1)
        self.fold_until = fold_until
        self._eras = _Steps(self.times)
        self._wall_eras = (_Steps(fold0), _Steps(fold1))

    def offset_at(self, micros: int) -> int:
        """The UTC offset (micros) in force at the instant *micros*.

        >>> ZONES.offsets("Europe/Warsaw").offset_at(1718013600000000) // 3_600_000_000
        2
        """
        if LO <= micros < HI:
            return self.offsets[self._eras.index(micros)]
        return _exact_offset(self.tz, micros)

    def wall(self, micros: int) -> int:
        """The local wall-clock micros of the instant *micros*.

        >>> ZONES.offsets("UTC").wall(5)
        5
        """
        return micros + self.offset_at(micros)

    def wall_fold(self, micros: int) -> tuple[int, int]:
        """(wall-clock micros, PEP 495 fold) of the instant *micros*.

        >>> london = ZONES.offsets("Europe/London")
        >>> again = 1729992600000000  # 27 October 2024 01:30 UTC: 01:30 GMT, the second time
        >>> london.wall_fold(again - 3_600_000_000)[1], london.wall_fold(again)[1]
        (0, 1)
        """
        if LO <= micros < HI:
            k = self._eras.index(micros)
            return micros + self.offsets[k], 1 if micros < self.fold_until[k] else 0
        local = (_AWARE_EPOCH + _dt.timedelta(microseconds=micros)).astimezone(self.tz)
        return micros + _offset_of(local.utcoffset()), local.fold

    def instant_of_wall(self, wall: int, fold: int = 0) -> int:
        """The instant a wall-clock reading (with its PEP 495 *fold*) denotes.

        >>> warsaw = ZONES.offsets("Europe/Warsaw")
        >>> gap = 1711852200000000  # wall 31 March 2024 02:30, a time that does not exist
        >>> (warsaw.instant_of_wall(gap) - gap) // 60_000_000  # read at UTC+1: 03:30 local
        -60
        """
        if LO < wall < HI:
            return wall - self.offsets[self._wall_eras[fold].index(wall)]
        naive = _NAIVE_EPOCH + _dt.timedelta(microseconds=wall)
        return wall - _offset_of(naive.replace(tzinfo=self.tz, fold=fold).utcoffset())

    def instant_of(self, value: _dt.datetime) -> int:
        """The instant (epoch micros) of a datetime whose tzinfo is this zone.

        Reads the wall clock and fold of *value* and looks them up in the
        table: ``to_micros(value)`` at a third of the cost.

        >>> london = ZONES.offsets("Europe/London")
        >>> t = london.show(1729992600000000)  # 01:30 GMT on 27 October 2024, the second time
        >>> t.fold, london.instant_of(t) == 1729992600000000
        (1, True)
        """
        wall = (
            (value.toordinal() - _EPOCH_ORDINAL) * _DAY_US
            + _CLOCK_US[value.hour * 60 + value.minute]
            + value.second * _US
            + value.microsecond
        )
        if LO < wall < HI:
            eras = self._wall_eras[value.fold]  # eras.index(wall), inlined: a hot path
            k = eras.first[(wall - LO) >> _SLICE]
            following = eras.following
            while wall >= following[k]:
                k += 1
            return wall - self.offsets[k]
        return self.instant_of_wall(wall, value.fold)

    def day_start(self, day: int) -> int:
        """The first instant whose wall clock reads at least midnight of local day *day*.

        >>> ZONES.offsets("UTC").day_start(1) == 86_400_000_000
        True
        """
        w = day * _DAY_US
        if not LO < w < HI:
            return self.instant_of_wall(w)
        k = max(bisect_right(self.times, w - max(self.offsets)) - 1, 0)
        while True:
            u = max(self.times[k], w - self.offsets[k])
            if k + 1 == len(self.times) or u < self.times[k + 1]:
                return u
            k += 1

    def show(self, micros: int) -> pendulum.DateTime:
        """The instant *micros* as a ``pendulum.DateTime`` in this zone.

        >>> ZONES.offsets("America/New_York").show(1718013600000000)
        DateTime(2024, 6, 10, 6, 0, 0, tzinfo=Timezone('America/New_York'))
        """
        if not LO <= micros < HI:
            wall, fold = self.wall_fold(micros)
            local = _NAIVE_EPOCH + _dt.timedelta(microseconds=wall)
            fields = (local.year, local.month, local.day, local.hour, local.minute, local.second)
            return pendulum.DateTime(*fields, local.microsecond, self.tz, fold=fold)
        eras = self._eras  # eras.index(micros), inlined: a hot path
        k = eras.first[(micros - LO) >> _SLICE]
        following = eras.following
        while micros >= following[k]:
            k += 1
        days, rest = divmod(micros + self.offsets[k], _DAY_US)
        ymd = self._dates.get(days)
        if ymd is None:
            ymd = self._date(days)
        seconds, micro = divmod(rest, _US)
        hour, minute, second = _HMS[seconds]
        # tzinfo positionally: DateTime(..., tzinfo=tz) parses keywords at about twice
        # the cost; fold only when set (the second pass through a repeated hour).
        if micros < self.fold_until[k]:
            return _DateTime(ymd[0], ymd[1], ymd[2], hour, minute, second, micro, self.tz, fold=1)
        return _DateTime(ymd[0], ymd[1], ymd[2], hour, minute, second, micro, self.tz)

    def _date(self, days: int) -> tuple[int, int, int]:
        """(year, month, day) of local day number *days*, remembered (at most 100,000)."""
        d = _dt.date.fromordinal(days + _EPOCH_ORDINAL)
        ymd = (d.year, d.month, d.day)
        if len(self._dates) < _MAX_DATES:
            self._dates[days] = ymd
        return ymd


class ZoneTable:
    """The zone table: portable IANA names to zones, and zones to offset tables.

    One table serves the library (:data:`ZONES`). A zone's offset table takes
    about a fifth of a second to compute, so the table keeps it for the
    process, and so are a zone's stretches (what a reader needs, found a few
    days at a time); what it holds is read from the tz database and never
    changes while the process runs. It holds at most 256 offset tables (and
    256 zones' stretches); past that it computes them afresh for each caller.

    >>> table = ZoneTable()
    >>> table.zone("Asia/Tokyo")
    Timezone('Asia/Tokyo')
    >>> table.offsets("Asia/Tokyo") is table.offsets(table.zone("Asia/Tokyo"))
    True
    """

    __slots__ = ("_known", "_stretches", "_tables")

    def __init__(self) -> None:
        self._known: frozenset[str] | None = None
        self._tables: dict[object, ZoneOffsets] = {}
        self._stretches: dict[object, ZoneStretches] = {}

    def is_portable(self, name: str) -> bool:
        """Whether *name* is a zone of the tz database that any host resolves alike.

        Names the database lists only as files of one host (``localtime``) or
        as placeholders (``Factory``, ``posixrules``) are not.

        >>> ZONES.is_portable("America/Sao_Paulo"), ZONES.is_portable("localtime")
        (True, False)
        """
        if not _NAME_SHAPE.fullmatch(name) or name in _NOT_PORTABLE:
            return False
        if self._known is None:
            self._known = frozenset(available_timezones())
        return name in self._known or name == "UTC"

    def zone(self, name: str | _dt.tzinfo, *, field: str = "timezone") -> _dt.tzinfo:
        """Return the pendulum timezone for a portable IANA name, or for a tzinfo.

        Raises:
            ValidationError: the name is not a portable IANA zone name.

        >>> ZONES.zone("localtime")
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.ValidationError: 'timezone' must be an IANA zone name such as 'Europe/London' (got 'localtime')
        """
        if isinstance(name, _dt.tzinfo):
            return zone_of(name)
        if not isinstance(name, str) or len(name) > _MAX_TEXT or not self.is_portable(name):
            raise ValidationError(
                f"'{field}' must be an IANA zone name such as 'Europe/London' (got {name!r})",
                field=field,
                value=name,
            )
        try:
            return pendulum.timezone(name)
        except Exception:  # listed but unreadable on this host: pendulum's own error kinds
            raise ValidationError(
                f"'{field}' must be an IANA zone name such as 'Europe/London' (got {name!r})",
                field=field,
                value=name,
            ) from None

    def offsets(self, tz: str | _dt.tzinfo) -> ZoneOffsets:
        """Return the offset table of a zone (by portable name or tzinfo), built once.

        Raises:
            ValidationError: a name is not a portable IANA zone name.

        >>> ZONES.offsets("UTC").offset_at(0)
        0
        """
        return _kept(self._tables, self.zone(tz), ZoneOffsets)

    def stretches(self, tz: str | _dt.tzinfo) -> ZoneStretches:
        """Return a zone's stretches (by portable name or tzinfo), kept for the process.

        Its table (:meth:`offsets`) is not computed: see :class:`ZoneStretches`.
        At most 256 zones' stretches are kept; past that, each caller gets its own.

        Raises:
            ValidationError: a name is not a portable IANA zone name.

        >>> ZONES.stretches("Asia/Tokyo") is ZONES.stretches(ZONES.zone("Asia/Tokyo"))
        True
        """
        return _kept(self._stretches, self.zone(tz), ZoneStretches)


_T = TypeVar("_T")


def _kept(kept: dict[object, _T], found: _dt.tzinfo, make: Callable[[_dt.tzinfo], _T]) -> _T:
    """What *make* builds for zone *found*, kept in *kept* by zone (at most 256 zones)."""
    key = _key_of(found)
    value = kept.get(key)
    if value is None:
        value = make(found)
        if len(kept) < _MAX_TABLES:
            kept[key] = value
    return value


def _key_of(tz: _dt.tzinfo) -> object:
    # A named zone by identity (pendulum hands out one instance per name), so that
    # results carry the very tzinfo they were asked in; fixed offsets by their offset.
    if isinstance(tz, pendulum.FixedTimezone):
        return ("fixed", tz.offset)
    return tz


#: The library's zone table.
ZONES = ZoneTable()
