"""A ledger with every command kind and every kind of argument, for the store tests."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pendulum

from servicemodel.loyalty import (
    AfterDays,
    Award,
    EarnLine,
    Ledger,
    Money,
    NegativeBalance,
    Policies,
    ReturnedLine,
)

ZONE = "Europe/Warsaw"
T = pendulum.datetime(2025, 1, 10, 12, tz=ZONE)
POLICIES = Policies(zone=ZONE, expiry=AfterDays(days=365))


def busy_ledger() -> Ledger:
    """Every command kind, with lines, awards, tallies, expiries and a shortfall."""
    ledger = Ledger(policies=POLICIES)
    lines = (
        EarnLine(line="a", amount=Decimal("30.50"), points=30),
        EarnLine(line="b", amount=Decimal("20"), points=20),
    )
    ledger.earn(
        member="ann",
        points=50,
        at=T,
        key="o-1",
        lines=lines,
        awards=(
            Award(
                rule="base",
                base=Money(Decimal("50.50"), "EUR"),
                rate=Fraction(1),
                desired=50,
                granted=50,
            ),
        ),
        tally={"spend": Decimal("50.50")},
    )
    ledger.earn(member="bob", points=10, at=T, key="o-2", expiry=AfterDays(days=5))
    ledger.redeem(member="ann", points=20, at=T.add(days=1), key="r-1", reward="mug")
    ledger.reverse_redemption(member="ann", redemption="r-1", at=T.add(days=2), key="x-1")
    ledger.return_purchase(
        member="ann",
        earn="o-1",
        at=T.add(days=3),
        key="ret-1",
        lines=(ReturnedLine(line="b", amount=Decimal("10")),),
    )
    ledger.adjust(
        member="bob",
        points=-40,
        at=T.add(days=4),
        key="fix",
        reason="goodwill error",
        shortfall=NegativeBalance.UNLIMITED,
    )
    return ledger
