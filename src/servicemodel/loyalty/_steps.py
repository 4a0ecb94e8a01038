"""How a ledger runs a command: one commit body, and each command's step inside it.

:class:`LedgerSteps` is the command half of :class:`~servicemodel.loyalty.Ledger`
below its public methods (which take the ledger's lock; what each command
runs, its arguments checked and its payload built, is in ``_ledger``).
Every command goes through :meth:`LedgerSteps._run`, the one place that
answers a key sent again, admits the member (expected version, time
order), runs the command's step and commits (version, snapshot, payload
and receipt by key). A step checks what the command needs (refusing
changes nothing), records what became due before the command
(``Account.settle``, when something may be: ``Account.next_due``) and
applies the command to the member's account.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Callable
from typing import Any, Final

import attrs

from .._time import from_micros, zone
from .._validators import text, text_problem
from ..exceptions import (
    IdempotencyConflict,
    InsufficientPoints,
    LedgerError,
    ValidationError,
    VersionConflict,
)
from ._account import Account, LotState, RedemptionState
from ._expiry import NEVER, day_based
from ._journal import (
    Accepted,
    ActivateCall,
    AdjustCall,
    EarnCall,
    Payload,
    RedeemCall,
    ReturnCall,
    ReverseCall,
)
from ._policies import (
    ActivityKind,
    Expiry,
    NegativeBalance,
    Pending,
    RedemptionReversal,
    lot_expiry,
)
from ._queries import LedgerQueries
from ._returns import clawback_amount, expired_by, forgivable, take_back, voids_all
from ._values import Award, EntryKind, LineShare

__all__ = ["DayExpiry", "LedgerSteps", "Step"]

# Module constants: an enum member looked up on its class costs about five times a global.
_ADJUST, _DEBT, _EARN, _REDEEM = EntryKind.ADJUST, EntryKind.DEBT, EntryKind.EARN, EntryKind.REDEEM
_REISSUE, _WRITE_OFF = EntryKind.REISSUE, EntryKind.WRITE_OFF
_ACTIVITY_EARN, _ACTIVITY_REDEEM = ActivityKind.EARN, ActivityKind.REDEEM
_REFUSE, _UNLIMITED = NegativeBalance.REFUSE, NegativeBalance.UNLIMITED
_RESTORE = RedemptionReversal.RESTORE
_EPOCH: Final = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
_new_object: Final = object.__new__

#: A command's step: ``step(ledger, account, at, key, payload, extra)`` checks,
#: settles and applies the command, and returns where its own entries start
#: (the journal's length after what became due before the command).
Step = Callable[["LedgerSteps", Account, int, str, Any, Any], int]


@attrs.define
class DayExpiry:
    """The policy expiry of every lot granted in ``[start, end)``, one local day.

    A ledger keeps one (empty until its first grant) when its expiry rule
    gives every lot granted on a local day the same expiry: a grant on that
    day reads it instead of working the rule out again.

    >>> DayExpiry()
    DayExpiry(start=0, end=0, expires=4611686018427387904)
    """

    start: int = 0
    end: int = 0
    expires: int = NEVER


class LedgerSteps(LedgerQueries):
    """The commit body and the command steps of a :class:`~servicemodel.loyalty.Ledger`.

    >>> from servicemodel.loyalty import Ledger
    >>> issubclass(Ledger, LedgerSteps)
    True
    """

    __slots__ = ()
    #: The policy expiry of the lots granted on one local day (see _grant).
    _day_expiry: DayExpiry
    #: The pending policy when lots wait before they are available; None when they do not.
    _pending: Pending | None

    def _run(
        self,
        step: Step,
        key: str,
        payload: Payload,
        member: str,
        t: int,
        expected: int | None,
        extra: Any,
    ) -> Accepted:
        """Run one command (*payload* is ``(name, member, t, *arguments)``, *member* and *t* its own) and commit it.

        A key sent again returns what was kept of the first (or raises a
        conflict); otherwise *step* runs on the member's account and the
        command is committed.
        Whatever refuses the command raises before anything changed. The
        caller holds the ledger's lock (see ``Ledger.apply``).
        """
        if text_problem(key) is not None:  # the one text rule, asked without raising
            text(key, field="key")
        known = self._keys.get(key)
        if known is not None:
            return self._again(key, known, payload)
        try:
            acc = self._accounts.get(member)
        except TypeError:  # not a member id at all: _admit says so
            acc = None
        if acc is None or expected is not None or t < acc.last_at:
            acc = self._admit(acc, member, t, expected)
        first = step(self, acc, t, key, payload, extra)
        version = acc.version = acc.version + 1
        if version == 1:
            self._accounts[member] = acc
        acc.last_at = t
        acc.snap_t.append(t)
        acc.snap_v.append((acc.avail, acc.pend, acc.debt))
        self._keys[key] = payload
        accepted = self._accepted[key] = (version, first, len(self._journal))
        return accepted

    def _again(self, key: str, known: Payload, payload: Payload) -> Accepted:
        """What was kept of a command sent again, or a conflict if its payload differs."""
        if known == payload:
            return self._accepted[key]
        text(payload.member, field="member")
        raise IdempotencyConflict(
            f"'key' {key!r} was already used for a different command "
            f"({known.name} for {known.member!r}); use a new key for a new command"
        )

    def _admit(
        self, account: Account | None, member: str, at: int, expected: int | None
    ) -> Account:
        """Check the expected version and the time order; a new member gets a fresh account."""
        if account is None:
            text(member, field="member")
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
            account = Account.new(member, self._journal, self._rules)
        return account

    def _grant(
        self,
        acc: Account,
        kind: EntryKind,
        key: str,
        t: int,
        points: int,
        expiry: Expiry | None,
        activity: ActivityKind,
        pending: bool = False,
        awards: tuple[Award, ...] = (),
        lines: tuple[LineShare, ...] = (),
        ref: str | None = None,
        note: str | None = None,
    ) -> int:
        """Grant a new lot of *points* at *t* (an earn, a reissue, a positive adjustment).

        The one body that grants: when the lot becomes available (later if
        *pending* and the policy has a pending period) and expires (*expiry*,
        ``None``: the policy's), which may refuse the command, so first; then
        what became due before it (settled with *activity*); then the lot.
        Returns where the command's own entries start.
        """
        day = self._day_expiry
        if expiry is None and (not pending or self._pending is None) and day.start <= t < day.end:
            available, expires = t, day.expires  # the policy's expiry, known for t's day
        else:
            available, expires = self._lot_times(t, expiry, pending)
        if t >= acc.next_due:
            acc.settle(t, activity)
        first = len(self._journal)
        acc.issue(kind, key, t, points, available, expires, awards, lines, ref, note)
        return first

    def _lot_times(self, at: int, expiry: Expiry | None, pending: bool) -> tuple[int, int]:
        """When a lot granted at *at* becomes available (later if *pending*) and expires.

        *expiry* is the lot's own expiry rule (``None``: the policy's). A lot
        whose availability or expiry would fall past the last instant a date
        can hold (the year 9999) is refused with a ValidationError on ``at``.
        """
        clock = self._clock
        try:
            available = self._pending._available_at(clock, at) if pending and self._pending else at
            expires_from = (
                self._policy_expiry
                if expiry is None
                else functools.partial(expiry._lot_expiry, clock)
            )
            return available, lot_expiry(self.policies.expiry_start, expires_from, at, available)
        except OverflowError:
            when = _EPOCH + _dt.timedelta(microseconds=at)
            raise ValidationError(
                f"'at' must leave room for the lot's availability and expiry before the year "
                f"10000 (got {when.isoformat()})",
                field="at",
                value=when,
            ) from None

    def _policy_expiry(self, at: int) -> int:
        """The policy's expiry for a lot counted from *at*; kept for *at*'s day when it can be.

        The answer is kept (``_day_expiry``, written only here) when the rule
        depends on the local day only and the day has one UTC offset
        throughout (so every instant of it is on that local day): not on a
        transition day.
        """
        day = self._day_expiry
        if day.start <= at < day.end:
            return day.expires
        clock = self._clock
        rule = self.policies.expiry
        expires = rule._lot_expiry(clock, at)
        if day_based(rule):
            number = clock.day(at)
            start, end = clock.start_of_day(number), clock.start_of_day(number + 1)
            if start <= at < end and clock.offset(start) == clock.offset(end - 1):
                day.start, day.end, day.expires = start, end, expires
        return expires

    def _earn_lot(self, acc: Account, member: str, earn: str) -> LotState:
        known = self._keys.get(earn)
        if known is None or known.member != member or known.name != "earn":
            raise LedgerError(f"'earn' must be the key of an earn by {member!r} (got {earn!r})")
        _, first, last = self._accepted[earn]
        for index in range(first, last):
            rec = self._journal[index]
            if rec.kind is _EARN and rec.lot is not None:
                lot: LotState = acc.lots[rec.lot - 1]
                return lot
        raise LedgerError(  # pragma: no cover - an accepted earn always has its lot
            f"'earn' must be the key of an earn by {member!r} (got {earn!r})"
        )

    def _earn(self, acc: Account, t: int, key: str, payload: EarnCall, shares: Any) -> int:
        """An earn (*payload*); *shares*: the lines' shares of its points."""
        points = payload.points
        # Positional: keyword arguments cost a lookup each on the command path.
        first = self._grant(
            acc, _EARN, key, t, points, payload.expiry, _ACTIVITY_EARN, True, payload.awards, shares
        )
        acc.tally(t, points, payload.tally)
        return first

    def _activate(self, acc: Account, t: int, key: str, payload: ActivateCall, _extra: Any) -> int:
        """activate: ``(name, member, t, earn)``."""
        earn = payload.earn
        lot = self._earn_lot(acc, payload.member, earn)
        if not acc.pending_at(lot, t):
            when = from_micros(t, zone(self.policies.zone))
            raise LedgerError(f"'earn' {earn!r} must have a pending lot at {when} (it has not)")
        if t >= acc.next_due:
            acc.settle(t, ActivityKind.ACTIVATE)
        first = len(self._journal)
        acc.activate(lot, t, key)
        return first

    def _redeem(self, acc: Account, t: int, key: str, payload: RedeemCall, _extra: Any) -> int:
        """redeem: ``(name, member, t, points, reward)``."""
        points, reward = payload.points, payload.reward
        available = acc.available(t)
        if points > available:
            raise InsufficientPoints(
                f"'points' must be at most the {available} available points of {payload.member!r} "
                f"(got {points})"
            )
        if t >= acc.next_due:
            acc.settle(t, _ACTIVITY_REDEEM)
        first = len(self._journal)
        allocs = acc.take(points)
        # Not yet reversed. Set here, as Account.issue makes a lot (see LotState).
        redemption = acc.redemptions[key] = _new_object(RedemptionState)
        redemption.allocations = allocs
        redemption.reward = reward
        redemption.reversed = False
        if reward is not None:
            self._rewards[reward] = self._rewards.get(reward, 0) + 1
        acc.emit(_REDEEM, t, points, allocs, None, key, None, reward)
        return first

    def _reverse(self, acc: Account, t: int, key: str, payload: ReverseCall, _extra: Any) -> int:
        """reverse_redemption: ``(name, member, t, redemption)``, by the reversal policy."""
        redemption = payload.redemption
        record = self._redemption(acc, payload.member, redemption)
        if record.reversed:
            raise LedgerError(
                f"'redemption' {redemption!r} must not be reversed twice (it already was)"
            )
        allocs = record.allocations
        total = sum(p for _, p in allocs)
        if self.policies.reversal is _RESTORE:
            if t >= acc.next_due:
                acc.settle(t, ActivityKind.RESTORE)
            first = len(self._journal)
            acc.restore(allocs, total, t, key, redemption)
        else:
            first = self._grant(
                acc, _REISSUE, key, t, total, None, ActivityKind.REISSUE, ref=redemption
            )
        record.reversed = True
        if record.reward is not None:
            self._rewards[record.reward] -= 1
        return first

    def _return(self, acc: Account, t: int, key: str, payload: ReturnCall, _extra: Any) -> int:
        """return_purchase: ``(name, member, t, earn, returned lines or None, tallies)``."""
        member, earn, returned, tallies = (
            payload.member,
            payload.earn,
            payload.lines,
            payload.tally,
        )
        lot = self._earn_lot(acc, member, earn)
        claw, updates = clawback_amount(lot, returned, earn)
        policies = self.policies
        pending = acc.pending_at(lot, t)
        if voids_all(policies, pending, claw):
            claw = lot.original - lot.clawed
        if not pending and policies.negative_balance is _REFUSE and claw:
            needed = claw - forgivable(lot, claw, expired_by(acc, lot, t), policies.expired_return)
            available = acc.available(t)
            if needed > available:
                raise InsufficientPoints(
                    f"'lines' would claw back {needed} points but only {available} are "
                    f"available to {member!r} and the policy is 'refuse'"
                )
        if t >= acc.next_due:
            acc.settle(t, ActivityKind.RETURN)
        first = len(self._journal)
        if updates:
            lot.line_returned = dict(lot.line_returned)
            lot.line_reversed = dict(lot.line_reversed)
        for line, (amount, points) in updates.items():
            lot.line_returned[line] = amount
            lot.line_reversed[line] = points
        take_back(acc, lot, claw, t, key, earn, policies, pending=pending)
        acc.tally(t, -claw, tallies)
        return first

    def _adjust(self, acc: Account, t: int, key: str, payload: AdjustCall, _extra: Any) -> int:
        """adjust: ``(name, member, t, points, reason, shortfall, expiry)``."""
        member, points, shortfall = payload.member, payload.points, payload.shortfall
        if points < 0 and shortfall is _REFUSE:
            available = acc.available(t)
            if -points > available:
                raise InsufficientPoints(
                    f"'points' must deduct at most the {available} available points of "
                    f"{member!r} (got {points}); pass shortfall=NegativeBalance.UNLIMITED to "
                    "record debt"
                )
        if points > 0:
            return self._grant(
                acc,
                _ADJUST,
                key,
                t,
                points,
                payload.expiry,
                ActivityKind.ADJUST,
                note=payload.reason,
            )
        if t >= acc.next_due:
            acc.settle(t, ActivityKind.ADJUST)
        first = len(self._journal)
        wanted = -points
        taken = min(wanted, acc.avail)
        allocs = acc.take(taken) if taken else ()
        acc.emit(_ADJUST, t, -taken, allocs, None, key, None, payload.reason)
        short = wanted - taken
        if short and shortfall is _UNLIMITED:
            acc.debt += short
            acc.emit(_DEBT, t, short, (), None, key, None, payload.reason)
        elif short:
            acc.emit(_WRITE_OFF, t, short, (), None, key, None, payload.reason)
        return first
