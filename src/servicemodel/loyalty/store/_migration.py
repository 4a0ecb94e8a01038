"""Schema version 2 to 3: one row per journal entry becomes one row per command.

Version 2 kept each command in ``commands`` and each journal entry in
``entries`` (``command`` NULL for an entry the ledger settled before the
command ran). Version 3 keeps a command and all the entries its write
recorded in one ``journal`` row (see :mod:`._entries`). The rows are
rebuilt here, streamed: every entry keeps its journal position and its
fields, every command its order (``seq``), key, version and text.

Each store reads both tables in one shared order (SQLite: journal order,
which is also command order, one writer at a time; PostgreSQL: by member,
then version and position) and :func:`journal_rows` walks them side by
side: a command takes the settled entries of its member that come next,
then its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from ...exceptions import SchemaVersionError
from .. import EntryKind
from .._journal import JournalEntry
from ._entries import pack

__all__ = ["journal_rows"]

#: A version-2 command: seq, key, member, version, command JSON.
_Command = tuple[int, str, str, int, str]
#: A version-2 entry: seq, command, member, kind, micros, points, allocations JSON, lot,
#: key, ref, note.
_Entry = tuple[Any, ...]


def journal_rows(
    commands: Iterable[_Command], entries: Iterable[_Entry], url: str
) -> Iterator[tuple[Any, ...]]:
    """Version-3 ``journal`` rows (seq, key, member, version, command, first, settled, entries).

    *commands* and *entries* come in the same member order (see the module).

    Raises:
        SchemaVersionError: an entry belongs to no command the walk reaches
            (the store is damaged); nothing is migrated.

    >>> commands = [(1, "o-1", "ann", 1, "{}")]
    >>> entries = [(1, None, "ann", "expire", 0, 5, "[[1,5]]", None, None, None, None),
    ...            (2, 1, "ann", "earn", 0, 9, "[]", 2, "o-1", None, None)]
    >>> [row[:7] for row in journal_rows(commands, entries, "sqlite:///x.db")]
    [(1, 'o-1', 'ann', 1, '{}', 1, 1)]
    """
    pending = iter(entries)
    entry = next(pending, None)
    last = 0
    for seq, key, member, version, text in commands:
        records: list[JournalEntry] = []
        places: list[int] = []
        settled = 0
        while entry is not None and entry[2] == member and entry[1] is None:
            settled += 1
            places.append(entry[0])
            records.append(_record(entry))
            entry = next(pending, None)
        while entry is not None and entry[1] == seq:
            places.append(entry[0])
            records.append(_record(entry))
            entry = next(pending, None)
        first = places[0] if places else last + 1
        gaps = [b - a - 1 for a, b in zip([first - 1, *places], places, strict=False)]
        if places:
            last = places[-1]
        yield (
            seq,
            key,
            member,
            version,
            text,
            first,
            settled,
            pack(records, member, gaps if any(gaps) else ()),
        )
    if entry is not None:
        raise SchemaVersionError(
            f"the store at {url!r} cannot be migrated to schema version 3: its journal "
            f"entry {entry[0]} (of {entry[2]!r}) belongs to no command; restore a backup "
            "or export it with the servicemodel that wrote it",
            url=url,
        )


def _record(row: _Entry) -> JournalEntry:
    _, _, member, kind, micros, points, allocations, lot, key, ref, note = row
    return JournalEntry(
        member,
        EntryKind(kind),
        micros,
        points,
        tuple((lot_, points_) for lot_, points_ in json.loads(allocations)),
        lot,
        key,
        ref,
        note,
    )
