"""The knobs of the sample generator: volumes, mixes and rates."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar, final

import attrs

from .._time import zone
from .._validators import between, integer, is_collection
from ..exceptions import ValidationError
from ..interactions import Channel, Kind, Priority

__all__ = ["SampleProfile"]

E = TypeVar("E", bound=enum.Enum)


def _mix(enum_type: type[E], value: object, field: str) -> tuple[tuple[E, int], ...]:
    if not isinstance(value, Mapping) and not isinstance(value, Iterable):
        raise ValidationError(
            f"'{field}' must map {enum_type.__name__} values to integer weights (got {value!r})",
            field=field,
            value=value,
        )
    pairs: Iterable[Any] = value.items() if isinstance(value, Mapping) else value
    weights: dict[E, int] = {}
    for pair in pairs:
        try:
            key, weight = pair
            member = key if isinstance(key, enum_type) else enum_type(key)
        except (TypeError, ValueError):
            raise ValidationError(
                f"'{field}' must map {enum_type.__name__} values to integer weights (got {pair!r})",
                field=field,
                value=pair,
            ) from None
        weights[member] = integer(weight, field=f"{field}.{member.value}", low=0)
    if sum(weights.values()) <= 0:
        raise ValidationError(
            f"'{field}' must give at least one positive weight (got {value!r})",
            field=field,
            value=value,
        )
    return tuple((m, weights.get(m, 0)) for m in enum_type)


def _channels(value: object) -> tuple[tuple[Channel, int], ...]:
    return _mix(Channel, value, "channels")


def _kinds(value: object) -> tuple[tuple[Kind, int], ...]:
    return _mix(Kind, value, "kinds")


def _priorities(value: object) -> tuple[tuple[Priority, int], ...]:
    return _mix(Priority, value, "priorities")


_percent = between(0, 100)
_positive = between(1, 10_000_000)


def _timezone(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    zone(value, field=attribute.name)


def _groups(value: object) -> tuple[str, ...]:
    if not is_collection(value):
        raise ValidationError(
            f"'groups' must be a list of group names (got {value!r})", field="groups", value=value
        )
    groups = tuple(value)
    if not groups or not all(isinstance(g, str) and g and g == g.strip() for g in groups):
        raise ValidationError(
            f"'groups' must be a non-empty list of non-empty names (got {groups!r})",
            field="groups",
            value=value,
        )
    return groups


@final
@attrs.frozen(kw_only=True)
class SampleProfile:
    """How sample interactions are made: volume, timezone, mixes and rates.

    Weights are relative integers (``{"email": 3, "chat": 1}`` makes three
    emails per chat); rates are whole percentages. The defaults describe a
    mid-sized consumer business answering in Europe/London.

    Attributes:
        timezone: IANA zone of the business; arrivals follow its local week.
        daily_volume: interactions on an average weekday.
        channels, kinds, priorities: the mixes, as weights.
        agents: size of the agent pool (``A-001``…), spread over *groups*.
        groups: the agent groups; tickets go to the group of their theme.
        repeat_percent: share of interactions from a customer seen before.
        bot_percent: share of written contacts acknowledged by a bot.
        note_percent: share of worked tickets with a private note.
        pending_percent: share waiting on the customer at some point.
        on_hold_percent: share put on hold (waiting on a third party).
        reopen_percent: share of solved tickets the customer reopens.
        survey_percent: share of solved tickets whose CSAT survey is answered.
        unresolved_percent: share of written tickets left unresolved (a backlog).

    >>> SampleProfile(daily_volume=50, channels={"chat": 1}).channels[2]
    (<Channel.CHAT: 'chat'>, 1)
    >>> SampleProfile(reopen_percent=120)
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'reopen_percent' must be an integer from 0 to 100 (got 120)
    """

    timezone: str = attrs.field(default="Europe/London", validator=_timezone)
    daily_volume: int = attrs.field(default=400, validator=_positive)
    channels: tuple[tuple[Channel, int], ...] = attrs.field(
        default={
            "email": 30,
            "chat": 22,
            "phone": 20,
            "web_form": 11,
            "social": 6,
            "self_service": 8,
            "in_person": 3,
        },
        converter=_channels,
    )
    kinds: tuple[tuple[Kind, int], ...] = attrs.field(
        default={"complaint": 20, "enquiry": 45, "request": 28, "feedback": 7},
        converter=_kinds,
    )
    priorities: tuple[tuple[Priority, int], ...] = attrs.field(
        default={"low": 15, "normal": 62, "high": 18, "urgent": 5},
        converter=_priorities,
    )
    agents: int = attrs.field(default=40, validator=_positive)
    groups: tuple[str, ...] = attrs.field(
        default=("billing", "technical", "orders", "accounts", "retention"), converter=_groups
    )
    repeat_percent: int = attrs.field(default=30, validator=_percent)
    bot_percent: int = attrs.field(default=85, validator=_percent)
    note_percent: int = attrs.field(default=30, validator=_percent)
    pending_percent: int = attrs.field(default=25, validator=_percent)
    on_hold_percent: int = attrs.field(default=8, validator=_percent)
    reopen_percent: int = attrs.field(default=7, validator=_percent)
    survey_percent: int = attrs.field(default=25, validator=_percent)
    unresolved_percent: int = attrs.field(default=5, validator=_percent)
