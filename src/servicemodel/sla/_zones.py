"""A zone's UTC-offset transitions over the supported range, computed once per zone.

>>> times, offsets = transitions(pendulum.timezone("Europe/London"))
>>> times[0] == LO and len(times) == len(offsets) > 500
True
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache

import pendulum

__all__ = ["HI", "LO", "transitions"]

_US = 1_000_000
#: Supported instants: [1900-01-01, 2200-01-01) UTC, in epoch microseconds.
LO = (
    int(
        (
            _dt.datetime(1900, 1, 1, tzinfo=_dt.UTC) - _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
        ).total_seconds()
    )
    * _US
)
HI = (
    int(
        (
            _dt.datetime(2200, 1, 1, tzinfo=_dt.UTC) - _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
        ).total_seconds()
    )
    * _US
)
_STEP = 86_400


def _offset_at(tz: _dt.tzinfo, second: int) -> int:
    off = _dt.datetime.fromtimestamp(second, tz).utcoffset()
    assert off is not None
    return (off.days * 86_400 + off.seconds) * _US + off.microseconds


def _key(tz: _dt.tzinfo) -> str:
    return getattr(tz, "key", None) or repr(tz)


_BY_KEY: dict[str, _dt.tzinfo] = {}


def transitions(tz: _dt.tzinfo) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Return (era starts, offsets) in microseconds; the first era starts at :data:`LO`.

    The zone is sampled once a day and each change is located to the second by
    bisection, so two changes less than a day apart that cancel out would be
    missed (no zone in the tz database has one in the supported range).
    """
    key = _key(tz)
    _BY_KEY.setdefault(key, tz)
    return _transitions(key)


@lru_cache(maxsize=64)
def _transitions(key: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    tz = _BY_KEY[key]
    if isinstance(tz, pendulum.FixedTimezone | _dt.timezone):
        return (LO,), (_offset_at(tz, 0),)
    lo, hi = LO // _US, HI // _US
    times = [LO]
    offsets = [_offset_at(tz, lo)]
    prev_t, prev_o = lo, offsets[0]
    t = lo + _STEP
    while t < hi + _STEP:
        o = _offset_at(tz, t)
        if o != prev_o:
            a, b = prev_t, t  # offset(a) == prev_o, offset(b) != prev_o
            while b - a > 1:
                m = (a + b) // 2
                if _offset_at(tz, m) == prev_o:
                    a = m
                else:
                    b = m
            times.append(b * _US)
            offsets.append(o if b == t else _offset_at(tz, b))
            prev_o = offsets[-1]
            if prev_o != o:  # a second change inside the same day
                prev_t = b
                t = b + 1
                continue
        prev_t, prev_o = t, o
        t += _STEP
    return tuple(times), tuple(offsets)
