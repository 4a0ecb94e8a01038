"""Programmes: refused parts, tiers on spend, cap windows and whole returns."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pendulum
import pytest

from servicemodel.exceptions import ValidationError
from servicemodel.loyalty import (
    Award,
    Cap,
    EarnLine,
    EarnRules,
    Money,
    Order,
    OrderLine,
    PerSpend,
    Policies,
    Programme,
    ReturnedLine,
    Tier,
    TierMultiplier,
    Tiers,
)

T = pendulum.datetime(2025, 1, 10, tz="Europe/Warsaw")


def order(number: int, amount: str) -> Order:
    line = OrderLine(line="1", product="tea", amount=Money(Decimal(amount), "PLN"))
    return Order(id=f"o-{number}", lines=[line])


def refused(build: Any, **kwargs: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        build(**kwargs)
    return caught.value


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (
            {"name": " demo"},
            "name",
            "'name' must be a non-empty string without surrounding blanks",
        ),
        ({"name": "d", "policies": "UTC"}, "policies", "'policies' must be a Policies (got 'UTC')"),
        ({"name": "d", "earn": []}, "earn_rules", "'earn_rules' must be a EarnRules (got [])"),
        ({"name": "d", "tiers": ["gold"]}, "tiers", "'tiers' must be Tiers or None (got ['gold'])"),
    ],
    ids=["blank-name", "policies-text", "earn-list", "tiers-list"],
)
def test_a_programme_refuses_parts_of_the_wrong_kind(
    kwargs: dict[str, Any], field: str, message: str
) -> None:
    error = refused(Programme, **kwargs)
    assert error.field == field
    assert str(error).startswith(message)


def test_asking_for_a_tier_of_a_programme_without_tiers_names_the_programme() -> None:
    programme = Programme(name="coffee club")
    error = refused(programme.tier, ledger=programme.new_ledger(), member="ann", as_of=T)
    assert error.field == "tiers"
    assert "programme 'coffee club' has none" in str(error)


def _spend_tiers(crossing: str) -> Programme:
    return Programme(
        name="spend",
        policies=Policies(zone="Europe/Warsaw"),
        earn=EarnRules(
            rules=[PerSpend(name="spend")],
            multipliers=[TierMultiplier(tier="gold", factor=Fraction(2))],
        ),
        tiers=Tiers(
            levels=[Tier(name="base", threshold=0), Tier(name="gold", threshold=100)],
            metric="spend_rolling",
            crossing=crossing,
        ),
    )


@pytest.mark.parametrize(
    ("crossing", "points"),
    [("before", 150), ("after", 300), ("split", 100 + 2 * 50)],
)
def test_an_order_that_crosses_a_spend_tier_earns_by_the_crossing_rule(
    crossing: str, points: int
) -> None:
    # 150 PLN from nothing crosses gold at 100 PLN of spend (gold earns double).
    programme = _spend_tiers(crossing)
    ledger = programme.new_ledger()
    receipt = programme.earn(ledger, member="ann", purchase=order(1, "150.00"), at=T, key="o-1")
    assert receipt.entries[0].points == points
    assert programme.tier(ledger, "ann", as_of=T.add(minutes=1)).name == "gold"


def test_returning_a_whole_purchase_takes_its_spend_back_and_the_tier_with_it() -> None:
    programme = _spend_tiers("after")
    ledger = programme.new_ledger()
    programme.earn(ledger, member="ann", purchase=order(1, "150.00"), at=T, key="o-1")
    programme.return_purchase(ledger, member="ann", earn="o-1", at=T.add(days=1), key="r-1")
    assert ledger.tally_micros("ann", "spend", 0, 1 << 62) == 0
    assert ledger.balance("ann", as_of=T.add(days=1)).available == 0
    assert programme.tier(ledger, "ann", as_of=T.add(days=1, minutes=1)).name == "base"


@pytest.mark.parametrize(
    ("window", "points"),
    [("month", [80, 20, 80, 20]), ("lifetime", [80, 20, 0, 0])],
)
def test_a_cap_counts_points_over_its_window(window: str, points: list[int]) -> None:
    # Orders on 10 and 15 January, then 4 and 5 February (Warsaw), 80 points each.
    programme = Programme(
        name="capped",
        policies=Policies(zone="Europe/Warsaw"),
        earn=EarnRules(
            rules=[PerSpend(name="spend")], caps=[Cap(name="c", limit=100, window=window)]
        ),
    )
    ledger = programme.new_ledger()
    times = [T, T.add(days=5), T.add(days=25), T.add(days=26)]
    earned = [
        programme.earn(ledger, member="ann", purchase=order(i, "80.00"), at=t, key=f"o-{i}")
        .entries[0]
        .points
        for i, t in enumerate(times)
    ]
    assert earned == points


@pytest.mark.parametrize(
    ("build", "kwargs", "field", "message"),
    [
        (EarnLine, {"line": "", "amount": 1, "points": 1}, "line", "'line' must be a non-empty"),
        (
            EarnLine,
            {"line": "1", "amount": 1, "points": -1},
            "points",
            "'points' must be an integer of at least 0 (got -1)",
        ),
        (
            EarnLine,
            {"line": "1", "amount": True, "points": 1},
            "amount",
            "'amount' must be a Decimal (got bool True)",
        ),
        (
            ReturnedLine,
            {"line": "1", "amount": Decimal("-0.01")},
            "amount",
            "'amount' must be a finite Decimal of at least 0 (got Decimal('-0.01'))",
        ),
        (
            ReturnedLine,
            {"line": "1", "amount": Decimal("NaN")},
            "amount",
            "'amount' must be a finite Decimal of at least 0",
        ),
        (
            Award,
            {"rule": "r", "rate": 0.5, "desired": 1, "granted": 1},
            "rate",
            "'rate' must be an exact number (Fraction, Decimal or int) (got 0.5)",
        ),
        (
            Award,
            {"rule": "r", "desired": 5, "granted": 6},
            "granted",
            "'granted' must be at most desired (5) (got 6)",
        ),
    ],
    ids=[
        "empty-line",
        "negative-points",
        "bool-amount",
        "negative-amount",
        "nan-amount",
        "float-rate",
        "granted-over-desired",
    ],
)
def test_receipt_values_refuse_bad_fields(
    build: Any, kwargs: dict[str, Any], field: str, message: str
) -> None:
    error = refused(build, **kwargs)
    assert error.field == field
    assert str(error).startswith(message)


def test_an_award_rate_given_as_int_or_decimal_is_kept_exactly() -> None:
    assert Award(rule="r", rate=Decimal("0.1"), desired=1, granted=1).rate == Fraction(1, 10)
    assert Award(rule="r", rate=3, desired=1, granted=1).rate == Fraction(3)


def test_a_receipt_of_a_redemption_created_no_lot() -> None:
    programme = Programme(name="p", earn=EarnRules(rules=[PerSpend(name="spend")]))
    ledger = programme.new_ledger()
    earned = programme.earn(ledger, member="ann", purchase=order(1, "50.00"), at=T, key="o-1")
    assert earned.lot is not None
    spent = ledger.redeem(member="ann", points=10, at=T.add(hours=1), key="r-1")
    assert spent.lot is None
