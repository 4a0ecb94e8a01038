"""Freshdesk SLA policies and business hours as a PolicySet and calendars.

Business hours (a zone by its Rails name, and per weekday a start and end
such as ``"08:00:00 am"``) become a :class:`~servicemodel.sla.BusinessCalendar`
named by their id. A policy (``applicable_to`` conditions, ``sla_target``
per priority in seconds, business or calendar hours) becomes a
:class:`~servicemodel.sla.SlaPolicy`: the first that matches applies, by
``position``, the default policy last. Business-hours targets count on the
ticket's schedule: the business hours of its group, or the default ones.
A problem is a :class:`~servicemodel.exceptions.Problem` with its path:
raised together in a :class:`~servicemodel.exceptions.PolicyDocumentError`,
or collected into a list passed as ``on_problem=`` (the policy or calendar
is then left out).
"""

from __future__ import annotations

import datetime as _dt
import enum
import re
from collections.abc import Mapping
from typing import Any, Final

import pendulum

from ..._validators import integer_rule, is_integer, shown
from ...exceptions import PolicyDocumentError, Problem, ValidationError
from ...interactions import Status
from ...sla import SCHEDULE, BusinessCalendar, Condition, FieldTest, PolicySet, SlaPolicy, Target
from .._rails_zones import iana_zone
from .._vendor import check_folder, check_instance, check_on_problem
from ._files import find_files
from ._vocab import PRIORITY_KEYS

__all__ = ["BusinessDay", "TicketHours", "read_policies"]

_DAYS: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_CLOCK: Final = re.compile(r"(\d{1,2}):(\d\d)(?::(\d\d))? ?([ap]m)", re.IGNORECASE)
_DAY_SECONDS: Final = 86_400
#: sla_target key -> metric.
_METRICS: Final = {
    "respond_within": "first_reply",
    "next_respond_within": "next_reply",
    "resolve_within": "resolution",
}
#: The statuses whose SLA timer is off: every Freshdesk target pauses in them.
TIMER_OFF: Final = frozenset({Status.PENDING, Status.ON_HOLD})
#: applicable_to key -> the field a servicemodel condition tests.
_APPLICABLE: Final = {
    "group_ids": "group",
    "company_ids": "attributes.company_id",
    "sources": "attributes.source",
    "ticket_types": "attributes.type",
    "product_ids": "attributes.product_id",
}


class BusinessDay(enum.Enum):
    """What a business-hours target of whole days means.

    Freshdesk shows targets in days and stores them in seconds (a day is
    86,400). ``hours_24`` (the default): a day is 24 business hours, as
    Freshdesk counts since its 2026 change, so "1 day" on a 09:00-17:00
    schedule takes three working days. ``working_day``: a day is one
    working day of the business hours (8 hours on 09:00-17:00), as Freshdesk
    counted before; every business-hours calendar must then have working
    days of one length.

    >>> BusinessDay("working_day")
    <BusinessDay.WORKING_DAY: 'working_day'>
    """

    HOURS_24 = "hours_24"
    WORKING_DAY = "working_day"


class TicketHours(enum.Enum):
    """Which business hours a ticket's business-hours targets count on.

    ``group`` (the default, Freshdesk's rule): the business hours of the
    ticket's group, the default ones for a ticket without a group or whose
    group has none (the targets name the ticket's schedule, which the
    importer sets from the group). ``default``: the default business hours
    for every ticket, whatever its group.

    >>> TicketHours("default")
    <TicketHours.DEFAULT: 'default'>
    """

    GROUP = "group"
    DEFAULT = "default"


def _minute(text: object, path: str, problems: list[Problem], *, end: bool) -> int | None:
    match = _CLOCK.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        problems.append(Problem(path, f"must be a time such as '08:00:00 am' (got {text!r})"))
        return None
    hour, minute, second, half = match.groups()
    hours, minutes, seconds = int(hour), int(minute), int(second or 0)
    if not 1 <= hours <= 12 or minutes > 59 or seconds > 59:
        problems.append(Problem(path, f"must be a time such as '08:00:00 am' (got {text!r})"))
        return None
    if end and (hours, minutes, seconds, half.lower()) == (11, 59, 59, "pm"):
        return 1_440  # Freshdesk's end of the day
    if seconds:
        problems.append(Problem(path, f"must be a whole minute (got {text!r})"))
        return None
    return (hours % 12 + (12 if half.lower() == "pm" else 0)) * 60 + minutes


def _calendar(
    item: Mapping[str, Any], path: str, problems: list[Problem]
) -> BusinessCalendar | None:
    start = len(problems)
    try:
        tz = iana_zone(item.get("time_zone"), vendor="Freshdesk")
    except ValidationError as error:
        problems.append(Problem(f"{path}.time_zone", error.message))
        tz = None
    week = item.get("business_hours")
    if not isinstance(week, Mapping) or not week:
        problems.append(
            Problem(
                f"{path}.business_hours", f"must give the hours of each working day (got {week!r})"
            )
        )
        week = {}
    hours: list[tuple[int, int, int]] = []
    for name, day in week.items():
        where = f"{path}.business_hours.{name}"
        if name not in _DAYS or not isinstance(day, Mapping):
            problems.append(
                Problem(where, f"must be a weekday with start_time and end_time (got {day!r})")
            )
            continue
        first = _minute(day.get("start_time"), f"{where}.start_time", problems, end=False)
        last = _minute(day.get("end_time"), f"{where}.end_time", problems, end=True)
        if first is not None and last is not None:
            hours.append((_DAYS.index(name), first, last))
    holidays: set[_dt.date] = set()
    for index, holiday in enumerate(item.get("holidays") or ()):
        date = holiday.get("date") if isinstance(holiday, Mapping) else None
        try:
            holidays.add(_dt.date.fromisoformat(date))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            problems.append(
                Problem(
                    f"{path}.holidays[{index}].date",
                    f"must be an ISO date such as '2026-12-25' (got {date!r})",
                )
            )
    if tz is None or len(problems) > start:
        return None
    try:
        return BusinessCalendar(timezone=tz, hours=hours, holidays=frozenset(holidays))
    except ValidationError as error:
        problems.append(Problem(path, error.message))
        return None


def _day_length(calendars: Mapping[str, BusinessCalendar], problems: list[Problem]) -> int | None:
    """The one length (seconds) of a working day across the calendars, for ``working_day``."""
    lengths: set[int] = set()
    for name, calendar in calendars.items():
        per_day: dict[int, int] = {}
        for day, first, last in calendar.hours:
            per_day[day] = per_day.get(day, 0) + (last - first) * 60
        lengths.update(per_day.values())
        if len(lengths) > 1:
            problems.append(
                Problem(
                    f"business_hours[{name}]",
                    "must have working days of one length to count targets in working days "
                    f"(got {sorted(lengths)} seconds); use business_day=BusinessDay.HOURS_24",
                )
            )
            return None
    return lengths.pop() if lengths else None


def _condition(
    applicable: object, path: str, problems: list[Problem], prefix: str
) -> Condition | None:
    if applicable is None:
        return Condition.all_of()
    if not isinstance(applicable, Mapping):
        problems.append(Problem(path, f"must be an object of conditions (got {applicable!r})"))
        return None
    tests: list[FieldTest] = []
    for key, values in applicable.items():
        field = _APPLICABLE.get(key)
        if field is None:
            problems.append(
                Problem(
                    f"{path}.{key}",
                    f"cannot be expressed by a servicemodel policy: the conditions read are "
                    f"{', '.join(_APPLICABLE)}",
                )
            )
            continue
        if not isinstance(values, list) or not values:
            if values in (None, []):
                continue
            problems.append(Problem(f"{path}.{key}", f"must be a list of values (got {values!r})"))
            continue
        texts = [str(v) for v in values]
        if key in ("group_ids", "company_ids", "product_ids"):
            texts = [prefix + text for text in texts] if key == "group_ids" else texts
        try:
            tests.append(FieldTest(field=field, operator="in", values=texts))
        except ValidationError as error:
            problems.append(Problem(f"{path}.{key}", error.message))
    return Condition.all_of(*tests)


def _targets(
    sla_target: object,
    path: str,
    problems: list[Problem],
    *,
    day_seconds: int | None,
    business_day: BusinessDay,
    calendar: str | None,
) -> dict[str, list[Target]] | None:
    if not isinstance(sla_target, Mapping) or not sla_target:
        problems.append(Problem(path, f"must give targets per priority (got {sla_target!r})"))
        return None
    start = len(problems)
    targets: dict[str, list[Target]] = {}
    for key, entry in sla_target.items():
        where = f"{path}.{key}"
        priority = PRIORITY_KEYS.get(key)
        if priority is None or not isinstance(entry, Mapping):
            problems.append(
                Problem(where, f"must be one of {', '.join(PRIORITY_KEYS)} with its targets")
            )
            continue
        business = entry.get("business_hours")
        if not isinstance(business, bool):
            problems.append(
                Problem(f"{where}.business_hours", f"must be true or false (got {business!r})")
            )
            continue
        for name, metric in _METRICS.items():
            seconds = entry.get(name)
            if seconds is None and name == "next_respond_within":
                continue
            if not is_integer(seconds, low=1):
                problems.append(
                    Problem(
                        f"{where}.{name}", f"must be {integer_rule(low=1)} (got {shown(seconds)})"
                    )
                )
                continue
            if business and business_day is BusinessDay.WORKING_DAY and seconds % _DAY_SECONDS == 0:
                if day_seconds is None:
                    problems.append(
                        Problem(
                            f"{where}.{name}",
                            "counts working days but no business hours say how long one is",
                        )
                    )
                    continue
                seconds = seconds // _DAY_SECONDS * day_seconds
            try:
                targets.setdefault(priority, []).append(
                    Target(
                        metric=metric,
                        within=pendulum.duration(seconds=seconds),
                        calendar=calendar if business else None,
                        paused_by=TIMER_OFF,
                    )
                )
            except ValidationError as error:
                problems.append(Problem(f"{where}.{name}", error.message))
    return None if len(problems) > start else targets


def read_policies(
    folder: object,
    *,
    instance: str | None = None,
    business_day: BusinessDay = BusinessDay.HOURS_24,
    hours: TicketHours = TicketHours.GROUP,
    on_problem: list[Problem] | None = None,
) -> tuple[PolicySet, dict[str, BusinessCalendar]]:
    """Read ``sla_policies.json`` and ``business_hours.json`` of a Freshdesk export folder.

    Args:
        folder: the export folder.
        instance: prefixes policy names, calendar names and the group ids
            conditions test with ``<instance>:``, as :func:`read_export` does ids.
        business_day: what a business-hours target of whole days means (see
            :class:`BusinessDay`).
        hours: which business hours a ticket counts on (see :class:`TicketHours`).
        on_problem: ``None`` raises every problem at once; a list collects
            them (a policy or calendar with a problem is left out).

    Returns:
        The policy set (by position, the default policy last; business-hours
        targets on the ticket's schedule, or on the default business hours
        with ``hours=TicketHours.DEFAULT``) and the calendars by business-hours id.

    Raises:
        PolicyDocumentError: a condition, target or business hours that
            servicemodel cannot express, each with its path.
        ValidationError: *folder* is not a folder, or an argument is wrong.

    >>> import json, pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "business_hours.json").write_text(json.dumps([{
    ...     "id": 1, "is_default": True, "time_zone": "Eastern Time (US & Canada)",
    ...     "business_hours": {"monday": {"start_time": "09:00:00 am", "end_time": "05:00:00 pm"}}}]))
    >>> _ = (folder / "sla_policies.json").write_text(json.dumps([{
    ...     "id": 2, "name": "Default", "is_default": True, "active": True, "position": 1,
    ...     "sla_target": {"priority_1": {"respond_within": 86400, "resolve_within": 172800,
    ...                                   "business_hours": True}}}]))
    >>> policies, calendars = read_policies(folder)
    >>> [t.within.in_hours() for t in policies.policies[0].targets[0][1]]
    [24, 48]
    >>> policies, _ = read_policies(folder, business_day=BusinessDay.WORKING_DAY)
    >>> [t.within.in_hours() for t in policies.policies[0].targets[0][1]]
    [8, 16]
    """
    path = check_folder(folder, holding="the saved API responses")
    if not isinstance(business_day, BusinessDay):
        raise ValidationError(
            f"'business_day' must be a BusinessDay such as BusinessDay.HOURS_24 (got {business_day!r})",
            field="business_day",
            value=business_day,
        )
    if not isinstance(hours, TicketHours):
        raise ValidationError(
            f"'hours' must be a TicketHours such as TicketHours.GROUP (got {hours!r})",
            field="hours",
            value=hours,
        )
    check_on_problem(on_problem)
    check_instance(instance)
    prefix = "" if instance is None else f"{instance}:"
    problems: list[Problem] = []
    calendars: dict[str, BusinessCalendar] = {}
    default: str | None = None
    for file in find_files(path, "business_hours"):
        for line, item in file.records():
            where = f"{file.file} line {line}"
            calendar = _calendar(item, where, problems)
            if calendar is not None:
                name = prefix + str(item.get("id"))
                calendars[name] = calendar
                if item.get("is_default") is True:
                    default = name
    day_seconds = (
        _day_length(calendars, problems) if business_day is BusinessDay.WORKING_DAY else None
    )
    policies: list[tuple[tuple[int, int], SlaPolicy]] = []
    for file in find_files(path, "sla_policies"):
        for line, item in file.records():
            where = f"{file.file} line {line}"
            if item.get("active") is False:
                continue  # an inactive policy applies to nothing
            start = len(problems)
            title = item.get("name")
            if not isinstance(title, str) or not title.strip():
                problems.append(
                    Problem(f"{where}.name", f"must be a non-empty string (got {title!r})")
                )
            condition = _condition(
                item.get("applicable_to"), f"{where}.applicable_to", problems, prefix
            )
            targets = _targets(
                item.get("sla_target"),
                f"{where}.sla_target",
                problems,
                day_seconds=day_seconds,
                business_day=business_day,
                calendar=SCHEDULE if hours is TicketHours.GROUP else default,
            )
            business = any(t.calendar for each in (targets or {}).values() for t in each)
            if business and default is None:
                problems.append(
                    Problem(
                        f"{where}.sla_target",
                        "counts business hours but the export has no default business hours",
                    )
                )
            if len(problems) > start or condition is None or targets is None:
                continue
            position = item.get("position")
            rank = (
                1 if item.get("is_default") is True else 0,
                position if isinstance(position, int) else 0,
            )
            try:
                policies.append(
                    (
                        rank,
                        SlaPolicy(
                            name=prefix + str(title),
                            condition=condition,
                            targets=targets,
                            description=item.get("description") or None,
                        ),
                    )
                )
            except ValidationError as error:
                problems.append(Problem(where, error.message))
    if problems:
        if on_problem is None:
            raise PolicyDocumentError(problems)
        on_problem.extend(problems)
    ordered = [policy for _rank, policy in sorted(policies, key=lambda p: p[0])]
    schedule = default if hours is TicketHours.GROUP else None
    return PolicySet(policies=ordered, calendars=calendars, schedule=schedule), calendars
