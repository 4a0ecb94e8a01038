"""Tiers, rewards and the catalogue (loyalty/_tiers.py): edge cases.

Mutation testing found these unchecked: where each qualifying window starts
and ends (to the microsecond), the calendar-period metric for every period,
thresholds reached exactly, grace windows, balance-based downgrades fed by
adjustments, reward windows at their bounds, and the exact error sentences.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pendulum
import pytest

from servicemodel._time import to_micros
from servicemodel.exceptions import ValidationError
from servicemodel.loyalty import (
    CalendarPeriod,
    Catalogue,
    Downgrade,
    Ledger,
    Policies,
    Reward,
    Tier,
    TierMetric,
    Tiers,
)

ZONE = "Europe/Warsaw"
LEVELS = (
    Tier(name="base", threshold=0),
    Tier(name="silver", threshold=100),
    Tier(name="gold", threshold=300),
)
US = dt.timedelta(microseconds=1)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(year, month, day, hour, minute, tz=ZONE)


def _refusal(call: object, **kwargs: object) -> ValidationError:
    assert callable(call)
    with pytest.raises(ValidationError) as info:
        call(**kwargs)
    return info.value


def test_a_threshold_reached_exactly_qualifies() -> None:
    tiers = Tiers(levels=LEVELS)
    assert tiers.level_for(Decimal(100)).name == "silver"
    assert tiers.level_for(Decimal("99.99")).name == "base"
    assert tiers.level_for(Decimal(300)).name == "gold"
    assert tiers.level_for(Decimal(0)).name == "base"
    # returns clawed back inside the window can leave the metric below zero
    assert tiers.level_for(Decimal(-1)).name == "base"


def test_the_rolling_window_excludes_its_first_instant_and_includes_as_of() -> None:
    t0 = local(2025, 1, 10, 12)
    ledger = Ledger(policies=Policies(zone=ZONE))
    ledger.earn(member="m", points=150, at=t0, key="a")
    tiers = Tiers(levels=LEVELS, window_days=30)
    assert tiers.tier_at(ledger, "m", t0).name == "silver"  # earned at as_of counts
    assert tiers.tier_at(ledger, "m", t0 - US).name == "base"
    assert tiers.tier_at(ledger, "m", t0.add(days=30) - US).name == "silver"
    assert tiers.tier_at(ledger, "m", t0.add(days=30)).name == "base"


@pytest.mark.parametrize(
    ("period", "as_of", "counted"),
    [
        # month: the 1st at local midnight starts the period
        (CalendarPeriod.MONTH, local(2025, 5, 20), 100),
        # quarter: every month of Q2 starts at 1 April, Q3 at 1 July
        (CalendarPeriod.QUARTER, local(2025, 4, 1), 100),
        (CalendarPeriod.QUARTER, local(2025, 5, 15), 100 + 20 + 100),
        (CalendarPeriod.QUARTER, local(2025, 6, 30, 23), 100 + 20 + 100),
        (CalendarPeriod.QUARTER, local(2025, 7, 1), 1),
        # year: 1 January at local midnight
        (CalendarPeriod.YEAR, local(2025, 3, 3), 1000),
        (CalendarPeriod.YEAR, local(2025, 5, 20), 1000 + 10_000 + 100 + 20 + 100),
    ],
)
def test_the_calendar_metric_counts_the_current_local_period_only(
    period: CalendarPeriod, as_of: pendulum.DateTime, counted: int
) -> None:
    ledger = Ledger(policies=Policies(zone=ZONE))
    ledger.earn(member="m", points=7, at=local(2024, 12, 31, 23, 59), key="old-year")
    ledger.earn(member="m", points=1000, at=local(2025, 1, 1), key="new-year")
    ledger.earn(member="m", points=10_000, at=local(2025, 3, 31, 23, 59), key="q1-end")
    ledger.earn(member="m", points=100, at=local(2025, 4, 1), key="q2-start")
    ledger.earn(member="m", points=20, at=local(2025, 4, 30, 23), key="april-end")
    ledger.earn(member="m", points=100, at=local(2025, 5, 1), key="may-start")
    ledger.earn(member="m", points=1, at=local(2025, 7, 1), key="q3-start")
    tiers = Tiers(levels=LEVELS, metric=TierMetric.POINTS_CALENDAR, period=period)
    assert tiers.metric_at(ledger, "m", to_micros(as_of)) == counted


def test_a_lifetime_metric_counts_points_from_before_1970() -> None:
    ledger = Ledger()
    ledger.earn(member="m", points=120, at=pendulum.datetime(1969, 6, 1), key="a")
    tiers = Tiers(levels=LEVELS, metric=TierMetric.POINTS_LIFETIME)
    assert tiers.tier_at(ledger, "m", pendulum.datetime(2025, 1, 1)).name == "silver"


def test_a_grace_window_sees_points_earned_at_as_of_but_not_after() -> None:
    t0 = local(2025, 1, 10, 12)
    at_t0 = Ledger(policies=Policies(zone=ZONE))
    at_t0.earn(member="m", points=150, at=t0, key="a")
    just_after = Ledger(policies=Policies(zone=ZONE))
    just_after.earn(member="m", points=150, at=t0 + US, key="a")
    tiers = Tiers(levels=LEVELS, window_days=30, grace_days=20)
    assert tiers.tier_at(at_t0, "m", t0).name == "silver"
    assert tiers.tier_at(just_after, "m", t0).name == "base"
    assert tiers.tier_at(just_after, "m", t0 + US).name == "silver"


def test_balance_based_ignores_qualification_after_as_of() -> None:
    t0 = local(2025, 1, 10, 12)
    ledger = Ledger(policies=Policies(zone=ZONE))
    # an adjustment is balance but not qualification
    ledger.adjust(member="m", points=400, at=t0.subtract(days=1), key="gift", reason="welcome")
    ledger.earn(member="m", points=150, at=t0 + US, key="a")
    tiers = Tiers(levels=LEVELS, window_days=30, downgrade=Downgrade.BALANCE_BASED)
    assert tiers.tier_at(ledger, "m", t0).name == "base"
    assert tiers.tier_at(ledger, "m", t0 + US).name == "silver"


def test_a_reward_window_includes_its_start_and_excludes_its_end() -> None:
    start, end = local(2025, 6, 1), local(2025, 9, 1)
    reward = Reward(id="summer", cost=10, available_from=start, available_until=end)
    assert not reward.open_at(to_micros(start) - 1)
    assert reward.open_at(to_micros(start))
    assert reward.open_at(to_micros(end) - 1)
    assert not reward.open_at(to_micros(end))
    assert Reward(id="always", cost=1).open_at(0)


def test_names_thresholds_and_days_at_their_bounds() -> None:
    assert Tier(name="x" * 256, threshold=0).name == "x" * 256
    assert Tiers(levels=LEVELS, window_days=36_525, grace_days=0).window_days == 36_525
    assert Tiers(levels=LEVELS, window_days=0).window_days == 0
    assert Reward(id="r", cost=10**12, stock=0).cost == 10**12
    assert Reward(id="r", cost=1).stock is None


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("", "must be a non-empty string (got '')"),
        (" gold", "must not start or end with blanks (got ' gold')"),
        ("gold ", "must not start or end with blanks (got 'gold ')"),
        ("x" * 257, "must be at most 256 characters (got 257 characters)"),
        (5, "must be a non-empty string (got 5)"),
    ],
)
def test_a_bad_tier_name_is_refused(name: object, rule: str) -> None:
    err = _refusal(Tier, name=name, threshold=0)
    assert err.message == f"'name' {rule}"
    assert (err.field, err.value) == ("name", name)


@pytest.mark.parametrize(
    ("threshold", "rule"),
    [
        (True, "a Decimal or int (got bool True)"),
        (1.5, "a Decimal or int (got float 1.5); write Decimal('1.5')"),
        ("10", "a Decimal or int (got str '10')"),
        (-1, "a finite number of at least 0 (got -1)"),
        (Decimal("-0.01"), "a finite number of at least 0 (got Decimal('-0.01'))"),
        (Decimal("Infinity"), "a finite number of at least 0 (got Decimal('Infinity'))"),
    ],
)
def test_a_bad_threshold_is_refused(threshold: object, rule: str) -> None:
    err = _refusal(Tier, name="gold", threshold=threshold)
    assert err.message == f"'threshold' must be {rule}"
    assert (err.field, err.value) == ("threshold", threshold)


@pytest.mark.parametrize("days", [True, -1, 36_526, 1.0])
@pytest.mark.parametrize("field", ["window_days", "grace_days"])
def test_bad_day_counts_are_refused(field: str, days: object) -> None:
    err = _refusal(Tiers, levels=LEVELS, **{field: days})
    assert err.message == (f"'{field}' must be an integer from 0 to 36525 (got {days!r})")
    assert (err.field, err.value) == (field, days)


def test_bad_enumeration_values_are_refused_with_the_allowed_ones() -> None:
    err = _refusal(Tiers, levels=LEVELS, metric="weekly")
    assert err.message == (
        "'metric' must be one of 'points_rolling', 'points_calendar', "
        "'points_lifetime', 'spend_rolling', 'balance' (got 'weekly')"
    )
    assert (err.field, err.value) == ("metric", "weekly")
    err = _refusal(Tiers, levels=LEVELS, downgrade=None)
    assert err.message == (
        "'downgrade' must be one of 'immediate', 'one_step', 'balance_based' (got None)"
    )
    assert Tiers(levels=LEVELS, crossing="split", period="month").period is CalendarPeriod.MONTH


def test_bad_ladders_are_refused() -> None:
    err = _refusal(Tiers, levels=[LEVELS[0], "gold"])
    assert (err.message, err.field, err.value) == (
        "'levels[1]' must be a Tier (got 'gold')",
        "levels[1]",
        "gold",
    )
    err = _refusal(Tiers, levels=[])
    assert err.message == "'levels' must start with a tier of threshold 0 (got no levels)"
    err = _refusal(Tiers, levels=LEVELS[1:])
    assert err.message == "'levels' must start with a tier of threshold 0 (got 100)"
    err = _refusal(Tiers, levels=[LEVELS[0], LEVELS[2], LEVELS[1]])
    assert err.message == (
        "'levels' thresholds must rise strictly (got 'silver' at 100 after 'gold' at 300)"
    )
    err = _refusal(Tiers, levels=[LEVELS[0], Tier(name="base", threshold=5)])
    assert (err.message, err.field, err.value) == (
        "'levels' must not repeat a name (got 'base' twice)",
        "levels",
        "base",
    )
    err = _refusal(Tiers, levels=LEVELS, downgrade=Downgrade.ONE_STEP, grace_days=0)
    assert (err.message, err.field, err.value) == (
        "'grace_days' must be at least 1 for one-step downgrades (got 0)",
        "grace_days",
        0,
    )


@pytest.mark.parametrize("cost", [0, 10**12 + 1, True, 1.0])
def test_a_bad_cost_is_refused(cost: object) -> None:
    err = _refusal(Reward, id="mug", cost=cost)
    assert err.message == f"'cost' must be an integer from 1 to 1000000000000 (got {cost!r})"
    assert (err.field, err.value) == ("cost", cost)


@pytest.mark.parametrize("stock", [-1, True, 2.0])
def test_a_bad_stock_is_refused(stock: object) -> None:
    err = _refusal(Reward, id="mug", cost=1, stock=stock)
    assert err.message == (f"'stock' must be an integer of at least 0 (got {stock!r})")
    assert (err.field, err.value) == ("stock", stock)


def test_naive_instants_are_refused_naming_their_field() -> None:
    naive = dt.datetime(2025, 1, 1)
    for field in ("available_from", "available_until"):
        err = _refusal(Reward, id="mug", cost=1, **{field: naive})
        assert err.field == field
        assert err.message.startswith(f"'{field}' must be timezone-aware (got naive 2025-01-01")
    err = _refusal(Tiers(levels=LEVELS).tier_at, ledger=Ledger(), member="m", as_of=naive)
    assert err.field == "as_of"
    start = local(2025, 6, 1)
    err = _refusal(Reward, id="mug", cost=1, available_from=start, available_until=start)
    assert (err.message, err.field) == (
        f"'available_until' must be after 'available_from' (got {start.isoformat()})",
        "available_until",
    )


def test_a_catalogue_refuses_strangers_and_duplicates_and_names_what_it_knows() -> None:
    mug, cap = Reward(id="mug", cost=5), Reward(id="cap", cost=9)
    err = _refusal(Catalogue, rewards=[mug, "cap"])
    assert (err.message, err.field, err.value) == (
        "'rewards[1]' must be a Reward (got 'cap')",
        "rewards[1]",
        "cap",
    )
    err = _refusal(Catalogue, rewards=[mug, cap, Reward(id="mug", cost=7)])
    assert (err.message, err.field, err.value) == (
        "'rewards' must not repeat an id (got 'mug' twice)",
        "rewards",
        "mug",
    )
    err = _refusal(Catalogue(rewards=[mug, cap]).get, reward="hat")
    assert (err.message, err.field, err.value) == (
        "'reward' must be one of the catalogue's rewards ('mug', 'cap') (got 'hat')",
        "reward",
        "hat",
    )
    err = _refusal(Catalogue().get, reward="hat")
    assert err.message == "'reward' must be one of the catalogue's rewards (none) (got 'hat')"
