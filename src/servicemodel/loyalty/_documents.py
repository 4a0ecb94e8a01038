"""Programme and ledger documents: TOML or JSON in, TOML or JSON out.

The document layer (:mod:`servicemodel._documents`) reads and bounds the
text; one cattrs converter (:mod:`._converter`) then structures it into the
loyalty classes and unstructures them back (decimals, fractions and instants
as strings, enums as their values, tagged unions with a ``type`` key,
defaults left out). Every problem is collected with its path
(``earn.rules[1].points``) into one
:class:`~servicemodel.exceptions.ProgrammeDocumentError` (or
:class:`~servicemodel.exceptions.LedgerDocumentError`). Nothing is evaluated
from text.
"""

from __future__ import annotations

import datetime as _dt
from bisect import bisect_right
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Literal, overload

import pendulum

from .. import _documents as doc
from .. import _structure as structuring
from .._time import HI, LO, ZONES
from .._validators import is_integer
from ..exceptions import (
    LedgerDocumentError,
    Problem,
    ProgrammeDocumentError,
    ServiceModelError,
    ValidationError,
)
from ._commands import COMMAND_FIELDS, Command, payload_of
from ._converter import CONVERTER, decimal, instant
from ._ledger import Ledger
from ._policies import Expiry, NegativeBalance, Policies
from ._programme import Programme
from ._values import Award, EarnLine, ReturnedLine

__all__ = ["dump_ledger", "dump_programme", "load_ledger", "load_programme"]

Format = Literal["toml", "json"]


@overload
def dump_programme(programme: Programme, *, format: Literal["mapping"]) -> dict[str, Any]: ...
@overload
def dump_programme(programme: Programme, *, format: Format = ...) -> str: ...
def dump_programme(programme: Programme, *, format: str = "toml") -> str | dict[str, Any]:
    """Write *programme* as a TOML (default) or JSON document, or plain data (``"mapping"``).

    >>> print(dump_programme(Programme(name="demo")), end="")
    name = "demo"
    >>> dump_programme(Programme(name="demo"), format="mapping")
    {'name': 'demo'}
    """
    return doc.dump(CONVERTER.unstructure(programme), format=format)


# ------------------------------------------------------------------ loading


def _read(source: object, format: str | None, problems: doc.Problems) -> Mapping[str, Any] | None:
    return doc.read(source, format=format, problems=problems, exact_numbers=True)


def load_programme(source: doc.Source, *, format: str | None = None) -> Programme:
    """Read a programme from a TOML or JSON document (text, bytes, a path or a mapping).

    *format* is ``"toml"`` or ``"json"``; by default a path's suffix decides,
    and text starting with ``{`` is JSON. Every problem is collected, each
    with its path, into one error.

    Raises:
        ProgrammeDocumentError: the document has problems.

    >>> p = load_programme('name = "demo"\\n[policies]\\nzone = "Europe/Warsaw"\\n')
    >>> p.policies.zone
    'Europe/Warsaw'
    >>> load_programme('name = "x"\\n[earn]\\nrules = [{type = "per_spend", name = "s", points = 0}]\\n')
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ProgrammeDocumentError: 1 problem in programme document:
      earn.rules[0].points: 'points' must be an integer from 1 to 1000000000000 (got 0)
    """
    problems = doc.Problems()
    data = _read(source, format, problems)
    result = None if data is None else structuring.structure(CONVERTER, data, Programme, problems)
    if problems or result is None:
        raise ProgrammeDocumentError(problems.items)
    return result


# ------------------------------------------------------------------ ledgers


@overload
def dump_ledger(ledger: Ledger, *, format: Literal["mapping"]) -> dict[str, Any]: ...
@overload
def dump_ledger(ledger: Ledger, *, format: Format = ...) -> str: ...
def dump_ledger(ledger: Ledger, *, format: str = "json") -> str | dict[str, Any]:
    """Write *ledger* (its policies and every accepted command) as JSON (default) or TOML.

    ``format="mapping"`` gives the same document as plain data.

    Loading the document replays the commands, so the journal, balances and
    receipts come back exactly.

    >>> import pendulum
    >>> ledger = Ledger()
    >>> _ = ledger.earn(member="ann", points=5, at=pendulum.datetime(2025, 1, 1), key="k")
    >>> again = load_ledger(dump_ledger(ledger))
    >>> again.history("ann") == ledger.history("ann")
    True
    """
    clock_zone = pendulum.timezone(ledger.policies.zone)
    commands = [command_data(command, clock_zone) for command in ledger.commands()]
    data = {"policies": CONVERTER.unstructure(ledger.policies), "commands": commands}
    return doc.dump(data, format=format)


def command_data(command: Command, tz: Any) -> dict[str, Any]:
    """One command as a ledger document holds it (a JSON-compatible mapping)."""
    return payload_data(payload_of(command), command.key, tz)


def payload_data(payload: tuple[Any, ...], key: str, tz: Any) -> dict[str, Any]:
    """The command a ledger kept as *payload* ``(name, member, micros, *arguments)`` under *key*.

    As :func:`command_data` gives it, without building the command first.

    >>> payload_data(("redeem", "ann", 0, 40, None), "r-1", pendulum.timezone("UTC"))
    {'command': 'redeem', 'key': 'r-1', 'member': 'ann', 'at': '1970-01-01T00:00:00+00:00', 'points': 40}
    """
    name, member, micros, *arguments = payload
    item: dict[str, Any] = {
        "command": name,
        "key": key,
        "member": member,
        "at": _instant_text(micros, tz),
    }
    for field, value in zip(COMMAND_FIELDS[name], arguments, strict=True):
        if value is None or value == ():
            continue
        if field == "tally":
            item[field] = {k: str(v) if isinstance(v, Decimal) else v for k, v in value}
        elif field == "lines" and name == "return_purchase":
            item[field] = [CONVERTER.unstructure(x) for x in value]
        elif field in ("awards", "lines", "expiry", "shortfall"):
            item[field] = CONVERTER.unstructure(value)
        else:
            item[field] = value
    return item


def command_from_data(item: Any, path: str) -> Command:
    """The :class:`Command` of one command mapping of a ledger document.

    Raises:
        LedgerDocumentError: the mapping has problems (all of them, under *path*).
    """
    problems = doc.Problems()
    call = _command_call(item, path, problems)
    if problems or call is None:
        raise LedgerDocumentError(problems.items)
    name, kwargs = call
    at = kwargs.pop("at")
    return Command.of(name, key=kwargs.pop("key"), member=kwargs.pop("member"), at=at, **kwargs)


_NAIVE_EPOCH = _dt.datetime(1970, 1, 1)
# Per zone, the last era of one UTC offset an instant fell in:
# (start, end, offset in micros, the offset as isoformat() writes it).
_ERAS: dict[Any, tuple[int, int, int, str]] = {}


def _instant_text(micros: int, tz: Any) -> str:
    """The instant *micros* in ISO 8601 as ``astimezone(tz).isoformat()`` writes it.

    The zone's offset comes from its table (kept per zone for the era of the
    last instant, so a run of commands asks once); instants outside the
    tables' range, and zones without a table, go through ``astimezone``.

    >>> _instant_text(1_735_689_600_000_000, pendulum.timezone("Europe/Warsaw"))
    '2025-01-01T01:00:00+01:00'
    """
    era = _ERAS.get(tz)
    if era is None or not era[0] <= micros < era[1]:
        era = _era(micros, tz)
        if era is None:
            utc = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC) + _dt.timedelta(microseconds=micros)
            return utc.astimezone(tz).isoformat()
    local = _NAIVE_EPOCH + _dt.timedelta(microseconds=micros + era[2])
    return local.isoformat() + era[3]


def _era(micros: int, tz: Any) -> tuple[int, int, int, str] | None:
    """The era of *tz*'s offset table holding *micros*, kept for the next instant."""
    if not isinstance(tz, pendulum.Timezone | pendulum.FixedTimezone) or not LO <= micros < HI:
        return None
    table = ZONES.offsets(tz)
    k = bisect_right(table.times, micros) - 1
    start = max(table.times[k], LO)
    end = table.times[k + 1] if k + 1 < len(table.times) else HI
    offset = table.offsets[k]
    fixed = _dt.timezone(_dt.timedelta(microseconds=offset))
    suffix = _NAIVE_EPOCH.replace(tzinfo=fixed).isoformat()[len("1970-01-01T00:00:00") :]
    era = (start, min(end, HI), offset, suffix)
    if len(_ERAS) < 64 or tz in _ERAS:
        _ERAS[tz] = era
    return era


def load_ledger(source: doc.Source, *, format: str | None = None) -> Ledger:
    """Rebuild a ledger from a document written by :func:`dump_ledger`.

    The document holds the ledger's policies and its commands; they are
    replayed in order, so the rebuilt ledger answers every query as the
    original did.

    Args:
        source: the document: text, UTF-8 bytes, a ``pathlib.Path`` or a mapping.
        format: ``"json"`` or ``"toml"``; by default a path's suffix
            decides, and text starting with ``{`` is JSON.

    Returns:
        A new ledger.

    >>> import pendulum
    >>> ledger = Ledger()
    >>> t = pendulum.datetime(2025, 1, 1)
    >>> _ = ledger.earn(member="ann", points=50, at=t, key="o-1")
    >>> _ = ledger.redeem(member="ann", points=20, at=t.add(days=1), key="r-1")
    >>> load_ledger(dump_ledger(ledger)).balance("ann", as_of=t.add(days=2))
    Balance(available=30, pending=0, debt=0)
    >>> load_ledger('{"commands": 3}')
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.LedgerDocumentError: 1 problem in ledger document:
      commands: must be a list (got int)

    Raises:
        LedgerDocumentError: the document has problems (all of them, with paths),
            or a command in it is refused on replay.
    """
    problems = doc.Problems()
    data = _read(source, format, problems)
    if data is None:
        raise LedgerDocumentError(_with_store_hint(problems.items))
    policies = structuring.structure(
        CONVERTER, data.get("policies", {}), Policies, problems, "policies"
    )
    raw = data.get("commands", [])
    for key in data:
        if key not in ("policies", "commands"):
            problems.add(key, "is not a field of a ledger document (policies, commands)")
    if not isinstance(raw, list | tuple):
        problems.add("commands", f"must be a list (got {type(raw).__name__})")
        raw = []
    calls: list[tuple[str, dict[str, Any]]] = []
    for i, item in enumerate(raw):
        call = _command_call(item, doc.at("commands", i), problems)
        if call is not None:
            calls.append(call)
    if problems or policies is None:
        raise LedgerDocumentError(problems.items)
    ledger = Ledger(policies=policies)
    for i, (name, kwargs) in enumerate(calls):
        method: Callable[..., Any] = getattr(ledger, name)
        try:
            method(**kwargs)
        except (ServiceModelError, TypeError, OverflowError) as exc:  # instants near year 1 or 9999
            raise LedgerDocumentError(
                [Problem(f"commands[{i}]", f"was refused on replay: {exc}")]
            ) from None
    return ledger


#: What each command of a ledger document may hold besides its name, key, member and time.
_ARGUMENTS: dict[str, Any] = {
    "points": int,
    "awards": tuple[Award, ...],
    "lines": tuple[EarnLine, ...],
    "expiry": Expiry,
    "earn": str,
    "reward": str,
    "redemption": str,
    "reason": str,
    "shortfall": NegativeBalance,
}


def _command_call(
    item: Any, path: str, problems: doc.Problems
) -> tuple[str, dict[str, Any]] | None:
    """One command mapping as (method name, keyword arguments); its problems go to *problems*."""
    if (
        not isinstance(item, Mapping)
        or not isinstance(item.get("command"), str)
        or item["command"] not in COMMAND_FIELDS
    ):
        problems.add(
            doc.join(path, "command"), f"must be one of {', '.join(map(repr, COMMAND_FIELDS))}"
        )
        return None
    name = item["command"]
    kwargs: dict[str, Any] = {}
    for field in ("key", "member", "at"):
        try:
            kwargs[field] = (
                instant(item.get(field), field)
                if field == "at"
                else CONVERTER.structure(item.get(field), str)
            )
        except ValidationError as error:
            problems.add(doc.join(path, field), error.message)
    for field, value in item.items():
        where = doc.join(path, field)
        if field in ("command", "key", "member", "at"):
            continue
        if field not in COMMAND_FIELDS[name]:
            problems.add(where, f"is not a field of command {name!r}")
        elif field == "tally":
            tally = _tally(value, where, problems)
            if tally is not None:
                kwargs[field] = tally
        else:
            hint = (
                tuple[ReturnedLine, ...]
                if (field == "lines" and name == "return_purchase")
                else _ARGUMENTS[field]
            )
            before = len(problems)
            converted = structuring.structure(CONVERTER, value, hint, problems, where)
            if len(problems) == before:
                kwargs[field] = converted
    return name, kwargs


def _tally(value: object, path: str, problems: doc.Problems) -> dict[str, int | Decimal] | None:
    """A command's tally: a table of whole numbers and decimals."""
    if not isinstance(value, Mapping):
        problems.add(path, "must be a table of numbers")
        return None
    tally: dict[str, int | Decimal] = {}
    for key, number in value.items():
        whole = is_integer(number)
        try:
            tally[key] = number if whole else decimal(number)
        except ValidationError as error:
            problems.add(doc.join(path, key), error.message)
    return tally


def _with_store_hint(problems: Any) -> list[Problem]:
    """*problems*, a size refusal telling how a large ledger moves instead."""
    hint = (
        "; a larger ledger moves as JSON lines into a store: see "
        "servicemodel.loyalty.store.import_jsonl or `servicemodel ledger import`"
    )
    return [
        Problem(p.path, p.message + hint) if "must be at most" in p.message else p for p in problems
    ]
