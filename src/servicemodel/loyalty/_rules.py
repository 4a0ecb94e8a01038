"""Earn rules: what a purchase or an event is worth in points.

Rules give exact values (``Fraction``); a named :class:`Rounding` turns them
into points per line or per order, before or after multipliers; caps (in
``_caps``) clip or reject, and both the desired and the granted points are
recorded. Custom rules satisfy the :class:`EarnRule` protocol. What earns
(orders and events) is in ``_purchases``.
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, Protocol, TypeAlias, final, runtime_checkable

import attrs
import pendulum

from .._time import aware, to_micros
from .._validators import enum_member, is_collection
from ..exceptions import ValidationError
from ._caps import Cap, CapCount, CapOrder, _to_cap_count, _to_cap_order
from ._money import Money, RoundingMode, decimal_amount, largest_remainder, round_points
from ._purchases import (
    Activity,
    EventKind,
    Order,
    OrderLine,
    _distinct,
    _optional_text,
    _text,
    _to_event,
    _whole,
)
from ._values import Award, EarnLine

__all__ = [
    "Basis",
    "ChannelMultiplier",
    "EarnRule",
    "EarnRules",
    "Earning",
    "PerCategory",
    "PerEvent",
    "PerProduct",
    "PerSpend",
    "PromotionMultiplier",
    "Rounding",
    "RoundingPlace",
    "RoundingStage",
    "TierMultiplier",
]


def _factor(value: Any) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, Fraction | Decimal | int):
        raise ValidationError(
            f"'factor' must be an exact number (int, Decimal or Fraction) (got {value!r})",
            field="factor",
            value=value,
        )
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValidationError(
            f"'factor' must be finite (got {value!r})", field="factor", value=value
        )
    factor = Fraction(value)
    if not 0 <= factor <= 1000:
        raise ValidationError(
            f"'factor' must be between 0 and 1000 (got {value!r})", field="factor", value=value
        )
    return factor


def _positive_decimal(value: Any) -> Decimal:
    return decimal_amount(value, field="per", above=0)


def _names(value: Any) -> frozenset[str]:
    if not is_collection(value):
        raise ValidationError(
            f"'categories' must be a collection of names (got {value!r})",
            field="categories",
            value=value,
        )
    return frozenset(value)


def _to_rounding_mode(value: Any) -> RoundingMode:
    return enum_member(RoundingMode, value, field="mode")


def _to_rounding_place(value: Any) -> RoundingPlace:
    return enum_member(RoundingPlace, value, field="place")


def _to_rounding_stage(value: Any) -> RoundingStage:
    return enum_member(RoundingStage, value, field="stage")


@final
@attrs.frozen(kw_only=True)
class Basis:
    """An exact, unrounded value a rule gives one line (or a whole event).

    >>> Basis(line="A", points=Fraction(999, 100)).points
    Fraction(999, 100)
    """

    line: str | None
    points: Fraction
    base: Money | None = None
    rate: Fraction | None = None


@runtime_checkable
class EarnRule(Protocol):
    """What an earn rule provides: a name and the exact values it gives a purchase.

    Any object with these members is a rule, so programmes can add their own.

    >>> isinstance(PerEvent(name="review", event=EventKind.REVIEW_POSTED, points=50), EarnRule)
    True
    """

    @property
    def name(self) -> str:
        """The rule's unique name (recorded on every award).

        >>> rule: EarnRule = PerEvent(name="review", event=EventKind.REVIEW_POSTED, points=50)
        >>> rule.name
        'review'
        """
        ...

    def bases(self, purchase: Order | Activity) -> tuple[Basis, ...]:
        """Return the exact values the rule gives, per line (or one for an event).

        Values are exact fractions; rounding happens later, in :class:`EarnRules`.
        A rule that gives nothing for this purchase returns ``()``.

        >>> rule: EarnRule = PerEvent(name="review", event=EventKind.REVIEW_POSTED, points=50)
        >>> rule.bases(Activity(id="r-1", kind=EventKind.REVIEW_POSTED))
        (Basis(line=None, points=Fraction(50, 1), base=None, rate=None),)
        >>> rule.bases(Activity(id="b-1", kind=EventKind.BIRTHDAY))
        ()
        """
        ...


@final
@attrs.frozen(kw_only=True)
class PerSpend:
    """``points`` for every ``per`` of money spent (optionally only in some categories).

    >>> from servicemodel.loyalty import OrderLine
    >>> rule = PerSpend(name="spend", points=100, per=Decimal("1.00"))
    >>> order = Order(id="o", lines=[OrderLine(line="A", product="x",
    ...                                        amount=Money(Decimal("4.35"), "EUR"))])
    >>> rule.bases(order)[0].points
    Fraction(435, 1)
    """

    name: str = attrs.field(validator=_text)
    points: int = attrs.field(default=1, validator=_whole(1))
    per: Decimal = attrs.field(default=Decimal("1.00"), converter=_positive_decimal)
    currency: str | None = attrs.field(default=None, validator=_optional_text)
    categories: frozenset[str] = attrs.field(factory=frozenset, converter=_names)

    def bases(self, purchase: Order | Activity) -> tuple[Basis, ...]:
        """Return each line's exact points: amount / per * points.

        >>> from servicemodel.loyalty import OrderLine
        >>> eur = lambda s: Money(Decimal(s), "EUR")
        >>> order = Order(id="o", lines=[
        ...     OrderLine(line="A", product="mug", amount=eur("9.00"), quantity=3),
        ...     OrderLine(line="B", product="novel", category="books", amount=eur("20.00"), quantity=2)])
        >>> [(b.line, b.points) for b in PerSpend(name="spend", points=2).bases(order)]
        [('A', Fraction(18, 1)), ('B', Fraction(40, 1))]
        """
        if not isinstance(purchase, Order):
            return ()
        rate = Fraction(self.points) / Fraction(self.per)
        result = []
        for line in purchase.lines:
            if self.currency is not None and line.amount.currency != self.currency:
                raise ValidationError(
                    f"'currency' of line {line.line!r} must be {self.currency} for rule "
                    f"{self.name!r} (got {line.amount.currency!r})",
                    field="currency",
                    value=line.amount.currency,
                )
            if self.categories and line.category not in self.categories:
                continue
            result.append(
                Basis(
                    line=line.line,
                    points=Fraction(line.amount.amount) * rate,
                    base=line.amount,
                    rate=rate,
                )
            )
        return tuple(result)


def _per_unit(
    purchase: Order | Activity, points: int, counts: Callable[[OrderLine], bool]
) -> tuple[Basis, ...]:
    """*points* per unit of each order line that *counts*; an activity has no lines."""
    if not isinstance(purchase, Order):
        return ()
    return tuple(
        Basis(line=line.line, points=Fraction(points * line.quantity))
        for line in purchase.lines
        if counts(line)
    )


@final
@attrs.frozen(kw_only=True)
class PerProduct:
    """``points`` per unit of one product.

    >>> PerProduct(name="mug-bonus", product="mug", points=10).points
    10
    """

    name: str = attrs.field(validator=_text)
    product: str = attrs.field(validator=_text)
    points: int = attrs.field(validator=_whole(1))

    def bases(self, purchase: Order | Activity) -> tuple[Basis, ...]:
        """Return the points of each line of the product (per unit).

        >>> from servicemodel.loyalty import OrderLine
        >>> eur = lambda s: Money(Decimal(s), "EUR")
        >>> order = Order(id="o", lines=[
        ...     OrderLine(line="A", product="mug", amount=eur("9.00"), quantity=3),
        ...     OrderLine(line="B", product="novel", category="books", amount=eur("20.00"), quantity=2)])
        >>> PerProduct(name="mugs", product="mug", points=10).bases(order)
        (Basis(line='A', points=Fraction(30, 1), base=None, rate=None),)
        """
        return _per_unit(purchase, self.points, lambda line: line.product == self.product)


@final
@attrs.frozen(kw_only=True)
class PerCategory:
    """``points`` per unit of any product in one category.

    >>> PerCategory(name="books", category="books", points=5).category
    'books'
    """

    name: str = attrs.field(validator=_text)
    category: str = attrs.field(validator=_text)
    points: int = attrs.field(validator=_whole(1))

    def bases(self, purchase: Order | Activity) -> tuple[Basis, ...]:
        """Return the points of each line in the category (per unit).

        >>> from servicemodel.loyalty import OrderLine
        >>> eur = lambda s: Money(Decimal(s), "EUR")
        >>> order = Order(id="o", lines=[
        ...     OrderLine(line="A", product="mug", amount=eur("9.00"), quantity=3),
        ...     OrderLine(line="B", product="novel", category="books", amount=eur("20.00"), quantity=2)])
        >>> PerCategory(name="books", category="books", points=5).bases(order)
        (Basis(line='B', points=Fraction(10, 1), base=None, rate=None),)
        """
        return _per_unit(purchase, self.points, lambda line: line.category == self.category)


@final
@attrs.frozen(kw_only=True)
class PerEvent:
    """Fixed points for an event (survey completed, review posted, referral, birthday).

    >>> PerEvent(name="birthday", event=EventKind.BIRTHDAY, points=200).bases(
    ...     Activity(id="b-2025", kind=EventKind.BIRTHDAY))[0].points
    Fraction(200, 1)
    """

    name: str = attrs.field(validator=_text)
    event: EventKind = attrs.field(converter=_to_event)
    points: int = attrs.field(validator=_whole(1))

    def bases(self, purchase: Order | Activity) -> tuple[Basis, ...]:
        """Return the event's points if the activity is this event.

        >>> rule = PerEvent(name="survey", event=EventKind.SURVEY_COMPLETED, points=20)
        >>> rule.bases(Activity(id="s-1", kind=EventKind.SURVEY_COMPLETED))[0].points
        Fraction(20, 1)
        >>> rule.bases(Activity(id="r-1", kind=EventKind.REFERRAL))
        ()
        """
        if isinstance(purchase, Activity) and purchase.kind is self.event:
            return (Basis(line=None, points=Fraction(self.points)),)
        return ()


@final
@attrs.frozen(kw_only=True)
class TierMultiplier:
    """Multiply points for members of a tier.

    >>> TierMultiplier(tier="gold", factor=2).factor
    Fraction(2, 1)
    """

    tier: str = attrs.field(validator=_text)
    factor: Fraction = attrs.field(converter=_factor)


def _start(value: Any) -> pendulum.DateTime:
    return aware(value, field="start")


def _end(value: Any) -> pendulum.DateTime:
    return aware(value, field="end")


@final
@attrs.frozen(kw_only=True)
class PromotionMultiplier:
    """Multiply points earned in ``[start, end)``.

    >>> p = PromotionMultiplier(name="spring", factor=Decimal("1.5"),
    ...     start=pendulum.datetime(2025, 3, 1), end=pendulum.datetime(2025, 4, 1))
    >>> p.factor
    Fraction(3, 2)
    """

    name: str = attrs.field(validator=_text)
    factor: Fraction = attrs.field(converter=_factor)
    start: pendulum.DateTime = attrs.field(converter=_start)
    end: pendulum.DateTime = attrs.field(converter=_end)

    @end.validator
    def _check(self, attribute: attrs.Attribute[Any], value: pendulum.DateTime) -> None:
        if to_micros(value) <= to_micros(self.start):
            raise ValidationError(
                f"'end' must be after 'start' {self.start.isoformat()} (got {value.isoformat()})",
                field="end",
                value=value,
            )

    def applies(self, at: int) -> bool:
        """Return whether the instant *at* (epoch micros) is inside the promotion.

        >>> p = PromotionMultiplier(name="spring", factor=2,
        ...     start=pendulum.datetime(2025, 3, 1), end=pendulum.datetime(2025, 4, 1))
        >>> p.applies(to_micros(pendulum.datetime(2025, 3, 15))), p.applies(to_micros(p.end))
        (True, False)
        """
        return to_micros(self.start) <= at < to_micros(self.end)


@final
@attrs.frozen(kw_only=True)
class ChannelMultiplier:
    """Multiply points for purchases made through a channel (e.g. the app).

    >>> ChannelMultiplier(channel="app", factor=2).channel
    'app'
    """

    channel: str = attrs.field(validator=_text)
    factor: Fraction = attrs.field(converter=_factor)


#: Any multiplier.
Multiplier: TypeAlias = TierMultiplier | PromotionMultiplier | ChannelMultiplier


class RoundingPlace(enum.Enum):
    """Where exact values are rounded: each line, or the order's total per rule.

    >>> RoundingPlace("per_order").value
    'per_order'
    """

    PER_LINE = "per_line"
    PER_ORDER = "per_order"


class RoundingStage(enum.Enum):
    """Whether rounding happens before multipliers (then again after) or only after.

    >>> RoundingStage("after_multipliers").name
    'AFTER_MULTIPLIERS'
    """

    BEFORE_MULTIPLIERS = "before_multipliers"
    AFTER_MULTIPLIERS = "after_multipliers"


@final
@attrs.frozen(kw_only=True)
class Rounding:
    """How exact values become points: the mode, the place and the stage.

    >>> Rounding().mode, Rounding().place
    (<RoundingMode.FLOOR: 'floor'>, <RoundingPlace.PER_LINE: 'per_line'>)
    """

    mode: RoundingMode = attrs.field(default=RoundingMode.FLOOR, converter=_to_rounding_mode)
    place: RoundingPlace = attrs.field(default=RoundingPlace.PER_LINE, converter=_to_rounding_place)
    stage: RoundingStage = attrs.field(
        default=RoundingStage.BEFORE_MULTIPLIERS, converter=_to_rounding_stage
    )


@final
@attrs.frozen(kw_only=True)
class Earning:
    """What a purchase earns: granted and desired points, per-rule awards and per-line points.

    ``tally`` holds what each cap counted (``cap:<name>``), for the ledger.

    >>> Earning(points=0, desired=0).points
    0
    """

    points: int
    desired: int
    awards: tuple[Award, ...] = ()
    lines: tuple[EarnLine, ...] = ()
    tally: tuple[tuple[str, int], ...] = ()


def _rules(value: Any) -> tuple[Any, ...]:
    items: tuple[Any, ...] = _distinct(value, EarnRule, field="rules", key="name", keys="a name")
    return items


def _multipliers(value: Any) -> tuple[Multiplier, ...]:
    items = tuple(value)
    for item in items:
        if not isinstance(item, TierMultiplier | PromotionMultiplier | ChannelMultiplier):
            raise ValidationError(
                f"'multipliers' must contain multipliers (got {item!r})",
                field="multipliers",
                value=item,
            )
    return items


def _caps(value: Any) -> tuple[Cap, ...]:
    items: tuple[Cap, ...] = _distinct(value, Cap, field="caps", key="name", keys="a name")
    return items


@final
@attrs.frozen(kw_only=True)
class EarnRules:
    """Rules, multipliers and caps composed, with the rounding and cap order named.

    >>> from servicemodel.loyalty import CapWindow, OrderLine
    >>> eur = lambda s: Money(Decimal(s), "EUR")
    >>> rules = EarnRules(rules=[PerSpend(name="spend")], multipliers=[TierMultiplier(tier="gold", factor=2)],
    ...                   caps=[Cap(name="order", limit=500, window=CapWindow.ORDER)])
    >>> order = Order(id="o", lines=[OrderLine(line="A", product="tv", amount=eur("400.00"))])
    >>> e = rules.evaluate(order, at=pendulum.datetime(2025, 1, 1), tier="gold")
    >>> e.points, e.desired
    (500, 800)
    """

    rules: tuple[Any, ...] = attrs.field(factory=tuple, converter=_rules)
    multipliers: tuple[Multiplier, ...] = attrs.field(factory=tuple, converter=_multipliers)
    caps: tuple[Cap, ...] = attrs.field(factory=tuple, converter=_caps)
    rounding: Rounding = attrs.field(factory=Rounding)
    cap_order: CapOrder = attrs.field(default=CapOrder.MULTIPLY_THEN_CAP, converter=_to_cap_order)
    cap_count: CapCount = attrs.field(default=CapCount.GRANTED, converter=_to_cap_count)

    def factor(
        self,
        purchase: Order | Activity,
        *,
        at: int,
        tier: str | None,
        tier_factor: Fraction | None = None,
    ) -> Fraction:
        """Return the product of the multipliers that apply (tier, promotion, channel).

        *at* is the purchase instant in epoch microseconds; *tier_factor*, when
        given, replaces the tier multipliers.

        >>> from servicemodel.loyalty import OrderLine
        >>> spring = PromotionMultiplier(name="spring", factor=Decimal("1.5"),
        ...     start=pendulum.datetime(2025, 3, 1), end=pendulum.datetime(2025, 4, 1))
        >>> rules = EarnRules(rules=[PerSpend(name="spend")], multipliers=[
        ...     TierMultiplier(tier="gold", factor=2), spring,
        ...     ChannelMultiplier(channel="app", factor=Decimal("1.25"))])
        >>> order = Order(id="o", channel="app", lines=[
        ...     OrderLine(line="A", product="mug", amount=Money(Decimal("9.00"), "EUR"))])
        >>> rules.factor(order, at=to_micros(pendulum.datetime(2025, 3, 15)), tier="gold")
        Fraction(15, 4)
        >>> rules.factor(order, at=to_micros(pendulum.datetime(2025, 5, 1)), tier=None)
        Fraction(5, 4)
        """
        factor = Fraction(1)
        for m in self.multipliers:
            if isinstance(m, TierMultiplier):
                if tier_factor is None and m.tier == tier:
                    factor *= m.factor
            elif isinstance(m, PromotionMultiplier):
                if m.applies(at):
                    factor *= m.factor
            elif purchase.channel is not None and m.channel == purchase.channel:
                factor *= m.factor
        if tier_factor is not None:
            factor *= tier_factor
        return factor

    def tier_factor(self, tier: str | None) -> Fraction:
        """Return the product of the tier multipliers for *tier*.

        >>> EarnRules(multipliers=[TierMultiplier(tier="gold", factor=2)]).tier_factor("gold")
        Fraction(2, 1)
        """
        factor = Fraction(1)
        for m in self.multipliers:
            if isinstance(m, TierMultiplier) and m.tier == tier:
                factor *= m.factor
        return factor

    def evaluate(
        self,
        purchase: Order | Activity,
        *,
        at: _dt.datetime,
        tier: str | None = None,
        used: Mapping[str, int] | None = None,
        tier_factor: Fraction | None = None,
    ) -> Earning:
        """Return what *purchase* earns at *at* for a member of *tier*.

        Args:
            purchase: an order or an activity.
            at: when it happened (promotions are windows of instants).
            tier: the member's tier (for tier multipliers).
            used: points already counted under each cap (by cap name) in the
                cap's current window.
            tier_factor: a tier multiplier to use instead of *tier*'s (the
                programme passes a blended one for a split tier crossing).

        Raises:
            ValidationError: *at* is not an aware datetime.

        >>> from servicemodel.loyalty import OrderLine
        >>> eur = lambda s: Money(Decimal(s), "EUR")
        >>> order = Order(id="o", lines=[
        ...     OrderLine(line="A", product="mug", amount=eur("9.00"), quantity=3),
        ...     OrderLine(line="B", product="novel", category="books", amount=eur("20.00"), quantity=2)])
        >>> rules = EarnRules(rules=[PerSpend(name="spend")],
        ...                   multipliers=[TierMultiplier(tier="gold", factor=2)])
        >>> earning = rules.evaluate(order, at=pendulum.datetime(2025, 3, 15), tier="gold")
        >>> earning.points, [(line.line, line.points) for line in earning.lines]
        (58, [('A', 18), ('B', 40)])
        """
        t = to_micros(aware(at, field="at"))
        used = used or {}
        mode = self.rounding.mode
        per_line = self.rounding.place is RoundingPlace.PER_LINE
        before = self.rounding.stage is RoundingStage.BEFORE_MULTIPLIERS
        factor = self.factor(purchase, at=t, tier=tier, tier_factor=tier_factor)
        multiply_first = self.cap_order is CapOrder.MULTIPLY_THEN_CAP
        tallies: dict[str, int] = {}

        def cap(value: int, rule: str | None) -> int:
            # Each cap counts what the whole chain let through, not what passed it
            # alone: a later cap's clip is room the earlier cap did not grant.
            chain = [c for c in self.caps if c.rule == rule]
            for c in chain:
                value = c.apply(value, used.get(c.name, 0))
            for c in chain:
                tallies[c.name] = tallies.get(c.name, 0) + value
            return value

        def rounded(values: list[Fraction], scale: Fraction) -> int:
            if per_line:
                return sum(round_points(v * scale, mode) for v in values)
            return round_points(sum(values, Fraction(0)) * scale, mode)

        records: list[tuple[str, Basis, int, int, int, list[Basis]]] = []
        for rule in self.rules:
            bases = rule.bases(purchase)
            if not bases:
                continue
            values = [b.points for b in bases]
            base_points = rounded(values, Fraction(1))
            if before:
                multiplied = round_points(base_points * factor, mode)
            else:
                multiplied = rounded(values, factor)
            if multiply_first:
                granted = cap(multiplied, rule.name)
                pre_total = granted
            else:
                capped = cap(base_points, rule.name)
                pre_total = capped
                granted = (
                    multiplied
                    if capped == base_points
                    else min(multiplied, round_points(capped * factor, mode))
                )
            records.append((rule.name, bases[0], multiplied, granted, pre_total, list(bases)))
        desired_total = sum(r[2] for r in records)
        granted_parts = [r[3] for r in records]
        # What the rules' caps counted: multiplied points, or base points when
        # the caps apply before the multipliers.
        counted = [r[3] if multiply_first else r[4] for r in records]
        left = cap(sum(counted), None)
        if multiply_first:
            total = left
        else:
            total = (
                sum(granted_parts) if left == sum(counted) else round_points(left * factor, mode)
            )
        if total != sum(granted_parts):
            granted_parts = (
                list(largest_remainder(total, granted_parts))
                if any(granted_parts)
                else [0] * len(records)
            )
        if left != sum(counted):
            # A rule's caps count the rule's share of what the order's caps left.
            shares = largest_remainder(left, counted)
            for (name, *_), was, share in zip(records, counted, shares, strict=True):
                for c in self.caps:
                    if c.rule == name:
                        tallies[c.name] += share - was
        awards = []
        for (name, first, desired, _g, _p, bases), granted in zip(
            records, granted_parts, strict=True
        ):
            base = None
            if all(b.base is not None for b in bases):
                currency = bases[0].base.currency if bases[0].base is not None else "XXX"
                base = Money(
                    sum((b.base.amount for b in bases if b.base is not None), Decimal(0)), currency
                )
            awards.append(
                Award(rule=name, base=base, rate=first.rate, desired=desired, granted=granted)
            )
        lines: tuple[EarnLine, ...] = ()
        if isinstance(purchase, Order):
            weights: dict[str, Fraction] = {line.line: Fraction(0) for line in purchase.lines}
            for (_n, _f, _d, _g, _p, bases), granted in zip(records, granted_parts, strict=True):
                whole = sum((b.points for b in bases), Fraction(0))
                if not whole or not granted:
                    continue
                for b in bases:
                    if b.line is not None:
                        weights[b.line] += b.points * granted / whole
            split = (
                largest_remainder(total, list(weights.values()))
                if total and any(weights.values())
                else tuple(0 for _ in weights)
            )
            if total and not any(weights.values()):
                split = largest_remainder(total, [line.amount.amount for line in purchase.lines])
            lines = tuple(
                EarnLine(line=line.line, amount=line.amount.amount, points=share)
                for line, share in zip(purchase.lines, split, strict=True)
            )
        return Earning(
            points=total,
            desired=desired_total,
            awards=tuple(awards),
            lines=lines,
            tally=tuple(sorted((f"cap:{k}", v) for k, v in tallies.items())),
        )
