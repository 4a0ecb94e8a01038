"""Policy documents: load them from JSON, TOML, dicts or files, and write them back.

Loading walks the whole document and collects every problem with its path
(``policies[2].targets.urgent.first_reply``) before raising one
:class:`~servicemodel.exceptions.PolicyDocumentError`. Nothing in a document is
evaluated: text is parsed by ``json`` / ``tomllib`` and checked field by
field, and sizes and nesting are bounded before anything is walked.
"""

from __future__ import annotations

import datetime as _dt
import enum
import json
import os
from collections.abc import Mapping
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal, cast, overload

import attrs

from .. import _documents as doc
from .._time import duration_micros
from .._validators import shown
from ..exceptions import PolicyDocumentError, Problem, ValidationError
from ..interactions import Priority, Status
from ._calendar_documents import dump_calendar, read_calendars
from ._conditions import (
    MAX_CONDITION_DEPTH,
    MAX_TERMS,
    MAX_VALUES,
    Condition,
    FieldTest,
    Match,
    Operator,
    check_field_name,
    check_operator_for,
    check_value_for,
)
from ._metrics import PAUSABLE_STATUSES, Metric
from ._options import SCHEDULE, History, ScheduleRule, Selection, StampedTargets
from ._policies import MAX_POLICIES, PolicySet, SlaPolicy, Target
from ._target_text import days_text, read_size

if TYPE_CHECKING:
    from ._calendar import BusinessCalendar

__all__ = ["dump_policies", "load_policies", "policy_schema"]

#: The document format version this library reads and writes.
FORMAT_VERSION = 1
#: Longest name (policy, calendar) and description.
MAX_NAME = 256
MAX_DESCRIPTION = 4_096


def load_policies(
    source: Mapping[str, Any] | str | bytes | os.PathLike[str],
    *,
    format: str | None = None,
    calendars: Mapping[str, BusinessCalendar] | None = None,
) -> PolicySet:
    """Load a policy document into a :class:`~servicemodel.sla.PolicySet`.

    *source* is a mapping, JSON or TOML text or UTF-8 bytes (*format* says
    which; by default text starting with ``{`` is JSON) or a
    ``pathlib.Path`` to a ``.json`` or ``.toml`` file. Calendars
    are defined in the document's ``calendars`` section or passed in
    *calendars* (names in the document win). The format is described in
    ``docs/reference/policy-document.md`` and by :func:`policy_schema`.

    Raises:
        PolicyDocumentError: with every problem found, each with its path.

    >>> policies = load_policies('''
    ... [[policies]]
    ... name = "Standard"
    ... targets.normal.first_reply = "4h"
    ... targets.urgent.first_reply = { within = "30m", warn_percent = 80 }
    ... ''')
    >>> policies.policies[0].target(Priority.URGENT, Metric.FIRST_REPLY).within
    Duration(minutes=30)
    >>> load_policies({"policies": [{"name": "A", "targets": {"urgent": {"first_reply": "0m"}}},
    ...                             {"name": "A", "colour": "red", "targets": {}}]})
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.PolicyDocumentError: 3 problems in policy document:
      policies[0].targets.urgent.first_reply: must be positive (got '0m')
      policies[1].colour: is not a known key; expected one of name, description, when, calendar, targets
      policies[1].name: duplicate policy name 'A' (also policies[0])
    """
    problems = doc.Problems()
    data = doc.read(source, format=format, problems=problems)
    result = None
    if data is not None:
        result = _document(data, dict(calendars or {}), problems)
    if problems.items or result is None:
        raise PolicyDocumentError(problems.items or [Problem("", "document is empty")])
    return result


_TOP_KEYS = (
    "version",
    "on_priority_change",
    "breaches",
    "on_reopen",
    "opening_message",
    "calendars",
    "schedule",
    "policies",
)
_POLICY_KEYS = ("name", "description", "when", "calendar", "targets")
_TARGET_KEYS = ("within", "calendar", "warn_percent", "warn_before", "paused_by")


def _document(
    data: object, given: dict[str, BusinessCalendar], problems: doc.Problems
) -> PolicySet | None:
    top = doc.fields(
        data, "", problems, allowed=_TOP_KEYS, required=("policies",), what="a policy document"
    )
    if top is None:
        return None
    if "version" in top:
        version = top["version"]
        if doc.whole(version) != FORMAT_VERSION:
            problems.add("version", f"must be {FORMAT_VERSION} {doc.got(version)}")
    options: dict[str, Any] = {}
    for key, default in _option_defaults():
        if key in top:
            chosen = doc.choice(type(default), top[key], key, problems)
            options[key] = default if chosen is None else chosen
    calendars = dict(given)
    if "calendars" in top:
        calendars.update(read_calendars(top["calendars"], problems))
    names = frozenset(calendars)
    if "schedule" in top:
        schedule = top["schedule"]
        if schedule is not None and (not isinstance(schedule, str) or schedule == SCHEDULE):
            problems.add("schedule", f"must name a calendar, or be null {doc.got(schedule)}")
        else:
            options["schedule"] = _calendar_name(schedule, "schedule", names, problems)
    policies: list[SlaPolicy] = []
    seen: dict[str, int] = {}
    items = doc.array(
        top.get("policies", []), "policies", problems, limit=MAX_POLICIES, what="policies"
    )
    for index, item in enumerate(items or ()):
        path = doc.at("policies", index)
        policy = _policy(item, path, names, problems)
        raw = item.get("name") if isinstance(item, Mapping) else None
        if isinstance(raw, str):
            if raw in seen:
                problems.add(
                    doc.join(path, "name"),
                    f"duplicate policy name {shown(raw)} (also policies[{seen[raw]}])",
                )
            else:
                seen[raw] = index
        if policy is not None:
            policies.append(policy)
    if problems.items:
        return None
    try:
        return PolicySet(policies=policies, calendars=calendars, **options)
    except ValidationError as error:  # a rule checked only by the values themselves
        problems.add(error.field or "", doc.strip_field(error.message, error.field))
        return None


#: The policy set's options, each a top-level document key named like its field.
_OPTIONS = ("on_priority_change", "breaches", "on_reopen", "opening_message")


def _option_defaults() -> list[tuple[str, enum.Enum]]:
    """Each option's key and default, read from :class:`PolicySet` itself."""
    fields = attrs.fields_dict(PolicySet)
    return [(key, cast(enum.Enum, fields[key].default)) for key in _OPTIONS]


def _policy(
    value: object, path: str, calendars: frozenset[str], problems: doc.Problems
) -> SlaPolicy | None:
    spec = doc.fields(
        value, path, problems, allowed=_POLICY_KEYS, required=("name", "targets"), what="a policy"
    )
    if spec is None:
        return None
    before = len(problems.items)
    name = doc.name(spec["name"], doc.join(path, "name"), problems) if "name" in spec else None
    description = spec.get("description")
    if description is not None and (
        not isinstance(description, str) or len(description) > MAX_DESCRIPTION
    ):
        problems.add(
            doc.join(path, "description"),
            f"must be a string of at most {MAX_DESCRIPTION} characters {doc.got(description)}",
        )
    condition = Condition()
    if "when" in spec:
        condition = _condition(spec["when"], doc.join(path, "when"), 1, problems) or condition
    default_calendar: str | None = None
    if "calendar" in spec:
        default_calendar = _calendar_name(
            spec["calendar"], doc.join(path, "calendar"), calendars, problems
        )
    targets: dict[Priority, list[Target]] = {}
    if "targets" in spec:
        targets = _targets(
            spec["targets"], doc.join(path, "targets"), default_calendar, calendars, problems
        )
    if len(problems.items) > before or name is None:
        return None
    try:
        return SlaPolicy(
            name=name,
            condition=condition,
            targets=targets,
            description=description if isinstance(description, str) else None,
        )
    except ValidationError as error:
        problems.add(doc.join(path, error.field or ""), doc.strip_field(error.message, error.field))
        return None


def _calendar_name(
    value: object, path: str, calendars: frozenset[str], problems: doc.Problems
) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        problems.add(path, f"must name a calendar, or be null for calendar time {doc.got(value)}")
        return None
    if value == SCHEDULE:
        return value  # the ticket's schedule: the set then needs a default 'schedule'
    if value not in calendars:
        known = ", ".join(sorted(calendars)) or "none defined"
        problems.add(
            path, f"must name a calendar of the document (got {shown(value)}); known: {known}"
        )
        return None
    return value


def _targets(
    value: object,
    path: str,
    default_calendar: str | None,
    calendars: frozenset[str],
    problems: doc.Problems,
) -> dict[Priority, list[Target]]:
    result: dict[Priority, list[Target]] = {}
    if not isinstance(value, Mapping):
        problems.add(path, f"must map priorities to metric targets {doc.got(value)}")
        return result
    for key, metrics in value.items():
        where = doc.join(path, key)
        priority = doc.choice(Priority, key, where, problems)
        if not isinstance(metrics, Mapping):
            problems.add(where, f"must map metrics to targets {doc.got(metrics)}")
            continue
        targets: list[Target] = []
        for metric_key, spec in metrics.items():
            at = doc.join(where, metric_key)
            metric = doc.choice(Metric, metric_key, at, problems)
            target = _target(spec, at, metric, default_calendar, calendars, problems)
            if target is not None:
                targets.append(target)
        if priority is not None:
            result[priority] = targets
    return result


def _target(
    value: object,
    path: str,
    metric: Metric | None,
    default_calendar: str | None,
    calendars: frozenset[str],
    problems: doc.Problems,
) -> Target | None:
    if isinstance(value, str):
        size = read_size(value, path, problems)
        if (
            size is None
            or metric is None
            or not _has_calendar(size, default_calendar, path, problems)
        ):
            return None
        return Target(
            metric=metric, within=size[0], business_days=size[1], calendar=default_calendar
        )
    spec = doc.fields(
        value,
        path,
        problems,
        allowed=_TARGET_KEYS,
        required=("within",),
        what="a duration or a target",
    )
    if spec is None:
        return None
    before = len(problems.items)
    size = (
        read_size(spec["within"], doc.join(path, "within"), problems) if "within" in spec else None
    )
    within, days = (None, None) if size is None else size
    calendar = default_calendar
    if "calendar" in spec:
        calendar = _calendar_name(spec["calendar"], doc.join(path, "calendar"), calendars, problems)
    if size is not None and not _has_calendar(size, calendar, doc.join(path, "within"), problems):
        size = None
    if days is not None and "warn_before" in spec:
        problems.add(
            doc.join(path, "warn_before"),
            "must not be combined with a business-days target; use 'warn_percent'",
        )
    warn_percent = doc.whole(spec.get("warn_percent"))
    if "warn_percent" in spec and (warn_percent is None or not 1 <= warn_percent <= 99):
        problems.add(
            doc.join(path, "warn_percent"),
            f"must be an integer from 1 to 99 {doc.got(spec['warn_percent'])}",
        )
    warn_before = None
    if "warn_before" in spec:
        warn_before = doc.duration(spec["warn_before"], doc.join(path, "warn_before"), problems)
        if "warn_percent" in spec:
            problems.add(
                doc.join(path, "warn_before"),
                "must not be combined with 'warn_percent'; choose one",
            )
        elif (
            warn_before is not None
            and within is not None
            and duration_micros(warn_before) >= duration_micros(within)
        ):
            problems.add(
                doc.join(path, "warn_before"),
                f"must be shorter than 'within' (got {shown(spec['warn_before'])} >= {shown(spec['within'])})",
            )
    paused_by: list[Status] | None = None
    if "paused_by" in spec:
        paused_by = []
        where = doc.join(path, "paused_by")
        items = doc.array(spec["paused_by"], where, problems, limit=len(Status), what="statuses")
        for index, item in enumerate(items or ()):
            status = doc.choice(Status, item, doc.at(where, index), problems)
            if status is not None and status not in PAUSABLE_STATUSES:
                problems.add(
                    doc.at(where, index),
                    f"must be new, open, pending or on_hold; solved and closed stop clocks (got {status.value!r})",
                )
            elif status is not None:
                paused_by.append(status)
    if len(problems.items) > before or size is None or metric is None:
        return None
    return Target(
        metric=metric,
        within=within,
        business_days=days,
        calendar=calendar,
        warn_percent=warn_percent,
        warn_before=warn_before,
        paused_by=paused_by,
    )


_OPERATORS = tuple(o.value for o in Operator)
_LIST_OPERATORS = frozenset(
    {Operator.IN, Operator.NOT_IN, Operator.CONTAINS_ANY, Operator.CONTAINS_NONE}
)


def _condition(value: object, path: str, depth: int, problems: doc.Problems) -> Condition | None:
    if not isinstance(value, Mapping):
        problems.add(
            path, f"must be an object {{'all': [...]}} or {{'any': [...]}} {doc.got(value)}"
        )
        return None
    keys = [k for k in value if k in ("all", "any")]
    others = [k for k in value if k not in ("all", "any")]
    for key in others:
        problems.add(
            doc.join(path, key) if isinstance(key, str) else path,
            "is not a known key; a condition has exactly one of all, any",
        )
    if len(keys) != 1:
        if not others:
            problems.add(path, "must have exactly one of 'all' or 'any'")
        return None
    if depth > MAX_CONDITION_DEPTH:
        problems.add(path, f"must not nest conditions deeper than {MAX_CONDITION_DEPTH} levels")
        return None
    key = keys[0]
    where = doc.join(path, key)
    items = doc.array(value[key], where, problems, limit=MAX_TERMS, what="terms")
    terms: list[FieldTest | Condition] = []
    ok = items is not None
    for index, item in enumerate(items or ()):
        at = doc.at(where, index)
        term: FieldTest | Condition | None
        if isinstance(item, Mapping) and "field" in item:
            term = _field_test(item, at, problems)
        else:
            term = _condition(item, at, depth + 1, problems)
        if term is None:
            ok = False
        else:
            terms.append(term)
    return Condition(match=Match(key), terms=terms) if ok else None


def _field_test(value: Mapping[Any, Any], path: str, problems: doc.Problems) -> FieldTest | None:
    before = len(problems.items)
    field = value.get("field")
    problem = check_field_name(field)
    if problem is not None:
        problems.add(doc.join(path, "field"), problem)
    operators = [k for k in value if k in _OPERATORS]
    for key in value:
        if key != "field" and key not in _OPERATORS:
            problems.add(
                doc.join(path, key) if isinstance(key, str) else path,
                f"is not a known key; a field test has 'field' and one of {', '.join(_OPERATORS)}",
            )
    if len(operators) != 1:
        problems.add(
            path,
            f"must have exactly one operator of {', '.join(_OPERATORS)} (got {len(operators)})",
        )
        return None
    operator = Operator(operators[0])
    where = doc.join(path, operator.value)
    if problem is None and isinstance(field, str):
        wrong = check_operator_for(field, operator)
        if wrong is not None:
            problems.add(where, wrong)
    raw = value[operator.value]
    values: list[object]
    if operator in _LIST_OPERATORS:
        listed = doc.array(raw, where, problems, limit=MAX_VALUES, what="values")
        values = listed or []
        if listed is not None and not listed:
            problems.add(where, "must hold at least one value")
        for index, item in enumerate(values):
            wrong = check_value_for(field if isinstance(field, str) else "", item)
            if wrong is not None:
                problems.add(doc.at(where, index), wrong)
    else:
        values = [raw]
        wrong = check_value_for(field if isinstance(field, str) else "", raw)
        if wrong is not None:
            problems.add(where, wrong)
    if len(problems.items) > before or not isinstance(field, str):
        return None
    return FieldTest(field=field, operator=operator, values=[str(v) for v in values])


# ----------------------------------------------------------------- writing documents


def _duration_text(value: _dt.timedelta) -> str:
    micros = duration_micros(value)
    seconds, fraction = divmod(micros, 1_000_000)
    if fraction:
        return f"PT{seconds}.{fraction:06d}S"
    parts = []
    for unit, size in (("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


def _dump_condition(condition: Condition) -> dict[str, Any]:
    terms: list[dict[str, Any]] = []
    for term in condition.terms:
        if isinstance(term, Condition):
            terms.append(_dump_condition(term))
        else:
            value: object = (
                list(term.values) if term.operator in _LIST_OPERATORS else term.values[0]
            )
            terms.append({"field": term.field, term.operator.value: value})
    return {condition.match.value: terms}


def _has_calendar(
    size: tuple[object, int | None], calendar: str | None, path: str, problems: doc.Problems
) -> bool:
    """A business-days target needs a calendar (its own or its policy's): business days are open days."""
    if size[1] is not None and calendar is None:
        problems.add(
            path,
            "needs a calendar: business days are the days a calendar opens; name one with "
            "'calendar' on the target or its policy",
        )
        return False
    return True


def _dump_target(target: Target) -> str | dict[str, Any]:
    if target.within is None:
        assert target.business_days is not None
        within = days_text(target.business_days)
    else:
        within = _duration_text(target.within)
    spec: dict[str, Any] = {"within": within}
    if target.calendar is not None:
        spec["calendar"] = target.calendar
    if target.warn_percent is not None:
        spec["warn_percent"] = target.warn_percent
    if target.warn_before is not None:
        spec["warn_before"] = _duration_text(target.warn_before)
    if target.paused_by is not None:
        spec["paused_by"] = sorted(s.value for s in target.paused_by)
    return within if len(spec) == 1 else spec


#: PolicySet options the document format does not hold yet, with their defaults.
_UNWRITTEN_OPTIONS = (
    ("selection", Selection.CONDITIONS),
    ("on_schedule_change", ScheduleRule.IN_FORCE),
    ("history", History.AS_THEN),
    ("stamped_targets", StampedTargets.IGNORE),
)


def _check_writable(policies: PolicySet) -> None:
    """Refuse what a policy document cannot hold yet, rather than drop it silently."""
    for name, default in _UNWRITTEN_OPTIONS:
        value = getattr(policies, name)
        if value is not default:
            shown = getattr(value, "value", value)
            raise ValidationError(
                f"'{name}' cannot be written to a policy document yet (got {shown!r}); "
                f"documents hold the default ({getattr(default, 'value', default)!r})",
                field=name,
                value=value,
            )
    for policy in policies.policies:
        if policy.effective_from is not None:
            raise ValidationError(
                f"'effective_from' cannot be written to a policy document yet "
                f"(got {policy.effective_from.isoformat()} on {policy.name!r})",
                field="effective_from",
                value=policy.effective_from,
            )


def _document_of(policies: PolicySet) -> dict[str, Any]:
    _check_writable(policies)
    document: dict[str, Any] = {"version": FORMAT_VERSION}
    for key, default in _option_defaults():
        value = getattr(policies, key)
        if value is not default:
            document[key] = value.value
    if policies.calendars:
        document["calendars"] = {name: dump_calendar(cal, name) for name, cal in policies.calendars}
    if policies.schedule is not None:
        document["schedule"] = policies.schedule
    items: list[dict[str, Any]] = []
    for policy in policies.policies:
        item: dict[str, Any] = {"name": policy.name}
        if policy.description is not None:
            item["description"] = policy.description
        if policy.condition != Condition():
            item["when"] = _dump_condition(policy.condition)
        item["targets"] = {
            priority.value: {t.metric.value: _dump_target(t) for t in targets}
            for priority, targets in policy.targets
        }
        items.append(item)
    document["policies"] = items
    return document


@overload
def dump_policies(policies: PolicySet, *, format: Literal["mapping"]) -> dict[str, Any]: ...
@overload
def dump_policies(policies: PolicySet, *, format: Literal["toml", "json"] = ...) -> str: ...
def dump_policies(policies: PolicySet, *, format: str = "toml") -> str | dict[str, Any]:
    """Write a policy set as a TOML (default) or JSON document, or as plain data (``"mapping"``).

    ``load_policies(dump_policies(p)) == p`` for every policy set whose
    calendars are weekly business calendars.

    >>> import pendulum
    >>> ps = PolicySet(policies=[SlaPolicy(name="Standard", targets={
    ...     "normal": [Target(metric="first_reply", within=pendulum.duration(hours=4))]})])
    >>> print(dump_policies(ps))
    version = 1
    <BLANKLINE>
    [[policies]]
    name = "Standard"
    <BLANKLINE>
    [policies.targets.normal]
    first_reply = "4h"
    <BLANKLINE>
    >>> dump_policies(ps, format="mapping")
    {'version': 1, 'policies': [{'name': 'Standard', 'targets': {'normal': {'first_reply': '4h'}}}]}
    >>> load_policies(dump_policies(ps, format="json")) == ps
    True
    """
    doc.check_format(format, allowed=(*doc.FORMATS, "mapping"))
    document = _document_of(policies)
    if format == "mapping":
        return document
    return doc.write(document, format=format, inline=frozenset({"when"}))


def policy_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the policy document format.

    It checks the document's shape; cross-references (calendar names, unique
    policy names) and relations between values (a warning shorter than its
    target, durations of at most 100 years) are checked by
    :func:`load_policies` only.

    >>> schema = policy_schema()
    >>> schema["$schema"]
    'https://json-schema.org/draft/2020-12/schema'
    >>> sorted(schema["properties"])
    ['breaches', 'calendars', 'on_priority_change', 'on_reopen', 'opening_message', 'policies', 'schedule', 'version']
    """
    text = resources.files("servicemodel.sla").joinpath("policy.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
