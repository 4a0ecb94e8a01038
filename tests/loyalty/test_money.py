"""Money, round_points and largest_remainder (loyalty/_money.py): edge cases.

These pin down behaviour that mutation testing found unchecked: the exact
error sentences (field, rule, value), the strictness of comparisons, every
rounding mode on both sides of zero and on exact halves, and the tie order of
largest-remainder splitting.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from servicemodel.exceptions import ValidationError
from servicemodel.loyalty import Money, RoundingMode, largest_remainder, round_points


def _refusal(call: object, *args: object) -> ValidationError:
    assert callable(call)
    with pytest.raises(ValidationError) as info:
        call(*args)
    return info.value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            4.35,
            "'amount' must be a Decimal or int (got float 4.35); write Decimal('4.35')",
        ),
        ("4.35", "'amount' must be a Decimal or int (got str '4.35')"),
        (True, "'amount' must be a Decimal or int (got bool True)"),
        (Decimal("NaN"), "'amount' must be a finite number (got Decimal('NaN'))"),
        (Decimal("-Infinity"), "'amount' must be a finite number (got Decimal('-Infinity'))"),
        (
            Decimal("1" * 29),
            f"'amount' must have at most 28 digits (got Decimal('{'1' * 29}'))",
        ),
    ],
)
def test_a_refused_amount_names_the_field_the_rule_and_the_value(
    value: object, message: str
) -> None:
    err = _refusal(Money, value, "EUR")
    assert (err.message, err.field, err.value) == (message, "amount", value)


def test_an_amount_of_exactly_28_digits_is_accepted() -> None:
    assert Money(Decimal("9" * 28), "EUR").amount == Decimal("9" * 28)
    assert Money(Decimal("-0.000000000000000000000000001"), "EUR").amount < 0


@pytest.mark.parametrize("code", ["eur", "EU", "EURO", "E1R", "ÉUR", "", 978, None])
def test_a_malformed_currency_is_refused_with_its_value(code: object) -> None:
    err = _refusal(Money, Decimal(1), code)
    assert err.message == (
        f"'currency' must be an ISO 4217 code of three capital letters such as 'EUR' (got {code!r})"
    )
    assert (err.field, err.value) == ("currency", code)


def test_combining_with_a_non_money_or_another_currency_names_the_culprit() -> None:
    eur = Money(Decimal(5), "EUR")
    err = _refusal(eur.__add__, 5)
    assert (err.message, err.field, err.value) == ("'other' must be Money (got int 5)", "other", 5)
    usd = Money(Decimal(5), "USD")
    for combine in (eur.__add__, eur.__sub__, eur.__lt__, eur.__le__):
        err = _refusal(combine, usd)
        assert (err.message, err.field, err.value) == (
            "'currency' must be EUR to combine with EUR (got 'USD')",
            "currency",
            "USD",
        )


def test_arithmetic_keeps_the_currency_and_comparison_is_strict_where_it_should_be() -> None:
    three, five = Money(Decimal(3), "JPY"), Money(Decimal(5), "JPY")
    assert five - three == Money(Decimal(2), "JPY")
    assert three + five == Money(Decimal(8), "JPY")
    same = Money(Decimal(3), "JPY")
    assert [three < five, five < three, three < same] == [True, False, False]
    assert [three <= five, five <= three, three <= same] == [True, False, True]
    assert five.zero() == Money(Decimal(0), "JPY")
    assert str(Money(Decimal("-1.50"), "GBP")) == "-1.50 GBP"


_MODES = (
    RoundingMode.FLOOR,
    RoundingMode.CEILING,
    RoundingMode.DOWN,
    RoundingMode.UP,
    RoundingMode.HALF_UP,
    RoundingMode.HALF_DOWN,
    RoundingMode.HALF_EVEN,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        #                  floor ceil down  up  h-up h-dn h-even
        (Fraction(5, 2), (2, 3, 2, 3, 3, 2, 2)),
        (Fraction(-5, 2), (-3, -2, -2, -3, -3, -2, -2)),
        (Fraction(7, 2), (3, 4, 3, 4, 4, 3, 4)),
        (Fraction(-7, 2), (-4, -3, -3, -4, -4, -3, -4)),
        (Fraction(1, 3), (0, 1, 0, 1, 0, 0, 0)),
        (Fraction(-1, 3), (-1, 0, 0, -1, 0, 0, 0)),
        (Fraction(2, 3), (0, 1, 0, 1, 1, 1, 1)),
        (Fraction(-2, 3), (-1, 0, 0, -1, -1, -1, -1)),
        (Fraction(1, 2), (0, 1, 0, 1, 1, 0, 0)),
        (Fraction(-1, 2), (-1, 0, 0, -1, -1, 0, 0)),
        (Fraction(-4), (-4,) * 7),
        (7, (7,) * 7),
    ],
)
def test_every_rounding_mode_on_both_sides_of_zero(
    value: Fraction | int, expected: tuple[int, ...]
) -> None:
    got = tuple(round_points(value, mode) for mode in _MODES)
    assert got == expected
    assert all(type(points) is int for points in got)


def test_largest_remainder_gives_leftovers_to_the_largest_remainders_earlier_first() -> None:
    # shares 10/3 each: one point left over per remainder rank, earliest first
    assert largest_remainder(10, [1, 1, 1]) == (4, 3, 3)
    assert largest_remainder(11, [1, 1, 1]) == (4, 4, 3)
    # the largest remainder wins over an earlier smaller one
    assert largest_remainder(10, [Fraction(1, 10), Fraction(9, 10)]) == (1, 9)
    assert largest_remainder(7, [1, 2, 4]) == (1, 2, 4)
    assert largest_remainder(5, [3, 1]) == (4, 1)  # shares 3.75 and 1.25
    assert largest_remainder(5, [1, 3]) == (1, 4)
    assert largest_remainder(1, [Decimal("0.4"), Decimal("0.6")]) == (0, 1)
    assert largest_remainder(2, [0, 1, 0]) == (0, 2, 0)


def test_largest_remainder_with_nothing_to_split() -> None:
    assert largest_remainder(0, [0, 0]) == (0, 0)
    assert largest_remainder(0, []) == ()
    assert largest_remainder(0, [2, 5]) == (0, 0)


def test_largest_remainder_refusals_name_weights_and_show_them() -> None:
    err = _refusal(largest_remainder, 3, (1, -1))
    assert (err.message, err.field, err.value) == (
        "'weights' must not be negative (got [1, -1])",
        "weights",
        (1, -1),
    )
    err = _refusal(largest_remainder, 3, (0, 0))
    assert (err.message, err.field, err.value) == (
        "'weights' must not all be zero when splitting 3 points (got [0, 0])",
        "weights",
        (0, 0),
    )
    err = _refusal(largest_remainder, 1, ())
    assert err.field == "weights"
