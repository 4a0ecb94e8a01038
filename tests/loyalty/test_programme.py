"""Tiers, the rewards catalogue and the programme that composes them."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicemodel._time import LO, from_micros, to_micros
from servicemodel.exceptions import (
    IdempotencyConflict,
    InsufficientPoints,
    RewardUnavailable,
    ValidationError,
)
from servicemodel.loyalty import (
    Activity,
    Award,
    CalendarPeriod,
    Cap,
    CapCount,
    CapMode,
    CapWindow,
    Catalogue,
    Crossing,
    Downgrade,
    EarnLine,
    EarnRules,
    EventKind,
    Ledger,
    Money,
    Order,
    OrderLine,
    PerEvent,
    PerSpend,
    Policies,
    Programme,
    ReturnedLine,
    Reward,
    Tier,
    TierMetric,
    TierMultiplier,
    Tiers,
)
from servicemodel.loyalty._clock import LocalClock

ZONE = "Europe/Warsaw"
T0 = pendulum.datetime(2025, 1, 10, 12, tz=ZONE)
LEVELS = [
    Tier(name="base", threshold=0),
    Tier(name="silver", threshold=100),
    Tier(name="gold", threshold=300),
]


def order(key: str, amount: str) -> Order:
    return Order(
        id=key, lines=[OrderLine(line="1", product="x", amount=Money(Decimal(amount), "EUR"))]
    )


def programme(tiers: Tiers | None = None, **earn: object) -> Programme:
    rules = EarnRules(
        rules=[
            PerSpend(name="spend"),
            PerEvent(name="review", event=EventKind.REVIEW_POSTED, points=10),
        ],
        multipliers=[
            TierMultiplier(tier="silver", factor=2),
            TierMultiplier(tier="gold", factor=3),
        ],
        **earn,  # type: ignore[arg-type]
    )
    return Programme(
        name="test",
        policies=Policies(zone=ZONE),
        earn=rules,
        tiers=tiers,
        catalogue=Catalogue(
            rewards=[
                Reward(id="mug", cost=50, stock=1),
                Reward(
                    id="summer",
                    cost=40,
                    available_from=T0.add(days=100),
                    available_until=T0.add(days=190),
                ),
            ]
        ),
    )


def test_rolling_window_tier_rises_with_points_and_falls_when_they_leave_the_window() -> None:
    tiers = Tiers(levels=LEVELS, metric=TierMetric.POINTS_ROLLING, window_days=30)
    ledger = Ledger(policies=Policies(zone=ZONE))
    ledger.earn(member="m", points=150, at=T0, key="a")
    assert tiers.tier_at(ledger, "m", T0).name == "silver"
    assert tiers.tier_at(ledger, "m", T0.add(days=29)).name == "silver"
    assert tiers.tier_at(ledger, "m", T0.add(days=31)).name == "base"
    assert tiers.tier_at(ledger, "m", T0.subtract(seconds=1)).name == "base"


def test_calendar_lifetime_and_spend_metrics() -> None:
    ledger = Ledger(policies=Policies(zone=ZONE))
    ledger.earn(member="m", points=120, at=pendulum.datetime(2024, 12, 31, 23, tz=ZONE), key="a")
    ledger.earn(member="m", points=200, at=T0, key="b", tally={"spend": Decimal("350.00")})
    calendar = Tiers(levels=LEVELS, metric=TierMetric.POINTS_CALENDAR, period=CalendarPeriod.YEAR)
    lifetime = Tiers(levels=LEVELS, metric=TierMetric.POINTS_LIFETIME)
    spend = Tiers(levels=LEVELS, metric=TierMetric.SPEND_ROLLING, window_days=365)
    assert calendar.tier_at(ledger, "m", T0).name == "silver"  # 200 this year
    assert lifetime.tier_at(ledger, "m", T0).name == "gold"  # 320 in all
    assert spend.tier_at(ledger, "m", T0).name == "gold"  # 350.00 spent


def test_grace_keeps_a_tier_and_one_step_downgrade_drops_one_level_per_grace_period() -> None:
    ledger = Ledger(policies=Policies(zone=ZONE))
    ledger.earn(member="m", points=400, at=T0, key="a")
    immediate = Tiers(levels=LEVELS, window_days=30)
    grace = Tiers(levels=LEVELS, window_days=30, grace_days=20)
    one_step = Tiers(levels=LEVELS, window_days=30, downgrade=Downgrade.ONE_STEP, grace_days=30)
    later = T0.add(days=40)
    assert immediate.tier_at(ledger, "m", later).name == "base"
    assert grace.tier_at(ledger, "m", later).name == "gold"
    assert grace.tier_at(ledger, "m", T0.add(days=51)).name == "base"
    assert one_step.tier_at(ledger, "m", T0.add(days=29)).name == "gold"
    # Qualification lapses on day 30; gold is held through the 30-day grace,
    # then the member drops one level per further grace period.
    assert one_step.tier_at(ledger, "m", T0.add(days=45)).name == "gold"
    assert one_step.tier_at(ledger, "m", T0.add(days=75)).name == "silver"
    assert one_step.tier_at(ledger, "m", T0.add(days=95)).name == "base"


def test_balance_based_downgrade_keeps_a_reached_tier_while_the_balance_covers_it() -> None:
    ledger = Ledger(policies=Policies(zone=ZONE))
    ledger.earn(member="m", points=400, at=T0, key="a")
    tiers = Tiers(levels=LEVELS, window_days=30, downgrade=Downgrade.BALANCE_BASED)
    assert tiers.tier_at(ledger, "m", T0.add(days=60)).name == "gold"
    ledger.redeem(member="m", points=200, at=T0.add(days=61), key="r")
    assert tiers.tier_at(ledger, "m", T0.add(days=61)).name == "silver"


@pytest.mark.parametrize(
    ("crossing", "points"), [(Crossing.BEFORE, 100), (Crossing.AFTER, 200), (Crossing.SPLIT, 150)]
)
def test_what_the_purchase_crossing_a_threshold_earns(crossing: Crossing, points: int) -> None:
    tiers = Tiers(levels=LEVELS, metric=TierMetric.POINTS_LIFETIME, crossing=crossing)
    prog = programme(tiers)
    ledger = prog.new_ledger()
    ledger.earn(member="m", points=50, at=T0, key="seed")
    # 100 base points take the member from 50 to 150: half below silver (100), half above.
    receipt = prog.earn(
        ledger, member="m", purchase=order("o", "100.00"), at=T0.add(hours=1), key="o"
    )
    assert receipt.entries[0].points == points


@given(st.lists(st.integers(1, 200), min_size=1, max_size=6), st.integers(1, 200))
def test_tiers_are_monotone_in_the_qualifying_metric(earns: list[int], extra: int) -> None:
    tiers = Tiers(levels=LEVELS, metric=TierMetric.POINTS_LIFETIME)
    a = Ledger(policies=Policies(zone=ZONE))
    b = Ledger(policies=Policies(zone=ZONE))
    for i, points in enumerate(earns):
        for book in (a, b):
            book.earn(member="m", points=points, at=T0.add(hours=i), key=f"e{i}")
    b.earn(member="m", points=extra, at=T0.add(hours=len(earns)), key="extra")
    as_of = T0.add(days=1)
    assert LEVELS.index(tiers.tier_at(b, "m", as_of)) >= LEVELS.index(tiers.tier_at(a, "m", as_of))
    assert tiers.tier_at(a, "m", as_of) == tiers.tier_at(a, "m", as_of.in_timezone("UTC"))


def test_tiers_refuse_bad_ladders() -> None:
    with pytest.raises(ValidationError, match="'levels' must start with a tier of threshold 0"):
        Tiers(levels=[Tier(name="silver", threshold=100)])
    with pytest.raises(ValidationError, match="thresholds must rise strictly"):
        Tiers(levels=[Tier(name="a", threshold=0), Tier(name="b", threshold=0)])
    with pytest.raises(ValidationError, match="'grace_days' must be at least 1"):
        Tiers(levels=LEVELS, downgrade=Downgrade.ONE_STEP)


def test_redemption_checks_window_stock_and_points_or_changes_nothing() -> None:
    prog = programme()
    ledger = prog.new_ledger()
    prog.earn(ledger, member="m", purchase=order("o1", "80.00"), at=T0, key="o1")
    with pytest.raises(RewardUnavailable, match="inside its window"):
        prog.redeem(ledger, member="m", reward="summer", at=T0, key="r0")
    prog.redeem(ledger, member="m", reward="mug", at=T0, key="r1")
    assert prog.redeem(ledger, member="m", reward="mug", at=T0, key="r1").version == 2
    prog.earn(ledger, member="n", purchase=order("o2", "80.00"), at=T0, key="o2")
    with pytest.raises(RewardUnavailable, match="in stock"):
        prog.redeem(ledger, member="n", reward="mug", at=T0, key="r2")
    ledger.reverse_redemption(member="m", redemption="r1", at=T0.add(hours=1), key="x1")
    prog.redeem(ledger, member="n", reward="mug", at=T0.add(hours=1), key="r3")
    with pytest.raises(InsufficientPoints):
        prog.redeem(ledger, member="n", reward="summer", at=T0.add(days=101), key="r4")
    with pytest.raises(ValidationError, match="'reward' must be one of"):
        prog.redeem(ledger, member="n", reward="car", at=T0, key="r5")
    assert ledger.version("n") == 2
    assert ledger.balance("n", as_of=T0.add(days=101)).available == 30


def test_a_daily_cap_counts_in_local_days_and_records_rejections() -> None:
    prog = programme(caps=[Cap(name="daily", limit=100, window=CapWindow.DAY, mode=CapMode.REJECT)])
    ledger = prog.new_ledger()
    late = pendulum.datetime(2025, 1, 10, 23, 30, tz=ZONE)  # 22:30 UTC: still 10 January locally
    prog.earn(ledger, member="m", purchase=order("a", "60.00"), at=late.subtract(hours=12), key="a")
    rejected = prog.earn(ledger, member="m", purchase=order("b", "60.00"), at=late, key="b")
    assert rejected.entries[0].points == 0
    lot = ledger.lots("m", as_of=late)[1]
    assert (lot.awards[0].desired, lot.awards[0].granted) == (60, 0)
    next_day = prog.earn(
        ledger, member="m", purchase=order("c", "60.00"), at=late.add(hours=1), key="c"
    )
    assert next_day.entries[0].points == 60


def test_programme_duplicate_delivery_returns_the_first_receipt_and_a_changed_one_conflicts() -> (
    None
):
    prog = programme(caps=[Cap(name="daily", limit=100, window=CapWindow.DAY)])
    ledger = prog.new_ledger()
    first = prog.earn(ledger, member="m", purchase=order("a", "80.00"), at=T0, key="a")
    assert prog.earn(ledger, member="m", purchase=order("a", "80.00"), at=T0, key="a") == first
    with pytest.raises(IdempotencyConflict):
        prog.earn(ledger, member="m", purchase=order("a", "81.00"), at=T0, key="a")
    review = prog.earn(
        ledger, member="m", purchase=Activity(id="rv", kind="review_posted"), at=T0, key="rv"
    )
    assert review.entries[0].points == 10
    with pytest.raises(ValidationError, match="programme's policies"):
        prog.earn(Ledger(), member="m", purchase=order("z", "1.00"), at=T0, key="z")


T = pendulum.datetime(2025, 1, 10, tz="Europe/Warsaw")


def pln_order(number: int, amount: str) -> Order:
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
            "'name' must not start or end with blanks (got ' demo')",
        ),
        ({"name": "d", "policies": "UTC"}, "policies", "'policies' must be a Policies (got 'UTC')"),
        ({"name": "d", "earn": []}, "earn_rules", "'earn_rules' must be an EarnRules (got [])"),
        (
            {"name": "d", "tiers": ["gold"]},
            "tiers",
            "'tiers' must be a Tiers or None (got ['gold'])",
        ),
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
    receipt = programme.earn(ledger, member="ann", purchase=pln_order(1, "150.00"), at=T, key="o-1")
    assert receipt.entries[0].points == points
    assert programme.tier(ledger, "ann", as_of=T.add(minutes=1)).name == "gold"


def test_returning_a_whole_purchase_takes_its_spend_back_and_the_tier_with_it() -> None:
    programme = _spend_tiers("after")
    ledger = programme.new_ledger()
    programme.earn(ledger, member="ann", purchase=pln_order(1, "150.00"), at=T, key="o-1")
    programme.return_purchase(ledger, member="ann", earn="o-1", at=T.add(days=1), key="r-1")
    assert ledger.tally("ann", "spend", start=T.subtract(years=1), end=T.add(years=1)) == 0
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
        programme.earn(ledger, member="ann", purchase=pln_order(i, "80.00"), at=t, key=f"o-{i}")
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
            "'amount' must be a Decimal or int (got bool True)",
        ),
        (
            ReturnedLine,
            {"line": "1", "amount": Decimal("-0.01")},
            "amount",
            "'amount' must be a finite number of at least 0 (got Decimal('-0.01'))",
        ),
        (
            ReturnedLine,
            {"line": "1", "amount": Decimal("NaN")},
            "amount",
            "'amount' must be a finite number of at least 0",
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
    earned = programme.earn(ledger, member="ann", purchase=pln_order(1, "50.00"), at=T, key="o-1")
    assert earned.lot is not None
    spent = ledger.redeem(member="ann", points=10, at=T.add(hours=1), key="r-1")
    assert spent.lot is None


# ----------------------------------------------- caps: what a return gives back


def _capped(count: CapCount, window: CapWindow = CapWindow.DAY) -> Programme:
    return programme(caps=[Cap(name="cap", limit=100, window=window)], cap_count=count)


def test_a_cancelled_order_gives_its_cap_room_back_when_caps_count_what_is_kept() -> None:
    kept, granted = _capped(CapCount.KEPT), _capped(CapCount.GRANTED)
    for prog in (kept, granted):
        ledger = prog.new_ledger()
        prog.earn(ledger, member="m", purchase=order("a", "80.00"), at=T0, key="a")
        prog.return_purchase(ledger, member="m", earn="a", at=T0.add(hours=1), key="ret-a")
        second = prog.earn(
            ledger, member="m", purchase=order("b", "80.00"), at=T0.add(hours=2), key="b"
        )
        expected = 80 if prog is kept else 20
        assert second.entries[0].points == expected
        assert ledger.tally("m", "cap:cap", start=T0, end=T0.add(hours=3)) == expected + (
            0 if prog is kept else 80
        )


def test_a_return_after_the_caps_window_ended_gives_no_room_to_the_new_window() -> None:
    prog = _capped(CapCount.KEPT)
    ledger = prog.new_ledger()
    prog.earn(ledger, member="m", purchase=order("a", "80.00"), at=T0, key="a")
    next_day = T0.add(days=1)
    prog.return_purchase(ledger, member="m", earn="a", at=next_day, key="ret-a")
    assert ledger.tally("m", "cap:cap", start=next_day, end=next_day.add(hours=1)) == 0
    later = prog.earn(
        ledger, member="m", purchase=order("b", "150.00"), at=next_day.add(hours=1), key="b"
    )
    assert later.entries[0].points == 100


def test_partial_returns_give_back_a_lifetime_caps_room_exactly_once_all_is_returned() -> None:
    prog = _capped(CapCount.KEPT, CapWindow.LIFETIME)
    ledger = prog.new_ledger()
    lines = [
        OrderLine(line=str(i), product="x", amount=Money(Decimal("30.00"), "EUR")) for i in range(3)
    ]
    prog.earn(ledger, member="m", purchase=Order(id="a", lines=lines), at=T0, key="a")

    def used() -> int:
        result: int = ledger.tally("m", "cap:cap", start=T0, end=T0.add(days=400))
        return result

    assert used() == 90
    for i in range(2):
        prog.return_purchase(
            ledger,
            member="m",
            earn="a",
            at=T0.add(days=10 * (i + 1)),
            key=f"ret-{i}",
            lines=[ReturnedLine(line=str(i), amount=Decimal("30.00"))],
        )
    assert used() == 30
    # The rest, by "everything not yet returned": exactly what the order used, no drift.
    receipt = prog.return_purchase(ledger, member="m", earn="a", at=T0.add(days=40), key="ret-x")
    assert used() == 0
    again = prog.return_purchase(ledger, member="m", earn="a", at=T0.add(days=40), key="ret-x")
    assert again == receipt


# ----------------------------------------------- tiers by the current balance


def test_tier_by_balance_rises_with_points_and_falls_when_they_are_spent() -> None:
    by_balance = Tiers(levels=LEVELS, metric=TierMetric.BALANCE)
    lifetime = Tiers(levels=LEVELS, metric=TierMetric.POINTS_LIFETIME)
    ledger = Ledger(policies=Policies(zone=ZONE))
    ledger.earn(member="m", points=150, at=T0, key="a")
    ledger.adjust(member="m", points=200, at=T0.add(days=1), key="fix", reason="goodwill")
    assert by_balance.tier_at(ledger, "m", T0).name == "silver"
    assert by_balance.tier_at(ledger, "m", T0.add(days=1)).name == "gold"
    ledger.redeem(member="m", points=300, at=T0.add(days=2), key="r")
    assert by_balance.tier_at(ledger, "m", T0.add(days=2)).name == "base"
    assert lifetime.tier_at(ledger, "m", T0.add(days=2)).name == "silver"
    graceful = Tiers(levels=LEVELS, metric=TierMetric.BALANCE, grace_days=5)
    assert graceful.tier_at(ledger, "m", T0.add(days=3)).name == "gold"
    assert graceful.tier_at(ledger, "m", T0.add(days=7)).name == "base"


def test_a_purchase_crossing_a_balance_threshold_earns_at_the_new_tier() -> None:
    tiers = Tiers(levels=LEVELS, metric=TierMetric.BALANCE, crossing=Crossing.AFTER)
    prog = programme(tiers=tiers)
    ledger = prog.new_ledger()
    prog.earn(ledger, member="m", purchase=order("a", "90.00"), at=T0, key="a")
    crossing = prog.earn(ledger, member="m", purchase=order("b", "20.00"), at=T0, key="b")
    assert crossing.entries[0].points == 40  # silver (x2) for all of it


@given(
    window=st.sampled_from([CapWindow.DAY, CapWindow.MONTH, CapWindow.LIFETIME]),
    steps=st.lists(
        st.tuples(
            st.sampled_from(["earn", "return_line", "return_all"]),
            st.integers(0, 30),  # hours after the previous step
            st.integers(1, 150),  # the order's value in whole euros
            st.integers(0, 50),  # which order a return picks
        ),
        max_size=25,
    ),
)
def test_caps_that_count_what_is_kept_never_exceed_the_limit_and_end_at_zero(
    window: CapWindow, steps: list[tuple[str, int, int, int]]
) -> None:
    prog = _capped(CapCount.KEPT, window)
    ledger = prog.new_ledger()
    clock = LocalClock(ZONE)
    cap = prog.earn_rules.caps[0]
    now = T0
    orders: list[str] = []
    returned: set[tuple[str, str | None]] = set()
    for kind, hours, value, pick in steps:
        now = now.add(hours=hours)
        if kind == "earn":
            key = f"o{len(orders)}"
            bought = [
                OrderLine(line=n, product="x", amount=Money(Decimal(value), "EUR")) for n in "ab"
            ]
            prog.earn(ledger, member="m", purchase=Order(id=key, lines=bought), at=now, key=key)
            orders.append(key)
        elif orders:
            earn = orders[pick % len(orders)]
            line = "a" if kind == "return_line" else None
            if (earn, line) in returned or (earn, None) in returned:
                continue
            lines: list[ReturnedLine] | None = None
            if line is not None:
                lot = next(x for x in ledger.lots("m", as_of=now) if x.key == earn)
                lines = [ReturnedLine(line="a", amount=lot.lines[0].amount)]
            prog.return_purchase(
                ledger, member="m", earn=earn, at=now, key=f"r{len(returned)}", lines=lines
            )
            returned.add((earn, line))
        t = to_micros(now)
        used = ledger.tally(
            "m",
            "cap:cap",
            start=from_micros(max(cap._window_start(clock, t), LO)),
            end=from_micros(t + 1),
        )
        assert 0 <= used <= cap.limit
    if window is CapWindow.LIFETIME:
        for i, earn in enumerate(orders):
            prog.return_purchase(ledger, member="m", earn=earn, at=now, key=f"end{i}")
        everything = ledger.tally("m", "cap:cap", start=T0, end=now.add(microseconds=1))
        assert everything == 0
