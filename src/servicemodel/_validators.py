"""Shared attrs validators and converters that raise servicemodel's own errors.

Validators check one field; converters normalise without loss (a list to a
tuple, ``"email"`` to ``Channel.EMAIL``, a stdlib aware datetime to pendulum).

>>> import attrs
>>> @attrs.frozen(kw_only=True)
... class Score:
...     value: int = attrs.field(validator=between(1, 5))
>>> Score(value=7)
Traceback (most recent call last):
...
servicemodel.exceptions.ValidationError: 'value' must be between 1 and 5 (got 7)
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs
import pendulum

from ._time import aware, to_micros
from .exceptions import ValidationError

__all__ = [
    "between",
    "check_item",
    "enum_member",
    "instances",
    "instant_key",
    "non_empty_str",
    "optional_aware",
    "optional_non_empty_str",
    "shown",
    "string_set",
    "to_tuple",
]

E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")

MAX_ID_LENGTH = 256


def shown(value: object, limit: int = 60) -> str:
    """A short repr of *value* for an error message; it never raises.

    Document loaders quote what they got; the value may be a 5,000-digit
    integer (whose repr raises ``ValueError``), nested past the recursion
    limit, or a megabyte of text.

    >>> shown("x" * 100)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx..."
    >>> shown(10**5000)
    '<int>'
    """
    try:
        text = repr(value)
    except Exception:  # a huge integer, deep nesting, a hostile __repr__
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def between(low: int, high: int) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    """Validator: an ``int`` (not ``bool``) in ``[low, high]``.

    >>> check = between(0, 10)
    """

    def check(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValidationError(
                f"'{attribute.name}' must be an integer between {low} and {high} (got {value!r})"
                if not isinstance(value, int) or isinstance(value, bool)
                else f"'{attribute.name}' must be between {low} and {high} (got {value!r})",
                field=attribute.name,
                value=value,
            )

    return check


def check_item(item: object, kind: type, *, field: str, index: int) -> None:
    """Refuse *item*, entry *index* of the collection *field*, unless it is a *kind*.

    >>> check_item("tone", int, field="scores", index=0)
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'scores[0]' must be an int (got 'tone')
    """
    if not isinstance(item, kind):
        name = kind.__name__
        article = "an" if name[:1].upper() in "AEIOU" else "a"
        raise ValidationError(
            f"'{field}[{index}]' must be {article} {name} (got {shown(item)})",
            field=f"{field}[{index}]",
            value=item,
        )


def instances(value: object, kind: type[T], *, field: str) -> tuple[T, ...]:
    """Return a collection of *kind* values as a tuple, refusing a single value or a stray item.

    >>> instances([1, 2], int, field="scores")
    (1, 2)
    >>> instances("12", int, field="scores")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'scores' must be a collection of int values (got '12')
    """
    if type(value) is tuple:  # the common case, without the abstract-class checks
        items: tuple[Any, ...] = value
    elif isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationError(
            f"'{field}' must be a collection of {kind.__name__} values (got {shown(value)})",
            field=field,
            value=value,
        )
    else:
        items = tuple(value)
    for index, item in enumerate(items):
        check_item(item, kind, field=field, index=index)
    return items


def non_empty_str(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validator: a non-empty string of at most 256 characters, without surrounding blanks.

    >>> import attrs
    >>> @attrs.frozen
    ... class Named:
    ...     id: str = attrs.field(validator=non_empty_str)
    >>> Named("")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'id' must be a non-empty string (got '')
    """
    if not isinstance(value, str) or not value or value != value.strip():
        raise ValidationError(
            f"'{attribute.name}' must be a non-empty string (got {value!r})"
            if not isinstance(value, str) or not value.strip()
            else f"'{attribute.name}' must not start or end with blanks (got {value!r})",
            field=attribute.name,
            value=value,
        )
    if len(value) > MAX_ID_LENGTH:
        raise ValidationError(
            f"'{attribute.name}' must be at most {MAX_ID_LENGTH} characters "
            f"(got {len(value)} characters)",
            field=attribute.name,
            value=value,
        )


def optional_non_empty_str(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validator: ``None`` or a string accepted by :func:`non_empty_str`.

    >>> optional_non_empty_str(None, None, None)
    """
    if value is not None:
        non_empty_str(instance, attribute, value)


def enum_member(enum_type: type[E], value: object, *, field: str) -> E:
    """Return *value* as a member of *enum_type*, accepting the member or its value string.

    Use it inside a small named converter per field (mypy's attrs plugin needs
    named converter functions).

    Raises:
        ValidationError: *value* is neither a member nor a member's value.

    >>> import enum
    >>> class Colour(enum.Enum):
    ...     RED = "red"
    >>> enum_member(Colour, "red", field="colour")
    <Colour.RED: 'red'>
    >>> enum_member(Colour, "blue", field="colour")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'colour' must be one of 'red' (got 'blue')
    """
    if isinstance(value, enum_type):
        return value
    try:
        return enum_type(value)
    except (ValueError, TypeError):
        allowed = ", ".join(repr(m.value) for m in enum_type)
        raise ValidationError(
            f"'{field}' must be one of {allowed} (got {value!r})", field=field, value=value
        ) from None


def instant_key(value: _dt.datetime | None) -> int | None:
    """Equality key for instant fields: the instant itself, whatever zone shows it.

    Aware datetimes in different zones compare unequal in a repeated hour
    (PEP 495), so value classes compare their instants with this key
    (``attrs.field(eq=instant_key)``), which also keeps hashing consistent.

    >>> import pendulum
    >>> a = pendulum.datetime(2004, 10, 31, 5).in_timezone("America/New_York")
    >>> b = pendulum.parse("2004-10-31T01:00:00-04:00")
    >>> a == b, instant_key(a) == instant_key(b)
    (False, True)
    """
    return None if value is None else to_micros(value)


def optional_aware(value: object, *, field: str) -> pendulum.DateTime | None:
    """Like :func:`servicemodel._time.aware`, passing ``None`` through.

    >>> optional_aware(None, field="churned_at") is None
    True
    """
    return None if value is None else aware(value, field=field)


def to_tuple(value: Iterable[T]) -> tuple[T, ...]:
    """Converter: any iterable (list, generator) to a tuple.

    >>> to_tuple([1, 2])
    (1, 2)
    """
    return value if isinstance(value, tuple) else tuple(value)


def string_set(value: object, *, field: str) -> frozenset[str]:
    """Return an iterable of non-empty strings as a ``frozenset``.

    Raises:
        ValidationError: *value* is a single string, not iterable, or holds a non-string.

    >>> sorted(string_set(["vip", "billing"], field="tags"))
    ['billing', 'vip']
    >>> string_set("vip", field="tags")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'tags' must be a collection of strings, not a single value (got 'vip')
    """
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError(
            f"'{field}' must be a collection of strings, not a single value (got {value!r})",
            field=field,
            value=value,
        )
    items = tuple(value)  # check before hashing: a list inside is a bad item, not a TypeError
    for item in items:
        if not isinstance(item, str) or not item or item != item.strip():
            raise ValidationError(
                f"'{field}' must contain only non-empty strings without surrounding blanks "
                f"(got {item!r})",
                field=field,
                value=item,
            )
    return frozenset(items)
