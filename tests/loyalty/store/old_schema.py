"""Stores of the older schema versions, written as those versions wrote them, for the migration tests.

:func:`version_2_rows` reads a ledger through its public API and gives the
rows of schema version 2's ``commands`` and ``entries`` tables (version 1
has the same tables, without two indexes): a command's own entries name it,
the entries the ledger settled before a command ran name none.
:func:`changed_ledger` gives a ledger whose journal has such settled entries
(expiries, activations) between commands. :func:`as_version_3` gives
``journal`` rows as schema version 3 wrote them (its tables are version 4's;
the commands were their ledger-document JSON).
"""

from __future__ import annotations

import io
import json
from typing import Any

import pendulum

from servicemodel.loyalty import AfterDays, Ledger, Pending, Policies
from servicemodel.loyalty.store import StoredLedger, command_to_json, export_jsonl
from servicemodel.loyalty.store._codec import command_from_column

ZONE = "Europe/Warsaw"
T = pendulum.datetime(2025, 1, 10, 12, tz=ZONE)
POLICIES = Policies(zone=ZONE, expiry=AfterDays(days=30), pending=Pending(length=3))


def fill(ledger: Ledger | StoredLedger) -> None:
    """Commands of two members over 70 days: earns, redeems, activations, expiries on the way."""
    ledger.earn(member="ann", points=100, at=T, key="o-1")
    ledger.earn(member="bob", points=30, at=T, key="o-2")
    ledger.activate(member="ann", earn="o-1", at=T.add(days=1), key="a-1")
    ledger.earn(member="ann", points=50, at=T.add(days=5), key="o-3")
    ledger.redeem(member="ann", points=60, at=T.add(days=6), key="r-1")
    # bob's lot became available and expired before this command: settled entries.
    ledger.earn(member="bob", points=7, at=T.add(days=40), key="o-4")
    ledger.reverse_redemption(member="ann", redemption="r-1", at=T.add(days=41), key="x-1")
    ledger.adjust(member="ann", points=5, at=T.add(days=70), key="fix-1", reason="goodwill")


def version_2_rows(ledger: StoredLedger) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The ``commands`` and ``entries`` rows of *ledger* in schema version 2."""
    zone = ledger.policies.zone
    commands, owner = [], {}
    for number, command in enumerate(ledger.commands(), start=1):
        found = ledger.store.find(command.key)
        assert found is not None
        owner.update(dict.fromkeys(found.seqs, number))
        commands.append(
            (
                number,
                command.key,
                command.member,
                found.version,
                command.at.int_timestamp * 10**6 + command.at.microsecond,
                command_to_json(command, zone),
            )
        )
    entries = [
        (
            e.seq,
            owner.get(e.seq or 0),
            e.member,
            e.kind.value,
            e.at.int_timestamp * 10**6 + e.at.microsecond,
            e.points,
            json.dumps([[a.lot, a.points] for a in e.allocations]),
            e.lot,
            e.key,
            e.ref,
            e.note,
        )
        for e in ledger.journal()
    ]
    return commands, entries


def members_rows(ledger: StoredLedger) -> list[tuple[str, int]]:
    """The ``members`` rows of *ledger*."""
    return [(member, ledger.version(member)) for member in ledger.members()]


def same_ledger(a: StoredLedger, b: StoredLedger) -> None:
    """*a* and *b* answer alike: journal, commands, receipts, members' state, export."""
    assert list(a.journal()) == list(b.journal())
    assert list(a.commands()) == list(b.commands())
    assert list(a.members()) == list(b.members())
    for command in a.commands():
        assert a.receipt(command.key).entries == b.receipt(command.key).entries
        assert a.store.find(command.key) == b.store.find(command.key)
    as_of = T.add(days=80)
    for member in a.members():
        assert a.history(member) == b.history(member)
        assert a.lots(member, as_of=as_of) == b.lots(member, as_of=as_of)
        assert a.balance(member, as_of=as_of) == b.balance(member, as_of=as_of)
        assert a.version(member) == b.version(member)
    texts = [io.StringIO(), io.StringIO()]
    export_jsonl(a, texts[0])
    export_jsonl(b, texts[1])
    assert texts[0].getvalue() == texts[1].getvalue()


def as_version_3(rows: list[tuple[Any, ...]], zone: str) -> list[tuple[Any, ...]]:
    """``journal`` rows (seq, key, member, version, command, first, settled, entries) as
    schema version 3 wrote them: the command as its ledger-document JSON."""
    return [
        (
            seq,
            key,
            member,
            version,
            command_to_json(command_from_column(text, key, member, zone), zone),
            *rest,
        )
        for seq, key, member, version, text, *rest in rows
    ]
