"""The service model document: load a model from JSON, TOML, a mapping or a file, and write it back.

The document layer (:mod:`servicemodel._documents`) reads and bounds the
text; the model's cattrs converter structures goals, scopes, follow-up rules
and the recognition policy (in the model's zone) and unstructures them back;
the embedded SLA policy document and loyalty programme go through their own
packages' loaders and writers.
"""

from __future__ import annotations

import datetime as _dt
import math
import operator
import re
from collections.abc import Mapping
from fractions import Fraction
from functools import partial
from typing import Any, Literal, TypeVar, overload

import cattrs
import pendulum
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from .. import _documents as doc
from .. import _structure as structuring
from .._time import parse_duration, zone
from ..exceptions import DocumentError, ModelDocumentError, Problem, ValidationError
from ..goals import Goal, Scope
from ..loyalty import Programme, dump_programme, load_programme
from ..sla import PolicySet, dump_policies, load_policies
from ..team import RecognitionPolicy
from ._followup import FollowUpRule
from ._service_model import ServiceModel, _channels, _feedback, _type

__all__ = ["dump_model", "load_model"]

T = TypeVar("T")

_TOP = (
    "name",
    "type",
    "timezone",
    "channels",
    "feedback",
    "business_calendar",
    "theme_tag_prefix",
    "sla",
    "goals",
    "follow_ups",
    "recognition",
    "loyalty",
)
_GOAL_KEYS = (
    "name",
    "description",
    "metric",
    "variant",
    "direction",
    "baseline",
    "target",
    "start",
    "deadline",
    "owner",
    "objective",
    "scope",
    "max_change_per_month",
)
_FOLLOW_UP_KEYS = ("name", "trigger", "after", "channel")
_RECOGNITION_KEYS = (
    "fast_under",
    "resolve_within",
    "fast_points",
    "on_time_points",
    "late_points",
    "first_contact_points",
    "happy_points",
    "unhappy_points",
    "csat",
    "minimum_samples",
    "tie_break",
    "speed",
    "on_time",
    "rescoring",
)
_MAX_GOALS = 100


def _keys(
    value: object, path: str, allowed: tuple[str, ...], problems: doc.Problems
) -> dict[str, Any]:
    refusals = structuring.Refusals()
    try:
        known = structuring.table(value, refusals, allowed=allowed, what="a table")
    except ValidationError as error:
        problems.add(path, error.message)
        return {}
    refusals.record(problems, path)
    return dict(known)


_NUMBER = re.compile(r"[+-]?\d{1,15}(?:\.\d{1,15})?")
_RATIO = re.compile(r"[+-]?\d{1,15}/0*[1-9]\d{0,14}")
_LARGEST = 10**15


def _value(value: object, _type: object = None) -> Any:
    """A goal value: a number (at most 10**15 in size), or a duration written as text ("45m")."""
    rule = (
        "must be a finite number of at most 15 digits, a fraction such as '1/3', "
        "or a duration such as '45m'"
    )
    if isinstance(value, bool) or value is None:
        raise structuring.refuse(rule, value)
    if isinstance(value, int) and abs(value) <= _LARGEST:
        return value
    if isinstance(value, float) and math.isfinite(value) and abs(value) <= _LARGEST:
        return Fraction(str(value))
    if isinstance(value, str) and len(value) <= 64:
        if _NUMBER.fullmatch(value.strip()) or _RATIO.fullmatch(value.strip()):
            return Fraction(value.strip())
        try:
            return parse_duration(value, field="value")
        except ValidationError:
            pass
    raise structuring.refuse(rule, value)


def _instant(tz: str) -> Any:
    """The hook for a goal's dates: a date ("2024-01-01", local midnight in *tz*) or a timestamp."""

    def instant(value: object, _type: object = None) -> pendulum.DateTime:
        if isinstance(value, _dt.datetime):
            if value.tzinfo is None:
                return pendulum.instance(value, tz=tz)
            return pendulum.instance(value)
        if isinstance(value, _dt.date):
            return pendulum.datetime(value.year, value.month, value.day, tz=tz)
        if isinstance(value, str):
            try:
                if len(value) == 10:
                    day = _dt.date.fromisoformat(value)
                    return pendulum.datetime(day.year, day.month, day.day, tz=tz)
                parsed = _dt.datetime.fromisoformat(value)
            except ValueError:
                pass
            else:
                if parsed.tzinfo is None:
                    return pendulum.instance(parsed, tz=tz)
                return pendulum.instance(parsed)
        raise ValidationError(
            f"must be a date 'YYYY-MM-DD' or an ISO timestamp (got {value!r})", value=value
        )

    return instant


def _duration_text(value: object, _type: object = None) -> Any:
    """A duration written as text goes through the one duration parser; anything else as written."""
    return structuring.positive_duration(value) if isinstance(value, str) else value


def _table(value: object, _type: object = None) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValidationError(f"must be an object (a table) {doc.got(value)}", value=value)
    return value


def _converter(tz: str) -> cattrs.Converter:
    """The model document's converter: goals, scopes, follow-up rules and recognition, in *tz*.

    Values go as written to the classes, which name their rules; hooks read
    only what a document writes differently: goal values (numbers or
    durations as text), dates in the model's zone, durations as text.
    """
    conv = structuring.converter(strict=False)
    value, instant = override(struct_hook=_value), override(struct_hook=_instant(tz))
    duration = override(struct_hook=_duration_text)
    scope = make_dict_structure_fn(Scope, conv)
    conv.register_structure_hook(Scope, lambda raw, cls: scope(_table(raw), cls))
    hooks: dict[type[Any], Any] = {
        Goal: make_dict_structure_fn(
            Goal,
            conv,
            baseline=value,
            target=value,
            max_change_per_month=value,
            start=instant,
            deadline=instant,
        ),
        FollowUpRule: make_dict_structure_fn(FollowUpRule, conv, after=duration),
        RecognitionPolicy: make_dict_structure_fn(
            RecognitionPolicy, conv, fast_under=duration, resolve_within=duration
        ),
    }
    for cls, hook in hooks.items():
        conv.register_structure_hook(cls, hook)
    return conv


def _goal_value(value: Fraction) -> int | float | str:
    """A goal value as the document writes it: a whole number, an exact decimal, or ``"n/d"``.

    A value the document could not read back (more than 15 digits on either
    side of the fraction) is refused here, so that a written model always loads.
    """
    written: int | float | str
    if value.denominator == 1:
        written = value.numerator
    elif Fraction(repr(float(value))) == value:
        written = float(value)
    else:
        written = f"{value.numerator}/{value.denominator}"
    try:
        _value(written)
    except ValidationError:
        raise ValidationError(
            "a goal's 'value' must be a number a model document holds: at most 15 digits, "
            f"or a fraction of two such numbers (got {value})",
            field="value",
            value=value,
        ) from None
    return written


def _writing(conv: cattrs.Converter, tz: str) -> cattrs.Converter:
    """*conv* given its unstructure half: what a model document writes for each value.

    Added only to write (generating the writers costs a load some milliseconds).
    """
    conv.register_unstructure_hook(Fraction, _goal_value)
    conv.register_unstructure_hook(pendulum.DateTime, lambda d: d.isoformat())
    conv.register_unstructure_hook(pendulum.Duration, doc.duration_text)
    conv.register_unstructure_hook_func(
        lambda hint: hint is frozenset or getattr(hint, "__origin__", None) is frozenset,
        lambda values: sorted(conv.unstructure(v) for v in values),
    )
    # by identity: registering these classes would resolve annotations they keep for type checkers
    conv.register_unstructure_hook_func(
        partial(operator.is_, PolicySet), lambda p: dump_policies(p, format="mapping")
    )
    conv.register_unstructure_hook_func(
        partial(operator.is_, Programme), lambda p: dump_programme(p, format="mapping")
    )
    for cls in (Scope, Goal, FollowUpRule):  # a part before what holds it
        conv.register_unstructure_hook(
            cls, make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True)
        )
    recognition = make_dict_unstructure_fn(
        RecognitionPolicy, conv, _cattrs_omit_if_default=True, zone=override(omit=True)
    )

    def unstructure_recognition(policy: RecognitionPolicy) -> dict[str, Any]:
        if policy.zone != tz:  # a document's recognition policy runs in the model's zone
            raise ValidationError(
                f"'recognition' must run in the model's zone {tz!r} to be written to a "
                f"document (got {policy.zone!r})",
                field="recognition",
                value=policy,
            )
        return recognition(policy)

    conv.register_unstructure_hook(RecognitionPolicy, unstructure_recognition)
    conv.register_unstructure_hook(
        ServiceModel,
        make_dict_unstructure_fn(
            ServiceModel,
            conv,
            _cattrs_omit_if_default=True,
            name=override(omit_if_default=False),
            type=override(omit_if_default=False),
            channels=override(omit_if_default=False),
            policies=override(rename="sla"),
            programme=override(rename="loyalty"),
        ),
    )
    return conv


@overload
def dump_model(model: ServiceModel, *, format: Literal["mapping"]) -> dict[str, Any]: ...
@overload
def dump_model(model: ServiceModel, *, format: Literal["toml", "json"] = ...) -> str: ...
def dump_model(model: ServiceModel, *, format: str = "toml") -> str | dict[str, Any]:
    """Write a service model as a TOML (default) or JSON document, or as plain data (``"mapping"``).

    :func:`load_model` reads every form back: ``load_model(dump_model(m)) == m``.
    The SLA policies and the loyalty programme are written in their own
    documents' formats under ``sla`` and ``loyalty``.

    Raises:
        ValidationError: the model holds what a document cannot (a combined
            calendar, a recognition policy in another zone).

    >>> from servicemodel.model import ServiceModel
    >>> model = ServiceModel(name="Desk", type="reactive", channels=["email", "chat"])
    >>> print(dump_model(model), end="")
    name = "Desk"
    type = "reactive"
    channels = ["chat", "email"]
    >>> load_model(dump_model(model, format="json")) == model
    True
    """
    document = _writing(_converter(model.timezone), model.timezone).unstructure(model)
    return doc.dump(document, format=format, inline=frozenset({"when", "scope"}))


def _build(label: str, path: str, problems: doc.Problems, factory: Any, **fields: Any) -> Any:
    try:
        return factory(**fields)
    except ValidationError as error:
        where = doc.join(path, error.field) if error.field else path
        problems.add(where, doc.strip_field(error.message, error.field))
        return None
    except TypeError as error:  # a field of the wrong type reached a constructor
        problems.add(path, f"is not a valid {label} ({error})")
        return None


def load_model(
    source: doc.Source,
    *,
    format: str | None = None,
) -> ServiceModel:
    """Load a service model document (a mapping, JSON or TOML text or bytes, or a path).

    The document names the model, its type and channels, and may embed an
    SLA policy document (``sla``, the format of :func:`servicemodel.sla.load_policies`),
    goals, follow-up rules, a recognition policy and a loyalty programme
    (``loyalty``, the format of :func:`servicemodel.loyalty.load_programme`).
    Every problem is collected, each with its path (``goals[1].target``,
    ``sla.policies[0].targets.urgent.first_reply``), into one error.
    The format is described in ``docs/reference/model-document.md``.

    Raises:
        ModelDocumentError: the document has problems.

    >>> model = load_model('''
    ... name = "Northwind"
    ... type = "reactive"
    ... channels = ["email", "chat"]
    ... ''')
    >>> model.type.value, sorted(c.value for c in model.channels)
    ('reactive', ['chat', 'email'])
    >>> load_model({"name": "X", "type": "psychic", "channels": ["email"], "colour": "red"})
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ModelDocumentError: 2 problems in model document:
      colour: is not a known key; expected one of name, type, timezone, channels, feedback, business_calendar, theme_tag_prefix, sla, goals, follow_ups, recognition, loyalty
      type: must be one of 'reactive', 'proactive', 'self_service', 'hybrid' (got 'psychic')
    """
    try:
        return _load_model(source, format)
    except ModelDocumentError:
        raise
    except (ValidationError, ValueError, TypeError, OverflowError, RecursionError) as error:
        # A value the checks above did not anticipate (a 5,000-digit integer in a
        # message, an exotic type): still one servicemodel error, never a crash.
        raise ModelDocumentError(
            [Problem("", f"document could not be read ({type(error).__name__})")]
        ) from None


def _load_model(source: object, format: str | None) -> ServiceModel:
    problems = doc.Problems()
    data = doc.read(source, format=format, problems=problems)
    if data is None:
        raise ModelDocumentError(problems.items)
    top = _keys(data, "", _TOP, problems)
    fields = _top_fields(top, problems)
    tz = fields["timezone"]
    if "sla" in top:
        sla = top["sla"]
        wrong = f"must be an SLA policy document (got {type(sla).__name__})"
        fields["policies"] = _nested("sla", sla, load_policies, wrong, problems)
    conv = _converter(tz)
    for key, (cls, keys, wrong, limit) in _ARRAYS.items():
        fields[key] = _each(
            key, top.get(key, []), cls, conv, problems, keys=keys, wrong=wrong, limit=limit
        )
    if "recognition" in top:
        fields["recognition"] = _recognition(top["recognition"], tz, conv, problems)
    if "loyalty" in top:
        loyalty = top["loyalty"]
        wrong = f"must be a programme document {doc.got(loyalty)}"
        fields["programme"] = _nested("loyalty", loyalty, load_programme, wrong, problems)
    if problems.items:
        raise ModelDocumentError(problems.items)
    fields = {key: value for key, value in fields.items() if value is not _ABSENT}
    model: ServiceModel | None = _build("service model", "", problems, ServiceModel, **fields)
    if problems.items or model is None:
        raise ModelDocumentError(problems.items or [Problem("", "is not a valid service model")])
    return model


#: The arrays of tables a model document holds: class, keys, the message for a wrong array, its limit.
_ARRAYS: dict[str, tuple[type[Any], tuple[str, ...], str, int | None]] = {
    "goals": (Goal, _GOAL_KEYS, f"must be an array of at most {_MAX_GOALS} goals", _MAX_GOALS),
    "follow_ups": (FollowUpRule, _FOLLOW_UP_KEYS, "must be an array of follow-up rules", None),
}

#: A part of the document that could not be read (its problems are recorded).
_ABSENT: Any = object()


def _top_fields(top: dict[str, Any], problems: doc.Problems) -> dict[str, Any]:
    """The model's own fields: name, type, timezone, channels, feedback, calendar, theme prefix."""
    for key in ("name", "type", "channels"):
        if key not in top:
            problems.add(key, "is required")
    tz = top.get("timezone", "UTC")
    try:
        zone(tz, field="timezone")
    except ValidationError as error:
        problems.add("timezone", doc.strip_field(error.message, error.field))
        tz = "UTC"
    fields: dict[str, Any] = {"timezone": tz}
    for key, convert in (
        ("name", None),
        ("type", _type),
        ("channels", _channels),
        ("feedback", _feedback),
    ):
        if key in top:
            try:
                fields[key] = convert(top[key]) if convert else top[key]
            except ValidationError as error:
                problems.add(key, doc.strip_field(error.message, error.field))
    if "name" in fields and not (isinstance(fields["name"], str) and fields["name"].strip()):
        problems.add("name", f"must be a non-empty string (got {fields['name']!r})")
    for key in ("business_calendar", "theme_tag_prefix"):
        if key in top:
            fields[key] = top[key]
    return fields


def _nested(key: str, value: object, load: Any, wrong: str, problems: doc.Problems) -> Any:
    """A document held under *key* (SLA policies, a programme), its problems under that path."""
    if not isinstance(value, Mapping):
        problems.add(key, wrong)
        return _ABSENT
    try:
        return load(value)
    except DocumentError as error:
        problems.extend(error.problems, key)
        return _ABSENT


def _each(
    key: str,
    value: object,
    cls: type[T],
    conv: cattrs.Converter,
    problems: doc.Problems,
    *,
    keys: tuple[str, ...],
    wrong: str,
    limit: int | None = None,
) -> list[T]:
    """The tables of the array under *key*, each structured at ``key[i]``; one with a problem is left out."""
    if not isinstance(value, list) or (limit is not None and len(value) > limit):
        problems.add(key, wrong)
        return []
    built = []
    for index, raw in enumerate(value):
        path = doc.at(key, index)
        item = structuring.structure(conv, _keys(raw, path, keys, problems), cls, problems, path)
        if item is not None:
            built.append(item)
    return built


def _recognition(
    raw: object, tz: str, conv: cattrs.Converter, problems: doc.Problems
) -> RecognitionPolicy | None:
    """The recognition policy, in the model's zone; its durations may be written as text."""
    spec = _keys(raw, "recognition", _RECOGNITION_KEYS, problems)
    return structuring.structure(
        conv, {**spec, "zone": tz}, RecognitionPolicy, problems, "recognition"
    )
