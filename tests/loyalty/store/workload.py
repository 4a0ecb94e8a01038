"""Random ledger commands sent by many writers at once, and the laws a store keeps after them.

Used by the concurrency and crash tests (and nothing else). The workers are
top-level functions so that a ``forkserver`` process pool can run them.
"""

from __future__ import annotations

import datetime as _dt
import multiprocessing
import os
import random
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Final

import attrs

from servicemodel.exceptions import LedgerError
from servicemodel.loyalty import Command, Entry, EntryKind, Ledger, NegativeBalance, Policies
from servicemodel.loyalty.store import StoredLedger, open_store

#: The sizes of issue #19's acceptance (10,000 commands, 50 kills) run with
#: ``SERVICEMODEL_STORE_LOAD=acceptance``; every suite run uses smaller ones, so
#: that the whole suite stays within its five minutes on two cores (at full size
#: the eight-process PostgreSQL test alone takes minutes here).
ACCEPTANCE: Final = os.environ.get("SERVICEMODEL_STORE_LOAD") == "acceptance"

#: The workload's first instant.
START: Final = _dt.datetime(2025, 1, 1, tzinfo=_dt.UTC)
#: Commands share an instant in steps of this many commands: a writer that lags
#: behind another sends some commands for a member earlier than the member's last
#: one, which the ledger refuses (a refusal must change nothing).
STEP: Final = 500
#: The default policies: points never expire, are available at once, and
#: neither redeems nor deductions may overspend.
POLICIES: Final = Policies()

# The sign of each kind of entry the workload makes, in the member's balance.
_SIGN: Final = {
    EntryKind.EARN: 1,
    EntryKind.REDEEM: -1,
    EntryKind.RESTORE: 1,
    EntryKind.REISSUE: 1,
    EntryKind.ADJUST: 1,  # an adjustment's points carry their own sign
}


def forkserver() -> Any:
    """A ``forkserver`` context whose server has imported this module (and so servicemodel).

    Its workers start in milliseconds: they fork from a process that has
    already imported everything, and never from the test process itself (which
    may hold threads and connections).
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


def make_commands(seed: int, count: int, members: int) -> list[Command]:
    """*count* random earns, redeems, adjustments and reversals for *members* members."""
    rng = random.Random(seed)
    redeems: dict[str, list[str]] = defaultdict(list)
    commands = []
    for i in range(count):
        member = f"m{rng.randrange(members)}"
        key = f"c{i}"
        at = START + _dt.timedelta(seconds=i // STEP)
        roll = rng.random()
        if roll < 0.1 and redeems[member]:
            command = Command.of(
                "reverse_redemption",
                key=key,
                member=member,
                at=at,
                redemption=rng.choice(redeems[member]),
            )
        elif roll < 0.45:
            command = Command.of(
                "redeem", key=key, member=member, at=at, points=rng.randint(1, 150)
            )
            redeems[member].append(key)
        elif roll < 0.55:
            points = rng.choice((-1, 1)) * rng.randint(1, 100)
            command = Command.of(
                "adjust",
                key=key,
                member=member,
                at=at,
                points=points,
                reason="audit",
                shortfall=NegativeBalance.REFUSE,
            )
        else:
            command = Command.of("earn", key=key, member=member, at=at, points=rng.randint(1, 200))
        commands.append(command)
    return commands


def share(commands: Sequence[Command], writers: int, seed: int) -> list[list[Command]]:
    """Each writer's commands, in order: every command goes to one writer, a third to two."""
    rng = random.Random(seed)
    shares: list[list[Command]] = [[] for _ in range(writers)]
    for i, command in enumerate(commands):
        owners = {i % writers}
        if rng.random() < 1 / 3:
            owners.add(rng.randrange(writers))
        for owner in owners:
            shares[owner].append(command)
    return shares


#: What a writer saw: (key, version, journal positions) of an accepted command
#: (its own or the first caller's receipt), or (key, None, error class name).
Outcome = tuple[str, int | None, tuple[int, ...] | str]


def send(ledger: StoredLedger, commands: Sequence[Command]) -> list[Outcome]:
    """Apply *commands* one transaction each; return what each call answered."""
    outcomes: list[Outcome] = []
    for command in commands:
        try:
            receipt = ledger.apply(command)
        except LedgerError as exc:
            outcomes.append((command.key, None, type(exc).__name__))
        else:
            seqs = tuple(e.seq for e in receipt.entries if e.seq is not None)
            outcomes.append((command.key, receipt.version, seqs))
    return outcomes


def send_from_process(url: str, commands: Sequence[Command]) -> list[Outcome]:
    """:func:`send` in a worker process, with its own connection to the store."""
    with open_store(url) as ledger:
        return send(ledger, commands)


def check_outcomes(ledger: StoredLedger, outcomes: Sequence[Outcome]) -> None:
    """Every accepted key is stored once, and every caller of it got the stored receipt."""
    accepted: dict[str, set[tuple[int, tuple[int, ...]]]] = defaultdict(set)
    refused: set[str] = set()
    for key, version, detail in outcomes:
        if version is None:
            refused.add(key)
        else:
            assert isinstance(detail, tuple)
            accepted[key].add((version, detail))
    stored = {command.key for command in ledger.commands()}
    assert stored == set(accepted), "the stored keys are exactly the accepted ones"
    for key, receipts in accepted.items():
        assert len(receipts) == 1, f"{key!r} got different receipts: {receipts}"
        receipt = ledger.receipt(key)
        assert receipts == {(receipt.version, tuple(e.seq for e in receipt.entries))}
    assert refused - set(accepted), "the workload must also exercise refusals"


def check_store(ledger: StoredLedger, *, as_of: _dt.datetime) -> Ledger:
    """The laws of a store after any run: returns the ledger the journal replays to.

    - each key is stored once, each member's versions are 1, 2, ... in order;
    - journal positions increase;
    - the journal's signed points per member sum to the member's balance, and
      no balance is negative;
    - replaying the stored commands in order in memory accepts every one of
      them and gives the same versions, balances and entries (so no command
      is stored without its entries, or entries without their command).
    """
    commands = list(ledger.commands())
    keys = [command.key for command in commands]
    assert len(keys) == len(set(keys)), "a key is stored twice"
    journal = list(ledger.journal())
    seqs = [entry.seq for entry in journal if entry.seq is not None]
    assert len(seqs) == len(journal), "every journal entry has a position"
    assert seqs == sorted(seqs), "journal positions must increase"
    assert len(set(seqs)) == len(seqs), "journal positions must be unique"
    replayed = Ledger(policies=ledger.policies)
    for command in commands:
        replayed.apply(command)
    by_member: dict[str, list[Entry]] = defaultdict(list)
    for entry in journal:
        by_member[entry.member].append(entry)
    members = list(ledger.members())
    assert sorted(members) == sorted(replayed.members()) == sorted(by_member)
    for member in members:
        entries = by_member[member]
        balance = ledger.balance(member, as_of=as_of)
        assert balance == replayed.balance(member, as_of=as_of)
        assert balance.available >= 0, (member, balance)
        assert balance.debt == 0, (member, balance)
        assert {e.kind for e in entries} <= set(_SIGN), {e.kind for e in entries}
        total = sum(_SIGN[e.kind] * e.points for e in entries)
        assert total == balance.available + balance.pending - balance.debt, (member, total)
        assert ledger.version(member) == replayed.version(member)
        assert [_unplaced(e) for e in entries] == [_unplaced(e) for e in replayed.history(member)]
        assert tuple(entries) == ledger.history(member)
    return replayed


def _unplaced(entry: Entry) -> Entry:
    return attrs.evolve(entry, seq=None)


def end_of(commands: Sequence[Command]) -> _dt.datetime:
    """An instant after every command of the workload."""
    return max(command.at for command in commands) + _dt.timedelta(microseconds=1)


# --------------------------------------------------------------- the crash test


def crash_steps(seed: int, count: int, members: int) -> list[list[Command]]:
    """The crash test's steps: single commands, and every sixth a batch of five."""
    commands = make_commands(seed, count, members)
    steps: list[list[Command]] = []
    i = 0
    while i < len(commands):
        size = 5 if len(steps) % 6 == 5 else 1
        steps.append(commands[i : i + size])
        i += size
    return steps


def apply_until_killed(url: str, workload: tuple[int, int, int], start: int, report: Any) -> None:
    """Apply the steps of *workload* from *start*, one transaction each; report each index done.

    The parent kills this process at a random point; what it reported before
    is committed (the report is sent after the commit). The steps are made
    here from the workload's seed: cheaper than sending them.
    """
    steps = crash_steps(*workload)[start:]
    with open_store(url) as ledger:
        report.send(("ready", os.getpid()))
        for index, step in enumerate(steps):
            try:
                ledger.apply_many(step)
            except LedgerError:
                report.send(("refused", index))
            else:
                report.send(("applied", index))
        report.send(("finished", len(steps)))
