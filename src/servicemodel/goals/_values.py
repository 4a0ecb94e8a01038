"""The values a goal is made of: directions, objectives, statuses, scopes, observations, SMART checks."""

from __future__ import annotations

import datetime as _dt
import enum
from decimal import Decimal
from fractions import Fraction
from typing import final

import attrs
import pendulum

from .._time import aware, duration_micros
from .._validators import enum_member, optional_non_empty_str
from ..exceptions import ValidationError
from ..interactions import Channel


class Direction(enum.Enum):
    """Which way is better for the goal's KPI.

    >>> Direction("decrease").better(3, 5)
    True
    """

    INCREASE = "increase"
    DECREASE = "decrease"

    def better(self, a: Fraction | int, b: Fraction | int) -> bool:
        """True when *a* is strictly better than *b* in this direction.

        >>> Direction.INCREASE.better(5, 3)
        True
        """
        return a > b if self is Direction.INCREASE else a < b

    def meets(self, value: Fraction | int, target: Fraction | int) -> bool:
        """True when *value* reaches *target* (equal counts as reached).

        >>> Direction.DECREASE.meets(4, 4)
        True
        """
        return value >= target if self is Direction.INCREASE else value <= target


class Objective(enum.Enum):
    """The business objective a goal serves (the R of SMART).

    >>> Objective("retention")
    <Objective.RETENTION: 'retention'>
    """

    RETENTION = "retention"
    REPUTATION = "reputation"
    SALES = "sales"
    PERFORMANCE = "performance"
    EMPLOYEE_SATISFACTION = "employee_satisfaction"
    RESOURCE_MANAGEMENT = "resource_management"
    COST = "cost"


class GoalStatus(enum.Enum):
    """Where a goal stands at an instant.

    >>> [s.value for s in GoalStatus][:3]
    ['on_track', 'at_risk', 'off_track']
    """

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    ACHIEVED = "achieved"
    MISSED = "missed"


def _value(value: object, *, field: str) -> Fraction:
    """Normalise a goal value: numbers exactly, durations as seconds."""
    if isinstance(value, bool):
        raise ValidationError(
            f"'{field}' must be a number or a duration (got {value!r})", field=field, value=value
        )
    if isinstance(value, Fraction | int):
        return Fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValidationError(
                f"'{field}' must be finite (got {value!r})", field=field, value=value
            )
        return Fraction(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValidationError(
                f"'{field}' must be finite (got {value!r})", field=field, value=value
            )
        return Fraction(str(value))
    if isinstance(value, _dt.timedelta):
        if isinstance(value, pendulum.Duration) and (value.years or value.months):
            raise ValidationError(
                f"'{field}' must not be month- or year-based (got {value!r})",
                field=field,
                value=value,
            )
        return Fraction(duration_micros(value), 1_000_000)
    raise ValidationError(
        f"'{field}' must be a number or a duration (got {type(value).__name__} {value!r})",
        field=field,
        value=value,
    )


def _observed(value: object) -> Fraction:
    return _value(value, field="value")


def _channel(value: object) -> Channel | None:
    return None if value is None else enum_member(Channel, value, field="channel")


def _at(value: object) -> pendulum.DateTime:
    return aware(value, field="at")


@final
@attrs.frozen(kw_only=True)
class Scope:
    """Whom a goal covers: a channel, a team, a customer segment; ``None`` is everyone.

    >>> Scope(channel="chat", segment="smb").describe()
    'channel chat, segment smb'
    >>> Scope().describe()
    'everyone'
    """

    channel: Channel | None = attrs.field(default=None, converter=_channel)
    team: str | None = attrs.field(default=None, validator=optional_non_empty_str)
    segment: str | None = attrs.field(default=None, validator=optional_non_empty_str)

    def describe(self) -> str:
        """A short human description of the scope.

        >>> Scope(team="tier-2").describe()
        'team tier-2'
        """
        parts = []
        if self.channel is not None:
            parts.append(f"channel {self.channel.value}")
        if self.team is not None:
            parts.append(f"team {self.team}")
        if self.segment is not None:
            parts.append(f"segment {self.segment}")
        return ", ".join(parts) or "everyone"


@final
@attrs.frozen(kw_only=True)
class Observation:
    """One measured value of the goal's KPI at an instant.

    >>> import pendulum
    >>> Observation(at=pendulum.datetime(2024, 1, 1), value=0.85).value
    Fraction(17, 20)
    """

    at: pendulum.DateTime = attrs.field(converter=_at)
    value: Fraction = attrs.field(converter=_observed)


@final
@attrs.frozen(kw_only=True)
class LetterCheck:
    """Whether one SMART letter holds, and the reasons when it does not.

    >>> LetterCheck(letter="T", holds=False, reasons=("no deadline",)).holds
    False
    """

    letter: str
    holds: bool
    reasons: tuple[str, ...] = ()


@final
@attrs.frozen(kw_only=True)
class SmartCheck:
    """The five SMART letters checked; :attr:`holds` when all of them hold.

    >>> SmartCheck(letters=(LetterCheck(letter="S", holds=True),)).holds
    True
    """

    letters: tuple[LetterCheck, ...]

    @property
    def holds(self) -> bool:
        """True when every letter holds.

        >>> SmartCheck(letters=()).holds
        True
        """
        return all(letter.holds for letter in self.letters)

    def letter(self, letter: str) -> LetterCheck:
        """The check of one letter ("S", "M", "A", "R" or "T").

        Raises:
            ValidationError: *letter* is not one of S, M, A, R, T.

        >>> SmartCheck(letters=(LetterCheck(letter="R", holds=False, reasons=("x",)),)).letter("R").reasons
        ('x',)
        """
        for check in self.letters:
            if check.letter == letter:
                return check
        raise ValidationError(
            f"'letter' must be one of 'S', 'M', 'A', 'R', 'T' (got {letter!r})",
            field="letter",
            value=letter,
        )

    def failures(self) -> tuple[str, ...]:
        """Every reason a letter fails, prefixed with its letter.

        >>> SmartCheck(letters=(LetterCheck(letter="T", holds=False, reasons=("no deadline",)),)).failures()
        ('T: no deadline',)
        """
        return tuple(f"{c.letter}: {r}" for c in self.letters for r in c.reasons)


def _plain(value: Fraction) -> str:
    """An exact value as a plain decimal where it has one, else as a fraction."""
    if value.denominator == 1:
        return str(value.numerator)
    text = f"{float(value):.10g}"
    return text if Fraction(text) == value else str(value)
