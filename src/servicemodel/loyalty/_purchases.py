"""What earns points: orders with their lines, and events such as a review or a birthday."""

from __future__ import annotations

import enum
from typing import Any, TypeAlias, final

import attrs

from .._validators import (
    between,
    distinct,
    enum_member,
    instances,
    non_empty_str,
    optional_non_empty_str,
)
from ..exceptions import ValidationError
from ._money import Money

__all__ = ["Activity", "EventKind", "Order", "OrderLine", "Purchase"]

MAX_POINTS = 10**12


_text = non_empty_str
_optional_text = optional_non_empty_str


def _whole(low: int) -> Any:
    return between(low, MAX_POINTS)


def _non_negative_money(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Money) or value.amount < 0:
        raise ValidationError(
            f"'{attribute.name}' must be Money of at least 0 (got {value!r})",
            field=attribute.name,
            value=value,
        )


def _to_kind(value: Any) -> EventKind:
    return enum_member(EventKind, value, field="kind")


def _to_event(value: Any) -> EventKind:
    return enum_member(EventKind, value, field="event")


@final
@attrs.frozen(kw_only=True)
class OrderLine:
    """One line of an order: what was bought, its category, quantity and line total.

    >>> from decimal import Decimal
    >>> OrderLine(line="A", product="mug", amount=Money(Decimal("10.00"), "EUR")).quantity
    1
    """

    line: str = attrs.field(validator=_text)
    product: str = attrs.field(validator=_text)
    amount: Money = attrs.field(validator=_non_negative_money)
    category: str | None = attrs.field(default=None, validator=_optional_text)
    quantity: int = attrs.field(default=1, validator=_whole(1))


def _distinct(value: Any, kind: Any, *, field: str, key: str, keys: str) -> Any:
    """*value* as a tuple of *kind* values whose attribute *key* differs from item to item.

    >>> _distinct(["a"], OrderLine, field="lines", key="line", keys="a line id")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'lines[0]' must be an OrderLine (got 'a')
    """
    items = instances(value, kind, field=field)
    distinct((getattr(item, key) for item in items), field=field, what=keys)
    return items


def _lines(value: Any) -> tuple[OrderLine, ...]:
    items: tuple[OrderLine, ...] = _distinct(
        value, OrderLine, field="lines", key="line", keys="a line id"
    )
    currencies = {item.amount.currency for item in items}
    if len(currencies) > 1:
        raise ValidationError(
            f"'lines' must share one currency (got {', '.join(sorted(currencies))})",
            field="lines",
            value=sorted(currencies),
        )
    return items


@final
@attrs.frozen(kw_only=True)
class Order:
    """A purchase: its id, lines and the channel it came through.

    >>> from decimal import Decimal
    >>> eur = lambda s: Money(Decimal(s), "EUR")
    >>> order = Order(id="o-1", lines=[OrderLine(line="A", product="mug", amount=eur("9.99"))])
    >>> order.total()
    Money(amount=Decimal('9.99'), currency='EUR')
    """

    id: str = attrs.field(validator=_text)
    lines: tuple[OrderLine, ...] = attrs.field(converter=_lines)
    channel: str | None = attrs.field(default=None, validator=_optional_text)

    @lines.validator
    def _check(self, attribute: attrs.Attribute[Any], value: tuple[OrderLine, ...]) -> None:
        if not value:
            raise ValidationError("'lines' must not be empty (got none)", field="lines", value=())

    def total(self) -> Money:
        """Return the sum of the line totals.

        >>> from decimal import Decimal
        >>> eur = lambda s: Money(Decimal(s), "EUR")
        >>> order = Order(id="o", lines=[
        ...     OrderLine(line="A", product="mug", amount=eur("9.00"), quantity=3),
        ...     OrderLine(line="B", product="novel", category="books", amount=eur("20.00"), quantity=2)])
        >>> order.total()
        Money(amount=Decimal('29.00'), currency='EUR')
        """
        total = self.lines[0].amount.zero()
        for line in self.lines:
            total = total + line.amount
        return total


class EventKind(enum.Enum):
    """Events that can earn points without a purchase.

    >>> EventKind("review_posted")
    <EventKind.REVIEW_POSTED: 'review_posted'>
    """

    SURVEY_COMPLETED = "survey_completed"
    REVIEW_POSTED = "review_posted"
    REFERRAL = "referral"
    BIRTHDAY = "birthday"
    SIGN_UP = "sign_up"


@final
@attrs.frozen(kw_only=True)
class Activity:
    """An event that may earn points (a survey, a review, a referral, a birthday).

    >>> Activity(id="survey-9", kind=EventKind.SURVEY_COMPLETED).kind.value
    'survey_completed'
    """

    id: str = attrs.field(validator=_text)
    kind: EventKind = attrs.field(converter=_to_kind)
    channel: str | None = attrs.field(default=None, validator=_optional_text)


#: What rules earn on.
Purchase: TypeAlias = Order | Activity
