"""A ledger kept in a store: atomic, idempotent commands, serialised members, the same answers."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from pathlib import Path

import pendulum
import pytest

from servicemodel.exceptions import (
    IdempotencyConflict,
    InsufficientPoints,
    LedgerError,
    ValidationError,
)
from servicemodel.loyalty import AfterDays, Command, Ledger, NegativeBalance, Pending, Policies
from servicemodel.loyalty.store import StoredLedger, create_store, open_store

ZONE = "Europe/Warsaw"
T = pendulum.datetime(2025, 1, 10, 12, tz=ZONE)
POLICIES = Policies(zone=ZONE, expiry=AfterDays(days=30), pending=Pending(length=2))


def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ledger.db'}?synchronous=normal"


def rows(tmp_path: Path) -> tuple[int, int, int]:
    """The stored commands, the journal's last position, the members."""
    db = sqlite3.connect(tmp_path / "ledger.db")
    (counts,) = db.execute(
        "SELECT (SELECT count(*) FROM journal), (SELECT journal_end FROM ledger),"
        " (SELECT count(*) FROM journal WHERE version = 1)"
    ).fetchall()
    db.close()
    return counts[0], counts[1], counts[2]


def story(ledger: Ledger | StoredLedger) -> None:
    """Interleaved members, pending lots, settled activations and expiries, a return, debt."""
    ledger.earn(member="ann", points=100, at=T, key="a-1")
    ledger.earn(member="bob", points=80, at=T.add(hours=1), key="b-1")
    ledger.redeem(member="ann", points=30, at=T.add(days=3), key="a-2")
    ledger.adjust(member="bob", points=25, at=T.add(days=4), key="b-2", reason="welcome")
    ledger.redeem(member="bob", points=100, at=T.add(days=5), key="b-3")
    ledger.return_purchase(member="bob", earn="b-1", at=T.add(days=6), key="b-4")
    ledger.adjust(
        member="ann",
        points=-500,
        at=T.add(days=40),
        key="a-3",
        reason="fraud",
        shortfall=NegativeBalance.UNLIMITED,
    )
    ledger.earn(member="ann", points=20, at=T.add(days=41), key="a-4")


def test_a_stored_ledger_answers_exactly_as_the_in_memory_ledger(tmp_path: Path) -> None:
    memory = Ledger(policies=POLICIES)
    story(memory)
    with create_store(url(tmp_path), policies=POLICIES) as stored:
        story(stored)
        assert list(stored.journal()) == list(memory.journal())
        assert list(stored.commands()) == list(memory.commands())
        assert list(stored.members()) == list(memory.members())
        for member in ("ann", "bob"):
            for days in (0, 3, 5, 6, 40, 41, 90):
                as_of = T.add(days=days)
                assert stored.balance(member, as_of=as_of) == memory.balance(member, as_of=as_of)
                assert stored.lots(member, as_of=as_of) == memory.lots(member, as_of=as_of)
                assert stored.totals(member, as_of=as_of) == memory.totals(member, as_of=as_of)
                assert stored.history(member, as_of=as_of) == memory.history(member, as_of=as_of)
                assert str(stored.explain(member, as_of=as_of)) == str(
                    memory.explain(member, as_of=as_of)
                )
            assert stored.history(member) == memory.history(member)
            assert stored.expiring_between(member, T, T.add(days=90)) == memory.expiring_between(
                member, T, T.add(days=90)
            )
            assert stored.tally(member, "points", start=T, end=T.add(days=90)) == memory.tally(
                member, "points", start=T, end=T.add(days=90)
            )
            assert stored.version(member) == memory.version(member)
        assert stored.redemption_allocations("ann", "a-2") == memory.redemption_allocations(
            "ann", "a-2"
        )
        for key in ("a-1", "a-2", "b-3", "b-4", "a-4"):
            assert stored.receipt(key).entries == memory.receipt(key).entries
            assert stored.command(key) == memory.command(key)
    # Opened again (nothing cached), the answers are the same.
    with open_store(url(tmp_path), cache=1) as again:
        for member in ("ann", "bob", "ann"):
            assert again.history(member, as_of=T.add(days=90)) == memory.history(
                member, as_of=T.add(days=90)
            )


def test_a_refused_command_writes_nothing(tmp_path: Path) -> None:
    with create_store(url(tmp_path), policies=POLICIES) as ledger:
        ledger.earn(member="ann", points=100, at=T, key="a-1")
        before = rows(tmp_path)
        with pytest.raises(InsufficientPoints):
            ledger.redeem(member="ann", points=10, at=T.add(days=1), key="r")  # still pending
        with pytest.raises(IdempotencyConflict):
            ledger.earn(member="ann", points=101, at=T, key="a-1")
        with pytest.raises(ValidationError):
            ledger.earn(member="", points=1, at=T, key="x")
        with pytest.raises(ValidationError):
            ledger.earn(member="ann", points=1, at=T, key=7)
        assert rows(tmp_path) == before
        assert ledger.redeem(member="ann", points=10, at=T.add(days=3), key="r").version == 2


def test_a_key_used_by_another_member_is_a_conflict_and_writes_nothing(tmp_path: Path) -> None:
    with create_store(url(tmp_path), policies=POLICIES) as ledger:
        ledger.earn(member="ann", points=100, at=T, key="k")
        before = rows(tmp_path)
        with pytest.raises(IdempotencyConflict, match="'ann'"):
            ledger.earn(member="bob", points=100, at=T, key="k")
        assert rows(tmp_path) == before
        assert ledger.version("bob") == 0


def test_a_batch_reusing_a_key_of_another_member_is_a_conflict_and_writes_nothing(
    tmp_path: Path,
) -> None:
    with create_store(url(tmp_path), policies=POLICIES) as ledger:
        ledger.earn(member="ann", points=100, at=T, key="k")
        before = rows(tmp_path)
        stored = [
            Command.of("earn", key="b-1", member="bob", at=T, points=5),
            Command.of("earn", key="k", member="bob", at=T, points=100),
        ]
        with pytest.raises(IdempotencyConflict, match="'ann'"):
            ledger.apply_many(stored)
        in_batch = [
            Command.of("earn", key="c-1", member="cat", at=T, points=5),
            Command.of("earn", key="c-1", member="dan", at=T, points=5),
        ]
        with pytest.raises(IdempotencyConflict, match="'cat'"):
            ledger.apply_many(in_batch)
        assert rows(tmp_path) == before
        # The same command twice in a batch applies once; both get its receipt.
        again = ledger.apply_many([in_batch[0], stored[0], in_batch[0]])
        assert again[0] == again[2]
        assert again[0].entries == again[2].entries
        assert rows(tmp_path) == (before[0] + 2, before[1] + 2, before[2] + 2)


def test_a_key_sent_twice_through_two_connections_applies_once(tmp_path: Path) -> None:
    first = create_store(url(tmp_path), policies=POLICIES)
    second = open_store(url(tmp_path))
    a = first.earn(member="ann", points=100, at=T, key="o-1")
    b = second.earn(member="ann", points=100, at=T, key="o-1")
    assert a == b
    assert b.entries == a.entries
    assert second.version("ann") == 1
    # Each connection sees what the other wrote (its cached member is checked by version).
    second.redeem(member="ann", points=60, at=T.add(days=3), key="r-1")
    with pytest.raises(InsufficientPoints):
        first.redeem(member="ann", points=60, at=T.add(days=3), key="r-2")
    assert first.balance("ann", as_of=T.add(days=3)).available == 40
    first.close()
    second.close()


def test_two_ledgers_on_one_store_object_see_each_others_commands(tmp_path: Path) -> None:
    # One connection, two ledgers: the store's own commits are counted, so neither
    # trusts a cached member after the other (or a direct transaction) wrote.
    first = create_store(url(tmp_path), policies=POLICIES)
    second = StoredLedger(first.store)
    first.earn(member="ann", points=100, at=T, key="e-1")
    second.redeem(member="ann", points=30, at=T.add(days=3), key="r-1")
    assert first.balance("ann", as_of=T.add(days=3)).available == 70
    with pytest.raises(InsufficientPoints):
        first.redeem(member="ann", points=100, at=T.add(days=3), key="r-2")
    first.redeem(member="ann", points=70, at=T.add(days=3), key="r-3")
    assert second.balance("ann", as_of=T.add(days=3)).available == 0
    with pytest.raises(InsufficientPoints):
        second.redeem(member="ann", points=1, at=T.add(days=3), key="r-4")
    assert rows(tmp_path)[0] == 3
    first.close()


def test_a_batch_is_all_or_nothing(tmp_path: Path) -> None:
    source = Ledger(policies=POLICIES)
    story(source)
    commands = list(source.commands())
    with create_store(url(tmp_path), policies=POLICIES) as ledger:
        ledger.apply_many(commands[:2])
        before = rows(tmp_path)
        spoiled = Command.of(
            "redeem", key="too-much", member="ann", at=commands[2].at, points=10**6
        )
        with pytest.raises(InsufficientPoints):
            ledger.apply_many([*commands[2:4], spoiled])
        assert rows(tmp_path) == before
        # The members the failed batch touched are read again from the store.
        receipts = ledger.apply_many(commands[2:])
        assert [r.key for r in receipts] == [c.key for c in commands[2:]]
        assert list(ledger.journal()) == list(source.journal())
        with pytest.raises(ValidationError, match=r"commands\[0\]"):
            ledger.apply_many(["earn"])  # type: ignore[list-item]


def test_a_long_batch_reusing_a_key_names_its_holder_and_writes_nothing(tmp_path: Path) -> None:
    # More commands than one statement writes: the reused key is in the middle of one.
    with create_store(url(tmp_path), policies=POLICIES) as ledger:
        ledger.earn(member="ann", points=100, at=T, key="k")
        before = rows(tmp_path)
        batch = [
            Command.of("earn", key=f"b-{i}", member=f"m{i % 7}", at=T, points=5) for i in range(120)
        ]
        batch[70] = Command.of("earn", key="k", member="bob", at=T, points=5)
        with pytest.raises(IdempotencyConflict, match=r"'k' was already used .*earn for 'ann'"):
            ledger.apply_many(batch)
        batch[70] = Command.of("earn", key="b-3", member="bob", at=T, points=5)
        with pytest.raises(IdempotencyConflict, match=r"'b-3' was already used .*earn for 'm3'"):
            ledger.apply_many(batch)
        # Held by a row of the same statement, written before the refused one.
        batch[70] = Command.of("earn", key="b-60", member="bob", at=T, points=5)
        with pytest.raises(IdempotencyConflict, match=r"'b-60' was already used .*earn for 'm4'"):
            ledger.apply_many(batch)
        assert rows(tmp_path) == before
        del batch[70]
        assert len(ledger.apply_many(batch)) == 119
        assert rows(tmp_path)[0] == before[0] + 119


def test_a_command_sent_again_returns_the_first_receipt_from_the_store(tmp_path: Path) -> None:
    with create_store(url(tmp_path), policies=POLICIES) as ledger:
        first = ledger.earn(member="ann", points=100, at=T, key="o-1")
        ledger.earn(member="ann", points=5, at=T.add(days=3), key="o-2")  # settles the activation
        assert ledger.earn(member="ann", points=100, at=T, key="o-1") == first
        assert ledger.apply(ledger.command("o-2")).version == 2
        assert ledger.knows("o-2")
        assert not ledger.knows("o-3")
        with pytest.raises(LedgerError, match="accepted command"):
            ledger.receipt("o-3")
        with pytest.raises(LedgerError, match="accepted command"):
            ledger.command("o-3")
        assert "ledger.db" in repr(ledger)


def test_a_cache_of_one_member_still_answers_every_member_and_batch(tmp_path: Path) -> None:
    memory = Ledger(policies=POLICIES)
    with create_store(url(tmp_path), policies=POLICIES, cache=1) as ledger:
        for i in range(6):
            for member in ("ann", "bob", "cid"):
                for book in (memory, ledger):
                    book.earn(member=member, points=10 + i, at=T.add(days=i), key=f"{member}-{i}")
        # A batch of more members than the cache holds, one command sent twice in it.
        batch = [
            Command.of("redeem", key=f"{m}-r", member=m, at=T.add(days=7), points=5)
            for m in ("ann", "bob", "cid", "ann")
        ]
        receipts = ledger.apply_many(batch)
        expected = [memory.apply(command) for command in batch]
        assert receipts == tuple(expected)
        assert [r.entries for r in receipts] == [r.entries for r in expected]
        for member in ("ann", "bob", "cid"):
            assert ledger.history(member) == memory.history(member)
    with pytest.raises(ValidationError, match="'cache'"):
        open_store(url(tmp_path), cache=0)


def _redeem_race(url: str, barrier: threading.Barrier | None, key: str) -> str:
    ledger = open_store(url)
    try:
        if barrier is not None:
            barrier.wait()
        ledger.redeem(member="ann", points=60, at=T.add(days=3), key=key)
        return "ok"
    except InsufficientPoints:
        return "refused"
    finally:
        ledger.close()


def test_racing_redeems_from_threads_with_their_own_connections_never_overspend(
    tmp_path: Path,
) -> None:
    with create_store(url(tmp_path), policies=POLICIES) as ledger:
        ledger.earn(member="ann", points=100, at=T, key="o-1")
    for trial in range(5):
        barrier = threading.Barrier(2)
        results: list[str] = []
        threads = [
            threading.Thread(
                target=lambda k=k, b=barrier, out=results: out.append(
                    _redeem_race(url(tmp_path), b, k)
                )
            )
            for k in (f"r{trial}-a", f"r{trial}-b")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        expected = ["ok", "refused"] if trial == 0 else ["refused", "refused"]
        assert sorted(results) == expected
    with open_store(url(tmp_path)) as again:
        assert again.balance("ann", as_of=T.add(days=3)).available == 40


def test_one_stored_ledger_shared_by_threads_applies_each_key_once(tmp_path: Path) -> None:
    with create_store(url(tmp_path), policies=POLICIES) as ledger:
        errors: list[BaseException] = []

        def send(worker: int) -> None:
            try:
                for i in range(30):
                    member = f"m{i % 3}"
                    ledger.earn(member=member, points=i + 1, at=T.add(minutes=i), key=f"k{i}")
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=send, args=(w,)) for w in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert sum(ledger.version(f"m{j}") for j in range(3)) == 30
        for entry in ledger.journal():
            assert entry.key is not None
            assert int(entry.key[1:]) % 3 == int(entry.member[1:])


def test_processes_sending_the_same_keys_apply_each_once(tmp_path: Path) -> None:
    with create_store(url(tmp_path), policies=POLICIES) as ledger:
        ledger.earn(member="ann", points=100, at=T, key="o-1")
    context = multiprocessing.get_context("spawn")
    with context.Pool(3) as pool:
        results = pool.starmap(_redeem_race, [(url(tmp_path), None, "same-key")] * 3)
    assert results == ["ok", "ok", "ok"]  # the second and third callers got the first receipt
    with open_store(url(tmp_path)) as again:
        assert again.version("ann") == 2
        assert again.balance("ann", as_of=T.add(days=3)).available == 40
