"""A command's journal entries packed into one value: the ``entries`` column of a store.

A store keeps each accepted command in one row, with the entries it wrote
(the settled ones first, then its own) packed into bytes; the row's
``first`` column is the journal position of the first entry. Each entry is

- a fixed head of 46 bytes, little-endian: ``gap`` (uint32: positions
  skipped before the entry; 0 for every entry a store writes, other values
  only in journals migrated from schema version 2), ``kind`` (uint8, an
  index into :data:`KINDS`), whether it has a ``lot`` (uint8), ``micros``,
  ``points``, ``lot`` (int64 each; ``lot`` 0 when absent), the number of
  allocations (uint32), the UTF-8 byte lengths of ``key``, ``ref`` and
  ``note`` (int32 each, -1 when absent);
- the allocations, ``(lot, points)`` as int64 pairs;
- the UTF-8 bytes of ``key``, ``ref`` and ``note``.

The member is the row's. The layout is part of the schema: changing it
is a new schema version.
"""

from __future__ import annotations

import heapq
import itertools
import struct
from collections.abc import Iterable, Iterator, Sequence
from typing import Final

from ...exceptions import ValidationError
from .. import Entry, EntryKind
from .._journal import JournalEntry, to_entry
from ._codec import Record

__all__ = ["KINDS", "entries_of", "merged", "pack", "positions", "unpack"]

#: The entry kinds by their code in the packed form (fixed: append, never reorder).
KINDS: Final = (
    EntryKind.EARN,
    EntryKind.ACTIVATE,
    EntryKind.REDEEM,
    EntryKind.EXPIRE,
    EntryKind.REVERSE,
    EntryKind.VOID,
    EntryKind.ADJUST,
    EntryKind.DEBT,
    EntryKind.REPAY,
    EntryKind.RESTORE,
    EntryKind.REISSUE,
    EntryKind.WRITE_OFF,
)
_HEAD: Final = struct.Struct("<IBBqqqIiii")
_PAIR: Final = struct.Struct("<qq")
_pack_head: Final = _HEAD.pack
_pack_pair: Final = _PAIR.pack
# An enum's hash is Python code: a kind's code is its place in KINDS, found by identity.
_code_of: Final = KINDS.index


def pack(records: Sequence[Record], member: str, gaps: Sequence[int] = ()) -> bytearray:
    """The packed form of *member*'s journal *records* (with *gaps*, one per record, if given).

    A ``bytearray``: SQLite's driver binds one as it is, and ``bytes`` only
    after looking for an adapter, which costs more than packing.

    >>> from servicemodel.loyalty import EntryKind
    >>> from servicemodel.loyalty._journal import JournalEntry
    >>> blob = pack([JournalEntry("ann", EntryKind.REDEEM, 0, 5, ((1, 5),), key="r")], "ann")
    >>> len(blob)
    63
    """
    if gaps and len(gaps) != len(records):
        raise ValidationError(
            f"'gaps' must have one gap per record ({len(records)}) (got {len(gaps)})",
            field="gaps",
            value=gaps,
        )
    out = bytearray()
    gap = i = 0
    for owner, kind, micros, points, allocations, lot, key, ref, note in records:
        if gaps:
            gap = gaps[i]
            i += 1
        if owner != member:
            raise ValidationError(
                f"'records' must all be of member {member!r} (got one of {owner!r})",
                field="records",
                value=owner,
            )
        # The texts, in order, after the allocations; an absent one has length -1.
        k = r = n = -1
        texts = b""
        if key is not None:
            texts = key.encode("utf-8", "surrogatepass")
            k = len(texts)
        if ref is not None:
            ref_bytes = ref.encode("utf-8", "surrogatepass")
            r = len(ref_bytes)
            texts += ref_bytes
        if note is not None:
            note_bytes = note.encode("utf-8", "surrogatepass")
            n = len(note_bytes)
            texts += note_bytes
        count = len(allocations)
        out += _pack_head(
            gap, _code_of(kind), lot is not None, micros, points, lot or 0, count, k, r, n
        )
        if count == 1:
            out += _pack_pair(*allocations[0])
        elif count:
            out += struct.pack(f"<{2 * count}q", *itertools.chain(*allocations))
        out += texts
    return out


def unpack(blob: bytes, member: str) -> list[tuple[int, JournalEntry]]:
    """The ``(gap, record)`` pairs of a packed value (see :func:`pack`).

    >>> from servicemodel.loyalty import EntryKind
    >>> from servicemodel.loyalty._journal import JournalEntry
    >>> record = JournalEntry("ann", EntryKind.REDEEM, 0, 5, ((1, 5), (2, 1)), note="é", ref="")
    >>> unpack(pack([record], "ann", [2]), "ann") == [(2, record)]
    True
    """
    out: list[tuple[int, JournalEntry]] = []
    view = memoryview(blob)
    at, end = 0, len(blob)
    while at < end:
        gap, code, has_lot, micros, points, lot, count, *lengths = _HEAD.unpack_from(view, at)
        at += _HEAD.size
        allocations: tuple[tuple[int, int], ...] = ()
        if count:
            allocations = tuple(_PAIR.iter_unpack(view[at : at + count * _PAIR.size]))
            at += count * _PAIR.size
        texts: list[str | None] = []
        for length in lengths:
            if length < 0:
                texts.append(None)
            else:
                texts.append(bytes(view[at : at + length]).decode("utf-8", "surrogatepass"))
                at += length
        key, ref, note = texts
        record = JournalEntry(
            member,
            KINDS[code],
            micros,
            points,
            allocations,
            lot if has_lot else None,
            key,
            ref,
            note,
        )
        out.append((gap, record))
    return out


def positions(first: int, blob: bytes, member: str) -> list[int]:
    """The journal positions of the entries of a row whose first entry is at *first*.

    >>> from servicemodel.loyalty import EntryKind
    >>> from servicemodel.loyalty._journal import JournalEntry
    >>> r = JournalEntry("ann", EntryKind.EARN, 0, 5, lot=1)
    >>> positions(7, pack([r, r, r], "ann", [0, 0, 3]), "ann")
    [7, 8, 12]
    """
    return [seq for seq, _ in _placed(first, blob, member)]


def _placed(first: int, blob: bytes, member: str) -> list[tuple[int, JournalEntry]]:
    placed = []
    seq = first - 1
    for gap, record in unpack(blob, member):
        seq += gap + 1
        placed.append((seq, record))
    return placed


def entries_of(first: int, blob: bytes, member: str, zone: str, *, skip: int = 0) -> list[Entry]:
    """The public entries of a row, at their journal positions, without the first *skip*.

    >>> from servicemodel.loyalty import EntryKind
    >>> from servicemodel.loyalty._journal import JournalEntry
    >>> r = JournalEntry("ann", EntryKind.EARN, 0, 5, lot=1)
    >>> [(e.seq, e.points) for e in entries_of(3, pack([r], "ann"), "ann", "UTC")]
    [(3, 5)]
    """
    return [_entry(seq, record, zone) for seq, record in _placed(first, blob, member)[skip:]]


def _entry(seq: int, record: JournalEntry, zone: str) -> Entry:
    return to_entry(seq, record, zone)


def merged(rows: Iterable[tuple[int, str, bytes]], zone: str) -> Iterator[Entry]:
    """The entries of rows ``(first, member, entries)`` in journal order.

    The rows come in the order of their first positions, and every entry of
    a row is at or after its first, so an entry before the next row's first
    position can go out: rows whose positions interleave (a journal migrated
    from schema version 2 may have them) come out in order, holding back
    only the entries of the rows that overlap.

    >>> from servicemodel.loyalty import EntryKind
    >>> from servicemodel.loyalty._journal import JournalEntry
    >>> r = JournalEntry("ann", EntryKind.EARN, 0, 5, lot=1)
    >>> rows = [(1, "ann", pack([r, r], "ann", [0, 1])), (2, "ann", pack([r], "ann"))]
    >>> [e.seq for e in merged(rows, "UTC")]
    [1, 2, 3]
    """
    waiting: list[tuple[int, JournalEntry]] = []
    for first, member, blob in rows:
        while waiting and waiting[0][0] < first:
            yield _entry(*heapq.heappop(waiting), zone)
        for placed in _placed(first, blob, member):
            heapq.heappush(waiting, placed)
    while waiting:
        yield _entry(*heapq.heappop(waiting), zone)
