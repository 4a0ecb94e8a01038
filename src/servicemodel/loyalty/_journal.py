"""The ledger's journal: typed records of what each command wrote, and what was accepted.

A :class:`JournalEntry` is one line of the append-only journal as the ledger
keeps it (integers inside: epoch microseconds, points, ``(lot, points)``
allocation pairs); :func:`to_entry` makes the public
:class:`~servicemodel.loyalty.Entry` of it. An :class:`Accepted` is what the
ledger remembers of an accepted command for idempotency and receipts.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ._values import Allocation, Entry, EntryKind

__all__ = ["Accepted", "JournalEntry", "to_entry"]


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


class Accepted(NamedTuple):
    """An accepted command: its payload, member, the member's version after it, its span."""

    payload: tuple[Any, ...]
    member: str
    version: int
    first: int
    last: int


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
