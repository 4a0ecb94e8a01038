"""The SQLite store: creating and opening, the schema version, migrations, and its errors."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pendulum
import pytest

from servicemodel.exceptions import (
    LedgerDocumentError,
    SchemaVersionError,
    StoreError,
    StoreNotFound,
    ValidationError,
)
from servicemodel.loyalty import AfterDays, Command, Entry, EntryKind, Policies
from servicemodel.loyalty.store import (
    SCHEMA_VERSION,
    StoredCommand,
    Written,
    create_store,
    open_store,
)
from servicemodel.loyalty.store._codec import policies_text
from servicemodel.loyalty.store._interface import WrittenFields
from servicemodel.loyalty.store._schema import SQLITE_V1, SQLITE_V2, SQLITE_V3
from servicemodel.loyalty.store._sqlite import SQLiteStore, sqlite_path

sys.path.insert(0, str(Path(__file__).parent))

import old_schema

ZONE = "Europe/Warsaw"
T = pendulum.datetime(2025, 1, 10, 12, tz=ZONE)
POLICIES = Policies(zone=ZONE, expiry=AfterDays(days=30))


def url(tmp_path: Path, name: str = "ledger.db") -> str:
    return f"sqlite:///{tmp_path / name}"


def test_a_created_store_opens_again_with_its_policies_and_commands(tmp_path: Path) -> None:
    with create_store(url(tmp_path), policies=POLICIES) as ledger:
        ledger.earn(member="ann", points=100, at=T, key="o-1")
    with open_store(url(tmp_path)) as again:
        assert again.policies == POLICIES
        assert again.version("ann") == 1
        assert again.balance("ann", as_of=T.add(days=29)).available == 100
        assert again.balance("ann", as_of=T.add(days=31)).available == 0


def test_create_refuses_an_existing_file_and_a_missing_directory(tmp_path: Path) -> None:
    create_store(url(tmp_path), policies=POLICIES).close()
    with pytest.raises(StoreError, match="must name a new file"):
        create_store(url(tmp_path), policies=Policies())
    with pytest.raises(StoreNotFound, match="existing directory"):
        create_store(url(tmp_path, "no/such/dir.db"), policies=POLICIES)
    with open_store(url(tmp_path)) as again:  # the refusal changed nothing
        assert again.policies == POLICIES


def test_open_refuses_a_missing_store_with_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(StoreNotFound, match="servicemodel ledger init") as caught:
        open_store(url(tmp_path))
    assert caught.value.url == url(tmp_path)
    assert isinstance(caught.value, FileNotFoundError)
    assert not (tmp_path / "ledger.db").exists()


def test_open_refuses_a_file_that_is_not_a_ledger_store(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "other.db")
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    with pytest.raises(SchemaVersionError, match="must name a ledger store"):
        open_store(url(tmp_path, "other.db"))
    (tmp_path / "text.db").write_text("not a database at all, " * 100)
    with pytest.raises(StoreError, match="cannot be opened as SQLite"):
        open_store(url(tmp_path, "text.db"))


def test_a_store_written_by_a_newer_schema_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    create_store(url(tmp_path), policies=POLICIES).close()
    db = sqlite3.connect(tmp_path / "ledger.db")
    db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    db.commit()
    db.close()
    with pytest.raises(SchemaVersionError) as caught:
        open_store(url(tmp_path))
    message = str(caught.value)
    assert f"schema version {SCHEMA_VERSION + 1}" in message
    assert "upgrade servicemodel" in message


def test_an_unreadable_schema_version_is_refused(tmp_path: Path) -> None:
    create_store(url(tmp_path), policies=POLICIES).close()
    db = sqlite3.connect(tmp_path / "ledger.db")
    db.execute("DELETE FROM schema_version")
    db.commit()
    db.close()
    with pytest.raises(SchemaVersionError, match="unreadable"):
        open_store(url(tmp_path))


def _old_store(tmp_path: Path, version: int) -> tuple[str, str]:
    """A store written in schema *version* (1 or 2) and the same ledger in the current one."""
    source = url(tmp_path, "source.db")
    with create_store(source, policies=old_schema.POLICIES) as ledger:
        old_schema.fill(ledger)
        commands, entries = old_schema.version_2_rows(ledger)
        members = old_schema.members_rows(ledger)
    db = sqlite3.connect(tmp_path / "old.db")
    for statement in SQLITE_V1 + (SQLITE_V2 if version == 2 else ()):
        db.execute(statement)
    db.execute("INSERT INTO schema_version VALUES (?)", (version,))
    db.execute("INSERT INTO ledger VALUES (1, ?)", (policies_text(old_schema.POLICIES),))
    db.executemany("INSERT INTO members VALUES (?, ?)", members)
    db.executemany("INSERT INTO commands VALUES (?, ?, ?, ?, ?, ?)", commands)
    db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", entries)
    db.commit()
    db.close()
    return source, url(tmp_path, "old.db")


@pytest.mark.parametrize("version", [1, 2])
def test_an_older_store_is_migrated_on_open_and_answers_as_before(
    tmp_path: Path, version: int
) -> None:
    source, old = _old_store(tmp_path, version)
    with open_store(source) as expected, open_store(old) as migrated:
        old_schema.same_ledger(migrated, expected)
        # Journal positions go on from where the old journal ended.
        at = old_schema.T.add(days=71)
        for ledger in (expected, migrated):
            ledger.earn(member="bob", points=3, at=at, key="o-new")
            ledger.apply_many([Command.of("earn", key="o-b", member="cy", at=T, points=1)])
        old_schema.same_ledger(migrated, expected)
    db = sqlite3.connect(tmp_path / "old.db")
    assert db.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"schema_version", "ledger", "journal"}
    db.close()


def test_a_version_3_store_is_migrated_on_open_its_commands_read_in_either_form(
    tmp_path: Path,
) -> None:
    source = url(tmp_path, "source.db")
    with create_store(source, policies=old_schema.POLICIES) as ledger:
        old_schema.fill(ledger)
    db = sqlite3.connect(tmp_path / "source.db")
    rows = db.execute("SELECT * FROM journal ORDER BY seq").fetchall()
    members = db.execute("SELECT member, max(version) FROM journal GROUP BY member").fetchall()
    (end,) = db.execute("SELECT journal_end FROM ledger").fetchone()
    db.close()
    db = sqlite3.connect(tmp_path / "old.db")
    for statement in SQLITE_V3:
        db.execute(statement)
    db.execute("INSERT INTO schema_version VALUES (3)")
    db.execute("INSERT INTO ledger VALUES (1, ?, ?)", (policies_text(old_schema.POLICIES), end))
    db.executemany("INSERT INTO members VALUES (?, ?)", members)
    db.executemany(
        "INSERT INTO journal VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        old_schema.as_version_3(rows, old_schema.ZONE),
    )
    db.commit()
    db.close()
    old = url(tmp_path, "old.db")
    with open_store(source) as expected, open_store(old) as migrated:
        old_schema.same_ledger(migrated, expected)
        at = old_schema.T.add(days=71)
        for ledger in (expected, migrated):
            ledger.earn(member="bob", points=3, at=at, key="o-new")
            ledger.redeem(member="ann", points=1, at=at, key="r-new")
        old_schema.same_ledger(migrated, expected)
    with open_store(source) as expected, open_store(old) as again:
        # Each member's state is replayed from its commands, of both forms.
        assert again.balance("ann", as_of=at) == expected.balance("ann", as_of=at)
        assert again.lots("ann", as_of=at) == expected.lots("ann", as_of=at)
        # Sent again: the first receipt, whichever form the command was kept in.
        for key in ("o-1", "r-1", "r-new"):
            assert again.apply(expected.command(key)) == expected.receipt(key)
    db = sqlite3.connect(tmp_path / "old.db")
    assert db.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    forms = db.execute("SELECT substr(command, 1, 1) FROM journal ORDER BY seq").fetchall()
    assert forms == [("{",)] * len(rows) + [("[",)] * 2
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"schema_version", "ledger", "journal"}
    db.close()


def test_a_damaged_older_store_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    _, old = _old_store(tmp_path, 2)
    db = sqlite3.connect(tmp_path / "old.db")
    db.execute("UPDATE entries SET command = 99 WHERE seq = 14")  # a command that is not there
    db.commit()
    db.close()
    with pytest.raises(SchemaVersionError, match=r"journal entry 14 .* belongs to no command"):
        open_store(old)
    db = sqlite3.connect(tmp_path / "old.db")
    assert db.execute("SELECT version FROM schema_version").fetchall() == [(2,)]
    assert db.execute("SELECT count(*) FROM entries").fetchall() == [(14,)]
    db.close()


@pytest.mark.parametrize(
    "bad",
    [
        "sqlite://ledger.db",
        "sqlite:///",
        "sqlite:///x.db?synchronous=sometimes",
        "sqlite:///x.db?journal=off",
        "sqlite:///:memory:",  # sqlite3's in-memory name would pass for a file store
        "mysql://host/db",
        "ledger.db",
    ],
)
def test_a_bad_url_is_refused_by_name(tmp_path: Path, bad: str) -> None:
    with pytest.raises(StoreError, match="'url'"):
        create_store(bad, policies=POLICIES)
    with pytest.raises(StoreError, match="'url'"):
        open_store(bad)


def test_a_url_that_is_not_text_is_refused() -> None:
    with pytest.raises(StoreError, match="must be a store URL string"):
        open_store(5)  # type: ignore[arg-type]


def test_sqlite_urls_relative_absolute_in_memory_and_synchronous() -> None:
    assert sqlite_path("sqlite:///a/b.db") == (Path("a/b.db"), "normal")
    assert sqlite_path("sqlite:////var/b.db?synchronous=FULL") == (Path("/var/b.db"), "full")
    assert sqlite_path("sqlite://") == (None, "normal")


def test_a_store_in_memory_keeps_a_ledger_while_open_and_cannot_be_opened_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no file is made, not even in the working directory
    with create_store("sqlite://", policies=POLICIES) as ledger:
        ledger.earn(member="ann", points=100, at=T, key="o-1")
        ledger.redeem(member="ann", points=40, at=T, key="r-1")
        assert ledger.balance("ann", as_of=T).available == 60
        assert [e.seq for e in ledger.journal()] == [1, 2]
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(StoreNotFound, match="in memory"):
        open_store("sqlite://")


def test_a_postgresql_url_without_the_extra_says_what_to_install(tmp_path: Path) -> None:
    try:
        import servicemodel.loyalty.store._postgres  # type: ignore[import-not-found,unused-ignore] # noqa: F401
    except ImportError:
        with pytest.raises(StoreError, match=r"servicemodel\[postgres\]") as caught:
            open_store("postgresql://user:secret@localhost/ledger")
        assert "secret" not in str(caught.value)
        assert caught.value.url == "postgresql://user:***@localhost/ledger"
    else:  # the PostgreSQL store is there: a refused connection names the URL without the password
        with pytest.raises(StoreError) as caught:
            open_store("postgresql://user:secret@localhost:1/ledger")
        assert "secret" not in str(caught.value)


def test_a_member_loads_on_first_use_and_no_other_member_is_read(tmp_path: Path) -> None:
    with create_store(url(tmp_path), policies=POLICIES) as ledger:
        ledger.earn(member="ann", points=100, at=T, key="a-1")
        ledger.earn(member="bob", points=50, at=T, key="b-1")
    # Spoil bob's stored command: any read of it fails.
    db = sqlite3.connect(tmp_path / "ledger.db")
    db.execute("UPDATE journal SET command = '{\"command\": 1}' WHERE member = 'bob'")
    db.commit()
    db.close()
    with open_store(url(tmp_path)) as again:
        assert again.balance("ann", as_of=T).available == 100
        again.redeem(member="ann", points=10, at=T, key="a-2")
        with pytest.raises(LedgerDocumentError, match="b-1"):
            again.balance("bob", as_of=T)


def test_the_store_class_underneath_answers_the_interface(tmp_path: Path) -> None:
    store = SQLiteStore.create(url(tmp_path), policies=POLICIES)
    assert store.find("nope") is None
    assert list(store.members()) == []
    assert list(store.journal()) == []
    with store.reading() as tx:
        assert tx.version("ann") == 0
    store.close()


def test_append_takes_the_fields_of_a_written_as_a_plain_tuple_and_stores_the_same_row(
    tmp_path: Path,
) -> None:
    # A batch hands the store each command's Written fields as a plain tuple (no field
    # names): a store must read them by position and write what a Written writes.
    command = Command.of("redeem", key="r-1", member="ann", at=T, points=5)
    settled = Entry(seq=None, kind=EntryKind.EARN, member="ann", at=T, points=9, lot=1)
    own = Entry(seq=None, kind=EntryKind.REDEEM, member="ann", at=T, points=5, key="r-1")
    written = Written.of(command, 2, (settled,), (own,))
    plain: WrittenFields = (*written,)
    rows = []
    for name, given in (("named.db", written), ("plain.db", plain)):
        assert (type(given) is tuple) is (name == "plain.db")
        store = SQLiteStore.create(url(tmp_path, name), policies=POLICIES)
        with store.transaction() as tx:
            tx.lock("ann")
            assert tx.append(given) == [1, 2]
        assert store.find("r-1") == StoredCommand(command=command, version=2, seqs=(2,))
        store.close()
        db = sqlite3.connect(tmp_path / name)
        rows.append(db.execute("SELECT * FROM journal").fetchall())
        db.close()
    assert rows[0] == rows[1]
    assert len(rows[0]) == 1


def test_append_refuses_an_entry_of_another_member_and_writes_nothing(tmp_path: Path) -> None:
    store = SQLiteStore.create(url(tmp_path), policies=POLICIES)
    command = Command.of("earn", key="o-1", member="bob", at=T, points=5)
    entry = Entry(seq=None, kind=EntryKind.EARN, member="ann", at=T, points=5, lot=1)
    written = Written.of(command, 1, (), (entry,))
    with store.transaction() as tx:
        tx.lock("bob")
        with pytest.raises(
            ValidationError, match="'records' must all be of member 'bob'"
        ) as caught:
            tx.append(written)
    assert caught.value.value == "ann"
    assert store.find("o-1") is None
    assert list(store.journal()) == []
    store.close()


def test_a_commit_that_fails_is_a_store_error_rolled_back_and_the_store_stays_usable(
    tmp_path: Path,
) -> None:
    # A real COMMIT failure: a trigger (added to the file by hand) writes a row that
    # breaks a deferred foreign key, which SQLite checks at COMMIT and then keeps the
    # transaction open. The store must roll it back: nothing written, the write lock
    # released, the next command applied.
    create_store(url(tmp_path), policies=POLICIES).close()
    db = sqlite3.connect(tmp_path / "ledger.db")
    db.executescript(
        "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
        "CREATE TABLE child (ref INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);"
        "CREATE TRIGGER poison AFTER INSERT ON journal WHEN NEW.key = 'poison'"
        " BEGIN INSERT INTO child VALUES (NEW.seq); END;"
    )
    db.close()
    with open_store(url(tmp_path)) as ledger:
        ledger.earn(member="ann", points=100, at=T, key="o-1")
        store = ledger.store
        assert isinstance(store, SQLiteStore)
        store._db.execute("PRAGMA foreign_keys = ON")  # the store's own connection
        with pytest.raises(StoreError, match="FOREIGN KEY") as caught:
            ledger.earn(member="ann", points=5, at=T, key="poison")
        assert isinstance(caught.value.__cause__, sqlite3.IntegrityError)
        assert caught.value.url == url(tmp_path)
        assert not ledger.knows("poison")
        assert ledger.version("ann") == 1
        assert ledger.balance("ann", as_of=T).available == 100
        ledger.earn(member="ann", points=7, at=T, key="o-2")
        with open_store(url(tmp_path)) as other:  # the write lock was released
            other.earn(member="bob", points=1, at=T, key="o-3")
            assert other.balance("ann", as_of=T).available == 107
        assert [c.key for c in ledger.commands()] == ["o-1", "o-2", "o-3"]


def test_a_row_the_file_refuses_is_a_store_error_not_a_version_conflict(tmp_path: Path) -> None:
    # A real constraint that is neither the key's nor the (member, version) one: a
    # trigger (added to the file by hand) aborts the insert of one batch's row.
    create_store(url(tmp_path), policies=POLICIES).close()
    db = sqlite3.connect(tmp_path / "ledger.db")
    db.execute(
        "CREATE TRIGGER poison BEFORE INSERT ON journal WHEN NEW.key = 'poison'"
        " BEGIN SELECT RAISE(ABORT, 'no poison here'); END"
    )
    db.commit()
    db.close()
    batch = [
        Command.of("earn", key="o-1", member="ann", at=T, points=5),
        Command.of("earn", key="poison", member="bob", at=T, points=5),
    ]
    with open_store(url(tmp_path)) as ledger:
        with pytest.raises(StoreError, match="no poison here") as caught:
            ledger.apply_many(batch)
        assert isinstance(caught.value.__cause__, sqlite3.IntegrityError)
        assert not ledger.knows("o-1")
        assert ledger.version("ann") == 0
        ledger.earn(member="ann", points=7, at=T, key="o-2")
        assert ledger.balance("ann", as_of=T).available == 7


def test_a_read_that_fails_is_a_store_error(tmp_path: Path) -> None:
    # A real failure of a read: another connection takes the journal away.
    with create_store(url(tmp_path), policies=POLICIES) as ledger:
        ledger.earn(member="ann", points=5, at=T, key="o-1")
        db = sqlite3.connect(tmp_path / "ledger.db")
        db.execute("ALTER TABLE journal RENAME TO gone")
        db.commit()
        db.close()
        for read in (
            lambda: ledger.knows("o-1"),
            lambda: ledger.version("ann"),
            lambda: list(ledger.commands()),
            lambda: ledger.balance("bob", as_of=T),
        ):
            with pytest.raises(StoreError, match="no such table: journal") as caught:
                read()
            assert isinstance(caught.value.__cause__, sqlite3.OperationalError)
