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

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Protocol, final

import attrs

from .._commands import Command
from .._policies import Policies
from .._values import Entry

__all__ = ["LedgerStore", "StoreTransaction", "StoredCommand"]


@final
@attrs.frozen(kw_only=True)
class StoredCommand:
    """An accepted command as a store keeps it.

    ``version`` is the member's version after the command; ``seqs`` are the
    journal positions of the command's entries, in order.

    >>> from servicemodel.loyalty import Command
    >>> c = Command.of("redeem", key="r", member="ann", micros=0, points=5)
    >>> StoredCommand(command=c, version=2, seqs=(7,)).version
    2
    """

    command: Command
    version: int
    seqs: tuple[int, ...]


class StoreTransaction(Protocol):
    """One database transaction of a store (see :meth:`LedgerStore.transaction`)."""

    def lock(self, member: str) -> int:
        """Serialise with every other writer of *member* until the transaction ends.

        Returns the member's version (0 for a member the store has not seen).
        """

    def version(self, member: str) -> int:
        """*member*'s version without locking it (0 for a member the store has not seen)."""

    def find(self, key: str) -> StoredCommand | None:
        """The stored command with idempotency key *key*, if there is one."""

    def member_commands(self, member: str) -> Iterator[Command]:
        """*member*'s commands in the order they were applied."""

    def member_seqs(self, member: str) -> list[int]:
        """The journal positions of *member*'s entries (settled ones too), in order."""

    def append(
        self, command: Command, version: int, settled: Sequence[Entry], entries: Sequence[Entry]
    ) -> tuple[int, ...]:
        """Write an accepted command, its journal entries and the member's new *version*.

        *settled* are the entries the ledger recorded before the command ran
        (activations, expiries up to its instant; they belong to no
        command), *entries* the command's own (its receipt's). Both go to the
        journal in that order. Returns the journal positions given to them
        (*settled*'s first, then *entries*'). Raises
        :class:`~servicemodel.exceptions.IdempotencyConflict` when the key
        is already in the store (the unique constraint).
        """


class LedgerStore(Protocol):
    """A database that keeps one ledger (its policies, commands and journal)."""

    @property
    def url(self) -> str:
        """Where the store is (as given to ``open``)."""

    @property
    def policies(self) -> Policies:
        """The ledger's policies, fixed when the store was created."""

    def transaction(self) -> AbstractContextManager[StoreTransaction]:
        """One transaction: committed at the end of the block, rolled back if it raises."""

    def reading(self) -> AbstractContextManager[StoreTransaction]:
        """A read-only transaction: one consistent view for several reads."""

    def version(self, member: str) -> int:
        """*member*'s version (0 for a member the store has not seen)."""

    def find(self, key: str) -> StoredCommand | None:
        """The stored command with idempotency key *key*, if there is one."""

    def entries(self, key: str) -> tuple[Entry, ...]:
        """The journal entries of the command with key *key*, in order."""

    def members(self) -> Iterator[str]:
        """Every member with an accepted command, in first-seen order."""

    def commands(self) -> Iterator[Command]:
        """Every accepted command in the order it was applied (streamed)."""

    def journal(self) -> Iterator[Entry]:
        """Every journal entry in order (streamed)."""

    def close(self) -> None:
        """Release the connection; the store object is unusable afterwards."""
