"""What a ledger store does: the one small interface every database implements.

A store keeps a ledger's commands, its journal and each member's version.
It decides nothing: the ledger's rules run in :class:`~servicemodel.loyalty.Ledger`
(see :mod:`._ledger`), and the store makes each command's writes atomic,
refuses a second use of an idempotency key (a unique constraint), and
serialises the commands of one member (a row lock, or the whole database
for SQLite).

A store implementation provides:

- ``create(url, *, policies)`` and ``open(url)`` class methods: create the
  versioned schema (refusing an existing store), or open a store and check
  its schema version (refusing a newer one, migrating an older one);
- :meth:`LedgerStore.transaction`: one database transaction, committed when
  the block ends and rolled back when it raises;
- reads outside a transaction for queries and streaming.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import NamedTuple, Protocol, final

import attrs

from ...exceptions import IdempotencyConflict
from .._commands import Command, payload_of
from .._policies import Policies
from .._values import Entry
from ._codec import Record, command_column, record_of

__all__ = [
    "LedgerStore",
    "StoreTransaction",
    "StoredCommand",
    "Written",
    "WrittenFields",
    "key_conflict",
]


@final
@attrs.frozen(kw_only=True)
class StoredCommand:
    """An accepted command as a store keeps it.

    ``version`` is the member's version after the command; ``seqs`` are the
    journal positions of the command's entries, in order.

    >>> import pendulum
    >>> from servicemodel.loyalty import Command
    >>> c = Command.of("redeem", key="r", member="ann", at=pendulum.datetime(1970, 1, 1), points=5)
    >>> StoredCommand(command=c, version=2, seqs=(7,)).version
    2
    """

    command: Command
    version: int
    seqs: tuple[int, ...]


def key_conflict(key: str, holder: StoredCommand) -> IdempotencyConflict:
    """The error for a command whose *key* the stored command *holder* already has.

    >>> import pendulum
    >>> from servicemodel.loyalty import Command
    >>> c = Command.of("redeem", key="r", member="ann", at=pendulum.datetime(1970, 1, 1), points=5)
    >>> key_conflict("r", StoredCommand(command=c, version=2, seqs=(7,)))
    IdempotencyConflict("'key' 'r' was already used for a different command (redeem for 'ann'); use a new key for a new command")
    """
    return IdempotencyConflict(
        f"'key' {key!r} was already used for a different command "
        f"({holder.command.name.value} for {holder.command.member!r}); "
        "use a new key for a new command"
    )


class Written(NamedTuple):
    """An accepted command as a store writes it: what the ledger recorded, as it keeps it.

    ``command`` is the command's compact JSON (:func:`._codec.command_column`:
    its name, instant and arguments), ``version`` the member's version
    after it. ``records`` are the journal lines the command wrote, in order:
    first the ``settled`` ones, which the ledger recorded before the command
    ran (activations, expiries up to its instant; they belong to no command),
    then the command's own (its receipt's). Each record has an entry's fields
    (``member``, ``kind``, ``micros``, ``points``, ``allocations`` as
    ``(lot, points)`` pairs, ``lot``, ``key``, ``ref``, ``note``), all of the
    command's member. The ledger decided all of it; the store only writes it
    down, the records packed into one value (:mod:`._entries`).

    >>> import pendulum
    >>> from servicemodel.loyalty import Command
    >>> c = Command.of("redeem", key="r", member="ann", at=pendulum.datetime(1970, 1, 1), points=5)
    >>> w = Written.of(c, 2, (), ())
    >>> w.key, w.member, w.version, w.records
    ('r', 'ann', 2, ())
    """

    key: str
    member: str
    version: int
    command: str
    records: Sequence[Record]
    settled: int

    @classmethod
    def of(
        cls, command: Command, version: int, settled: Sequence[Entry], entries: Sequence[Entry]
    ) -> Written:
        """*command*, accepted at *version*, with its settled and own entries.

        >>> import pendulum
        >>> from servicemodel.loyalty import Command
        >>> c = Command.of("redeem", key="r", member="ann", at=pendulum.datetime(1970, 1, 1), points=5)
        >>> Written.of(c, 1, (), ())
        Written(key='r', member='ann', version=1, command='["redeem",0,5,null]', records=(), settled=0)
        """
        return cls(
            key=command.key,
            member=command.member,
            version=version,
            command=command_column(payload_of(command)),
            records=tuple(record_of(e) for e in (*settled, *entries)),
            settled=len(settled),
        )


#: What :meth:`StoreTransaction.append` is given: a :class:`Written`, or the plain
#: tuple of its fields in its order, which a batch builds for each command (a named
#: tuple is made by ``tuple.__new__`` of its class and freed by the subclass's
#: dealloc: about 2,100 instructions more a batched SQLite command). A store reads it
#: by unpacking, never by a field's name.
WrittenFields = tuple[str, str, int, str, Sequence[Record], int]


class StoreTransaction(Protocol):
    """One database transaction of a store (see :meth:`LedgerStore.transaction`).

    >>> from servicemodel.loyalty.store import StoreTransaction
    >>> StoreTransaction.__name__
    'StoreTransaction'
    """

    def lock(self, member: str) -> int:
        """Serialise with every other writer of *member* until the transaction ends.

        Returns the member's version (0 for a member the store has not seen).
        Locking a member again in the same transaction costs no round trip.

        >>> from servicemodel.loyalty.store import create_store
        >>> store = create_store("sqlite://", policies=Policies()).store
        >>> with store.transaction() as tx:
        ...     tx.lock("ann"), tx.lock("ann")
        (0, 0)
        """

    def lock_many(self, members: Iterable[str]) -> None:
        """Lock every one of *members* now, in an order all writers share.

        A batch locks its members before it runs, so two batches that touch
        the same members in different orders wait for each other instead of
        deadlocking.

        >>> from servicemodel.loyalty.store import create_store
        >>> store = create_store("sqlite://", policies=Policies()).store
        >>> with store.transaction() as tx:
        ...     tx.lock_many(["bob", "ann"])
        """

    def unchanged(self, since: object) -> tuple[bool, object]:
        """Whether nothing was written since *since*, and the token to pass next time.

        Asked once, at the start of a transaction, by the one caller
        that keeps the token (a :class:`~servicemodel.loyalty.store.StoredLedger`);
        *since* is the token the caller's previous call returned (``None`` the
        first time). The token returned stands for the store as this
        transaction leaves it when it commits, so the next call answers
        ``True`` only if no other writer committed in between: not another
        connection, not another ledger on this store object, not a direct
        :meth:`~servicemodel.loyalty.store.LedgerStore.transaction`. ``True``
        also promises that the transaction serialises every member (SQLite's
        one write lock): what the caller knows of a member from its own
        transactions is current without a lock or a read. A store that
        cannot tell answers ``False`` (PostgreSQL: its members are locked one
        by one in any case).

        >>> from servicemodel.loyalty.store import create_store
        >>> store = create_store("sqlite://", policies=Policies()).store
        >>> with store.transaction() as tx:
        ...     same, token = tx.unchanged(None)
        >>> with store.transaction() as tx:
        ...     tx.unchanged(token)[0]
        True
        >>> with store.transaction() as tx:  # a writer that does not pass the token on
        ...     pass
        >>> with store.transaction() as tx:
        ...     tx.unchanged(token)[0]
        False
        """

    def version(self, member: str) -> int:
        """*member*'s version without locking it (0 for a member the store has not seen).

        >>> from servicemodel.loyalty.store import create_store
        >>> store = create_store("sqlite://", policies=Policies()).store
        >>> with store.reading() as tx:
        ...     tx.version("bob")
        0
        """

    def find(self, key: str) -> StoredCommand | None:
        """The stored command with idempotency key *key*, if there is one.

        >>> from servicemodel.loyalty.store import create_store
        >>> ledger = create_store("sqlite://", policies=Policies())
        >>> import pendulum
        >>> _ = ledger.earn(member="ann", points=5, at=pendulum.datetime(2025, 1, 1), key="o-1")
        >>> with ledger.store.reading() as tx:
        ...     tx.find("o-1").command.member, tx.find("o-2")
        ('ann', None)
        """

    def member_commands(self, member: str, *, after: int = 0) -> Iterator[Command]:
        """*member*'s commands after version *after*, in the order they were applied.

        A ledger that holds a member's first *after* commands catches up
        with the rest (another writer's) without reading the first ones again.

        >>> from servicemodel.loyalty.store import create_store
        >>> ledger = create_store("sqlite://", policies=Policies())
        >>> import pendulum
        >>> _ = ledger.earn(member="ann", points=5, at=pendulum.datetime(2025, 1, 1), key="o-1")
        >>> with ledger.store.reading() as tx:
        ...     [c.key for c in tx.member_commands("ann")], list(tx.member_commands("ann", after=1))
        (['o-1'], [])
        """

    def member_seqs(self, member: str, *, after: int = 0) -> list[int]:
        """The journal positions of *member*'s entries (settled ones too) written after version *after*.

        >>> from servicemodel.loyalty.store import create_store
        >>> ledger = create_store("sqlite://", policies=Policies())
        >>> import pendulum
        >>> _ = ledger.earn(member="ann", points=5, at=pendulum.datetime(2025, 1, 1), key="o-1")
        >>> with ledger.store.reading() as tx:
        ...     tx.member_seqs("ann"), tx.member_seqs("ann", after=1)
        ([1], [])
        """

    def append(self, written: WrittenFields) -> Sequence[int]:
        """Write an accepted command, its journal entries and the member's new version.

        *written* is a :class:`Written` or the tuple of its fields
        (:data:`WrittenFields`). The settled entries go to the journal
        first, then the command's own (see :class:`Written`). Returns the
        journal positions given to them, in that order (consecutive). The
        member must be locked in this transaction. A store may hold the rows
        back and write a whole batch's at once: every later read of the
        transaction sees them, the commit writes them, and a key already in the store (the unique
        constraint) is then reported by that read or by the commit as an
        :class:`~servicemodel.exceptions.IdempotencyConflict` naming the
        command that holds it (the transaction rolls back). Such a store
        may also draw the positions when it writes the rows: the sequence
        returned is complete after the next read or the commit (SQLite
        knows them at once; PostgreSQL draws a batch's together).

        >>> from servicemodel.loyalty import EntryKind
        >>> from servicemodel.loyalty.store import create_store
        >>> import pendulum
        >>> store = create_store("sqlite://", policies=Policies()).store
        >>> command = Command.of("adjust", key="fix", member="bob", at=pendulum.datetime(1970, 1, 1),
        ...                      points=3, reason="x")
        >>> entry = Entry(seq=None, kind=EntryKind.ADJUST, member="bob", at=pendulum.datetime(1970, 1, 1), points=3, lot=1)
        >>> with store.transaction() as tx:
        ...     tx.lock("bob")
        ...     tx.append(Written.of(command, 1, (), (entry,)))
        0
        [1]
        """


class LedgerStore(Protocol):
    """A database that keeps one ledger (its policies, commands and journal).

    A :class:`~servicemodel.loyalty.store.StoredLedger` runs the ledger's
    rules and asks its store to write what they decided, one transaction
    per command:

    >>> from servicemodel.loyalty import EntryKind
    >>> from servicemodel.loyalty.store import create_store
    >>> store = create_store("sqlite://", policies=Policies()).store
    >>> import pendulum
    >>> earn = Command.of("earn", key="o-1", member="ann", at=pendulum.datetime(1970, 1, 1), points=5)
    >>> entry = Entry(seq=None, kind=EntryKind.EARN, member="ann", at=pendulum.datetime(1970, 1, 1), points=5, lot=1)
    >>> with store.transaction() as tx:
    ...     tx.lock("ann")
    ...     tx.append(Written.of(earn, 1, (), (entry,)))
    0
    [1]
    >>> store.version("ann"), [e.points for e in store.journal()]
    (1, [5])
    """

    @property
    def url(self) -> str:
        """Where the store is (as given to ``open``).

        >>> from servicemodel.loyalty.store import create_store
        >>> create_store("sqlite://", policies=Policies()).store.url
        'sqlite://'
        """

    @property
    def policies(self) -> Policies:
        """The ledger's policies, fixed when the store was created.

        >>> from servicemodel.loyalty.store import create_store
        >>> create_store("sqlite://", policies=Policies(zone="Asia/Tokyo")).store.policies.zone
        'Asia/Tokyo'
        """

    def transaction(self) -> AbstractContextManager[StoreTransaction]:
        """One transaction: committed at the end of the block, rolled back if it raises.

        >>> from servicemodel.loyalty.store import create_store
        >>> store = create_store("sqlite://", policies=Policies()).store
        >>> with store.transaction() as tx:
        ...     tx.lock("ann")
        0
        """

    def reading(self) -> AbstractContextManager[StoreTransaction]:
        """A read-only transaction: one consistent view for several reads.

        >>> from servicemodel.loyalty.store import create_store
        >>> ledger = create_store("sqlite://", policies=Policies())
        >>> import pendulum
        >>> _ = ledger.earn(member="ann", points=5, at=pendulum.datetime(2025, 1, 1), key="o-1")
        >>> with ledger.store.reading() as tx:
        ...     tx.version("ann"), tx.version("bob")
        (1, 0)
        """

    def version(self, member: str) -> int:
        """*member*'s version (0 for a member the store has not seen).

        >>> from servicemodel.loyalty.store import create_store
        >>> ledger = create_store("sqlite://", policies=Policies())
        >>> import pendulum
        >>> _ = ledger.earn(member="ann", points=5, at=pendulum.datetime(2025, 1, 1), key="o-1")
        >>> ledger.store.version("ann"), ledger.store.version("bob")
        (1, 0)
        """

    def find(self, key: str) -> StoredCommand | None:
        """The stored command with idempotency key *key*, if there is one.

        >>> from servicemodel.loyalty.store import create_store
        >>> ledger = create_store("sqlite://", policies=Policies())
        >>> import pendulum
        >>> _ = ledger.earn(member="ann", points=5, at=pendulum.datetime(2025, 1, 1), key="o-1")
        >>> ledger.store.find("o-1").seqs, ledger.store.find("o-2")
        ((1,), None)
        """

    def entries(self, key: str) -> tuple[Entry, ...]:
        """The journal entries of the command with key *key*, in order.

        >>> from servicemodel.loyalty.store import create_store
        >>> ledger = create_store("sqlite://", policies=Policies())
        >>> import pendulum
        >>> _ = ledger.earn(member="ann", points=5, at=pendulum.datetime(2025, 1, 1), key="o-1")
        >>> [e.kind.value for e in ledger.store.entries("o-1")]
        ['earn']
        """

    def members(self) -> Iterator[str]:
        """Every member with an accepted command, in first-seen order.

        >>> from servicemodel.loyalty.store import create_store
        >>> ledger = create_store("sqlite://", policies=Policies())
        >>> import pendulum
        >>> _ = ledger.earn(member="ann", points=5, at=pendulum.datetime(2025, 1, 1), key="o-1")
        >>> list(ledger.store.members())
        ['ann']
        """

    def commands(self) -> Iterator[Command]:
        """Every accepted command in the order it was applied (streamed).

        >>> from servicemodel.loyalty.store import create_store
        >>> ledger = create_store("sqlite://", policies=Policies())
        >>> import pendulum
        >>> _ = ledger.earn(member="ann", points=5, at=pendulum.datetime(2025, 1, 1), key="o-1")
        >>> [c.key for c in ledger.store.commands()]
        ['o-1']
        """

    def journal(self) -> Iterator[Entry]:
        """Every journal entry in order (streamed).

        >>> from servicemodel.loyalty.store import create_store
        >>> ledger = create_store("sqlite://", policies=Policies())
        >>> import pendulum
        >>> _ = ledger.earn(member="ann", points=5, at=pendulum.datetime(2025, 1, 1), key="o-1")
        >>> [(e.seq, e.points) for e in ledger.store.journal()]
        [(1, 5)]
        """

    def close(self) -> None:
        """Release the connection; the store object is unusable afterwards.

        >>> from servicemodel.loyalty.store import create_store
        >>> store = create_store("sqlite://", policies=Policies()).store
        >>> store.close()
        """
