"""Reading policies and schedules from either shape of a Zendesk export."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any, Final

from ...exceptions import PolicyDocumentError, Problem, ValidationError
from ...sla import BusinessCalendar, PolicySet, SlaPolicy
from .._vendor import check_on_problem
from ._columns import Table, check_folder, check_instance, find_table
from ._pages import load_json, page_files, page_records
from ._policies import (
    Schedule,
    applied_policy,
    build_policy,
    calendar_of,
    default_schedule,
    policy_set,
)

__all__ = ["read_policies"]

_TRUE: Final = frozenset({"true", "t", "1"})


def _table_schedules(folder: str, problems: list[Problem]) -> list[Schedule]:
    table = find_table(folder, "schedule")
    if table is None:
        return []
    table.require(("id", "start_time", "end_time", "time_zone"))
    found: dict[str, Schedule] = {}
    columns = ("id", "start_time", "end_time", "time_zone", "created_at")
    for line, (sid, start, end, zone, created) in table.rows(columns):
        schedule = found.get(sid)
        if schedule is None:
            schedule = found[sid] = Schedule(sid, zone, created, f"{table.file} line {line}")
        try:
            schedule.intervals.append((int(start), int(end), f"{table.file} line {line}"))
        except ValueError:
            problems.append(
                Problem(
                    f"{table.file} line {line}.start_time",
                    f"must be whole minutes from Sunday 00:00 (got {start!r}, {end!r})",
                )
            )
    holidays = find_table(folder, "schedule_holiday")
    if holidays is not None:
        holidays.require(("schedule_id", "start_date", "end_date"))
        for line, (sid, first, last) in holidays.rows(("schedule_id", "start_date", "end_date")):
            if sid in found:
                found[sid].holidays.append((first, last, f"{holidays.file} line {line}"))
    return list(found.values())


def default_schedule_id(folder: str, *, tables: bool) -> str | None:
    """The id of the export's default schedule, by :func:`default_schedule` (``None``: none).

    *tables*: the warehouse's ``schedule`` table, else the API's ``schedules.json``.

    Raises:
        PolicyDocumentError: a schedule is malformed (each problem with its place),
            so the default is not picked from what could be read.
    """
    problems: list[Problem] = []
    schedules = _table_schedules(folder, problems) if tables else _api_schedules(folder, problems)
    default = _pick_default(schedules, problems)
    if problems:
        raise PolicyDocumentError(problems)
    return None if default is None else default.id


def _pick_default(schedules: list[Schedule], problems: list[Problem]) -> Schedule | None:
    try:
        return default_schedule(schedules)
    except ValidationError as error:
        problems.append(Problem(f"{error.field}.created_at", error.message))
        return None


def _table_policies(
    table: Table, default: str | None, problems: list[Problem], prefix: str
) -> list[tuple[int, SlaPolicy]]:
    columns = (
        "sla_policy_id",
        "sla_policy_updated_at",
        "business_hours",
        "metric",
        "priority",
        "target",
    )
    table.require(columns)
    latest: dict[str, dict[tuple[str, str], tuple[str, dict[str, Any]]]] = {}
    for line, (pid, updated, business, metric, priority, target) in table.rows(columns):
        rows = latest.setdefault(pid, {})
        key = (metric, priority)
        if key in rows and rows[key][0] > updated:
            continue  # an older version of this target
        try:
            minutes: object = int(target)
        except ValueError:
            minutes = target
        rows[key] = (
            updated,
            {
                "metric": metric,
                "priority": priority,
                "target": minutes,
                "business_hours": business.lower() in _TRUE,
                "line": line,
                "where": f"{table.file} line {line}",
            },
        )
    policies: list[tuple[int, SlaPolicy]] = []
    for position, (pid, rows) in enumerate(sorted(latest.items(), key=lambda p: (len(p[0]), p[0]))):
        metrics = sorted((value for _updated, value in rows.values()), key=lambda m: m["line"])
        document = {
            "title": f"policy {pid}",
            "filter": {"all": [{"field": "sla_policy_id", "operator": "is", "value": pid}]},
            "policy_metrics": metrics,
        }
        where = f"{table.file} sla_policy_id {pid}"
        policy = build_policy(document, where, default, problems, prefix)
        if policy is not None:
            policies.append((position, policy))
    return policies


def _applied_titles(folder: str) -> list[str]:
    """The titles of the policies Zendesk applied to tickets.

    From the tables, the ``sla_policy`` rows of ``ticket_field_history``; from
    the API pages, the policy of each ``apply_sla`` ticket metric event.
    """
    titles: set[str] = set()
    table = find_table(folder, "ticket_field_history")
    if table is not None and {"field_name", "value"} <= set(table.columns()):
        titles.update(
            value
            for _line, (field, value) in table.rows(("field_name", "value"))
            if field == "sla_policy" and value
        )
    for path in page_files(folder, "ticket_metric_events"):
        for _key, _line, event in page_records(path, ("ticket_metric_events",)):
            sla = event.get("sla") if isinstance(event, Mapping) else None
            policy = sla.get("policy") if isinstance(sla, Mapping) else None
            title = policy.get("title") if isinstance(policy, Mapping) else None
            if isinstance(title, str) and title and event.get("type") == "apply_sla":
                titles.add(title)
    return sorted(titles)


def _json(path: str, problems: list[Problem]) -> Any:
    try:
        with open(path, encoding="utf-8") as file:
            return load_json(file.read().removeprefix("\ufeff"))
    except (ValueError, UnicodeDecodeError) as exc:
        problems.append(Problem(os.path.basename(path), f"must be a JSON document ({exc})"))
        return None


def _items(document: Any, key: str, single: str) -> Iterator[tuple[int, Any]]:
    if isinstance(document, Mapping):
        if isinstance(document.get(key), list):
            yield from enumerate(document[key])
        elif isinstance(document.get(single), Mapping):
            yield 0, document[single]
    elif isinstance(document, list):
        yield from enumerate(document)


def _api_schedules(folder: str, problems: list[Problem]) -> list[Schedule]:
    path = os.path.join(folder, "schedules.json")
    if not os.path.isfile(path):
        return []
    document = _json(path, problems)
    found: list[Schedule] = []
    for index, item in _items(document, "schedules", "schedule"):
        where = f"schedules.json: schedules[{index}]"
        if not isinstance(item, Mapping) or "id" not in item:
            problems.append(
                Problem(where, f"must be a schedule object with an id (got {item!r:.80})")
            )
            continue
        schedule = Schedule(
            str(item["id"]), str(item.get("time_zone")), str(item.get("created_at", "")), where
        )
        for n, interval in enumerate(item.get("intervals") or []):
            start = interval.get("start_time") if isinstance(interval, Mapping) else None
            end = interval.get("end_time") if isinstance(interval, Mapping) else None
            if not isinstance(start, int) or not isinstance(end, int):
                problems.append(
                    Problem(
                        f"{where}.intervals[{n}]",
                        f"must have whole-minute start_time and end_time (got {interval!r})",
                    )
                )
                continue
            schedule.intervals.append((start, end, f"{where}.intervals[{n}]"))
        holidays = os.path.join(folder, f"holidays_{schedule.id}.json")
        if os.path.isfile(holidays):
            for n, holiday in _items(_json(holidays, problems), "holidays", "holiday"):
                hwhere = f"holidays_{schedule.id}.json: holidays[{n}]"
                if not isinstance(holiday, Mapping):
                    problems.append(Problem(hwhere, f"must be a holiday object (got {holiday!r})"))
                    continue
                schedule.holidays.append(
                    (str(holiday.get("start_date")), str(holiday.get("end_date")), hwhere)
                )
        found.append(schedule)
    return found


def read_policies(
    folder: object, *, instance: str | None = None, on_problem: list[Problem] | None = None
) -> tuple[PolicySet, dict[str, BusinessCalendar]]:
    """The SLA policies and business-hours calendars of a Zendesk export folder.

    From the API shape: ``sla_policies.json`` (``GET /api/v2/slas/policies``),
    ``schedules.json`` and ``holidays_<schedule id>.json``. From the table
    shape: ``schedule`` and ``schedule_holiday``, and the latest targets of
    ``sla_policy_metric_history`` as one policy per id that applies to the
    tickets Zendesk applied it to (the attribute ``sla_policy_id``).
    Calendars are named by schedule id; business-hours targets count on the
    ticket's schedule (``"@schedule"``), the set's ``schedule`` (the default
    schedule, the earliest created) until a ticket is moved to another. A
    policy title Zendesk applied to tickets (``ticket_field_history`` rows, or
    ``apply_sla`` ticket metric events) that no policy document defines (the
    tables keep none; a policy renamed or deleted since is not in
    ``sla_policies.json``) becomes a policy of that name without conditions
    or targets (see :func:`applied_policy`): under the Zendesk profiles the
    tickets count under it with the targets Zendesk stamped on them.

    Args:
        folder: the export folder.
        instance: the instance label given to :func:`read_tables`; it prefixes
            calendar and policy names and the group ids conditions test.
        on_problem: ``None`` raises every problem at once; a list collects
            them (a policy with a problem is left out).

    Returns:
        The policy set, and the calendars by schedule id.

    Raises:
        PolicyDocumentError: a condition, target or schedule that servicemodel
            cannot express, each with its path.
        ValidationError: *folder* is not a folder.

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "schedule.csv").write_text(
    ...     "id,name,start_time,end_time,time_zone,created_at\\n"
    ...     "1,Support,1980,2460,London,2024-01-01 00:00:00\\n")
    >>> policies, calendars = read_policies(folder)
    >>> calendars["1"].timezone, calendars["1"].hours  # Monday 09:00-17:00
    (Timezone('Europe/London'), ((0, 540, 1020),))
    """
    path = check_folder(folder)
    check_on_problem(on_problem)
    check_instance(instance)
    prefix = "" if instance is None else f"{instance}:"
    problems: list[Problem] = []
    schedules = _table_schedules(path, problems) + _api_schedules(path, problems)
    calendars: dict[str, BusinessCalendar] = {}
    for schedule in schedules:
        calendar = calendar_of(schedule, problems)
        if calendar is not None:
            calendars[prefix + schedule.id] = calendar
    default = _pick_default(schedules, problems)
    default_name = (
        prefix + default.id if default is not None and prefix + default.id in calendars else None
    )
    policies: list[tuple[int, SlaPolicy]] = []
    history = find_table(path, "sla_policy_metric_history")
    if history is not None:
        policies.extend(_table_policies(history, default_name, problems, prefix))
    api = os.path.join(path, "sla_policies.json")
    if os.path.isfile(api):
        document = _json(api, problems)
        for index, item in _items(document, "sla_policies", "sla_policy"):
            where = f"sla_policies.json: sla_policies[{index}]"
            if not isinstance(item, Mapping):
                problems.append(Problem(where, f"must be a policy object (got {item!r:.80})"))
                continue
            policy = build_policy(item, where, default_name, problems, prefix)
            position = item.get("position")
            if policy is not None:
                policies.append((position if isinstance(position, int) else index, policy))
    named = {policy.name for _position, policy in policies}
    last = max((position for position, _policy in policies), default=0)
    for title in _applied_titles(path):
        if prefix + title not in named:
            last += 1
            policies.append((last, applied_policy(prefix + title)))
    return policy_set(policies, calendars, problems, on_problem, default_name)
