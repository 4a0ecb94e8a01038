"""How commands, entries and policies are written to a store's columns and read back.

Every store and the JSON-lines files use these, so a command has one text
form: the mapping of a ledger document (see :func:`~servicemodel.loyalty.dump_ledger`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final

import attrs
import pendulum

from .. import Command, Entry, EntryKind, Ledger, Policies, dump_ledger, load_ledger
from .._documents import command_data, command_from_data, payload_data
from .._journal import JournalEntry

__all__ = [
    "Record",
    "command_from_json",
    "command_to_json",
    "payload_json",
    "policies_text",
    "read_policies",
    "record_of",
]

#: A journal record as a ledger keeps it: an entry's fields in order (member,
#: kind, micros, points, allocations as ``(lot, points)`` pairs, lot, key, ref, note).
Record = tuple[
    str,
    EntryKind,
    int,
    int,
    tuple[tuple[int, int], ...],
    int | None,
    str | None,
    str | None,
    str | None,
]

# One encoder for every command (json.dumps with options would build one per call).
_ENCODER: Final = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _reused_encoder() -> Callable[[Any], str]:
    """``_ENCODER.encode``, or the same encoding by one C encoder kept for every call.

    ``JSONEncoder.encode`` builds a C encoder at each call; CPython's
    ``json.encoder.c_make_encoder`` makes one that can be kept (without the
    check for circular data, which a command never holds). It is used only
    where it exists and writes what ``_ENCODER`` writes.
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython has it
        return _ENCODER.encode
    try:
        chunks = make(
            None,
            _ENCODER.default,
            json.encoder.encode_basestring,
            None,
            _ENCODER.key_separator,
            _ENCODER.item_separator,
            True,  # sort_keys
            False,  # skipkeys
            True,  # allow_nan
        )
    except TypeError:  # pragma: no cover - another signature
        return _ENCODER.encode

    def encode(data: Any) -> str:
        return "".join(chunks(data, 0))

    sample = {"b": [1, "é\n", None, True, 2.5], "a": {"z": "x", "y": -3}}
    if encode(sample) != _ENCODER.encode(sample):  # pragma: no cover - not CPython's
        return _ENCODER.encode
    return encode


_encode: Final = _reused_encoder()


def command_to_json(command: Command, zone: str = "UTC") -> str:
    """Write *command* as one line of JSON (keys sorted, no blanks), its instant in *zone*.

    The object is the command as a ledger document holds it.

    >>> from servicemodel.loyalty import Command
    >>> t = pendulum.datetime(1970, 1, 1)
    >>> command_to_json(Command.of("redeem", key="r-1", member="ann", at=t, points=40))
    '{"at":"1970-01-01T00:00:00+00:00","command":"redeem","key":"r-1","member":"ann","points":40}'
    """
    return _encode(command_data(command, pendulum.timezone(zone)))


def payload_json(payload: tuple[Any, ...], key: str, zone: str) -> str:
    """The JSON of the command a ledger accepted as *payload* with *key* (its kept form).

    >>> payload_json(("redeem", "ann", 0, 40, None), "r-1", "UTC")
    '{"at":"1970-01-01T00:00:00+00:00","command":"redeem","key":"r-1","member":"ann","points":40}'
    """
    return _encode(payload_data(payload, key, pendulum.timezone(zone)))


def command_from_json(text: str | bytes, path: str = "", zone: str = "UTC") -> Command:
    """Read one command from JSON (as :func:`command_to_json` writes it, or by hand).

    Args:
        text: one JSON object.
        path: where the text came from, for the problems (``"line 3"``).
        zone: the ledger's zone, for the command's :attr:`~Command.at`.

    Raises:
        LedgerDocumentError: the text is not a command; every problem carries *path*.

    >>> command_from_json('{"command": "earn", "key": "o-1", "member": "ann",'
    ...                   ' "at": "2025-01-10T12:00:00+01:00", "points": 100}').argument("points")
    100
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


def record_of(entry: Entry) -> JournalEntry:
    """The journal record of a public entry (as the ledger kept it).

    >>> from servicemodel.loyalty import Allocation, EntryKind
    >>> record_of(Entry._from_micros(seq=1, kind=EntryKind.REDEEM, member="ann", micros=0, points=5,
    ...                 allocations=(Allocation(1, 5),))).allocations
    ((1, 5),)
    """
    return JournalEntry(
        entry.member,
        entry.kind,
        entry._micros,
        entry.points,
        tuple((a.lot, a.points) for a in entry.allocations),
        entry.lot,
        entry.key,
        entry.ref,
        entry.note,
    )
