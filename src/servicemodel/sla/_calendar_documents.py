"""Calendars in policy documents: read a document's ``calendars`` table, and write one back.

A calendar document is a weekly schedule in a named zone:
``{"timezone": "Europe/London", "hours": {"mon-fri": "09:00-17:00"},
"holidays": [...], "closures": [[start, end], ...], "openings": [...],
"overnight": "split_at_midnight"}``. :func:`read_calendar` is the policy
converter's structure hook for a calendar: it raises every refusal it finds,
each at its key (``hours.mon``), and the document's reader
(:mod:`._documents`) records them under the calendar's path
(``calendars.uk.hours.mon``).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from .. import _documents as doc
from .. import _structure as structuring
from .._validators import text_problem
from ..exceptions import CalendarError, ValidationError
from ._policies import MAX_CALENDARS

if TYPE_CHECKING:
    from ._calendar import BusinessCalendar

__all__ = ["dump_calendar", "read_calendar", "read_calendars"]

#: Most holidays, closures or openings in one calendar, and ranges per day.
MAX_CALENDAR_ENTRIES = 1_000
MAX_RANGES_PER_DAY = 48
_CALENDAR_KEYS = ("timezone", "hours", "holidays", "closures", "openings", "overnight")
_T = TypeVar("_T")

_RANGE_HINT = "must be [start, end] local datetimes like ['2024-12-24T13:00', '2024-12-24T17:00']"

# ----------------------------------------------------------------- reading


def read_calendars(value: object, refusals: structuring.Refusals) -> dict[str, BusinessCalendar]:
    """The calendars of a document's ``calendars`` table that can be read.

    The refusals of the others go to *refusals* under ``calendars``.
    """
    if not isinstance(value, Mapping):
        refusals.add("calendars", f"must be an object mapping names to calendars {doc.got(value)}")
        return {}
    if len(value) > MAX_CALENDARS:
        refusals.add("calendars", f"must hold at most {MAX_CALENDARS} calendars (got {len(value)})")
        return {}
    result: dict[str, BusinessCalendar] = {}
    for key, spec in value.items():
        before = len(refusals)
        problem = text_problem(key, 64)
        if problem is not None:
            refusals.add(("calendars", key), problem)
        calendar = refusals.read(("calendars", key), read_calendar, spec)
        if len(refusals) == before and calendar is not None:
            result[key] = calendar
    return result


def read_calendar(value: object, _type: object = None) -> BusinessCalendar:
    """A weekly calendar from its document; every refusal raised at once, each at its key."""
    from ._calendar import BusinessCalendar
    from ._calendar_options import Overnight

    refusals = structuring.Refusals()
    spec = structuring.table(
        value,
        refusals,
        allowed=_CALENDAR_KEYS,
        required=("timezone", "hours"),
        what="a calendar",
    )
    timezone = spec.get("timezone")
    if "timezone" in spec and not isinstance(timezone, str):
        refusals.add(
            "timezone", f"must be an IANA zone name such as 'Europe/London' {doc.got(timezone)}"
        )
    if "hours" in spec:
        refusals.read("hours", _hours_shape, spec["hours"])
    holidays = refusals.read("holidays", _holidays, spec.get("holidays", [])) or []
    closures = refusals.read("closures", _ranges, spec.get("closures", [])) or []
    openings = refusals.read("openings", _ranges, spec.get("openings", [])) or []
    overnight = Overnight.SPLIT_AT_MIDNIGHT
    if "overnight" in spec:
        chosen = refusals.read(
            "overnight", lambda v: structuring.member(Overnight, v), spec["overnight"]
        )
        overnight = chosen or overnight
    refusals.check()
    try:
        calendar: BusinessCalendar = BusinessCalendar.weekly(
            cast(str, timezone),
            cast("Mapping[str, str | Sequence[str]]", spec["hours"]),
            holidays=holidays,
            closures=closures,
            openings=openings,
            overnight=overnight,
        )
    except (ValidationError, CalendarError) as error:
        field = getattr(error, "field", None)
        message = getattr(error, "message", str(error))
        head = (field or "").split("[", 1)[0]
        refusals.add(head if head in _CALENDAR_KEYS else None, doc.strip_field(message, field))
        refusals.check()
        raise  # pragma: no cover - check() raised
    return calendar


def _hours_shape(value: object) -> None:
    if not isinstance(value, Mapping):
        raise ValidationError(
            f"must map days to ranges, e.g. {{'mon-fri': '09:00-17:00'}} {doc.got(value)}"
        )
    if len(value) > 7 * 2:
        raise ValidationError(f"must name at most 14 day groups (got {len(value)})")
    refusals = structuring.Refusals()
    for key, ranges in value.items():
        if not isinstance(key, str) or len(key) > 16:
            refusals.add(None, f"day names must be like 'mon' or 'mon-fri' {doc.got(key)}")
            continue
        items = [ranges] if isinstance(ranges, str) else ranges
        if not isinstance(items, list | tuple) or len(items) > MAX_RANGES_PER_DAY:
            refusals.add(
                key,
                f"must be a range like '09:00-17:00' or a list of at most {MAX_RANGES_PER_DAY} "
                f"{doc.got(ranges)}",
            )
            continue
        for index, item in enumerate(items):
            if not isinstance(item, str) or len(item) > 16:
                refusals.add(
                    key if isinstance(ranges, str) else (key, index),
                    f"must be a range like '09:00-17:00' {doc.got(item)}",
                )
    refusals.check()


def _holidays(value: object) -> list[_dt.date]:
    return _each(value, _date, "dates", "must be a date 'YYYY-MM-DD'")


def _ranges(value: object) -> list[tuple[str, str]]:
    return _each(value, _local_range, "[start, end] ranges", _RANGE_HINT)


def _each(value: object, read: Callable[[object], _T | None], what: str, rule: str) -> list[_T]:
    """Read every item of a calendar list with *read*; refuse each unreadable one at its index."""
    refusals = structuring.Refusals()
    items: list[_T] = []
    for index, item in enumerate(
        structuring.sequence(value, limit=MAX_CALENDAR_ENTRIES, what=what)
    ):
        read_item = read(item)
        if read_item is None:
            refusals.add(index, f"{rule} {doc.got(item)}")
        else:
            items.append(read_item)
    refusals.check()
    return items


def _date(value: object) -> _dt.date | None:
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        return None


def _local_range(value: object) -> tuple[str, str] | None:
    if not isinstance(value, list | tuple) or len(value) != 2:
        return None
    start, end = value
    for text in (start, end):
        if not isinstance(text, str) or len(text) > 32:
            return None
        try:
            parsed = _dt.datetime.fromisoformat(text)
        except ValueError:
            return None
        if parsed.tzinfo is not None:
            return None
    return start, end


# ----------------------------------------------------------------- writing


_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _clock_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _local_text(value: _dt.datetime) -> str:
    return value.isoformat(
        timespec="minutes" if not (value.second or value.microsecond) else "auto"
    )


def dump_calendar(calendar: object, name: str) -> dict[str, Any]:
    from ._calendar import BusinessCalendar
    from ._calendar_options import Overnight

    zone_name = getattr(getattr(calendar, "timezone", None), "name", None)
    if (
        not isinstance(calendar, BusinessCalendar)
        or calendar.parts
        or not isinstance(zone_name, str)
        or ("/" not in zone_name and zone_name != "UTC")
    ):
        raise ValidationError(
            f"'calendars' must hold weekly BusinessCalendar values in a named zone to be "
            f"written to a document (got {type(calendar).__name__} {name!r})",
            field="calendars",
            value=calendar,
        )
    hours: dict[str, list[str]] = {}
    for day, start, end in calendar.hours:
        text = f"{_clock_text(start)}-{_clock_text(end if end <= 1440 else end - 1440)}"
        hours.setdefault(_DAY_NAMES[day], []).append(text)
    document: dict[str, Any] = {
        "timezone": zone_name,
        "hours": {day: ranges[0] if len(ranges) == 1 else ranges for day, ranges in hours.items()},
    }
    if calendar.holidays:
        document["holidays"] = sorted(day.isoformat() for day in calendar.holidays)
    for key, ranges in (("closures", calendar.closures), ("openings", calendar.openings)):
        if ranges:
            document[key] = [[_local_text(a), _local_text(b)] for a, b in ranges]
    if calendar.overnight is not Overnight.SPLIT_AT_MIDNIGHT:
        document["overnight"] = calendar.overnight.value
    return document
