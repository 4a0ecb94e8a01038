"""The points ledger: an append-only journal of lots, commands and derived facts.

The ledger is the one mutable object of the loyalty package. Commands
(earn, activate, redeem, reverse a redemption, return a purchase, adjust)
append entries; nothing is ever updated in place in the journal. Time-driven
facts (a pending lot becoming available, a lot expiring, the balance expiring
after inactivity) are derived from the journal: queries compute them for any
instant, and the next command for the member records them ("settles") before
it runs, with their own instants. No background job is needed.

Hot-path state is integers: epoch microseconds and points. Per member the
ledger keeps a heap of lots in consumption order, a heap of expiries, a heap
of pending lots, a Fenwick tree of available points by expiry instant and a
snapshot of the balance after every entry, so ``balance(as_of)`` costs a
binary search (past instants) or a Fenwick prefix sum (later instants), never
a walk over the journal.
"""

from __future__ import annotations

import datetime as _dt
import functools
import threading
from collections.abc import Callable, Iterable, Mapping
from heapq import heappush
from typing import Any

from ..exceptions import (
    IdempotencyConflict,
    InsufficientPoints,
    LedgerError,
    ValidationError,
    VersionConflict,
)
from ._account import ACTIVE, Account, AccountRules, LotState
from ._arguments import MAX_POINTS, check_points, check_tally, check_text, line_shares
from ._clock import InstantReader, LocalClock
from ._commands import Command
from ._expiry import _expiry, day_based, inactivity_of
from ._journal import Accepted, JournalEntry
from ._policies import (
    NEVER,
    ActivityKind,
    Consumption,
    Expiry,
    ExpiryStart,
    NegativeBalance,
    Policies,
    RedemptionReversal,
    lot_expiry,
)
from ._queries import LedgerQueries
from ._returns import clawback_amount, expired_by, forgivable, take_back, voids_all
from ._values import (
    Award,
    EarnLine,
    EntryKind,
    LineShare,
    Receipt,
    ReturnedLine,
    make_receipt,
)

__all__ = ["Ledger"]

# Entry kinds as globals: an enum member looked up on its class costs five times as much.
_ADJUST, _DEBT, _EARN, _REDEEM = EntryKind.ADJUST, EntryKind.DEBT, EntryKind.EARN, EntryKind.REDEEM
_REISSUE, _WRITE_OFF = EntryKind.REISSUE, EntryKind.WRITE_OFF
_new_record = tuple.__new__  # a NamedTuple's own constructor costs twice as much


class Ledger(LedgerQueries):
    """An append-only points ledger for many members, under one set of policies.

    Every command takes an idempotency ``key`` (unique across the ledger): the
    same key with the same payload returns the first receipt and writes
    nothing; the same key with another payload raises
    :class:`~servicemodel.exceptions.IdempotencyConflict`. A command may pass
    ``expected_version`` (the member's version, the number of commands it has
    accepted); a mismatch raises :class:`~servicemodel.exceptions.VersionConflict`.
    A refused command changes nothing. A member's commands must come in time
    order.

    A ledger may be shared between threads: each command and each query holds
    the ledger's lock while it runs, so commands apply one at a time, in full
    or not at all. It is not shared between processes; a
    :mod:`store <servicemodel.loyalty.store>` is how several processes keep
    one ledger.

    Args:
        policies: the ledger's :class:`Policies`.

    >>> import pendulum
    >>> from servicemodel.loyalty import AfterDays, Policies
    >>> ledger = Ledger(policies=Policies(zone="Europe/Warsaw", expiry=AfterDays(days=365)))
    >>> t = pendulum.datetime(2025, 1, 10, 12, tz="Europe/Warsaw")
    >>> ledger.earn(member="ann", points=100, at=t, key="order-1").version
    1
    >>> ledger.redeem(member="ann", points=40, at=t.add(days=3), key="r-1").entries[0].allocations
    (Allocation(lot=1, points=40),)
    >>> ledger.balance("ann", as_of=t.add(days=3))
    Balance(available=60, pending=0, debt=0)
    >>> ledger.balance("ann", as_of=pendulum.datetime(2026, 1, 10, tz="Europe/Warsaw"))
    Balance(available=0, pending=0, debt=0)
    """

    __slots__ = (
        "_accounts",
        "_clock",
        "_consumption",
        "_day_expiry",
        "_earn_counts",
        "_from_available",
        "_inactivity",
        "_journal",
        "_keys",
        "_lock",
        "_reader",
        "_rewards",
        "_rules",
        "_source",
        "_use_order",
        "policies",
    )

    def __init__(self, *, policies: Policies | None = None) -> None:
        if policies is None:
            policies = Policies()
        if not isinstance(policies, Policies):
            raise ValidationError(
                f"'policies' must be a Policies value (got {policies!r})",
                field="policies",
                value=policies,
            )
        self.policies = policies
        self._lock = threading.RLock()
        self._clock = LocalClock(policies.zone)
        self._inactivity = inactivity_of(policies.expiry)
        # Whether an earn restarts the inactivity clock (any command starts a stopped one).
        self._earn_counts = self._inactivity is None or self._inactivity.counts(ActivityKind.EARN)
        self._from_available = policies.expiry_start is ExpiryStart.AVAILABLE
        self._rules = AccountRules(self._clock, self._inactivity, policies.consumption)
        self._accounts: dict[str, Account] = {}
        self._journal: list[JournalEntry] = []
        self._keys: dict[str, Accepted] = {}
        self._rewards: dict[str, int] = {}
        self._consumption = policies.consumption
        # How the consumption heap is keyed: 0 by expiry, 1 oldest lot first, 2 newest first.
        self._use_order = (
            0
            if policies.consumption is Consumption.SOONEST_EXPIRING
            else 1
            if policies.consumption is Consumption.FIFO
            else 2
        )
        self._reader = InstantReader()
        self._source = self._span
        # The policy expiry of lots earned in [start, end) of one local day, when it
        # depends on the day only: (start, end, expiry); empty until the first earn.
        self._day_expiry = (0, 0, NEVER)

    # ------------------------------------------------------------------ basics

    def __getstate__(self) -> dict[str, Any]:
        # A lock is not copied or pickled: the copy gets its own (see __setstate__).
        return {name: getattr(self, name) for name in Ledger.__slots__ if name != "_lock"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        return f"Ledger(members={len(self._accounts)}, entries={len(self._journal)})"

    def apply(self, command: Command) -> Receipt:
        """Run *command* (as :meth:`commands` lists them) with the method of its name.

        Raises:
            ValidationError: *command* is not a :class:`Command`, or bad arguments.
            LedgerError: the command is refused; nothing changed.

        >>> import pendulum
        >>> a = Ledger()
        >>> _ = a.earn(member="ann", points=5, at=pendulum.datetime(2025, 1, 1), key="k")
        >>> b = Ledger()
        >>> b.apply(a.command("k")).version
        1
        """
        if not isinstance(command, Command):
            raise ValidationError(
                f"'command' must be a Command value (got {command!r})",
                field="command",
                value=command,
            )
        method: Callable[..., Receipt] = getattr(self, command.name.value)
        return method(**command.call())

    # ---------------------------------------------------------- command frame

    def _begin(
        self, key: str, payload: tuple[Any, ...], member: str, at: int, expected: int | None
    ) -> tuple[Account | None, Receipt | None]:
        known = self._keys.get(key)
        if known is not None:
            return None, self._again(key, known, payload)
        account = self._accounts.get(member)
        if account is None or expected is not None or at < account.last_at:
            account = self._admit(account, member, at, expected)
        return account, None

    def _again(self, key: str, known: Accepted, payload: tuple[Any, ...]) -> Receipt:
        """The first receipt of a command sent again, or a conflict if its payload differs."""
        if known.payload == payload:
            return self._receipt(key)
        raise IdempotencyConflict(
            f"'key' {key!r} was already used for a different command "
            f"({known.payload[0]} for {known.member!r}); use a new key for a new command"
        )

    def _admit(
        self, account: Account | None, member: str, at: int, expected: int | None
    ) -> Account:
        """Check the expected version and the time order; a new member gets a fresh account."""
        version = 0 if account is None else account.version
        if expected is not None and expected != version:
            raise VersionConflict(
                f"'expected_version' must be the member's current version {version} "
                f"(got {expected!r})"
            )
        if account is not None and at < account.last_at:
            raise LedgerError(
                f"'at' must not be before {member!r}'s last command at "
                f"{self._clock.instant(account.last_at).isoformat()} "
                f"(got {self._clock.instant(at).isoformat()}); commands are applied in time order"
            )
        if account is None:
            account = Account(member=member, out=self._journal, rules=self._rules)
        return account

    def _commit(
        self, account: Account, key: str, payload: tuple[Any, ...], at: int, first: int
    ) -> Receipt:
        member = account.member
        if not account.version:
            self._accounts[member] = account
        version = account.version = account.version + 1
        account.last_at = at
        last = len(self._journal)
        self._keys[key] = _new_record(Accepted, (payload, member, version, first, last))
        account.snap_t.append(at)
        account.snap_v.append((account.avail, account.pend, account.debt))
        return make_receipt(key, member, version, (first, last), self._source)

    def _new_lot(
        self,
        acc: Account,
        kind: EntryKind,
        key: str,
        at: int,
        points: int,
        expiry: Expiry | None,
        *,
        pending: bool,
        awards: tuple[Award, ...] = (),
        lines: tuple[LineShare, ...] = (),
    ) -> LotState:
        clock = self._clock
        available = self.policies.pending._available_at(clock, at) if pending else at
        expires = self._lot_expiry(at, available, expiry)
        lot = LotState(
            len(acc.lots) + 1, kind, key, at, available, expires, points, points, awards, lines
        )
        acc.lots.append(lot)
        acc.fen_register(expires)
        return lot

    def _lot_expiry(self, at: int, available: int, expiry: Expiry | None) -> int:
        """When a lot earned at *at*, available from *available*, expires (by *expiry* or the policy's)."""
        expires_from = (
            self._policy_expiry
            if expiry is None
            else functools.partial(expiry._lot_expiry, self._clock)
        )
        return lot_expiry(self.policies.expiry_start, expires_from, at, available)

    def _policy_expiry(self, at: int) -> int:
        """The policy's expiry for a lot earned at *at*, one computation per local day."""
        start, end, expires = self._day_expiry
        if start <= at < end:
            return expires
        clock = self._clock
        rule = self.policies.expiry
        expires = rule._lot_expiry(clock, at)
        if day_based(rule):
            day = clock.day(at)
            start, end = clock.start_of_day(day), clock.start_of_day(day + 1)
            # Reuse the answer only if the day has one UTC offset throughout (so every
            # instant in [start, end) is on this local day): not on a transition day.
            if start <= at < end and clock.offset(start) == clock.offset(end - 1):
                self._day_expiry = (start, end, expires)
        return expires

    def earn(
        self,
        *,
        member: str,
        points: int,
        at: _dt.datetime,
        key: str,
        awards: Iterable[Award] = (),
        lines: Iterable[EarnLine] = (),
        expiry: Expiry | None = None,
        tally: Mapping[str, Any] | None = None,
        expected_version: int | None = None,
    ) -> Receipt:
        """Issue *points* to *member* as a new lot (pending first if the policy says so).

        Args:
            member: the member id.
            points: whole points (0 records an earn whose award a cap rejected).
            at: when the points were earned.
            key: the idempotency key (e.g. the order id).
            awards: what each rule gave (kept on the lot for audits and returns).
            lines: the order's lines with their value and rule points; needed
                to return part of an order. Their points must sum to *points*.
            expiry: an expiry rule for this lot only (default: the policy's).
            tally: counters to record (e.g. spend for tiers, points under a cap).
            expected_version: the member's version this command expects.

        Raises:
            ValidationError: bad arguments.
            IdempotencyConflict, VersionConflict, LedgerError: refused; nothing changed.

        >>> import pendulum
        >>> ledger = Ledger()
        >>> r = ledger.earn(member="ann", points=50, at=pendulum.datetime(2025, 2, 1), key="o-1")
        >>> r.lot, r.entries[0].kind.value
        (1, 'earn')
        """
        with self._lock:
            # The hot path: the common case of _new_lot, _emit, _place and _tally is
            # written out here (it is their only copy); rare branches call the helpers.
            check_text(member, "member")
            check_text(key, "key")
            if type(points) is not int or not 0 <= points <= MAX_POINTS:
                check_points(points)
            t = self._reader.micros(at, "at")
            award_items = awards if type(awards) is tuple else tuple(awards)
            for item in award_items:
                if not isinstance(item, Award):
                    raise ValidationError(
                        f"'awards' must contain Award values (got {item!r})",
                        field="awards",
                        value=item,
                    )
            line_items = lines if type(lines) is tuple else tuple(lines)
            shares = line_shares(points, line_items, self.policies.returns) if line_items else ()
            if expiry is not None:
                _expiry(expiry)
            tallies = () if tally is None else check_tally(tally)
            payload = ("earn", member, t, points, award_items, line_items, expiry, tallies)
            acc, done = self._begin(key, payload, member, t, expected_version)
            if done is not None:
                return done
            assert acc is not None
            pend_heap, exp_heap = acc.pend_heap, acc.exp_heap
            if (
                (pend_heap and pend_heap[0][0] <= t)
                or (exp_heap and exp_heap[0][0] <= t)
                or (self._inactivity is not None and not acc.inactive_done)
            ):
                acc.settle(t)
            first = len(self._journal)
            # _new_lot
            if expiry is not None:
                expires = expiry._lot_expiry(self._clock, t)
            else:
                start, end, expires = self._day_expiry
                if not start <= t < end:
                    expires = self._policy_expiry(t)
            pending = self.policies.pending
            available = t if not pending.length else pending._available_at(self._clock, t)
            if expires <= available or self._from_available:
                expires = self._lot_expiry(t, available, expiry)
            lots = acc.lots
            lot_id = len(lots) + 1
            lot = LotState(
                lot_id,
                _EARN,
                key,
                t,
                available,
                expires,
                points,
                points,
                award_items,
                shares,
            )
            lots.append(lot)
            indexed = acc.indexed
            if indexed and expires != NEVER and expires not in acc.fen_index:
                acc.fen_register(expires)
            acc.emit(_EARN, t, points, (), lot_id, key)
            # _place: the common case (available at once, not yet expired) written out
            if available > t or expires <= t:
                acc.place(lot, t, key)
            else:
                lot.state = ACTIVE
                acc.avail += points
                if expires != NEVER:
                    heappush(exp_heap, (expires, lot_id))
                    if indexed and points:
                        i = acc.fen_index[expires]
                        tree = acc.fen
                        n = len(tree)
                        while i < n:
                            tree[i] += points
                            i += i & -i
                if points:
                    lot.in_use = True
                    order = self._use_order
                    heappush(
                        acc.use_heap,
                        ((expires if order == 0 else lot_id if order == 1 else -lot_id), lot_id),
                    )
                if acc.debt:
                    acc.repay(t, key)
            if self._earn_counts or acc.inactive_done:  # Account.touch, written out
                acc.last_activity = t
                acc.inactive_done = False
            # _tally
            if points:
                tally_points = acc.tallies.get("points")
                if tally_points is None:
                    acc.tallies["points"] = ([t], [points])
                else:
                    times, sums = tally_points
                    times.append(t)
                    sums.append(sums[-1] + points)
            if tallies:
                acc.tally(t, tallies)
            return self._commit(acc, key, payload, t, first)

    def _earn_lot(self, acc: Account | None, member: str, earn: str) -> LotState:
        known = self._keys.get(earn)
        if acc is None or known is None or known.member != member or known.payload[0] != "earn":
            raise LedgerError(f"'earn' must be the key of an earn by {member!r} (got {earn!r})")
        for index in range(known.first, known.last):
            rec = self._journal[index]
            if rec.kind is _EARN and rec.lot is not None:
                lot: LotState = acc.lots[rec.lot - 1]
                return lot
        raise LedgerError(f"'earn' must be the key of an earn by {member!r} (got {earn!r})")

    def activate(
        self,
        *,
        member: str,
        earn: str,
        at: _dt.datetime,
        key: str,
        expected_version: int | None = None,
    ) -> Receipt:
        """Make a pending lot available now (e.g. the order shipped early).

        Raises:
            LedgerError: no such earn, or its lot is not pending at *at*.

        >>> import pendulum
        >>> from servicemodel.loyalty import Pending
        >>> ledger = Ledger(policies=Policies(pending=Pending(length=14)))
        >>> t = pendulum.datetime(2025, 1, 1, 10)
        >>> _ = ledger.earn(member="ann", points=100, at=t, key="o-1")
        >>> _ = ledger.activate(member="ann", earn="o-1", at=t.add(days=2), key="a-1")
        >>> ledger.balance("ann", as_of=t.add(days=2)).available
        100
        """
        with self._lock:
            check_text(member, "member")
            check_text(key, "key")
            check_text(earn, "earn")
            t = self._reader.micros(at, "at")
            payload = ("activate", member, t, earn)
            acc, done = self._begin(key, payload, member, t, expected_version)
            if done is not None:
                return done
            lot = self._earn_lot(self._accounts.get(member), member, earn)
            assert acc is not None
            if not acc.pending_at(lot, t):
                raise LedgerError(f"'earn' {earn!r} must have a pending lot at {at} (it has not)")
            acc.settle(t)
            first = len(self._journal)
            acc.activate(lot, t, key)
            acc.touch(t, ActivityKind.ACTIVATE)
            return self._commit(acc, key, payload, t, first)

    def redeem(
        self,
        *,
        member: str,
        points: int,
        at: _dt.datetime,
        key: str,
        reward: str | None = None,
        expected_version: int | None = None,
    ) -> Receipt:
        """Spend *points* of *member*'s available points, in consumption order.

        Raises:
            InsufficientPoints: fewer than *points* are available at *at*.

        >>> import pendulum
        >>> Ledger().redeem(member="ann", points=1, at=pendulum.datetime(2025, 1, 1), key="r")
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.InsufficientPoints: 'points' must be at most the 0 available points of 'ann' (got 1)
        """
        with self._lock:
            check_text(member, "member")
            check_text(key, "key")
            if type(points) is not int or not 0 < points <= MAX_POINTS:
                check_points(points)
            if reward is not None:
                check_text(reward, "reward")
            t = self._reader.micros(at, "at")
            payload = ("redeem", member, t, points, reward)
            acc, done = self._begin(key, payload, member, t, expected_version)
            if done is not None:
                return done
            assert acc is not None
            pend_heap, exp_heap = acc.pend_heap, acc.exp_heap
            due = (
                (pend_heap and pend_heap[0][0] <= t)
                or (exp_heap and exp_heap[0][0] <= t)
                or (self._inactivity is not None and not acc.inactive_done)
            )
            available = acc.view(t, NEVER)[0] if due else acc.avail
            if points > available:
                raise InsufficientPoints(
                    f"'points' must be at most the {available} available points of {member!r} "
                    f"(got {points})"
                )
            if due:
                acc.settle(t)
            first = len(self._journal)
            allocs = acc.take(points)
            acc.redemptions[key] = [allocs, False, reward]
            if reward is not None:
                self._rewards[reward] = self._rewards.get(reward, 0) + 1
            acc.emit(_REDEEM, t, points, allocs, key=key, note=reward)
            acc.touch(t, ActivityKind.REDEEM)
            return self._commit(acc, key, payload, t, first)

    def reverse_redemption(
        self,
        *,
        member: str,
        redemption: str,
        at: _dt.datetime,
        key: str,
        expected_version: int | None = None,
    ) -> Receipt:
        """Undo a whole redemption (by its key), as the reversal policy says.

        ``restore`` puts exactly the redeemed allocations back into their lots
        (points of a lot that has expired expire at once); ``reissue`` grants
        a new lot with the same total.

        Raises:
            LedgerError: no such redemption, or it was already reversed.

        >>> import pendulum
        >>> ledger = Ledger()
        >>> t = pendulum.datetime(2025, 1, 1)
        >>> _ = ledger.earn(member="ann", points=100, at=t, key="o-1")
        >>> _ = ledger.redeem(member="ann", points=60, at=t, key="r-1")
        >>> _ = ledger.reverse_redemption(member="ann", redemption="r-1", at=t.add(days=1), key="x")
        >>> ledger.balance("ann", as_of=t.add(days=1)).available
        100
        """
        with self._lock:
            check_text(member, "member")
            check_text(key, "key")
            check_text(redemption, "redemption")
            t = self._reader.micros(at, "at")
            payload = ("reverse_redemption", member, t, redemption)
            acc, done = self._begin(key, payload, member, t, expected_version)
            if done is not None:
                return done
            record = self._redemption(self._accounts.get(member), member, redemption)
            if record[1]:
                raise LedgerError(
                    f"'redemption' {redemption!r} must not be reversed twice (it already was)"
                )
            assert acc is not None
            acc.settle(t)
            first = len(self._journal)
            allocs: tuple[tuple[int, int], ...] = record[0]
            total = sum(p for _, p in allocs)
            if self.policies.reversal is RedemptionReversal.RESTORE:
                acc.restore(allocs, total, t, key, redemption)
                acc.touch(t, ActivityKind.RESTORE)
            else:
                lot = self._new_lot(acc, _REISSUE, key, t, total, None, pending=False)
                acc.emit(_REISSUE, t, total, (), lot.id, key, ref=redemption)
                acc.place(lot, t, key)
                acc.touch(t, ActivityKind.REISSUE)
            record[1] = True
            if record[2] is not None:
                self._rewards[record[2]] -= 1
            return self._commit(acc, key, payload, t, first)

    def return_purchase(
        self,
        *,
        member: str,
        earn: str,
        at: _dt.datetime,
        key: str,
        lines: Iterable[ReturnedLine] | None = None,
        tally: Mapping[str, Any] | None = None,
        expected_version: int | None = None,
    ) -> Receipt:
        """Take back the points of a returned purchase (all of it, or some lines).

        The points to take back are the returned lines' attributed shares
        (partial quantities pro rata, rounded down, the last part exact), as
        fixed when the points were earned. While the lot is pending the
        points are voided; afterwards the clawback takes from the lot, then
        from other available points, and handles any shortfall by the
        negative-balance policy.

        Args:
            earn: the key of the earn whose purchase is returned.
            lines: the returned lines with the returned value; ``None`` returns
                everything not yet returned.

        Raises:
            LedgerError: no such earn, or lines it does not have.
            InsufficientPoints: the policy is ``refuse`` and the points are not there.

        >>> import pendulum
        >>> ledger = Ledger()
        >>> t = pendulum.datetime(2025, 1, 1)
        >>> _ = ledger.earn(member="ann", points=100, at=t, key="o-1")
        >>> ledger.return_purchase(member="ann", earn="o-1", at=t.add(days=1),
        ...                        key="ret-1").entries[0].points
        100
        """
        with self._lock:
            check_text(member, "member")
            check_text(key, "key")
            check_text(earn, "earn")
            t = self._reader.micros(at, "at")
            returned = None if lines is None else tuple(lines)
            if returned is not None:
                for item in returned:
                    if not isinstance(item, ReturnedLine):
                        raise ValidationError(
                            f"'lines' must contain ReturnedLine values (got {item!r})",
                            field="lines",
                            value=item,
                        )
            tallies = check_tally(tally)
            payload = ("return_purchase", member, t, earn, returned, tallies)
            acc, done = self._begin(key, payload, member, t, expected_version)
            if done is not None:
                return done
            assert acc is not None
            lot = self._earn_lot(self._accounts.get(member), member, earn)
            claw, updates = clawback_amount(lot, returned, earn)
            policies = self.policies
            pending = acc.pending_at(lot, t)
            if voids_all(policies, pending, claw):
                claw = lot.original - lot.clawed
            if not pending and policies.negative_balance is NegativeBalance.REFUSE and claw:
                needed = claw - forgivable(
                    lot, claw, expired_by(acc, lot, t), policies.expired_return
                )
                available = acc.available(t)
                if needed > available:
                    raise InsufficientPoints(
                        f"'lines' would claw back {needed} points but only {available} are "
                        f"available to {member!r} and the policy is 'refuse'"
                    )
            acc.settle(t)
            first = len(self._journal)
            if updates:
                lot.line_returned = dict(lot.line_returned)
                lot.line_reversed = dict(lot.line_reversed)
            for line, (amount, points) in updates.items():
                lot.line_returned[line] = amount
                lot.line_reversed[line] = points
            take_back(acc, lot, claw, t, key, earn, policies, pending=pending)
            acc.touch(t, ActivityKind.RETURN)
            acc.tally(t, (("points", -claw), *tallies))
            return self._commit(acc, key, payload, t, first)

    def adjust(
        self,
        *,
        member: str,
        points: int,
        at: _dt.datetime,
        key: str,
        reason: str,
        shortfall: NegativeBalance = NegativeBalance.REFUSE,
        expiry: Expiry | None = None,
        expected_version: int | None = None,
    ) -> Receipt:
        """Add (positive *points*) or deduct (negative) points by hand, with a reason.

        A positive adjustment is a new lot, available at once. A negative one
        takes available points in consumption order; *shortfall* says what
        happens beyond them: ``refuse`` (the default), ``within_balance``
        (write the rest off) or ``unlimited`` (the rest becomes debt).

        >>> import pendulum
        >>> ledger = Ledger()
        >>> t = pendulum.datetime(2025, 1, 1)
        >>> _ = ledger.adjust(member="ann", points=-30, at=t, key="fix-1", reason="fraud",
        ...                   shortfall=NegativeBalance.UNLIMITED)
        >>> ledger.balance("ann", as_of=t)
        Balance(available=0, pending=0, debt=30)
        """
        with self._lock:
            check_text(member, "member")
            check_text(key, "key")
            check_text(reason, "reason")
            if isinstance(points, bool) or not isinstance(points, int) or points == 0:
                raise ValidationError(
                    f"'points' must be a non-zero whole number (got {points!r})",
                    field="points",
                    value=points,
                )
            check_points(abs(points))
            if (
                not isinstance(shortfall, NegativeBalance)
                or shortfall is NegativeBalance.ONLY_PENDING
            ):
                raise ValidationError(
                    f"'shortfall' must be NegativeBalance.REFUSE, WITHIN_BALANCE or UNLIMITED "
                    f"(got {shortfall!r})",
                    field="shortfall",
                    value=shortfall,
                )
            if expiry is not None:
                _expiry(expiry)
            t = self._reader.micros(at, "at")
            payload = ("adjust", member, t, points, reason, shortfall, expiry)
            acc, done = self._begin(key, payload, member, t, expected_version)
            if done is not None:
                return done
            assert acc is not None
            if points < 0 and shortfall is NegativeBalance.REFUSE:
                available = acc.available(t)
                if -points > available:
                    raise InsufficientPoints(
                        f"'points' must deduct at most the {available} available points of "
                        f"{member!r} (got {points}); pass shortfall=NegativeBalance.UNLIMITED to "
                        "record debt"
                    )
            acc.settle(t)
            first = len(self._journal)
            if points > 0:
                lot = self._new_lot(acc, _ADJUST, key, t, points, expiry, pending=False)
                acc.emit(_ADJUST, t, points, (), lot.id, key, note=reason)
                acc.place(lot, t, key)
            else:
                wanted = -points
                taken = min(wanted, acc.avail)
                allocs = acc.take(taken) if taken else ()
                acc.emit(_ADJUST, t, -taken, allocs, key=key, note=reason)
                short = wanted - taken
                if short and shortfall is NegativeBalance.UNLIMITED:
                    acc.debt += short
                    acc.emit(_DEBT, t, short, key=key, note=reason)
                elif short:
                    acc.emit(_WRITE_OFF, t, short, key=key, note=reason)
            acc.touch(t, ActivityKind.ADJUST)
            return self._commit(acc, key, payload, t, first)

    # ------------------------------------------------------------ replaying

    def replay(self, commands: Iterable[Command]) -> None:
        """Apply commands (as returned by :meth:`commands`) in order.

        >>> import pendulum
        >>> a = Ledger()
        >>> _ = a.earn(member="ann", points=5, at=pendulum.datetime(2025, 1, 1), key="k")
        >>> b = Ledger()
        >>> b.replay(a.commands())
        >>> b.balance("ann", as_of=pendulum.datetime(2025, 1, 2)).available
        5
        """
        for command in commands:
            self.apply(command)
