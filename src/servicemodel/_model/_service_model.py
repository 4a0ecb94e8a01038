"""The service model value and its document format."""

from __future__ import annotations

import enum
from typing import Any, TypeVar, final

import attrs

from .._time import zone
from .._validators import enum_member, instance_of, instances, is_collection, non_empty_str
from ..exceptions import ModelDocumentError, ValidationError
from ..goals import Goal
from ..interactions import Channel
from ..kpi import KpiName, catalogue
from ..loyalty import Programme
from ..sla import PolicySet
from ..team import RecognitionPolicy
from ._followup import FollowUpRule

E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")

__all__ = [
    "FeedbackChannel",
    "ModelDocumentError",
    "ModelType",
    "ServiceModel",
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
    if not is_collection(value):
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
        default=None, validator=instance_of(PolicySet, optional=True)
    )
    business_calendar: str | None = attrs.field(default=None)
    theme_tag_prefix: str | None = attrs.field(
        default=None, validator=attrs.validators.optional(non_empty_str)
    )
    goals: tuple[Goal, ...] = attrs.field(default=(), converter=_goals)
    follow_ups: tuple[FollowUpRule, ...] = attrs.field(default=(), converter=_follow_ups)
    recognition: RecognitionPolicy | None = attrs.field(
        default=None, validator=instance_of(RecognitionPolicy, optional=True)
    )
    programme: Programme | None = attrs.field(
        default=None, eq=False, validator=instance_of(Programme, optional=True)
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
