"""Laws of money, rounding, largest remainder and earn rules; errors of bad input."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicemodel.exceptions import ValidationError
from servicemodel.loyalty import (
    Activity,
    Cap,
    CapMode,
    CapWindow,
    ChannelMultiplier,
    EarnRules,
    EventKind,
    Money,
    Order,
    OrderLine,
    PerCategory,
    PerEvent,
    PerSpend,
    PromotionMultiplier,
    Rounding,
    RoundingMode,
    RoundingPlace,
    RoundingStage,
    largest_remainder,
    round_points,
)

T = pendulum.datetime(2025, 1, 1, tz="Europe/Warsaw")
amounts = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False)


def eur(amount: Decimal | str) -> Money:
    return Money(Decimal(amount), "EUR")


def order_of(*values: Decimal, channel: str | None = None) -> Order:
    return Order(
        id="o",
        channel=channel,
        lines=[
            OrderLine(line=str(i), product=f"p{i}", category="c" if i % 2 else "d", amount=eur(v))
            for i, v in enumerate(values)
        ],
    )


@given(st.fractions(min_value=-1000, max_value=1000), st.sampled_from(RoundingMode))
def test_rounding_stays_within_one_point_and_floor_never_exceeds_the_exact_value(
    value: Fraction, mode: RoundingMode
) -> None:
    result = round_points(value, mode)
    assert abs(result - value) < 1
    if mode is RoundingMode.FLOOR:
        assert result <= value
    if mode is RoundingMode.CEILING:
        assert result >= value
    if mode.value.startswith("half"):
        assert abs(result - value) <= Fraction(1, 2)


@given(st.integers(0, 10_000), st.lists(st.integers(0, 1000), min_size=1, max_size=8))
def test_largest_remainder_parts_sum_exactly_and_stay_within_one_of_the_share(
    total: int, weights: list[int]
) -> None:
    if not any(weights):
        weights = [*weights[:-1], 1]
    parts = largest_remainder(total, weights)
    assert sum(parts) == total
    whole = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        share = Fraction(total * weight, whole)
        assert share - 1 < part < share + 1


def test_largest_remainder_refuses_negative_or_all_zero_weights() -> None:
    with pytest.raises(ValidationError, match="'weights' must not be negative"):
        largest_remainder(3, [1, -1])
    with pytest.raises(ValidationError, match="must not all be zero"):
        largest_remainder(3, [0, 0])


@given(amounts)
def test_trailing_zeros_do_not_change_points(amount: Decimal) -> None:
    rules = EarnRules(rules=[PerSpend(name="s", points=3, per=Decimal("0.10"))])
    short = rules.evaluate(order_of(amount), at=T).points
    padded = rules.evaluate(order_of(Decimal(f"{amount}000")), at=T).points
    assert short == padded
    assert short <= Fraction(amount) * 30


def test_money_refuses_floats_other_currencies_and_bad_codes() -> None:
    with pytest.raises(ValidationError, match=r"write Decimal\('4.35'\)"):
        Money(4.35, "EUR")
    with pytest.raises(ValidationError, match="'currency' must be an ISO 4217 code"):
        Money(Decimal(1), "eur")
    with pytest.raises(ValidationError, match="'amount' must be a finite number"):
        Money(Decimal("NaN"), "EUR")
    with pytest.raises(ValidationError, match="'currency' must be EUR"):
        _ = eur("1") < Money(Decimal(1), "USD")
    assert eur("1.10") - eur("0.10") == eur("1.00")
    with pytest.raises(ValidationError, match="'lines' must share one currency"):
        Order(
            id="o",
            lines=[
                OrderLine(line="1", product="a", amount=eur("1")),
                OrderLine(line="2", product="b", amount=Money(Decimal(1), "USD")),
            ],
        )


@given(st.lists(st.integers(0, 2000), min_size=1, max_size=6), st.sampled_from(CapMode))
def test_a_daily_cap_never_grants_more_than_the_cap_or_the_desired_points(
    desired_orders: list[int], mode: CapMode
) -> None:
    rules = EarnRules(
        rules=[PerSpend(name="spend")],
        caps=[Cap(name="daily", limit=1500, window=CapWindow.DAY, mode=mode)],
    )
    used = 0
    for value in desired_orders:
        earning = rules.evaluate(order_of(Decimal(value)), at=T, used={"daily": used})
        assert earning.points <= earning.desired == value
        counted = dict(earning.tally).get("cap:daily", 0)
        assert counted == earning.points
        used += counted
        assert used <= 1500
        if mode is CapMode.REJECT:
            assert earning.points in (0, value)


def test_rounding_stage_and_multipliers_compose() -> None:
    order = order_of(Decimal("9.99"), Decimal("9.99"), channel="app")
    spring = PromotionMultiplier(name="spring", factor=Decimal("1.5"), start=T, end=T.add(days=30))
    app = ChannelMultiplier(channel="app", factor=2)
    before = EarnRules(rules=[PerSpend(name="s")], multipliers=[spring, app])
    after = EarnRules(
        rules=[PerSpend(name="s")],
        multipliers=[spring, app],
        rounding=Rounding(stage=RoundingStage.AFTER_MULTIPLIERS, place=RoundingPlace.PER_ORDER),
    )
    assert before.evaluate(order, at=T).points == 54  # (9 + 9) * 3
    assert after.evaluate(order, at=T).points == 59  # floor(19.98 * 3)
    assert before.evaluate(order, at=T.add(days=30)).points == 36  # promotion over
    assert before.evaluate(order_of(Decimal("9.99")), at=T).points == 13  # floor(9 * 1.5), no app


def test_category_and_event_rules() -> None:
    rules = EarnRules(
        rules=[
            PerCategory(name="c-bonus", category="c", points=5),
            PerEvent(name="review", event=EventKind.REVIEW_POSTED, points=50),
        ]
    )
    assert rules.evaluate(order_of(Decimal(1), Decimal(1), Decimal(1)), at=T).points == 5
    review = Activity(id="rv-1", kind="review_posted")
    earning = rules.evaluate(review, at=T)
    assert (earning.points, earning.lines) == (50, ())
    assert rules.evaluate(Activity(id="b", kind=EventKind.BIRTHDAY), at=T).points == 0


def test_rules_refuse_bad_values_with_the_field_named() -> None:
    with pytest.raises(ValidationError, match="'points' must be an integer from 1"):
        PerSpend(name="s", points=0)
    with pytest.raises(ValidationError, match="'per' must be a finite number greater than 0"):
        PerSpend(name="s", per=Decimal(0))
    with pytest.raises(ValidationError, match="'factor' must be an exact number"):
        ChannelMultiplier(channel="app", factor=1.5)
    with pytest.raises(ValidationError, match="'end' must be after 'start'"):
        PromotionMultiplier(name="p", factor=2, start=T, end=T)
    with pytest.raises(ValidationError, match="'rules' must not repeat a name"):
        EarnRules(rules=[PerSpend(name="s"), PerSpend(name="s")])
    with pytest.raises(ValidationError, match="'window' must be one of"):
        Cap(name="c", limit=1, window="week")
    with pytest.raises(ValidationError, match="'currency' of line"):
        EarnRules(rules=[PerSpend(name="s", currency="USD")]).evaluate(order_of(Decimal(1)), at=T)
