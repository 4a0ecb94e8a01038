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

import attrs
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
    writer = _InstantWriter(pendulum.timezone(ledger.policies.zone))
    commands = [
        payload_data(payload_of(command), command.key, writer) for command in ledger.commands()
    ]
    data = {"policies": CONVERTER.unstructure(ledger.policies), "commands": commands}
    return doc.dump(data, format=format)


def command_data(command: Command, tz: Any) -> dict[str, Any]:
    """One command as a ledger document holds it (a JSON-compatible mapping), *at* shown in *tz*."""
    return payload_data(payload_of(command), command.key, _InstantWriter(tz))


def payload_data(payload: tuple[Any, ...], key: str, writer: _InstantWriter) -> dict[str, Any]:
    """The command a ledger kept as *payload* ``(name, member, micros, *arguments)`` under *key*.

    As :func:`command_data` gives it, without building the command first;
    *writer* writes its instant.

    >>> writer = _InstantWriter(pendulum.timezone("UTC"))
    >>> payload_data(("redeem", "ann", 0, 40, None), "r-1", writer)
    {'command': 'redeem', 'key': 'r-1', 'member': 'ann', 'at': '1970-01-01T00:00:00+00:00', 'points': 40}
    """
    name, member, micros, *arguments = payload
    item: dict[str, Any] = {
        "command": name,
        "key": key,
        "member": member,
        "at": writer.text(micros),
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


def command_from_data(item: Any, path: str, zone: str = "UTC") -> Command:
    """The :class:`Command` of one command mapping of a ledger document (shown in *zone*).

    Raises:
        LedgerDocumentError: the mapping has problems (all of them, under *path*).
    """
    problems = doc.Problems()
    call = _command_call(item, path, problems)
    if problems or call is None:
        raise LedgerDocumentError(problems.items)
    name, kwargs = call
    at = kwargs.pop("at")
    return Command.of(
        name, key=kwargs.pop("key"), member=kwargs.pop("member"), at=at, zone=zone, **kwargs
    )


_NAIVE_EPOCH = _dt.datetime(1970, 1, 1)
_UTC_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)


@attrs.define
class _InstantWriter:
    """Instants in one zone as ISO 8601 text, as ``astimezone(tz).isoformat()`` writes them.

    The zone's offset comes from its table; the writer keeps the era (one
    UTC offset) of the last instant it wrote, so a run of commands asks the
    table once. Instants outside the tables' range, and zones without a
    table, go through ``astimezone``.

    >>> _InstantWriter(pendulum.timezone("Europe/Warsaw")).text(1_735_689_600_000_000)
    '2025-01-01T01:00:00+01:00'
    """

    tz: Any
    # The last era: instants in [start, end) have the UTC offset *offset* (micros),
    # which isoformat() writes as *suffix*; empty until the first instant.
    start: int = 0
    end: int = 0
    offset: int = 0
    suffix: str = ""

    def text(self, micros: int) -> str:
        """The instant *micros* as ISO 8601 text in the writer's zone."""
        if not self.start <= micros < self.end and not self._find_era(micros):
            utc = _UTC_EPOCH + _dt.timedelta(microseconds=micros)
            return utc.astimezone(self.tz).isoformat()
        local = _NAIVE_EPOCH + _dt.timedelta(microseconds=micros + self.offset)
        return local.isoformat() + self.suffix

    def _find_era(self, micros: int) -> bool:
        """Keep the era of the zone's table holding *micros*; False if no table holds it."""
        tz = self.tz
        if not isinstance(tz, pendulum.Timezone | pendulum.FixedTimezone) or not LO <= micros < HI:
            return False
        table = ZONES.offsets(tz)
        k = bisect_right(table.times, micros) - 1
        offset = table.offsets[k]
        fixed = _dt.timezone(_dt.timedelta(microseconds=offset))
        self.start = max(table.times[k], LO)
        self.end = min(table.times[k + 1] if k + 1 < len(table.times) else HI, HI)
        self.offset = offset
        self.suffix = _NAIVE_EPOCH.replace(tzinfo=fixed).isoformat()[len("1970-01-01T00:00:00") :]
        return True


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
    arguments = {k: v for k, v in item.items() if k not in ("command", "key", "member", "at")}
    kwargs.update(_command_arguments(name, arguments, path, problems))
    return name, kwargs


def _command_arguments(
    name: str, arguments: Mapping[str, Any], path: str, problems: doc.Problems
) -> dict[str, Any]:
    """A command's own arguments (as a ledger document holds them) as keyword arguments."""
    kwargs: dict[str, Any] = {}
    for field, value in arguments.items():
        where = doc.join(path, field)
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
    return kwargs


def command_from_values(values: Any, key: str, member: str, path: str, zone: str) -> Command:
    """The :class:`Command` of its kept values ``[name, micros, *arguments]`` (a store's form).

    The arguments are in the order of :data:`~._commands.COMMAND_FIELDS`, each
    as a ledger document holds it (``null`` for an argument not given), but
    a tally as ``[name, amount]`` pairs; *key* and *member* are kept apart.

    Raises:
        LedgerDocumentError: the values are not a command (the problems carry *path*).

    >>> command_from_values(["redeem", 0, 40, None], "r-1", "ann", "", "UTC").argument("points")
    40
    """
    if (
        not isinstance(values, list)
        or len(values) < 2
        or type(values[0]) is not str
        or values[0] not in COMMAND_FIELDS
        or type(values[1]) is not int
        or len(values) != 2 + len(COMMAND_FIELDS[values[0]])
    ):
        raise LedgerDocumentError(
            [Problem(path, f"must be [command, micros, *arguments] (got {values!r:.200})")]
        )
    name, micros, *rest = values
    arguments = {
        field: value
        for field, value in zip(COMMAND_FIELDS[name], rest, strict=True)
        if value is not None
    }
    problems = doc.Problems()
    tally = arguments.get("tally")
    if tally is not None:
        try:
            arguments["tally"] = dict(tally)
        except (TypeError, ValueError):
            problems.add(doc.join(path, "tally"), "must be a list of [name, amount] pairs")
    kwargs = _command_arguments(name, arguments, path, problems)
    try:
        at = _UTC_EPOCH + _dt.timedelta(microseconds=micros)
    except OverflowError:
        problems.add(doc.join(path, "at"), f"must be an instant in years 1 to 9999 (got {micros})")
    if problems:
        raise LedgerDocumentError(problems.items)
    return Command.of(name, key=key, member=member, at=at, zone=zone, **kwargs)


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
