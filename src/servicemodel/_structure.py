"""The document layer's structuring half: a cattrs converter per package, problems with paths.

:mod:`servicemodel._documents` reads a document and checks its plain data
(bounds, duplicate keys); a package then structures that data into its
classes with its own converter, made by :func:`converter` (unknown keys
refused, every error kept, strings and integers strict) and given hooks that
refuse a value by raising :class:`~servicemodel.exceptions.ValidationError`.
:func:`structure` turns cattrs' errors into :class:`~servicemodel._documents.Problems`
at their paths (``criteria[2].weight``), so a document's problems read the
same whichever package loads it.

A hook that reads a value of several parts (a policy, a calendar, a
condition) keeps what each part refuses in :class:`Refusals`, each at its key
or index, and raises them together; :func:`table`, :func:`member`,
:func:`sequence` and :func:`positive_duration` are the readers every package
shares (unknown and required keys, enum values, bounded arrays, durations).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs
import cattrs
import pendulum
from cattrs.errors import AttributeValidationNote, IterableValidationNote

from ._documents import Problems, at, got, join, strip_field
from ._time import parse_duration
from ._validators import integer_rule, is_integer, shown
from .exceptions import ValidationError

__all__ = [
    "Refusals",
    "converter",
    "member",
    "note",
    "positive_duration",
    "refuse",
    "sequence",
    "structure",
    "structure_items",
    "table",
]

T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)
#: Where a refusal lies inside the value being read: itself, a key or index, or a path of them.
Where = str | int | tuple[str | int, ...] | None
#: What a structure hook raises for a refused value (a group of them, or one).
REFUSED = (cattrs.BaseValidationError, ValidationError)


def refuse(rule: str, value: object) -> ValidationError:
    """The error a structure hook raises for *value*: the rule, then what it got.

    >>> str(refuse("must be a string", 7))
    'must be a string (got 7)'
    """
    return ValidationError(f"{rule} (got {shown(value)})", value=value)


def _text(value: object, _type: object) -> str:
    if not isinstance(value, str):
        raise refuse("must be a string", value)
    return value


def _integer(value: object, _type: object) -> int:
    if not is_integer(value):
        raise refuse(f"must be {integer_rule()}", value)
    return value


def _boolean(value: object, _type: object) -> bool:
    if not isinstance(value, bool):
        raise refuse("must be true or false", value)
    return value


def _as_written(value: object, _type: object) -> object:
    return value


def converter(*, strict: bool = True) -> cattrs.Converter:
    """A package's converter: unknown keys refused, every error kept, strings and integers strict.

    A string is never made from a number, nor an integer from text or a
    boolean, nor a boolean from anything else: the document must say what it
    means. With ``strict=False`` the
    values go as written to the classes' own converters and validators, which
    name the rule (``must be a non-empty string (got 5)``); a package then
    adds hooks only for what a document writes differently.

    >>> problems = Problems()
    >>> @attrs.frozen
    ... class Pair:
    ...     name: str
    ...     size: int = 1
    >>> structure(converter(), {"name": 7, "size": "2", "colour": 1}, Pair, problems)
    >>> for problem in problems.items:
    ...     print(problem)
    name: must be a string (got 7)
    size: must be an integer (got '2')
    colour: is not a known key; expected one of name, size
    """
    if not strict:
        made = cattrs.Converter(
            forbid_extra_keys=True, detailed_validation=True, prefer_attrib_converters=True
        )
        for plain in (str, int, bool):
            made.register_structure_hook(plain, _as_written)
        return made
    made = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    made.register_structure_hook(str, _text)
    made.register_structure_hook(int, _integer)
    made.register_structure_hook(bool, _boolean)
    # a document has no null to mean "none": an optional integer is an integer when given
    made.register_structure_hook_func(lambda hint: hint == int | None, _integer)
    return made


def structure(
    converter: cattrs.Converter, data: object, cls: type[T], problems: Problems, path: str = ""
) -> T | None:
    """*data* structured as *cls*, or ``None`` with every problem recorded at its path.

    A value's :class:`~servicemodel.exceptions.ValidationError`, raised by a
    hook or by a constructor, lands at the path of the value (its ``field``
    appended); a missing key is "is required"; an unknown key names the
    known ones.
    """
    try:
        return converter.structure(data, cls)
    except (cattrs.BaseValidationError, ValidationError, KeyError, TypeError) as error:
        _record(error, path, problems)
        return None


def structure_items(
    converter: cattrs.Converter, value: object, item: type[T], *, limit: int, what: str
) -> list[T]:
    """A structure hook's body for an array of tables: bounded, each item structured at its index.

    Raises:
        ValidationError: *value* is not an array, or holds more than *limit* items.
        cattrs.IterableValidationError: the items' errors, each noted with its index.
    """
    built: list[T] = []
    errors: list[Exception] = []
    for index, raw in enumerate(sequence(value, limit=limit, what=what)):
        try:
            if not isinstance(raw, Mapping):
                raise refuse("must be a table/object", raw)
            built.append(converter.structure(raw, item))
        except (cattrs.BaseValidationError, ValidationError, KeyError, TypeError) as error:
            note(error, index, item)
            errors.append(error)
    if errors:
        raise cattrs.IterableValidationError(f"While structuring {what}", errors, list)
    return built


class Refusals:
    """The refusals a structure hook finds inside one value, each at a key or index, raised together.

    A hook reads the parts of a value through :meth:`read` (or records a
    refusal with :meth:`add`) and ends with :meth:`check`, which raises them
    all as one cattrs error group; :func:`structure` then records each at
    its path.

    >>> def read_pair(value: object, _type: object) -> None:
    ...     refusals = Refusals()
    ...     refusals.add("weight", "must be positive (got 0)")
    ...     refusals.read("size", lambda v: sequence(v, limit=1, what="sizes"), [1, 2])
    ...     refusals.check()
    >>> made = converter()
    >>> made.register_structure_hook(complex, read_pair)
    >>> problems = Problems()
    >>> structure(made, {}, complex, problems, "criteria[2]")
    >>> [str(p) for p in problems.items]
    ['criteria[2].weight: must be positive (got 0)', 'criteria[2].size: must hold at most 1 sizes (got 2)']
    """

    __slots__ = ("errors",)

    def __init__(self) -> None:
        self.errors: list[Exception] = []

    def __len__(self) -> int:
        return len(self.errors)

    def add(self, where: Where, message: str) -> None:
        """Refuse the part at *where* (``None``: the value itself; a tuple: a key of a key) with *message*."""
        self.errors.append(_placed(ValidationError(message), where))

    def read(self, where: Where, read: Callable[[Any], T], value: object) -> T | None:
        """*read* (*value*), or ``None`` with its refusal kept at *where*."""
        try:
            return read(value)
        except REFUSED as error:
            self.errors.append(_placed(error, where))
            return None

    def record(self, problems: Problems, path: str = "") -> None:
        """Record every refusal found as a problem at its path under *path*."""
        for error in self.errors:
            _record(error, _noted(error, path), problems)

    def check(self) -> None:
        """Raise every refusal found, if there is one."""
        if self.errors:
            raise cattrs.ClassValidationError("While structuring", list(self.errors), object)


def _placed(error: Exception, where: Where) -> Exception:
    """*error* noted as found at *where*, a path of keys and indexes becoming nested groups."""
    parts = where if isinstance(where, tuple) else () if where is None else (where,)
    for depth, part in enumerate(reversed(parts)):
        if depth:
            error = cattrs.ClassValidationError("While structuring", [error], object)
        note(error, part, object)
    return error


def table(
    value: object,
    refusals: Refusals,
    *,
    allowed: tuple[str, ...],
    required: tuple[str, ...] = (),
    what: str,
) -> Mapping[str, Any]:
    """The known keys of the object *value*; its unknown and missing required keys are refused.

    Raises:
        ValidationError: *value* is not an object.
    """
    if not isinstance(value, Mapping):
        raise ValidationError(f"must be an object ({what}) {got(value)}", value=value)
    known: dict[str, Any] = {}
    for key, item in value.items():
        if key in allowed:
            known[key] = item
        else:
            refusals.add(key, f"is not a known key; expected one of {', '.join(allowed)}")
    for key in required:
        if key not in known:
            refusals.add(key, "is required")
    return known


def member(enum_type: type[E], value: object) -> E:
    """The member of *enum_type* whose value is *value*.

    >>> import enum
    >>> member(enum.Enum("Colour", {"RED": "red"}), "blue")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: must be one of 'red' (got string 'blue')
    """
    if isinstance(value, str):
        for found in enum_type:
            if found.value == value:
                return found
    allowed = ", ".join(repr(m.value) for m in enum_type)
    raise ValidationError(f"must be one of {allowed} {got(value)}", value=value)


def positive_duration(value: object) -> pendulum.Duration:
    """A positive duration written as text (``"4h"``, ``"PT30M"``), by the one duration parser.

    >>> positive_duration("1h30m")
    Duration(hours=1, minutes=30)
    """
    try:
        return parse_duration(value, field="duration")
    except ValidationError as error:
        raise ValidationError(strip_field(error.message, "duration"), value=value) from None


def sequence(value: object, *, limit: int, what: str) -> list[Any]:
    """The items of an array holding at most *limit* of them.

    >>> sequence([1, 2, 3], limit=2, what="numbers")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: must hold at most 2 numbers (got 3)
    """
    if not isinstance(value, list | tuple):
        raise ValidationError(f"must be an array of {what} {got(value)}", value=value)
    if len(value) > limit:
        raise ValidationError(f"must hold at most {limit} {what} (got {len(value)})", value=value)
    return list(value)


def note(error: BaseException, where: int | str, cls: object) -> None:
    """Mark *error* as found at an index (``[2]``) or key (``.empathy``) of the value being structured."""
    error.add_note(IterableValidationNote(f"Structuring @ {where!r}", where, cls))


def _record(error: BaseException, path: str, problems: Problems) -> None:
    """Every leaf of a structuring error, as a problem at its path."""
    if isinstance(error, cattrs.ForbiddenExtraKeysError):
        known = ", ".join(a.alias or a.name for a in attrs.fields(error.cl))
        for key in sorted(error.extra_fields):
            problems.add(join(path, key), f"is not a known key; expected one of {known}")
    elif isinstance(error, cattrs.BaseValidationError):
        for sub in error.exceptions:
            _record(sub, _noted(sub, path), problems)
    elif isinstance(error, KeyError):
        problems.add(path, "is required")  # the note named the missing key
    elif isinstance(error, ValidationError):
        where = join(path, error.field) if error.field else path
        problems.add(where, strip_field(error.message, error.field))
    else:  # a value of the wrong type reached a constructor
        _wrong_type(error, path, problems)


def _wrong_type(error: BaseException, path: str, problems: Problems) -> None:
    """attrs' ``instance_of`` refusal (message, attribute, type, value) at the attribute's path."""
    args = error.args
    if len(args) == 4 and isinstance(args[1], attrs.Attribute):
        kinds = args[2] if isinstance(args[2], tuple) else (args[2],)
        wanted = " or ".join(getattr(k, "__name__", str(k)) for k in kinds)
        problems.add(join(path, args[1].name), f"must be of type {wanted} (got {shown(args[3])})")
    else:
        problems.add(path, f"is not valid ({error})")


def _noted(error: BaseException, path: str) -> str:
    for found in getattr(error, "__notes__", ()):
        if isinstance(found, AttributeValidationNote):
            return join(path, found.name)
        if isinstance(found, IterableValidationNote):
            index = found.index
            return at(path, index) if isinstance(index, int) else join(path, index)
    return path
