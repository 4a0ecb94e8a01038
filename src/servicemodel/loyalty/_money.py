"""Money, exact rounding of points, and largest-remainder splitting.

Money is a ``Decimal`` amount with an ISO 4217 currency code. Points are
``int``. Anything in between (a rate times an amount, a multiplier) is an
exact ``Fraction`` until a named rounding mode turns it into points.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, final

import attrs

from ..exceptions import ValidationError

__all__ = ["Money", "RoundingMode", "largest_remainder", "round_points"]

_MAX_DIGITS = 28


def decimal_amount(
    value: object, *, field: str, low: int | None = None, above: int | None = None
) -> Decimal:
    """Return *value* (a ``Decimal`` or ``int``) as a finite Decimal of at least *low* or above *above*.

    The one check of a decimal amount in loyalty (money, tier thresholds,
    line amounts, spend steps); floats are refused with the remedy.

    >>> decimal_amount(4.35, field="amount")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'amount' must be a Decimal or int (got float 4.35); write Decimal('4.35')
    >>> decimal_amount(Decimal("-1"), field="threshold", low=0)
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'threshold' must be a finite number of at least 0 (got Decimal('-1'))
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        hint = f"; write Decimal('{value}')" if isinstance(value, float) else ""
        raise ValidationError(
            f"'{field}' must be a Decimal or int (got {type(value).__name__} {value!r}){hint}",
            field=field,
            value=value,
        )
    amount = Decimal(value)
    if (
        not amount.is_finite()
        or (low is not None and amount < low)
        or (above is not None and amount <= above)
    ):
        bound = (
            f" of at least {low}"
            if low is not None
            else f" greater than {above}"
            if above is not None
            else ""
        )
        raise ValidationError(
            f"'{field}' must be a finite number{bound} (got {value!r})", field=field, value=value
        )
    return amount


def _amount(value: object) -> Decimal:
    amount = decimal_amount(value, field="amount")
    if len(amount.as_tuple().digits) > _MAX_DIGITS:
        raise ValidationError(
            f"'amount' must have at most {_MAX_DIGITS} digits (got {value!r})",
            field="amount",
            value=value,
        )
    return amount


def _currency(_instance: Any, _attribute: Any, value: Any) -> None:
    if not (
        isinstance(value, str)
        and len(value) == 3
        and value.isascii()
        and value.isalpha()
        and value.isupper()
    ):
        raise ValidationError(
            f"'currency' must be an ISO 4217 code of three capital letters such as 'EUR' "
            f"(got {value!r})",
            field="currency",
            value=value,
        )


@final
@attrs.frozen
class Money:
    """An exact amount of money in one currency.

    The amount is a ``Decimal`` (an ``int`` is accepted; a ``float`` is refused
    because ``4.35`` as a float is not 4.35). Adding or comparing amounts in
    different currencies is an error, never a silent conversion.

    Attributes:
        amount: the amount; negative amounts are allowed (refunds).
        currency: the ISO 4217 code, e.g. ``"EUR"``.

    Raises:
        ValidationError: a float or non-finite amount, or a malformed currency.

    >>> Money(Decimal("9.99"), "EUR") + Money(Decimal("0.01"), "EUR")
    Money(amount=Decimal('10.00'), currency='EUR')
    >>> Money(Decimal("1"), "EUR") + Money(Decimal("1"), "USD")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'currency' must be EUR to combine with EUR (got 'USD')
    """

    amount: Decimal = attrs.field(converter=_amount)
    currency: str = attrs.field(validator=_currency)

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise ValidationError(
                f"'other' must be Money (got {type(other).__name__} {other!r})",
                field="other",
                value=other,
            )
        if other.currency != self.currency:
            raise ValidationError(
                f"'currency' must be {self.currency} to combine with {self.currency} "
                f"(got {other.currency!r})",
                field="currency",
                value=other.currency,
            )

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def zero(self) -> Money:
        """Return zero in this currency.

        >>> Money(Decimal("5"), "PLN").zero()
        Money(amount=Decimal('0'), currency='PLN')
        """
        return Money(Decimal(0), self.currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


class RoundingMode(enum.Enum):
    """How an exact number of points becomes an integer.

    ``floor`` (towards minus infinity) is the default of most programmes: a
    customer never gets a point they did not fully earn.

    >>> round_points(Fraction(1999, 100), RoundingMode.HALF_UP)
    20
    """

    FLOOR = "floor"
    CEILING = "ceiling"
    DOWN = "down"
    UP = "up"
    HALF_UP = "half_up"
    HALF_DOWN = "half_down"
    HALF_EVEN = "half_even"


def round_points(value: Fraction | int, mode: RoundingMode) -> int:
    """Round an exact value to whole points with the named *mode*.

    ``down``/``up`` go towards/away from zero; the ``half_*`` modes settle
    exact halves away from zero, towards zero or to the even neighbour.

    >>> round_points(Fraction(435), RoundingMode.FLOOR)
    435
    >>> [round_points(Fraction(-5, 2), m) for m in (RoundingMode.FLOOR, RoundingMode.DOWN,
    ...                                            RoundingMode.HALF_UP, RoundingMode.HALF_EVEN)]
    [-3, -2, -3, -2]
    """
    value = Fraction(value)
    floor = value.numerator // value.denominator
    if floor == value:
        return floor
    ceiling = floor + 1
    negative = value < 0
    if mode is RoundingMode.FLOOR:
        return floor
    if mode is RoundingMode.CEILING:
        return ceiling
    if mode is RoundingMode.DOWN:
        return ceiling if negative else floor
    if mode is RoundingMode.UP:
        return floor if negative else ceiling
    twice = 2 * (value - floor)
    if twice != 1:
        return ceiling if twice > 1 else floor
    if mode is RoundingMode.HALF_UP:
        return floor if negative else ceiling
    if mode is RoundingMode.HALF_DOWN:
        return ceiling if negative else floor
    return floor if floor % 2 == 0 else ceiling


def largest_remainder(total: int, weights: Sequence[Fraction | int | Decimal]) -> tuple[int, ...]:
    """Split *total* points across *weights* so the parts sum to *total* exactly.

    Each part gets the floor of its exact share; the points left over go one
    each to the largest fractional remainders, earlier weights first on ties.
    All-zero weights split nothing and return zeros only when *total* is 0.

    Raises:
        ValidationError: a negative weight, or a non-zero total with no weight.

    >>> largest_remainder(70, [Decimal("10.00"), Decimal("10.00"), Decimal("20.00")])
    (18, 17, 35)
    >>> largest_remainder(10, [1, 1, 1])
    (4, 3, 3)
    """
    exact = [Fraction(w) for w in weights]
    if any(w < 0 for w in exact):
        raise ValidationError(
            f"'weights' must not be negative (got {list(weights)!r})",
            field="weights",
            value=weights,
        )
    whole = sum(exact, Fraction(0))
    if whole == 0:
        if total != 0:
            raise ValidationError(
                f"'weights' must not all be zero when splitting {total} points (got {list(weights)!r})",
                field="weights",
                value=weights,
            )
        return tuple(0 for _ in exact)
    shares = [total * w / whole for w in exact]
    parts = [s.numerator // s.denominator for s in shares]
    left = total - sum(parts)
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return tuple(parts)
