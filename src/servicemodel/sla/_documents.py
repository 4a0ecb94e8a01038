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
import tomllib
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import pendulum

from .._time import duration_micros, parse_duration
from ..exceptions import CalendarError, PolicyDocumentError, Problem, ValidationError
from ..interactions import Priority, Status
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
from ._policies import MAX_CALENDARS, MAX_POLICIES, PolicySet, PriorityChangeRule, SlaPolicy, Target

if TYPE_CHECKING:
    from ._calendar import BusinessCalendar

__all__ = ["dump_policies", "dumps_policies", "load_policies", "policy_schema"]

#: The document format version this library reads and writes.
FORMAT_VERSION = 1
#: Largest document text (bytes of UTF-8) and file accepted.
MAX_DOCUMENT_BYTES = 1_000_000
#: Deepest nesting of objects and arrays, and most values, in one document.
MAX_NESTING = 32
MAX_NODES = 200_000
#: Longest name (policy, calendar) and description.
MAX_NAME = 256
MAX_DESCRIPTION = 4_096
#: Most holidays, closures or openings in one calendar, and ranges per day.
MAX_CALENDAR_ENTRIES = 1_000
MAX_RANGES_PER_DAY = 48
_MAX_PROBLEMS = 1_000
_MAX_SHOWN = 60

E = TypeVar("E", bound=enum.Enum)


class _Problems:
    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        if len(self.items) < _MAX_PROBLEMS:
            self.items.append(Problem(path, message))
        elif len(self.items) == _MAX_PROBLEMS:
            self.items.append(Problem("", f"more than {_MAX_PROBLEMS} problems; stopped listing"))


def _shown(value: object) -> str:
    try:
        text = repr(value)
    except Exception:  # a hostile __repr__ must not escape
        text = f"<{type(value).__name__}>"
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    return type(value).__name__


def _got(value: object) -> str:
    return f"(got {_kind(value)} {_shown(value)})"


def _join(path: str, key: object) -> str:
    text = str(key)
    simple = 0 < len(text) <= 64 and all(c.isalnum() or c in "_-" for c in text) and text.isascii()
    if simple:
        return f"{path}.{text}" if path else text
    return f"{path}[{json.dumps(text[:64], ensure_ascii=True)}]"


def _at(path: str, index: int) -> str:
    return f"{path}[{index}]"


def _strip_field(message: str, field: str | None) -> str:
    if field is not None and message.startswith(f"'{field}' "):
        return message[len(field) + 3 :]
    return message


# ----------------------------------------------------------------- reading the source


def _read(source: object, problems: _Problems) -> object:
    """Turn the source into plain data (or report why that is impossible)."""
    if isinstance(source, Mapping):
        return source
    if isinstance(source, os.PathLike):
        return _read_file(Path(source), problems)
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8")
        except UnicodeDecodeError as error:
            problems.add("", f"document must be UTF-8 text ({error.reason} at byte {error.start})")
            return None
    if isinstance(source, str):
        return _parse_text(source, None, problems)
    problems.add(
        "",
        "document must be a mapping, JSON or TOML text, or a path to a .json or .toml file "
        + _got(source),
    )
    return None


def _read_file(path: Path, problems: _Problems) -> object:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as error:
        problems.add("", f"cannot read {str(path)!r}: {error.strerror or error}")
        return None
    if len(data) > MAX_DOCUMENT_BYTES:
        problems.add("", f"document must be at most {MAX_DOCUMENT_BYTES} bytes (got more)")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.add("", f"document must be UTF-8 text ({error.reason} at byte {error.start})")
        return None
    suffix = path.suffix.lower()
    return _parse_text(
        text, "json" if suffix == ".json" else "toml" if suffix == ".toml" else None, problems
    )


_TOO_LONG_NUMBER = "invalid {syntax}: a number must have at most 4300 digits (got one with more)"


class _DuplicateKey(Exception):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _parse_text(text: str, syntax: str | None, problems: _Problems) -> object:
    if (
        len(text) > MAX_DOCUMENT_BYTES
        or len(text.encode("utf-8", "surrogatepass")) > MAX_DOCUMENT_BYTES
    ):
        problems.add(
            "", f"document must be at most {MAX_DOCUMENT_BYTES} bytes (got {len(text)} characters)"
        )
        return None
    if syntax is None:
        syntax = "json" if text.lstrip().startswith("{") else "toml"
    if syntax == "json":
        try:
            return json.loads(text, object_pairs_hook=_no_duplicates)
        except _DuplicateKey as error:
            problems.add("", f"JSON text must not repeat a key (got {_shown(error.args[0])} twice)")
        except json.JSONDecodeError as error:
            problems.add(
                "", f"invalid JSON: {error.msg} at line {error.lineno} column {error.colno}"
            )
        except ValueError:  # an integer past the interpreter's digit limit
            problems.add("", _TOO_LONG_NUMBER.format(syntax="JSON"))
        except RecursionError:
            problems.add("", f"document must not nest deeper than {MAX_NESTING} levels")
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        hint = ""
        if "\n" not in text and text.strip().lower().endswith((".toml", ".json")):
            hint = "; to read a file pass a pathlib.Path, not a string"
        problems.add("", f"invalid TOML: {error}{hint}")
    except ValueError:  # an integer past the interpreter's digit limit
        problems.add("", _TOO_LONG_NUMBER.format(syntax="TOML"))
    except RecursionError:
        problems.add("", f"document must not nest deeper than {MAX_NESTING} levels")
    return None


def _bounded(data: object, problems: _Problems) -> bool:
    """Check nesting depth and size without recursion before walking the document."""
    stack: list[tuple[object, int]] = [(data, 1)]
    nodes = 0
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            problems.add("", f"document must hold at most {MAX_NODES} values")
            return False
        if isinstance(value, Mapping | list | tuple):
            if depth > MAX_NESTING:
                problems.add("", f"document must not nest deeper than {MAX_NESTING} levels")
                return False
            children = value.values() if isinstance(value, Mapping) else value
            stack.extend((child, depth + 1) for child in children)
        elif isinstance(value, str) and len(value) > MAX_DOCUMENT_BYTES:
            problems.add("", f"document must be at most {MAX_DOCUMENT_BYTES} bytes")
            return False
    return True


# ----------------------------------------------------------------- walking the document


def _object(
    value: object,
    path: str,
    problems: _Problems,
    *,
    allowed: tuple[str, ...],
    required: tuple[str, ...] = (),
    what: str,
) -> dict[str, object] | None:
    if not isinstance(value, Mapping):
        problems.add(path, f"must be an object ({what}) {_got(value)}")
        return None
    result: dict[str, object] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            problems.add(path, f"keys must be strings {_got(key)}")
        elif key not in allowed:
            problems.add(
                _join(path, key), f"is not a known key; expected one of {', '.join(allowed)}"
            )
        else:
            result[key] = item
    for key in required:
        if key not in result:
            problems.add(_join(path, key), "is required")
    return result


def _name(value: object, path: str, problems: _Problems, *, limit: int = MAX_NAME) -> str | None:
    if not isinstance(value, str) or not value or value != value.strip() or len(value) > limit:
        problems.add(
            path,
            f"must be a non-empty string of at most {limit} characters without surrounding "
            f"blanks {_got(value)}",
        )
        return None
    return value


def _integer(value: object) -> int | None:
    """An integer, or a float with an integral value (JSON Schema's notion of an integer)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _choice(enum_type: type[E], value: object, path: str, problems: _Problems) -> E | None:
    if isinstance(value, str):
        for member in enum_type:
            if member.value == value:
                return member
    allowed = ", ".join(repr(m.value) for m in enum_type)
    problems.add(path, f"must be one of {allowed} {_got(value)}")
    return None


def _duration(value: object, path: str, problems: _Problems) -> pendulum.Duration | None:
    try:
        return parse_duration(value, field="duration")
    except ValidationError as error:
        problems.add(path, _strip_field(error.message, "duration"))
        return None


def _list(
    value: object, path: str, problems: _Problems, *, limit: int, what: str
) -> list[object] | None:
    if not isinstance(value, list | tuple):
        problems.add(path, f"must be an array of {what} {_got(value)}")
        return None
    if len(value) > limit:
        problems.add(path, f"must hold at most {limit} {what} (got {len(value)})")
        return None
    return list(value)


def load_policies(
    source: Mapping[str, Any] | str | bytes | os.PathLike[str],
    *,
    calendars: Mapping[str, BusinessCalendar] | None = None,
) -> PolicySet:
    """Load a policy document into a :class:`~servicemodel.sla.PolicySet`.

    *source* is a mapping, JSON text, TOML text (text starting with ``{`` is
    JSON) or a ``pathlib.Path`` to a ``.json`` or ``.toml`` file. Calendars
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
    problems = _Problems()
    data = _read(source, problems)
    result = None
    if not problems.items and _bounded(data, problems):
        result = _document(data, dict(calendars or {}), problems)
    if problems.items or result is None:
        raise PolicyDocumentError(problems.items or [Problem("", "document is empty")])
    return result


_TOP_KEYS = ("version", "on_priority_change", "calendars", "policies")
_POLICY_KEYS = ("name", "description", "when", "calendar", "targets")
_TARGET_KEYS = ("within", "calendar", "warn_percent", "warn_before", "paused_by")
_CALENDAR_KEYS = ("timezone", "hours", "holidays", "closures", "openings", "overnight")


def _document(
    data: object, given: dict[str, BusinessCalendar], problems: _Problems
) -> PolicySet | None:
    doc = _object(
        data, "", problems, allowed=_TOP_KEYS, required=("policies",), what="a policy document"
    )
    if doc is None:
        return None
    if "version" in doc:
        version = doc["version"]
        if _integer(version) != FORMAT_VERSION:
            problems.add("version", f"must be {FORMAT_VERSION} {_got(version)}")
    rule = PriorityChangeRule.KEEP_ELAPSED
    if "on_priority_change" in doc:
        rule = (
            _choice(PriorityChangeRule, doc["on_priority_change"], "on_priority_change", problems)
            or rule
        )
    calendars = dict(given)
    if "calendars" in doc:
        calendars.update(_calendars(doc["calendars"], problems))
    names = frozenset(calendars)
    policies: list[SlaPolicy] = []
    seen: dict[str, int] = {}
    items = _list(
        doc.get("policies", []), "policies", problems, limit=MAX_POLICIES, what="policies"
    )
    for index, item in enumerate(items or ()):
        path = _at("policies", index)
        policy = _policy(item, path, names, problems)
        raw = item.get("name") if isinstance(item, Mapping) else None
        if isinstance(raw, str):
            if raw in seen:
                problems.add(
                    _join(path, "name"),
                    f"duplicate policy name {_shown(raw)} (also policies[{seen[raw]}])",
                )
            else:
                seen[raw] = index
        if policy is not None:
            policies.append(policy)
    if problems.items:
        return None
    try:
        return PolicySet(policies=policies, calendars=calendars, on_priority_change=rule)
    except ValidationError as error:  # a rule checked only by the values themselves
        problems.add(error.field or "", _strip_field(error.message, error.field))
        return None


def _calendars(value: object, problems: _Problems) -> dict[str, BusinessCalendar]:
    result: dict[str, BusinessCalendar] = {}
    if not isinstance(value, Mapping):
        problems.add("calendars", f"must be an object mapping names to calendars {_got(value)}")
        return result
    if len(value) > MAX_CALENDARS:
        problems.add("calendars", f"must hold at most {MAX_CALENDARS} calendars (got {len(value)})")
        return result
    for key, spec in value.items():
        path = _join("calendars", key)
        name = _name(key, path, problems, limit=64)
        calendar = _calendar(spec, path, problems)
        if name is not None and calendar is not None:
            result[name] = calendar
    return result


def _calendar(value: object, path: str, problems: _Problems) -> BusinessCalendar | None:
    from ._calendar import BusinessCalendar, Overnight

    before = len(problems.items)
    spec = _object(
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
            _join(path, "timezone"),
            f"must be an IANA zone name such as 'Europe/London' {_got(timezone)}",
        )
    hours = spec.get("hours")
    if "hours" in spec:
        _hours_shape(hours, _join(path, "hours"), problems)
    holidays: list[_dt.date] = []
    for index, item in enumerate(
        _list(
            spec.get("holidays", []),
            _join(path, "holidays"),
            problems,
            limit=MAX_CALENDAR_ENTRIES,
            what="dates",
        )
        or ()
    ):
        day = _date(item)
        if day is None:
            problems.add(
                _at(_join(path, "holidays"), index), f"must be a date 'YYYY-MM-DD' {_got(item)}"
            )
        else:
            holidays.append(day)
    ranges: dict[str, list[tuple[str, str]]] = {}
    for key in ("closures", "openings"):
        ranges[key] = []
        where = _join(path, key)
        for index, item in enumerate(
            _list(
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
                    _at(where, index),
                    f"must be [start, end] local datetimes like ['2024-12-24T13:00', '2024-12-24T17:00'] {_got(item)}",
                )
            else:
                ranges[key].append(pair)
    overnight = Overnight.SPLIT_AT_MIDNIGHT
    if "overnight" in spec:
        overnight = (
            _choice(Overnight, spec["overnight"], _join(path, "overnight"), problems) or overnight
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
        where = _join(path, head) if head in _CALENDAR_KEYS else path
        problems.add(where, _strip_field(message, field))
        return None


def _hours_shape(value: object, path: str, problems: _Problems) -> None:
    if not isinstance(value, Mapping):
        problems.add(
            path, f"must map days to ranges, e.g. {{'mon-fri': '09:00-17:00'}} {_got(value)}"
        )
        return
    if len(value) > 7 * 2:
        problems.add(path, f"must name at most 14 day groups (got {len(value)})")
        return
    for key, ranges in value.items():
        where = _join(path, key)
        if not isinstance(key, str) or len(key) > 16:
            problems.add(path, f"day names must be like 'mon' or 'mon-fri' {_got(key)}")
            continue
        items = [ranges] if isinstance(ranges, str) else ranges
        if not isinstance(items, list | tuple) or len(items) > MAX_RANGES_PER_DAY:
            problems.add(
                where,
                f"must be a range like '09:00-17:00' or a list of at most {MAX_RANGES_PER_DAY} {_got(ranges)}",
            )
            continue
        for index, item in enumerate(items):
            if not isinstance(item, str) or len(item) > 16:
                problems.add(
                    _at(where, index) if not isinstance(ranges, str) else where,
                    f"must be a range like '09:00-17:00' {_got(item)}",
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


def _policy(
    value: object, path: str, calendars: frozenset[str], problems: _Problems
) -> SlaPolicy | None:
    spec = _object(
        value, path, problems, allowed=_POLICY_KEYS, required=("name", "targets"), what="a policy"
    )
    if spec is None:
        return None
    before = len(problems.items)
    name = _name(spec["name"], _join(path, "name"), problems) if "name" in spec else None
    description = spec.get("description")
    if description is not None and (
        not isinstance(description, str) or len(description) > MAX_DESCRIPTION
    ):
        problems.add(
            _join(path, "description"),
            f"must be a string of at most {MAX_DESCRIPTION} characters {_got(description)}",
        )
    condition = Condition()
    if "when" in spec:
        condition = _condition(spec["when"], _join(path, "when"), 1, problems) or condition
    default_calendar: str | None = None
    if "calendar" in spec:
        default_calendar = _calendar_name(
            spec["calendar"], _join(path, "calendar"), calendars, problems
        )
    targets: dict[Priority, list[Target]] = {}
    if "targets" in spec:
        targets = _targets(
            spec["targets"], _join(path, "targets"), default_calendar, calendars, problems
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
        problems.add(_join(path, error.field or ""), _strip_field(error.message, error.field))
        return None


def _calendar_name(
    value: object, path: str, calendars: frozenset[str], problems: _Problems
) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        problems.add(path, f"must name a calendar, or be null for calendar time {_got(value)}")
        return None
    if value not in calendars:
        known = ", ".join(sorted(calendars)) or "none defined"
        problems.add(
            path, f"must name a calendar of the document (got {_shown(value)}); known: {known}"
        )
        return None
    return value


def _targets(
    value: object,
    path: str,
    default_calendar: str | None,
    calendars: frozenset[str],
    problems: _Problems,
) -> dict[Priority, list[Target]]:
    result: dict[Priority, list[Target]] = {}
    if not isinstance(value, Mapping):
        problems.add(path, f"must map priorities to metric targets {_got(value)}")
        return result
    for key, metrics in value.items():
        where = _join(path, key)
        priority = _choice(Priority, key, where, problems)
        if not isinstance(metrics, Mapping):
            problems.add(where, f"must map metrics to targets {_got(metrics)}")
            continue
        targets: list[Target] = []
        for metric_key, spec in metrics.items():
            at = _join(where, metric_key)
            metric = _choice(Metric, metric_key, at, problems)
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
    problems: _Problems,
) -> Target | None:
    if isinstance(value, str):
        within = _duration(value, path, problems)
        if within is None or metric is None:
            return None
        return Target(metric=metric, within=within, calendar=default_calendar)
    spec = _object(
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
    within = (
        _duration(spec["within"], _join(path, "within"), problems) if "within" in spec else None
    )
    calendar = default_calendar
    if "calendar" in spec:
        calendar = _calendar_name(spec["calendar"], _join(path, "calendar"), calendars, problems)
    warn_percent = _integer(spec.get("warn_percent"))
    if "warn_percent" in spec and (warn_percent is None or not 1 <= warn_percent <= 99):
        problems.add(
            _join(path, "warn_percent"),
            f"must be an integer from 1 to 99 {_got(spec['warn_percent'])}",
        )
    warn_before = None
    if "warn_before" in spec:
        warn_before = _duration(spec["warn_before"], _join(path, "warn_before"), problems)
        if "warn_percent" in spec:
            problems.add(
                _join(path, "warn_before"), "must not be combined with 'warn_percent'; choose one"
            )
        elif (
            warn_before is not None
            and within is not None
            and duration_micros(warn_before) >= duration_micros(within)
        ):
            problems.add(
                _join(path, "warn_before"),
                f"must be shorter than 'within' (got {_shown(spec['warn_before'])} >= {_shown(spec['within'])})",
            )
    paused_by: list[Status] | None = None
    if "paused_by" in spec:
        paused_by = []
        where = _join(path, "paused_by")
        items = _list(spec["paused_by"], where, problems, limit=len(Status), what="statuses")
        for index, item in enumerate(items or ()):
            status = _choice(Status, item, _at(where, index), problems)
            if status is not None and status not in PAUSABLE_STATUSES:
                problems.add(
                    _at(where, index),
                    f"must be new, open, pending or on_hold; solved and closed stop clocks (got {status.value!r})",
                )
            elif status is not None:
                paused_by.append(status)
    if len(problems.items) > before or within is None or metric is None:
        return None
    return Target(
        metric=metric,
        within=within,
        calendar=calendar,
        warn_percent=warn_percent,
        warn_before=warn_before,
        paused_by=paused_by,
    )


_OPERATORS = tuple(o.value for o in Operator)
_LIST_OPERATORS = frozenset(
    {Operator.IN, Operator.NOT_IN, Operator.CONTAINS_ANY, Operator.CONTAINS_NONE}
)


def _condition(value: object, path: str, depth: int, problems: _Problems) -> Condition | None:
    if not isinstance(value, Mapping):
        problems.add(path, f"must be an object {{'all': [...]}} or {{'any': [...]}} {_got(value)}")
        return None
    keys = [k for k in value if k in ("all", "any")]
    others = [k for k in value if k not in ("all", "any")]
    for key in others:
        problems.add(
            _join(path, key) if isinstance(key, str) else path,
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
    where = _join(path, key)
    items = _list(value[key], where, problems, limit=MAX_TERMS, what="terms")
    terms: list[FieldTest | Condition] = []
    ok = items is not None
    for index, item in enumerate(items or ()):
        at = _at(where, index)
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


def _field_test(value: Mapping[Any, Any], path: str, problems: _Problems) -> FieldTest | None:
    before = len(problems.items)
    field = value.get("field")
    problem = check_field_name(field)
    if problem is not None:
        problems.add(_join(path, "field"), problem)
    operators = [k for k in value if k in _OPERATORS]
    for key in value:
        if key != "field" and key not in _OPERATORS:
            problems.add(
                _join(path, key) if isinstance(key, str) else path,
                f"is not a known key; a field test has 'field' and one of {', '.join(_OPERATORS)}",
            )
    if len(operators) != 1:
        problems.add(
            path,
            f"must have exactly one operator of {', '.join(_OPERATORS)} (got {len(operators)})",
        )
        return None
    operator = Operator(operators[0])
    where = _join(path, operator.value)
    if problem is None and isinstance(field, str):
        wrong = check_operator_for(field, operator)
        if wrong is not None:
            problems.add(where, wrong)
    raw = value[operator.value]
    values: list[object]
    if operator in _LIST_OPERATORS:
        listed = _list(raw, where, problems, limit=MAX_VALUES, what="values")
        values = listed or []
        if listed is not None and not listed:
            problems.add(where, "must hold at least one value")
        for index, item in enumerate(values):
            wrong = check_value_for(field if isinstance(field, str) else "", item)
            if wrong is not None:
                problems.add(_at(where, index), wrong)
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


def _dump_target(target: Target) -> str | dict[str, Any]:
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


_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _clock_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _local_text(value: _dt.datetime) -> str:
    return value.isoformat(
        timespec="minutes" if not (value.second or value.microsecond) else "auto"
    )


def _dump_calendar(calendar: object, name: str) -> dict[str, Any]:
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


def dump_policies(policies: PolicySet) -> dict[str, Any]:
    """Write a policy set as a document (plain JSON-compatible data).

    ``load_policies(dump_policies(p)) == p`` for every policy set whose
    calendars are weekly business calendars.

    >>> import pendulum
    >>> ps = PolicySet(policies=[SlaPolicy(name="Standard", targets={
    ...     "normal": [Target(metric="first_reply", within=pendulum.duration(hours=4))]})])
    >>> dump_policies(ps)
    {'version': 1, 'policies': [{'name': 'Standard', 'targets': {'normal': {'first_reply': '4h'}}}]}
    >>> load_policies(dump_policies(ps)) == ps
    True
    """
    document: dict[str, Any] = {"version": FORMAT_VERSION}
    if policies.on_priority_change is not PriorityChangeRule.KEEP_ELAPSED:
        document["on_priority_change"] = policies.on_priority_change.value
    if policies.calendars:
        document["calendars"] = {
            name: _dump_calendar(cal, name) for name, cal in policies.calendars
        }
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


def dumps_policies(policies: PolicySet, *, syntax: str = "json") -> str:
    """Write a policy set as JSON (``syntax="json"``, the default) or TOML (``"toml"``) text.

    >>> import pendulum
    >>> ps = PolicySet(policies=[SlaPolicy(name="Standard", targets={
    ...     "normal": [Target(metric="first_reply", within=pendulum.duration(hours=4))]})])
    >>> print(dumps_policies(ps, syntax="toml"))
    version = 1
    <BLANKLINE>
    [[policies]]
    name = "Standard"
    <BLANKLINE>
    [policies.targets.normal]
    first_reply = "4h"
    <BLANKLINE>
    >>> load_policies(dumps_policies(ps, syntax="toml")) == ps
    True
    """
    document = dump_policies(policies)
    if syntax == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if syntax == "toml":
        return _toml(document)
    raise ValidationError(
        f"'syntax' must be 'json' or 'toml' (got {syntax!r})", field="syntax", value=syntax
    )


def _toml_key(key: str) -> str:
    if key and all(c.isascii() and (c.isalnum() or c in "_-") for c in key):
        return key
    return _toml_string(key)


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, Mapping):
        return (
            "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
        )
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _toml(document: Mapping[str, Any]) -> str:
    lines: list[str] = []
    _toml_table(document, [], lines, header=None)
    return "\n".join(lines) + "\n"


def _toml_table(
    table: Mapping[str, Any], prefix: list[str], lines: list[str], header: str | None
) -> None:
    if header is not None:
        if lines:
            lines.append("")
        lines.append(header)
    nested: list[tuple[str, Any]] = []
    for key, value in table.items():
        is_tables = (
            isinstance(value, list)
            and value
            and all(isinstance(v, Mapping) for v in value)
            and key == "policies"
        )
        if (isinstance(value, Mapping) and key != "when") or is_tables:
            nested.append((key, value))
        else:
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    for key, value in nested:
        path = [*prefix, _toml_key(key)]
        if isinstance(value, list):
            for item in value:
                _toml_table(item, path, lines, header=f"[[{'.'.join(path)}]]")
        elif all(isinstance(v, Mapping) and k != "when" for k, v in value.items()) and value:
            for sub_key, sub_value in value.items():
                _toml_table(
                    sub_value,
                    [*path, _toml_key(sub_key)],
                    lines,
                    header=f"[{'.'.join([*path, _toml_key(sub_key)])}]",
                )
        else:
            _toml_table(value, path, lines, header=f"[{'.'.join(path)}]")


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
    ['calendars', 'on_priority_change', 'policies', 'version']
    """
    text = resources.files("servicemodel.sla").joinpath("policy.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
