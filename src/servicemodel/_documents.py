"""The document layer: bounded reading of documents, problems with paths, one writer.

Every document kind (SLA policies, service models, loyalty programmes and
ledgers, QA rubrics, role profiles) is read here before a package structures
it. A source is a mapping, JSON or TOML text, UTF-8 bytes, or a path to a
``.json`` / ``.toml`` file. Before anything is built the plain data is checked
without recursion: its size, nesting, number of values, the magnitude of its
numbers, that its keys are strings and that no key is repeated. Problems are
collected with their path (``policies[2].targets.urgent``) in a
:class:`Problems` list, and a package raises its own
:class:`~servicemodel.exceptions.DocumentError` with all of them.

A package then structures the checked data with its own cattrs converter
(:mod:`servicemodel._structure`), whose errors become problems here.

Writing goes through :func:`write`: one TOML writer and one JSON writer for
every kind.

>>> problems = Problems()
>>> read('{"a": 1, "a": 2}', format=None, problems=problems) is None
True
>>> [str(p) for p in problems.items]
['a: must not be repeated (the key appears more than once in the JSON text)']
>>> print(write({"name": "x", "items": [{"n": 1}]}, format="toml"), end="")
name = "x"
<BLANKLINE>
[[items]]
n = 1
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import tomllib
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from ._time import duration_micros
from ._validators import shown
from .exceptions import Problem, ValidationError

__all__ = [
    "FORMATS",
    "MAX_DIGITS",
    "MAX_DOCUMENT_BYTES",
    "MAX_NESTING",
    "MAX_NODES",
    "Problems",
    "Source",
    "at",
    "check_format",
    "dump",
    "duration_text",
    "got",
    "join",
    "kind",
    "number_problem",
    "read",
    "strip_field",
    "whole",
    "write",
]

#: Largest document text (bytes of UTF-8) and file accepted.
MAX_DOCUMENT_BYTES = 1_000_000
#: Deepest nesting of objects and arrays, and most values, in one document.
MAX_NESTING = 32
MAX_NODES = 200_000
#: Most digits a number in a document may have (before and after the point).
MAX_DIGITS = 30
#: The formats a document is read from or written to.
FORMATS = ("toml", "json")
_MAX_PROBLEMS = 1_000
_LARGEST = 10**MAX_DIGITS

Format = Literal["toml", "json"]
#: What every ``load_x(source, *, format=None)`` reads: a mapping, JSON or TOML text, UTF-8 bytes, a path.
Source = Mapping[str, Any] | str | bytes | os.PathLike[str]


class Problems:
    """The problems found in one document, each with its path, in the order found.

    >>> problems = Problems()
    >>> problems.add("criteria[0].weight", "must be positive (got -1)")
    >>> [str(p) for p in problems.items]
    ['criteria[0].weight: must be positive (got -1)']
    """

    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def __len__(self) -> int:
        return len(self.items)

    def add(self, path: str, message: str) -> None:
        """Record one problem (after 1,000 of them, one last line says listing stopped)."""
        if len(self.items) < _MAX_PROBLEMS:
            self.items.append(Problem(path, message))
        elif len(self.items) == _MAX_PROBLEMS:
            self.items.append(Problem("", f"more than {_MAX_PROBLEMS} problems; stopped listing"))

    def extend(self, problems: Iterable[Problem], prefix: str = "") -> None:
        """Record problems found in an embedded document, under *prefix*."""
        for problem in problems:
            if not prefix:
                self.add(problem.path, problem.message)
            elif problem.path.startswith("["):
                self.add(prefix + problem.path, problem.message)
            else:
                self.add(f"{prefix}.{problem.path}" if problem.path else prefix, problem.message)


def strip_field(message: str, field: str | None) -> str:
    """Drop the leading ``'field' `` of a value's message (the path names the field).

    >>> strip_field("'points' must be positive (got 0)", "points")
    'must be positive (got 0)'
    """
    if field is not None and message.startswith(f"'{field}' "):
        return message[len(field) + 3 :]
    return message


def kind(value: object) -> str:
    """The document word for a value's type.

    >>> kind([1]), kind({}), kind(None)
    ('array', 'object', 'null')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float | Decimal):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    return type(value).__name__


def got(value: object) -> str:
    """``(got <kind> <value>)`` for a message; never raises.

    >>> got("x")
    "(got string 'x')"
    """
    return f"(got {kind(value)} {shown(value)})"


def join(path: str, key: object) -> str:
    """The path of *key* inside the object at *path*.

    >>> join("policies[0]", "targets"), join("", "a b")
    ('policies[0].targets', '["a b"]')
    """
    text = key if isinstance(key, str) else shown(key)
    simple = 0 < len(text) <= 64 and text.isascii() and all(c.isalnum() or c in "_-" for c in text)
    if simple:
        return f"{path}.{text}" if path else text
    return f"{path}[{json.dumps(text[:64], ensure_ascii=True)}]"


def at(path: str, index: int) -> str:
    """The path of item *index* of the array at *path*.

    >>> at("criteria", 2)
    'criteria[2]'
    """
    return f"{path}[{index}]"


def check_format(format: object, *, allowed: tuple[str, ...] = FORMATS) -> None:
    """Refuse a format name that is not one of *allowed*.

    >>> check_format("yaml")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'format' must be one of 'toml', 'json' (got 'yaml')
    """
    if format not in allowed:
        raise ValidationError(
            f"'format' must be one of {', '.join(map(repr, allowed))} (got {shown(format)})",
            field="format",
            value=format,
        )


# ------------------------------------------------------------------------------ values


def whole(value: object) -> int | None:
    """An integer, or a float with an integral value (JSON Schema's notion of an integer).

    >>> whole(3.0), whole(True), whole(2.5)
    (3, None, None)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def duration_text(value: _dt.timedelta) -> str:
    """A duration as a document writes it, which the one duration parser reads back exactly.

    >>> import pendulum
    >>> duration_text(pendulum.duration(days=1, hours=2, minutes=30))
    '1d2h30m'
    >>> duration_text(pendulum.duration(microseconds=5))
    'PT0.000005S'
    """
    micros = duration_micros(value)
    seconds, fraction = divmod(micros, 1_000_000)
    if fraction:
        return f"PT{seconds}.{fraction:06d}S"
    parts = []
    for unit, size in (("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


# ------------------------------------------------------------------------------ reading


class _Refused:
    """A value the parser met but must not build (a number with too many digits)."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


class _Repeated(dict[str, Any]):
    """A JSON object in which a key appeared more than once."""

    __slots__ = ("repeated",)


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    repeated: list[str] = []
    for key, value in pairs:
        if key in result:
            repeated.append(key)
        result[key] = value
    if not repeated:
        return result
    marked = _Repeated(result)
    marked.repeated = repeated  # type: ignore[attr-defined]
    return marked


def _within_digits(text: str) -> bool:
    """Whether number text has at most MAX_DIGITS digits before and after the point.

    Only the text is looked at (short of building a huge number): the point
    moves by the exponent, and leading zeros of the whole part do not count.
    """
    if len(text) > 4 * MAX_DIGITS:
        return False
    mantissa, _, exponent_text = text.lower().partition("e")
    exponent = int(exponent_text) if exponent_text else 0
    whole, _, fraction = mantissa.lstrip("+-").partition(".")
    whole = whole.lstrip("0")
    before = len(whole) + exponent if whole else 0
    after = len(fraction.rstrip("0")) - exponent
    return before <= MAX_DIGITS and after <= MAX_DIGITS


def _number_text(text: str, make: Callable[[str], Any]) -> Any:
    if text.lstrip("+-") in ("inf", "nan"):
        return _Refused(f"must be a finite number (got {text})")
    if not _within_digits(text):
        return _Refused(
            f"must be a number of at most {MAX_DIGITS} digits (got {_digits_shown(text)})"
        )
    return make(text)


def _digits_shown(text: str) -> str:
    return f"{text[:12]}... of {len(text)} characters" if len(text) > 24 else text


def _too_many_digits(syntax: str) -> str:
    return (
        f"invalid {syntax}: a number must have at most {MAX_DIGITS} digits "
        "(got one with more than 4300)"
    )


def read(
    source: object,
    *,
    format: str | None,
    problems: Problems,
    exact_numbers: bool = False,
) -> Mapping[str, Any] | None:
    """Read *source* into checked plain data, or record why that is impossible.

    *format* is ``"toml"``, ``"json"`` or ``None`` (a path's suffix decides,
    else text starting with ``{`` is JSON and other text TOML). With
    *exact_numbers* numbers with a point are read as :class:`~decimal.Decimal`.
    The result has passed every bound (size, depth, values, digits, string
    keys, no repeated keys); on any problem the result is ``None``.

    >>> problems = Problems()
    >>> read("a = 0x" + "f" * 4000, format=None, problems=problems) is None
    True
    >>> str(problems.items[0])
    'a: must be a number of at most 30 digits (got an integer of about 4817 digits)'
    """
    if format is not None:
        check_format(format)
    data = _source(source, format, problems, exact_numbers)
    if problems.items:
        return None
    if not isinstance(data, Mapping):
        problems.add("", f"must be an object (a table) at the top {got(data)}")
        return None
    if not _bounded(data, problems):
        return None
    return data


def _source(source: object, format: str | None, problems: Problems, exact: bool) -> object:
    if isinstance(source, Mapping):
        return source
    if isinstance(source, os.PathLike):
        return _read_file(Path(source), format, problems, exact)
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source[: MAX_DOCUMENT_BYTES + 1])
        if len(data) > MAX_DOCUMENT_BYTES:
            problems.add("", f"document must be at most {MAX_DOCUMENT_BYTES} bytes (got more)")
            return None
        return _decode(data, format, problems, exact)
    if isinstance(source, str):
        return _parse(source, format, problems, exact)
    problems.add(
        "",
        "document must be a mapping, JSON or TOML text, bytes, or a path to a .json or .toml "
        f"file {got(source)}",
    )
    return None


def _read_file(path: Path, format: str | None, problems: Problems, exact: bool) -> object:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as error:
        problems.add("", f"cannot read {str(path)!r}: {error.strerror or error}")
        return None
    if len(data) > MAX_DOCUMENT_BYTES:
        problems.add("", f"document must be at most {MAX_DOCUMENT_BYTES} bytes (got more)")
        return None
    if format is None:
        suffix = path.suffix.lower()
        format = "json" if suffix == ".json" else "toml" if suffix == ".toml" else None
    return _decode(data, format, problems, exact)


def _decode(data: bytes, format: str | None, problems: Problems, exact: bool) -> object:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.add("", f"document must be UTF-8 text ({error.reason} at byte {error.start})")
        return None
    return _parse(text, format, problems, exact)


def _parse(text: str, format: str | None, problems: Problems, exact: bool) -> object:
    if (
        len(text) > MAX_DOCUMENT_BYTES
        or len(text.encode("utf-8", "surrogatepass")) > MAX_DOCUMENT_BYTES
    ):
        problems.add(
            "", f"document must be at most {MAX_DOCUMENT_BYTES} bytes (got {len(text)} characters)"
        )
        return None
    if format is None:
        format = "json" if text.lstrip().startswith("{") else "toml"
    make_float: Callable[[str], Any] = Decimal if exact else float
    if format == "json":
        try:
            return json.loads(
                text,
                object_pairs_hook=_pairs,
                parse_int=lambda t: _number_text(t, int),
                parse_float=lambda t: _number_text(t, make_float),
                parse_constant=lambda t: _Refused(f"must be a finite number (got {t})"),
            )
        except json.JSONDecodeError as error:
            problems.add(
                "", f"invalid JSON: {error.msg} at line {error.lineno} column {error.colno}"
            )
        except RecursionError:
            problems.add("", f"document must not nest deeper than {MAX_NESTING} levels")
        return None
    try:
        return tomllib.loads(text, parse_float=lambda t: _number_text(t, make_float))
    except tomllib.TOMLDecodeError as error:
        hint = ""
        if "\n" not in text and text.strip().lower().endswith((".toml", ".json")):
            hint = "; to read a file pass a pathlib.Path, not a string"
        problems.add("", f"invalid TOML: {error}{hint}")
    except ValueError:  # a decimal integer past the interpreter's digit limit
        problems.add("", _too_many_digits("TOML"))
    except RecursionError:
        problems.add("", f"document must not nest deeper than {MAX_NESTING} levels")
    return None


def number_problem(value: object) -> str | None:
    """What is wrong with a number found in a document (too many digits, not finite), if anything.

    >>> number_problem(10**40)
    'must be a number of at most 30 digits (got an integer of about 41 digits)'
    >>> number_problem(Decimal("1e99999")) is not None, number_problem(Decimal("4.35"))
    (True, None)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else f"must be a finite number (got {value!r})"
    if isinstance(value, int):
        if -_LARGEST < value < _LARGEST:
            return None
        bits = value.bit_length()
        count = len(str(abs(value))) if bits < 10_000 else int(bits * math.log10(2)) + 1
        return f"must be a number of at most {MAX_DIGITS} digits (got an integer of about {count} digits)"
    if isinstance(value, Decimal):
        if not value.is_finite():
            return f"must be a finite number (got {shown(value)})"
        _sign, digits, exponent = value.as_tuple()
        assert isinstance(exponent, int)
        zeros = len(digits) - len(bytes(digits).rstrip(b"\x00")) if any(digits) else 0
        significant, exponent = len(digits) - zeros, exponent + zeros
        if significant + exponent > MAX_DIGITS or exponent < -MAX_DIGITS:
            return (
                f"must be a number of at most {MAX_DIGITS} digits before and after the point "
                f"(got one of {len(digits)} digits, exponent {exponent})"
            )
        return None
    if isinstance(value, Fraction):
        return number_problem(value.numerator) or number_problem(value.denominator)
    if isinstance(value, _Refused):
        return value.message
    return None


def _path(node: tuple[Any, object] | None) -> str:
    keys: list[object] = []
    while node is not None:
        node, key = node
        keys.append(key)
    text = ""
    for key in reversed(keys):
        text = at(text, key) if isinstance(key, int) else join(text, key)
    return text


def _bounded(data: Mapping[str, Any], problems: Problems) -> bool:
    """Check the document's shape without recursion before anything is built.

    A node is ``(parent node, key)``; paths are spelled out only for problems.
    """
    stack: list[tuple[object, int, tuple[Any, object] | None]] = [(data, 1, None)]
    nodes = 1
    ok = True
    while stack:
        value, depth, node = stack.pop()
        if isinstance(value, Mapping | list | tuple):
            if depth > MAX_NESTING:
                problems.add(_path(node), f"must not nest deeper than {MAX_NESTING} levels")
                return False
            nodes += len(value)
            if nodes > MAX_NODES:
                problems.add(
                    _path(node),
                    f"must not take the document past {MAX_NODES} values (got {len(value)} here)",
                )
                return False
            if not isinstance(value, Mapping):
                stack.extend((child, depth + 1, (node, i)) for i, child in enumerate(value))
                continue
            for repeated in getattr(value, "repeated", ()):
                problems.add(
                    _path((node, repeated)),
                    "must not be repeated (the key appears more than once in the JSON text)",
                )
                ok = False
            for key, child in value.items():
                if isinstance(key, str):
                    stack.append((child, depth + 1, (node, key)))
                else:
                    problems.add(_path(node), f"keys must be strings {got(key)}")
                    ok = False
        elif isinstance(value, str):
            if len(value) > MAX_DOCUMENT_BYTES:
                problems.add(_path(node), f"must be at most {MAX_DOCUMENT_BYTES} characters")
                return False
        else:
            message = number_problem(value)
            if message is not None:
                problems.add(_path(node), message)
                ok = False
    return ok


# ------------------------------------------------------------------------------ writing


def dump(
    document: dict[str, Any], *, format: str, inline: frozenset[str] = frozenset()
) -> str | dict[str, Any]:
    """*document* as TOML or JSON text (:func:`write`), or as it is (``"mapping"``).

    Every ``dump_x(value, *, format=...)`` ends here.

    >>> dump({"a": 1}, format="mapping")
    {'a': 1}
    >>> print(dump({"a": 1}, format="toml"), end="")
    a = 1
    """
    check_format(format, allowed=(*FORMATS, "mapping"))
    if format == "mapping":
        return document
    return write(document, format=format, inline=inline)


def write(document: Mapping[str, Any], *, format: str, inline: frozenset[str] = frozenset()) -> str:
    """Write plain data as TOML or JSON text that :func:`read` reads back.

    In TOML, objects become tables and arrays of objects arrays of tables,
    except under the keys in *inline*, which are written on one line.

    >>> print(write({"a": {"b": 1}, "c": [1, 2]}, format="toml"), end="")
    c = [1, 2]
    <BLANKLINE>
    [a]
    b = 1
    >>> write({"a": 1}, format="json")
    '{\\n  "a": 1\\n}\\n'
    """
    check_format(format)
    if format == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    lines: list[str] = []
    _table(document, [], lines, None, inline)
    return "\n".join(lines).lstrip("\n") + "\n"


def _key(key: str) -> str:
    if key and key.isascii() and all(c.isalnum() or c in "_-" for c in key):
        return key
    return _string(key)


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, Mapping):
        inner = ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _is_tables(value: object) -> bool:
    return (
        isinstance(value, list | tuple)
        and bool(value)
        and all(isinstance(v, Mapping) for v in value)
    )


def _table(
    table: Mapping[str, Any],
    prefix: list[str],
    lines: list[str],
    header: str | None,
    inline: frozenset[str],
) -> None:
    nested = [
        (k, v)
        for k, v in table.items()
        if k not in inline and (isinstance(v, Mapping) or _is_tables(v))
    ]
    tables = {k for k, _ in nested}
    plain = [(k, v) for k, v in table.items() if k not in tables]
    # A table holding only tables needs no header of its own (TOML defines it implicitly).
    if header is not None and (plain or not nested or header.startswith("[[")):
        lines.append("")
        lines.append(header)
    lines.extend(f"{_key(k)} = {_value(v)}" for k, v in plain)
    for key, value in nested:
        path = [*prefix, _key(key)]
        name = ".".join(path)
        if isinstance(value, Mapping):
            _table(value, path, lines, f"[{name}]", inline)
        else:
            for item in value:
                _table(item, path, lines, f"[[{name}]]", inline)
