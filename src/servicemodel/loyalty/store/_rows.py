"""A ``journal`` row read back: the stored command and its entries.

Both stores select ``member, version, command, first, settled, entries``
for a key and read the row here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from .. import Entry
from ._codec import command_from_column
from ._entries import entries_of, positions
from ._interface import StoredCommand

__all__ = ["ROW_COLUMNS", "own_entries", "stored_command"]

#: The columns both functions read, in order.
ROW_COLUMNS: Final = "member, version, command, first, settled, entries"


def stored_command(row: Sequence[Any] | None, key: str, zone: str) -> StoredCommand | None:
    """The stored command of a ``journal`` row (member, version, command, first, settled, entries).

    >>> stored_command(None, "o-1", "UTC") is None
    True
    """
    if row is None:
        return None
    member, version, text, first, settled, blob = row
    return StoredCommand(
        command=command_from_column(text, key, member, zone),
        version=version,
        seqs=tuple(positions(first, blob, member)[settled:]),
    )


def own_entries(row: Sequence[Any] | None, zone: str) -> tuple[Entry, ...]:
    """The command's own entries of a ``journal`` row, as :func:`stored_command` reads it.

    >>> own_entries(None, "UTC")
    ()
    """
    if row is None:
        return ()
    member, _, _, first, settled, blob = row
    return tuple(entries_of(first, blob, member, zone, skip=settled))
