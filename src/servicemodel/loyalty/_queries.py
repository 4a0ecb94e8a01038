"""What a ledger answers: balances, lots, history, totals, receipts, as of any instant.

:class:`LedgerQueries` is the query half of :class:`~servicemodel.loyalty.Ledger`
(the ledger's commands are in ``_ledger``). Balances come from each
account's snapshots (past instants) and its heaps and expiry index (later
instants); history, lots and totals fold the member's journal entries, and
entries derived after the member's last command come from a shadow account.
"""

from __future__ import annotations

import datetime as _dt
import functools
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import Any, Concatenate, Final, ParamSpec, TypeVar

import pendulum

from ..exceptions import LedgerError, ValidationError
from ._account import ACTIVE, EXPIRED, PENDING, VOIDED, Account, AccountRules, RedemptionState
from ._clock import InstantReader, LocalClock
from ._commands import Command, command_of_payload
from ._explain import Explanation
from ._journal import Accepted, JournalEntry, Payload, to_entry
from ._policies import NEVER, AfterInactivity, Policies
from ._values import (
    Allocation,
    Balance,
    Entry,
    EntryKind,
    Expiring,
    Lot,
    LotExplanation,
    LotStatus,
    Receipt,
    Totals,
    balance_of,
    make_receipt,
)

__all__ = ["LedgerQueries", "serialised"]

_NO_POINTS: Final = Balance(available=0, pending=0, debt=0)

_P = ParamSpec("_P")
_R = TypeVar("_R")
_S = TypeVar("_S", bound="LedgerQueries")


def serialised(
    method: Callable[Concatenate[_S, _P], _R],
) -> Callable[Concatenate[_S, _P], _R]:
    """Run *method* holding the ledger's lock: one command or query at a time per ledger."""

    @functools.wraps(method)
    def locked(self: _S, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        # acquire/release, not ``with``: the context manager's two calls cost a
        # query about as much again as the lock itself.
        lock = self._lock
        lock.acquire()
        try:
            return method(self, *args, **kwargs)
        finally:
            lock.release()

    return locked


class LedgerQueries:
    """The queries of a :class:`~servicemodel.loyalty.Ledger` (which holds the state).

    >>> from servicemodel.loyalty import Ledger
    >>> issubclass(Ledger, LedgerQueries)
    True
    """

    __slots__ = ()
    policies: Policies
    _accounts: dict[str, Account]
    _journal: list[JournalEntry]
    _keys: dict[str, Payload]
    _accepted: dict[str, Accepted]
    #: Where a receipt reads its entries (the ledger's own _span).
    _source: Callable[[tuple[int, int]], tuple[Entry, ...]]
    _rewards: dict[str, int]
    _clock: LocalClock
    _reader: InstantReader
    _inactivity: AfterInactivity | None
    _rules: AccountRules
    _lock: threading.RLock

    @serialised
    def members(self) -> tuple[str, ...]:
        """Return the members with at least one accepted command, in first-seen order.

        >>> from servicemodel.loyalty import Ledger

        >>> Ledger().members()
        ()
        """
        return tuple(self._accounts)

    @serialised
    def version(self, member: str) -> int:
        """Return how many commands *member* has had accepted (0 for a new member).

        >>> from servicemodel.loyalty import Ledger

        >>> Ledger().version("ann")
        0
        """
        account = self._accounts.get(member)
        return 0 if account is None else account.version

    @serialised
    def journal(self, *, start: int = 0) -> tuple[Entry, ...]:
        """Return the journal's entries from position *start* (0: all), for every member.

        Besides each command's own entries (its receipt's), the journal holds
        what a command recorded before it ran: activations and expiries up to
        its instant.

        >>> from servicemodel.loyalty import Ledger

        >>> import pendulum
        >>> ledger = Ledger()
        >>> _ = ledger.earn(member="ann", points=5, at=pendulum.datetime(2025, 1, 1), key="k")
        >>> [(e.seq, e.kind.value) for e in ledger.journal()]
        [(1, 'earn')]
        >>> ledger.journal(start=1)
        ()
        """
        zone = self.policies.zone
        return tuple(
            to_entry(i + 1, rec, zone)
            for i, rec in enumerate(self._journal[start:], start=max(start, 0))
        )

    @serialised
    def commands(self) -> tuple[Command, ...]:
        """Return every accepted command, in the order they were accepted.

        >>> from servicemodel.loyalty import Ledger

        >>> import pendulum
        >>> ledger = Ledger()
        >>> _ = ledger.earn(member="ann", points=5, at=pendulum.datetime(2025, 1, 1), key="k")
        >>> [(c.name.value, c.key, c.argument("points")) for c in ledger.commands()]
        [('earn', 'k', 5)]
        """
        zone = self.policies.zone
        return tuple(command_of_payload(payload, key, zone) for key, payload in self._keys.items())

    def _written(self, key: str, start: int) -> tuple[tuple[Any, ...], list[JournalEntry]]:
        """The payload accepted for *key*, and the journal's records from position *start*.

        A store persists these as the ledger recorded them (see
        :mod:`servicemodel.loyalty.store`), without public entries in between.
        Only the ledger's owner asks, right after the command it ran (a store's
        ledger of one member, used under the store's lock): it takes no lock.
        """
        return self._keys[key], self._journal[start:]

    def _receipt(self, key: str, member: str, accepted: Accepted) -> Receipt:
        """The receipt of *member*'s command with *key*, of what was kept of it (see Accepted)."""
        version, first, last = accepted
        return make_receipt(key, member, version, (first, last), self._source)

    def _span(self, span: tuple[int, int]) -> tuple[Entry, ...]:
        first, last = span
        zone = self.policies.zone
        return tuple(
            to_entry(first + i + 1, rec, zone) for i, rec in enumerate(self._journal[first:last])
        )

    # ------------------------------------------------------------ emission

    def _account(self, member: str) -> Account:
        account = self._accounts.get(member)
        if account is None:
            return Account.new(member, [], self._rules)
        return account

    # ---------------------------------------------------------------- queries

    def balance(self, member: str, *, as_of: _dt.datetime) -> Balance:
        """Return *member*'s balance as of an instant (past, present or future).

        For an instant after the member's last command the answer assumes no
        further commands: lots that expire or activate by then do so.

        >>> from servicemodel.loyalty import Ledger

        >>> import pendulum
        >>> Ledger().balance("nobody", as_of=pendulum.datetime(2025, 1, 1))
        Balance(available=0, pending=0, debt=0)
        """
        t = self._reader.micros(as_of, "as_of")
        # The ledger's lock, as every query holds it (see serialised), taken here
        # rather than by the wrapper: the most frequent query, at about a fifth of
        # its cost.
        lock = self._lock
        lock.acquire()
        try:
            acc = self._accounts.get(member)
            if acc is None:
                return _NO_POINTS
            if t < acc.last_at:
                i = bisect_right(acc.snap_t, t) - 1
                if i < 0:
                    return _NO_POINTS
                return balance_of(acc.snap_v[i])
            return balance_of(acc.view(t))
        finally:
            lock.release()

    def _records(self, member: str, as_of: int | None) -> list[tuple[int | None, JournalEntry]]:
        """The member's journal records up to *as_of*, plus derived ones after the last command."""
        acc = self._accounts.get(member)
        if acc is None:
            return []
        journal = self._journal
        found: list[tuple[int | None, JournalEntry]] = [
            (i + 1, journal[i]) for i in acc.seqs if as_of is None or journal[i].micros <= as_of
        ]
        if as_of is not None and as_of >= acc.last_at:
            shadow = acc.clone()
            shadow.settle(as_of)
            found.extend((None, rec) for rec in shadow.out)
        return found

    @serialised
    def history(self, member: str, *, as_of: _dt.datetime | None = None) -> tuple[Entry, ...]:
        """Return *member*'s journal entries, in order.

        Without *as_of*: the recorded entries. With *as_of*: the entries up to
        that instant, including derived ones (expiries, activations) after the
        member's last command, which have ``seq=None``.

        >>> from servicemodel.loyalty import Ledger

        >>> Ledger().history("nobody")
        ()
        """
        t = None if as_of is None else self._reader.micros(as_of, "as_of")
        zone = self.policies.zone
        return tuple(to_entry(seq, rec, zone) for seq, rec in self._records(member, t))

    def _fold(
        self, member: str, t: int
    ) -> tuple[dict[int, dict[str, int]], dict[int, int], dict[int, int]]:
        """Per lot as of *t*: its points by where they went, its state, and when it activated."""
        rows: dict[int, dict[str, int]] = {}
        state: dict[int, int] = {}
        activated: dict[int, int] = {}
        acc = self._accounts[member]
        for _seq, rec in self._records(member, t):
            kind, points, allocs, lot_id = rec.kind, rec.points, rec.allocations, rec.lot
            if kind in (EntryKind.EARN, EntryKind.REISSUE) or (
                kind == EntryKind.ADJUST and points > 0
            ):
                assert lot_id is not None
                lot = acc.lots[lot_id - 1]
                rows[lot_id] = dict.fromkeys(
                    (
                        "remaining",
                        "redeemed",
                        "restored",
                        "expired",
                        "reversed",
                        "voided",
                        "repaid",
                        "deducted",
                    ),
                    0,
                )
                rows[lot_id]["remaining"] = points
                state[lot_id] = ACTIVE if lot.available <= lot.earned else PENDING
                continue
            if kind == EntryKind.ACTIVATE:
                assert lot_id is not None
                state[lot_id] = ACTIVE
                activated[lot_id] = rec.micros
                continue
            column = {
                EntryKind.REDEEM: "redeemed",
                EntryKind.EXPIRE: "expired",
                EntryKind.REVERSE: "reversed",
                EntryKind.VOID: "voided",
                EntryKind.REPAY: "repaid",
                EntryKind.ADJUST: "deducted",
                EntryKind.RESTORE: "restored",
            }.get(kind)
            if column is None:
                continue
            sign = 1 if kind == EntryKind.RESTORE else -1
            for lot_id2, pts in allocs:
                row = rows[lot_id2]
                row[column] += pts
                row["remaining"] += sign * pts
                if kind == EntryKind.EXPIRE:
                    state[lot_id2] = EXPIRED
                elif kind == EntryKind.VOID and row["remaining"] == 0:
                    state[lot_id2] = VOIDED
        return rows, state, activated

    def _status(self, code: int, remaining: int) -> LotStatus:
        if code == PENDING:
            return LotStatus.PENDING
        if code == EXPIRED:
            return LotStatus.EXPIRED
        if code == VOIDED:
            return LotStatus.VOIDED
        return LotStatus.AVAILABLE if remaining else LotStatus.EXHAUSTED

    @serialised
    def lots(self, member: str, *, as_of: _dt.datetime) -> tuple[Lot, ...]:
        """Return *member*'s lots as they stand at *as_of* (created by then), oldest first.

        >>> from servicemodel.loyalty import Ledger

        >>> import pendulum
        >>> Ledger().lots("nobody", as_of=pendulum.datetime(2025, 1, 1))
        ()
        """
        t = self._reader.micros(as_of, "as_of")
        if member not in self._accounts:
            return ()
        rows, state, activated = self._fold(member, t)
        acc = self._accounts[member]
        clock = self._clock
        result = []
        for lot_id, row in rows.items():
            lot = acc.lots[lot_id - 1]
            result.append(
                Lot(
                    member=member,
                    id=lot_id,
                    key=lot.key,
                    kind=lot.kind,
                    earned_at=clock.instant(lot.earned),
                    available_at=clock.instant(activated.get(lot_id, lot.available)),
                    expires_at=None if lot.expires == NEVER else clock.instant(lot.expires),
                    original=lot.original,
                    remaining=row["remaining"],
                    status=self._status(state[lot_id], row["remaining"]),
                    awards=lot.awards,
                    lines=lot.lines,
                )
            )
        return tuple(result)

    @serialised
    def expiring_between(
        self, member: str, start: _dt.datetime, end: _dt.datetime
    ) -> tuple[Expiring, ...]:
        """Return the points that expire (or expired) in ``[start, end)``, per lot.

        After the member's last command this is a forecast assuming no
        further commands.

        >>> from servicemodel.loyalty import Ledger

        >>> import pendulum
        >>> Ledger().expiring_between("nobody", pendulum.datetime(2025, 1, 1),
        ...                           pendulum.datetime(2026, 1, 1))
        ()
        """
        a = self._reader.micros(start, "start")
        b = self._reader.micros(end, "end")
        if b < a:
            raise ValidationError(
                f"'end' must not be before 'start' (got {end!r} before {start!r})",
                field="end",
                value=end,
            )
        result: list[Expiring] = []
        for _seq, rec in self._records(member, b):
            if rec.kind is EntryKind.EXPIRE and a <= rec.micros < b:
                at = self._clock.instant(rec.micros)
                result.extend(Expiring(lot=lot, at=at, points=pts) for lot, pts in rec.allocations)
        return tuple(result)

    @serialised
    def explain(self, member: str, *, as_of: _dt.datetime) -> Explanation:
        """Explain *member*'s balance at *as_of*: totals and every lot's story.

        >>> from servicemodel.loyalty import Ledger

        >>> import pendulum
        >>> Ledger().explain("nobody", as_of=pendulum.datetime(2025, 1, 1)).lots
        ()
        """
        t = self._reader.micros(as_of, "as_of")
        balance = self.balance(member, as_of=as_of)
        instant = self._clock.instant(t)
        if member not in self._accounts:
            return Explanation(
                member=member, as_of=instant, balance=balance, totals=Totals(), lots=()
            )
        totals = self.totals(member, as_of=as_of)
        rows, state, _activated = self._fold(member, t)
        acc = self._accounts[member]
        lots = tuple(
            LotExplanation(
                lot=lot_id,
                kind=acc.lots[lot_id - 1].kind,
                key=acc.lots[lot_id - 1].key,
                original=acc.lots[lot_id - 1].original,
                status=self._status(state[lot_id], row["remaining"]),
                **row,
            )
            for lot_id, row in rows.items()
        )
        return Explanation(member=member, as_of=instant, balance=balance, totals=totals, lots=lots)

    @serialised
    def totals(self, member: str, *, as_of: _dt.datetime) -> Totals:
        """Return where every point issued to *member* went, as of an instant.

        >>> from servicemodel.loyalty import Ledger

        >>> import pendulum
        >>> Ledger().totals("nobody", as_of=pendulum.datetime(2025, 1, 1)).issued
        0
        """
        t = self._reader.micros(as_of, "as_of")
        c = dict.fromkeys(
            (
                "issued",
                "spent",
                "expired",
                "reversed",
                "voided",
                "repaid",
                "deducted",
                "written_off",
                "debt_incurred",
            ),
            0,
        )
        for _seq, rec in self._records(member, t):
            kind, points = rec.kind, rec.points
            if kind in (EntryKind.EARN, EntryKind.REISSUE) or (
                kind == EntryKind.ADJUST and points > 0
            ):
                c["issued"] += points
            elif kind == EntryKind.ADJUST:
                c["deducted"] -= points
            elif kind == EntryKind.REDEEM:
                c["spent"] += points
            elif kind == EntryKind.RESTORE:
                c["spent"] -= points
            elif kind == EntryKind.EXPIRE:
                c["expired"] += points
            elif kind == EntryKind.REVERSE:
                c["reversed"] += points
            elif kind == EntryKind.VOID:
                c["voided"] += points
            elif kind == EntryKind.REPAY:
                c["repaid"] += points
            elif kind == EntryKind.WRITE_OFF:
                c["written_off"] += points
            elif kind == EntryKind.DEBT:
                c["debt_incurred"] += points
        balance = self.balance(member, as_of=as_of)
        return Totals(available=balance.available, pending=balance.pending, debt=balance.debt, **c)

    def tally(self, member: str, name: str, *, start: _dt.datetime, end: _dt.datetime) -> Any:
        """Return the sum of tally *name* recorded for *member* in ``[start, end)``.

        Tallies are counters commands carry (points earned under a cap, spend
        for tier qualification). ``"points"`` is kept automatically: the
        points of every earn, less the clawbacks of returns.

        >>> from servicemodel.loyalty import Ledger

        >>> import pendulum
        >>> Ledger().tally("nobody", "points", start=pendulum.datetime(2025, 1, 1),
        ...                end=pendulum.datetime(2026, 1, 1))
        0
        """
        return self._tally_micros(
            member, name, self._reader.micros(start, "start"), self._reader.micros(end, "end")
        )

    @serialised
    def _tally_micros(self, member: str, name: str, start: int, end: int) -> Any:
        """Like :meth:`tally`, with instants as epoch microseconds.

        >>> from servicemodel.loyalty import Ledger

        >>> Ledger()._tally_micros("nobody", "points", 0, 1)
        0
        """
        acc = self._accounts.get(member)
        if acc is None or name not in acc.tallies:
            return 0
        tally = acc.tallies[name]
        times, sums = tally.times, tally.sums
        hi = bisect_left(times, end)
        lo = bisect_left(times, start)
        if hi <= lo:
            return 0
        return sums[hi - 1] - (sums[lo - 1] if lo else 0)

    def tally_times(
        self, member: str, name: str, *, start: _dt.datetime, end: _dt.datetime
    ) -> tuple[pendulum.DateTime, ...]:
        """Return the instants in ``[start, end)`` at which tally *name* of *member* changed.

        >>> from servicemodel.loyalty import Ledger

        >>> import pendulum
        >>> ledger = Ledger()
        >>> t = pendulum.datetime(2025, 1, 1)
        >>> _ = ledger.earn(member="ann", points=5, at=t, key="o-1")
        >>> ledger.tally_times("ann", "points", start=t, end=t.add(days=1))
        (DateTime(2025, 1, 1, 0, 0, 0, tzinfo=Timezone('UTC')),)
        """
        instant = self._clock.instant
        times = self._tally_times(
            member, name, self._reader.micros(start, "start"), self._reader.micros(end, "end")
        )
        return tuple(instant(t) for t in times)

    @serialised
    def _tally_times(self, member: str, name: str, start: int, end: int) -> list[int]:
        """Like :meth:`tally_times`, with instants as epoch microseconds.

        >>> from servicemodel.loyalty import Ledger

        >>> Ledger()._tally_times("nobody", "points", 0, 1)
        []
        """
        acc = self._accounts.get(member)
        if acc is None or name not in acc.tallies:
            return []
        times = acc.tallies[name].times
        return times[bisect_left(times, start) : bisect_left(times, end)]

    @serialised
    def redeemed(self, reward: str) -> int:
        """Return how many redemptions of *reward* stand (made and not reversed).

        >>> from servicemodel.loyalty import Ledger

        >>> Ledger().redeemed("mug")
        0
        """
        return self._rewards.get(reward, 0)

    @serialised
    def receipt(self, key: str) -> Receipt:
        """Return the receipt of the accepted command with idempotency key *key*.

        Raises:
            LedgerError: no command with that key.

        >>> from servicemodel.loyalty import Ledger

        >>> Ledger().receipt("nope")
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.LedgerError: 'key' must be the key of an accepted command (got 'nope')
        """
        known = self._keys.get(key)
        if known is None:
            raise LedgerError(f"'key' must be the key of an accepted command (got {key!r})")
        return self._receipt(key, known.member, self._accepted[key])

    @serialised
    def command(self, key: str) -> Command:
        """Return the accepted command with idempotency key *key*.

        Raises:
            LedgerError: no command with that key.

        >>> from servicemodel.loyalty import Ledger

        >>> import pendulum
        >>> ledger = Ledger()
        >>> _ = ledger.earn(member="ann", points=5, at=pendulum.datetime(2025, 1, 1), key="k")
        >>> c = ledger.command("k")
        >>> c.name.value, c.member, c.at, c.argument("points")
        ('earn', 'ann', DateTime(2025, 1, 1, 0, 0, 0, tzinfo=Timezone('UTC')), 5)
        """
        if key not in self._keys:
            raise LedgerError(f"'key' must be the key of an accepted command (got {key!r})")
        return command_of_payload(self._keys[key], key, self.policies.zone)

    @serialised
    def knows(self, key: str) -> bool:
        """Return whether a command with idempotency key *key* was accepted.

        >>> from servicemodel.loyalty import Ledger

        >>> Ledger().knows("order-1")
        False
        """
        return key in self._keys

    @serialised
    def redemption_allocations(self, member: str, redemption: str) -> tuple[Allocation, ...]:
        """Return the lots and points a redemption drew (by its key).

        Raises:
            LedgerError: no such redemption for *member*.

        >>> from servicemodel.loyalty import Ledger

        >>> Ledger().redemption_allocations("ann", "r-1")
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.LedgerError: 'redemption' must be the key of a redemption by 'ann' (got 'r-1')
        """
        record = self._redemption(self._accounts.get(member), member, redemption)
        return tuple(Allocation(lot, pts) for lot, pts in record.allocations)

    # --------------------------------------------------------------- commands

    def _redemption(self, acc: Account | None, member: str, redemption: str) -> RedemptionState:
        if acc is None or redemption not in acc.redemptions:
            raise LedgerError(
                f"'redemption' must be the key of a redemption by {member!r} (got {redemption!r})"
            )
        return acc.redemptions[redemption]
