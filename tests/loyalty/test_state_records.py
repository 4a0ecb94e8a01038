"""The ledger's internal state records made field by field: every field is set.

``Account.new``, ``Account.issue`` (a lot) and the redeem step (a
redemption) make their records without the attrs ``__init__`` (issue 19:
calling an attrs class runs its ``__init__`` through ``type``), so a field
added to one of these classes must be set there too. These tests find a
field left unset, and check that what a command made equals what the
class's own ``__init__`` makes from the same values.
"""

from __future__ import annotations

from typing import Any

import attrs
import pendulum

from servicemodel.loyalty import Ledger, Policies
from servicemodel.loyalty._account import Account, LotState, RedemptionState

T = pendulum.datetime(2025, 3, 1, 12)


def _set_fields(value: Any) -> dict[str, Any]:
    cls = type(value)
    unset = [f.name for f in attrs.fields(cls) if not hasattr(value, f.name)]
    assert unset == [], f"{cls.__name__} made without {unset}"
    return attrs.asdict(value, recurse=False)


def _ledger() -> Ledger:
    ledger = Ledger(policies=Policies())
    ledger.earn(member="ann", points=100, at=T, key="o-1")
    ledger.redeem(member="ann", points=30, at=T.add(hours=1), key="r-1", reward="mug")
    return ledger


def test_a_new_account_sets_every_field_and_equals_the_class_built_from_them() -> None:
    account = Account.new("bob", [], _ledger()._rules)
    fields = _set_fields(account)
    assert Account(**fields) == account
    assert (account.version, account.avail, account.lots, account.record) == (0, 0, [], True)


def test_a_lot_and_a_redemption_made_by_commands_set_every_field() -> None:
    account = _ledger()._accounts["ann"]
    [lot] = account.lots
    assert LotState(**_set_fields(lot)) == lot
    assert (lot.original, lot.remaining, lot.clawed, lot.expired) == (100, 70, 0, 0)
    redemption = account.redemptions["r-1"]
    assert RedemptionState(**_set_fields(redemption)) == redemption
    assert (redemption.allocations, redemption.reward, redemption.reversed) == (
        ((1, 30),),
        "mug",
        False,
    )
    _set_fields(account)
