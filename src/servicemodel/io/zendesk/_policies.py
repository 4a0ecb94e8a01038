"""Zendesk SLA policies and business-hours schedules as a PolicySet and calendars.

A schedule (weekly intervals in minutes from Sunday 00:00 in its own zone,
plus holidays) becomes a :class:`~servicemodel.sla.BusinessCalendar` named by
the schedule's id. A policy (``filter`` with ``all`` / ``any`` conditions,
``policy_metrics`` per priority, business or calendar hours) becomes a
:class:`~servicemodel.sla.SlaPolicy`; business-hours targets count on the
ticket's schedule (:data:`~servicemodel.sla.SCHEDULE`), which is the default
schedule (the earliest created, Zendesk's default) until the ticket is moved
to another. A condition
servicemodel cannot express is a :class:`~servicemodel.exceptions.Problem`
with its path: raised together in a
:class:`~servicemodel.exceptions.PolicyDocumentError`, or collected into a
list passed as ``on_problem=`` (the policy is then left out, never applied
with part of its condition).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from typing import Any, Final

import pendulum

from ...exceptions import PolicyDocumentError, Problem, ValidationError
from ...sla import SCHEDULE, BusinessCalendar, Condition, FieldTest, PolicySet, SlaPolicy, Target
from .._rails_zones import iana_zone
from .._vendor import instant
from ._targets import target_seconds
from ._vocab import PRIORITIES, SLA_METRICS

__all__ = ["Schedule", "applied_policy", "build_policy", "calendar_of", "policy_set"]

_WEEK: Final = 10_080
_DAY: Final = 1_440
_PRIORITIES: Final = ("low", "normal", "high", "urgent")
#: via_id values whose channel name stands for them alone (others are refused by name).
_VIA_IDS: Final = {
    "0": "web",
    "4": "email",
    "5": "api",
    "29": "chat",
    "30": "twitter",
    "50": "help_center",
    "57": "sms",
}
#: Ticket fields kept as attributes by the importer: a condition on one tests the attribute.
_ATTRIBUTE_FIELDS: Final = {
    "type": "type",
    "brand_id": "brand_id",
    "organization_id": "organization_id",
    "ticket_form_id": "ticket_form_id",
    "sla_policy_id": "sla_policy_id",
}


class Schedule:
    """A schedule as read: id, zone name, intervals (minutes of the week) and holidays."""

    __slots__ = ("created_at", "holidays", "id", "intervals", "path", "time_zone")

    def __init__(self, schedule_id: str, time_zone: str, created_at: str, path: str) -> None:
        self.id = schedule_id
        self.time_zone = time_zone
        self.created_at = created_at
        self.path = path
        self.intervals: list[tuple[int, int, str]] = []
        self.holidays: list[tuple[str, str, str]] = []


def _date(text: str) -> _dt.date:
    return _dt.date.fromisoformat(text[:10])


def calendar_of(schedule: Schedule, problems: list[Problem]) -> BusinessCalendar | None:
    """The calendar of a schedule, or ``None`` with the problems noted."""
    start_count = len(problems)
    try:
        tz = iana_zone(schedule.time_zone)
    except ValidationError as error:
        problems.append(Problem(f"{schedule.path}.time_zone", error.message))
        tz = None
    hours: list[tuple[int, int, int]] = []
    for start, end, path in schedule.intervals:
        if not 0 <= start < end <= _WEEK:
            problems.append(
                Problem(
                    path,
                    f"must be an interval of minutes from Sunday 00:00 with 0 <= start < end "
                    f"<= {_WEEK} (got {start}-{end})",
                )
            )
            continue
        day = start // _DAY
        hours.append(((day + 6) % 7, start - day * _DAY, end - day * _DAY))
    holidays: set[_dt.date] = set()
    for first, last, path in schedule.holidays:
        try:
            date, end_date = _date(first), _date(last)
        except ValueError:
            problems.append(
                Problem(
                    path, f"must have ISO dates start_date <= end_date (got {first!r}, {last!r})"
                )
            )
            continue
        if end_date < date or (end_date - date).days > 366:
            problems.append(
                Problem(
                    path, f"must have start_date <= end_date within a year (got {first}, {last})"
                )
            )
            continue
        while date <= end_date:
            holidays.add(date)
            date += _dt.timedelta(days=1)
    if tz is None or len(problems) > start_count:
        return None
    try:
        return BusinessCalendar(timezone=tz, hours=hours, holidays=frozenset(holidays))
    except ValidationError as error:
        problems.append(Problem(schedule.path, error.message))
        return None


def _test(
    condition: Mapping[str, Any], path: str, problems: list[Problem], prefix: str = ""
) -> FieldTest | Condition | None:
    """One Zendesk condition as a field test, or ``None`` with a problem naming it."""
    field, operator, value = (
        condition.get("field"),
        condition.get("operator"),
        condition.get("value"),
    )
    values = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    values = [v for v in values if v != ""]

    def refuse(why: str) -> None:
        problems.append(
            Problem(
                path,
                f"the condition {field!r} {operator!r} {value!r} cannot be expressed by a "
                f"servicemodel policy: {why}",
            )
        )

    if not values:
        refuse("it has no value")
        return None
    try:
        if field == "priority":
            ranks = {p: i for i, p in enumerate(_PRIORITIES)}
            value = PRIORITIES.get(values[0])
            if value is None:
                refuse("the priority is not one of " + ", ".join(PRIORITIES))
                return None
            rank = ranks[value]
            chosen = {
                "is": [value],
                "is_not": [p for p in _PRIORITIES if p != value],
                "less_than": [p for p in _PRIORITIES if ranks[p] < rank],
                "greater_than": [p for p in _PRIORITIES if ranks[p] > rank],
            }.get(str(operator))
            if chosen is None:
                refuse("priority takes is, is_not, less_than or greater_than")
                return None
            if not chosen:
                return Condition.any_of()  # no priority qualifies: matches nothing
            return FieldTest(field="priority", operator="in", values=chosen)
        if field in ("current_tags", "tags"):
            tags = [t for v in values for t in v.split()]
            if operator == "includes":
                return FieldTest(field="tags", operator="contains_any", values=tags)
            if operator == "not_includes":
                return FieldTest(field="tags", operator="contains_none", values=tags)
            refuse("tags take includes or not_includes")
            return None
        if field == "group_id":
            name = "group"
            values = [prefix + v for v in values]  # group ids carry the instance, as on tickets
        elif field == "via_id":
            mapped = [_VIA_IDS.get(v) for v in values]
            if None in mapped:
                refuse(
                    "only via ids whose channel is theirs alone can be tested ("
                    + ", ".join(f"{k}={v}" for k, v in _VIA_IDS.items())
                    + ")"
                )
                return None
            values = [v for v in mapped if v is not None]
            name = "attributes.via"
        elif isinstance(field, str) and (
            field in _ATTRIBUTE_FIELDS or field.startswith("custom_fields_")
        ):
            name = "attributes." + _ATTRIBUTE_FIELDS.get(field, field)
        else:
            refuse(
                "servicemodel policies test priority, channel, kind, tags, group and kept attributes only"
            )
            return None
        scalar = {
            "is": "equals",
            "is_not": "not_equals",
            "includes": "in",
            "not_includes": "not_in",
        }
        chosen_operator = scalar.get(str(operator))
        if chosen_operator is None:
            refuse("this field takes is, is_not, includes or not_includes")
            return None
        if chosen_operator in ("equals", "not_equals") and len(values) != 1:
            chosen_operator = "in" if chosen_operator == "equals" else "not_in"
        return FieldTest(field=name, operator=chosen_operator, values=values)
    except ValidationError as error:
        refuse(error.message)
        return None


def build_policy(
    document: Mapping[str, Any],
    path: str,
    default_calendar: str | None,
    problems: list[Problem],
    prefix: str = "",
) -> SlaPolicy | None:
    """One Zendesk SLA policy document as an SlaPolicy (``None``: problems were noted).

    *prefix* (``<instance>:``) goes before the policy's name and the group ids it tests.
    """
    start = len(problems)
    title = document.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(Problem(f"{path}.title", f"must be a non-empty string (got {title!r})"))
        title = "untitled"
    filter_ = document.get("filter") or {}
    terms: dict[str, list[FieldTest | Condition]] = {"all": [], "any": []}
    if not isinstance(filter_, Mapping):
        problems.append(
            Problem(f"{path}.filter", f"must be an object with all and any (got {filter_!r})")
        )
        filter_ = {}
    for key in ("all", "any"):
        for index, condition in enumerate(filter_.get(key) or []):
            where = f"{path}.filter.{key}[{index}]"
            if not isinstance(condition, Mapping):
                problems.append(Problem(where, f"must be a condition object (got {condition!r})"))
                continue
            test = _test(condition, where, problems, prefix)
            if test is not None:
                terms[key].append(test)
    condition = Condition.all_of(*terms["all"])
    if terms["any"]:
        condition = Condition.all_of(*terms["all"], Condition.any_of(*terms["any"]))
    targets: dict[str, list[Target]] = {}
    seen: dict[tuple[str, str], tuple[str, bool]] = {}
    for index, metric in enumerate(document.get("policy_metrics") or []):
        where = f"{path}.policy_metrics[{index}]"
        if isinstance(metric, Mapping) and isinstance(metric.get("where"), str):
            where = metric["where"]  # a table row names its own place
        target = _target(metric, where, default_calendar, problems)
        if target is None:
            continue
        priority, value, exact = target
        slot = (priority, value.metric.value)
        if slot in seen and seen[slot][1] != exact:
            # the seeds' 'medium' beside a 'normal' row: the value Zendesk has wins
            if exact:
                seen[slot] = (where, exact)
                targets[priority] = [
                    value if t.metric is value.metric else t for t in targets[priority]
                ]
            continue
        if slot in seen:
            problems.append(
                Problem(
                    where,
                    f"gives {priority!r} a second {value.metric.value} target (the first is "
                    f"{seen[slot][0]}); servicemodel keeps one target per metric and priority",
                )
            )
            continue
        seen[slot] = (where, exact)
        targets.setdefault(priority, []).append(value)
    if len(problems) > start:
        return None
    description = document.get("description")
    try:
        return SlaPolicy(
            name=prefix + title,
            condition=condition,
            targets=targets,
            description=description if isinstance(description, str) else None,
        )
    except ValidationError as error:
        problems.append(Problem(path, error.message))
        return None


def _target(
    metric: object, path: str, default_calendar: str | None, problems: list[Problem]
) -> tuple[str, Target, bool] | None:
    """A policy metric as (priority, target, whether the priority was written as Zendesk has it)."""
    if not isinstance(metric, Mapping):
        problems.append(Problem(path, f"must be a policy metric object (got {metric!r})"))
        return None
    name, priority = metric.get("metric"), metric.get("priority")
    mapped = SLA_METRICS.get(str(name))
    if mapped is None:
        problems.append(
            Problem(f"{path}.metric", f"must be one of {', '.join(SLA_METRICS)} (got {name!r})")
        )
        return None
    if not isinstance(priority, str) or priority not in PRIORITIES:
        problems.append(
            Problem(
                f"{path}.priority", f"must be one of {', '.join(PRIORITIES)} (got {priority!r})"
            )
        )
        return None
    try:
        within = pendulum.duration(
            seconds=target_seconds(metric.get("target"), metric.get("target_in_seconds"))
        )
    except ValidationError as error:
        problems.append(Problem(f"{path}.{error.field}", error.message))
        return None
    business = metric.get("business_hours")
    if not isinstance(business, bool):
        problems.append(
            Problem(f"{path}.business_hours", f"must be true or false (got {business!r})")
        )
        return None
    if business and default_calendar is None:
        problems.append(
            Problem(
                f"{path}.business_hours",
                "counts business hours but the export has no schedule to count them on",
            )
        )
        return None
    try:
        target = Target(
            metric=mapped[0],
            within=within,
            calendar=SCHEDULE if business else None,
            paused_by=mapped[1],
        )
    except ValidationError as error:
        problems.append(Problem(path, error.message))
        return None
    return PRIORITIES[priority], target, PRIORITIES[priority] == priority


def default_schedule(schedules: Iterable[Schedule]) -> Schedule | None:
    """Zendesk's default schedule: the earliest created (ties: the lowest id).

    The one rule every reader uses. ``created_at`` is read as an instant (a
    table's without an offset is UTC); a schedule without one counts as the
    earliest, as before any dated one.

    Raises:
        ValidationError: a ``created_at`` is not a timestamp; ``field`` is the
            schedule's place (``schedule.csv line 2``).
    """
    keyed = []
    for schedule in schedules:
        created: _dt.datetime | None = None
        if schedule.created_at:
            try:
                created = instant(schedule.created_at, "created_at", naive_is_utc=True)[0]
            except ValidationError as error:
                raise ValidationError(
                    error.message, field=schedule.path, value=error.value
                ) from None
        keyed.append((created is not None, created, len(schedule.id), schedule.id, schedule))
    if not keyed:
        return None
    return min(keyed, key=lambda k: k[:4])[4]


def applied_policy(title: str) -> SlaPolicy:
    """A policy the export names only by the title Zendesk applied to tickets.

    Its conditions and targets are not in the export: it matches no ticket by
    conditions and has no targets of its own, so it counts where Zendesk
    applied it (``selection="vendor"``) with the targets Zendesk stamped on
    each ticket (``stamped_targets="use"``), as the Zendesk profiles set.
    """
    return SlaPolicy(
        name=title,
        condition=Condition.any_of(),
        description=(
            "applied by Zendesk (ticket_field_history sla_policy); its conditions and targets "
            "are not in the export: the targets Zendesk stamped on each ticket count"
        ),
    )


def policy_set(
    policies: list[tuple[int, SlaPolicy]],
    calendars: dict[str, BusinessCalendar],
    problems: list[Problem],
    on_problem: list[Problem] | None,
    schedule: str | None = None,
) -> tuple[PolicySet, dict[str, BusinessCalendar]]:
    """The policy set (ordered by Zendesk's position) and the calendars, or the problems raised.

    *schedule* is the default schedule's calendar: a ticket counts on it until moved.
    """
    if problems:
        if on_problem is None:
            raise PolicyDocumentError(problems)
        on_problem.extend(problems)
    ordered = [policy for _position, policy in sorted(policies, key=lambda p: p[0])]
    return PolicySet(policies=ordered, calendars=calendars, schedule=schedule), calendars
