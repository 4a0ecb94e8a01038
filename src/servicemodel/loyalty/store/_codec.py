"""How commands, entries and policies are written to a store's columns and read back.

Every store and the JSON-lines files use these, so a command has one text
form: the mapping of a ledger document (see :func:`~servicemodel.loyalty.dump_ledger`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import attrs
import pendulum

from .. import Command, Entry, EntryKind, Ledger, Policies, dump_ledger, load_ledger
from .._documents import command_data, command_from_data
from .._values import Allocation

__all__ = [
    "command_text",
    "entry_row",
    "make_entry",
    "policies_text",
    "read_command",
    "read_policies",
]


def command_text(command: Command, zone: str) -> str:
    """The command as one line of JSON (keys sorted, no blanks), instants in *zone*."""
    return json.dumps(
        command_data(command, pendulum.timezone(zone)),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def read_command(text: str | bytes, path: str = "", zone: str = "UTC") -> Command:
    """The command of one JSON text written by :func:`command_text` (or by hand).

    Raises:
        LedgerDocumentError: the text is not a command; the problems carry *path*.
    """
    from ...exceptions import LedgerDocumentError, Problem

    try:
        data: Any = json.loads(text, parse_float=Decimal)
    except (ValueError, RecursionError) as exc:
        raise LedgerDocumentError([Problem(path, f"must be valid JSON ({exc})")]) from None
    return attrs.evolve(command_from_data(data, path), zone=zone)


def policies_text(policies: Policies) -> str:
    """The policies as a ledger document without commands."""
    return dump_ledger(Ledger(policies=policies))


def read_policies(text: str) -> Policies:
    """The policies of a text written by :func:`policies_text`."""
    return load_ledger(text).policies


def entry_row(
    entry: Entry,
) -> tuple[str, int, int, str, int | None, str | None, str | None, str | None]:
    """An entry's columns after (seq, command, member): kind .. note."""
    return (
        entry.kind.value,
        entry.micros,
        entry.points,
        json.dumps([[a.lot, a.points] for a in entry.allocations], separators=(",", ":")),
        entry.lot,
        entry.key,
        entry.ref,
        entry.note,
    )


def make_entry(row: Sequence[Any], zone: str) -> Entry:
    """The entry of a row ``(seq, member, kind, micros, points, allocations, lot, key, ref, note)``."""
    seq, member, kind, micros, points, allocations, lot, key, ref, note = row
    return Entry(
        seq=seq,
        kind=EntryKind(kind),
        member=member,
        micros=micros,
        points=points,
        allocations=tuple(Allocation(a, p) for a, p in json.loads(allocations)),
        lot=lot,
        key=key,
        ref=ref,
        note=note,
        zone=zone,
    )
