"""How a member's balance came about: the :class:`Explanation` a ledger gives."""

from __future__ import annotations

import pendulum

from ._values import Balance, LotExplanation, Totals

__all__ = ["Explanation"]


class Explanation:
    """How a member's balance came about as of an instant.

    Holds the balance, the totals (where every issued point went) and one
    line per lot. ``str()`` renders a table.

    >>> import pendulum
    >>> from servicemodel.loyalty import Ledger, Policies
    >>> ledger = Ledger(policies=Policies(zone="Europe/Warsaw"))
    >>> t = pendulum.datetime(2025, 1, 10, tz="Europe/Warsaw")
    >>> _ = ledger.earn(member="ann", points=100, at=t, key="e1")
    >>> _ = ledger.redeem(member="ann", points=30, at=t.add(days=1), key="r1")
    >>> print(ledger.explain("ann", as_of=t.add(days=2)))
    ann as of 2025-01-12T00:00:00+01:00: available 70, pending 0, debt 0
    lot  kind  key  original  redeemed  expired  reversed  voided  repaid  remaining  status
    1    earn  e1   100       30        0        0         0       0       70         available
    """

    __slots__ = ("as_of", "balance", "lots", "member", "totals")

    def __init__(
        self,
        *,
        member: str,
        as_of: pendulum.DateTime,
        balance: Balance,
        totals: Totals,
        lots: tuple[LotExplanation, ...],
    ) -> None:
        self.member = member
        self.as_of = as_of
        self.balance = balance
        self.totals = totals
        self.lots = lots

    def __repr__(self) -> str:
        return (
            f"Explanation(member={self.member!r}, balance={self.balance!r}, lots={len(self.lots)})"
        )

    def __str__(self) -> str:
        b = self.balance
        head = (
            f"{self.member} as of {self.as_of.isoformat()}: available {b.available}, "
            f"pending {b.pending}, debt {b.debt}"
        )
        columns = (
            "lot",
            "kind",
            "key",
            "original",
            "redeemed",
            "expired",
            "reversed",
            "voided",
            "repaid",
            "remaining",
            "status",
        )
        rows = [
            (
                str(x.lot),
                x.kind.value,
                x.key,
                str(x.original),
                str(x.redeemed - x.restored),
                str(x.expired),
                str(x.reversed + x.deducted),
                str(x.voided),
                str(x.repaid),
                str(x.remaining),
                x.status.value,
            )
            for x in self.lots
        ]
        widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns)]
        lines = [head]
        lines.extend(
            "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
            for row in (columns, *rows)
        )
        return "\n".join(lines)
