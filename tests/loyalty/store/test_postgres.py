"""The PostgreSQL store on a real server: schema versions, refusals, locks, connections, errors."""

from __future__ import annotations

import multiprocessing
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pendulum
import psycopg
import pytest

from pg_server import PostgresServer
from servicemodel.exceptions import (
    IdempotencyConflict,
    InsufficientPoints,
    SchemaVersionError,
    StoreError,
    StoreNotFound,
)
from servicemodel.loyalty import AfterDays, Command, Entry, EntryKind, Policies
from servicemodel.loyalty.store import (
    SCHEMA_VERSION,
    StoredLedger,
    Written,
    create_store,
    open_store,
)
from servicemodel.loyalty.store._codec import policies_text
from servicemodel.loyalty.store._postgres import PostgresStore
from servicemodel.loyalty.store._schema import POSTGRES_V2, POSTGRES_V3

sys.path.insert(0, str(Path(__file__).parent))

import old_schema

ZONE = "Europe/Warsaw"
T = pendulum.datetime(2025, 1, 10, 12, tz=ZONE)
POLICIES = Policies(zone=ZONE, expiry=AfterDays(days=30))


@pytest.fixture
def url(postgres: PostgresServer) -> str:
    return postgres.create_database()


@pytest.fixture
def ledger(url: str) -> Iterator[StoredLedger]:
    with create_store(url, policies=POLICIES) as made:
        yield made


def counts(url: str) -> tuple[int, int, int]:
    """The stored commands, their journal entries, the members."""
    with psycopg.connect(url) as db:
        row = db.execute(
            "SELECT (SELECT count(*) FROM journal),"
            " (SELECT coalesce(sum(octet_length(entries)), 0) / 46 FROM journal),"
            " (SELECT count(*) FROM members)"
        ).fetchone()
    assert row is not None
    return row[0], row[1], row[2]


def sql(url: str, statement: str) -> None:
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(statement.encode())


def test_a_created_store_opens_again_with_its_policies_and_commands(
    url: str, ledger: StoredLedger
) -> None:
    ledger.earn(member="ann", points=100, at=T, key="o-1")
    ledger.earn(member="bob", points=10, at=T, key="o-2")
    ledger.redeem(member="ann", points=40, at=T.add(days=1), key="r-1")
    assert ledger.store.url == url
    with open_store(url) as again:
        assert again.policies == POLICIES
        assert list(again.members()) == ["ann", "bob"]
        assert [c.key for c in again.commands()] == ["o-1", "o-2", "r-1"]
        assert [e.seq for e in again.journal()] == [1, 2, 3]
        assert again.balance("ann", as_of=T.add(days=1)).available == 60
        assert again.receipt("r-1").version == 2
        assert again.history("ann") == ledger.history("ann")


def test_create_refuses_a_database_that_holds_a_store(url: str, ledger: StoredLedger) -> None:
    with pytest.raises(StoreError, match=r"which has one\); open it instead"):
        create_store(url, policies=POLICIES)


def test_open_refuses_a_database_without_a_store_and_says_how_to_create_one(url: str) -> None:
    with pytest.raises(StoreNotFound, match="servicemodel ledger init") as caught:
        open_store(url)
    assert caught.value.url == url


def test_a_store_written_by_a_newer_schema_is_refused_with_a_clear_error(
    url: str, ledger: StoredLedger
) -> None:
    sql(url, f"UPDATE schema_version SET version = {SCHEMA_VERSION + 1}")
    with pytest.raises(SchemaVersionError, match="upgrade servicemodel"):
        open_store(url)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("INSERT INTO schema_version VALUES (2)", "unreadable"),
        ("DELETE FROM schema_version", "unreadable"),
        ("UPDATE schema_version SET version = 1", "not written by servicemodel"),
        ("DELETE FROM ledger", "no policies"),
    ],
)
def test_a_damaged_or_foreign_schema_is_refused(
    url: str, ledger: StoredLedger, change: str, message: str
) -> None:
    sql(url, change)
    with pytest.raises(SchemaVersionError, match=message):
        open_store(url)


def test_a_version_2_store_is_migrated_on_open_and_answers_as_before(
    url: str, postgres: PostgresServer
) -> None:
    source, old = url, postgres.create_database()
    with create_store(source, policies=old_schema.POLICIES) as ledger:
        old_schema.fill(ledger)
        commands, entries = old_schema.version_2_rows(ledger)
        members = old_schema.members_rows(ledger)
    with psycopg.connect(old, autocommit=True) as db, db.transaction():
        db.execute(";".join(POSTGRES_V2).encode())
        db.execute("INSERT INTO schema_version VALUES (2)")
        db.execute("INSERT INTO ledger VALUES (1, %s)", (policies_text(old_schema.POLICIES),))
        with db.cursor() as cursor:
            cursor.executemany("INSERT INTO members VALUES (%s, %s)", members)
            cursor.executemany(
                "INSERT INTO commands OVERRIDING SYSTEM VALUE VALUES (%s, %s, %s, %s, %s, %s)",
                commands,
            )
            cursor.executemany(
                "INSERT INTO entries VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", entries
            )
        db.execute("SELECT setval('entries_seq', (SELECT max(seq) FROM entries))")
    with open_store(source) as expected, open_store(old) as migrated:
        old_schema.same_ledger(migrated, expected)
        at = old_schema.T.add(days=71)
        for ledger in (expected, migrated):
            ledger.earn(member="bob", points=3, at=at, key="o-new")
        old_schema.same_ledger(migrated, expected)
    with psycopg.connect(old) as db:
        assert db.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
        assert db.execute("SELECT to_regclass('entries'), to_regclass('commands')").fetchall() == [
            (None, None)
        ]


def test_a_version_3_store_is_migrated_on_open_its_commands_read_in_either_form(
    url: str, postgres: PostgresServer
) -> None:
    source, old = url, postgres.create_database()
    with create_store(source, policies=old_schema.POLICIES) as ledger:
        old_schema.fill(ledger)
    with psycopg.connect(source) as db:
        rows = db.execute(
            "SELECT seq, key, member, version, command, first, settled, entries"
            " FROM journal ORDER BY seq"
        ).fetchall()
        members = db.execute("SELECT member, version FROM members").fetchall()
        (end,) = db.execute("SELECT last_value FROM entries_seq").fetchone() or (0,)
    with psycopg.connect(old, autocommit=True) as db, db.transaction():
        for statement in POSTGRES_V3:
            db.execute(statement.encode())
        db.execute("INSERT INTO schema_version VALUES (3)")
        db.execute("INSERT INTO ledger VALUES (1, %s)", (policies_text(old_schema.POLICIES),))
        with db.cursor() as cursor:
            cursor.executemany("INSERT INTO members VALUES (%s, %s)", members)
            cursor.executemany(
                "INSERT INTO journal OVERRIDING SYSTEM VALUE"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                old_schema.as_version_3(rows, old_schema.ZONE),
            )
        db.execute("SELECT setval('entries_seq', %s)", (end,))
        db.execute("SELECT setval(pg_get_serial_sequence('journal', 'seq'), %s)", (len(rows),))
    with open_store(source) as expected, open_store(old) as migrated:
        old_schema.same_ledger(migrated, expected)
        at = old_schema.T.add(days=71)
        for ledger in (expected, migrated):
            ledger.earn(member="bob", points=3, at=at, key="o-new")
        old_schema.same_ledger(migrated, expected)
    with open_store(source) as expected, open_store(old) as again:
        # Each member's state is replayed from its commands, of both forms.
        assert again.balance("bob", as_of=at) == expected.balance("bob", as_of=at)
        for key in ("o-2", "o-new"):
            assert again.apply(expected.command(key)) == expected.receipt(key)
    with psycopg.connect(old) as db:
        assert db.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
        forms = db.execute("SELECT substr(command, 1, 1) FROM journal ORDER BY seq").fetchall()
        assert forms == [("{",)] * len(rows) + [("[",)]


def test_a_url_that_is_not_postgresql_is_refused_by_the_postgresql_store() -> None:
    with pytest.raises(StoreError, match="must be a postgresql:// URL"):
        PostgresStore.create("sqlite:///x.db", policies=POLICIES)


def test_an_unreachable_server_is_a_store_error_without_the_password(tmp_path: object) -> None:
    bad = f"postgresql://ann:secret@/ledger?host={tmp_path}&connect_timeout=2"
    with pytest.raises(StoreError, match="cannot be opened as PostgreSQL") as caught:
        open_store(bad)
    assert "secret" not in str(caught.value)
    assert caught.value.url == f"postgresql://ann:***@/ledger?host={tmp_path}&connect_timeout=2"


def test_a_refused_command_writes_nothing_not_even_the_new_members_row(
    url: str, ledger: StoredLedger
) -> None:
    ledger.earn(member="ann", points=10, at=T, key="o-1")
    before = counts(url)
    with pytest.raises(InsufficientPoints):
        ledger.redeem(member="bob", points=1, at=T, key="r-1")
    with pytest.raises(InsufficientPoints):
        ledger.redeem(member="ann", points=11, at=T, key="r-2")
    assert counts(url) == before == (1, 1, 1)
    assert list(ledger.members()) == ["ann"]


def test_a_key_already_stored_is_reported_with_its_holder_when_the_rows_are_written(
    url: str, ledger: StoredLedger
) -> None:
    # append() holds the rows back; the next read of the transaction, or its commit,
    # writes them in one statement and reports the first key that is taken.
    ledger.earn(member="ann", points=10, at=T, key="o-1")
    store = ledger.store
    again = Command.of("earn", key="o-1", member="bob", at=T, points=5)
    entry = Entry(seq=None, kind=EntryKind.EARN, member="bob", at=T, points=5, lot=1)
    fresh = Command.of("earn", key="o-2", member="bob", at=T, points=5)

    def at_commit() -> None:
        with store.transaction() as tx:
            assert tx.lock("bob") == 0
            tx.append(Written.of(fresh, 1, (), (entry,)))
            tx.append(Written.of(again, 2, (), (entry,)))

    def at_a_read() -> None:
        with store.transaction() as tx:
            tx.lock("bob")
            tx.append(Written.of(again, 1, (), (entry,)))
            tx.find("o-2")  # a read writes what was held back first

    for write in (at_commit, at_a_read):
        with pytest.raises(IdempotencyConflict, match=r"'o-1' was already used .*earn for 'ann'"):
            write()
    assert store.version("bob") == 0
    assert list(store.members()) == ["ann"]
    assert counts(url)[:2] == (1, 1)


def test_a_batch_writes_its_rows_at_once_with_consecutive_positions(ledger: StoredLedger) -> None:
    batch = [
        Command.of("earn", key=f"o-{i}", member=member, at=T, points=i + 1)
        for i, member in enumerate(["ann", "bob", "ann", "cy"])
    ]
    receipts = ledger.apply_many(batch)
    assert [r.version for r in receipts] == [1, 1, 2, 1]
    assert [[e.seq for e in r.entries] for r in receipts] == [[1], [2], [3], [4]]
    assert [(e.seq, e.member) for e in ledger.history("ann")] == [(1, "ann"), (3, "ann")]
    assert (ledger.version("ann"), ledger.version("bob"), ledger.version("cy")) == (2, 1, 1)
    # A key given twice in one batch, for two members: the second names the first.
    twice = [
        Command.of("earn", key="k", member="dan", at=T, points=1),
        Command.of("earn", key="k", member="eve", at=T, points=1),
    ]
    with pytest.raises(IdempotencyConflict, match=r"'k' was already used .*earn for 'dan'"):
        ledger.apply_many(twice)
    assert not ledger.knows("k")
    assert ledger.version("dan") == 0


def test_racing_redeems_from_two_connections_never_overspend(url: str) -> None:
    with create_store(url, policies=POLICIES) as first:
        first.earn(member="ann", points=100, at=T, key="o-1")
    results: list[str] = []

    def redeem(key: str, barrier: threading.Barrier) -> None:
        with open_store(url) as mine:
            mine.balance("ann", as_of=T)  # load the member before the race
            barrier.wait()
            try:
                mine.redeem(member="ann", points=60, at=T.add(days=1), key=key)
                results.append("ok")
            except InsufficientPoints:
                results.append("refused")

    for trial in range(3):
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(target=redeem, args=(f"r{trial}-{side}", barrier)) for side in "ab"
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(results) == ["ok", *["refused"] * 5]
    with open_store(url) as again:
        assert again.balance("ann", as_of=T.add(days=1)).available == 40
        assert again.version("ann") == 2


def test_threads_of_one_store_have_their_own_connections_and_transactions(
    url: str, ledger: StoredLedger
) -> None:
    store = ledger.store
    inside = threading.Event()
    done = threading.Event()
    command = Command.of("earn", key="o-b", member="bob", at=T, points=5)

    def other() -> None:
        inside.wait(30)
        with store.transaction() as tx:
            tx.lock("bob")
            tx.append(Written.of(command, 1, (), ()))
        done.set()

    def mine() -> None:
        with store.transaction() as tx:
            tx.lock("ann")
            inside.set()
            # The other thread commits while this transaction is open: it has its own.
            assert done.wait(30)
            raise RuntimeError("roll back this one")

    thread = threading.Thread(target=other)
    thread.start()
    with pytest.raises(RuntimeError, match="roll back"):
        mine()
    thread.join()
    assert store.version("bob") == 1
    assert store.version("ann") == 0


def test_a_reading_transaction_sees_one_snapshot(url: str, ledger: StoredLedger) -> None:
    ledger.earn(member="ann", points=10, at=T, key="o-1")
    with ledger.store.reading() as tx, open_store(url) as other:
        assert tx.version("ann") == 1
        other.earn(member="ann", points=5, at=T, key="o-2")
        assert tx.version("ann") == 1
        assert tx.lock("ann") == 1
    assert ledger.store.version("ann") == 2


def test_a_lost_connection_is_a_store_error_and_the_next_call_reconnects_not(
    url: str, ledger: StoredLedger
) -> None:
    ledger.earn(member="ann", points=10, at=T, key="o-1")
    sql(
        url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    with pytest.raises(StoreError, match="failed"):
        ledger.version("ann")


def test_a_closed_store_refuses_to_be_used(url: str) -> None:
    store = PostgresStore.create(url, policies=POLICIES)
    store.close()
    with pytest.raises(StoreError, match="is closed"):
        store.version("ann")


def test_two_stores_in_two_schemas_of_one_database_are_separate(postgres: PostgresServer) -> None:
    first, second = postgres.create_schema(), postgres.create_schema()
    with (
        create_store(first, policies=POLICIES) as a,
        create_store(second, policies=Policies()) as b,
    ):
        a.earn(member="ann", points=10, at=T, key="o-1")
        b.earn(member="ann", points=20, at=T, key="o-1")
        assert a.balance("ann", as_of=T).available == 10
        assert b.balance("ann", as_of=T).available == 20
        assert b.policies == Policies()


def test_journal_positions_increase_across_a_rolled_back_batch(
    url: str, ledger: StoredLedger
) -> None:
    ledger.earn(member="ann", points=10, at=T, key="o-1")
    batch = [
        Command.of("earn", key="o-2", member="bob", at=T, points=5),
        Command.of("redeem", key="r-1", member="bob", at=T, points=50),
    ]
    with pytest.raises(InsufficientPoints):
        ledger.apply_many(batch)
    ledger.earn(member="bob", points=5, at=T, key="o-3")
    seqs = [e.seq or 0 for e in ledger.journal()]
    assert len(seqs) == 2
    assert seqs == sorted(seqs)
    assert [c.key for c in ledger.commands()] == ["o-1", "o-3"]


def _earn_in_child(ledger: StoredLedger) -> None:
    ledger.earn(member="bob", points=5, at=T, key="o-child")
    ledger.close()


def test_a_forked_child_uses_its_own_connection_and_leaves_the_parents_open(
    ledger: StoredLedger,
) -> None:
    ledger.earn(member="ann", points=10, at=T, key="o-1")
    child = multiprocessing.get_context("fork").Process(target=_earn_in_child, args=(ledger,))
    child.start()
    child.join(60)
    assert child.exitcode == 0
    # The parent's connection was neither used nor closed by the child.
    assert ledger.version("bob") == 1
    assert ledger.earn(member="ann", points=1, at=T, key="o-2").version == 2


def test_batches_touching_the_same_members_in_opposite_orders_never_deadlock(url: str) -> None:
    # Each batch locks its members in one ordered statement before it runs, so two
    # batches wait for each other instead of each holding a member the other needs.
    members = [f"m{i}" for i in range(20)]
    create_store(url, policies=POLICIES).close()
    errors: list[BaseException] = []

    def send(side: str, order: list[str], barrier: threading.Barrier) -> None:
        with open_store(url) as mine:
            for round_ in range(10):
                batch = [
                    Command.of(
                        "earn",
                        key=f"{side}-{round_}-{member}",
                        member=member,
                        at=T.add(microseconds=round_),
                        points=1,
                    )
                    for member in order
                ]
                barrier.wait()
                try:
                    mine.apply_many(batch)
                except BaseException as exc:
                    errors.append(exc)

    barrier = threading.Barrier(2)
    threads = [
        threading.Thread(target=send, args=("a", members, barrier)),
        threading.Thread(target=send, args=("b", members[::-1], barrier)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with open_store(url) as again:
        assert {again.version(member) for member in members} == {20}
        assert again.balance("m7", as_of=T.add(days=1)).available == 20
