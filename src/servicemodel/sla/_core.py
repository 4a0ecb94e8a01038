"""Build engines for calendars: one zone's wall-clock schedule, or a combination.

A weekly calendar is first described on the *wall-clock axis* (local time
written as if it were UTC, in microseconds): a weekly pattern plus windows
around holidays, closures and openings, where the open set is listed
explicitly. The UTC engine then follows the zone's offset transitions: in each
era the weekly wall pattern, shifted by the era's offset, is a weekly UTC
pattern; wall windows become UTC windows whose open intervals are read off the
wall axis era by era.
"""

from __future__ import annotations

import datetime as _dt
import itertools
from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Final

from .._time import HI, LO, ZONES, ZoneOffsets
from ._engine import (
    DAY,
    MINUTE,
    W0,
    WEEK,
    Intervals,
    _Engine,
    _Pattern,
    clip,
    intersect,
    merge,
    subtract,
    union,
)

__all__ = [
    "CLOSURE",
    "HOLIDAY",
    "OPEN",
    "OUTSIDE_HOURS",
    "Core",
    "combined_core",
    "wall_micros",
    "weekly_core",
]

OPEN: Final = "open"
OUTSIDE_HOURS: Final = "outside_hours"
HOLIDAY: Final = "holiday"
CLOSURE: Final = "closure"

_EPOCH_ORDINAL: Final = _dt.date(1970, 1, 1).toordinal()

Segment = tuple[int, int, str]


def wall_micros(value: _dt.datetime) -> int:
    """Wall-clock microseconds of a naive local datetime (read as if it were UTC).

    >>> wall_micros(_dt.datetime(1970, 1, 2, 0, 0, 1))
    86401000000
    """
    return (
        (value.toordinal() - _EPOCH_ORDINAL) * DAY
        + (value.hour * 3600 + value.minute * 60 + value.second) * 1_000_000
        + value.microsecond
    )


def _merge_segments(segments: list[Segment]) -> tuple[Segment, ...]:
    out: list[Segment] = []
    for s, e, label in segments:
        if e <= s:
            continue
        if out and out[-1][2] == label and out[-1][1] == s:
            out[-1] = (out[-1][0], e, label)
        else:
            out.append((s, e, label))
    return tuple(out)


class Core:
    """What a calendar needs at run time: the UTC engine, its zone, how to label closed time."""

    __slots__ = ("always", "engine", "piece_era", "zone")

    def __init__(self, engine: _Engine, zone: ZoneOffsets) -> None:
        self.engine = engine
        #: The display zone: the one offset table of the calendar's timezone.
        self.zone = zone
        self.always = not engine.windows and all(p.total == WEEK for p in engine.era_p)
        # Every offset change of the display zone is a piece boundary of the engine (its
        # eras are cut there), so each piece lies in one era: piece_era[p].
        if not set(zone.times) <= set(engine.pu):
            raise AssertionError("the display zone's transitions must cut the engine's pieces")
        self.piece_era = [bisect_right(zone.times, u) - 1 for u in engine.pu]

    def segments(self, start: int, end: int) -> tuple[Segment, ...]:
        """Partition ``[start, end)`` into maximal labelled pieces."""
        if end <= start:
            return ()
        out: list[Segment] = []
        pos = start
        for s, e in self.engine.open_in(start, end):
            if s > pos:
                out.extend(self.closed_labels(pos, s))
            out.append((s, e, OPEN))
            pos = e
        if pos < end:
            out.extend(self.closed_labels(pos, end))
        return _merge_segments(out)

    def closed_labels(self, lo: int, hi: int) -> list[Segment]:
        """Label closed time ``[lo, hi)`` (every instant in it is closed)."""
        return [(lo, hi, OUTSIDE_HOURS)]


class _WeeklyCore(Core):
    __slots__ = ("clo_e", "clo_s", "hol_e", "hol_s")

    def __init__(
        self,
        engine: _Engine,
        zone: ZoneOffsets,
        holiday_zones: Intervals,
        closure_zones: Intervals,
    ) -> None:
        super().__init__(engine, zone)
        self.hol_s = [s for s, _ in holiday_zones]
        self.hol_e = [e for _, e in holiday_zones]
        self.clo_s = [s for s, _ in closure_zones]
        self.clo_e = [e for _, e in closure_zones]

    def closed_labels(self, lo: int, hi: int) -> list[Segment]:
        if not self.hol_s and not self.clo_s:
            return [(lo, hi, OUTSIDE_HOURS)]
        out: list[Segment] = []
        times, offsets = self.zone.times, self.zone.offsets
        k = bisect_right(times, lo) - 1
        cur = lo
        while cur < hi:
            nxt = times[k + 1] if k + 1 < len(times) else hi
            stop = min(nxt, hi)
            off = offsets[k]
            out.extend(
                (s - off, e - off, lab) for s, e, lab in self._wall_labels(cur + off, stop + off)
            )
            cur = stop
            k += 1
        return out

    def _wall_labels(self, w0: int, w1: int) -> list[Segment]:
        points = {w0, w1}
        for starts, ends in ((self.hol_s, self.hol_e), (self.clo_s, self.clo_e)):
            i = bisect_right(ends, w0)
            while i < len(starts) and starts[i] < w1:
                points.update(p for p in (starts[i], ends[i]) if w0 < p < w1)
                i += 1
        ordered = sorted(points)
        out: list[Segment] = []
        for a, b in itertools.pairwise(ordered):
            if _inside(self.hol_s, self.hol_e, a):
                label = HOLIDAY
            elif _inside(self.clo_s, self.clo_e, a):
                label = CLOSURE
            else:
                label = OUTSIDE_HOURS
            out.append((a, b, label))
        return out


def _inside(starts: list[int], ends: list[int], x: int) -> bool:
    i = bisect_right(starts, x) - 1
    return i >= 0 and x < ends[i]


class _CombinedCore(Core):
    __slots__ = ("is_union", "parts")

    def __init__(self, engine: _Engine, parts: Sequence[Core], *, is_union: bool) -> None:
        super().__init__(engine, parts[0].zone)
        self.parts = tuple(parts)
        self.is_union = is_union

    def segments(self, start: int, end: int) -> tuple[Segment, ...]:
        if end <= start:
            return ()
        lists = [p.segments(start, end) for p in self.parts]
        cuts = sorted({s for seg in lists for s, _, _ in seg} | {end})
        idx = [0] * len(lists)
        out: list[Segment] = []
        for a, b in itertools.pairwise(cuts):
            labels = []
            for n, seg in enumerate(lists):
                while seg[idx[n]][1] <= a:
                    idx[n] += 1
                labels.append(seg[idx[n]][2])
            out.append((a, b, self._label(labels)))
        return _merge_segments(out)

    def _label(self, labels: list[str]) -> str:
        # Closed time is named for what kept it closed: in a union, a part that
        # a holiday or closure shut would otherwise have opened it; in an
        # intersection, a part that is simply outside its hours keeps it shut
        # whatever the holidays say.
        if self.is_union:
            if OPEN in labels:
                return OPEN
            special = [lab for lab in labels if lab != OUTSIDE_HOURS]
            return special[0] if special else OUTSIDE_HOURS
        closed = [lab for lab in labels if lab != OPEN]
        if not closed:
            return OPEN
        return OUTSIDE_HOURS if OUTSIDE_HOURS in closed else closed[0]


def _pieces(
    hours: Sequence[tuple[int, int, int]], *, start_day_owns: bool
) -> list[tuple[int, int, int]]:
    """Weekly pieces (start, end, owner-day start) in week coordinates, split at midnight."""
    out: list[tuple[int, int, int]] = []
    for day, s, e in hours:
        day0 = day * DAY
        start, end = day0 + s * MINUTE, day0 + e * MINUTE
        parts = [(start, min(end, day0 + DAY), day0)]
        if end > day0 + DAY:
            parts.append((day0 + DAY, end, day0 if start_day_owns else day0 + DAY))
        for a, b, owner in parts:
            if a >= WEEK:
                out.append((a - WEEK, b - WEEK, owner - WEEK))
            else:
                out.append((a, b, owner))
    return out


def weekly_core(
    tz: _dt.tzinfo,
    hours: Sequence[tuple[int, int, int]],
    holiday_days: frozenset[int],
    closures: Intervals,
    openings: Intervals,
    *,
    start_day_owns: bool,
) -> Core:
    """Build the core of a one-zone weekly calendar (all wall values in wall micros)."""
    pieces = _pieces(hours, start_day_owns=start_day_owns)
    wall_pattern = _Pattern(merge((a, b) for a, b, _ in pieces))
    zone = ZONES.offsets(tz)
    times, offsets = zone.times, zone.offsets
    off_min, off_max = min(offsets), max(offsets)
    wlo, whi = LO + off_min - DAY, HI + off_max + DAY
    closures = merge(closures)
    openings = merge(openings)
    span = 2 * DAY if start_day_owns else DAY
    marks = [(d * DAY, d * DAY + span) for d in holiday_days]
    wall_windows = [
        (max(a, wlo), min(b, whi))
        for a, b in merge([*marks, *closures, *openings])
        if b > wlo and a < whi
    ]
    explicit_windows: list[tuple[int, int, Intervals]] = []
    holiday_zones: Intervals = []
    closure_zones: Intervals = []
    for a, b in wall_windows:
        every: Intervals = []
        kept: Intervals = []
        q = (a - W0) // WEEK
        while W0 + q * WEEK < b:
            base = W0 + q * WEEK
            for s, e, owner in pieces:
                s1, e1 = max(base + s, a), min(base + e, b)
                if s1 >= e1:
                    continue
                every.append((s1, e1))
                if (base + owner) // DAY not in holiday_days:
                    kept.append((s1, e1))
            q += 1
        every, kept = merge(every), merge(kept)
        shut = clip(closures, a, b)
        holiday_zones.extend(subtract(every, kept))
        closure_zones.extend(intersect(kept, shut))
        explicit = union(subtract(kept, shut), clip(openings, a, b))
        explicit_windows.append((a, b, explicit))
    wall = _Engine.build(wlo, whi, [(wlo, wall_pattern)], explicit_windows)

    shifted: dict[int, _Pattern] = {}
    eras: list[tuple[int, _Pattern]] = []
    for t, off in zip(times, offsets, strict=True):
        if off not in shifted:
            shifted[off] = wall_pattern.shifted(-off)
        eras.append((t, shifted[off]))
    utc_windows: list[tuple[int, int, Intervals]] = []
    for a, b in merge((max(a - off_max, LO), min(b - off_min, HI)) for a, b, _ in explicit_windows):
        found: Intervals = []
        k = bisect_right(times, a) - 1
        cur = a
        while cur < b:
            nxt = times[k + 1] if k + 1 < len(times) else b
            stop = min(nxt, b)
            off = offsets[k]
            found.extend((s - off, e - off) for s, e in wall.open_in(cur + off, stop + off))
            cur = stop
            k += 1
        utc_windows.append((a, b, merge(found)))
    engine = _Engine.build(LO, HI, eras, utc_windows)
    return _WeeklyCore(engine, zone, merge(holiday_zones), merge(closure_zones))


def combined_core(parts: Sequence[Core], *, is_union: bool) -> Core:
    """The core of the union or intersection of several calendars."""
    op: Callable[[Intervals, Intervals], Intervals] = union if is_union else intersect
    engines = [p.engine for p in parts]
    times = sorted({t for e in engines for t in e.era_t})
    cache: dict[tuple[int, ...], _Pattern] = {}
    eras: list[tuple[int, _Pattern]] = []
    for t in times:
        pats = [e.era_p[bisect_right(e.era_t, t) - 1] for e in engines]
        key = tuple(id(p) for p in pats)
        if key not in cache:
            acc = pats[0].intervals()
            for p in pats[1:]:
                acc = op(acc, p.intervals())
            cache[key] = _Pattern(acc)
        eras.append((t, cache[key]))
    windows: list[tuple[int, int, Intervals]] = []
    for a, b in merge((a, b) for e in engines for a, b, _ in e.windows):
        acc = engines[0].open_in(a, b)
        for e in engines[1:]:
            acc = op(acc, e.open_in(a, b))
        windows.append((a, b, acc))
    return _CombinedCore(_Engine.build(LO, HI, eras, windows), parts, is_union=is_union)
