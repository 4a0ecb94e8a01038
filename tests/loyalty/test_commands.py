"""Commands as values (loyalty/_commands.py) and Ledger.apply running them.

A command is built one way for its instant (an aware ``at``) and its
arguments are its command's, in order; ``apply`` checks a command's values
as the method of its name does, and gives the same books.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pendulum
import pytest

from servicemodel.exceptions import InsufficientPoints, ValidationError
from servicemodel.loyalty import Command, EarnLine, Ledger, NegativeBalance, Pending, Policies

T = pendulum.datetime(2025, 1, 10, 12, tz="Europe/Warsaw")


def test_a_command_takes_its_instant_as_an_aware_at_and_refuses_a_naive_one() -> None:
    command = Command(
        name="redeem", key="r", member="ann", at=T, arguments=[("points", 5), ("reward", None)]
    )
    assert command.at == T
    assert command == Command.of("redeem", key="r", member="ann", at=T, points=5)
    with pytest.raises(ValidationError, match="'at' must be timezone-aware"):
        Command(name="redeem", key="r", member="ann", at=dt.datetime(2025, 1, 1))


def test_a_command_has_no_second_way_to_give_its_instant() -> None:
    with pytest.raises(TypeError):
        Command(name="activate", key="a", member="ann", _micros=0, arguments=(("earn", "o"),))  # type: ignore[call-arg]


@pytest.mark.parametrize(
    "arguments",
    [
        (),
        (("reward", None), ("points", 5)),
        (("points", 5),),
        (("points", 5), ("reward", None), ("x", 1)),
        ("points",),
    ],
)
def test_a_command_refuses_arguments_that_are_not_its_own_in_order(
    arguments: Any,
) -> None:
    with pytest.raises(
        ValidationError, match="'arguments' must be the \\(name, value\\) pairs of points, reward"
    ):
        Command(name="redeem", key="r", member="ann", at=T, arguments=arguments)


def test_apply_checks_a_command_s_values_as_the_method_does_and_changes_nothing() -> None:
    ledger = Ledger()
    bad = Command(
        name="redeem", key="r", member="ann", at=T, arguments=(("points", "5"), ("reward", None))
    )
    with pytest.raises(ValidationError, match="'points' must be an integer from 1 to"):
        ledger.apply(bad)
    bad_tally = Command(
        name="earn",
        key="o",
        member="ann",
        at=T,
        arguments=(("points", 5), ("awards", ()), ("lines", ()), ("expiry", None), ("tally", 7)),
    )
    with pytest.raises(ValidationError, match="'tally' must be a mapping"):
        ledger.apply(bad_tally)
    assert list(ledger.commands()) == []
    assert ledger.version("ann") == 0


def test_apply_gives_the_books_the_methods_give_for_every_command() -> None:
    policies = Policies(zone="Europe/Warsaw", pending=Pending(length=3))
    by_method, by_apply = Ledger(policies=policies), Ledger(policies=policies)
    lines = (
        EarnLine(line="a", amount=Decimal("10"), points=30),
        EarnLine(line="b", amount=Decimal("5"), points=70),
    )
    by_method.earn(
        member="ann", points=100, at=T, key="o-1", lines=lines, tally={"spend": Decimal("15.5")}
    )
    by_method.activate(member="ann", earn="o-1", at=T.add(hours=1), key="a-1")
    by_method.redeem(member="ann", points=20, at=T.add(hours=2), key="r-1", reward="mug")
    by_method.reverse_redemption(member="ann", redemption="r-1", at=T.add(hours=3), key="x-1")
    by_method.return_purchase(
        member="ann", earn="o-1", at=T.add(hours=4), key="ret-1", tally={"spend": -5}
    )
    by_method.adjust(
        member="ann",
        points=-500,
        at=T.add(hours=5),
        key="fix-1",
        reason="fraud",
        shortfall=NegativeBalance.UNLIMITED,
    )
    for command in by_method.commands():
        by_apply.apply(command)
    assert by_apply.history("ann") == by_method.history("ann")
    assert list(by_apply.commands()) == list(by_method.commands())
    again = [by_apply.apply(c) for c in by_method.commands()]  # sent again: the first receipts
    assert [r.version for r in again] == [1, 2, 3, 4, 5, 6]
    assert by_apply.balance("ann", as_of=T.add(days=1)) == by_method.balance(
        "ann", as_of=T.add(days=1)
    )


def test_an_adjustment_built_without_a_shortfall_takes_the_method_s_default_refuse() -> None:
    command = Command.of("adjust", key="fix", member="ann", at=T, points=-5, reason="fraud")
    assert command.argument("shortfall") is NegativeBalance.REFUSE
    by_apply, by_method = Ledger(), Ledger()
    for ledger in (by_apply, by_method):
        ledger.earn(member="ann", points=3, at=T, key="o-1")
    with pytest.raises(InsufficientPoints, match="at most the 3 available points"):
        by_method.adjust(member="ann", points=-5, at=T, key="fix", reason="fraud")
    with pytest.raises(InsufficientPoints, match="at most the 3 available points"):
        by_apply.apply(command)
    assert by_apply.version("ann") == 1


@pytest.mark.parametrize("arguments", [5, "points"])
def test_a_command_refuses_arguments_that_are_not_a_collection_of_pairs(arguments: Any) -> None:
    with pytest.raises(ValidationError, match="'arguments' must be a collection of"):
        Command(name="redeem", key="r", member="ann", at=T, arguments=arguments)


def test_the_ledger_s_payload_records_hold_each_command_s_arguments_in_command_fields_order() -> (
    None
):
    from servicemodel.loyalty import _journal
    from servicemodel.loyalty._commands import COMMAND_FIELDS

    records: dict[str, Any] = {
        "earn": _journal.EarnCall,
        "activate": _journal.ActivateCall,
        "redeem": _journal.RedeemCall,
        "reverse_redemption": _journal.ReverseCall,
        "return_purchase": _journal.ReturnCall,
        "adjust": _journal.AdjustCall,
    }
    assert set(records) == set(COMMAND_FIELDS)
    for name, record in records.items():
        assert record._fields == ("name", "member", "t", *COMMAND_FIELDS[name]), name


def test_a_command_s_call_passes_each_argument_in_its_place() -> None:
    # Every argument a value of its own (a tally as pairs): a call made to a function
    # that returns what it got shows which place got which value, for every command name.
    from servicemodel.loyalty._commands import COMMAND_FIELDS, command_call

    for name, fields in COMMAND_FIELDS.items():
        values: dict[str, Any] = {field: f"{name}.{field}" for field in fields}
        if "tally" in values:
            values["tally"] = (("spend", 3),)
        command = Command(name=name, key="k", member="ann", at=T, arguments=tuple(values.items()))
        passed = [{"spend": 3} if field == "tally" else values[field] for field in fields]
        expected = ("ledger", "k", "ann", command._micros, *passed, None)
        assert command_call(name, lambda *given: given)("ledger", command) == expected, name


def test_a_command_s_keywords_are_those_of_the_method_of_its_name() -> None:
    # Command.call() names what the command's call passes: the method's own keywords.
    import inspect

    from servicemodel.loyalty import Ledger
    from servicemodel.loyalty._commands import COMMAND_FIELDS

    for name in COMMAND_FIELDS:
        command = Command.of(name, key="k", member="ann", at=T)
        method = inspect.signature(getattr(Ledger, name)).parameters
        assert set(command.call()) == set(method) - {"self", "expected_version"}, name


def test_a_command_without_tally_pairs_is_called_with_no_tally() -> None:
    command = Command.of("earn", key="k", member="ann", at=T, points=5)
    assert command.argument("tally") == ()
    assert command.call()["tally"] is None


def test_a_command_changed_with_attrs_evolve_keeps_its_instant() -> None:
    import attrs

    first = Command.of("redeem", key="r", member="ann", at=T, points=5)
    second = attrs.evolve(first, key="r2")
    assert (second.key, second.at, second.arguments) == ("r2", first.at, first.arguments)


@pytest.mark.parametrize("amount", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_a_tally_that_is_not_a_finite_number_is_refused_and_changes_nothing(
    amount: Decimal,
) -> None:
    ledger = Ledger()
    with pytest.raises(ValidationError, match=r"'tally\.spend' must be"):
        ledger.earn(member="ann", points=5, at=T, key="o-1", tally={"spend": amount})
    assert not ledger.knows("o-1")
