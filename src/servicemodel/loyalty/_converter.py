"""The loyalty documents' cattrs converter: programmes, policies and ledger commands, in and out.

One converter writes and reads every loyalty class: decimals, fractions and
instants as strings, enums as their values, the kinds of a union (expiry
rules, earn rules, multipliers) told apart by a ``type`` key, defaults left
out when writing. Reading refuses a value by raising
:class:`~servicemodel.exceptions.ValidationError` (the whole sentence, no
field), noted with the key or index it was found at, so that
:func:`servicemodel._structure.structure` records every problem at its path
(``earn.rules[1].points``).

>>> from servicemodel import _documents as doc
>>> from servicemodel import _structure as structuring
>>> from servicemodel.loyalty import Programme
>>> problems = doc.Problems()
>>> structuring.structure(CONVERTER, {"name": 5}, Programme, problems)
>>> [str(p) for p in problems.items]
['name: must be a string of at most 256 characters (got 5)']
"""

from __future__ import annotations

import datetime as _dt
import enum
import re
import types
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Union

import attrs
import cattrs
import pendulum
from cattrs.gen import make_dict_unstructure_fn

from .. import _documents as doc
from .. import _structure as structuring
from .._time import aware
from .._validators import MAX_ID_LENGTH, integer_rule, is_integer, shown
from ..exceptions import ValidationError
from ._policies import (
    AfterDays,
    AfterInactivity,
    AfterMonths,
    EndOfPeriod,
    NeverExpires,
    WhicheverFirst,
)
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

__all__ = ["CONVERTER", "TAGS", "decimal", "instant"]

#: Most items in one list of a loyalty document (its longest string is MAX_ID_LENGTH).
MAX_ITEMS = 10_000

#: The ``type`` a document writes for each kind of a union.
TAGS: dict[type, str] = {
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
#: Fields whose annotation is wider than what a document may hold.
_HINTS: dict[tuple[type, str], Any] = {
    (EarnRules, "rules"): tuple[PerSpend | PerProduct | PerCategory | PerEvent, ...],
}
#: What a structure hook may raise for a refused value.
_REFUSED = (cattrs.BaseValidationError, ValidationError)
_EXACT = re.compile(r"-?\d{1,30}(/\d{1,30}|\.\d{1,30})?")


def _at(where: str | int | None, message: str, cls: object = None) -> ValidationError:
    """A refusal found at a key or index of the value being structured (``None``: the value)."""
    error = ValidationError(message)
    if where is not None:
        structuring.note(error, where, cls)
    return error


def _group(what: object, errors: list[Exception]) -> cattrs.ClassValidationError:
    """The refusals found inside one value, raised together."""
    cls = what if isinstance(what, type) else object
    return cattrs.ClassValidationError(f"While structuring {what!r}", errors, cls)


# ------------------------------------------------------------------ values


def _text(value: object, _type: object = None) -> str:
    if not isinstance(value, str) or len(value) > MAX_ID_LENGTH:
        raise _at(
            None, f"must be a string of at most {MAX_ID_LENGTH} characters (got {shown(value)})"
        )
    return value


def _whole(value: object, _type: object = None) -> int:
    if not is_integer(value):
        raise _at(None, f"must be {integer_rule()} (got {shown(value)})")
    return value


def _boolean(value: object, _type: object = None) -> bool:
    if not isinstance(value, bool):
        raise _at(None, f"must be true or false (got {shown(value)})")
    return value


def decimal(value: object, _type: object = None) -> Decimal:
    """A decimal: a number, or text such as ``'4.35'``; finite and within the document's digits.

    >>> decimal("4.35"), decimal(2)
    (Decimal('4.35'), Decimal('2'))
    """
    if isinstance(value, Decimal) or is_integer(value):
        return Decimal(value)
    if isinstance(value, float):  # a mapping's float: its shortest text is what was meant
        value = repr(value)
    if isinstance(value, str) and len(value) <= 64:
        try:
            number = Decimal(value)
        except InvalidOperation:
            pass
        else:
            if number.is_finite():
                too_big = doc.number_problem(number)
                if too_big is not None:
                    raise _at(None, too_big)
                return number
    raise _at(
        None,
        f"must be a decimal number written as a string such as '4.35' (got {shown(value)})",
    )


def _fraction(value: object, _type: object = None) -> Fraction:
    if is_integer(value):
        return Fraction(value)
    if isinstance(value, Decimal) and value.is_finite():
        return Fraction(value)
    if isinstance(value, str) and _EXACT.fullmatch(value) and not re.search(r"/0+$", value):
        return Fraction(value)
    raise _at(None, f"must be an exact number such as '3/2' or '1.5' (got {shown(value)})")


def instant(value: object, field: str) -> pendulum.DateTime:
    """An aware instant: a datetime, or ISO 8601 text with an offset; *field* names it.

    >>> instant("2025-01-01T00:00:00+01:00", "at").isoformat()
    '2025-01-01T00:00:00+01:00'
    """
    candidate: object = value
    if isinstance(value, str) and len(value) <= 64:
        try:
            candidate = _dt.datetime.fromisoformat(value)
        except ValueError:
            candidate = None
    if not isinstance(candidate, _dt.datetime):
        raise _at(None, f"must be an ISO 8601 instant with an offset (got {shown(value)})")
    try:
        return aware(candidate, field=field)
    except ValidationError as error:
        raise _at(None, error.message) from None


def _date(value: object, _type: object = None) -> _dt.date:
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise _at(None, f"must be a date written as 'YYYY-MM-DD' (got {shown(value)})")


def _choice(value: object, kind: type[enum.Enum]) -> enum.Enum:
    return structuring.member(kind, value)


# ------------------------------------------------------------------ shapes


def _is_union(hint: Any) -> bool:
    return typing.get_origin(hint) in (Union, types.UnionType)


def _is_items(hint: Any) -> bool:
    return typing.get_origin(hint) in (tuple, frozenset)


def _union(conv: cattrs.Converter) -> Callable[[Any], Callable[[object, Any], object]]:
    """A union: null where allowed, the kinds with a ``type`` key by it, else its first member."""

    def factory(hint: Any) -> Callable[[object, Any], object]:
        members = typing.get_args(hint)
        options = [m for m in members if m is not type(None)]
        by_tag = {TAGS[m]: m for m in options if m in TAGS}
        kinds = ", ".join(map(repr, by_tag))

        def structure(value: object, _type: object) -> object:
            if value is None and len(options) < len(members):
                return None
            if not by_tag:
                return conv.structure(value, options[0])
            if not isinstance(value, Mapping) or "type" not in value:
                raise _at(None, f"must be a table with a 'type' of {kinds}")
            tag = value["type"]
            if not isinstance(tag, str) or tag not in by_tag:
                message = f"must be one of {kinds} (got {shown(tag)})"
                raise _group(hint, [_at("type", message, hint)])
            return conv.structure(value, by_tag[tag])

        return structure

    return factory


def _items(conv: cattrs.Converter) -> Callable[[Any], Callable[[object, Any], object]]:
    """A tuple or frozenset: a list of at most MAX_ITEMS, each item noted with its index."""

    def factory(hint: Any) -> Callable[[object, Any], object]:
        make: Callable[[list[Any]], object] = (
            tuple if typing.get_origin(hint) is tuple else frozenset
        )
        item = typing.get_args(hint)[0]
        hook = conv.get_structure_hook(item)

        def structure(value: object, _type: object) -> object:
            if not isinstance(value, list | tuple):
                raise _at(None, f"must be a list (got {type(value).__name__} {shown(value)})")
            if len(value) > MAX_ITEMS:
                raise _at(None, f"must have at most {MAX_ITEMS} items (got {len(value)})")
            built: list[Any] = []
            errors: list[Exception] = []
            for index, raw in enumerate(value):
                try:
                    built.append(hook(raw, item))
                except _REFUSED as error:
                    structuring.note(error, index, item)
                    errors.append(error)
            if errors:
                raise cattrs.IterableValidationError(f"While structuring {hint!r}", errors, list)
            return make(built)

        return structure

    return factory


def _field_hook(conv: cattrs.Converter, hint: Any, alias: str) -> Callable[[object], object]:
    """How one field is read: instants name their field in a refusal, the rest by type."""
    if hint is pendulum.DateTime:
        return lambda value: instant(value, alias)
    if hint == pendulum.DateTime | None:
        return lambda value: None if value is None else instant(value, alias)
    hook = conv.get_structure_hook(hint)
    return lambda value: hook(value, hint)


def _table(conv: cattrs.Converter) -> Callable[[type], Callable[[object, Any], object]]:
    """An attrs class from a table: unknown keys, missing keys and each field's refusal, all kept.

    When a field is refused, the single-field rules of the fields that were
    read are still checked, so one reading reports both.
    """

    def factory(cls: type) -> Callable[[object, Any], object]:
        hints = typing.get_type_hints(cls)
        fields = {f.alias: f for f in attrs.fields(cls)}
        names = {f.name for f in attrs.fields(cls)}
        known = f"is not a field of {cls.__name__} ({', '.join(fields)})"
        allowed = set(fields) | ({"type"} if cls in TAGS else set())
        read = {
            alias: _field_hook(conv, _HINTS.get((cls, f.name), hints[f.name]), alias)
            for alias, f in fields.items()
        }

        def structure(value: object, _type: object) -> object:
            if not isinstance(value, Mapping):
                raise _at(None, f"must be a table (got {type(value).__name__} {shown(value)})")
            errors: list[Exception] = [_at(k, known, cls) for k in value if k not in allowed]
            kwargs: dict[str, Any] = {}
            for alias, field in fields.items():
                if alias not in value:
                    if field.default is attrs.NOTHING:
                        errors.append(_at(alias, "is required", cls))
                    continue
                try:
                    kwargs[alias] = read[alias](value[alias])
                except _REFUSED as error:
                    structuring.note(error, alias, cls)
                    errors.append(error)
            if errors:
                errors.extend(_single_field_rules(fields, kwargs, cls))
                raise _group(cls, errors)
            try:
                return cls(**kwargs)
            except ValidationError as error:
                where = error.field if error.field in names else None
                raise _group(cls, [_at(where, error.message, cls)]) from None

        return structure

    return factory


def _single_field_rules(
    fields: Mapping[str, attrs.Attribute[Any]], kwargs: Mapping[str, Any], cls: type
) -> list[Exception]:
    """What each read field's own validator says (a rule across fields needs the whole value)."""
    found: list[Exception] = []
    for alias, value in kwargs.items():
        check = fields[alias].validator
        if check is None:
            continue
        try:
            check(None, fields[alias], value)
        except ValidationError as error:
            found.append(_at(alias, error.message, cls))
        except Exception:  # a cross-field rule needs the whole value
            pass
    return found


# ------------------------------------------------------------------ writing


def _is_frozenset(hint: Any) -> bool:
    return bool(hint is frozenset or typing.get_origin(hint) is frozenset)


def _is_tuple(hint: Any) -> bool:
    return bool(hint is tuple or typing.get_origin(hint) is tuple)


def _fraction_text(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"


def _converter() -> cattrs.Converter:
    conv = cattrs.Converter()
    for kind, read in (
        (str, _text),
        (int, _whole),
        (bool, _boolean),
        (Decimal, decimal),
        (Fraction, _fraction),
        (_dt.date, _date),
        (enum.Enum, _choice),
    ):
        conv.register_structure_hook(kind, read)
    conv.register_structure_hook_factory(_is_union, _union(conv))
    conv.register_structure_hook_factory(_is_items, _items(conv))
    conv.register_structure_hook_factory(attrs.has, _table(conv))

    conv.register_unstructure_hook(Decimal, str)
    conv.register_unstructure_hook(Fraction, _fraction_text)
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
        tag = TAGS.get(cls)
        if tag is None:
            return base
        return lambda obj: {"type": tag, **base(obj)}

    conv.register_unstructure_hook_factory(attrs.has, attrs_hook)
    # Tuples (of rules, multipliers, ...) unstructure item by item by runtime class.
    conv.register_unstructure_hook_func(
        _is_tuple, lambda t: [conv.unstructure(x, unstructure_as=type(x)) for x in t]
    )
    return conv


#: The loyalty documents' converter.
CONVERTER = _converter()
