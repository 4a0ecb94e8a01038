"""Programme and ledger documents: TOML or JSON in, TOML or JSON out.

Dumping goes through one cattrs converter (decimals, fractions and instants
as strings, enums as their values, tagged unions with a ``type`` key,
defaults left out). Loading walks the document against the same classes,
collects every problem with its path (``earn.rules[1].points``) and raises
one :class:`~servicemodel.exceptions.ProgrammeDocumentError` (or
:class:`~servicemodel.exceptions.LedgerDocumentError`) with all of them.
Nothing is evaluated from text; sizes and nesting are bounded.
"""

from __future__ import annotations

import datetime as _dt
import enum
import os
import re
import types
import typing
from bisect import bisect_right
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Literal, Union, overload

import attrs
import cattrs
import pendulum
from cattrs.gen import make_dict_unstructure_fn

from .. import _documents as doc
from .._time import HI, LO, ZONES, aware
from .._validators import shown
from ..exceptions import (
    LedgerDocumentError,
    Problem,
    ProgrammeDocumentError,
    ServiceModelError,
    ValidationError,
)
from ._commands import COMMAND_FIELDS, Command, payload_of
from ._ledger import Ledger
from ._policies import (
    AfterDays,
    AfterInactivity,
    AfterMonths,
    EndOfPeriod,
    Expiry,
    NegativeBalance,
    NeverExpires,
    Policies,
    WhicheverFirst,
)
from ._programme import Programme
from ._rules import (
    ChannelMultiplier,
    EarnRules,
    PerCategory,
    PerEvent,
    PerProduct,
    PerSpend,
    PromotionMultiplier,
    TierMultiplier,
)
from ._values import Award, EarnLine, ReturnedLine

__all__ = ["dump_ledger", "dump_programme", "load_ledger", "load_programme"]

MAX_DEPTH = 16
MAX_TEXT = 256

_TAGS: dict[type, str] = {
    NeverExpires: "never",
    AfterDays: "after_days",
    AfterMonths: "after_months",
    EndOfPeriod: "end_of_period",
    AfterInactivity: "after_inactivity",
    WhicheverFirst: "whichever_first",
    PerSpend: "per_spend",
    PerProduct: "per_product",
    PerCategory: "per_category",
    PerEvent: "per_event",
    TierMultiplier: "tier",
    PromotionMultiplier: "promotion",
    ChannelMultiplier: "channel",
}
_RULES_HINT = tuple[PerSpend | PerProduct | PerCategory | PerEvent, ...]
_FAIL = object()

# ------------------------------------------------------------------ dumping


def _is_frozenset(hint: Any) -> bool:
    return bool(hint is frozenset or typing.get_origin(hint) is frozenset)


def _is_tuple(hint: Any) -> bool:
    return bool(hint is tuple or typing.get_origin(hint) is tuple)


def _converter() -> cattrs.Converter:
    conv = cattrs.Converter()
    conv.register_unstructure_hook(Decimal, str)
    conv.register_unstructure_hook(
        Fraction,
        lambda f: str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}",
    )
    conv.register_unstructure_hook(pendulum.DateTime, lambda d: d.isoformat())
    conv.register_unstructure_hook(_dt.date, lambda d: d.isoformat())
    conv.register_unstructure_hook_func(
        _is_frozenset, lambda s: sorted(conv.unstructure(x, unstructure_as=type(x)) for x in s)
    )
    conv.register_unstructure_hook(enum.Enum, lambda e: e.value)

    def attrs_hook(cls: type) -> Callable[[Any], dict[str, Any]]:
        base: Callable[[Any], dict[str, Any]] = make_dict_unstructure_fn(
            cls, conv, _cattrs_omit_if_default=True, _cattrs_use_alias=True
        )
        tag = _TAGS.get(cls)
        if tag is None:
            return base
        return lambda obj: {"type": tag, **base(obj)}

    conv.register_unstructure_hook_factory(attrs.has, attrs_hook)
    # Tuples (of rules, multipliers, ...) unstructure item by item by runtime class.
    conv.register_unstructure_hook_func(
        _is_tuple, lambda t: [conv.unstructure(x, unstructure_as=type(x)) for x in t]
    )
    return conv


_CONVERTER = _converter()


Source = Mapping[str, Any] | str | bytes | os.PathLike[str]
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
    return _write(_CONVERTER.unstructure(programme), format)


def _write(data: dict[str, Any], format: str) -> str | dict[str, Any]:
    doc.check_format(format, allowed=(*doc.FORMATS, "mapping"))
    if format == "mapping":
        return data
    return doc.write(data, format=format)


# ------------------------------------------------------------------ loading


def _read(source: object, format: str | None, loader: _Loader) -> Mapping[str, Any] | None:
    return doc.read(source, format=format, problems=loader.problems, exact_numbers=True)


def _join(path: str, name: str | None) -> str:
    if not name:
        return path
    return f"{path}.{name}" if path else name


class _Loader:
    def __init__(self) -> None:
        self.problems = doc.Problems()

    def fail(self, path: str, message: str) -> object:
        self.problems.add(path, message)
        return _FAIL

    def build(self, cls: type, data: Any, path: str, depth: int) -> Any:
        if depth > MAX_DEPTH:
            return self.fail(path, f"must be nested at most {MAX_DEPTH} levels deep")
        if not isinstance(data, Mapping):
            return self.fail(path, f"must be a table (got {type(data).__name__} {shown(data)})")
        hints = typing.get_type_hints(cls)
        fields = {f.alias: f for f in attrs.fields(cls)}
        ok = True
        for key in data:
            if key not in fields and not (key == "type" and cls in _TAGS):
                self.fail(
                    _join(path, key), f"is not a field of {cls.__name__} ({', '.join(fields)})"
                )
                ok = False
        kwargs: dict[str, Any] = {}
        for alias, field in fields.items():
            if alias not in data:
                if field.default is attrs.NOTHING:
                    self.fail(_join(path, alias), "is required")
                    ok = False
                continue
            hint = hints[field.name]
            if cls is EarnRules and field.name == "rules":
                hint = _RULES_HINT
            value = self.value(hint, data[alias], _join(path, alias), depth + 1)
            if value is _FAIL:
                ok = False
            else:
                kwargs[alias] = value
        if not ok:
            # Still report what single-field rules say about the fields that parsed.
            for alias, value in kwargs.items():
                check = fields[alias].validator
                if check is None:
                    continue
                try:
                    check(None, fields[alias], value)
                except ValidationError as exc:
                    self.fail(_join(path, alias), exc.message)
                except Exception:  # a cross-field rule needs the whole value
                    pass
            return _FAIL
        try:
            return cls(**kwargs)
        except ValidationError as exc:
            field = exc.field if exc.field in {f.name for f in attrs.fields(cls)} else None
            return self.fail(_join(path, field), exc.message)

    def value(self, hint: Any, data: Any, path: str, depth: int) -> Any:
        origin = typing.get_origin(hint)
        if origin in (Union, types.UnionType):
            options = [a for a in typing.get_args(hint) if a is not type(None)]
            if data is None and len(options) < len(typing.get_args(hint)):
                return None
            tagged = [a for a in options if a in _TAGS]
            if tagged:
                if not isinstance(data, Mapping) or "type" not in data:
                    kinds = ", ".join(repr(_TAGS[a]) for a in tagged)
                    return self.fail(path, f"must be a table with a 'type' of {kinds}")
                by_tag = {_TAGS[a]: a for a in tagged}
                if not isinstance(data["type"], str) or data["type"] not in by_tag:
                    return self.fail(
                        _join(path, "type"),
                        f"must be one of {', '.join(repr(k) for k in by_tag)} (got {shown(data['type'])})",
                    )
                return self.build(by_tag[data["type"]], data, path, depth)
            return self.value(options[0], data, path, depth)
        if origin in (tuple, frozenset):
            if not isinstance(data, list | tuple):
                return self.fail(path, f"must be a list (got {type(data).__name__} {shown(data)})")
            if len(data) > 10_000:
                return self.fail(path, f"must have at most 10000 items (got {len(data)})")
            inner = typing.get_args(hint)[0]
            items = [
                self.value(inner, item, f"{path}[{i}]", depth + 1) for i, item in enumerate(data)
            ]
            if any(item is _FAIL for item in items):
                return _FAIL
            return tuple(items) if origin is tuple else frozenset(items)
        if isinstance(hint, type) and attrs.has(hint):
            return self.build(hint, data, path, depth)
        if isinstance(hint, type) and issubclass(hint, enum.Enum):
            allowed = [m.value for m in hint]
            if data not in allowed:
                return self.fail(
                    path, f"must be one of {', '.join(map(repr, allowed))} (got {shown(data)})"
                )
            return hint(data)
        if hint is bool:
            return (
                data
                if isinstance(data, bool)
                else self.fail(path, f"must be true or false (got {shown(data)})")
            )
        if hint is int:
            if isinstance(data, bool) or not isinstance(data, int):
                return self.fail(path, f"must be a whole number (got {shown(data)})")
            return data
        if hint is str:
            if not isinstance(data, str) or len(data) > MAX_TEXT:
                return self.fail(
                    path, f"must be a string of at most {MAX_TEXT} characters (got {shown(data)})"
                )
            return data
        if hint is Decimal:
            return self.decimal(data, path)
        if hint is Fraction:
            return self.fraction(data, path)
        if hint is pendulum.DateTime:
            return self.instant(data, path)
        if hint is _dt.date:
            return self.date(data, path)
        return self.fail(path, f"cannot be read (unsupported type {hint!r})")

    def decimal(self, data: Any, path: str) -> Any:
        if isinstance(data, Decimal) or (isinstance(data, int) and not isinstance(data, bool)):
            return Decimal(data)
        if isinstance(data, float):  # a mapping's float: its shortest text is what was meant
            data = repr(data)
        if isinstance(data, str) and len(data) <= 64:
            try:
                value = Decimal(data)
            except InvalidOperation:
                pass
            else:
                if value.is_finite():
                    too_big = doc.number_problem(value)
                    return value if too_big is None else self.fail(path, too_big)
        return self.fail(
            path, f"must be a decimal number written as a string such as '4.35' (got {shown(data)})"
        )

    def fraction(self, data: Any, path: str) -> Any:
        if isinstance(data, int) and not isinstance(data, bool):
            return Fraction(data)
        if isinstance(data, Decimal) and data.is_finite():
            return Fraction(data)
        if (
            isinstance(data, str)
            and re.fullmatch(r"-?\d{1,30}(/\d{1,30}|\.\d{1,30})?", data)
            and not re.search(r"/0+$", data)
        ):
            return Fraction(data)
        return self.fail(
            path, f"must be an exact number such as '3/2' or '1.5' (got {shown(data)})"
        )

    def date(self, data: Any, path: str) -> Any:
        if isinstance(data, _dt.date) and not isinstance(data, _dt.datetime):
            return data
        if isinstance(data, str) and len(data) == 10:
            try:
                return _dt.date.fromisoformat(data)
            except ValueError:
                pass
        return self.fail(path, f"must be a date written as 'YYYY-MM-DD' (got {shown(data)})")

    def instant(self, data: Any, path: str) -> Any:
        if isinstance(data, _dt.datetime):
            candidate = data
        elif isinstance(data, str) and len(data) <= 64:
            try:
                candidate = _dt.datetime.fromisoformat(data)
            except ValueError:
                return self.fail(
                    path, f"must be an ISO 8601 instant with an offset (got {shown(data)})"
                )
        else:
            return self.fail(
                path, f"must be an ISO 8601 instant with an offset (got {shown(data)})"
            )
        try:
            return aware(candidate, field=path.rsplit(".", 1)[-1])
        except ValidationError as exc:
            return self.fail(path, exc.message)


def load_programme(source: Source, *, format: str | None = None) -> Programme:
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
      earn.rules[0].points: 'points' must be a whole number from 1 to 1000000000000 (got 0)
    """
    loader = _Loader()
    data = _read(source, format, loader)
    result = _FAIL if data is None else loader.build(Programme, data, "", 0)
    if loader.problems or result is _FAIL:
        raise ProgrammeDocumentError(loader.problems.items)
    assert isinstance(result, Programme)
    return result


# ------------------------------------------------------------------ ledgers

_COMMANDS: dict[str, tuple[str, ...]] = {
    "earn": ("points", "awards", "lines", "expiry", "tally"),
    "activate": ("earn",),
    "redeem": ("points", "reward"),
    "reverse_redemption": ("redemption",),
    "return_purchase": ("earn", "lines", "tally"),
    "adjust": ("points", "reason", "shortfall", "expiry"),
}


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
    data = {"policies": _CONVERTER.unstructure(ledger.policies), "commands": commands}
    return _write(data, format)


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
            item[field] = [_CONVERTER.unstructure(x) for x in value]
        elif field in ("awards", "lines", "expiry", "shortfall"):
            item[field] = _CONVERTER.unstructure(value)
        else:
            item[field] = value
    return item


def command_from_data(item: Any, path: str) -> Command:
    """The :class:`Command` of one command mapping of a ledger document.

    Raises:
        LedgerDocumentError: the mapping has problems (all of them, under *path*).
    """
    loader = _Loader()
    call = _command_call(loader, item, path)
    if loader.problems or call is None:
        raise LedgerDocumentError(loader.problems.items)
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


def load_ledger(source: Source, *, format: str | None = None) -> Ledger:
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
    loader = _Loader()
    data = _read(source, format, loader)
    if data is None:
        raise LedgerDocumentError(_with_store_hint(loader.problems.items))
    policies = loader.build(Policies, data.get("policies", {}), "policies", 0)
    raw = data.get("commands", [])
    for key in data:
        if key not in ("policies", "commands"):
            loader.fail(key, "is not a field of a ledger document (policies, commands)")
    if not isinstance(raw, list | tuple):
        loader.fail("commands", f"must be a list (got {type(raw).__name__})")
        raw = []
    calls: list[tuple[str, dict[str, Any]]] = []
    for i, item in enumerate(raw):
        call = _command_call(loader, item, f"commands[{i}]")
        if call is not None:
            calls.append(call)
    if loader.problems or policies is _FAIL:
        raise LedgerDocumentError(loader.problems.items)
    assert isinstance(policies, Policies)
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


def _command_call(loader: _Loader, item: Any, path: str) -> tuple[str, dict[str, Any]] | None:
    """One command mapping as (method name, keyword arguments); problems go to *loader*."""
    kinds: dict[str, Any] = {
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
    if (
        not isinstance(item, Mapping)
        or not isinstance(item.get("command"), str)
        or item["command"] not in _COMMANDS
    ):
        loader.fail(_join(path, "command"), f"must be one of {', '.join(map(repr, _COMMANDS))}")
        return None
    name = item["command"]
    kwargs: dict[str, Any] = {}
    for field in ("key", "member"):
        value = loader.value(str, item.get(field), _join(path, field), 1)
        if value is not _FAIL:
            kwargs[field] = value
    at = loader.instant(item.get("at"), _join(path, "at"))
    if at is not _FAIL:
        kwargs["at"] = at
    for field, value in item.items():
        if field in ("command", "key", "member", "at"):
            continue
        if field not in _COMMANDS[name]:
            loader.fail(_join(path, field), f"is not a field of command {name!r}")
            continue
        if field == "tally":
            if not isinstance(value, Mapping):
                loader.fail(_join(path, field), "must be a table of numbers")
                continue
            tally = {}
            for k, v in value.items():
                number = (
                    v
                    if isinstance(v, int) and not isinstance(v, bool)
                    else loader.decimal(v, f"{path}.tally.{k}")
                )
                tally[k] = number
            kwargs[field] = tally
            continue
        hint = (
            tuple[ReturnedLine, ...]
            if (field == "lines" and name == "return_purchase")
            else kinds[field]
        )
        converted = loader.value(hint, value, _join(path, field), 1)
        if converted is not _FAIL:
            kwargs[field] = converted
    return name, kwargs


def _with_store_hint(problems: Any) -> list[Problem]:
    """*problems*, a size refusal telling how a large ledger moves instead."""
    hint = (
        "; a larger ledger moves as JSON lines into a store: see "
        "servicemodel.loyalty.store.import_jsonl or `servicemodel ledger import`"
    )
    return [
        Problem(p.path, p.message + hint) if "must be at most" in p.message else p for p in problems
    ]
