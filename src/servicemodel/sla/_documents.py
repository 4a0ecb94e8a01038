"""Policy documents: load them from JSON, TOML, dicts or files, and write them back.

The document layer (:mod:`servicemodel._documents`) reads and bounds the
text; the policy converter then structures it (the document as a
:class:`PolicySet`, policies, conditions, field tests, calendars), its hooks
raising every refusal at its key, so that one
:class:`~servicemodel.exceptions.PolicyDocumentError` lists every problem with
its path (``policies[2].targets.urgent.first_reply``). Nothing in a document
is evaluated: text is parsed by ``json`` / ``tomllib`` and checked field by
field.
"""

from __future__ import annotations

import enum
import json
import operator
from collections.abc import Mapping
from functools import partial
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal, cast, overload

import attrs
import cattrs

from .. import _documents as doc
from .. import _structure as structuring
from .._time import duration_micros
from .._validators import integer_rule, shown, text_problem
from ..exceptions import PolicyDocumentError, Problem, ValidationError
from ..interactions import Priority, Status
from ._calendar_documents import dump_calendar, read_calendar, read_calendars
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
    source: doc.Source,
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
        reader = _Reader(dict(calendars or {}))
        result = structuring.structure(reader.converter, data, PolicySet, problems)
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


class _Reader:
    """The policy converter of one document: its hooks know the document's calendars once read.

    The converter structures the document as a :class:`PolicySet`, each policy
    as a :class:`SlaPolicy`, conditions, field tests and calendars; the hooks
    raise every refusal they find, each at its key, and
    :func:`servicemodel._structure.structure` records them at their paths.
    """

    def __init__(self, calendars: dict[str, BusinessCalendar]) -> None:
        self.calendars = calendars
        self.converter = CONVERTER.copy()
        for cls, hook in ((PolicySet, self.document), (SlaPolicy, self.policy)):
            self.converter.register_structure_hook_func(partial(operator.is_, cls), hook)

    def document(self, value: object, _type: object = None) -> PolicySet:
        refusals = structuring.Refusals()
        top = structuring.table(
            value, refusals, allowed=_TOP_KEYS, required=("policies",), what="a policy document"
        )
        if "version" in top and doc.whole(top["version"]) != FORMAT_VERSION:
            refusals.add("version", f"must be {FORMAT_VERSION} {doc.got(top['version'])}")
        options: dict[str, Any] = {}
        for key, default in _option_defaults():
            if key in top:
                kind = type(default)
                chosen = refusals.read(key, partial(structuring.member, kind), top[key])
                options[key] = default if chosen is None else chosen
        if "calendars" in top:
            self.calendars.update(read_calendars(top["calendars"], refusals))
        if "schedule" in top:
            schedule = top["schedule"]
            if schedule is not None and (not isinstance(schedule, str) or schedule == SCHEDULE):
                refusals.add("schedule", f"must name a calendar, or be null {doc.got(schedule)}")
            else:
                options["schedule"] = refusals.read("schedule", self.calendar_name, schedule)
        policies = refusals.read("policies", self.policies, top.get("policies", []))
        refusals.check()
        try:
            return PolicySet(policies=policies or [], calendars=self.calendars, **options)
        except ValidationError as error:  # a rule checked only by the values themselves
            refusals.add(error.field, doc.strip_field(error.message, error.field))
            refusals.check()
            raise  # pragma: no cover - check() raised

    def policies(self, value: object) -> list[SlaPolicy]:
        refusals = structuring.Refusals()
        policies: list[SlaPolicy] = []
        seen: dict[str, int] = {}
        items = structuring.sequence(value, limit=MAX_POLICIES, what="policies")
        for index, item in enumerate(items):
            policy = refusals.read(index, lambda v: self.converter.structure(v, SlaPolicy), item)
            raw = item.get("name") if isinstance(item, Mapping) else None
            if isinstance(raw, str):
                if raw in seen:
                    refusals.add(
                        (index, "name"),
                        f"duplicate policy name {shown(raw)} (also policies[{seen[raw]}])",
                    )
                else:
                    seen[raw] = index
            if policy is not None:
                policies.append(policy)
        refusals.check()
        return policies

    def policy(self, value: object, _type: object = None) -> SlaPolicy:
        refusals = structuring.Refusals()
        spec = structuring.table(
            value, refusals, allowed=_POLICY_KEYS, required=("name", "targets"), what="a policy"
        )
        name = refusals.read("name", _name, spec["name"]) if "name" in spec else None
        description = spec.get("description")
        if description is not None and (
            not isinstance(description, str) or len(description) > MAX_DESCRIPTION
        ):
            refusals.add(
                "description",
                f"must be a string of at most {MAX_DESCRIPTION} characters {doc.got(description)}",
            )
        condition = Condition()
        if "when" in spec:
            condition = refusals.read("when", _condition, spec["when"]) or condition
        default: str | None = None
        if "calendar" in spec:
            default = refusals.read("calendar", self.calendar_name, spec["calendar"])
        targets: dict[Priority, list[Target]] = {}
        if "targets" in spec:
            targets = (
                refusals.read("targets", lambda v: self.targets(v, default), spec["targets"])
                or targets
            )
        refusals.check()
        assert name is not None
        try:
            return SlaPolicy(
                name=name,
                condition=condition,
                targets=targets,
                description=description if isinstance(description, str) else None,
            )
        except ValidationError as error:
            refusals.add(error.field, doc.strip_field(error.message, error.field))
            refusals.check()
            raise  # pragma: no cover - check() raised

    def calendar_name(self, value: object) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValidationError(
                f"must name a calendar, or be null for calendar time {doc.got(value)}"
            )
        if value == SCHEDULE:
            return value  # the ticket's schedule: the set then needs a default 'schedule'
        if value not in self.calendars:
            known = ", ".join(sorted(self.calendars)) or "none defined"
            raise ValidationError(
                f"must name a calendar of the document (got {shown(value)}); known: {known}"
            )
        return value

    def targets(self, value: object, default: str | None) -> dict[Priority, list[Target]]:
        if not isinstance(value, Mapping):
            raise ValidationError(f"must map priorities to metric targets {doc.got(value)}")
        refusals = structuring.Refusals()
        result: dict[Priority, list[Target]] = {}
        for key, metrics in value.items():
            priority = refusals.read(key, lambda v: structuring.member(Priority, v), key)
            if not isinstance(metrics, Mapping):
                refusals.add(key, f"must map metrics to targets {doc.got(metrics)}")
                continue
            targets: list[Target] = []
            for metric_key, spec in metrics.items():
                where = (key, metric_key)
                metric = refusals.read(where, lambda v: structuring.member(Metric, v), metric_key)
                target = refusals.read(
                    where, partial(self.target, metric=metric, default=default), spec
                )
                if target is not None:
                    targets.append(target)
            if priority is not None:
                result[priority] = targets
        refusals.check()
        return result

    def target(self, value: object, metric: Metric | None, default: str | None) -> Target | None:
        """One metric's target; ``None`` when its metric is unknown (refused by the caller)."""
        if isinstance(value, str):
            written = read_size(value)
            if metric is None:
                return None
            _check_calendar(written, default)
            return Target(
                metric=metric, within=written[0], business_days=written[1], calendar=default
            )
        refusals = structuring.Refusals()
        spec = structuring.table(
            value,
            refusals,
            allowed=_TARGET_KEYS,
            required=("within",),
            what="a duration or a target",
        )
        size = refusals.read("within", read_size, spec["within"]) if "within" in spec else None
        within, days = (None, None) if size is None else size
        calendar = default
        if "calendar" in spec:
            calendar = refusals.read("calendar", self.calendar_name, spec["calendar"])
        if size is not None:
            refusals.read("within", lambda s: _check_calendar(s, calendar), size)
        if days is not None and "warn_before" in spec:
            refusals.add(
                "warn_before",
                "must not be combined with a business-days target; use 'warn_percent'",
            )
        warn_percent = doc.whole(spec.get("warn_percent"))
        if "warn_percent" in spec and (warn_percent is None or not 1 <= warn_percent <= 99):
            refusals.add(
                "warn_percent",
                f"must be {integer_rule(1, 99)} {doc.got(spec['warn_percent'])}",
            )
        warn_before = None
        if "warn_before" in spec:
            warn_before = refusals.read(
                "warn_before", structuring.positive_duration, spec["warn_before"]
            )
            if "warn_percent" in spec:
                refusals.add("warn_before", "must not be combined with 'warn_percent'; choose one")
            elif (
                warn_before is not None
                and within is not None
                and duration_micros(warn_before) >= duration_micros(within)
            ):
                refusals.add(
                    "warn_before",
                    f"must be shorter than 'within' (got {shown(spec['warn_before'])} >= "
                    f"{shown(spec['within'])})",
                )
        paused_by = None
        if "paused_by" in spec:
            paused_by = refusals.read("paused_by", _paused_by, spec["paused_by"])
        refusals.check()
        if metric is None:
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


def _name(value: object) -> str:
    """A policy's name: non-empty, without surrounding blanks, at most MAX_NAME characters."""
    problem = text_problem(value, MAX_NAME)
    if problem is not None:
        raise ValidationError(problem, value=value)
    return value  # type: ignore[return-value]


def _paused_by(value: object) -> list[Status]:
    refusals = structuring.Refusals()
    statuses: list[Status] = []
    for index, item in enumerate(structuring.sequence(value, limit=len(Status), what="statuses")):
        status = refusals.read(index, lambda v: structuring.member(Status, v), item)
        if status is not None and status not in PAUSABLE_STATUSES:
            refusals.add(
                index,
                "must be new, open, pending or on_hold; solved and closed stop clocks "
                f"(got {status.value!r})",
            )
        elif status is not None:
            statuses.append(status)
    refusals.check()
    return statuses


def _check_calendar(size: tuple[object, int | None], calendar: str | None) -> None:
    """A business-days target needs a calendar (its own or its policy's): business days are open days."""
    if size[1] is not None and calendar is None:
        raise ValidationError(
            "needs a calendar: business days are the days a calendar opens; name one with "
            "'calendar' on the target or its policy"
        )


#: The policy set's options, each a top-level document key named like its field.
_OPTIONS = ("on_priority_change", "breaches", "on_reopen", "opening_message")


def _option_defaults() -> list[tuple[str, enum.Enum]]:
    """Each option's key and default, read from :class:`PolicySet` itself."""
    fields = attrs.fields_dict(PolicySet)
    return [(key, cast(enum.Enum, fields[key].default)) for key in _OPTIONS]


_OPERATORS = tuple(o.value for o in Operator)
_LIST_OPERATORS = frozenset(
    {Operator.IN, Operator.NOT_IN, Operator.CONTAINS_ANY, Operator.CONTAINS_NONE}
)


def _condition(value: object, _type: object = None, depth: int = 1) -> Condition:
    if not isinstance(value, Mapping):
        raise ValidationError(
            f"must be an object {{'all': [...]}} or {{'any': [...]}} {doc.got(value)}"
        )
    refusals = structuring.Refusals()
    keys = [k for k in value if k in ("all", "any")]
    others = [k for k in value if k not in ("all", "any")]
    for key in others:
        refusals.add(key, "is not a known key; a condition has exactly one of all, any")
    if len(keys) != 1:
        if not others:
            refusals.add(None, "must have exactly one of 'all' or 'any'")
        refusals.check()
    if depth > MAX_CONDITION_DEPTH:
        refusals.add(None, f"must not nest conditions deeper than {MAX_CONDITION_DEPTH} levels")
        refusals.check()
    key = keys[0]
    terms = refusals.read(key, lambda v: _terms(v, depth), value[key])
    refusals.check()
    return Condition(match=Match(key), terms=terms or [])


def _terms(value: object, depth: int) -> list[FieldTest | Condition]:
    refusals = structuring.Refusals()
    terms: list[FieldTest | Condition] = []
    for index, item in enumerate(structuring.sequence(value, limit=MAX_TERMS, what="terms")):
        term: FieldTest | Condition | None
        if isinstance(item, Mapping) and "field" in item:
            term = refusals.read(index, _field_test, item)
        else:
            term = refusals.read(index, lambda v: _condition(v, None, depth + 1), item)
        if term is not None:
            terms.append(term)
    refusals.check()
    return terms


def _field_test(value: object, _type: object = None) -> FieldTest:
    if not isinstance(value, Mapping):  # pragma: no cover - conditions send only objects here
        raise ValidationError(f"must be an object (a field test) {doc.got(value)}")
    refusals = structuring.Refusals()
    field = value.get("field")
    problem = check_field_name(field)
    if problem is not None:
        refusals.add("field", problem)
    operators = [k for k in value if k in _OPERATORS]
    for key in value:
        if key != "field" and key not in _OPERATORS:
            refusals.add(
                key,
                f"is not a known key; a field test has 'field' and one of {', '.join(_OPERATORS)}",
            )
    if len(operators) != 1:
        refusals.add(
            None,
            f"must have exactly one operator of {', '.join(_OPERATORS)} (got {len(operators)})",
        )
        refusals.check()
    operator = Operator(operators[0])
    where = operator.value
    if problem is None and isinstance(field, str):
        wrong = check_operator_for(field, operator)
        if wrong is not None:
            refusals.add(where, wrong)
    raw = value[operator.value]
    name = field if isinstance(field, str) else ""
    values: list[object]
    if operator in _LIST_OPERATORS:
        listed = refusals.read(
            where, lambda v: structuring.sequence(v, limit=MAX_VALUES, what="values"), raw
        )
        values = listed or []
        if listed is not None and not listed:
            refusals.add(where, "must hold at least one value")
        for index, item in enumerate(values):
            wrong = check_value_for(name, item)
            if wrong is not None:
                refusals.add((where, index), wrong)
    else:
        values = [raw]
        wrong = check_value_for(name, raw)
        if wrong is not None:
            refusals.add(where, wrong)
    refusals.check()
    return FieldTest(field=name, operator=operator, values=[str(v) for v in values])


# ----------------------------------------------------------------- writing documents


def _dump_condition(condition: Condition) -> dict[str, Any]:
    return {condition.match.value: [CONVERTER.unstructure(t, type(t)) for t in condition.terms]}


def _dump_field_test(test: FieldTest) -> dict[str, Any]:
    value: object = list(test.values) if test.operator in _LIST_OPERATORS else test.values[0]
    return {"field": test.field, test.operator.value: value}


def _dump_target(target: Target) -> str | dict[str, Any]:
    if target.within is None:
        assert target.business_days is not None
        within = days_text(target.business_days)
    else:
        within = doc.duration_text(target.within)
    spec: dict[str, Any] = {"within": within}
    if target.calendar is not None:
        spec["calendar"] = target.calendar
    if target.warn_percent is not None:
        spec["warn_percent"] = target.warn_percent
    if target.warn_before is not None:
        spec["warn_before"] = doc.duration_text(target.warn_before)
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
    document["policies"] = [CONVERTER.unstructure(p, SlaPolicy) for p in policies.policies]
    return document


def _dump_policy(policy: SlaPolicy) -> dict[str, Any]:
    item: dict[str, Any] = {"name": policy.name}
    if policy.description is not None:
        item["description"] = policy.description
    if policy.condition != Condition():
        item["when"] = CONVERTER.unstructure(policy.condition, Condition)
    item["targets"] = {
        priority.value: {t.metric.value: CONVERTER.unstructure(t, Target) for t in targets}
        for priority, targets in policy.targets
    }
    return item


def _converter() -> cattrs.Converter:
    """The policy documents' converter: what needs no document's calendars, in and out.

    Each document's reader copies it and adds the hooks that know the
    document's calendars (the document and its policies).
    """
    from ._calendar import BusinessCalendar

    conv = structuring.converter()
    # by identity: registering an attrs class would resolve its annotations
    for cls, read in (
        (Condition, _condition),
        (FieldTest, _field_test),
        (BusinessCalendar, read_calendar),
    ):
        conv.register_structure_hook_func(partial(operator.is_, cls), read)
    writers: tuple[tuple[type, Any], ...] = (
        (PolicySet, _document_of),
        (SlaPolicy, _dump_policy),
        (Target, _dump_target),
        (Condition, _dump_condition),
        (FieldTest, _dump_field_test),
    )
    for kind, write in writers:
        conv.register_unstructure_hook_func(partial(operator.is_, kind), write)
    return conv


#: The policy documents' converter (see :func:`_converter`).
CONVERTER = _converter()


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
    document = CONVERTER.unstructure(policies, PolicySet)
    return doc.dump(document, format=format, inline=frozenset({"when"}))


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
