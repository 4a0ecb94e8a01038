"""The 13 scenarios of the loyalty reference, one test each, named for the scenario.

Programme timezone Europe/Warsaw, 1 point per 1.00 rounded down,
soonest-expiring first and "earn day is day 1" unless a test says otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pendulum
import pytest

from servicemodel.exceptions import IdempotencyConflict, InsufficientPoints
from servicemodel.loyalty import (
    AfterDays,
    AfterMonths,
    Cap,
    CapOrder,
    CapWindow,
    Consumption,
    DayCount,
    EarnLine,
    EarnRules,
    EntryKind,
    LotStatus,
    Money,
    NegativeBalance,
    NeverExpires,
    Order,
    OrderLine,
    Pending,
    PendingReturn,
    PerProduct,
    PerSpend,
    Policies,
    ReturnAttribution,
    ReturnedLine,
    Rounding,
    RoundingPlace,
    TierMultiplier,
)

ZONE = "Europe/Warsaw"


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> pendulum.DateTime:
    return pendulum.datetime(year, month, day, hour, minute, second, tz=ZONE)


def eur(text: str) -> Money:
    return Money(Decimal(text), "EUR")


@pytest.fixture
def ledger(new_ledger: Callable[[Policies], Any]) -> Callable[..., Any]:
    """Make an empty ledger under Warsaw policies, kept in memory or in a store (tests/conftest.py)."""

    def make(**kwargs: object) -> Any:
        return new_ledger(Policies(zone=ZONE, **kwargs))  # type: ignore[arg-type]

    return make


def test_scenario_1_redeem_draws_soonest_expiring_and_the_rest_expires_at_local_midnight(
    ledger: Callable[..., Any],
) -> None:
    book = ledger(expiry=AfterDays(days=365))
    book.earn(member="m", points=100, at=at(2025, 1, 10), key="e1")
    book.earn(member="m", points=50, at=at(2025, 2, 1), key="e2")
    receipt = book.redeem(member="m", points=120, at=at(2025, 3, 1), key="r1")
    assert [(a.lot, a.points) for a in receipt.entries[0].allocations] == [(1, 100), (2, 20)]
    assert book.balance("m", as_of=at(2025, 3, 1)).available == 30
    just_before = at(2026, 2, 1).subtract(microseconds=1)
    assert book.balance("m", as_of=just_before).available == 30
    assert book.balance("m", as_of=at(2026, 2, 1)).available == 0
    expiring = book.expiring_between("m", at(2026, 1, 1), at(2026, 3, 1))
    assert [(e.lot, e.points, e.at) for e in expiring] == [(2, 30, at(2026, 2, 1))]
    totals = book.totals("m", as_of=at(2026, 2, 1))
    assert (totals.issued, totals.spent, totals.expired) == (150, 120, 30)
    assert totals.balanced()


def test_scenario_2_soonest_expiring_keeps_the_never_expiring_lot_oldest_first_loses_points(
    ledger: Callable[..., Any],
) -> None:
    for consumption, available_after, expired in (
        (Consumption.SOONEST_EXPIRING, 100, 0),
        (Consumption.FIFO, 0, 100),
    ):
        book = ledger(consumption=consumption)
        book.adjust(
            member="m",
            points=100,
            at=at(2025, 1, 15),
            key="A",
            reason="welcome",
            expiry=NeverExpires(),
        )
        book.earn(member="m", points=100, at=at(2025, 2, 1), key="B", expiry=AfterDays(days=30))
        book.redeem(member="m", points=100, at=at(2025, 2, 10), key="r")
        assert book.balance("m", as_of=at(2025, 2, 10)).available == 100
        lot_b = book.lots("m", as_of=at(2025, 2, 10))[1]
        assert lot_b.expires_at == at(2025, 3, 3)
        later = book.totals("m", as_of=at(2025, 3, 3))
        assert later.expired == expired
        assert book.balance("m", as_of=at(2025, 3, 3)).available == available_after


@pytest.mark.parametrize(
    ("convention", "expires"),
    [
        (DayCount.EARN_DAY_IS_DAY_ONE, at(2025, 2, 9)),
        (DayCount.END_OF_DAY_PLUS_N, at(2025, 2, 10)),
        (DayCount.EXACT_INSTANT, at(2025, 2, 9, 14)),
    ],
)
def test_scenario_3_thirty_days_under_each_day_count_convention(
    convention: DayCount, expires: pendulum.DateTime, ledger: Callable[..., Any]
) -> None:
    book = ledger(expiry=AfterDays(days=30, convention=convention))
    book.earn(member="m", points=10, at=at(2025, 1, 10, 14), key="e")
    lot = book.lots("m", as_of=at(2025, 1, 10, 14))[0]
    assert lot.expires_at == expires
    usable_until = expires.subtract(microseconds=1)
    assert book.balance("m", as_of=usable_until).available == 10
    assert book.balance("m", as_of=expires).available == 0
    if convention is DayCount.END_OF_DAY_PLUS_N:
        assert book.balance("m", as_of=at(2025, 2, 9, 23, 59, 59)).available == 10


def test_scenario_4_month_arithmetic_clamps_and_365_days_is_not_a_year_in_a_leap_year(
    ledger: Callable[..., Any],
) -> None:
    months = ledger(expiry=AfterMonths(months=1, convention=DayCount.EXACT_INSTANT))
    months.earn(member="m", points=1, at=at(2024, 1, 31, 12), key="jan31")
    assert months.lots("m", as_of=at(2024, 2, 1))[0].expires_at == at(2024, 2, 29, 12)
    year = ledger(expiry=AfterMonths(months=12, convention=DayCount.EXACT_INSTANT))
    year.earn(member="m", points=1, at=at(2024, 2, 29, 12), key="leap")
    assert year.lots("m", as_of=at(2024, 3, 1))[0].expires_at == at(2025, 2, 28, 12)
    by_days = ledger(expiry=AfterDays(days=365))
    by_year = ledger(expiry=AfterMonths(months=12))
    for book in (by_days, by_year):
        book.earn(member="m", points=1, at=at(2024, 1, 1), key="new-year")
    assert by_days.lots("m", as_of=at(2024, 1, 1))[0].expires_at == at(2024, 12, 31)
    assert by_year.lots("m", as_of=at(2024, 1, 1))[0].expires_at == at(2025, 1, 1)


def test_scenario_5_pending_points_cannot_be_redeemed_and_a_return_voids_them_without_debt(
    ledger: Callable[..., Any],
) -> None:
    book = ledger(pending=Pending(length=14))
    book.earn(
        member="m",
        points=100,
        at=at(2025, 1, 1, 10),
        key="o1",
        lines=[EarnLine(line="A", amount=Decimal("100.00"), points=100)],
    )
    assert book.lots("m", as_of=at(2025, 1, 1, 10))[0].available_at == at(2025, 1, 15, 10)
    assert book.balance("m", as_of=at(2025, 1, 10)).available == 0
    assert book.balance("m", as_of=at(2025, 1, 10)).pending == 100
    with pytest.raises(InsufficientPoints):
        book.redeem(member="m", points=50, at=at(2025, 1, 10), key="r1")
    assert book.version("m") == 1
    receipt = book.return_purchase(member="m", earn="o1", at=at(2025, 1, 12), key="ret")
    assert [e.kind for e in receipt.entries] == [EntryKind.VOID]
    balance = book.balance("m", as_of=at(2025, 2, 1))
    assert (balance.available, balance.pending, balance.debt) == (0, 0, 0)
    assert book.lots("m", as_of=at(2025, 2, 1))[0].status is LotStatus.VOIDED


@pytest.mark.parametrize(
    ("policy", "available", "debt", "reversed_", "written_off"),
    [
        (NegativeBalance.UNLIMITED, 0, 80, 20, 0),
        (NegativeBalance.WITHIN_BALANCE, 0, 0, 20, 80),
        (NegativeBalance.ONLY_PENDING, 20, 0, 0, 100),
    ],
)
def test_scenario_6_full_return_after_spending_under_each_negative_balance_policy(
    policy: NegativeBalance,
    available: int,
    debt: int,
    reversed_: int,
    written_off: int,
    ledger: Callable[..., Any],
) -> None:
    book = ledger(negative_balance=policy)
    book.earn(member="m", points=100, at=at(2025, 1, 1), key="o1")
    book.redeem(member="m", points=80, at=at(2025, 1, 2), key="r1")
    book.return_purchase(member="m", earn="o1", at=at(2025, 1, 3), key="ret")
    balance = book.balance("m", as_of=at(2025, 1, 3))
    assert (balance.available, balance.debt) == (available, debt)
    totals = book.totals("m", as_of=at(2025, 1, 3))
    assert (totals.reversed, totals.written_off) == (reversed_, written_off)
    assert totals.balanced()
    if policy is NegativeBalance.UNLIMITED:
        assert balance.net == -80


def test_scenario_6_refuse_policy_raises_and_changes_nothing(ledger: Callable[..., Any]) -> None:
    book = ledger(negative_balance=NegativeBalance.REFUSE)
    book.earn(member="m", points=100, at=at(2025, 1, 1), key="o1")
    book.redeem(member="m", points=80, at=at(2025, 1, 2), key="r1")
    before = book.history("m")
    with pytest.raises(InsufficientPoints):
        book.return_purchase(member="m", earn="o1", at=at(2025, 1, 3), key="ret")
    assert book.history("m") == before
    assert book.version("m") == 2
    assert book.balance("m", as_of=at(2025, 1, 3)).available == 20


def test_scenario_7_debt_is_repaid_by_later_earns_and_never_expires(
    ledger: Callable[..., Any],
) -> None:
    book = ledger(expiry=AfterDays(days=30))
    book.earn(member="m", points=100, at=at(2025, 1, 1), key="o1")
    book.redeem(member="m", points=80, at=at(2025, 1, 2), key="r1")
    book.return_purchase(member="m", earn="o1", at=at(2025, 1, 3), key="ret")
    assert book.balance("m", as_of=at(2025, 1, 3)).debt == 80
    book.earn(member="m", points=50, at=at(2025, 1, 4), key="o2")
    assert book.balance("m", as_of=at(2025, 1, 4)).net == -30
    book.earn(member="m", points=100, at=at(2025, 1, 5), key="o3")
    balance = book.balance("m", as_of=at(2025, 1, 5))
    assert (balance.available, balance.debt) == (70, 0)
    third = book.lots("m", as_of=at(2025, 1, 5))[2]
    assert (third.original, third.remaining) == (100, 70)
    expiring = book.expiring_between("m", at(2025, 1, 5), at(2025, 3, 1))
    assert [(e.lot, e.points) for e in expiring] == [(3, 70)]
    # Debt never expires: a member whose only history is debt keeps it.
    debtor = ledger(expiry=AfterDays(days=30))
    debtor.earn(member="d", points=10, at=at(2025, 1, 1), key="d1")
    debtor.redeem(member="d", points=10, at=at(2025, 1, 1), key="d2")
    debtor.return_purchase(member="d", earn="d1", at=at(2025, 1, 2), key="d3")
    assert debtor.balance("d", as_of=at(2030, 1, 1)).debt == 10


def _scenario_8_order() -> tuple[EarnRules, Order]:
    rules = EarnRules(
        rules=[
            PerProduct(name="A-bonus", product="A", points=10),
            PerProduct(name="B-bonus", product="B", points=20),
            PerSpend(name="spend"),
        ]
    )
    order = Order(
        id="o8",
        lines=[
            OrderLine(line="A", product="A", amount=eur("10.00")),
            OrderLine(line="B", product="B", amount=eur("10.00")),
            OrderLine(line="C", product="C", amount=eur("20.00")),
        ],
    )
    return rules, order


@pytest.mark.parametrize(
    ("attribution", "reversed_for_c"),
    [(ReturnAttribution.PROPORTIONAL, 35), (ReturnAttribution.LINE_ATTRIBUTED, 20)],
)
def test_scenario_8_return_of_line_c_proportional_35_line_attributed_20_full_return_exactly_70(
    attribution: ReturnAttribution, reversed_for_c: int, ledger: Callable[..., Any]
) -> None:
    rules, order = _scenario_8_order()
    earning = rules.evaluate(order, at=at(2025, 1, 1))
    assert earning.points == 70
    assert [(line.line, line.points) for line in earning.lines] == [("A", 20), ("B", 30), ("C", 20)]
    book = ledger(returns=attribution)
    book.earn(member="m", points=70, at=at(2025, 1, 1), key="o8", lines=earning.lines)
    first = book.return_purchase(
        member="m",
        earn="o8",
        at=at(2025, 1, 2),
        key="ret-c",
        lines=[ReturnedLine(line="C", amount=Decimal("20.00"))],
    )
    assert first.entries[0].points == reversed_for_c
    book.return_purchase(
        member="m",
        earn="o8",
        at=at(2025, 1, 3),
        key="ret-a",
        lines=[ReturnedLine(line="A", amount=Decimal("4.00"))],
    )
    book.return_purchase(member="m", earn="o8", at=at(2025, 1, 4), key="ret-rest")
    totals = book.totals("m", as_of=at(2025, 1, 4))
    assert totals.reversed == 70
    assert book.balance("m", as_of=at(2025, 1, 4)).available == 0


def test_scenario_9_clawback_reverses_the_recorded_award_after_the_rate_changed_or_rule_deleted(
    ledger: Callable[..., Any],
) -> None:
    order = Order(id="o9", lines=[OrderLine(line="A", product="x", amount=eur("50.00"))])
    old = EarnRules(rules=[PerSpend(name="spend", points=1)])
    earning = old.evaluate(order, at=at(2025, 1, 1))
    book = ledger()
    book.earn(
        member="m",
        points=earning.points,
        at=at(2025, 1, 1),
        key="o9",
        awards=earning.awards,
        lines=earning.lines,
    )
    book.earn(member="m", points=500, at=at(2025, 1, 2), key="other")
    # Today's rules: double rate, or the rule is gone entirely.
    doubled = EarnRules(rules=[PerSpend(name="spend", points=2)])
    assert doubled.evaluate(order, at=at(2025, 1, 3)).points == 100
    assert EarnRules(rules=[]).evaluate(order, at=at(2025, 1, 3)).points == 0
    receipt = book.return_purchase(member="m", earn="o9", at=at(2025, 1, 3), key="ret")
    assert receipt.entries[0].points == 50
    assert book.balance("m", as_of=at(2025, 1, 3)).available == 500
    lot = book.lots("m", as_of=at(2025, 1, 3))[0]
    assert [(a.rule, a.rate, a.base) for a in lot.awards] == [("spend", Fraction(1), eur("50.00"))]


def test_scenario_10_rounding_per_line_18_per_order_19() -> None:
    order = Order(
        id="o10",
        lines=[
            OrderLine(line="1", product="x", amount=eur("9.99")),
            OrderLine(line="2", product="y", amount=eur("9.99")),
        ],
    )
    per_line = EarnRules(
        rules=[PerSpend(name="spend")], rounding=Rounding(place=RoundingPlace.PER_LINE)
    )
    per_order = EarnRules(
        rules=[PerSpend(name="spend")], rounding=Rounding(place=RoundingPlace.PER_ORDER)
    )
    assert per_line.evaluate(order, at=at(2025, 1, 1)).points == 18
    assert per_order.evaluate(order, at=at(2025, 1, 1)).points == 19


def test_scenario_11_exact_arithmetic_435_and_1999() -> None:
    def points(rule: PerSpend, amount: str) -> int:
        order = Order(id="o", lines=[OrderLine(line="1", product="x", amount=eur(amount))])
        return EarnRules(rules=[rule]).evaluate(order, at=at(2025, 1, 1)).points

    assert points(PerSpend(name="s", points=100, per=Decimal("1.00")), "4.35") == 435
    assert points(PerSpend(name="s", points=1, per=Decimal("0.01")), "19.99") == 1999
    assert points(PerSpend(name="s", points=100), "4.350") == 435


@pytest.mark.parametrize(
    ("order_of_caps", "granted"),
    [(CapOrder.MULTIPLY_THEN_CAP, 500), (CapOrder.CAP_THEN_MULTIPLY, 800)],
)
def test_scenario_12_gold_double_with_order_cap_500_records_desired_and_granted(
    order_of_caps: CapOrder, granted: int
) -> None:
    rules = EarnRules(
        rules=[PerSpend(name="spend")],
        multipliers=[TierMultiplier(tier="gold", factor=2)],
        caps=[Cap(name="per-order", limit=500, window=CapWindow.ORDER)],
        cap_order=order_of_caps,
    )
    order = Order(id="o12", lines=[OrderLine(line="1", product="tv", amount=eur("400.00"))])
    earning = rules.evaluate(order, at=at(2025, 1, 1), tier="gold")
    assert (earning.points, earning.desired) == (granted, 800)
    assert (earning.awards[0].desired, earning.awards[0].granted) == (800, granted)
    silver = rules.evaluate(order, at=at(2025, 1, 1), tier="silver")
    assert (silver.points, silver.desired) == (400, 400)


def test_scenario_13_duplicate_delivery_writes_one_lot_and_a_changed_payload_conflicts(
    ledger: Callable[..., Any],
) -> None:
    book = ledger()
    first = book.earn(member="m", points=100, at=at(2025, 1, 1), key="evt-1")
    journal = book.history("m")
    again = book.earn(member="m", points=100, at=at(2025, 1, 1), key="evt-1")
    assert again == first
    assert book.history("m") == journal
    assert len(book.lots("m", as_of=at(2025, 1, 2))) == 1
    with pytest.raises(IdempotencyConflict):
        book.earn(member="m", points=101, at=at(2025, 1, 1), key="evt-1")
    assert book.history("m") == journal
    assert book.version("m") == 1
    # The same instant written in another timezone is the same payload.
    utc = at(2025, 1, 1).in_timezone("UTC")
    assert book.earn(member="m", points=100, at=utc, key="evt-1") == first
    stdlib = dt.datetime(2024, 12, 31, 23, tzinfo=dt.UTC)
    assert book.earn(member="m", points=100, at=stdlib, key="evt-1") == first


def test_a_return_inside_the_pending_period_voids_the_whole_lot_under_void_all(
    ledger: Callable[..., Any],
) -> None:
    lines = [
        EarnLine(line="A", amount=Decimal("30.00"), points=30),
        EarnLine(line="B", amount=Decimal("70.00"), points=70),
    ]
    for on_return, left in ((PendingReturn.VOID_RETURNED, 70), (PendingReturn.VOID_ALL, 0)):
        book = ledger(pending=Pending(length=14, on_return=on_return))
        book.earn(member="m", points=100, at=at(2025, 1, 1), key="o", lines=lines)
        book.return_purchase(
            member="m",
            earn="o",
            at=at(2025, 1, 5),
            key="ret",
            lines=[ReturnedLine(line="A", amount=Decimal("30.00"))],
        )
        assert book.balance("m", as_of=at(2025, 1, 20)).available == left
        assert book.totals("m", as_of=at(2025, 1, 20)).voided == 100 - left
