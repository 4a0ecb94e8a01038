"""How commands, entries and policies are written to a store's columns and read back.

A command has two text forms. JSON lines (and the ``command`` column of
stores written before schema version 4) hold the mapping of a ledger
document (see :func:`~servicemodel.loyalty.dump_ledger`):
:func:`command_to_json`, :func:`command_from_json`. A store's ``command``
column holds the compact form (:func:`command_column`): the JSON array
``[name, micros, *arguments]`` of the payload the ledger accepted, without
the key and the member (the row's columns), the instant as epoch
microseconds and the arguments in the order of ``COMMAND_FIELDS``, each as
a ledger document holds it (``null`` when not given) but a tally as
``[name, amount]`` pairs. :func:`command_from_column` reads either form.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any, Final

import pendulum

from .. import Command, Entry, EntryKind, Ledger, Policies, dump_ledger, load_ledger
from .._converter import CONVERTER
from .._documents import command_data, command_from_data, command_from_values, commands_data
from .._journal import JournalEntry

__all__ = [
    "Record",
    "command_column",
    "command_from_column",
    "command_from_json",
    "command_to_json",
    "commands_to_json",
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


def _plain(value: Any) -> Any:
    """A payload's value the JSON encoder does not know, as a ledger document holds it."""
    if isinstance(value, Decimal):
        return str(value)
    plain = CONVERTER.unstructure(value)
    if plain is value:
        raise TypeError(f"a command's argument cannot be kept as JSON (got {value!r})")
    return plain


# One encoder per form (json.dumps with options would build one per call).
_ENCODER: Final = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
_COLUMN_ENCODER: Final = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=_plain)


def _chunks_of(encoder: json.JSONEncoder) -> Callable[[Any, int], Any] | None:
    """CPython's C encoder of *encoder*'s options, made once and kept for every call.

    ``JSONEncoder.encode`` builds a C encoder at each call;
    ``json.encoder.c_make_encoder`` makes one that can be kept (without the
    check for circular data, which a command never holds). Called with a
    value and ``0``, it returns the text's parts. ``None`` where there is
    none, or where it does not write what *encoder* writes.
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython has it
        return None
    try:
        chunks: Callable[[Any, int], Any] = make(
            None,
            encoder.default,
            json.encoder.encode_basestring,
            None,
            encoder.key_separator,
            encoder.item_separator,
            encoder.sort_keys,
            False,  # skipkeys
            True,  # allow_nan
        )
    except TypeError:  # pragma: no cover - another signature
        return None
    sample = {"b": [1, "é\n", None, True, 2.5], "a": {"z": "x", "y": -3}}
    if "".join(chunks(sample, 0)) != encoder.encode(sample):  # pragma: no cover - not CPython's
        return None
    return chunks


def _reused_encoder(encoder: json.JSONEncoder) -> Callable[[Any], str]:
    """``encoder.encode``, or the same encoding by one C encoder kept for every call."""
    chunks = _chunks_of(encoder)
    if chunks is None:  # pragma: no cover - CPython has it
        return encoder.encode

    def encode(data: Any) -> str:
        return "".join(chunks(data, 0))

    return encode


_encode: Final = _reused_encoder(_ENCODER)
# The compact form is written for every command a store keeps: its C encoder is called
# directly (a function around it costs a tenth of the encoding).
_column_chunks: Final = _chunks_of(_COLUMN_ENCODER) or (
    lambda data, _: [_COLUMN_ENCODER.encode(data)]  # pragma: no cover - CPython has one
)
_join: Final = "".join


def command_to_json(command: Command, zone: str = "UTC") -> str:
    """Write *command* as one line of JSON (keys sorted, no blanks), its instant in *zone*.

    The object is the command as a ledger document holds it.

    >>> from servicemodel.loyalty import Command
    >>> t = pendulum.datetime(1970, 1, 1)
    >>> command_to_json(Command.of("redeem", key="r-1", member="ann", at=t, points=40))
    '{"at":"1970-01-01T00:00:00+00:00","command":"redeem","key":"r-1","member":"ann","points":40}'
    """
    return _encode(command_data(command, pendulum.timezone(zone)))


def commands_to_json(commands: Iterable[Command], zone: str = "UTC") -> Iterator[str]:
    """Each of *commands* as :func:`command_to_json` writes it (one writer of instants for the run).

    >>> from servicemodel.loyalty import Command
    >>> t = pendulum.datetime(1970, 1, 1)
    >>> list(commands_to_json([Command.of("redeem", key="r-1", member="ann", at=t, points=40)]))
    ['{"at":"1970-01-01T00:00:00+00:00","command":"redeem","key":"r-1","member":"ann","points":40}']
    """
    for data in commands_data(commands, pendulum.timezone(zone)):
        yield _encode(data)


def command_column(payload: tuple[Any, ...]) -> str:
    """The compact form of the command a ledger accepted as *payload* (see the module).

    >>> command_column(("redeem", "ann", 1_736_510_400_000_000, 40, None))
    '["redeem",1736510400000000,40,null]'
    >>> from servicemodel.loyalty import NegativeBalance
    >>> command_column(("adjust", "ann", 0, -5, "fix", NegativeBalance.UNLIMITED, None))
    '["adjust",0,-5,"fix","unlimited",null]'
    """
    return _join(_column_chunks(payload[:1] + payload[2:], 0))


def command_from_column(text: str | bytes, key: str, member: str, zone: str) -> Command:
    """The command of a store's ``command`` column: the compact form or a document's mapping.

    Raises:
        LedgerDocumentError: the text is not a command; the problems carry *key*.

    >>> command_from_column('["redeem",0,40,null]', "r-1", "ann", "UTC").argument("points")
    40
    >>> command_from_column('{"at":"1970-01-01T00:00:00+00:00","command":"redeem",'
    ...                     '"key":"r-1","member":"ann","points":40}', "r-1", "ann", "UTC").key
    'r-1'
    """
    first = text[:1]
    if first in ("{", b"{"):
        return command_from_json(text, key, zone)
    from ...exceptions import LedgerDocumentError, Problem

    try:
        values: Any = json.loads(text, parse_float=Decimal)
    except (ValueError, RecursionError) as exc:
        raise LedgerDocumentError([Problem(key, f"must be valid JSON ({exc})")]) from None
    return command_from_values(values, key, member, key, zone)


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
    return command_from_data(data, path, zone)


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
