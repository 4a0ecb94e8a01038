"""Earn rules (loyalty/_rules.py), edge cases: caps in both orders, rounding place and stage,
per-line allocation, and the exact error sentences of the rule values.

Mutation testing found these unchecked.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import attrs
import pendulum
import pytest

from servicemodel.exceptions import ValidationError
from servicemodel.loyalty import (
    Activity,
    Basis,
    Cap,
    CapMode,
    CapOrder,
    CapWindow,
    ChannelMultiplier,
    EarnRules,
    EventKind,
    Money,
    Order,
    OrderLine,
    PerCategory,
    PerEvent,
    PerProduct,
    PerSpend,
    PromotionMultiplier,
    Rounding,
    RoundingPlace,
    RoundingStage,
    TierMultiplier,
)

AT = pendulum.datetime(2025, 1, 1, tz="UTC")


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def order(*amounts: str, category: str | None = None, product: str = "x") -> Order:
    return Order(
        id="o",
        lines=[
            OrderLine(line=chr(ord("A") + i), product=product, amount=eur(a), category=category)
            for i, a in enumerate(amounts)
        ],
    )


GOLD = TierMultiplier(tier="gold", factor=2)


@pytest.mark.parametrize(
    ("cap_order", "amount", "points", "tally"),
    [
        # the rule's cap counts base points; the multiplier applies to what it left
        (CapOrder.CAP_THEN_MULTIPLY, "400.00", 200, 100),
        (CapOrder.CAP_THEN_MULTIPLY, "50.00", 100, 50),
        # the cap counts multiplied points
        (CapOrder.MULTIPLY_THEN_CAP, "400.00", 100, 100),
        (CapOrder.MULTIPLY_THEN_CAP, "40.00", 80, 80),
    ],
)
def test_a_rule_cap_in_either_order(
    cap_order: CapOrder, amount: str, points: int, tally: int
) -> None:
    rules = EarnRules(
        rules=[PerSpend(name="spend"), PerEvent(name="e", event="birthday", points=5)],
        multipliers=[GOLD],
        caps=[Cap(name="c", limit=100, window=CapWindow.ORDER, rule="spend")],
        cap_order=cap_order,
    )
    earning = rules.evaluate(order(amount), at=AT, tier="gold")
    assert (earning.points, earning.desired) == (points, 2 * int(Decimal(amount)))
    assert earning.tally == (("cap:c", tally),)
    assert [line.points for line in earning.lines] == [points]


@pytest.mark.parametrize(
    ("cap_order", "amounts", "points", "lines"),
    [
        # the order cap counts base points (100 of 400) and the total is then doubled
        (CapOrder.CAP_THEN_MULTIPLY, ("300.00", "100.00"), 200, [150, 50]),
        (CapOrder.CAP_THEN_MULTIPLY, ("20.00", "10.00"), 60, [40, 20]),
        (CapOrder.MULTIPLY_THEN_CAP, ("300.00", "100.00"), 100, [75, 25]),
    ],
)
def test_an_order_cap_in_either_order(
    cap_order: CapOrder, amounts: tuple[str, ...], points: int, lines: list[int]
) -> None:
    rules = EarnRules(
        rules=[PerSpend(name="spend")],
        multipliers=[GOLD],
        caps=[Cap(name="order", limit=100, window=CapWindow.ORDER)],
        cap_order=cap_order,
    )
    earning = rules.evaluate(order(*amounts), at=AT, tier="gold")
    assert earning.points == points
    assert [line.points for line in earning.lines] == lines
    assert earning.awards[0].granted == points


def test_cap_then_multiply_with_an_odd_factor_rounds_the_capped_value() -> None:
    rules = EarnRules(
        rules=[PerSpend(name="spend")],
        multipliers=[TierMultiplier(tier="gold", factor=Fraction(3, 2))],
        caps=[Cap(name="c", limit=103, window=CapWindow.ORDER, rule="spend")],
        cap_order=CapOrder.CAP_THEN_MULTIPLY,
        rounding=Rounding(mode="half_up"),
    )
    assert rules.evaluate(order("400.00"), at=AT, tier="gold").points == 155  # 154.5 half up


def test_a_daily_cap_counts_what_a_later_lifetime_cap_left_not_what_it_let_pass() -> None:
    rules = EarnRules(
        rules=[PerSpend(name="spend")],
        caps=[
            Cap(name="daily", limit=100, window=CapWindow.DAY),
            Cap(name="lifetime", limit=250, window=CapWindow.LIFETIME),
        ],
    )
    # The daily room is 46 but only 28 of lifetime room is left: 28 granted, 28 counted.
    earning = rules.evaluate(order("52.00"), at=AT, used={"daily": 54, "lifetime": 222})
    assert earning.points == 28
    assert earning.tally == (("cap:daily", 28), ("cap:lifetime", 28))


@pytest.mark.parametrize(
    ("cap_order", "tally"),
    [
        # 2 x 80 = 160 spend points clipped to 100 by the rule's cap, plus 2 x 20 bonus:
        # the order cap leaves 120 of 140, of which the rule's share is 85 5/7 -> 86
        (CapOrder.MULTIPLY_THEN_CAP, (("cap:order", 120), ("cap:spend", 86))),
        # base points: 80 spend (under the rule's 100) + 20 bonus; the order cap leaves 60
        (CapOrder.CAP_THEN_MULTIPLY, (("cap:order", 60), ("cap:spend", 48))),
    ],
)
def test_a_rule_cap_counts_the_rules_share_of_what_the_order_cap_left(
    cap_order: CapOrder, tally: tuple[tuple[str, int], ...]
) -> None:
    rules = EarnRules(
        rules=[PerSpend(name="spend"), PerProduct(name="bonus", product="x", points=20)],
        multipliers=[GOLD],
        caps=[
            Cap(name="spend", limit=100, window=CapWindow.DAY, rule="spend"),
            Cap(
                name="order",
                limit=120 if cap_order is CapOrder.MULTIPLY_THEN_CAP else 60,
                window=CapWindow.DAY,
            ),
        ],
        cap_order=cap_order,
    )
    earning = rules.evaluate(order("80.00"), at=AT, tier="gold")
    assert earning.tally == tally


def test_a_windowed_cap_leaves_only_the_unused_room() -> None:
    cap = Cap(name="daily", limit=100, window=CapWindow.DAY)
    rules = EarnRules(rules=[PerSpend(name="spend")], caps=[cap])
    assert rules.evaluate(order("400.00"), at=AT, used={"daily": 30}).points == 70
    # no usage recorded for this cap: the whole limit is free
    assert rules.evaluate(order("400.00"), at=AT, used={"other": 99}).points == 100
    assert rules.evaluate(order("100.00"), at=AT, used={}).points == 100
    assert cap.apply(5, 100) == 0
    assert cap.apply(5, 150) == 0
    # an order cap ignores usage: every order has the whole limit
    assert Cap(name="o", limit=10, window="order").apply(10, 10) == 10
    assert Cap(name="o", limit=10, window="order", mode=CapMode.REJECT).apply(11, 0) == 0
    assert Cap(name="o", limit=10, window="order", mode=CapMode.REJECT).apply(10, 0) == 10


def test_a_rejecting_cap_on_one_rule_leaves_the_other_rules_lines() -> None:
    rules = EarnRules(
        rules=[
            PerProduct(name="mugs", product="mug", points=500),
            PerCategory(name="books", category="books", points=7),
        ],
        caps=[Cap(name="m", limit=100, window="order", mode="reject", rule="mugs")],
    )
    purchase = Order(
        id="o",
        lines=[
            OrderLine(line="A", product="mug", amount=eur("5.00")),
            OrderLine(line="B", product="novel", amount=eur("9.00"), category="books", quantity=3),
        ],
    )
    earning = rules.evaluate(purchase, at=AT)
    assert earning.points == 21
    assert [(a.rule, a.desired, a.granted) for a in earning.awards] == [
        ("mugs", 500, 0),
        ("books", 21, 21),
    ]
    assert [line.points for line in earning.lines] == [0, 21]
    assert earning.awards[0].base is None  # per-unit rules have no money base


def test_lines_share_points_in_proportion_to_what_each_rule_gave_them() -> None:
    rules = EarnRules(
        rules=[PerSpend(name="spend"), PerProduct(name="mug-bonus", product="mug", points=30)],
    )
    purchase = Order(
        id="o",
        lines=[
            OrderLine(line="A", product="mug", amount=eur("10.00"), quantity=2),
            OrderLine(line="B", product="tea", amount=eur("30.00")),
        ],
    )
    earning = rules.evaluate(purchase, at=AT)
    assert earning.points == 40 + 60
    assert [line.points for line in earning.lines] == [70, 30]
    assert earning.awards[0].base == eur("40.00")


@attrs.frozen
class _OrderBonus:
    """A programme's own rule: a flat bonus per order, not tied to a line."""

    name: str = "bonus"

    def bases(self, purchase: Order | Activity) -> tuple[Basis, ...]:
        return (Basis(line=None, points=Fraction(50)),) if isinstance(purchase, Order) else ()


def test_points_not_tied_to_a_line_are_split_across_lines_by_amount() -> None:
    earning = EarnRules(rules=[_OrderBonus()]).evaluate(order("10.00", "30.00"), at=AT)
    assert earning.points == 50
    assert [line.points for line in earning.lines] == [13, 37]  # 12.5 and 37.5, earlier first


@pytest.mark.parametrize(
    ("place", "stage", "points"),
    [
        # two lines of 0.75 EUR at 1 point per euro, doubled
        (RoundingPlace.PER_LINE, RoundingStage.BEFORE_MULTIPLIERS, 0),  # floor(.75)=0 twice
        (RoundingPlace.PER_LINE, RoundingStage.AFTER_MULTIPLIERS, 2),  # floor(1.5) twice
        (RoundingPlace.PER_ORDER, RoundingStage.BEFORE_MULTIPLIERS, 2),  # floor(1.5) * 2
        (RoundingPlace.PER_ORDER, RoundingStage.AFTER_MULTIPLIERS, 3),  # floor(3.0)
    ],
)
def test_rounding_place_and_stage(place: RoundingPlace, stage: RoundingStage, points: int) -> None:
    rules = EarnRules(
        rules=[PerSpend(name="spend")],
        multipliers=[GOLD],
        rounding=Rounding(place=place, stage=stage),
    )
    assert rules.evaluate(order("0.75", "0.75"), at=AT, tier="gold").points == points


def test_multipliers_apply_by_tier_promotion_window_and_channel() -> None:
    later_tier = EarnRules(multipliers=[ChannelMultiplier(channel="web", factor=5), GOLD])
    assert (
        later_tier.factor(
            Order(id="o", lines=order("1.00").lines, channel="web"), at=0, tier="gold"
        )
        == 10
    )
    app_order = Order(id="o", lines=order("1.00").lines, channel="app")
    assert later_tier.factor(app_order, at=0, tier="gold") == 2
    promo = PromotionMultiplier(name="jan", factor=3, start=AT, end=AT.add(days=31))
    web = ChannelMultiplier(channel="web", factor=5)
    rules = EarnRules(multipliers=[GOLD, promo, web])
    web_order = Order(id="o", lines=order("1.00").lines, channel="web")
    assert rules.factor(web_order, at=0, tier="gold") == 2 * 5
    assert rules.factor(order("1.00"), at=0, tier="silver") == 1
    promo_at = promo.start.int_timestamp * 1_000_000
    assert rules.factor(order("1.00"), at=promo_at, tier="gold") == 2 * 3
    assert rules.factor(order("1.00"), at=promo_at, tier="gold", tier_factor=Fraction(7)) == 3 * 7
    assert rules.tier_factor("silver") == 1
    assert (
        EarnRules(multipliers=[GOLD, TierMultiplier(tier="gold", factor=3)]).tier_factor("gold")
        == 6
    )


def _refusal(call: object, **kwargs: object) -> ValidationError:
    assert callable(call)
    with pytest.raises(ValidationError) as info:
        call(**kwargs)
    return info.value


def test_names_and_whole_numbers_at_their_bounds() -> None:
    assert PerEvent(name="n" * 256, event="birthday", points=10**12).points == 10**12
    assert Cap(name="c", limit=0, window="day").limit == 0
    assert TierMultiplier(tier="t", factor=1000).factor == 1000
    assert OrderLine(line="A", product="p", amount=eur("0.00")).category is None


@pytest.mark.parametrize(
    ("call", "kwargs", "message", "field", "value"),
    [
        (
            PerEvent,
            {"name": " x", "event": "birthday", "points": 1},
            "'name' must not start or end with blanks (got ' x')",
            "name",
            " x",
        ),
        (
            PerEvent,
            {"name": "x" * 257, "event": "birthday", "points": 1},
            "'name' must be at most 256 characters (got 257 characters)",
            "name",
            "x" * 257,
        ),
        (
            OrderLine,
            {"line": "A", "product": "p", "amount": eur("1.00"), "category": ""},
            "'category' must be a non-empty string (got '')",
            "category",
            "",
        ),
        (
            PerEvent,
            {"name": "x", "event": "birthday", "points": 0},
            "'points' must be an integer from 1 to 1000000000000 (got 0)",
            "points",
            0,
        ),
        (
            PerEvent,
            {"name": "x", "event": "birthday", "points": 10**12 + 1},
            "'points' must be an integer from 1 to 1000000000000 (got 1000000000001)",
            "points",
            1000000000001,
        ),
        (
            PerEvent,
            {"name": "x", "event": "birthday", "points": True},
            "'points' must be an integer from 1 to 1000000000000 (got True)",
            "points",
            True,
        ),
        (
            Cap,
            {"name": "c", "limit": -1, "window": "day"},
            "'limit' must be an integer from 0 to 1000000000000 (got -1)",
            "limit",
            -1,
        ),
        (
            TierMultiplier,
            {"tier": "t", "factor": 1.5},
            "'factor' must be an exact number (int, Decimal or Fraction) (got 1.5)",
            "factor",
            1.5,
        ),
        (
            TierMultiplier,
            {"tier": "t", "factor": Decimal("Infinity")},
            "'factor' must be finite (got Decimal('Infinity'))",
            "factor",
            Decimal("Infinity"),
        ),
        (
            TierMultiplier,
            {"tier": "t", "factor": 1001},
            "'factor' must be between 0 and 1000 (got 1001)",
            "factor",
            1001,
        ),
        (
            TierMultiplier,
            {"tier": "t", "factor": -1},
            "'factor' must be between 0 and 1000 (got -1)",
            "factor",
            -1,
        ),
        (
            PerSpend,
            {"name": "s", "per": True},
            "'per' must be a Decimal or int (got bool True)",
            "per",
            True,
        ),
        (
            PerSpend,
            {"name": "s", "per": 0},
            "'per' must be a finite number greater than 0 (got 0)",
            "per",
            0,
        ),
        (
            PerSpend,
            {"name": "s", "categories": "books"},
            "'categories' must be a collection of names (got 'books')",
            "categories",
            "books",
        ),
        (
            OrderLine,
            {"line": "A", "product": "p", "amount": eur("-1.00")},
            "'amount' must be Money of at least 0 (got Money(amount=Decimal('-1.00'), "
            "currency='EUR'))",
            "amount",
            eur("-1.00"),
        ),
        (
            OrderLine,
            {"line": "A", "product": "p", "amount": Decimal("1.00")},
            "'amount' must be Money of at least 0 (got Decimal('1.00'))",
            "amount",
            Decimal("1.00"),
        ),
        (
            Cap,
            {"name": "c", "limit": 1, "window": "week"},
            "'window' must be one of 'order', 'day', 'month', 'lifetime' (got 'week')",
            "window",
            "week",
        ),
        (
            Order,
            {"id": "o", "lines": [OrderLine(line="A", product="p", amount=eur("1.00"))] * 2},
            "'lines' must not repeat a line id (got 'A' twice)",
            "lines",
            "A",
        ),
        (
            EarnRules,
            {"caps": [Cap(name="c", limit=1, window="day")] * 2},
            "'caps' must not repeat a name (got 'c' twice)",
            "caps",
            "c",
        ),
        (
            EarnRules,
            {"caps": ["c"]},
            "'caps[0]' must be a Cap (got 'c')",
            "caps[0]",
            "c",
        ),
        (
            EarnRules,
            {"rules": [PerSpend(name="s"), PerSpend(name="s")]},
            "'rules' must not repeat a name (got 's' twice)",
            "rules",
            "s",
        ),
        (
            EarnRules,
            {"rules": [5]},
            "'rules[0]' must be an EarnRule (got 5)",
            "rules[0]",
            5,
        ),
        (
            EarnRules,
            {"multipliers": [5]},
            "'multipliers' must contain multipliers (got 5)",
            "multipliers",
            5,
        ),
    ],
)
def test_bad_rule_values_are_refused_with_field_and_value(
    call: object, kwargs: dict[str, object], message: str, field: str, value: object
) -> None:
    err = _refusal(call, **kwargs)
    assert (err.message, err.field) == (message, field)
    assert err.value == value


def test_naive_instants_are_refused_naming_their_field() -> None:
    naive = pendulum.naive(2025, 1, 1)
    for field in ("start", "end"):
        bounds = {"start": AT, "end": AT.add(days=1), field: naive}
        err = _refusal(PromotionMultiplier, name="p", factor=2, **bounds)
        assert err.field == field
    err = _refusal(
        EarnRules().evaluate, purchase=Activity(id="a", kind=EventKind.BIRTHDAY), at=naive
    )
    assert err.field == "at"


def test_spend_rules_check_currency_and_categories() -> None:
    usd_only = PerSpend(name="usd", currency="USD")
    err = _refusal(usd_only.bases, purchase=order("1.00"))
    assert (err.message, err.field, err.value) == (
        "'currency' of line 'A' must be USD for rule 'usd' (got 'EUR')",
        "currency",
        "EUR",
    )
    books = PerSpend(name="books", categories={"books"})
    purchase = Order(
        id="o",
        lines=[
            OrderLine(line="A", product="novel", amount=eur("12.00"), category="books"),
            OrderLine(line="B", product="pen", amount=eur("3.00"), category="office"),
            OrderLine(line="C", product="atlas", amount=eur("20.00"), category="books"),
        ],
    )
    assert [(b.line, b.points) for b in books.bases(purchase)] == [
        ("A", Fraction(12)),
        ("C", Fraction(20)),
    ]
    assert books.bases(Activity(id="a", kind=EventKind.BIRTHDAY)) == ()


@pytest.mark.parametrize("cap_rule", ["spend", None])
def test_cap_then_multiply_keeps_after_multiplier_rounding_when_the_cap_does_not_bind(
    cap_rule: str | None,
) -> None:
    rules = EarnRules(
        rules=[PerSpend(name="spend")],
        multipliers=[GOLD],
        caps=[Cap(name="c", limit=100, window="order", rule=cap_rule)],
        cap_order=CapOrder.CAP_THEN_MULTIPLY,
        rounding=Rounding(stage=RoundingStage.AFTER_MULTIPLIERS),
    )
    # base points floor(.75) twice = 0, but after the multiplier floor(1.5) twice = 2
    assert rules.evaluate(order("0.75", "0.75"), at=AT, tier="gold").points == 2


def test_a_total_left_by_an_order_cap_is_spread_over_the_lines_by_amount() -> None:
    # four lines of 1 point each, halved and floored per line: the rule's part is 0,
    # but the order cap of 3 base points, halved and floored, leaves 1 point to the order.
    rules = EarnRules(
        rules=[PerSpend(name="spend")],
        multipliers=[TierMultiplier(tier="half", factor=Fraction(1, 2))],
        caps=[Cap(name="c", limit=3, window="order")],
        cap_order=CapOrder.CAP_THEN_MULTIPLY,
        rounding=Rounding(stage=RoundingStage.AFTER_MULTIPLIERS),
    )
    earning = rules.evaluate(order("1.00", "1.00", "1.00", "1.00"), at=AT, tier="half")
    assert earning.points == 1
    assert sum(line.points for line in earning.lines) == earning.points
    assert [line.points for line in earning.lines] == [1, 0, 0, 0]


def test_order_lines_are_checked() -> None:
    line = OrderLine(line="A", product="p", amount=eur("1.00"))
    err = _refusal(Order, id="o", lines=[line, "B"])
    assert (err.message, err.field, err.value) == (
        "'lines[1]' must be an OrderLine (got 'B')",
        "lines[1]",
        "B",
    )
    usd = OrderLine(line="B", product="p", amount=Money(Decimal(1), "USD"))
    err = _refusal(Order, id="o", lines=[line, usd])
    assert (err.message, err.field, err.value) == (
        "'lines' must share one currency (got EUR, USD)",
        "lines",
        ["EUR", "USD"],
    )
    err = _refusal(Order, id="o", lines=[])
    assert (err.message, err.field, err.value) == (
        "'lines' must not be empty (got none)",
        "lines",
        (),
    )
    assert Order(
        id="o", lines=[line, OrderLine(line="B", product="q", amount=eur("2.50"))]
    ).total() == eur("3.50")
