"""A ledger kept in a store: the ledger's rules, the store's durability.

:class:`StoredLedger` answers as :class:`~servicemodel.loyalty.Ledger` does
and runs every command through one: the member's commands are replayed into
an in-memory ledger of that member alone (on first use, then kept in a
bounded cache), the command runs there, and its entries are written in the
same transaction that locked the member. Nothing else is ever read: opening
a store with millions of commands reads none of them.

The cached state is checked against the member's version in the store, read
in the same transaction as the lock; when another writer has moved the
member on, the cached ledger runs only the commands it has not seen (the
rules are deterministic, so it reaches the state a full replay reaches).
A key is unique across the store, but a member's ledger knows only that
member's keys: a key that another member's command holds is refused by the
store's unique constraint, and checked before a refusal is reported, so the
conflict is reported first, as the in-memory ledger reports it.
"""

from __future__ import annotations

import datetime as _dt
import functools
import operator
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Final, NamedTuple, final

import attrs

from ..._validators import integer
from ...exceptions import LedgerError, StoreError, ValidationError
from .. import (
    Allocation,
    Balance,
    Command,
    Entry,
    Expiring,
    Explanation,
    Ledger,
    Lot,
    Policies,
    Receipt,
    Totals,
)
from .._ledger import COMMAND_CALLS
from .._values import make_receipt
from ._codec import command_column
from ._interface import LedgerStore, StoreTransaction, WrittenFields, key_conflict

__all__ = ["StoredLedger"]

_new_record: Final = tuple.__new__  # a NamedTuple's own constructor costs twice as much
_COMMANDS_ONLY: Final = frozenset({Command})
_MEMBER_OF: Final = operator.attrgetter("member")


@attrs.define
class _Member:
    """One member's state: the member's own ledger, its version, its journal positions."""

    ledger: Ledger
    member: str
    version: int
    #: The journal positions of the member's records, in order: those of a transaction's
    #: commands are added when it has committed (a store may draw them when it writes).
    seqs: list[int]
    #: The value of the StoredLedger's ``_checks`` when ``version`` was last the store's.
    checked: int
    #: How many of the member's records are stored or given to the open transaction.
    stored: int


class _Again(NamedTuple):
    """A command sent again: the first receipt's key, version and span in the member's ledger."""

    member: str
    key: str
    version: int
    span: tuple[int, int]


@attrs.frozen
class _Call:
    """A command given as a ledger method's name and keyword arguments."""

    member: str
    key: str
    name: str
    kwargs: dict[str, Any]

    def run(self, ledger: Ledger) -> tuple[int, int, int]:
        """Call the ledger's method: the member's version after the command, and its span."""
        method: Callable[..., Receipt] = getattr(ledger, self.name)
        receipt = method(**self.kwargs)
        first, last = receipt.span
        return receipt.version, first, last


def _entries(store: LedgerStore, key: str, span: tuple[int, int]) -> tuple[Entry, ...]:
    """A receipt's entries: those of the command with *key* (at journal positions *span*)."""
    return store.entries(key)


@attrs.define
class _Keys:
    """The source of the entries of one transaction's receipts: their keys by their spans.

    One for all of a batch's receipts (a function made for each receipt
    costs more than its key kept here); the keys by span are gathered from
    the receipts when the first entries are asked for (most receipts'
    never are). A span is a command's own journal positions, never another
    command's; a command without entries of its own has the empty span
    ``(0, 0)`` and no entries.
    """

    store: LedgerStore
    receipts: list[Receipt]
    keys: dict[tuple[int, int], str] | None = None

    def entries(self, span: tuple[int, int]) -> tuple[Entry, ...]:
        if span[1] <= span[0]:
            return ()
        keys = self.keys
        if keys is None:
            keys = self.keys = {receipt.span: receipt.key for receipt in self.receipts}
        key = keys.get(span)
        return () if key is None else self.store.entries(key)


@final
class StoredLedger:
    """A points ledger kept in a store (SQLite or PostgreSQL), safe to share.

    It has the commands and queries of :class:`~servicemodel.loyalty.Ledger`
    with the same rules and results (its journal positions ``seq`` count the
    store's journal). Each command is one transaction: the idempotency key
    is unique in the store, so a key sent twice (from any process) applies
    once and the second caller gets the first receipt; a member's commands
    are serialised, so two redeems never overspend; a refused command writes
    nothing. Threads may share one ``StoredLedger``; processes each open
    their own.

    Make one with :func:`create_store` or :func:`open_store`; close it (or
    use it as a context manager) when done.

    Args:
        store: the store underneath.
        cache: how many members' states to keep in memory (least recently used go).

    >>> import pathlib, tempfile, pendulum
    >>> from servicemodel.loyalty import Policies
    >>> from servicemodel.loyalty.store import create_store, open_store
    >>> url = "sqlite:///" + str(pathlib.Path(tempfile.mkdtemp(), "ledger.db"))
    >>> with create_store(url, policies=Policies(zone="Europe/Warsaw")) as ledger:
    ...     t = pendulum.datetime(2025, 1, 10, tz="Europe/Warsaw")
    ...     _ = ledger.earn(member="ann", points=100, at=t, key="order-1")
    ...     ledger.redeem(member="ann", points=30, at=t, key="r-1").version
    2
    >>> with open_store(url) as again:
    ...     again.balance("ann", as_of=t)
    Balance(available=70, pending=0, debt=0)
    """

    def __init__(self, store: LedgerStore, *, cache: int = 10_000) -> None:
        integer(cache, field="cache", low=1)
        self._store = store
        self._size = cache
        self._members: OrderedDict[str, _Member] = OrderedDict()
        # Each member's ledger is made like this one (they share what the policies give).
        self._empty = Ledger(policies=store.policies)
        self._lock = threading.RLock()
        # Counts the transactions that found another writer's work: a state checked
        # in an earlier count is read again before it is used.
        self._checks = 0
        # The store's token of this ledger's last write transaction (see unchanged()).
        self._token: object = None

    def __repr__(self) -> str:
        return f"StoredLedger(url={self._store.url!r})"

    def __enter__(self) -> StoredLedger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def store(self) -> LedgerStore:
        """The store underneath.

        >>> import pendulum
        >>> from servicemodel.loyalty.store import create_store
        >>> ledger, t = create_store("sqlite://", policies=Policies()), pendulum.datetime(2025, 1, 10)
        >>> ledger.store.version("ann")
        0
        """
        return self._store

    @property
    def policies(self) -> Policies:
        """The ledger's policies, fixed when the store was created.

        >>> import pendulum
        >>> from servicemodel.loyalty.store import create_store
        >>> ledger, t = create_store("sqlite://", policies=Policies()), pendulum.datetime(2025, 1, 10)
        >>> ledger.policies == Policies()
        True
        """
        return self._store.policies

    def close(self) -> None:
        """Close the store's connection.

        >>> import pendulum
        >>> from servicemodel.loyalty.store import create_store
        >>> ledger, t = create_store("sqlite://", policies=Policies()), pendulum.datetime(2025, 1, 10)
        >>> ledger.close()
        """
        with self._lock:
            self._members.clear()
            self._store.close()

    # --------------------------------------------------------------- commands

    def earn(self, **kwargs: Any) -> Receipt:
        """Issue points, as :meth:`Ledger.earn <servicemodel.loyalty.Ledger.earn>`.

        >>> import pendulum
        >>> from servicemodel.loyalty.store import create_store
        >>> ledger, t = create_store("sqlite://", policies=Policies()), pendulum.datetime(2025, 1, 10)
        >>> ledger.earn(member="ann", points=100, at=t, key="o-1").version
        1
        """
        return self._command("earn", kwargs)

    def activate(self, **kwargs: Any) -> Receipt:
        """Make a pending lot available, as :meth:`Ledger.activate <servicemodel.loyalty.Ledger.activate>`.

        >>> import pendulum
        >>> from servicemodel.loyalty.store import create_store
        >>> ledger, t = create_store("sqlite://", policies=Policies()), pendulum.datetime(2025, 1, 10)
        >>> from servicemodel.loyalty import Pending
        >>> waiting = create_store("sqlite://", policies=Policies(pending=Pending(length=14)))
        >>> _ = waiting.earn(member="ann", points=100, at=t, key="o-1")
        >>> _ = waiting.activate(member="ann", earn="o-1", at=t.add(days=1), key="a-1")
        >>> waiting.balance("ann", as_of=t.add(days=1)).available
        100
        """
        return self._command("activate", kwargs)

    def redeem(self, **kwargs: Any) -> Receipt:
        """Spend points, as :meth:`Ledger.redeem <servicemodel.loyalty.Ledger.redeem>`.

        >>> import pendulum
        >>> from servicemodel.loyalty.store import create_store
        >>> ledger, t = create_store("sqlite://", policies=Policies()), pendulum.datetime(2025, 1, 10)
        >>> _ = ledger.earn(member="ann", points=100, at=t, key="o-1")
        >>> ledger.redeem(member="ann", points=40, at=t, key="r-1").entries[0].points
        40
        """
        return self._command("redeem", kwargs)

    def reverse_redemption(self, **kwargs: Any) -> Receipt:
        """Undo a redemption, as :meth:`Ledger.reverse_redemption <servicemodel.loyalty.Ledger.reverse_redemption>`.

        >>> import pendulum
        >>> from servicemodel.loyalty.store import create_store
        >>> ledger, t = create_store("sqlite://", policies=Policies()), pendulum.datetime(2025, 1, 10)
        >>> _ = ledger.earn(member="ann", points=100, at=t, key="o-1")
        >>> _ = ledger.redeem(member="ann", points=40, at=t, key="r-1")
        >>> _ = ledger.reverse_redemption(member="ann", redemption="r-1", at=t, key="x-1")
        >>> ledger.balance("ann", as_of=t).available
        100
        """
        return self._command("reverse_redemption", kwargs)

    def return_purchase(self, **kwargs: Any) -> Receipt:
        """Take back a purchase's points, as :meth:`Ledger.return_purchase <servicemodel.loyalty.Ledger.return_purchase>`.

        >>> import pendulum
        >>> from servicemodel.loyalty.store import create_store
        >>> ledger, t = create_store("sqlite://", policies=Policies()), pendulum.datetime(2025, 1, 10)
        >>> _ = ledger.earn(member="ann", points=100, at=t, key="o-1")
        >>> ledger.return_purchase(member="ann", earn="o-1", at=t, key="ret-1").version
        2
        """
        return self._command("return_purchase", kwargs)

    def adjust(self, **kwargs: Any) -> Receipt:
        """Add or deduct points by hand, as :meth:`Ledger.adjust <servicemodel.loyalty.Ledger.adjust>`.

        >>> import pendulum
        >>> from servicemodel.loyalty.store import create_store
        >>> ledger, t = create_store("sqlite://", policies=Policies()), pendulum.datetime(2025, 1, 10)
        >>> _ = ledger.adjust(member="ann", points=5, at=t, key="fix-1", reason="goodwill")
        >>> ledger.balance("ann", as_of=t).available
        5
        """
        return self._command("adjust", kwargs)

    def apply(self, command: Command) -> Receipt:
        """Run one :class:`~servicemodel.loyalty.Command` in its own transaction.

        >>> import pendulum
        >>> from servicemodel.loyalty.store import create_store
        >>> ledger, t = create_store("sqlite://", policies=Policies()), pendulum.datetime(2025, 1, 10)
        >>> from servicemodel.loyalty import Command
        >>> ledger.apply(Command.of("earn", key="o-1", member="ann", at=t, points=5)).version
        1
        """
        return self.apply_many((command,))[0]

    def apply_many(self, commands: Iterable[Command]) -> tuple[Receipt, ...]:
        """Run commands in order in ONE transaction: all are written, or none.

        Raises:
            LedgerError: a command is refused (the message names its position);
                nothing of the batch is written.

        >>> import pendulum
        >>> from servicemodel.loyalty.store import create_store
        >>> ledger, t = create_store("sqlite://", policies=Policies()), pendulum.datetime(2025, 1, 10)
        >>> from servicemodel.loyalty import Command
        >>> batch = [Command.of("earn", key=f"o-{i}", member="ann", at=t, points=5) for i in range(3)]
        >>> [r.version for r in ledger.apply_many(batch)]
        [1, 2, 3]
        """
        steps: list[Command | _Call] = list(commands)
        if not set(map(type, steps)) <= _COMMANDS_ONLY:
            for i, command in enumerate(steps):
                if type(command) is not Command:
                    raise ValidationError(
                        f"'commands[{i}]' must be a Command value (got {command!r})",
                        field=f"commands[{i}]",
                        value=command,
                    )
        return self._run(steps)

    def _command(self, name: str, kwargs: dict[str, Any]) -> Receipt:
        member, key = kwargs.get("member"), kwargs.get("key")
        if type(member) is not str or type(key) is not str or not member or not key:
            # The ledger's own checks say what is wrong with them.
            getattr(Ledger(policies=self.policies), name)(**kwargs)
            raise ValidationError(  # pragma: no cover - the ledger refused above
                f"'member' and 'key' must be strings (got {member!r}, {key!r})"
            )
        return self._run([_Call(member, key, name, kwargs)])[0]

    def _run(self, steps: list[Command | _Call]) -> tuple[Receipt, ...]:
        # When the transaction is not committed (a command refused, the database
        # failed), its members' states, which may have run commands that are not
        # stored, are dropped from the cache and reloaded when next used.
        states: dict[str, _Member] = {}
        # What each step placed (see _steps), and the journal positions the store gave
        # it: the receipts are made once the transaction has committed and every
        # position is known.
        placed: list[WrittenFields | _Again] = []
        given: list[Sequence[int]] = []
        with self._lock:
            try:
                with self._store.transaction() as tx:
                    self._begin(tx)
                    states = self._states(tx, dict.fromkeys(map(_MEMBER_OF, steps)))
                    self._steps(tx, steps, states, placed, given)
            except BaseException:
                for member in states:
                    self._members.pop(member, None)
                raise
            return self._receipts(states, placed, given)

    def _receipts(
        self,
        states: dict[str, _Member],
        placed: list[WrittenFields | _Again],
        given: list[Sequence[int]],
    ) -> tuple[Receipt, ...]:
        """The receipts of a committed transaction's steps (see :meth:`_steps`), in order.

        Each command's journal positions (*given*) join its member's, in the
        order the commands ran: a command sent again in the same transaction
        finds its first's there.
        """
        receipts: list[Receipt] = []
        receipt = receipts.append
        source = _Keys(self._store, receipts).entries
        # The records are unpacked, not read field by field (a field of a named tuple is
        # a descriptor call).
        for place, seqs in zip(placed, given, strict=True):
            if isinstance(place, _Again):  # sent again: its span is the first receipt's
                member, key, version, (first, last) = place
                known = states[member].seqs
                span = (known[first] - 1, known[last - 1]) if last > first else (0, 0)
            else:  # written: the command's own records start after the settled ones
                key, member, version, _, _, split = place
                states[member].seqs.extend(seqs)
                span = (seqs[split] - 1, seqs[-1]) if split < len(seqs) else (0, 0)
            receipt(make_receipt(key, member, version, span, source))
        return tuple(receipts)

    def _begin(self, tx: StoreTransaction) -> None:
        """Start using *tx*: the cached states are checked again if another writer wrote."""
        unchanged, self._token = tx.unchanged(self._token)
        if not unchanged:
            self._checks += 1

    def _states(self, tx: StoreTransaction, members: Iterable[str]) -> dict[str, _Member]:
        """The state of each of *members* as the store holds it, for transaction *tx*.

        The one place that decides whether a cached state is current: it is
        when it was checked since another writer last wrote (see
        :meth:`_begin`), and is then used as it is (and becomes the most
        recently used). The other members are locked together (in the order
        every writer shares) and then read (:meth:`_sync`). A transaction
        has them all before its first command runs, and keeps them until it
        ends even if the cache drops some.
        """
        states: dict[str, _Member] = {}
        stale = []
        cached, checks = self._members, self._checks
        for member in members:
            state = cached.get(member)
            if state is not None and state.checked == checks:
                cached.move_to_end(member)
                states[member] = state
            else:
                stale.append(member)
        if len(stale) > 1:
            tx.lock_many(stale)
        for member in stale:
            states[member] = self._sync(tx, member)
        return states

    def _steps(
        self,
        tx: StoreTransaction,
        steps: list[Command | _Call],
        states: dict[str, _Member],
        placed: list[WrittenFields | _Again],
        given: list[Sequence[int]],
    ) -> None:
        """Run *steps* in order, each on its member's state, and give the store what they wrote.

        Adds to *placed* what each command's receipt needs (what the store
        was given, or the first receipt of a command sent again) and to
        *given* the journal positions the store gives its records.
        """
        calls, write = COMMAND_CALLS, tx.append
        place, give = placed.append, given.append
        for step in steps:
            member, key = step.member, step.key
            state = states[member]
            known = state.version
            ledger = state.ledger
            try:
                # The ledger's rules (without the member's ledger's lock: the store's is
                # held); a refusal leaves it unchanged.
                version, first, last = (
                    calls[step.name._value_](ledger, step)
                    if type(step) is Command
                    else step.run(ledger)
                )
            except LedgerError:
                # A key is checked before anything else, as the ledger checks it; the
                # member's ledger knows only the member's own keys.
                self._refuse_key_of_another_member(tx, key, member)
                raise
            if version <= known:
                # Sent again: the member's ledger answered with what it kept of the first.
                place(_new_record(_Again, (member, key, version, (first, last))))
                give(())
                continue
            # What the ledger recorded, as it keeps it: the member's ledger holds only this
            # member, so its journal is as long as what is stored; the command's own
            # entries are its span [first, last), the ones before it were settled before
            # the command ran.
            start = state.stored
            payload, records = ledger._written(key, start)
            split = first - start
            # Written's fields as a plain tuple (see WrittenFields).
            written: WrittenFields = (key, member, version, command_column(payload), records, split)
            give(write(written))
            place(written)
            state.version = version
            state.stored = last  # the member's ledger's journal ends with the command's entries

    def _refuse_key_of_another_member(self, tx: StoreTransaction, key: str, member: str) -> None:
        """Raise IdempotencyConflict if *key* is stored for a command of another member.

        The store writes what it held back first (:meth:`StoreTransaction.find`
        reads after it), so an earlier command's key conflict is reported
        before this command's refusal.
        """
        found = tx.find(key)
        if found is not None and found.command.member != member:
            raise key_conflict(key, found)

    def _receipt(self, key: str, member: str, version: int, seqs: Sequence[int]) -> Receipt:
        span = (seqs[0] - 1, seqs[-1]) if seqs else (0, 0)
        return make_receipt(
            key, member, version, span, functools.partial(_entries, self._store, key)
        )

    def _sync(self, tx: StoreTransaction, member: str) -> _Member:
        """The member's state as the store holds it, caught up or replayed (see :meth:`_states`).

        The member is locked and its version read: a cached state at that
        version is current, one behind it (another writer's commands) runs
        only the commands it has not seen, in order (the rules give the
        state that replaying all of them gives).
        """
        members = self._members
        state = members.get(member)
        version = tx.lock(member)
        if state is None or state.version > version:
            state = _Member(
                ledger=self._empty._empty_like(),
                member=member,
                version=0,
                seqs=[],
                checked=0,
                stored=0,
            )
        state.checked = self._checks
        if state.version < version:
            members.pop(member, None)  # back once caught up
            ledger = state.ledger
            for command in tx.member_commands(member, after=state.version):
                COMMAND_CALLS[command.name._value_](ledger, command)
            if ledger.version(member) != version:
                raise StoreError(
                    f"the store at {self._store.url!r} holds {ledger.version(member)} commands "
                    f"of {member!r} but records version {version}",
                    url=self._store.url,
                )
            state.seqs.extend(tx.member_seqs(member, after=state.version))
            state.stored = len(state.seqs)
            state.version = version
        members[member] = state
        members.move_to_end(member)
        if len(members) > self._size:
            members.popitem(last=False)
        return state

    def _state(self, member: str) -> _Member:
        """*member*'s current state, for a query.

        A cached state is current when its version is the store's, read in
        one statement (a single statement sees one committed state: no
        transaction is needed, so a PostgreSQL query costs one round trip
        instead of four). Any other is read in a transaction (:meth:`_states`).
        """
        state = self._members.get(member)
        if state is not None and self._store.version(member) == state.version:
            self._members.move_to_end(member)
            return state
        with self._store.reading() as tx:
            self._begin(tx)
            return self._states(tx, (member,))[member]

    # ---------------------------------------------------------------- queries

    def version(self, member: str) -> int:
        """How many commands *member* has had accepted (0 for a new member).

        >>> import pendulum
        >>> from servicemodel.loyalty.store import create_store
        >>> ledger, t = create_store("sqlite://", policies=Policies()), pendulum.datetime(2025, 1, 10)
        >>> _ = ledger.earn(member="ann", points=100, at=t, key="o-1")
        >>> ledger.version("ann"), ledger.version("bob")
        (1, 0)
        """
        return self._store.version(member)

    def members(self) -> Iterator[str]:
        """Every member with an accepted command, in first-seen order (streamed).

        >>> import pendulum
        >>> from servicemodel.loyalty.store import create_store
        >>> ledger, t = create_store("sqlite://", policies=Policies()), pendulum.datetime(2025, 1, 10)
        >>> _ = ledger.earn(member="ann", points=100, at=t, key="o-1")
        >>> list(ledger.members())
        ['ann']
        """
        return self._store.members()

    def commands(self) -> Iterator[Command]:
        """Every accepted command, in order (streamed).

        >>> import pendulum
        >>> from servicemodel.loyalty.store import create_store
        >>> ledger, t = create_store("sqlite://", policies=Policies()), pendulum.datetime(2025, 1, 10)
        >>> _ = ledger.earn(member="ann", points=100, at=t, key="o-1")
        >>> [c.key for c in ledger.commands()]
        ['o-1']
        """
        return self._store.commands()

    def journal(self) -> Iterator[Entry]:
        """Every journal entry, in order (streamed).

        >>> import pendulum
        >>> from servicemodel.loyalty.store import create_store
        >>> ledger, t = create_store("sqlite://", policies=Policies()), pendulum.datetime(2025, 1, 10)
        >>> _ = ledger.earn(member="ann", points=100, at=t, key="o-1")
        >>> [(e.seq, e.kind.value) for e in ledger.journal()]
        [(1, 'earn')]
        """
        return self._store.journal()

    def knows(self, key: str) -> bool:
        """Whether a command with idempotency key *key* was accepted.

        >>> import pendulum
        >>> from servicemodel.loyalty.store import create_store
        >>> ledger, t = create_store("sqlite://", policies=Policies()), pendulum.datetime(2025, 1, 10)
        >>> _ = ledger.earn(member="ann", points=100, at=t, key="o-1")
        >>> ledger.knows("o-1"), ledger.knows("o-2")
        (True, False)
        """
        return self._store.find(key) is not None

    def receipt(self, key: str) -> Receipt:
        """The receipt of the accepted command with key *key*.

        Raises:
            LedgerError: no command with that key.

        >>> import pendulum
        >>> from servicemodel.loyalty.store import create_store
        >>> ledger, t = create_store("sqlite://", policies=Policies()), pendulum.datetime(2025, 1, 10)
        >>> _ = ledger.earn(member="ann", points=100, at=t, key="o-1")
        >>> ledger.receipt("o-1").version
        1
        """
        found = self._store.find(key)
        if found is None:
            raise LedgerError(f"'key' must be the key of an accepted command (got {key!r})")
        return self._receipt(found.command.key, found.command.member, found.version, found.seqs)

    def command(self, key: str) -> Command:
        """The accepted command with key *key*.

        Raises:
            LedgerError: no command with that key.

        >>> import pendulum
        >>> from servicemodel.loyalty.store import create_store
        >>> ledger, t = create_store("sqlite://", policies=Policies()), pendulum.datetime(2025, 1, 10)
        >>> _ = ledger.earn(member="ann", points=100, at=t, key="o-1")
        >>> ledger.command("o-1").argument("points")
        100
        """
        found = self._store.find(key)
        if found is None:
            raise LedgerError(f"'key' must be the key of an accepted command (got {key!r})")
        return found.command

    def balance(self, member: str, *, as_of: _dt.datetime) -> Balance:
        """*member*'s balance as of an instant, as :meth:`Ledger.balance <servicemodel.loyalty.Ledger.balance>`.

        >>> import pendulum
        >>> from servicemodel.loyalty.store import create_store
        >>> ledger, t = create_store("sqlite://", policies=Policies()), pendulum.datetime(2025, 1, 10)
        >>> _ = ledger.earn(member="ann", points=100, at=t, key="o-1")
        >>> ledger.balance("ann", as_of=t)
        Balance(available=100, pending=0, debt=0)
        """
        with self._lock:
            return self._state(member).ledger.balance(member, as_of=as_of)

    def lots(self, member: str, *, as_of: _dt.datetime) -> tuple[Lot, ...]:
        """*member*'s lots as of an instant, as :meth:`Ledger.lots <servicemodel.loyalty.Ledger.lots>`.

        >>> import pendulum
        >>> from servicemodel.loyalty.store import create_store
        >>> ledger, t = create_store("sqlite://", policies=Policies()), pendulum.datetime(2025, 1, 10)
        >>> _ = ledger.earn(member="ann", points=100, at=t, key="o-1")
        >>> [lot.remaining for lot in ledger.lots("ann", as_of=t)]
        [100]
        """
        with self._lock:
            return self._state(member).ledger.lots(member, as_of=as_of)

    def totals(self, member: str, *, as_of: _dt.datetime) -> Totals:
        """Where *member*'s points went, as :meth:`Ledger.totals <servicemodel.loyalty.Ledger.totals>`.

        >>> import pendulum
        >>> from servicemodel.loyalty.store import create_store
        >>> ledger, t = create_store("sqlite://", policies=Policies()), pendulum.datetime(2025, 1, 10)
        >>> _ = ledger.earn(member="ann", points=100, at=t, key="o-1")
        >>> ledger.totals("ann", as_of=t).issued
        100
        """
        with self._lock:
            return self._state(member).ledger.totals(member, as_of=as_of)

    def explain(self, member: str, *, as_of: _dt.datetime) -> Explanation:
        """How *member*'s balance came about, as :meth:`Ledger.explain <servicemodel.loyalty.Ledger.explain>`.

        >>> import pendulum
        >>> from servicemodel.loyalty.store import create_store
        >>> ledger, t = create_store("sqlite://", policies=Policies()), pendulum.datetime(2025, 1, 10)
        >>> _ = ledger.earn(member="ann", points=100, at=t, key="o-1")
        >>> len(ledger.explain("ann", as_of=t).lots)
        1
        """
        with self._lock:
            return self._state(member).ledger.explain(member, as_of=as_of)

    def expiring_between(
        self, member: str, start: _dt.datetime, end: _dt.datetime
    ) -> tuple[Expiring, ...]:
        """Points expiring in ``[start, end)``, as :meth:`Ledger.expiring_between <servicemodel.loyalty.Ledger.expiring_between>`.

        >>> import pendulum
        >>> from servicemodel.loyalty.store import create_store
        >>> ledger, t = create_store("sqlite://", policies=Policies()), pendulum.datetime(2025, 1, 10)
        >>> _ = ledger.earn(member="ann", points=100, at=t, key="o-1")
        >>> ledger.expiring_between("ann", t, t.add(years=1))
        ()
        """
        with self._lock:
            return self._state(member).ledger.expiring_between(member, start, end)

    def tally(self, member: str, name: str, *, start: _dt.datetime, end: _dt.datetime) -> Any:
        """A tally's sum in ``[start, end)``, as :meth:`Ledger.tally <servicemodel.loyalty.Ledger.tally>`.

        >>> import pendulum
        >>> from servicemodel.loyalty.store import create_store
        >>> ledger, t = create_store("sqlite://", policies=Policies()), pendulum.datetime(2025, 1, 10)
        >>> _ = ledger.earn(member="ann", points=100, at=t, key="o-1")
        >>> ledger.tally("ann", "points", start=t, end=t.add(days=1))
        100
        """
        with self._lock:
            return self._state(member).ledger.tally(member, name, start=start, end=end)

    def redemption_allocations(self, member: str, redemption: str) -> tuple[Allocation, ...]:
        """The lots a redemption drew, as :meth:`Ledger.redemption_allocations <servicemodel.loyalty.Ledger.redemption_allocations>`.

        >>> import pendulum
        >>> from servicemodel.loyalty.store import create_store
        >>> ledger, t = create_store("sqlite://", policies=Policies()), pendulum.datetime(2025, 1, 10)
        >>> _ = ledger.earn(member="ann", points=100, at=t, key="o-1")
        >>> _ = ledger.redeem(member="ann", points=40, at=t, key="r-1")
        >>> ledger.redemption_allocations("ann", "r-1")
        (Allocation(lot=1, points=40),)
        """
        with self._lock:
            return self._state(member).ledger.redemption_allocations(member, redemption)

    def history(self, member: str, *, as_of: _dt.datetime | None = None) -> tuple[Entry, ...]:
        """*member*'s journal entries, as :meth:`Ledger.history <servicemodel.loyalty.Ledger.history>`.

        ``seq`` is the entry's position in the store's journal.

        >>> import pendulum
        >>> from servicemodel.loyalty.store import create_store
        >>> ledger, t = create_store("sqlite://", policies=Policies()), pendulum.datetime(2025, 1, 10)
        >>> _ = ledger.earn(member="ann", points=100, at=t, key="o-1")
        >>> [e.kind.value for e in ledger.history("ann")]
        ['earn']
        """
        with self._lock:
            state = self._state(member)
            entries = state.ledger.history(member, as_of=as_of)
            seqs = state.seqs
            return tuple(
                e if e.seq is None else attrs.evolve(e, seq=seqs[e.seq - 1]) for e in entries
            )
