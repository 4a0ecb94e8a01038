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
servicemodel.exceptions.ValidationError: 'value' must be an integer from 1 to 5 (got 7)
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Callable, Iterable
from typing import Any, TypeGuard, TypeVar

import attrs
import pendulum

from ._time import aware, to_micros
from .exceptions import ValidationError

__all__ = [
    "between",
    "check_item",
    "distinct",
    "enum_member",
    "instance",
    "instance_of",
    "instances",
    "instant_key",
    "integer",
    "integer_rule",
    "is_collection",
    "is_integer",
    "non_empty_str",
    "optional_aware",
    "optional_non_empty_str",
    "shown",
    "string_set",
    "text",
    "text_problem",
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


def integer_rule(low: int | None = None, high: int | None = None, unit: str | None = None) -> str:
    """The one wording of an integer range, for a message ``'<field>' must be <rule> (got ...)``.

    *unit* names what is counted, when the number alone would not say it.

    >>> integer_rule(1, 5), integer_rule(low=0), integer_rule(high=9), integer_rule()
    ('an integer from 1 to 5', 'an integer of at least 0', 'an integer of at most 9', 'an integer')
    >>> integer_rule(1, 60, unit="minutes")
    'an integer number of minutes from 1 to 60'
    """
    kind = f"an integer number of {unit}" if unit else "an integer"
    if low is not None and high is not None:
        return f"{kind} from {low} to {high}"
    if low is not None:
        return f"{kind} of at least {low}"
    if high is not None:
        return f"{kind} of at most {high}"
    return kind


def is_integer(value: object, low: int | None = None, high: int | None = None) -> TypeGuard[int]:
    """Whether *value* is an ``int`` (never a ``bool``) in ``[low, high]`` (``None``: unbounded).

    >>> is_integer(3, 1, 5), is_integer(True, 0, 1), is_integer(2.0), is_integer(-1, low=0)
    (True, False, False, False)
    """
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and (low is None or value >= low)
        and (high is None or value <= high)
    )


def integer(
    value: object,
    *,
    field: str,
    low: int | None = None,
    high: int | None = None,
    unit: str | None = None,
) -> int:
    """Return *value* if it is an ``int`` (not ``bool``) in ``[low, high]``; the one integer check.

    *unit* (e.g. ``"minutes"``) goes into the message when the number alone would not say it.

    Raises:
        ValidationError: ``'<field>' must be an integer from <low> to <high> (got <value>)``.

    >>> integer(3, field="level", low=1, high=5)
    3
    >>> integer(0, field="batch", low=1)
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'batch' must be an integer of at least 1 (got 0)
    """
    if not is_integer(value, low, high):
        raise ValidationError(
            f"'{field}' must be {integer_rule(low, high, unit)} (got {shown(value)})",
            field=field,
            value=value,
        )
    return value


def between(
    low: int | None = None, high: int | None = None
) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    """Validator: an ``int`` (not ``bool``) in ``[low, high]``, checked by :func:`integer`.

    >>> import attrs
    >>> @attrs.frozen
    ... class Stock:
    ...     count: int = attrs.field(validator=between(low=0))
    >>> Stock(-1)
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'count' must be an integer of at least 0 (got -1)
    """

    def check(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        integer(value, field=attribute.name, low=low, high=high)

    return check


def _not_a(kind: type, value: object, field: str, *, optional: bool = False) -> ValidationError:
    name = kind.__name__
    rule = f"{'an' if name[:1].upper() in 'AEIOU' else 'a'} {name}" + (
        " or None" if optional else ""
    )
    return ValidationError(
        f"'{field}' must be {rule} (got {shown(value)})", field=field, value=value
    )


def instance(value: object, kind: type[T], *, field: str) -> T:
    """Return *value* if it is a *kind*; the one "value of the wrong type" rule.

    >>> instance("tone", int, field="score")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'score' must be an int (got 'tone')
    """
    if not isinstance(value, kind):
        raise _not_a(kind, value, field)
    return value


def instance_of(
    kind: type, *, optional: bool = False
) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    """Validator: a *kind* (or ``None`` when *optional*), checked by :func:`instance`.

    >>> import attrs
    >>> @attrs.frozen
    ... class Box:
    ...     size: int | None = attrs.field(validator=instance_of(int, optional=True))
    >>> Box("big")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'size' must be an int or None (got 'big')
    """

    def check(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, kind) and not (optional and value is None):
            raise _not_a(kind, value, attribute.alias or attribute.name, optional=optional)

    return check


def check_item(item: object, kind: type, *, field: str, index: int) -> None:
    """Refuse *item*, entry *index* of the collection *field*, unless it is a *kind*.

    >>> check_item("tone", int, field="scores", index=0)
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'scores[0]' must be an int (got 'tone')
    """
    instance(item, kind, field=f"{field}[{index}]")


def distinct(keys: Iterable[object], *, field: str, what: str) -> None:
    """Refuse the first key of *keys* that comes again: ``'<field>' must not repeat <what>``.

    Raises:
        ValidationError: naming the repeated key (``.value``).

    >>> distinct(["gold", "base", "gold"], field="levels", what="a name")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'levels' must not repeat a name (got 'gold' twice)
    """
    seen: set[object] = set()
    for key in keys:
        if key in seen:
            raise ValidationError(
                f"'{field}' must not repeat {what} (got {shown(key)} twice)", field=field, value=key
            )
        seen.add(key)


def is_collection(value: object) -> TypeGuard[Iterable[Any]]:
    """Whether *value* is a collection of items: iterable, and not a single string.

    >>> is_collection(["vip"]), is_collection("vip"), is_collection(5)
    (True, False, False)
    """
    return isinstance(value, Iterable) and not isinstance(value, str | bytes)


def instances(value: object, kind: type[T], *, field: str) -> tuple[T, ...]:
    """Return a collection of *kind* values as a tuple, refusing a single value or a stray item.

    >>> instances([1, 2], int, field="scores")
    (1, 2)
    >>> instances("12", int, field="scores")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'scores' must be a collection of int values (got '12')
    """
    if type(value) is tuple:  # the common case, without the collection checks
        items: tuple[Any, ...] = value
    elif not is_collection(value):
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
    text(value, field=attribute.name)


def text_problem(value: object, most: int | None = MAX_ID_LENGTH) -> str | None:
    """What is wrong with *value* as a name or id (``None``: nothing); the one text rule.

    A name is a non-empty string of at most *most* characters (``None``: any
    length) without surrounding blanks. Document loaders put the problem at
    its path.

    >>> text_problem("vip"), text_problem(" vip"), text_problem("x" * 9, most=8)
    (None, "must not start or end with blanks (got ' vip')", 'must be at most 8 characters (got 9 characters)')
    """
    if (
        type(value) is str
        and value
        and value.strip() == value
        and (most is None or len(value) <= most)
    ):
        return None  # the common case, checked
    if not isinstance(value, str) or not value.strip():
        return f"must be a non-empty string (got {shown(value)})"
    if value != value.strip():
        return f"must not start or end with blanks (got {shown(value)})"
    if most is not None and len(value) > most:
        return f"must be at most {most} characters (got {len(value)} characters)"
    return None


def text(value: object, *, field: str, most: int | None = MAX_ID_LENGTH) -> str:
    """Return *value* if it is a name: see :func:`text_problem`.

    Raises:
        ValidationError: ``'<field>' must be a non-empty string (got ...)`` and the like.

    >>> text("", field="member")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'member' must be a non-empty string (got '')
    """
    problem = text_problem(value, most)
    if problem is not None:
        raise ValidationError(f"'{field}' {problem}", field=field, value=value)
    return value  # type: ignore[return-value]  # a str: text_problem passed it (cast() is a call)


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
    if not is_collection(value):
        raise ValidationError(
            f"'{field}' must be a collection of strings, not a single value (got {value!r})",
            field=field,
            value=value,
        )
    items = tuple(value)  # check before hashing: a list inside is a bad item, not a TypeError
    for index, item in enumerate(items):
        text(item, field=f"{field}[{index}]", most=None)
    return frozenset(items)
