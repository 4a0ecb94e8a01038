"""The ledger's journal: typed records of what each command wrote, and what was accepted.

A :class:`JournalEntry` is one line of the append-only journal as the ledger
keeps it (integers inside: epoch microseconds, points, ``(lot, points)``
allocation pairs); :func:`to_entry` makes the public
:class:`~servicemodel.loyalty.Entry` of it. A command's payload is what the
ledger remembers of an accepted command for idempotency (beside its
receipt): one typed record per command kind (:class:`EarnCall` and the
others), holding the command's name, member, instant (epoch microseconds)
and its arguments as the ledger checked them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from ._values import Allocation, Award, EarnLine, Entry, EntryKind, ReturnedLine

if TYPE_CHECKING:
    from ._policies import Expiry, NegativeBalance

__all__ = [
    "Accepted",
    "ActivateCall",
    "AdjustCall",
    "EarnCall",
    "JournalEntry",
    "Payload",
    "RedeemCall",
    "ReturnCall",
    "ReverseCall",
    "to_entry",
]


class JournalEntry(NamedTuple):
    """One journal line as the ledger keeps it (see :class:`~servicemodel.loyalty.Entry`)."""

    member: str
    kind: EntryKind
    micros: int
    points: int
    allocations: tuple[tuple[int, int], ...] = ()
    lot: int | None = None
    key: str | None = None
    ref: str | None = None
    note: str | None = None


class EarnCall(NamedTuple):
    """An earn as the ledger keeps it (``name`` is ``"earn"``)."""

    name: str
    member: str
    t: int
    points: int
    awards: tuple[Award, ...]
    lines: tuple[EarnLine, ...]
    expiry: Expiry | None
    tally: tuple[tuple[str, Any], ...]


class ActivateCall(NamedTuple):
    """An activation of a pending lot as the ledger keeps it."""

    name: str
    member: str
    t: int
    earn: str


class RedeemCall(NamedTuple):
    """A redemption as the ledger keeps it."""

    name: str
    member: str
    t: int
    points: int
    reward: str | None


class ReverseCall(NamedTuple):
    """A redemption's reversal as the ledger keeps it."""

    name: str
    member: str
    t: int
    redemption: str


class ReturnCall(NamedTuple):
    """A purchase's return as the ledger keeps it (``lines`` ``None``: all of them)."""

    name: str
    member: str
    t: int
    earn: str
    lines: tuple[ReturnedLine, ...] | None
    tally: tuple[tuple[str, Any], ...]


class AdjustCall(NamedTuple):
    """An adjustment as the ledger keeps it."""

    name: str
    member: str
    t: int
    points: int
    reason: str
    shortfall: NegativeBalance
    expiry: Expiry | None


#: What the ledger keeps of an accepted command beside its payload, and what running one
#: returns: ``(version, first, last)``, the member's version after it and the command's
#: own journal positions ``[first, last)``. A receipt is made of it when one is asked for
#: (``LedgerSteps._receipt``): a store's ledger of one member never is (issue 19).
Accepted = tuple[int, int, int]

#: A command as the ledger keeps it: ``(name, member, t, *arguments)``, typed per kind.
Payload = EarnCall | ActivateCall | RedeemCall | ReverseCall | ReturnCall | AdjustCall


def to_entry(seq: int | None, record: JournalEntry, zone: str) -> Entry:
    """The public :class:`~servicemodel.loyalty.Entry` of *record* at journal position *seq*."""
    return Entry._from_micros(
        seq=seq,
        kind=record.kind,
        member=record.member,
        micros=record.micros,
        points=record.points,
        allocations=tuple(Allocation(lot, points) for lot, points in record.allocations),
        lot=record.lot,
        key=record.key,
        ref=record.ref,
        note=record.note,
        zone=zone,
    )
