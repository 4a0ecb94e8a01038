"""Shared machinery of the fuzzers: the law, the watchdog, the budget and the strategies.

The law every loader and reader is held to: a call either returns a value or
raises a :class:`~servicemodel.exceptions.ServiceModelError`; nothing else
escapes (no ``KeyError``, ``TypeError``, ``RecursionError``,
``UnicodeDecodeError``, ``OverflowError`` or foreign ``ValueError``), no call
runs longer than the watchdog allows, and a refused call changes nothing it
was given.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
import math
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from servicemodel.exceptions import ServiceModelError

T = TypeVar("T")

# ----------------------------------------------------------------------------- budget

#: Fuzz examples per test: twice the active profile's ``max_examples``
#: (200 under ``ci`` and ``default``, 4,000 under ``thorough``); ``scale``
#: trims the budget of the fuzzers fed unstructured input.
FUZZ_FACTOR = 2


def fuzz_settings(scale: float = 1.0) -> settings:
    """The fuzz budget derived from the active Hypothesis profile."""
    active = settings.default
    base = active.max_examples if active is not None else 100
    return settings(
        max_examples=max(10, int(base * FUZZ_FACTOR * scale)),
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


# ----------------------------------------------------------------------------- the law

#: Seconds one call may take before the watchdog calls it hung. Generous: the
#: machine is shared, and a real hang runs forever, not for a few seconds.
WATCHDOG_SECONDS = 10.0


class Hung(BaseException):  # a BaseException, so no ``except Exception`` swallows it
    """The watchdog fired: the call under test ran past its wall-clock allowance."""


@contextlib.contextmanager
def watchdog(seconds: float = WATCHDOG_SECONDS) -> Iterator[None]:
    """Raise :class:`Hung` inside the block if it runs longer than *seconds*.

    Uses ``SIGALRM`` on the main thread; elsewhere it checks the elapsed
    time afterwards (a true hang then shows as a hung test run instead).
    """
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    started = time.monotonic()
    if not usable:
        yield
        if time.monotonic() - started > seconds:
            raise Hung(f"the call took {time.monotonic() - started:.1f} s")
        return

    def fire(signum: int, frame: object) -> None:
        raise Hung(f"the call ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def obeys_law(call: Callable[[], T]) -> T | ServiceModelError:
    """Run *call* under the watchdog; return its value or the library error it raised.

    Any other exception propagates and fails the test, with the input shown
    by Hypothesis. The recursion limit is left as it is: an input that drives
    the code past it must be turned into a library error by the code itself.
    """
    with watchdog():
        try:
            return call()
        except ServiceModelError as error:
            caught = error
    assert str(caught), "a library error must say what is wrong"
    return caught


def snapshot(value: object) -> bytes:
    """A comparable picture of a (JSON-like, possibly NaN-holding) input."""
    return pickle.dumps(value)


@contextlib.contextmanager
def any_digits() -> Iterator[None]:
    """Let the test itself write integers of any length (the loaders keep the limit)."""
    previous = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(previous)


# ----------------------------------------------------------------------------- raw strategies

_LONG = "x" * 100_000

#: Scalars that break naive code: huge and tiny numbers, NaN, control
#: characters, lone surrogates, a BOM, naive and aware datetimes, ...
tricky_scalars: st.SearchStrategy[object] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from(
        [
            0,
            -1,
            1,
            2**31,
            2**63,
            -(2**63) - 1,
            10**30,
            -(10**30),
            10**400,
            10**5000,  # past int-to-text conversion limits
        ]
    ),
    st.floats(),
    st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 1e308, 5e-324]),
    st.text(max_size=20),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\ufeff",
            "\ud800",
            "\udfff\ud800",
            "NaN",
            "Infinity",
            "-Infinity",
            "1e400",
            "9" * 5000,
            "0/0",
            "1/0",
            "-1",
            "PT0S",
            "P1000000Y",
            "99999999999h",
            "2024-06-10",
            "2024-06-10T09:00:00",
            "2024-06-10T09:00:00Z",
            "2024-06-10T09:00:00+25:00",
            "9999-12-31T23:59:59+14:00",
            "0001-01-01T00:00:00-14:00",
            "Europe/Nowhere",
            "../../etc/passwd",
            _LONG,
        ]
    ),
    st.sampled_from(
        [
            dt.datetime(2024, 6, 10, 9, 0),  # naive
            dt.datetime(2024, 6, 10, 9, 0, tzinfo=dt.UTC),
            dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=-12))),
            dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=14))),
            dt.date(2024, 6, 10),
            dt.time(9, 0),
            Decimal("NaN"),
            Decimal("1E+400"),
        ]
    ),
)


def json_scalars() -> st.SearchStrategy[object]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.sampled_from([10**30, -(10**30), 2**63, 10**400]),
        st.floats(),
        st.text(max_size=30),
        st.sampled_from(["", "\x00", "\ufeff", "\ud800", "2024-06-10T09:00:00", _LONG[:5000]]),
    )


def json_trees(keys: st.SearchStrategy[str], max_leaves: int = 40) -> st.SearchStrategy[object]:
    """Arbitrary JSON-like trees whose keys lean towards a format's own names."""
    return st.recursive(
        json_scalars(),
        lambda inner: st.one_of(
            st.lists(inner, max_size=5), st.dictionaries(keys, inner, max_size=5)
        ),
        max_leaves=max_leaves,
    )


def key_names(*names: str) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(names), st.text(max_size=10))


def deep_text(depth: int, open_: str = "[", close: str = "]", prefix: str = "") -> str:
    return prefix + open_ * depth + close * depth


def deep_value(depth: int) -> object:
    value: object = []
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


#: Hostile whole texts: not the format at all, or the format pushed past its limits.
hostile_texts: st.SearchStrategy[str] = st.one_of(
    st.text(max_size=200),
    st.sampled_from(
        [
            "",
            "\x00",
            "\ufeff",
            "\ufeff{}",
            "{}",
            "[]",
            "null",
            "NaN",
            "Infinity",
            "-Infinity",
            "1e400",
            '"text"',
            "9" * 5000,
            '{"a": 1, "a": 2}',
            '{"a": NaN, "b": Infinity, "c": -Infinity}',
            '{"a": 1e999}',
            '{"a": ' + "9" * 5000 + "}",
            '{"a": "\\ud800"}',
            "a = 1\na = 2\n",
            "[t]\n[t]\n",
            "a.b = 1\n[a]\nb = 2\n",
            "a = inf\nb = nan\nc = -inf\n",
            "a = 0x7fffffffffffffffffffffff\n",
            "a = 1979-05-27T07:32:00\nb = 1979-05-27\nc = 07:32:00\n",
            'a = """\n\x00"""\n',
            "a = [1, 'x', {b = 1}, [[[[]]]]]\n",
            '"\\u0000" = 1\n',
            "[[a]]\n[a.b]\n[[a]]\n",
            "x = {a = 1, a = 2}\n",
            "a = 99999999999999999999\n",
            deep_text(100_000),
            deep_text(100_000, "{", "}"),
            deep_text(100_000, '{"a":', "}"),
            deep_text(100_000, prefix="a = "),
            deep_text(100_000, "{a=", "}", prefix="x = "),
            "a = [" * 5000,
            "[" * 100 + "]" * 100,
            "x = " + "[" * 1000 + "]" * 1000 + "\n",
            _LONG,
            "name = '" + _LONG + "'\n",
        ]
    ),
)

#: Hostile bytes: invalid UTF-8, BOMs, UTF-16, NULs.
hostile_bytes: st.SearchStrategy[bytes] = st.one_of(
    st.binary(max_size=200),
    st.sampled_from(
        [
            b"",
            b"\xff\xfe{\x00}\x00",
            b"\xef\xbb\xbf{}",
            b"\xef\xbb\xbfname = 'x'\n",
            b"\x80",
            b"\xc3",
            b"\xed\xa0\x80",  # an encoded surrogate
            b'{"a": "\xff"}',
            b"a = '\xfe'\n",
            b"\x00" * 100,
        ]
    ),
    hostile_texts.map(lambda s: s.encode("utf-8", "surrogatepass")),
)


# ----------------------------------------------------------------------------- mutation


def nodes(value: object, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, Mapping):
        for key, item in value.items():
            found.extend(nodes(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(nodes(item, (*path, index)))
    return found


def _other_kind(value: object) -> list[object]:
    """Values of another type than *value*, with its content where that is possible."""
    with any_digits():
        text = str(value)[:100]
    options: list[object] = [None, [value], {"value": value}, text]
    if isinstance(value, bool):
        options += [int(value), str(value).lower()]
    elif isinstance(value, int):
        options += [text, -value, value * 10**12, True, 0]
        if abs(value) < 2**1000:
            options.append(float(value))
    elif isinstance(value, float):
        options += [math.nan, math.inf, int(value) if math.isfinite(value) else 0]
    elif isinstance(value, str):
        options += [
            value + "x",
            value.upper(),
            " " + value,
            value.replace("+", "-").replace("Z", ""),
            value[: len(value) // 2],
        ]
        if value[:4].isdigit() and "T" in value:  # an instant: make it naive or nonsense
            options += [value[:19], value[:10], value[:19] + "+99:00"]
    elif isinstance(value, list):
        options += [value * 2, value[:1], list(reversed(value)), {}]
    elif isinstance(value, Mapping):
        options += [list(value.values()), list(value), {}]
    return options


@st.composite
def mutated(draw: st.DrawFn, document: object, unknown_keys: tuple[str, ...] = ()) -> object:
    """*document* changed in one to four places, the way a careless editor would."""
    result = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 4))):
        paths = nodes(result)
        path = draw(st.sampled_from(paths))
        if not path:
            if isinstance(result, Mapping):
                key = draw(st.sampled_from([*unknown_keys, "colour", ""]))
                result[key] = draw(tricky_scalars)  # type: ignore[index]
            continue
        parent: Any = result
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        current = parent[last]
        action = draw(
            st.sampled_from(["delete", "retype", "tricky", "add_key", "duplicate", "swap"])
        )
        if action == "delete":
            del parent[last]
        elif action == "retype":
            parent[last] = draw(st.sampled_from(_other_kind(current)))
        elif action == "tricky":
            parent[last] = draw(tricky_scalars)
        elif action == "add_key":
            target = current if isinstance(current, dict) else parent
            if isinstance(target, dict):
                name = draw(st.sampled_from([*unknown_keys, "colour", "", "\x00", "type"]))
                target[name] = draw(st.one_of(tricky_scalars, st.just(copy.deepcopy(current))))
            else:
                target.append(copy.deepcopy(current))
        elif action == "duplicate" and isinstance(parent, list):
            parent.insert(last, copy.deepcopy(current))
        elif action == "swap":
            siblings = list(parent) if isinstance(parent, dict) else list(range(len(parent)))
            other = draw(st.sampled_from(siblings))
            parent[last], parent[other] = parent[other], current
    return result


# ----------------------------------------------------------------------------- writing


def to_json(value: object) -> str:
    """JSON text of a mutated tree (NaN and Infinity as their JavaScript literals)."""
    with any_digits():
        return json.dumps(value, default=_json_default, allow_nan=True)


def _json_default(value: object) -> object:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _toml_string(text: str) -> str:
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\ufffd")  # TOML cannot carry a lone surrogate
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _toml_value(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if abs(value) < 2**63 else _toml_string(str(value)[:100])
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        parts = [
            f"{_toml_string(str(k))} = {text}"
            for k, v in value.items()
            if (text := _toml_value(v)) is not None
        ]
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(t for v in value if (t := _toml_value(v)) is not None) + "]"
    return _toml_string(str(value))


def to_toml(value: Mapping[str, Any]) -> str:
    """TOML text of a mutated tree: one ``key = inline value`` line per top-level key.

    TOML has no null, so keys holding ``None`` are left out (which is itself a
    deletion, another mutation).
    """
    lines = []
    with any_digits():
        for key, item in value.items():
            text = _toml_value(item)
            if text is not None:
                lines.append(f"{_toml_string(str(key))} = {text}")
    return "\n".join(lines) + "\n"
