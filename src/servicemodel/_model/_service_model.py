"""The service model value and its document format."""

from __future__ import annotations

import datetime as _dt
import enum
import math
import os
import re
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any, TypeVar, final

import attrs
import cattrs
import pendulum
from cattrs.gen import make_dict_structure_fn, override

from .. import _documents as doc
from .. import _structure as structuring
from .._time import parse_duration, zone
from .._validators import enum_member, instances, non_empty_str
from ..exceptions import DocumentError, ModelDocumentError, Problem, ValidationError
from ..goals import Goal, Scope
from ..interactions import Channel
from ..kpi import KpiName, catalogue
from ..loyalty import Programme, load_programme
from ..sla import PolicySet, load_policies
from ..team import RecognitionPolicy
from ._followup import FollowUpRule

E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")

__all__ = [
    "FeedbackChannel",
    "ModelDocumentError",
    "ModelType",
    "ServiceModel",
    "load_model",
]


class ModelType(enum.Enum):
    """How the service meets its customers, and what that implies.

    - ``reactive``: customers come to us; speed and resolution matter most.
    - ``proactive``: we reach out first (follow-up rules make an outreach
      schedule); repeat contacts should fall.
    - ``self_service``: customers help themselves; deflection is the measure.
    - ``hybrid``: all of the above.

    >>> [name.value for name in ModelType("hybrid").tracked_kpis()[:3]]
    ['first_reply_time', 'resolution_time', 'csat']
    """

    REACTIVE = "reactive"
    PROACTIVE = "proactive"
    SELF_SERVICE = "self_service"
    HYBRID = "hybrid"

    def tracked_kpis(self) -> tuple[KpiName, ...]:
        """The KPIs an assessment of this type reports.

        >>> [name.value for name in ModelType.SELF_SERVICE.tracked_kpis()]
        ['first_reply_time', 'resolution_time', 'csat', 'fcr', 'reopen_rate', 'self_service_deflection']
        """
        base = (
            KpiName.FIRST_REPLY_TIME,
            KpiName.RESOLUTION_TIME,
            KpiName.CSAT,
            KpiName.FCR,
            KpiName.REOPEN_RATE,
        )
        extra: tuple[KpiName, ...] = {
            ModelType.REACTIVE: (),
            ModelType.PROACTIVE: (KpiName.NPS,),
            ModelType.SELF_SERVICE: (KpiName.SELF_SERVICE_DEFLECTION,),
            ModelType.HYBRID: (KpiName.NPS, KpiName.SELF_SERVICE_DEFLECTION),
        }[self]
        return base + extra

    def needs_follow_ups(self) -> bool:
        """True for models that reach out first (proactive, hybrid).

        >>> ModelType.PROACTIVE.needs_follow_ups(), ModelType.REACTIVE.needs_follow_ups()
        (True, False)
        """
        return self in (ModelType.PROACTIVE, ModelType.HYBRID)

    def needs_self_service(self) -> bool:
        """True for models built on self-service (self_service, hybrid).

        >>> ModelType.HYBRID.needs_self_service()
        True
        """
        return self in (ModelType.SELF_SERVICE, ModelType.HYBRID)


class FeedbackChannel(enum.Enum):
    """How the model collects feedback.

    >>> FeedbackChannel("reviews").value
    'reviews'
    """

    CSAT = "csat"
    NPS = "nps"
    CES = "ces"
    REVIEWS = "reviews"


def _type(value: object) -> ModelType:
    return enum_member(ModelType, value, field="type")


def _members(enum_type: type[E], value: object, field: str) -> frozenset[E]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError(
            f"'{field}' must be a collection of names, not a single value (got {value!r})",
            field=field,
            value=value,
        )
    return frozenset(enum_member(enum_type, v, field=field) for v in value)


def _channels(value: object) -> frozenset[Channel]:
    return _members(Channel, value, "channels")


def _feedback(value: object) -> frozenset[FeedbackChannel]:
    return _members(FeedbackChannel, value, "feedback")


def _zone_name(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    zone(value, field=attribute.name)


def _goals(value: Any) -> tuple[Goal, ...]:
    return instances(value, Goal, field="goals")


def _follow_ups(value: Any) -> tuple[FollowUpRule, ...]:
    return instances(value, FollowUpRule, field="follow_ups")


def _optional(kind: type[Any], field: str) -> Any:
    def check(_instance: Any, _attribute: Any, value: Any) -> None:
        if value is not None and not isinstance(value, kind):
            raise ValidationError(
                f"'{field}' must be a {kind.__name__} or None (got {type(value).__name__})",
                field=field,
                value=value,
            )

    return check


@final
@attrs.frozen(kw_only=True)
class ServiceModel:
    """A customer service model: its type, channels, SLAs, goals and rewards.

    Build one in code or load it from a document with :func:`load_model`.
    The type's implications are checked on construction: a proactive or
    hybrid model needs at least one follow-up rule; a self-service or hybrid
    model must offer the ``self_service`` channel.

    >>> ServiceModel(name="Desk", type="proactive", channels=["email"])
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'follow_ups' must hold at least one rule for a proactive model (got none)
    """

    name: str = attrs.field(validator=non_empty_str)
    type: ModelType = attrs.field(converter=_type)
    timezone: str = attrs.field(default="UTC", validator=_zone_name)
    channels: frozenset[Channel] = attrs.field(converter=_channels)
    feedback: frozenset[FeedbackChannel] = attrs.field(
        default=frozenset({FeedbackChannel.CSAT}), converter=_feedback
    )
    policies: PolicySet | None = attrs.field(
        default=None, validator=_optional(PolicySet, "policies")
    )
    business_calendar: str | None = attrs.field(default=None)
    theme_tag_prefix: str | None = attrs.field(
        default=None, validator=attrs.validators.optional(non_empty_str)
    )
    goals: tuple[Goal, ...] = attrs.field(default=(), converter=_goals)
    follow_ups: tuple[FollowUpRule, ...] = attrs.field(default=(), converter=_follow_ups)
    recognition: RecognitionPolicy | None = attrs.field(
        default=None, validator=_optional(RecognitionPolicy, "recognition")
    )
    programme: Programme | None = attrs.field(
        default=None, eq=False, validator=_optional(Programme, "programme")
    )

    def __attrs_post_init__(self) -> None:
        if self.type.needs_follow_ups() and not self.follow_ups:
            raise ValidationError(
                f"'follow_ups' must hold at least one rule for a {self.type.value} model (got none)",
                field="follow_ups",
                value=(),
            )
        if self.type.needs_self_service() and Channel.SELF_SERVICE not in self.channels:
            raise ValidationError(
                f"'channels' must include 'self_service' for a {self.type.value} model "
                f"(got {sorted(c.value for c in self.channels)})",
                field="channels",
                value=self.channels,
            )
        if self.business_calendar is not None and (
            self.policies is None or self.business_calendar not in dict(self.policies.calendars)
        ):
            known = sorted(dict(self.policies.calendars)) if self.policies is not None else []
            raise ValidationError(
                f"'business_calendar' must name a calendar of the SLA policies {known} "
                f"(got {self.business_calendar!r})",
                field="business_calendar",
                value=self.business_calendar,
            )

    def tracked_kpis(self) -> tuple[KpiName, ...]:
        """The KPIs the assessment reports: the type's, then the goals' own.

        >>> ServiceModel(name="Desk", type="reactive", channels=["email"]).tracked_kpis()[:2]
        (<KpiName.FIRST_REPLY_TIME: 'first_reply_time'>, <KpiName.RESOLUTION_TIME: 'resolution_time'>)
        """
        kpis = list(self.type.tracked_kpis())
        if FeedbackChannel.NPS in self.feedback and KpiName.NPS not in kpis:
            kpis.append(KpiName.NPS)
        if FeedbackChannel.CES in self.feedback:
            kpis.append(KpiName.CES)
        for goal in self.goals:
            # A goal's KPI is reported when this package's catalogue measures it.
            metric = goal.metric
            if metric is not None and metric in catalogue() and metric not in kpis:
                kpis.append(metric)
        return tuple(kpis)


# ------------------------------------------------------------------ documents

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
    return doc.fields(value, path, problems, allowed=allowed, what="a table") or {}


_NUMBER = re.compile(r"[+-]?\d{1,15}(?:\.\d{1,15})?")
_LARGEST = 10**15


def _value(value: object, _type: object = None) -> Any:
    """A goal value: a number (at most 10**15 in size), or a duration written as text ("45m")."""
    rule = "must be a finite number of at most 15 digits, or a duration such as '45m'"
    if isinstance(value, bool) or value is None:
        raise structuring.refuse(rule, value)
    if isinstance(value, int) and abs(value) <= _LARGEST:
        return value
    if isinstance(value, float) and math.isfinite(value) and abs(value) <= _LARGEST:
        return Fraction(str(value))
    if isinstance(value, str) and len(value) <= 64:
        if _NUMBER.fullmatch(value.strip()):
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
    if not isinstance(value, str):
        return value
    try:
        return parse_duration(value, field="duration")
    except ValidationError as error:
        raise ValidationError(doc.strip_field(error.message, "duration"), value=value) from None


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


def _build(label: str, path: str, problems: doc.Problems, factory: Any, **fields: Any) -> Any:
    try:
        return factory(**fields)
    except ValidationError as error:
        where = (f"{path}.{error.field}" if path else error.field) if error.field else path
        message = error.message
        if error.field and message.startswith(f"'{error.field}' "):
            message = message[len(error.field) + 3 :]
        problems.add(where, message)
        return None
    except TypeError as error:  # a field of the wrong type reached a constructor
        problems.add(path, f"is not a valid {label} ({error})")
        return None


def load_model(
    source: Mapping[str, Any] | str | bytes | os.PathLike[str],
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
        problems.add("timezone", error.message.split(" ", 1)[1])
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
                problems.add(key, error.message.split(" ", 1)[1])
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
