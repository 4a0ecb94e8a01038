"""Calendars in policy documents: read a document's ``calendars`` table, and write one back.

A calendar document is a weekly schedule in a named zone:
``{"timezone": "Europe/London", "hours": {"mon-fri": "09:00-17:00"},
"holidays": [...], "closures": [[start, end], ...], "openings": [...],
"overnight": "split_at_midnight"}``. Reading collects every problem with its
path (``calendars.uk.hours.mon``) in the document's problem list; the policy
document loader (:mod:`._documents`) owns the rest of the document.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from .. import _documents as doc
from ..exceptions import CalendarError, ValidationError
from ._policies import MAX_CALENDARS

if TYPE_CHECKING:
    from ._calendar import BusinessCalendar

__all__ = ["dump_calendar", "read_calendars"]

#: Most holidays, closures or openings in one calendar, and ranges per day.
MAX_CALENDAR_ENTRIES = 1_000
MAX_RANGES_PER_DAY = 48
_CALENDAR_KEYS = ("timezone", "hours", "holidays", "closures", "openings", "overnight")

# ----------------------------------------------------------------- reading


def read_calendars(value: object, problems: doc.Problems) -> dict[str, BusinessCalendar]:
    result: dict[str, BusinessCalendar] = {}
    if not isinstance(value, Mapping):
        problems.add("calendars", f"must be an object mapping names to calendars {doc.got(value)}")
        return result
    if len(value) > MAX_CALENDARS:
        problems.add("calendars", f"must hold at most {MAX_CALENDARS} calendars (got {len(value)})")
        return result
    for key, spec in value.items():
        path = doc.join("calendars", key)
        name = doc.name(key, path, problems, limit=64)
        calendar = _calendar(spec, path, problems)
        if name is not None and calendar is not None:
            result[name] = calendar
    return result


def _calendar(value: object, path: str, problems: doc.Problems) -> BusinessCalendar | None:
    from ._calendar import BusinessCalendar, Overnight

    before = len(problems.items)
    spec = doc.fields(
        value,
        path,
        problems,
        allowed=_CALENDAR_KEYS,
        required=("timezone", "hours"),
        what="a calendar",
    )
    if spec is None:
        return None
    timezone = spec.get("timezone")
    if "timezone" in spec and not isinstance(timezone, str):
        problems.add(
            doc.join(path, "timezone"),
            f"must be an IANA zone name such as 'Europe/London' {doc.got(timezone)}",
        )
    hours = spec.get("hours")
    if "hours" in spec:
        _hours_shape(hours, doc.join(path, "hours"), problems)
    holidays: list[_dt.date] = []
    for index, item in enumerate(
        doc.array(
            spec.get("holidays", []),
            doc.join(path, "holidays"),
            problems,
            limit=MAX_CALENDAR_ENTRIES,
            what="dates",
        )
        or ()
    ):
        day = _date(item)
        if day is None:
            problems.add(
                doc.at(doc.join(path, "holidays"), index),
                f"must be a date 'YYYY-MM-DD' {doc.got(item)}",
            )
        else:
            holidays.append(day)
    ranges: dict[str, list[tuple[str, str]]] = {}
    for key in ("closures", "openings"):
        ranges[key] = []
        where = doc.join(path, key)
        for index, item in enumerate(
            doc.array(
                spec.get(key, []),
                where,
                problems,
                limit=MAX_CALENDAR_ENTRIES,
                what="[start, end] ranges",
            )
            or ()
        ):
            pair = _local_range(item)
            if pair is None:
                problems.add(
                    doc.at(where, index),
                    f"must be [start, end] local datetimes like ['2024-12-24T13:00', '2024-12-24T17:00'] {doc.got(item)}",
                )
            else:
                ranges[key].append(pair)
    overnight = Overnight.SPLIT_AT_MIDNIGHT
    if "overnight" in spec:
        overnight = (
            doc.choice(Overnight, spec["overnight"], doc.join(path, "overnight"), problems)
            or overnight
        )
    if len(problems.items) > before:
        return None
    try:
        calendar: BusinessCalendar = BusinessCalendar.weekly(
            cast(str, timezone),
            cast("Mapping[str, str | Sequence[str]]", hours),
            holidays=holidays,
            closures=ranges["closures"],
            openings=ranges["openings"],
            overnight=overnight,
        )
        return calendar
    except (ValidationError, CalendarError) as error:
        field = getattr(error, "field", None)
        message = getattr(error, "message", str(error))
        head = (field or "").split("[", 1)[0]
        where = doc.join(path, head) if head in _CALENDAR_KEYS else path
        problems.add(where, doc.strip_field(message, field))
        return None


def _hours_shape(value: object, path: str, problems: doc.Problems) -> None:
    if not isinstance(value, Mapping):
        problems.add(
            path, f"must map days to ranges, e.g. {{'mon-fri': '09:00-17:00'}} {doc.got(value)}"
        )
        return
    if len(value) > 7 * 2:
        problems.add(path, f"must name at most 14 day groups (got {len(value)})")
        return
    for key, ranges in value.items():
        where = doc.join(path, key)
        if not isinstance(key, str) or len(key) > 16:
            problems.add(path, f"day names must be like 'mon' or 'mon-fri' {doc.got(key)}")
            continue
        items = [ranges] if isinstance(ranges, str) else ranges
        if not isinstance(items, list | tuple) or len(items) > MAX_RANGES_PER_DAY:
            problems.add(
                where,
                f"must be a range like '09:00-17:00' or a list of at most {MAX_RANGES_PER_DAY} {doc.got(ranges)}",
            )
            continue
        for index, item in enumerate(items):
            if not isinstance(item, str) or len(item) > 16:
                problems.add(
                    doc.at(where, index) if not isinstance(ranges, str) else where,
                    f"must be a range like '09:00-17:00' {doc.got(item)}",
                )


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
    from ._calendar import BusinessCalendar, Overnight

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
