"""The integer core of business calendars: a monotone function F and its inverse.

An engine describes a set of open instants on an integer axis (microseconds).
Outside a few *windows* the set is weekly periodic, with a pattern that may
change at *era* boundaries (a zone's UTC-offset transitions, or the merged
transitions of several zones). Inside a window it is given explicitly.

``F(u)`` is the open time in ``[lo, u)``. It is continuous and non-decreasing
with slope 0 or 1, so ``elapsed = F(b) - F(a)`` and the earliest ``t`` with
``F(t) = y`` is found with a few binary searches, whatever the distance.

>>> week = _Pattern.of([(W0, W0 + 10)])
>>> eng = _Engine.build(W0, W0 + 3 * WEEK, [(W0, week)], [])
>>> eng.f(W0 + WEEK + 5), eng.f(W0, 15) - W0 == WEEK + 5
(15, True)
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from typing import Final

__all__ = [
    "DAY",
    "END",
    "MINUTE",
    "W0",
    "WEEK",
    "Intervals",
    "NeverReached",
    "clip",
    "intersect",
    "merge",
    "subtract",
    "union",
]

MINUTE: Final = 60_000_000
DAY: Final = 86_400_000_000
WEEK: Final = 7 * DAY
#: A Monday midnight (1969-12-29T00:00): the anchor of every weekly pattern.
W0: Final = -3 * DAY
#: Beyond any instant or business time on any axis.
END: Final = 2**62

Intervals = list[tuple[int, int]]


class NeverReached(Exception):
    """:meth:`_Engine.f` walked past the supported range (the caller words the error)."""

    def __init__(self, *, forward: bool) -> None:
        super().__init__(forward)
        self.forward = forward


def merge(intervals: Iterable[tuple[int, int]]) -> Intervals:
    """Sort and merge intervals; touching intervals become one; empty ones vanish.

    >>> merge([(5, 7), (0, 2), (2, 3), (4, 4)])
    [(0, 3), (5, 7)]
    """
    out: Intervals = []
    for s, e in sorted(intervals):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def union(a: Intervals, b: Intervals) -> Intervals:
    """Union of two interval lists.

    >>> union([(0, 2)], [(1, 4), (6, 7)])
    [(0, 4), (6, 7)]
    """
    return merge([*a, *b])


def intersect(a: Intervals, b: Intervals) -> Intervals:
    """Intersection of two merged interval lists.

    >>> intersect([(0, 5), (8, 10)], [(3, 9)])
    [(3, 5), (8, 9)]
    """
    out: Intervals = []
    i = j = 0
    while i < len(a) and j < len(b):
        s = max(a[i][0], b[j][0])
        e = min(a[i][1], b[j][1])
        if s < e:
            out.append((s, e))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def subtract(a: Intervals, b: Intervals) -> Intervals:
    """The part of merged list *a* outside merged list *b*.

    >>> subtract([(0, 10)], [(2, 3), (5, 6)])
    [(0, 2), (3, 5), (6, 10)]
    """
    out: Intervals = []
    j = 0
    for s, e in a:
        cur = s
        while j < len(b) and b[j][1] <= cur:
            j += 1
        k = j
        while k < len(b) and b[k][0] < e:
            if b[k][0] > cur:
                out.append((cur, b[k][0]))
            cur = max(cur, b[k][1])
            k += 1
        if cur < e:
            out.append((cur, e))
    return out


def clip(a: Intervals, lo: int, hi: int) -> Intervals:
    """Clip a merged list to ``[lo, hi)``.

    >>> clip([(0, 5), (7, 9)], 3, 8)
    [(3, 5), (7, 8)]
    """
    return [(max(s, lo), min(e, hi)) for s, e in a if e > lo and s < hi]


class _Pattern:
    """Weekly periodic open intervals, given within ``[0, WEEK)`` from :data:`W0`."""

    __slots__ = ("cum", "cumend", "ends", "starts", "total")

    def __init__(self, intervals: Intervals) -> None:
        self.starts = [s for s, _ in intervals]
        self.ends = [e for _, e in intervals]
        self.cum: list[int] = []
        self.cumend: list[int] = []
        total = 0
        for s, e in intervals:
            self.cum.append(total)
            total += e - s
            self.cumend.append(total)
        self.total = total

    @classmethod
    def of(cls, intervals: Iterable[tuple[int, int]]) -> _Pattern:
        """Build a pattern from intervals anywhere on the axis (folded into one week)."""
        folded: Intervals = []
        for s, e in intervals:
            if e - s >= WEEK:
                return cls([(0, WEEK)])
            s0 = (s - W0) % WEEK
            e0 = s0 + (e - s)
            if e0 <= WEEK:
                folded.append((s0, e0))
            else:
                folded.extend([(s0, WEEK), (0, e0 - WEEK)])
        return cls(merge(folded))

    def shifted(self, delta: int) -> _Pattern:
        """The same pattern moved later by *delta*."""
        return _Pattern.of((W0 + s + delta, W0 + e + delta) for s, e in self.intervals())

    def intervals(self) -> Intervals:
        return list(zip(self.starts, self.ends, strict=True))

    def measure(self, u: int) -> int:
        """Open time of the periodic pattern in ``[W0, u)`` (negative before W0)."""
        q, r = divmod(u - W0, WEEK)
        j = bisect_right(self.starts, r) - 1
        if j < 0:
            return q * self.total
        return q * self.total + self.cum[j] + min(r - self.starts[j], self.ends[j] - self.starts[j])

    def open_in(self, lo: int, hi: int) -> Intervals:
        """The pattern's intervals within ``[lo, hi)``, in order (not merged across weeks)."""
        out: Intervals = []
        if not self.starts or hi <= lo:
            return out
        q = (lo - W0) // WEEK
        base = W0 + q * WEEK
        while base < hi:
            for s, e in zip(self.starts, self.ends, strict=True):
                a = base + s
                if a >= hi:
                    break
                b = base + e
                if b > lo:
                    out.append((max(a, lo), min(b, hi)))
            base += WEEK
        return out


#: A pattern laid out for the hot paths: (total, starts, lengths, cum, cumend, last end),
#: each list led by an empty sentinel interval at -1 so that a search never lands before it.
_Pat = tuple[int, list[int], list[int], list[int], list[int], int]
#: A piece of the axis: F = c + the pattern's measure, as (c, *pattern).
_Fast = tuple[int, int, list[int], list[int], list[int], list[int], int]


def _fast(p: _Pattern) -> _Pat:
    return (
        p.total,
        [-1, *p.starts],
        [0, *(e - s for s, e in zip(p.starts, p.ends, strict=True))],
        [0, *p.cum],
        [0, *p.cumend],
        p.ends[-1] if p.ends else 0,
    )


class _Engine:
    """Open time on ``[lo, hi)``: weekly patterns per era plus explicit windows."""

    __slots__ = (
        "always",
        "era_b",
        "era_c",
        "era_p",
        "era_t",
        "f_hi",
        "hi",
        "hot",
        "last_total",
        "lo",
        "pf",
        "ptab",
        "pu",
        "pwin",
        "win_a",
        "win_b",
        "win_d",
        "win_fa",
        "win_fb",
        "win_px",
        "windows",
        "xc",
        "xce",
        "xe",
        "xs",
    )

    def __init__(self) -> None:
        self.lo = 0
        self.hi = 0
        self.always = False
        self.era_t: list[int] = []
        self.era_p: list[_Pattern] = []
        self.era_c: list[int] = []
        self.era_b: list[int] = []
        self.win_a: list[int] = []
        self.win_b: list[int] = []
        self.win_fa: list[int] = []
        self.win_fb: list[int] = []
        self.win_d: list[int] = []
        self.win_px: list[int] = []
        self.windows: list[tuple[int, int, Intervals]] = []
        self.xs: list[int] = []
        self.xe: list[int] = []
        self.xc: list[int] = []
        self.xce: list[int] = []
        self.f_hi = 0
        self.last_total = 0
        # Pieces: the axis cut at every era and window boundary. In piece p (from
        # pu[p], where F is pf[p]) F is either c + the weekly measure of one pattern
        # (ptab[p] is that pattern's fast tuple, see _fast) or given by window pwin[p].
        self.pu: list[int] = []
        self.pf: list[int] = []
        self.ptab: list[_Fast | None] = []
        self.pwin: list[int] = []
        #: What f(u, d) reads on every walk, bound once by build: (ptab, pf, f_hi).
        self.hot: tuple[list[_Fast | None], list[int], int] = ([], [], 0)

    @classmethod
    def build(
        cls,
        lo: int,
        hi: int,
        eras: Sequence[tuple[int, _Pattern]],
        windows: Sequence[tuple[int, int, Intervals]],
    ) -> _Engine:
        """Assemble an engine.

        Args:
            lo, hi: the supported range.
            eras: (start, pattern) sorted by start, the first starting at *lo*.
            windows: (a, b, explicit open intervals within [a, b)), sorted, disjoint.
        """
        eng = cls()
        eng.lo, eng.hi = lo, hi
        base_prev = 0
        for k, (t, pat) in enumerate(eras):
            if k == 0:
                c = -pat.measure(t)
                b = 0
            else:
                prev = eng.era_p[-1]
                b = eng.era_c[-1] + prev.measure(t)
                c = b - pat.measure(t)
            base_prev = b
            eng.era_t.append(t)
            eng.era_p.append(pat)
            eng.era_c.append(c)
            eng.era_b.append(base_prev)
        eng.last_total = eng.era_p[-1].total
        d = 0
        px = 0
        for a, b, explicit in windows:
            eng.windows.append((a, b, explicit))
            fa = eng.base(a) + d
            eng.win_a.append(a)
            eng.win_b.append(b)
            eng.win_fa.append(fa)
            eng.win_px.append(px)
            for s, e in explicit:
                eng.xs.append(s)
                eng.xe.append(e)
                eng.xc.append(px)
                px += e - s
                eng.xce.append(px)
            fb = fa + (px - eng.win_px[-1])
            eng.win_fb.append(fb)
            d = fb - eng.base(b)
            eng.win_d.append(d)
        fast: dict[int, _Pat] = {}
        era_t, win_a, win_b = eng.era_t, eng.win_a, eng.win_b
        for u in sorted({*era_t, *win_a, *win_b}):
            i = bisect_right(win_a, u) - 1
            eng.pu.append(u)
            eng.pwin.append(i)
            if i >= 0 and u < win_b[i]:
                eng.ptab.append(None)
                eng.pf.append(eng.f(u))
                continue
            # a pattern piece starts where a window ends or an era starts, where F is known
            k = bisect_right(era_t, u) - 1
            pat = eng.era_p[k]
            if id(pat) not in fast:
                fast[id(pat)] = _fast(pat)
            d = eng.win_d[i] if i >= 0 else 0
            eng.ptab.append((eng.era_c[k] + d, *fast[id(pat)]))
            eng.pf.append(eng.win_fb[i] if i >= 0 and u == win_b[i] else eng.era_b[k] + d)
        eng.pu.append(END)  # sentinels: searches never run off the end
        eng.pf.append(END)
        eng.f_hi = eng.f(hi)
        eng.hot = (eng.ptab, eng.pf, eng.f_hi)
        return eng

    def base(self, u: int) -> int:
        k = bisect_right(self.era_t, u) - 1
        return self.era_c[k] + self.era_p[k].measure(u)

    def f(self, u: int, d: int | None = None) -> int:
        """``F(u)``, the open time in ``[lo, u)``; with *d*, the instant *d* of it after *u*.

        ``f(u, d)`` is the earliest ``t`` with ``F(t) == F(u) + d``, walking
        back for ``d < 0``: then it is the latest ``t`` with ``F(t) == F(u) + d``
        after which time is open, so that ``f(f(u, d)) - f(u) == d`` either
        way; ``f(u, 0) == u``. Raises :class:`NeverReached` when the target
        lies beyond the open time of ``[lo, hi)``. One body for both, because
        ``BusinessCalendar.add`` cannot afford a second call.
        """
        p = bisect_right(self.pu, u) - 1
        e = self.ptab[p]
        if e is None:
            i = self.pwin[p]
            j = bisect_right(self.xs, u) - 1
            if j < 0:
                y = self.win_fa[i] - self.win_px[i]
            else:
                xs = self.xs[j]
                y = self.win_fa[i] + self.xc[j] + min(u - xs, self.xe[j] - xs) - self.win_px[i]
        else:
            c, total, starts, lens, cum, _, _ = e
            q, r = divmod(u - W0, WEEK)
            j = bisect_right(starts, r) - 1
            r -= starts[j]  # min() is a slow call here
            y = c + q * total + cum[j] + (r if r < lens[j] else lens[j])
        if d is None:
            return y
        ptab, pf, f_hi = self.hot
        y += d
        if d > 0:
            if y > f_hi:
                raise NeverReached(forward=True)
        elif d < 0:
            if y < 0:
                raise NeverReached(forward=False)
            y += 1
        else:  # tested last: F alone (d None) is the commonest call, then d > 0
            return u
        # the earliest t with f(t) == y, for 0 < y <= f_hi
        p = bisect_left(pf, y) - 1
        e = ptab[p]
        if e is None:
            i = self.pwin[p]
            target = self.win_px[i] + (y - self.win_fa[i])
            j = bisect_left(self.xce, target)
            t = self.xe[j] - (self.xce[j] - target)
        else:
            c, total, starts, _, cum, cumend, last_end = e
            q, r = divmod(y - c, total)
            if r == 0:
                t = W0 + (q - 1) * WEEK + last_end
            else:
                j = bisect_left(cumend, r)
                t = W0 + q * WEEK + starts[j] + (r - cum[j])
        return t if d > 0 else t - 1

    def open_in(self, lo: int, hi: int) -> Intervals:
        """The open intervals within ``[lo, hi)``, merged, in order."""
        out: Intervals = []
        pos = lo
        i = bisect_right(self.win_b, lo)
        while pos < hi:
            if i < len(self.win_a) and self.win_a[i] <= pos:
                end = min(self.win_b[i], hi)
                j = bisect_right(self.xe, pos)
                while j < len(self.xs) and self.xs[j] < end:
                    out.append((max(self.xs[j], pos), min(self.xe[j], end)))
                    j += 1
                i += 1
            else:
                end = min(self.win_a[i], hi) if i < len(self.win_a) else hi
                k = bisect_right(self.era_t, pos) - 1
                cur = pos
                while cur < end:
                    nxt = self.era_t[k + 1] if k + 1 < len(self.era_t) else end
                    stop = min(nxt, end)
                    out.extend(self.era_p[k].open_in(cur, stop))
                    cur = stop
                    k += 1
            pos = end
        return merge(out)
