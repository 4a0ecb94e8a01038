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

import _thread
import datetime as _dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from .._validators import instances, integer, text
from ..exceptions import ValidationError
from ._account import Account, AccountRules
from ._arguments import MAX_POINTS, check_points, check_tally, line_shares
from ._clock import InstantReader, LocalClock
from ._commands import COMMAND_FIELDS, Command, command_call
from ._expiry import _expiry, inactivity_of
from ._journal import (
    Accepted,
    ActivateCall,
    AdjustCall,
    EarnCall,
    JournalEntry,
    Payload,
    RedeemCall,
    ReturnCall,
    ReverseCall,
)
from ._policies import ADJUST_SHORTFALL, Expiry, NegativeBalance, Policies
from ._steps import DayExpiry, LedgerSteps, Step
from ._values import Award, EarnLine, Receipt, ReturnedLine

__all__ = ["COMMAND_CALLS", "Ledger"]

_new_record: Final = tuple.__new__  # a NamedTuple's own constructor costs twice as much
# threading.RLock is a Python function that returns this type: a store makes a ledger a member.
_new_lock: Final = _thread.RLock

# Each command's step, as module constants: a function looked up on its class
# costs about five times a global on the command paths.
_EARN_STEP: Final[Step] = LedgerSteps._earn
_ACTIVATE_STEP: Final[Step] = LedgerSteps._activate
_REDEEM_STEP: Final[Step] = LedgerSteps._redeem
_REVERSE_STEP: Final[Step] = LedgerSteps._reverse
_RETURN_STEP: Final[Step] = LedgerSteps._return
_ADJUST_STEP: Final[Step] = LedgerSteps._adjust


class Ledger(LedgerSteps):
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
        "_accepted",
        "_accounts",
        "_clock",
        "_day_expiry",
        "_inactivity",
        "_journal",
        "_keys",
        "_lock",
        "_pending",
        "_reader",
        "_rewards",
        "_rules",
        "_source",
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
        self._clock = LocalClock(policies.zone)
        self._inactivity = inactivity_of(policies.expiry)
        self._rules = AccountRules(self._clock, self._inactivity, policies.consumption)
        self._reader = InstantReader()
        self._day_expiry = DayExpiry()
        self._pending = policies.pending if policies.pending.length else None
        self._open_books()

    def _open_books(self) -> None:
        """No member, no journal, no key yet."""
        self._lock = _new_lock()
        self._accounts: dict[str, Account] = {}
        self._journal: list[JournalEntry] = []
        self._keys: dict[str, Payload] = {}
        self._accepted: dict[str, Accepted] = {}
        self._rewards: dict[str, int] = {}
        self._source = self._span

    def _empty_like(self) -> Ledger:
        """A new, empty ledger under this one's policies, sharing what they derive.

        The clock, the account rules, the instant reader and the day's expiry
        hold no member's state, only what the policies give (and caches of
        it): ledgers used one at a time, such as a store's ledger per member
        under the store's lock, share them instead of deriving them again.

        >>> import pendulum
        >>> first = Ledger()
        >>> _ = first.earn(member="ann", points=5, at=pendulum.datetime(2025, 1, 1), key="k")
        >>> second = first._empty_like()
        >>> second.policies is first.policies, second.version("ann")
        (True, 0)
        """
        other: Ledger = Ledger.__new__(Ledger)
        other.policies = self.policies
        other._clock = self._clock
        other._inactivity = self._inactivity
        other._rules = self._rules
        other._reader = self._reader
        other._day_expiry = self._day_expiry
        other._pending = self._pending
        other._open_books()
        return other

    # ------------------------------------------------------------------ basics

    def __getstate__(self) -> dict[str, Any]:
        # A lock is not copied or pickled: the copy gets its own (see __setstate__).
        return {name: getattr(self, name) for name in Ledger.__slots__ if name != "_lock"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        self._lock = _new_lock()

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
        if type(command) is not Command:
            raise ValidationError(
                f"'command' must be a Command value (got {command!r})",
                field="command",
                value=command,
            )
        # What the method of the command's name runs (the same checks and payload), given
        # the command's arguments. ``_value_`` is the member's value as the enum keeps it
        # (``.value`` is a property, a Python call on every command a store applies).
        lock = self._lock
        lock.acquire()
        try:
            accepted = COMMAND_CALLS[command.name._value_](self, command)
            return self._receipt(command.key, command.member, accepted)
        finally:
            lock.release()

    # ------------------------------------------------------------- commands

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
        t = self._reader.micros(at, "at")
        lock = self._lock
        lock.acquire()
        try:
            accepted = _run_earn(
                self, key, member, t, points, awards, lines, expiry, tally, expected_version
            )
            return self._receipt(key, member, accepted)
        finally:
            lock.release()

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
        t = self._reader.micros(at, "at")
        lock = self._lock
        lock.acquire()
        try:
            accepted = _run_activate(self, key, member, t, earn, expected_version)
            return self._receipt(key, member, accepted)
        finally:
            lock.release()

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
        t = self._reader.micros(at, "at")
        lock = self._lock
        lock.acquire()
        try:
            accepted = _run_redeem(self, key, member, t, points, reward, expected_version)
            return self._receipt(key, member, accepted)
        finally:
            lock.release()

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
        t = self._reader.micros(at, "at")
        lock = self._lock
        lock.acquire()
        try:
            accepted = _run_reverse_redemption(self, key, member, t, redemption, expected_version)
            return self._receipt(key, member, accepted)
        finally:
            lock.release()

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
        t = self._reader.micros(at, "at")
        lock = self._lock
        lock.acquire()
        try:
            accepted = _run_return_purchase(
                self, key, member, t, earn, lines, tally, expected_version
            )
            return self._receipt(key, member, accepted)
        finally:
            lock.release()

    def adjust(
        self,
        *,
        member: str,
        points: int,
        at: _dt.datetime,
        key: str,
        reason: str,
        shortfall: NegativeBalance = ADJUST_SHORTFALL,
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
        t = self._reader.micros(at, "at")
        lock = self._lock
        lock.acquire()
        try:
            accepted = _run_adjust(
                self, key, member, t, points, reason, shortfall, expiry, expected_version
            )
            return self._receipt(key, member, accepted)
        finally:
            lock.release()

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


# What each command runs, under the ledger's lock: its arguments checked, its payload
# built and its step run (LedgerSteps._run). The method of the command's name calls it
# with the instant it read; a Command reaches it through its call (see COMMAND_CALLS),
# positionally: ``run(ledger, key, member, at, *arguments, expected_version)``, the
# arguments in the order of COMMAND_FIELDS, ``at`` in epoch microseconds.


def _run_earn(
    ledger: Ledger,
    key: str,
    member: str,
    t: int,
    points: int,
    awards: Iterable[Award],
    lines: Iterable[EarnLine],
    expiry: Expiry | None,
    tally: Mapping[str, Any] | None,
    expected_version: int | None,
) -> Accepted:
    if type(points) is not int or not 0 <= points <= MAX_POINTS:
        integer(points, field="points", low=0, high=MAX_POINTS)  # an earn may record 0
    award_items = () if awards == () else instances(awards, Award, field="awards")
    line_items = lines if type(lines) is tuple else tuple(lines)
    shares = line_shares(points, line_items, ledger.policies.returns) if line_items else ()
    if expiry is not None:
        _expiry(expiry)
    tallies = () if tally is None else check_tally(tally)
    payload = _new_record(
        EarnCall, ("earn", member, t, points, award_items, line_items, expiry, tallies)
    )
    return ledger._run(_EARN_STEP, key, payload, member, t, expected_version, shares)


def _run_activate(
    ledger: Ledger, key: str, member: str, t: int, earn: str, expected_version: int | None
) -> Accepted:
    text(earn, field="earn")
    payload = _new_record(ActivateCall, ("activate", member, t, earn))
    return ledger._run(_ACTIVATE_STEP, key, payload, member, t, expected_version, None)


def _run_redeem(
    ledger: Ledger,
    key: str,
    member: str,
    t: int,
    points: int,
    reward: str | None,
    expected_version: int | None,
) -> Accepted:
    if type(points) is not int or not 0 < points <= MAX_POINTS:
        check_points(points)
    if reward is not None:
        text(reward, field="reward")
    payload = _new_record(RedeemCall, ("redeem", member, t, points, reward))
    return ledger._run(_REDEEM_STEP, key, payload, member, t, expected_version, None)


def _run_reverse_redemption(
    ledger: Ledger, key: str, member: str, t: int, redemption: str, expected_version: int | None
) -> Accepted:
    text(redemption, field="redemption")
    payload = _new_record(ReverseCall, ("reverse_redemption", member, t, redemption))
    return ledger._run(_REVERSE_STEP, key, payload, member, t, expected_version, None)


def _run_return_purchase(
    ledger: Ledger,
    key: str,
    member: str,
    t: int,
    earn: str,
    lines: Iterable[ReturnedLine] | None,
    tally: Mapping[str, Any] | None,
    expected_version: int | None,
) -> Accepted:
    text(earn, field="earn")
    returned = None if lines is None else instances(lines, ReturnedLine, field="lines")
    tallies = check_tally(tally)
    payload = _new_record(ReturnCall, ("return_purchase", member, t, earn, returned, tallies))
    return ledger._run(_RETURN_STEP, key, payload, member, t, expected_version, None)


def _run_adjust(
    ledger: Ledger,
    key: str,
    member: str,
    t: int,
    points: int,
    reason: str,
    shortfall: NegativeBalance,
    expiry: Expiry | None,
    expected_version: int | None,
) -> Accepted:
    text(reason, field="reason")
    if type(points) is not int or not -MAX_POINTS <= points <= MAX_POINTS:
        integer(points, field="points", low=-MAX_POINTS, high=MAX_POINTS)
    if points == 0:
        raise ValidationError(
            "'points' must not be 0 (got 0): an adjustment adds or deducts points",
            field="points",
            value=points,
        )
    if not isinstance(shortfall, NegativeBalance) or shortfall is NegativeBalance.ONLY_PENDING:
        raise ValidationError(
            f"'shortfall' must be NegativeBalance.REFUSE, WITHIN_BALANCE or UNLIMITED "
            f"(got {shortfall!r})",
            field="shortfall",
            value=shortfall,
        )
    if expiry is not None:
        _expiry(expiry)
    payload = _new_record(AdjustCall, ("adjust", member, t, points, reason, shortfall, expiry))
    return ledger._run(_ADJUST_STEP, key, payload, member, t, expected_version, None)


_RUNS: Final[dict[str, Callable[..., Accepted]]] = {
    "earn": _run_earn,
    "activate": _run_activate,
    "redeem": _run_redeem,
    "reverse_redemption": _run_reverse_redemption,
    "return_purchase": _run_return_purchase,
    "adjust": _run_adjust,
}

#: Each command name's call (``call(ledger, command)``): what the ledger's method of
#: that name runs, given the command's arguments. It takes no lock: :meth:`Ledger.apply`
#: holds the ledger's; a store's ledger of one member runs under the store's lock.
COMMAND_CALLS: Final[dict[str, Callable[[Ledger, Command], Accepted]]] = {
    name: command_call(name, _RUNS[name]) for name in COMMAND_FIELDS
}
