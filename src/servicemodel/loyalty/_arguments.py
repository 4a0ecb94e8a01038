"""A command's arguments, checked apart from the ledger.

The points checks every command runs (a name or id is checked by
``_validators.text``), and the tally and line checks of an earn (what a
return takes back is in ``_returns``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from .._validators import integer, is_integer, text
from ..exceptions import ValidationError
from ._money import decimal_amount, largest_remainder
from ._policies import ReturnAttribution
from ._purchases import _distinct
from ._values import EarnLine, LineShare

__all__ = [
    "MAX_POINTS",
    "check_points",
    "check_tally",
    "line_shares",
]

MAX_POINTS: Final = 10**15


def check_points(value: object, field: str = "points") -> int:
    return integer(value, field=field, low=1, high=MAX_POINTS)


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
        text(name, field="tally")
        if name == "points":
            raise ValidationError(
                "'tally' must not set 'points'; the ledger keeps it (got 'points')",
                field="tally",
                value=name,
            )
        if not is_integer(amount):
            decimal_amount(amount, field=f"tally.{name}")  # a finite Decimal, or the error
        items.append((name, amount))
    return tuple(items)


def line_shares(
    points: int, lines: tuple[EarnLine, ...], attribution: ReturnAttribution
) -> tuple[LineShare, ...]:
    _distinct(lines, EarnLine, field="lines", key="line", keys="a line id")
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
