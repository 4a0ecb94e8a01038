"""Returns: what a return takes back, and from where.

:func:`clawback_amount` is the points a return takes back (the returned
lines' shares, fixed when the points were earned); :func:`take_back` runs a
return on a member's account: it voids points still pending, writes off
what the order's lot already lost to expiry (by the expired-return policy),
takes the rest from the lot and then from other available points, and
records any shortfall by the negative-balance policy.
"""

from __future__ import annotations

from decimal import Decimal

from ..exceptions import LedgerError
from ._account import ACTIVE, EXPIRED, VOIDED, Account, LotState
from ._policies import ExpiredReturn, NegativeBalance, PendingReturn, Policies
from ._values import EntryKind, ReturnedLine

__all__ = ["clawback", "clawback_amount", "expired_by", "forgivable", "take_back", "voids_all"]


def clawback_amount(
    lot: LotState, returned: tuple[ReturnedLine, ...] | None, earn: str
) -> tuple[int, dict[str, tuple[Decimal, int]]]:
    if not lot.lines:
        if returned:
            raise LedgerError(
                f"'lines' must be omitted for earn {earn!r}, which recorded no lines "
                f"(got {len(returned)} lines)"
            )
        return lot.original - lot.clawed, {}
    by_line = {share.line: share for share in lot.lines}
    if returned is None:
        returned = tuple(
            ReturnedLine(line=s.line, amount=s.amount - lot.line_returned.get(s.line, Decimal(0)))
            for s in lot.lines
        )
    updates: dict[str, tuple[Decimal, int]] = {}
    claw = 0
    for item in returned:
        share = by_line.get(item.line)
        if share is None:
            raise LedgerError(
                f"'lines' must name lines of earn {earn!r} ({', '.join(sorted(by_line))}) "
                f"(got {item.line!r})"
            )
        before_amount, before_points = updates.get(
            item.line,
            (lot.line_returned.get(item.line, Decimal(0)), lot.line_reversed.get(item.line, 0)),
        )
        amount = before_amount + item.amount
        if amount > share.amount:
            raise LedgerError(
                f"'lines' must not return more of line {item.line!r} than was bought "
                f"({share.amount}; already returned {before_amount}) (got {item.amount})"
            )
        if amount == share.amount or not share.amount:
            target = share.points
        else:
            exact = share.points * amount / share.amount
            target = int(exact.to_integral_value(rounding="ROUND_FLOOR"))
        claw += target - before_points
        updates[item.line] = (amount, target)
    return min(claw, lot.original - lot.clawed), updates


def clawback(
    acc: Account,
    lot: LotState,
    claw: int,
    t: int,
    key: str,
    ref: str,
    policy: NegativeBalance,
) -> None:
    allocs: list[tuple[int, int]] = []
    own = min(claw, lot.remaining) if lot.state == ACTIVE else 0
    if own:
        lot.remaining -= own
        acc.avail -= own
        acc.fen_add(lot.expires, -own)
        allocs.append((lot.id, own))
    rest = claw - own
    others = min(rest, acc.avail)
    if others:
        allocs.extend(acc.take(others))
    taken = own + others
    acc.emit(EntryKind.REVERSE, t, taken, tuple(allocs), key=key, ref=ref)
    short = rest - others
    if short:
        if policy is NegativeBalance.UNLIMITED:
            acc.debt += short
            acc.emit(EntryKind.DEBT, t, short, key=key, ref=ref)
        else:
            acc.emit(EntryKind.WRITE_OFF, t, short, key=key, ref=ref)


def forgivable(lot: LotState, claw: int, expired: int, policy: ExpiredReturn) -> int:
    """How much of *claw* is not taken again because the lot lost it to expiry.

    *expired* is what the lot had lost to expiry by the return; earlier
    returns' forgiven points do not count twice.
    """
    if policy is ExpiredReturn.TAKE_AGAIN:
        return 0
    left = expired - lot.forgiven
    return claw if claw < left else max(left, 0)


def expired_by(acc: Account, lot: LotState, t: int) -> int:
    """The points *lot* will have lost to expiry by *t* (>= the member's last command)."""
    if lot.state in (EXPIRED, VOIDED) or (
        lot.state == ACTIVE and lot.expires > t and acc.inactivity_deadline() > t
    ):
        return lot.expired
    shadow = acc.clone()
    shadow.settle(t)
    return shadow.lots[lot.id - 1].expired


def take_back(
    acc: Account,
    lot: LotState,
    claw: int,
    t: int,
    key: str,
    earn: str,
    policies: Policies,
    *,
    pending: bool,
) -> None:
    """Take *claw* points back for a return of *earn* (the account is settled to *t*)."""
    lot.clawed += claw
    if pending:
        voided = min(claw, lot.remaining)
        lot.remaining -= voided
        acc.pend -= voided
        if not lot.remaining:
            lot.state = VOIDED
        acc.emit(
            EntryKind.VOID,
            t,
            voided,
            ((lot.id, voided),) if voided else (),
            key=key,
            ref=earn,
        )
        if claw > voided:
            acc.emit(EntryKind.WRITE_OFF, t, claw - voided, key=key, ref=earn)
        return
    policy = policies.negative_balance
    if policy is NegativeBalance.ONLY_PENDING:
        acc.emit(EntryKind.REVERSE, t, 0, key=key, ref=earn)
        if claw:
            acc.emit(EntryKind.WRITE_OFF, t, claw, key=key, ref=earn)
        return
    forgiven = forgivable(lot, claw, lot.expired, policies.expired_return)
    clawback(acc, lot, claw - forgiven, t, key, earn, policy)
    if forgiven:
        lot.forgiven += forgiven
        acc.emit(EntryKind.WRITE_OFF, t, forgiven, key=key, ref=earn, note="expired")


def voids_all(policies: Policies, pending: bool, claw: int) -> bool:
    """Whether a return of a pending lot voids the whole lot (``PendingReturn.VOID_ALL``)."""
    return pending and bool(claw) and policies.pending.on_return is PendingReturn.VOID_ALL
