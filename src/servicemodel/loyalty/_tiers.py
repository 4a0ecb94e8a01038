"""Tiers and the rewards catalogue.

A tier is a pure function of a member's history and an instant: the
qualifying metric (points in a rolling window, in the calendar period, over
a lifetime, or spend in a rolling window) is read from ledger tallies, and
the downgrade rule (immediate with grace, one step per grace period, or
kept while the balance covers the threshold) is evaluated from the same
history. Nothing is stored, so no job has to "run" a downgrade.
"""

from __future__ import annotations

import datetime as _dt
import enum
import itertools
from decimal import Decimal
from typing import Any, final

import attrs
import pendulum

from .._time import aware, to_micros
from .._validators import between, distinct, enum_member, instances, integer
from ..exceptions import ValidationError
from ._clock import DAY, LocalClock
from ._expiry import _to_period
from ._ledger import Ledger
from ._money import decimal_amount
from ._policies import CalendarPeriod
from ._purchases import _distinct, _text

__all__ = ["Catalogue", "Crossing", "Downgrade", "Reward", "Tier", "TierMetric", "Tiers"]

_MAX_STEPS = 10_000


def _threshold(value: Any) -> Decimal:
    return decimal_amount(value, field="threshold", low=0)


_days = between(0, 36_525)


class TierMetric(enum.Enum):
    """What qualifies a member for a tier.

    ``points_rolling`` and ``spend_rolling`` count the last ``window_days``
    local days; ``points_calendar`` counts the current local calendar
    ``period``; ``points_lifetime`` counts everything. Points are the points
    earned (less clawbacks of returns); adjustments and reissues do not count.
    ``balance`` is the member's available balance at the instant (what they
    could spend: redemptions and expiry lower it, adjustments raise it).

    >>> TierMetric("points_lifetime").value
    'points_lifetime'
    """

    POINTS_ROLLING = "points_rolling"
    POINTS_CALENDAR = "points_calendar"
    POINTS_LIFETIME = "points_lifetime"
    SPEND_ROLLING = "spend_rolling"
    BALANCE = "balance"


class Crossing(enum.Enum):
    """Which tier's multiplier the purchase that crosses a threshold earns at.

    ``before``: the old tier's for all of it; ``after``: the new tier's for
    all of it; ``split``: the old tier's up to the threshold and the new
    tier's beyond it.

    >>> Crossing("split").name
    'SPLIT'
    """

    BEFORE = "before"
    AFTER = "after"
    SPLIT = "split"


class Downgrade(enum.Enum):
    """How a member loses a tier.

    ``immediate``: as soon as the metric (held for ``grace_days``) falls
    below the threshold; ``one_step``: at most one level per ``grace_days``;
    ``balance_based``: a tier once reached is kept while the available
    balance covers its threshold.

    >>> Downgrade("one_step").value
    'one_step'
    """

    IMMEDIATE = "immediate"
    ONE_STEP = "one_step"
    BALANCE_BASED = "balance_based"


@final
@attrs.frozen(kw_only=True)
class Tier:
    """A tier: its name and the qualifying threshold.

    >>> Tier(name="gold", threshold=1000).threshold
    Decimal('1000')
    """

    name: str = attrs.field(validator=_text)
    threshold: Decimal = attrs.field(converter=_threshold)


def _levels(value: Any) -> tuple[Tier, ...]:
    return instances(value, Tier, field="levels")


def _to_metric(value: Any) -> TierMetric:
    return enum_member(TierMetric, value, field="metric")


def _to_crossing(value: Any) -> Crossing:
    return enum_member(Crossing, value, field="crossing")


def _to_downgrade(value: Any) -> Downgrade:
    return enum_member(Downgrade, value, field="downgrade")


@final
@attrs.frozen(kw_only=True)
class Tiers:
    """A ladder of tiers with its qualification, crossing and downgrade rules.

    The first level's threshold must be 0 (everyone has a tier); thresholds
    rise strictly.

    >>> tiers = Tiers(levels=[Tier(name="base", threshold=0), Tier(name="gold", threshold=1000)],
    ...               metric=TierMetric.POINTS_LIFETIME)
    >>> tiers.level_for(Decimal(1500)).name
    'gold'
    """

    levels: tuple[Tier, ...] = attrs.field(converter=_levels)
    metric: TierMetric = attrs.field(default=TierMetric.POINTS_ROLLING, converter=_to_metric)
    window_days: int = attrs.field(default=365, validator=_days)
    period: CalendarPeriod = attrs.field(default=CalendarPeriod.YEAR, converter=_to_period)
    crossing: Crossing = attrs.field(default=Crossing.AFTER, converter=_to_crossing)
    downgrade: Downgrade = attrs.field(default=Downgrade.IMMEDIATE, converter=_to_downgrade)
    grace_days: int = attrs.field(default=0, validator=_days)

    @levels.validator
    def _check_levels(self, attribute: attrs.Attribute[Any], value: tuple[Tier, ...]) -> None:
        if not value or value[0].threshold != 0:
            raise ValidationError(
                "'levels' must start with a tier of threshold 0 "
                f"(got {value[0].threshold if value else 'no levels'})",
                field="levels",
                value=value,
            )
        for low, high in itertools.pairwise(value):
            if high.threshold <= low.threshold:
                raise ValidationError(
                    f"'levels' thresholds must rise strictly (got {high.name!r} at "
                    f"{high.threshold} after {low.name!r} at {low.threshold})",
                    field="levels",
                    value=value,
                )
        distinct((tier.name for tier in value), field="levels", what="a name")

    @grace_days.validator
    def _check_grace(self, attribute: attrs.Attribute[Any], value: int) -> None:
        if self.downgrade is Downgrade.ONE_STEP and value < 1:
            raise ValidationError(
                f"'grace_days' must be at least 1 for one-step downgrades (got {value})",
                field="grace_days",
                value=value,
            )

    def level_for(self, metric: Decimal) -> Tier:
        """Return the highest tier whose threshold *metric* reaches.

        >>> tiers = Tiers(levels=[Tier(name="base", threshold=0), Tier(name="gold", threshold=1000)])
        >>> tiers.level_for(Decimal(999)).name, tiers.level_for(Decimal(1000)).name
        ('base', 'gold')
        """
        return self.levels[self._index(metric)]

    def _index(self, metric: Decimal) -> int:
        index = 0
        for i, tier in enumerate(self.levels):
            if tier.threshold <= metric:
                index = i
        return index

    @property
    def _tally(self) -> str:
        return "spend" if self.metric is TierMetric.SPEND_ROLLING else "points"

    def metric_at(self, ledger: Ledger, member: str, t: int) -> Decimal:
        """Return the qualifying metric of *member* at the instant *t* (epoch micros).

        >>> from servicemodel.loyalty import Policies
        >>> ledger = Ledger(policies=Policies(zone="Europe/Warsaw"))
        >>> t = pendulum.datetime(2025, 1, 10, 12, tz="Europe/Warsaw")
        >>> _ = ledger.earn(member="ann", points=700, at=t, key="o-1")
        >>> _ = ledger.earn(member="ann", points=500, at=t.add(months=2), key="o-2")
        >>> tiers = Tiers(levels=[Tier(name="base", threshold=0), Tier(name="gold", threshold=1000)],
        ...               metric=TierMetric.POINTS_LIFETIME)
        >>> tiers.metric_at(ledger, "ann", to_micros(t.add(days=1)))
        Decimal('700')
        >>> tiers.metric_at(ledger, "ann", to_micros(t.add(months=3)))
        Decimal('1200')
        """
        clock = LocalClock(ledger.policies.zone)
        if self.metric is TierMetric.BALANCE:
            return Decimal(ledger.balance(member, as_of=clock.instant(t)).available)
        if self.metric is TierMetric.POINTS_LIFETIME:
            start = -(1 << 62)
        elif self.metric is TierMetric.POINTS_CALENDAR:
            date = LocalClock.date_of(clock.day(t))
            if self.period is CalendarPeriod.MONTH:
                first = date.replace(day=1)
            elif self.period is CalendarPeriod.QUARTER:
                first = date.replace(month=(date.month - 1) // 3 * 3 + 1, day=1)
            else:
                first = date.replace(month=1, day=1)
            start = clock.start_of_day(LocalClock.day_of(first))
        else:
            start = clock.to_utc(clock.wall(t) - self.window_days * DAY) + 1
        return Decimal(ledger._tally_micros(member, self._tally, start, t + 1))

    def _moments(self, ledger: Ledger, member: str, start: int, end: int) -> list[int]:
        """The instants in ``[start, end)`` at which the qualifying metric may have risen."""
        if self.metric is not TierMetric.BALANCE:
            return ledger._tally_times(member, self._tally, start, end)
        clock = LocalClock(ledger.policies.zone)
        entries = ledger.history(member, as_of=clock.instant(end - 1))
        return sorted({e._micros for e in entries if start <= e._micros < end})

    def _qualified(self, ledger: Ledger, member: str, t: int) -> int:
        return self._index(self.metric_at(ledger, member, t))

    def _held(self, ledger: Ledger, member: str, t: int) -> int:
        """Highest level qualified for at any moment in [t - grace, t]."""
        if not self.grace_days:
            return self._qualified(ledger, member, t)
        clock = LocalClock(ledger.policies.zone)
        since = clock.to_utc(clock.wall(t) - self.grace_days * DAY)
        best = self._qualified(ledger, member, since)
        for moment in self._moments(ledger, member, since, t + 1):
            best = max(best, self._qualified(ledger, member, moment))
        return best

    def tier_at(self, ledger: Ledger, member: str, as_of: _dt.datetime) -> Tier:
        """Return *member*'s tier at *as_of*, a pure function of the ledger's history.

        >>> from servicemodel.loyalty import Ledger
        >>> tiers = Tiers(levels=[Tier(name="base", threshold=0), Tier(name="gold", threshold=100)],
        ...               metric=TierMetric.POINTS_LIFETIME)
        >>> ledger = Ledger()
        >>> t = pendulum.datetime(2025, 1, 1)
        >>> _ = ledger.earn(member="ann", points=150, at=t, key="o-1")
        >>> tiers.tier_at(ledger, "ann", t).name
        'gold'
        """
        t = to_micros(aware(as_of, field="as_of"))
        return self.levels[self._level_at(ledger, member, t)]

    def _level_at(self, ledger: Ledger, member: str, t: int) -> int:
        held = self._held(ledger, member, t)
        if self.downgrade is Downgrade.IMMEDIATE:
            return held
        if self.downgrade is Downgrade.BALANCE_BASED:
            reached = self._qualified(ledger, member, t)
            for moment in self._moments(ledger, member, -(1 << 62), t + 1):
                reached = max(reached, self._qualified(ledger, member, moment))
            clock = LocalClock(ledger.policies.zone)
            balance = ledger.balance(member, as_of=clock.instant(t)).available
            covered = min(reached, self._index(Decimal(balance)))
            return max(held, covered)
        # One step per grace period, walking back to the first qualifying moment.
        clock = LocalClock(ledger.policies.zone)
        times = self._moments(ledger, member, -(1 << 62), t + 1)
        if not times:
            return held
        chain = [t]
        while len(chain) < _MAX_STEPS:
            earlier = clock.to_utc(clock.wall(chain[-1]) - self.grace_days * DAY)
            if earlier < times[0]:
                break
            chain.append(earlier)
        level = 0
        for moment in reversed(chain):
            level = max(self._held(ledger, member, moment), level - 1)
        return level


_cost = between(1, 10**12)


def _stock(_instance: Any, _attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:  # None: unlimited
        integer(value, field="stock", low=0)


def _optional_instant(value: Any) -> pendulum.DateTime | None:
    return None if value is None else aware(value, field="available_from")


def _optional_until(value: Any) -> pendulum.DateTime | None:
    return None if value is None else aware(value, field="available_until")


@final
@attrs.frozen(kw_only=True)
class Reward:
    """A reward: its point cost, when it can be redeemed and how many there are.

    >>> Reward(id="mug", cost=500, stock=10).stock
    10
    """

    id: str = attrs.field(validator=_text)
    cost: int = attrs.field(validator=_cost)
    available_from: pendulum.DateTime | None = attrs.field(
        default=None, converter=_optional_instant
    )
    available_until: pendulum.DateTime | None = attrs.field(default=None, converter=_optional_until)
    stock: int | None = attrs.field(default=None, validator=_stock)

    @available_until.validator
    def _check(self, attribute: attrs.Attribute[Any], value: pendulum.DateTime | None) -> None:
        if value is not None and self.available_from is not None and value <= self.available_from:
            raise ValidationError(
                f"'available_until' must be after 'available_from' (got {value.isoformat()})",
                field="available_until",
                value=value,
            )

    def open_at(self, t: int) -> bool:
        """Return whether the reward's window contains the instant *t* (epoch micros).

        The window is ``[available_from, available_until)``.

        >>> mug = Reward(id="mug", cost=500, available_from=pendulum.datetime(2025, 1, 1),
        ...              available_until=pendulum.datetime(2025, 2, 1))
        >>> mug.open_at(to_micros(pendulum.datetime(2025, 1, 15))), mug.open_at(to_micros(mug.available_until))
        (True, False)
        """
        if self.available_from is not None and t < to_micros(self.available_from):
            return False
        return self.available_until is None or t < to_micros(self.available_until)


def _rewards(value: Any) -> tuple[Reward, ...]:
    items: tuple[Reward, ...] = _distinct(value, Reward, field="rewards", key="id", keys="an id")
    return items


@final
@attrs.frozen(kw_only=True)
class Catalogue:
    """The rewards a programme offers.

    >>> Catalogue(rewards=[Reward(id="mug", cost=500)]).get("mug").cost
    500
    """

    rewards: tuple[Reward, ...] = attrs.field(factory=tuple, converter=_rewards)

    def get(self, reward: str) -> Reward:
        """Return the reward with id *reward*.

        Raises:
            ValidationError: no such reward.

        >>> catalogue = Catalogue(rewards=[Reward(id="mug", cost=500)])
        >>> catalogue.get("mug").cost
        500
        >>> catalogue.get("tote")
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.ValidationError: 'reward' must be one of the catalogue's rewards ('mug') (got 'tote')
        """
        for item in self.rewards:
            if item.id == reward:
                return item
        known = ", ".join(repr(r.id) for r in self.rewards) or "none"
        raise ValidationError(
            f"'reward' must be one of the catalogue's rewards ({known}) (got {reward!r})",
            field="reward",
            value=reward,
        )
