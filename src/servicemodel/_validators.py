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

import enum
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs
import pendulum

from ._time import aware
from .exceptions import ValidationError

__all__ = [
    "aware_datetime",
    "between",
    "enum_value",
    "non_empty_str",
    "optional_aware_datetime",
    "strings",
    "to_tuple",
]

E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")

MAX_ID_LENGTH = 256


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


def enum_value(enum_type: type[E]) -> attrs.Converter[Any, E]:
    """Converter: accept an enum member or its lower-case value string.

    >>> import enum
    >>> class Colour(enum.Enum):
    ...     RED = "red"
    >>> enum_value(Colour).converter("red", None, None)  # doctest: +SKIP
    """

    allowed = ", ".join(repr(m.value) for m in enum_type)

    def convert(value: Any, _self: Any, field: attrs.Attribute[Any]) -> E:
        if isinstance(value, enum_type):
            return value
        try:
            return enum_type(value)
        except (ValueError, TypeError):
            raise ValidationError(
                f"'{field.name}' must be one of {allowed} (got {value!r})",
                field=field.name,
                value=value,
            ) from None

    return attrs.Converter(convert, takes_self=True, takes_field=True)


def _to_aware(value: Any, _self: Any, field: attrs.Attribute[Any]) -> pendulum.DateTime:
    return aware(value, field=field.name)


def _to_optional_aware(
    value: Any, _self: Any, field: attrs.Attribute[Any]
) -> pendulum.DateTime | None:
    return None if value is None else aware(value, field=field.name)


#: Converter: an aware datetime (pendulum or stdlib) to ``pendulum.DateTime``; naive is an error.
aware_datetime: attrs.Converter[Any, pendulum.DateTime] = attrs.Converter(
    _to_aware,
    takes_self=True,
    takes_field=True,
)

#: Converter: like :data:`aware_datetime`, passing ``None`` through.
optional_aware_datetime: attrs.Converter[Any, pendulum.DateTime | None] = attrs.Converter(
    _to_optional_aware,
    takes_self=True,
    takes_field=True,
)


def to_tuple(value: Iterable[T]) -> tuple[T, ...]:
    """Converter: any iterable (list, generator) to a tuple.

    >>> to_tuple([1, 2])
    (1, 2)
    """
    return value if isinstance(value, tuple) else tuple(value)


def _to_strings(value: Any, _self: Any, field: attrs.Attribute[Any]) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError(
            f"'{field.name}' must be a collection of strings, not a single value (got {value!r})",
            field=field.name,
            value=value,
        )
    items = frozenset(value)
    for item in items:
        if not isinstance(item, str) or not item or item != item.strip():
            raise ValidationError(
                f"'{field.name}' must contain only non-empty strings (got {item!r})",
                field=field.name,
                value=item,
            )
    return items


#: Converter: an iterable of non-empty strings to a ``frozenset``.
strings: attrs.Converter[Any, frozenset[str]] = attrs.Converter(
    _to_strings,
    takes_self=True,
    takes_field=True,
)
