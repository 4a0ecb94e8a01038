"""The PostgreSQL store: psycopg 3, for applications with several processes.

Each command is one transaction. A command first locks its member's row
(``SELECT ... FOR UPDATE``; a new member's row is inserted first), so the
commands of one member run one at a time across threads and processes while
the commands of different members run side by side. The idempotency key is
a unique constraint: a key inserted by another transaction that has not
committed yet makes the insert wait, then ``ON CONFLICT DO NOTHING`` reports
it and the command that holds the key is named. A transaction's commands
are held back and written by one statement (their journal rows, their
positions, their members' versions) before its next read or its commit, so
a batch of 1,000 commands costs a few round trips, not one per command.
Journal positions come from a sequence, a transaction's drawn together:
they increase with each member's entries and across the journal, and a
transaction that rolls back leaves a gap.

Each thread uses its own connection (made on first use), so threads do not
wait for each other except on the same member. The URL is any libpq URL
(``postgresql://user:password@host:port/database?options``); psycopg is
imported only when a PostgreSQL store is opened (the ``postgres`` extra).
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final, final
from urllib.parse import urlsplit, urlunsplit

from ...exceptions import SchemaVersionError, StoreError, StoreNotFound
from .. import Command, Entry, Policies
from ._codec import command_from_column, policies_text, read_policies
from ._entries import merged, pack, positions
from ._interface import StoredCommand, WrittenFields, key_conflict
from ._migration import journal_rows
from ._rows import ROW_COLUMNS, own_entries, stored_command
from ._schema import POSTGRES_SCHEMA, POSTGRES_V3_AFTER, POSTGRES_V3_BEFORE, SCHEMA_VERSION

if TYPE_CHECKING:
    import psycopg

__all__ = ["PostgresStore"]

_SCHEMES: Final = ("postgresql", "postgres")
_BATCH: Final = 1_000
# The advisory lock that serialises creating and opening stores in one database.
_SCHEMA_LOCK: Final = 0x5E_12_1C_E0


def redact(url: str) -> str:
    """*url* without its password (for messages).

    >>> redact("postgresql://ann:secret@db.example:5432/points")
    'postgresql://ann:***@db.example:5432/points'
    >>> redact("postgresql:///points?host=/run/postgresql")
    'postgresql:///points?host=/run/postgresql'
    """
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _check_url(url: str) -> None:
    if urlsplit(url).scheme not in _SCHEMES:
        raise StoreError(
            f"'url' must be a postgresql:// URL (got {redact(url)!r})", url=redact(url)
        )


def _connect(url: str) -> psycopg.Connection[Any]:
    """An autocommit connection (transactions are explicit); errors become StoreError."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - the extra is installed wherever tests run
        raise StoreError(
            "a PostgreSQL store needs psycopg 3: pip install 'servicemodel[postgres]'",
            url=redact(url),
        ) from None
    try:
        return psycopg.connect(url, autocommit=True)
    except psycopg.Error as exc:
        raise StoreError(
            f"'url' {redact(url)!r} cannot be opened as PostgreSQL: {exc}".strip(),
            url=redact(url),
        ) from None


@final
class _Transaction:
    """One PostgreSQL transaction (see :class:`~._interface.StoreTransaction`)."""

    def __init__(
        self, store: PostgresStore, connection: psycopg.Connection[Any], *, writing: bool
    ) -> None:
        self._store = store
        self._db = connection
        self._writing = writing
        # The versions of the members this transaction has locked.
        self._versions: dict[str, int] = {}
        # The appended commands' columns, held back until flush(), one list per column
        # (as the statement takes them), and the positions each is given then.
        self._columns: tuple[list[Any], ...] = ([], [], [], [], [], [], [])
        self._positions: list[list[int]] = []

    def flush(self) -> None:
        """Write the held-back commands, their positions and their members' versions: one statement.

        The positions are drawn together (one consecutive run), each command
        given as many as it has entries (at least one, as one drawn alone
        is). A key already stored, or given twice, inserts nothing: the
        first such command in order is reported, with the command that holds
        the key (the transaction then rolls back).
        """
        positions = self._positions
        if not positions:
            return
        keys, members, versions, commands, counts, settled, blobs = self._columns
        offsets, total = [], 0
        for count in counts:
            offsets.append(total)
            total += count or 1
        last = dict(zip(members, versions, strict=True))  # each member's last version
        rows = self._db.execute(
            _APPEND_MANY,
            (
                total,
                keys,
                members,
                versions,
                commands,
                offsets,
                settled,
                blobs,
                list(last),
                list(last.values()),
            ),
        ).fetchall()
        self._columns = ([], [], [], [], [], [], [])
        self._positions = []
        (first,) = [drawn for drawn, at in rows if at is None]
        inserted = {at for _, at in rows if at is not None}
        for i, (key, count, offset, given) in enumerate(
            zip(keys, counts, offsets, positions, strict=True)
        ):
            if offset not in inserted:
                # The key's holder is stored (an earlier command of this transaction, or one
                # committed by another: the insert waited for it) and is found.
                holder = self.find(key)
                assert holder is not None, (i, key)
                raise key_conflict(key, holder)
            given.extend(range(first + offset, first + offset + count))
        for member, version in last.items():
            self._versions[member] = version

    def lock(self, member: str) -> int:
        db = self._db
        if not self._writing:
            # A read-only transaction sees one snapshot: no writer can change it.
            return _version(db, member)
        version = self._versions.get(member)
        if version is not None:
            return version  # locked already: only this transaction changes it
        query = "SELECT version FROM members WHERE member = %s FOR UPDATE"
        row = db.execute(query, (member,)).fetchone()
        if row is None:
            # A new member: insert its row (waiting for, then yielding to, another
            # transaction inserting it at the same time) and lock it.
            db.execute(
                "INSERT INTO members (member, version) VALUES (%s, 0) ON CONFLICT DO NOTHING",
                (member,),
            )
            row = db.execute(query, (member,)).fetchone()
        assert row is not None
        version = self._versions[member] = int(row[0])
        return version

    def lock_many(self, members: Iterable[str]) -> None:
        # Rows are locked in the members' order (ORDER BY before FOR UPDATE locks in
        # that order), so two batches never wait for each other in a cycle. New
        # members' rows are inserted in the same order first.
        if not self._writing:
            return
        names = sorted(set(members) - set(self._versions))
        if not names:
            return
        self._db.execute(
            "INSERT INTO members (member, version)"
            " SELECT m, 0 FROM unnest(%s::text[]) AS m ORDER BY m ON CONFLICT DO NOTHING",
            (names,),
        )
        rows = self._db.execute(
            "SELECT member, version FROM members WHERE member = ANY(%s) ORDER BY member FOR UPDATE",
            (names,),
        ).fetchall()
        self._versions.update((member, int(version)) for member, version in rows)

    def unchanged(self, since: object) -> tuple[bool, object]:
        # Other processes' commands are not seen here: every member is locked and its
        # version read, one by one.
        return False, None

    def version(self, member: str) -> int:
        if member in self._versions:
            return self._versions[member]
        return _version(self._db, member)

    def find(self, key: str) -> StoredCommand | None:
        self.flush()
        return _find(self._db, key, self._store.policies.zone)

    def member_commands(self, member: str, *, after: int = 0) -> Iterator[Command]:
        self.flush()
        rows = self._db.execute(
            "SELECT key, command FROM journal WHERE member = %s AND version > %s ORDER BY version",
            (member, after),
        ).fetchall()
        zone = self._store.policies.zone
        for key, text in rows:
            yield command_from_column(text, key, member, zone)

    def member_seqs(self, member: str, *, after: int = 0) -> list[int]:
        self.flush()
        rows = self._db.execute(
            "SELECT first, entries FROM journal WHERE member = %s AND version > %s"
            " ORDER BY version",
            (member, after),
        ).fetchall()
        return [seq for first, blob in rows for seq in positions(first, blob, member)]

    def append(self, written: WrittenFields) -> list[int]:
        # Held back until the next read or the commit (flush()), which fills the list
        # returned with the command's positions. The member's row exists: lock() made it.
        key, member, version, command, records, settled = written
        blob = pack(records, member)
        columns = self._columns
        columns[0].append(key)
        columns[1].append(member)
        columns[2].append(version)
        columns[3].append(command)
        columns[4].append(len(records))
        columns[5].append(settled)
        columns[6].append(blob)
        given: list[int] = []
        self._positions.append(given)
        self._versions[member] = version
        return given


# The held-back commands in order (WITH ORDINALITY: their seq increase with it), each
# at its offset in one run of positions; the members' versions; the first position
# drawn, then the offsets of the rows inserted (a key already stored inserts none).
_APPEND_MANY: Final = (
    "WITH p AS (SELECT journal_positions(%s) AS first),"
    " r AS (SELECT * FROM unnest(%s::text[], %s::text[], %s::int[], %s::text[], %s::bigint[],"
    " %s::int[], %s::bytea[]) WITH ORDINALITY AS r(key, member, version, command, at, settled,"
    " entries, n)),"
    " c AS (INSERT INTO journal (key, member, version, command, first, settled, entries)"
    " SELECT r.key, r.member, r.version, r.command, p.first + r.at, r.settled, r.entries"
    " FROM r, p ORDER BY r.n ON CONFLICT (key) DO NOTHING RETURNING first),"
    " m AS (UPDATE members SET version = u.version"
    " FROM unnest(%s::text[], %s::int[]) AS u(member, version) WHERE members.member = u.member)"
    " SELECT first, NULL FROM p UNION ALL SELECT NULL, c.first - p.first FROM c, p"
)
_FIND: Final = f"SELECT {ROW_COLUMNS} FROM journal WHERE key = %s"


def _version(db: psycopg.Connection[Any], member: str) -> int:
    row = db.execute("SELECT version FROM members WHERE member = %s", (member,)).fetchone()
    return 0 if row is None else int(row[0])


def _find(db: psycopg.Connection[Any], key: str, zone: str) -> StoredCommand | None:
    return stored_command(db.execute(_FIND, (key,)).fetchone(), key, zone)


@final
class PostgresStore:
    """A ledger kept in a PostgreSQL database (see :mod:`servicemodel.loyalty.store`).

    Open it with :func:`~servicemodel.loyalty.store.open_store`; this class
    is the store underneath. The database must exist; :meth:`create` makes
    the tables in it.

    >>> PostgresStore.open("sqlite:///points.db")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.StoreError: 'url' must be a postgresql:// URL (got 'sqlite:///points.db')
    """

    def __init__(self, url: str, connection: psycopg.Connection[Any], policies: Policies) -> None:
        self._url = url
        self._policies = policies
        self._local = threading.local()
        # Each connection with the process that made it: a forked child must not close
        # (and so end the session of) a connection its parent still uses.
        self._connections: list[tuple[int, psycopg.Connection[Any]]] = []
        self._guard = threading.Lock()
        self._closed = False
        self._adopt(connection)

    # ---------------------------------------------------------------- opening

    @classmethod
    def create(cls, url: str, *, policies: Policies) -> PostgresStore:
        """Create the tables of a new store in the database at *url*.

        Raises:
            StoreError: the database already holds a store, cannot be reached,
                or the URL is not a PostgreSQL URL.
        """
        _check_url(url)
        db = _connect(url)
        try:
            with db.transaction():
                db.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                if _has_schema(db):
                    raise StoreError(
                        f"'url' must name a database without a ledger store to create one "
                        f"(got {redact(url)!r}, which has one); open it instead",
                        url=redact(url),
                    )
                # One round trip: the statements of a query without parameters.
                db.execute(";".join(POSTGRES_SCHEMA).encode())
                db.execute(
                    "WITH v AS (INSERT INTO schema_version (version) VALUES (%s))"
                    " INSERT INTO ledger (id, policies) VALUES (1, %s)",
                    (SCHEMA_VERSION, policies_text(policies)),
                )
        except BaseException:
            db.close()
            raise
        return cls(url, db, policies)

    @classmethod
    def open(cls, url: str) -> PostgresStore:
        """Open the store in the database at *url* and check its schema version.

        Raises:
            StoreNotFound: the database holds no ledger store.
            SchemaVersionError: a newer servicemodel wrote the store.
            StoreError: the database cannot be reached, or the URL is not a
                PostgreSQL URL.
        """
        _check_url(url)
        db = _connect(url)
        try:
            with db.transaction():
                db.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                if not _has_schema(db):
                    raise StoreNotFound(
                        f"'url' must name a database holding a ledger store (got {redact(url)!r}, "
                        "which has none); create it with `servicemodel ledger init`",
                        url=redact(url),
                    )
                rows = db.execute("SELECT version FROM schema_version").fetchall()
                version = _check_version(rows, url)
                if version < SCHEMA_VERSION:
                    _migrate(db, version, url)
                row = db.execute("SELECT policies FROM ledger").fetchone()
                if row is None:
                    raise SchemaVersionError(
                        f"'url' must name a ledger store (got {redact(url)!r}, "
                        "which has no policies)",
                        url=redact(url),
                    )
                policies = read_policies(row[0])
        except BaseException:
            db.close()
            raise
        return cls(url, db, policies)

    # ------------------------------------------------------------ connections

    def _adopt(self, connection: psycopg.Connection[Any]) -> None:
        pid = os.getpid()
        self._local.connection = connection
        self._local.pid = pid
        with self._guard:
            self._connections.append((pid, connection))

    def _connection(self) -> psycopg.Connection[Any]:
        """This thread's connection (a new one on a thread's first use, or after a fork)."""
        if self._closed:
            raise StoreError(f"the store at {redact(self._url)!r} is closed", url=redact(self._url))
        connection: psycopg.Connection[Any] | None = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():
            connection = _connect(self._url)
            self._adopt(connection)
        return connection

    # ------------------------------------------------------------ the interface

    @property
    def url(self) -> str:
        """The URL the store was opened with."""
        return self._url

    @property
    def policies(self) -> Policies:
        """The ledger's policies, as created."""
        return self._policies

    @contextmanager
    def transaction(self) -> Iterator[_Transaction]:
        """One transaction: committed at the end of the block, rolled back if it raises."""
        connection = self._connection()
        with _errors(self._url), connection.transaction():
            tx = _Transaction(self, connection, writing=True)
            yield tx
            tx.flush()

    @contextmanager
    def reading(self) -> Iterator[_Transaction]:
        """A read-only, repeatable-read transaction: one consistent view for several reads."""
        connection = self._connection()
        with _errors(self._url), connection.transaction():
            connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield _Transaction(self, connection, writing=False)

    def version(self, member: str) -> int:
        """*member*'s version (0 for a member the store has not seen)."""
        with _errors(self._url):
            return _version(self._connection(), member)

    def find(self, key: str) -> StoredCommand | None:
        """The stored command with *key*, if there is one."""
        with _errors(self._url):
            return _find(self._connection(), key, self._policies.zone)

    def entries(self, key: str) -> tuple[Entry, ...]:
        """The entries of the command with *key*, in order."""
        with _errors(self._url):
            row = self._connection().execute(_FIND, (key,)).fetchone()
        return own_entries(row, self._policies.zone)

    def members(self) -> Iterator[str]:
        """Every member with an accepted command, in first-seen order (streamed)."""
        for rows in self._pages(
            "SELECT seq, member FROM journal WHERE version = 1 AND seq > %s ORDER BY seq"
        ):
            yield from (member for _, member in rows)

    def commands(self) -> Iterator[Command]:
        """Every accepted command, in order (streamed in pages, flat memory)."""
        for rows in self._pages(
            "SELECT seq, key, member, command FROM journal WHERE seq > %s ORDER BY seq"
        ):
            for _, key, member, text in rows:
                yield command_from_column(text, key, member, self._policies.zone)

    def journal(self) -> Iterator[Entry]:
        """Every journal entry, in order (streamed in pages, flat memory).

        Rows come by their first position: the order of commands of different
        members committed at once is not the order of their positions.
        """
        pages = self._pages(
            "SELECT first, seq, member, entries FROM journal WHERE (first, seq) > (%s, %s)"
            " ORDER BY first, seq",
            width=2,
        )
        rows = ((first, member, blob) for page in pages for first, _, member, blob in page)
        yield from merged(rows, self._policies.zone)

    def _pages(self, query: str, *, width: int = 1) -> Iterator[list[Any]]:
        """Pages of *query* (its first *width* columns the position), one statement each."""
        after: tuple[Any, ...] = (0,) * width
        while True:
            with _errors(self._url):
                page = self._connection().execute(query + f" LIMIT {_BATCH}", after)
                rows = page.fetchall()
            if not rows:
                return
            yield rows
            after = tuple(rows[-1][:width])

    def close(self) -> None:
        """Close every connection this process made for the store (in every thread)."""
        pid = os.getpid()
        with self._guard:
            self._closed = True
            connections, self._connections = self._connections, []
        for made_by, connection in connections:
            if made_by == pid:
                connection.close()


def _has_schema(db: psycopg.Connection[Any]) -> bool:
    row = db.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
    return bool(row and row[0])


def _check_version(rows: list[Any], url: str) -> int:
    """The store's schema version: one this servicemodel reads or migrates."""
    if len(rows) != 1 or not isinstance(rows[0][0], int) or rows[0][0] < 1:
        raise SchemaVersionError(
            f"'url' must name a ledger store (got {redact(url)!r}, "
            "whose schema version is unreadable)",
            url=redact(url),
        )
    version: int = rows[0][0]
    if version > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"the store at {redact(url)!r} has schema version {version}, newer than the "
            f"{SCHEMA_VERSION} this servicemodel reads; upgrade servicemodel to open it",
            url=redact(url),
        )
    if version < 2:
        raise SchemaVersionError(
            f"the store at {redact(url)!r} has schema version {version}, but PostgreSQL "
            "stores start at version 2; it was not written by servicemodel",
            url=redact(url),
        )
    return version


def _migrate(db: psycopg.Connection[Any], version: int, url: str) -> None:
    """Take a store from schema *version* to :data:`SCHEMA_VERSION`, in the open transaction.

    From version 2 the old tables are locked first: a process still running
    an older servicemodel waits, then fails on the tables that are gone.
    Version 3 to 4 changes no table: the commands written from then on are
    in the compact form, the ones before keep theirs (both are read).
    """
    if version < 3:
        _journal_of_version_2(db, url)
    db.execute("UPDATE schema_version SET version = %s", (SCHEMA_VERSION,))


def _journal_of_version_2(db: psycopg.Connection[Any], url: str) -> None:
    """Version 2 to 3: the rows of ``commands`` and ``entries`` become ``journal`` rows."""
    for statement in POSTGRES_V3_BEFORE:
        db.execute(statement.encode())
    # By member, then version and position: a member's commands and entries side by side.
    with (
        db.cursor(name="migrate_commands") as commands,
        db.cursor(name="migrate_entries") as entries,
    ):
        commands.itersize = entries.itersize = _BATCH
        commands.execute(
            "SELECT seq, key, member, version, command FROM commands ORDER BY member, version"
        )
        entries.execute(
            "SELECT seq, command, member, kind, micros, points, allocations, lot, key, ref, note"
            " FROM entries ORDER BY member, seq"
        )
        rows = journal_rows(commands, entries, redact(url))
        with db.cursor() as writer:
            while page := list(itertools.islice(rows, _BATCH)):
                writer.executemany(
                    "INSERT INTO journal (seq, key, member, version, command, first, settled,"
                    " entries) OVERRIDING SYSTEM VALUE VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                    page,
                )
    for statement in POSTGRES_V3_AFTER:
        db.execute(statement.encode())


@contextmanager
def _errors(url: str) -> Iterator[None]:
    """Database errors (a lost connection, a server shutting down) become StoreError."""
    import psycopg

    try:
        yield
    except psycopg.Error as exc:
        raise StoreError(
            f"the PostgreSQL store at {redact(url)!r} failed: {exc}".strip(), url=redact(url)
        ) from exc
