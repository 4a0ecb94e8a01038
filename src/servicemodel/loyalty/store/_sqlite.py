"""The SQLite store: one file, the standard library's sqlite3, no server.

The file is in WAL mode, so readers never wait for the writer. A write
transaction starts with ``BEGIN IMMEDIATE``, which takes SQLite's one write
lock: commands are serialised across threads and processes (which is more
than per member, and simple).

Durability is the ``synchronous`` option of the URL. ``normal`` (the
default) writes every commit to the write-ahead log before the commit
returns, and syncs the log to disk at checkpoints: a process that crashes
or is killed (SIGKILL) loses nothing it committed, and the file is never
damaged; a power cut or an operating-system crash may lose the last
commits (never part of one). ``?synchronous=full`` also syncs each commit,
for power-loss durability, at the cost of one disk flush per transaction;
``extra`` syncs the folder too.

A database error (a disk I/O error, a constraint of the file's own that a
row breaks, a file locked too long) is a
:class:`~servicemodel.exceptions.StoreError` naming the store, the
``sqlite3`` error as its cause, as the PostgreSQL store reports its own; a
key already used is an
:class:`~servicemodel.exceptions.IdempotencyConflict`.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final, NamedTuple, final
from urllib.parse import parse_qs, urlsplit

from ...exceptions import SchemaVersionError, StoreError, StoreNotFound, VersionConflict
from .. import Command, Entry, Policies
from ._codec import command_from_column, policies_text, read_policies
from ._entries import merged, pack, positions
from ._interface import StoredCommand, WrittenFields, key_conflict
from ._migration import journal_rows
from ._rows import ROW_COLUMNS, own_entries, stored_command
from ._schema import (
    SCHEMA_VERSION,
    SQLITE_SCHEMA,
    SQLITE_V2,
    SQLITE_V3_AFTER,
    SQLITE_V3_BEFORE,
    SQLITE_V4,
)

__all__ = ["SQLiteStore", "sqlite_path"]

_SYNCHRONOUS: Final = ("normal", "full", "extra")
_BATCH: Final = 1_000


def sqlite_path(url: str) -> tuple[Path | None, str]:
    """The file and the ``synchronous`` setting of an ``sqlite:///path`` URL.

    ``sqlite:///ledger.db`` is relative to the working directory,
    ``sqlite:////var/lib/ledger.db`` absolute; ``sqlite://`` is a store in
    memory (no file: ``None``), gone when it is closed.

    >>> sqlite_path("sqlite:///data/ledger.db?synchronous=full")
    (PosixPath('data/ledger.db'), 'full')
    >>> sqlite_path("sqlite://")
    (None, 'normal')
    >>> sqlite_path("sqlite:///:memory:")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.StoreError: 'url' must name a file; a store in memory is sqlite:// (got 'sqlite:///:memory:')
    """
    parts = urlsplit(url)
    if (
        parts.scheme != "sqlite"
        or parts.netloc
        or (parts.path and not parts.path.startswith("/"))
        or parts.path == "/"
    ):
        raise StoreError(
            f"'url' must be sqlite:///PATH (relative), sqlite:////PATH (absolute) or "
            f"sqlite:// (in memory) (got {url!r})",
            url=url,
        )
    if parts.path == "/:memory:":
        # sqlite3 would open a database in memory that looks like a file store.
        raise StoreError(
            f"'url' must name a file; a store in memory is sqlite:// (got {url!r})", url=url
        )
    options = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(options) - {"synchronous"})
    synchronous = options.get("synchronous", ["normal"])[-1].lower()
    if unknown or synchronous not in _SYNCHRONOUS:
        raise StoreError(
            f"'url' options must be synchronous=normal|full|extra (got {parts.query!r})", url=url
        )
    return (Path(parts.path[1:]) if parts.path else None), synchronous


@final
class _Transaction:
    """One SQLite transaction (see :class:`~._interface.StoreTransaction`).

    ``BEGIN IMMEDIATE`` holds the database's write lock for the whole
    transaction, so nothing but this transaction changes a member's version,
    the journal's end or the set of stored keys: each is read once and then
    kept here (a member's version is its last journal row's). The rows of
    appended commands (each command with its packed entries) are gathered
    and written by one ``executemany`` before any read of the transaction
    and before its commit; the unique constraints check them there. A key
    already stored (or given twice in the gathered rows) is reported by
    the row the constraint refuses: the rows before it are in the journal
    until the transaction rolls back, so the command that holds the key is
    found and named.

    A statement of many rows is ``INSERT OR FAIL``: a row that a constraint
    refuses ends it and keeps the rows it wrote before (the transaction
    rolls back afterwards in any case). SQLite then keeps no statement
    journal, which under the default ``OR ABORT`` holds a copy of every page
    the statement changes that the transaction had changed before (written
    to a temporary file: some 400 pages of 4 KiB a batch of 1,000).
    """

    def __init__(self, store: SQLiteStore, *, writing: bool) -> None:
        self._store = store
        self._db = store._db
        self._writing = writing
        self._versions: dict[str, int] = {}
        self._end = -1  # the last journal position given; -1: not read yet
        # The gathered rows' values, one row after another (_WIDTH values each): a chunk
        # of rows is a slice, the parameters of one statement.
        self._values: list[Any] = []

    def flush(self) -> None:
        """Write the gathered command rows and the journal's end."""
        values = self._values
        if values:
            db = self._db
            written = db.total_changes
            # Whole chunks of rows by one statement each, the rest one by one.
            size = _CHUNK * _WIDTH
            whole = len(values) - len(values) % size
            try:
                if whole:
                    db.executemany(
                        _INSERT_CHUNK, [values[i : i + size] for i in range(0, whole, size)]
                    )
                db.executemany(_INSERT, _rows(values[whole:]))
            except sqlite3.IntegrityError as exc:
                if exc.sqlite_errorname != "SQLITE_CONSTRAINT_UNIQUE":
                    raise  # not a key or a version: a StoreError (see _errors)
                refused = values[(db.total_changes - written) * _WIDTH :]
                raise self._refused(_rows(refused)) from None
            db.execute("UPDATE ledger SET journal_end = ?", (self._end,))
            self._values = []

    def _refused(self, rows: list[_JournalRow]) -> Exception:
        """The error for the first of *rows* that a unique constraint refuses.

        The rows before them are written (a statement of many rows keeps
        those it wrote before the refused one, see the class): they go again
        one by one, and the command that already holds the refused row's key
        is found and named.
        """
        db = self._db
        written = db.total_changes
        try:
            db.executemany(_INSERT, rows)
        except sqlite3.IntegrityError as exc:
            if (
                exc.sqlite_errorname != "SQLITE_CONSTRAINT_UNIQUE"
            ):  # pragma: no cover - raised above
                raise
            row = rows[db.total_changes - written]
            key = row.key
            found = self._store._find(db, key)
            if found is None:  # pragma: no cover - members are checked after any other write
                # Not the key: the member's (member, version) row, written by a writer
                # this ledger did not see (it checks its members again next time).
                return VersionConflict(
                    f"'version' of member {row.member!r} was taken by another writer "
                    f"(got {row.version}); nothing of this transaction was written: "
                    f"send the command again ({exc})"
                )
            return key_conflict(key, found)
        return StoreError(  # pragma: no cover - refused together, one of them is again
            "the journal refused a batch's rows", url=self._store.url
        )

    def unchanged(self, since: object) -> tuple[bool, object]:
        # PRAGMA data_version changes when another connection commits; this store
        # object's own commits are counted by the store (transaction()).
        (data_version,) = self._db.execute("PRAGMA data_version").fetchone()
        commits = self._store._commits
        after = commits + 1 if self._writing else commits  # a read commits no write
        return since == (data_version, commits), (data_version, after)

    def lock(self, member: str) -> int:
        # BEGIN IMMEDIATE already holds the database's write lock.
        version = self._versions.get(member)
        if version is None:
            version = self._versions[member] = self.version(member)
        return version

    def lock_many(self, members: Iterable[str]) -> None:
        # The one write lock serialises whole transactions: there is no order to keep,
        # only the versions to read, in one statement.
        names = [m for m in set(members) if m not in self._versions]
        if not names:
            return
        # The members the journal does not hold are new (version 0): no row comes back.
        self._versions.update(dict.fromkeys(names, 0))
        self._versions.update(self._db.execute(_VERSIONS, (json.dumps(names),)))

    def version(self, member: str) -> int:
        if self._writing and member in self._versions:
            return self._versions[member]
        (version,) = self._db.execute(_VERSION, (member,)).fetchone()
        return int(version or 0)

    def find(self, key: str) -> StoredCommand | None:
        self.flush()
        return self._store._find(self._db, key)

    def member_commands(self, member: str, *, after: int = 0) -> Iterator[Command]:
        self.flush()
        cursor = self._db.execute(
            "SELECT key, command FROM journal WHERE member = ? AND version > ? ORDER BY version",
            (member, after),
        )
        zone = self._store.policies.zone
        for key, text in cursor:
            yield command_from_column(text, key, member, zone)

    def member_seqs(self, member: str, *, after: int = 0) -> list[int]:
        self.flush()
        cursor = self._db.execute(
            "SELECT first, entries FROM journal WHERE member = ? AND version > ? ORDER BY version",
            (member, after),
        )
        return [seq for first, blob in cursor for seq in positions(first, blob, member)]

    def append(self, written: WrittenFields) -> list[int]:
        key, member, version, command, records, settled = written
        end = self._end
        if end < 0:
            (end,) = self._db.execute(_END).fetchone()
        first = end + 1
        last = self._end = end + len(records)
        # The row's seq is SQLite's next rowid (one more than the last): not bound, not
        # looked up. The entries are a bytearray, which sqlite3 binds without an adapter.
        self._values.extend((key, member, version, command, first, settled, pack(records, member)))
        self._versions[member] = version
        # A list, not a range, whose items are computed at each read (the receipt reads
        # two); most commands write one record.
        return [first] if last == first else list(range(first, last + 1))


class _JournalRow(NamedTuple):
    """One command's journal row, in the column order of :data:`_INSERT` (its seq is SQLite's next rowid)."""

    key: str
    member: str
    version: int
    command: str
    first: int
    settled: int
    entries: bytearray


_FIND: Final = f"SELECT {ROW_COLUMNS} FROM journal WHERE key = ?"
_COLUMNS: Final = "journal (key, member, version, command, first, settled, entries)"
_INSERT: Final = f"INSERT INTO {_COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?)"
#: A migrated row, with its seq.
_INSERT_MIGRATED: Final = (
    "INSERT INTO journal (seq, key, member, version, command, first, settled, entries)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
#: The values of one row of _INSERT.
_WIDTH: Final = len(_JournalRow._fields)
# Rows written by one multi-row INSERT (a statement per row costs a quarter more), OR FAIL:
# without a statement journal (see _Transaction).
_CHUNK: Final = 50
_INSERT_CHUNK: Final = f"INSERT OR FAIL INTO {_COLUMNS} VALUES " + ", ".join(
    ["(?, ?, ?, ?, ?, ?, ?)"] * _CHUNK
)


def _rows(values: list[Any]) -> list[_JournalRow]:
    """The rows of _INSERT whose values are *values*, one row after another."""
    return [_JournalRow._make(values[i : i + _WIDTH]) for i in range(0, len(values), _WIDTH)]


# The journal's end: the last position given.
_END: Final = "SELECT journal_end FROM ledger"
# A member's version is its last journal row's: one step down the (member, version) index.
_VERSION: Final = "SELECT max(version) FROM journal WHERE member = ?"
# The versions of the members of a JSON list that the journal holds (a row for each of
# the others would cost twice their lookup). The LIMIT keeps SQLite from flattening the
# inner query into the outer one, which would look each member up twice.
_VERSIONS: Final = (
    "SELECT value, version FROM (SELECT value,"
    " (SELECT max(version) FROM journal WHERE member = value) AS version"
    " FROM json_each(?) LIMIT -1) WHERE version IS NOT NULL"
)


@final
class SQLiteStore:
    """A ledger kept in one SQLite file (see :mod:`servicemodel.loyalty.store`).

    Open it with :func:`~servicemodel.loyalty.store.open_ledger`; this class
    is the store underneath.

    >>> import tempfile, pathlib
    >>> from servicemodel.loyalty import Policies
    >>> url = "sqlite:///" + str(pathlib.Path(tempfile.mkdtemp(), "l.db"))
    >>> store = SQLiteStore.create(url, policies=Policies(zone="Europe/Warsaw"))
    >>> store.policies.zone, store.version("ann")
    ('Europe/Warsaw', 0)
    >>> store.close()
    """

    def __init__(self, url: str, db: sqlite3.Connection, policies: Policies) -> None:
        self._url = url
        self._db = db
        self._policies = policies
        self._lock = threading.RLock()
        # Write transactions committed through this object (see unchanged()).
        self._commits = 0

    # ---------------------------------------------------------------- opening

    @classmethod
    def create(cls, url: str, *, policies: Policies) -> SQLiteStore:
        """Create a new store at *url* with the current schema; refuse an existing file.

        Raises:
            StoreError: the file exists, or the URL is not an SQLite URL.
        """
        path, synchronous = sqlite_path(url)
        if path is None:
            return cls._made(url, cls._connect(url, ":memory:", synchronous), policies, None)
        if path.exists():
            raise StoreError(
                f"'url' must name a new file to create a store (got {url!r}, which exists); "
                "open it instead",
                url=url,
            )
        if not path.parent.is_dir():
            raise StoreNotFound(
                f"'url' must be in an existing directory (got {url!r}; "
                f"{str(path.parent)!r} does not exist)",
                url=url,
            )
        return cls._made(url, cls._connect(url, path, synchronous), policies, path)

    @classmethod
    def _made(
        cls, url: str, db: sqlite3.Connection, policies: Policies, path: Path | None
    ) -> SQLiteStore:
        """The store in the new database *db* (at *path*, removed if this fails)."""
        try:
            with _errors(url), _immediate(db):
                for statement in SQLITE_SCHEMA:
                    db.execute(statement)
                db.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
                db.execute(
                    "INSERT INTO ledger (id, policies) VALUES (1, ?)", (policies_text(policies),)
                )
        except BaseException:
            db.close()
            if path is not None:
                path.unlink(missing_ok=True)
            raise
        return cls(url, db, policies)

    @classmethod
    def open(cls, url: str) -> SQLiteStore:
        """Open the store at *url*, migrating an older schema to the current one.

        Raises:
            StoreNotFound: no file at *url*.
            SchemaVersionError: the file is not a ledger store, or a newer
                servicemodel wrote it.
        """
        path, synchronous = sqlite_path(url)
        if path is None:
            raise StoreNotFound(
                f"'url' must name an existing ledger store (got {url!r}, a store in memory, "
                "which lives only while it is open); create it with create_store",
                url=url,
            )
        if not path.is_file():
            raise StoreNotFound(
                f"'url' must name an existing ledger store (got {url!r}; no such file); "
                "create it with `servicemodel ledger init`",
                url=url,
            )
        db = cls._connect(url, path, synchronous)
        try:
            with _errors(url), _immediate(db):
                version = _schema_version(db, url)
                if version < SCHEMA_VERSION:
                    _migrate(db, version, url)
            with _errors(url):
                (text,) = db.execute("SELECT policies FROM ledger").fetchone()
            policies = read_policies(text)
        except BaseException:
            db.close()
            raise
        return cls(url, db, policies)

    @staticmethod
    def _connect(url: str, path: Path | str, synchronous: str) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=60.0)
            db.execute("PRAGMA journal_mode = WAL")
            db.execute(f"PRAGMA synchronous = {synchronous.upper()}")
        except sqlite3.Error as exc:
            raise StoreError(f"'url' {url!r} cannot be opened as SQLite: {exc}", url=url) from None
        return db

    # ------------------------------------------------------------ the interface

    @property
    def url(self) -> str:
        """The URL the store was opened with.

        >>> import tempfile, pathlib
        >>> url = "sqlite:///" + str(pathlib.Path(tempfile.mkdtemp(), "l.db"))
        >>> SQLiteStore.create(url, policies=Policies()).url == url
        True
        """
        return self._url

    @property
    def policies(self) -> Policies:
        """The ledger's policies, as created."""
        return self._policies

    @contextmanager
    def transaction(self) -> Iterator[_Transaction]:
        """One write transaction (``BEGIN IMMEDIATE``): commit at the end, roll back on error."""
        with self._lock:
            # As _errors does (a context manager more per command costs about 10,000
            # instructions a single command).
            try:
                with _immediate(self._db):
                    tx = _Transaction(self, writing=True)
                    yield tx
                    tx.flush()
            except sqlite3.Error as exc:
                raise _store_error(self._url, exc) from exc
            self._commits += 1

    @contextmanager
    def reading(self) -> Iterator[_Transaction]:
        """One read transaction: a consistent snapshot for several reads."""
        with self._lock, _errors(self._url):
            self._db.execute("BEGIN")
            try:
                yield _Transaction(self, writing=False)
            finally:
                if self._db.in_transaction:
                    self._db.execute("COMMIT")

    def version(self, member: str) -> int:
        """*member*'s version (0 for a member the store has not seen)."""
        with self._lock, _errors(self._url):
            (version,) = self._db.execute(_VERSION, (member,)).fetchone()
        return int(version or 0)

    def find(self, key: str) -> StoredCommand | None:
        """The stored command with *key*, if there is one."""
        with self._lock, _errors(self._url):
            return self._find(self._db, key)

    def _find(self, db: sqlite3.Connection, key: str) -> StoredCommand | None:
        return stored_command(db.execute(_FIND, (key,)).fetchone(), key, self._policies.zone)

    def entries(self, key: str) -> tuple[Entry, ...]:
        """The entries of the command with *key*, in order."""
        with self._lock, _errors(self._url):
            row = self._db.execute(_FIND, (key,)).fetchone()
        return own_entries(row, self._policies.zone)

    def members(self) -> Iterator[str]:
        """Every member, in first-seen order (streamed)."""
        # A member's first command is its row of version 1.
        pages = self._pages(
            "SELECT seq, member FROM journal WHERE version = 1 AND seq > ? ORDER BY seq"
        )
        for rows in pages:
            yield from (member for _, member in rows)

    def commands(self) -> Iterator[Command]:
        """Every accepted command, in order (streamed in pages, flat memory)."""
        for rows in self._pages(
            "SELECT seq, key, member, command FROM journal WHERE seq > ? ORDER BY seq"
        ):
            for _, key, member, text in rows:
                yield command_from_column(text, key, member, self._policies.zone)

    def journal(self) -> Iterator[Entry]:
        """Every journal entry, in order (streamed in pages, flat memory)."""
        # One writer at a time: the rows' positions increase with their order.
        pages = self._pages(
            "SELECT seq, first, member, entries FROM journal WHERE seq > ? ORDER BY seq"
        )
        yield from merged((row[1:] for rows in pages for row in rows), self._policies.zone)

    def _pages(self, query: str) -> Iterator[list[Any]]:
        """Pages of *query* (first column the position), each read under the lock."""
        after = 0
        while True:
            with self._lock, _errors(self._url):
                rows = self._db.execute(query + f" LIMIT {_BATCH}", (after,)).fetchall()
            if not rows:
                return
            yield rows
            after = rows[-1][0]

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()


@contextmanager
def _errors(url: str) -> Iterator[None]:
    """SQLite's errors (a disk I/O error, a constraint the file adds, a lock held too long) become StoreError."""
    try:
        yield
    except sqlite3.Error as exc:
        raise _store_error(url, exc) from exc


def _store_error(url: str, exc: sqlite3.Error) -> StoreError:
    """The StoreError for SQLite's error *exc* in the store at *url*."""
    return StoreError(f"the SQLite store at {url!r} failed: {exc}", url=url)


@contextmanager
def _immediate(db: sqlite3.Connection) -> Iterator[None]:
    """A write transaction: committed when the block ends, rolled back if it or the COMMIT fails.

    A COMMIT refused by a deferred constraint (or busy) leaves the
    transaction open, holding the write lock: it is rolled back here. One
    that SQLite has rolled back already (an I/O error) is not rolled back again.
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def _migrate(db: sqlite3.Connection, version: int, url: str) -> None:
    """Take a store from schema *version* to :data:`SCHEMA_VERSION`, in the open transaction.

    Version 3 to 4 drops ``members`` (a member's version is its last journal
    row's) and rewrites no row: the commands written from then on are in
    the compact form, the ones before keep theirs (both are read).
    """
    if version < 3:
        _journal_of_version_2(db, version, url)
    for statement in SQLITE_V4:
        db.execute(statement)
    db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION,))


def _journal_of_version_2(db: sqlite3.Connection, version: int, url: str) -> None:
    """Versions 1 and 2 to 3: the rows of ``commands`` and ``entries`` become ``journal`` rows."""
    if version < 2:
        for statement in SQLITE_V2:
            db.execute(statement)
    for statement in SQLITE_V3_BEFORE:
        db.execute(statement)
    # Journal order is command order (one writer at a time): both tables in it.
    commands = db.execute("SELECT seq, key, member, version, command FROM commands ORDER BY seq")
    entries = db.cursor().execute(
        "SELECT seq, command, member, kind, micros, points, allocations, lot, key, ref, note"
        " FROM entries ORDER BY seq"
    )
    rows = journal_rows(commands, entries, url)
    while page := list(itertools.islice(rows, _BATCH)):
        db.executemany(_INSERT_MIGRATED, page)
    for statement in SQLITE_V3_AFTER:
        db.execute(statement)


def _schema_version(db: sqlite3.Connection, url: str) -> int:
    try:
        row = db.execute("SELECT version FROM schema_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise SchemaVersionError(
            f"'url' must name a ledger store (got {url!r}, which has no schema version: {exc})",
            url=url,
        ) from None
    if row is None or not isinstance(row[0], int) or row[0] < 1:
        raise SchemaVersionError(
            f"'url' must name a ledger store (got {url!r}, whose schema version is unreadable)",
            url=url,
        )
    version: int = row[0]
    if version > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"the store at {url!r} has schema version {version}, newer than the "
            f"{SCHEMA_VERSION} this servicemodel reads; upgrade servicemodel to open it",
            url=url,
        )
    return version
