"""A command's arguments and the arithmetic of returns, checked and computed apart from the ledger.

The text and points checks every command runs, the tally and line checks of
an earn, and what a return takes back (:func:`clawback_amount`) and from
where (:func:`clawback`).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from ..exceptions import LedgerError, ValidationError
from ._account import ACTIVE, Account, LotState
from ._money import largest_remainder
from ._policies import NegativeBalance, ReturnAttribution
from ._values import EarnLine, EntryKind, LineShare, ReturnedLine

__all__ = [
    "MAX_POINTS",
    "MAX_TEXT",
    "check_points",
    "check_tally",
    "check_text",
    "clawback",
    "clawback_amount",
    "line_shares",
]

MAX_POINTS: Final = 10**15
MAX_TEXT: Final = 256


def check_text(value: object, field: str) -> str:
    if type(value) is str and 0 < len(value) <= MAX_TEXT and value.strip() == value:
        return value
    if not isinstance(value, str) or not value or value != value.strip() or len(value) > MAX_TEXT:
        raise ValidationError(
            f"'{field}' must be a non-empty string of at most {MAX_TEXT} characters "
            f"without surrounding blanks (got {value!r})",
            field=field,
            value=value,
        )
    return value


def check_points(value: object, field: str = "points") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_POINTS:
        raise ValidationError(
            f"'{field}' must be a whole number of points from 1 to {MAX_POINTS} (got {value!r})",
            field=field,
            value=value,
        )
    return value


def check_tally(tally: Mapping[str, Any] | None) -> tuple[tuple[str, Any], ...]:
    if tally is None:
        return ()
    if not isinstance(tally, Mapping):
        raise ValidationError(
            f"'tally' must be a mapping of names to numbers (got {tally!r})",
            field="tally",
            value=tally,
        )
    items = []
    for name, amount in sorted(tally.items()):
        check_text(name, "tally")
        if name == "points":
            raise ValidationError(
                "'tally' must not set 'points'; the ledger keeps it (got 'points')",
                field="tally",
                value=name,
            )
        if isinstance(amount, bool) or not isinstance(amount, int | Decimal):
            raise ValidationError(
                f"'tally.{name}' must be an int or Decimal (got {amount!r})",
                field=f"tally.{name}",
                value=amount,
            )
        items.append((name, amount))
    return tuple(items)


def line_shares(
    points: int, lines: tuple[EarnLine, ...], attribution: ReturnAttribution
) -> tuple[LineShare, ...]:
    names = set()
    for line in lines:
        if not isinstance(line, EarnLine):
            raise ValidationError(
                f"'lines' must contain EarnLine values (got {line!r})",
                field="lines",
                value=line,
            )
        if line.line in names:
            raise ValidationError(
                f"'lines' must have distinct line ids (got {line.line!r} twice)",
                field="lines",
                value=line.line,
            )
        names.add(line.line)
    total = sum(line.points for line in lines)
    if total != points:
        raise ValidationError(
            f"'lines' points must sum to the earn's {points} points (got {total})",
            field="lines",
            value=total,
        )
    if attribution is ReturnAttribution.LINE_ATTRIBUTED:
        split = tuple(line.points for line in lines)
    elif any(line.amount for line in lines):
        split = largest_remainder(points, [line.amount for line in lines])
    else:
        split = tuple(line.points for line in lines)
    return tuple(
        LineShare(line=line.line, amount=line.amount, points=share)
        for line, share in zip(lines, split, strict=True)
    )


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
