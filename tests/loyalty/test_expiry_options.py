"""Expiry and return options of issue 20, one business case per test.

Each runs on the in-memory ledger and on every store (the ``new_ledger``
fixture of tests/conftest.py), so a store gives the same answers.
Programme timezone Europe/Warsaw, "earn day is day 1" unless a test says otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pendulum
import pytest

from servicemodel.exceptions import InsufficientPoints
from servicemodel.loyalty import (
    ActivityKind,
    AfterDays,
    AfterInactivity,
    Balance,
    EntryKind,
    ExpiredReturn,
    ExpiryStart,
    Ledger,
    NegativeBalance,
    Pending,
    Policies,
    WhicheverFirst,
    dump_ledger,
    load_ledger,
)

ZONE = "Europe/Warsaw"


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(year, month, day, hour, minute, tz=ZONE)


@pytest.fixture
def ledger(new_ledger: Callable[[Policies], Any]) -> Callable[..., Any]:
    """Make an empty ledger under Warsaw policies, kept in memory or in a store."""

    def make(**kwargs: object) -> Any:
        return new_ledger(Policies(zone=ZONE, **kwargs))  # type: ignore[arg-type]

    return make


# ------------------------------------------------- point 6: expiry before unlock


def test_a_pending_lot_that_would_expire_before_it_unlocks_expires_counted_from_availability(
    ledger: Callable[..., Any],
) -> None:
    book = ledger(pending=Pending(length=5), expiry=AfterDays(days=1))
    book.earn(member="m", points=100, at=at(2025, 1, 1, 12), key="o-1")
    (lot,) = book.lots("m", as_of=at(2025, 1, 3))
    # Available 6 January 12:00; one day counted from then (6 January is day 1).
    assert lot.available_at == at(2025, 1, 6, 12)
    assert lot.expires_at == at(2025, 1, 7)
    assert book.totals("m", as_of=at(2025, 1, 3)).balanced()
    assert book.balance("m", as_of=at(2025, 1, 3)) == Balance(available=0, pending=100, debt=0)
    expiring = book.expiring_between("m", at(2025, 1, 1), at(2025, 2, 1))
    assert [(e.at, e.points) for e in expiring] == [(at(2025, 1, 7), 100)]


def test_a_later_command_does_not_change_what_the_ledger_said_about_the_past(
    ledger: Callable[..., Any],
) -> None:
    book = ledger(pending=Pending(length=5), expiry=AfterDays(days=1))
    book.earn(member="m", points=100, at=at(2025, 1, 1, 12), key="o-1")
    probe = at(2025, 1, 3)
    before = (
        book.balance("m", as_of=probe),
        book.totals("m", as_of=probe),
        book.lots("m", as_of=probe),
        book.expiring_between("m", at(2025, 1, 1), probe),
    )
    book.earn(member="m", points=5, at=at(2025, 1, 10), key="o-2")
    after = (
        book.balance("m", as_of=probe),
        book.totals("m", as_of=probe),
        book.lots("m", as_of=probe),
        book.expiring_between("m", at(2025, 1, 1), probe),
    )
    assert after == before
    assert book.balance("m", as_of=at(2025, 1, 6, 12)).available == 100


def test_an_early_activation_does_not_rewrite_the_lot_as_it_stood_before(
    ledger: Callable[..., Any],
) -> None:
    book = ledger(pending=Pending(length=14))
    book.earn(member="m", points=100, at=at(2025, 1, 1, 10), key="o-1")
    before = book.lots("m", as_of=at(2025, 1, 2))
    book.activate(member="m", earn="o-1", at=at(2025, 1, 3), key="a-1")
    assert book.lots("m", as_of=at(2025, 1, 2)) == before
    assert before[0].available_at == at(2025, 1, 15, 10)
    assert book.lots("m", as_of=at(2025, 1, 3))[0].available_at == at(2025, 1, 3)


# ----------------------------------------------- point 7: expiry from availability


def test_expiry_counted_from_availability_starts_when_the_pending_points_unlock(
    ledger: Callable[..., Any],
) -> None:
    unlock = ledger(
        pending=Pending(length=14),
        expiry=AfterDays(days=30),
        expiry_start=ExpiryStart.AVAILABLE,
    )
    earned = ledger(pending=Pending(length=14), expiry=AfterDays(days=30))
    for book in (unlock, earned):
        book.earn(member="m", points=100, at=at(2025, 1, 1, 10), key="o-1")
    # Available 15 January 10:00: day 1 of 30 is 15 January under "available".
    assert unlock.lots("m", as_of=at(2025, 1, 2))[0].expires_at == at(2025, 2, 14)
    assert earned.lots("m", as_of=at(2025, 1, 2))[0].expires_at == at(2025, 1, 31)
    assert unlock.balance("m", as_of=at(2025, 2, 10)).available == 100
    assert earned.balance("m", as_of=at(2025, 2, 10)).available == 0


# --------------------------------------------------- point 9: switched on from a date


def test_inactivity_expiry_switched_on_from_a_date_expires_nothing_before_the_switch(
    ledger: Callable[..., Any],
) -> None:
    book = ledger(expiry=AfterInactivity(days=30, since=dt.date(2025, 6, 1)))
    book.earn(member="m", points=100, at=at(2025, 1, 1, 9), key="o-1")
    assert book.balance("m", as_of=at(2025, 5, 31, 23)).available == 100
    # Counted from the switch: 1 June is day 1 of 30.
    assert book.balance("m", as_of=at(2025, 6, 30, 23)).available == 100
    assert book.balance("m", as_of=at(2025, 7, 1)).available == 0
    assert [e.at for e in book.expiring_between("m", at(2025, 1, 1), at(2026, 1, 1))] == [
        at(2025, 7, 1)
    ]


def test_activity_after_the_switch_counts_from_the_activity(ledger: Callable[..., Any]) -> None:
    book = ledger(expiry=AfterInactivity(days=30, since=dt.date(2025, 6, 1)))
    book.earn(member="m", points=100, at=at(2025, 1, 1, 9), key="o-1")
    book.redeem(member="m", points=10, at=at(2025, 6, 20, 9), key="r-1")
    assert book.balance("m", as_of=at(2025, 7, 18, 23)).available == 90
    assert book.balance("m", as_of=at(2025, 7, 20)).available == 0


# --------------------------------------------------- point 10: what counts as activity


def test_an_admin_adjustment_is_not_activity_when_the_rule_says_so(
    ledger: Callable[..., Any],
) -> None:
    strict = ledger(expiry=AfterInactivity(days=30, activity={"earn", "redeem"}))
    default = ledger(expiry=AfterInactivity(days=30))
    for book in (strict, default):
        book.earn(member="m", points=100, at=at(2025, 1, 1, 9), key="o-1")
        book.adjust(member="m", points=5, at=at(2025, 1, 20), key="fix-1", reason="goodwill")
    # 1 January is day 1 of 30: under the strict rule all 105 expire on 31 January.
    assert strict.balance("m", as_of=at(2025, 1, 31)).available == 0
    assert default.balance("m", as_of=at(2025, 1, 31)).available == 105
    assert default.balance("m", as_of=at(2025, 2, 19)).available == 0


def test_a_member_whose_commands_never_count_still_has_an_inactivity_clock(
    ledger: Callable[..., Any],
) -> None:
    book = ledger(expiry=AfterInactivity(days=10, activity={ActivityKind.REDEEM}))
    book.earn(member="m", points=100, at=at(2025, 1, 1, 9), key="o-1")
    book.earn(member="m", points=100, at=at(2025, 1, 5, 9), key="o-2")
    # The clock started at the first command; earns do not restart it.
    assert book.balance("m", as_of=at(2025, 1, 10, 23)).available == 200
    assert book.balance("m", as_of=at(2025, 1, 11)).available == 0
    # After the expiry the next command starts the clock again.
    book.earn(member="m", points=30, at=at(2025, 2, 1, 9), key="o-3")
    assert book.balance("m", as_of=at(2025, 2, 10, 23)).available == 30
    assert book.balance("m", as_of=at(2025, 2, 11)).available == 0


# --------------------------------------------------- point 11: months of inactivity


def test_inactivity_in_calendar_months_clamps_to_the_end_of_a_short_month(
    ledger: Callable[..., Any],
) -> None:
    book = ledger(expiry=AfterInactivity(months=1))
    book.earn(member="m", points=100, at=at(2025, 1, 31, 10), key="o-1")
    assert book.balance("m", as_of=at(2025, 2, 27, 23)).available == 100
    assert book.balance("m", as_of=at(2025, 2, 28)).available == 0


def test_months_and_a_per_lot_rule_combine_whichever_first(ledger: Callable[..., Any]) -> None:
    book = ledger(expiry=WhicheverFirst(rules=[AfterDays(days=10), AfterInactivity(months=18)]))
    book.earn(member="m", points=100, at=at(2025, 1, 1, 10), key="o-1")
    assert book.balance("m", as_of=at(2025, 1, 11)).available == 0


# ------------------------------------------- point 13: return after the points expired


def _expired_order(book: Any) -> None:
    book.earn(member="m", points=100, at=at(2025, 1, 1, 9), key="o-1")  # expires 11 January
    book.earn(member="m", points=100, at=at(2025, 1, 5, 9), key="o-2")  # expires 15 January


def test_a_return_after_the_orders_points_expired_does_not_take_them_again(
    ledger: Callable[..., Any],
) -> None:
    book = ledger(expiry=AfterDays(days=10))
    _expired_order(book)
    receipt = book.return_purchase(member="m", earn="o-1", at=at(2025, 1, 12), key="ret-1")
    entries = [(e.kind, e.points, e.note) for e in receipt.entries]
    assert (EntryKind.WRITE_OFF, 100, "expired") in entries
    assert book.balance("m", as_of=at(2025, 1, 12)) == Balance(available=100, pending=0, debt=0)
    totals = book.totals("m", as_of=at(2025, 1, 12))
    assert (totals.expired, totals.reversed, totals.written_off) == (100, 0, 100)
    assert totals.balanced()


def test_taking_expired_points_again_is_a_named_policy(ledger: Callable[..., Any]) -> None:
    book = ledger(expiry=AfterDays(days=10), expired_return=ExpiredReturn.TAKE_AGAIN)
    _expired_order(book)
    book.return_purchase(member="m", earn="o-1", at=at(2025, 1, 12), key="ret-1")
    assert book.balance("m", as_of=at(2025, 1, 12)) == Balance(available=0, pending=0, debt=0)


def test_a_return_takes_again_only_the_part_that_was_spent_before_the_rest_expired(
    ledger: Callable[..., Any],
) -> None:
    book = ledger(expiry=AfterDays(days=10))
    book.earn(member="m", points=100, at=at(2025, 1, 1, 9), key="o-1")
    book.redeem(member="m", points=60, at=at(2025, 1, 2), key="r-1")  # 40 left, expire 11 Jan
    book.earn(member="m", points=200, at=at(2025, 1, 12), key="o-2")
    book.return_purchase(member="m", earn="o-1", at=at(2025, 1, 13), key="ret-1")
    assert book.balance("m", as_of=at(2025, 1, 13)).available == 140
    # A second return of the same order finds nothing more to take.
    book.return_purchase(member="m", earn="o-1", at=at(2025, 1, 14), key="ret-2")
    assert book.balance("m", as_of=at(2025, 1, 14)).available == 140
    assert book.totals("m", as_of=at(2025, 1, 14)).written_off == 40


def test_refuse_counts_only_what_would_be_taken_again(ledger: Callable[..., Any]) -> None:
    book = ledger(expiry=AfterDays(days=10), negative_balance=NegativeBalance.REFUSE)
    _expired_order(book)
    book.redeem(member="m", points=100, at=at(2025, 1, 12), key="r-1")
    # Nothing is available, but nothing needs taking: the expired 100 are not taken again.
    book.return_purchase(member="m", earn="o-1", at=at(2025, 1, 13), key="ret-1")
    again = ledger(
        expiry=AfterDays(days=10),
        negative_balance=NegativeBalance.REFUSE,
        expired_return=ExpiredReturn.TAKE_AGAIN,
    )
    _expired_order(again)
    again.redeem(member="m", points=100, at=at(2025, 1, 12), key="r-1")
    with pytest.raises(InsufficientPoints):
        again.return_purchase(member="m", earn="o-1", at=at(2025, 1, 13), key="ret-1")


def test_a_return_of_an_order_expired_after_the_last_command_is_forgiven_too(
    ledger: Callable[..., Any],
) -> None:
    book = ledger(expiry=AfterDays(days=10), negative_balance=NegativeBalance.REFUSE)
    book.earn(member="m", points=100, at=at(2025, 1, 1, 9), key="o-1")
    # No command between the expiry (11 January) and the return: the refusal check sees it.
    book.return_purchase(member="m", earn="o-1", at=at(2025, 1, 20), key="ret-1")
    assert book.totals("m", as_of=at(2025, 1, 20)).written_off == 100


# ----------------------------------------------------------------- documents


def test_the_new_options_survive_a_ledger_document() -> None:
    policies = Policies(
        zone=ZONE,
        pending=Pending(length=3),
        expiry=WhicheverFirst(
            rules=[
                AfterDays(days=40),
                AfterInactivity(months=6, since=dt.date(2025, 6, 1), activity={"earn", "redeem"}),
            ]
        ),
        expiry_start=ExpiryStart.AVAILABLE,
        expired_return=ExpiredReturn.TAKE_AGAIN,
    )
    ledger = Ledger(policies=policies)
    ledger.earn(member="m", points=10, at=at(2025, 1, 1), key="o-1")
    again = load_ledger(dump_ledger(ledger))
    assert again.policies == policies
    assert again.history("m") == ledger.history("m")
