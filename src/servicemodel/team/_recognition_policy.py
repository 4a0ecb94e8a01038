"""The recognition policy: the points each rule gives, and how leaderboards rank.

The vocabulary of agent recognition (:class:`RecognitionRule`,
:class:`TieBreak`, :class:`SpeedRule`, :class:`OnTime`, :class:`Rescoring`)
and the one value that holds a team's choices (:class:`RecognitionPolicy`).
How an interaction is scored under it is :mod:`._awards`; how a month is
ranked, :mod:`._leaderboard`.

>>> RecognitionPolicy(speed="exclusive", on_time="strictly_before_due").on_time.name
'STRICTLY_BEFORE_DUE'
"""

from __future__ import annotations

import enum
from typing import Any, final

import attrs
import pendulum

from .._time import to_duration, zone
from .._validators import between, enum_member
from ..exceptions import ValidationError
from ..kpi import CsatVariant

__all__ = ["OnTime", "RecognitionPolicy", "RecognitionRule", "Rescoring", "SpeedRule", "TieBreak"]


class RecognitionRule(enum.Enum):
    """What an agent earned points for.

    >>> RecognitionRule("first_contact").name
    'FIRST_CONTACT'
    """

    FAST_RESOLUTION = "fast_resolution"
    ON_TIME = "on_time"
    LATE = "late"
    FIRST_CONTACT = "first_contact"
    HAPPY_CSAT = "happy_csat"
    UNHAPPY_CSAT = "unhappy_csat"


class TieBreak(enum.Enum):
    """How equal scores are ranked.

    ``earliest_to_score``: the agent who reached the final score first ranks
    higher; ``co_winners``: equal scores share the rank. Remaining ties go by
    agent id, so the order is always the same.

    >>> TieBreak("co_winners").value
    'co_winners'
    """

    EARLIEST_TO_SCORE = "earliest_to_score"
    CO_WINNERS = "co_winners"


class SpeedRule(enum.Enum):
    """Whether the speed awards of one resolution exclude each other.

    ``cumulative`` (default): a fast resolution also earns the on-time award
    when it is on time. ``exclusive`` (Freshdesk Arcade): each resolution
    earns exactly one speed award, fast, or else on time, or else late.

    >>> SpeedRule("exclusive").name
    'EXCLUSIVE'
    """

    CUMULATIVE = "cumulative"
    EXCLUSIVE = "exclusive"


class OnTime(enum.Enum):
    """Which resolutions are on time against the due instant.

    ``at_or_before_due`` (default): resolving at the due instant is on time.
    ``strictly_before_due``: only a resolution before the due instant is on
    time; one at the due instant is late.

    >>> OnTime("strictly_before_due").name
    'STRICTLY_BEFORE_DUE'
    """

    AT_OR_BEFORE_DUE = "at_or_before_due"
    STRICTLY_BEFORE_DUE = "strictly_before_due"


class Rescoring(enum.Enum):
    """Which resolution a reopened interaction is scored at.

    ``first_resolution`` (default): the resolution awards are judged at the
    first resolution and stay; a reopen removes only the fast and
    first-contact awards. ``latest_resolution`` (Freshdesk Arcade): a reopen
    takes every resolution award away; when the interaction is resolved again
    it is scored afresh at that resolution (speed measured from creation),
    and first contact is never earned again. CSAT awards stay either way.

    >>> Rescoring("latest_resolution").name
    'LATEST_RESOLUTION'
    """

    FIRST_RESOLUTION = "first_resolution"
    LATEST_RESOLUTION = "latest_resolution"


_signed = between(-(10**6), 10**6)


def _fast(value: Any) -> pendulum.Duration:
    return to_duration(value, field="fast_under")


def _within(value: Any) -> pendulum.Duration:
    return to_duration(value, field="resolve_within")


def _zone(_instance: Any, _attribute: Any, value: Any) -> None:
    zone(value, field="zone")


def _tie(value: Any) -> TieBreak:
    try:
        return TieBreak(value)
    except ValueError:
        raise ValidationError(
            f"'tie_break' must be 'earliest_to_score' or 'co_winners' (got {value!r})",
            field="tie_break",
            value=value,
        ) from None


def _speed(value: Any) -> SpeedRule:
    return enum_member(SpeedRule, value, field="speed")


def _on_time(value: Any) -> OnTime:
    return enum_member(OnTime, value, field="on_time")


def _rescoring(value: Any) -> Rescoring:
    return enum_member(Rescoring, value, field="rescoring")


_HAPPY_VARIANTS = (CsatVariant.TOP_TWO_BOX, CsatVariant.TOP_BOX)


def _csat(value: Any) -> CsatVariant:
    for variant in _HAPPY_VARIANTS:
        if value is variant or value == variant.value:
            return variant
    raise ValidationError(
        "'csat' must be 'top_two_box' or 'top_box': the CSAT variant whose satisfied "
        f"ratings are happy (got {value!r})",
        field="csat",
        value=value,
    )


_samples = between(0, 10**6)


@final
@attrs.frozen(kw_only=True)
class RecognitionPolicy:
    """The points each recognition rule gives, and how leaderboards rank.

    Attributes:
        zone: the organisation's timezone (months are local).
        fast_under: a resolution strictly faster than this is fast.
        resolve_within: the due instant is creation plus this (calendar
            time) unless a due instant is given per interaction.
        csat: the CSAT variant whose satisfied ratings are happy (``top_two_box``,
            4-5, or ``top_box``, 5); unhappy ratings are those CSAT counts
            as bad (1-2).
        minimum_samples: resolved interactions an agent needs in a month to be ranked.
        tie_break: how equal scores are ranked.
        speed: whether one resolution's speed awards exclude each other
            (:class:`SpeedRule`).
        on_time: whether a resolution at the due instant is on time
            (:class:`OnTime`).
        rescoring: which resolution a reopened interaction is scored at
            (:class:`Rescoring`).

    >>> RecognitionPolicy(fast_under=pendulum.duration(minutes=30)).fast_points
    10
    >>> RecognitionPolicy(speed="exclusive").speed
    <SpeedRule.EXCLUSIVE: 'exclusive'>
    """

    zone: str = attrs.field(default="UTC", validator=_zone)
    fast_under: pendulum.Duration = attrs.field(
        factory=lambda: pendulum.duration(hours=1), converter=_fast
    )
    resolve_within: pendulum.Duration = attrs.field(
        factory=lambda: pendulum.duration(hours=24), converter=_within
    )
    fast_points: int = attrs.field(default=10, validator=_signed)
    on_time_points: int = attrs.field(default=5, validator=_signed)
    late_points: int = attrs.field(default=-5, validator=_signed)
    first_contact_points: int = attrs.field(default=10, validator=_signed)
    happy_points: int = attrs.field(default=10, validator=_signed)
    unhappy_points: int = attrs.field(default=-5, validator=_signed)
    csat: CsatVariant = attrs.field(default=CsatVariant.TOP_TWO_BOX, converter=_csat)
    minimum_samples: int = attrs.field(default=5, validator=_samples)
    tie_break: TieBreak = attrs.field(default=TieBreak.EARLIEST_TO_SCORE, converter=_tie)
    speed: SpeedRule = attrs.field(default=SpeedRule.CUMULATIVE, converter=_speed)
    on_time: OnTime = attrs.field(default=OnTime.AT_OR_BEFORE_DUE, converter=_on_time)
    rescoring: Rescoring = attrs.field(default=Rescoring.FIRST_RESOLUTION, converter=_rescoring)
