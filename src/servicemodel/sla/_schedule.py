"""A calendar's weekly schedule and dated ranges, read from what a user writes.

``{"mon-fri": "09:00-17:00"}`` becomes (day, start minute, end minute)
triples; closures and openings become local datetime ranges in the
calendar's zone; holidays become dates. Each reader raises a
:class:`~servicemodel.exceptions.ValidationError` naming the field.

>>> parse_hours({"mon-fri": "09:00-17:00", "sat": "10:00-12:00"})[-1]
(5, 600, 720)
"""

from __future__ import annotations

import contextlib
import datetime as _dt
from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs

from .._validators import is_collection, is_integer
from ..exceptions import ValidationError

__all__ = [
    "check_holidays",
    "check_hours",
    "check_ranges",
    "dates",
    "parse_hours",
    "ranges",
]

DAY_NAMES: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MAX_ITEMS: Final = 100_000


def _parse_clock(text: str, *, field: str, whole: str, is_end: bool) -> int:
    hh, sep, mm = text.partition(":")
    if (
        sep != ":"
        or len(hh) != 2
        or len(mm) != 2
        or not (hh.isascii() and hh.isdigit() and mm.isascii() and mm.isdigit())
    ):
        raise ValidationError(
            f"'{field}' must be ranges like '09:00-17:00' (got {whole!r})", field=field, value=whole
        )
    h, m = int(hh), int(mm)
    if (h == 24 and m == 0 and is_end) or (h < 24 and m < 60):
        return h * 60 + m
    raise ValidationError(
        f"'{field}' must use times from 00:00 to 23:59 (24:00 only as an end) (got {whole!r})",
        field=field,
        value=whole,
    )


def _parse_range(text: object, *, field: str) -> tuple[int, int]:
    if not isinstance(text, str) or len(text) > 32:
        raise ValidationError(
            f"'{field}' must be ranges like '09:00-17:00' (got {text!r})", field=field, value=text
        )
    left, sep, right = text.strip().partition("-")
    if not sep:
        raise ValidationError(
            f"'{field}' must be ranges like '09:00-17:00' (got {text!r})", field=field, value=text
        )
    start = _parse_clock(left.strip(), field=field, whole=text, is_end=False)
    end = _parse_clock(right.strip(), field=field, whole=text, is_end=True)
    if end <= start:
        end += 1440  # runs past midnight
    return start, end


def _parse_days(key: object) -> list[int]:
    text = key.strip().lower() if isinstance(key, str) else None
    if text is None or len(text) > 16:
        raise ValidationError(
            f"'hours' keys must be days like 'mon' or ranges like 'mon-fri' (got {key!r})",
            field="hours",
            value=key,
        )
    first, sep, last = text.partition("-")
    if first.strip() not in DAY_NAMES or (sep and last.strip() not in DAY_NAMES):
        raise ValidationError(
            f"'hours' keys must be days like 'mon' or ranges like 'mon-fri' (got {key!r})",
            field="hours",
            value=key,
        )
    a = DAY_NAMES.index(first.strip())
    if not sep:
        return [a]
    b = DAY_NAMES.index(last.strip())
    return [(a + i) % 7 for i in range((b - a) % 7 + 1)]


def parse_hours(hours: object) -> tuple[tuple[int, int, int], ...]:
    if not isinstance(hours, Mapping):
        raise ValidationError(
            f"'hours' must map days to ranges, e.g. {{'mon-fri': '09:00-17:00'}} (got {hours!r})",
            field="hours",
            value=hours,
        )
    seen: dict[int, object] = {}
    out: list[tuple[int, int, int]] = []
    for key, value in hours.items():
        ranges = [value] if isinstance(value, str) else value
        if not isinstance(ranges, Sequence) or len(ranges) > 48:
            raise ValidationError(
                f"'hours[{key!r}]' must be a range like '09:00-17:00' or a list of them "
                f"(got {value!r})",
                field=f"hours[{key!r}]",
                value=value,
            )
        parsed = [_parse_range(r, field=f"hours[{key!r}]") for r in ranges]
        for day in _parse_days(key):
            if day in seen:
                raise ValidationError(
                    f"'hours' must name each day once (got {DAY_NAMES[day]!r} in {seen[day]!r} "
                    f"and {key!r})",
                    field="hours",
                    value=key,
                )
            seen[day] = key
            out.extend((day, s, e) for s, e in parsed)
    return tuple(sorted(out))


def _local(value: object, tz: _dt.tzinfo, *, field: str) -> _dt.datetime:
    """A naive local wall-clock datetime from a naive datetime, an aware one or ISO text."""
    if isinstance(value, str) and len(value) <= 40:
        with contextlib.suppress(ValueError):
            value = _dt.datetime.fromisoformat(value)
    if not isinstance(value, _dt.datetime):
        raise ValidationError(
            f"'{field}' must be a local datetime such as datetime(2024, 12, 24, 13, 0) "
            f"(got {value!r})",
            field=field,
            value=value,
        )
    if value.tzinfo is not None and value.utcoffset() is not None:
        value = value.astimezone(tz)
    return _dt.datetime(
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
    )


def ranges(
    value: object, tz: _dt.tzinfo, *, field: str
) -> tuple[tuple[_dt.datetime, _dt.datetime], ...]:
    if not is_collection(value):
        raise ValidationError(
            f"'{field}' must be a list of (start, end) local datetimes (got {value!r})",
            field=field,
            value=value,
        )
    out: list[tuple[_dt.datetime, _dt.datetime]] = []
    for n, item in enumerate(value):
        if n >= _MAX_ITEMS:
            raise ValidationError(
                f"'{field}' must have at most {_MAX_ITEMS} ranges", field=field, value=None
            )
        if isinstance(item, str | bytes) or not isinstance(item, Sequence) or len(item) != 2:
            raise ValidationError(
                f"'{field}[{n}]' must be a (start, end) pair (got {item!r})",
                field=f"{field}[{n}]",
                value=item,
            )
        start = _local(item[0], tz, field=f"{field}[{n}]")
        end = _local(item[1], tz, field=f"{field}[{n}]")
        if end <= start:
            raise ValidationError(
                f"'{field}[{n}]' must end after it starts (got {start.isoformat()} to "
                f"{end.isoformat()})",
                field=f"{field}[{n}]",
                value=item,
            )
        out.append((start, end))
    return tuple(sorted(out))


def dates(value: object) -> frozenset[_dt.date]:
    if not is_collection(value):
        raise ValidationError(
            f"'holidays' must be dates or a mapping of dates to names (got {value!r})",
            field="holidays",
            value=value,
        )
    out: set[_dt.date] = set()
    for n, item in enumerate(value):
        if n >= _MAX_ITEMS:
            raise ValidationError(
                f"'holidays' must have at most {_MAX_ITEMS} dates", field="holidays", value=None
            )
        if isinstance(item, _dt.datetime) or not isinstance(item, _dt.date):
            raise ValidationError(
                f"'holidays' must contain local dates such as date(2024, 12, 25) (got {item!r})",
                field="holidays",
                value=item,
            )
        out.add(_dt.date(item.year, item.month, item.day))
    return frozenset(out)


# --- attrs validators for direct construction -------------------------------------------


def check_hours(_inst: Any, _attr: attrs.Attribute[Any], value: Any) -> None:
    for item in value:
        ok = (
            isinstance(item, tuple)
            and len(item) == 3
            and all(is_integer(x) for x in item)
            and 0 <= item[0] <= 6
            and 0 <= item[1] < 1440
            and item[1] < item[2] <= item[1] + 1440
        )
        if not ok:
            raise ValidationError(
                "'hours' must hold (day 0-6, start minute 0-1439, end minute after start and "
                f"at most a day later) triples; build calendars with BusinessCalendar.weekly "
                f"(got {item!r})",
                field="hours",
                value=item,
            )


def check_ranges(_inst: Any, attr: attrs.Attribute[Any], value: Any) -> None:
    for item in value:
        ok = (
            isinstance(item, tuple)
            and len(item) == 2
            and all(isinstance(x, _dt.datetime) and x.tzinfo is None for x in item)
            and item[0] < item[1]
        )
        if not ok:
            raise ValidationError(
                f"'{attr.name}' must hold (start, end) naive local datetimes with start < end; "
                f"build calendars with BusinessCalendar.weekly (got {item!r})",
                field=attr.name,
                value=item,
            )


def check_holidays(_inst: Any, _attr: attrs.Attribute[Any], value: Any) -> None:
    for item in value:
        if isinstance(item, _dt.datetime) or not isinstance(item, _dt.date):
            raise ValidationError(
                f"'holidays' must contain dates (got {item!r})", field="holidays", value=item
            )
