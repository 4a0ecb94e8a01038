"""The REST API's JSON exports as saved files: finding the pages, reading one at a time.

An export of the Zendesk API is a set of pages, each the body of one
response (``{"tickets": [...], "after_cursor": ..., "end_of_stream": ...}``),
saved as ``tickets.json``, ``tickets_2.json``, ... A page is read whole (one
page at a time, never the export at once) and its records come with the line
they start on, so an error names the file and the line. A file cut short or
otherwise not JSON is a :class:`~servicemodel.exceptions.RecordError` naming
the file and the line where reading stopped, never a ``JSONDecodeError``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Sequence
from typing import Any, Final

from ..._documents import MAX_DIGITS
from ...exceptions import RecordError
from ._columns import record_error

__all__ = ["JsonRefused", "load_json", "page_files", "page_records", "text_records"]

#: The most digits a JSON number may have (the document layer's bound): ids and
#: counts fit; a longer one is a typo or an attack, refused before it is built.
_MAX_DIGITS: Final = MAX_DIGITS


class JsonRefused(ValueError):
    """A JSON text that parses but must not be read (repeated key, huge number)."""


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise JsonRefused(f"the key {key!r} appears twice in one object")
            seen.add(key)
    return result


def _whole_number(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_DIGITS:
        raise JsonRefused(f"a number has more than {_MAX_DIGITS} digits ({text[:12]}...)")
    return int(text)


def _real_number(text: str) -> float:
    value = float(text)
    if len(text) > 4 * _MAX_DIGITS or value in (float("inf"), float("-inf")):
        raise JsonRefused(f"a number is out of range ({text[:12]}...)")
    return value


def _constant(text: str) -> float:
    raise JsonRefused(f"{text} is not a JSON number")


_DECODER: Final = json.JSONDecoder(
    object_pairs_hook=_no_repeats,
    parse_int=_whole_number,
    parse_float=_real_number,
    parse_constant=_constant,
)


def load_json(text: str) -> Any:
    """One JSON document, read by the rules of every Zendesk page.

    Refused (``ValueError``, with why): text that is not JSON, nesting too
    deep for the parser, a key repeated in one object, a number of more than
    30 digits or out of range, ``NaN`` and ``Infinity``.

    >>> load_json('{"a": [1, 2.5]}')
    {'a': [1, 2.5]}
    >>> load_json('{"a": 1, "a": 2}')
    Traceback (most recent call last):
    ...
    servicemodel.io.zendesk._pages.JsonRefused: the key 'a' appears twice in one object
    """
    try:
        found, end = _DECODER.raw_decode(text, _BLANK.match(text).end())  # type: ignore[union-attr]
    except RecursionError:
        raise JsonRefused("the JSON nests too deeply") from None
    if _BLANK.match(text, end).end() != len(text):  # type: ignore[union-attr]
        raise JsonRefused(f"text after the end of the JSON document (at character {end})")
    return found


_BLANK: Final = re.compile(r"[ \t\n\r]*")
_DIGITS: Final = re.compile(r"(\d+)")


def page_files(folder: str, stem: str) -> list[str]:
    """The page files of one export in *folder*, in page order.

    ``<stem>.json`` and ``<stem>_<anything>.json`` (or ``-``): ``tickets.json``,
    ``tickets_2.json``, ``audits_101.json``. Numbers sort as numbers, so
    ``tickets_10.json`` comes after ``tickets_9.json``.

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("tickets_10.json", "tickets_9.json", "tickets.json", "ticket_events.json"):
    ...     _ = (folder / name).write_text("{}")
    >>> [os.path.basename(p) for p in page_files(str(folder), "tickets")]
    ['tickets.json', 'tickets_9.json', 'tickets_10.json']
    """
    found = []
    for name in os.listdir(folder):
        if not name.endswith(".json"):
            continue
        base = name[: -len(".json")]
        if base == stem or base.startswith((stem + "_", stem + "-")):
            path = os.path.join(folder, name)
            if os.path.isfile(path):
                found.append(name)
    found.sort(key=lambda n: [int(p) if p.isdigit() else p for p in _DIGITS.split(n)])
    return [os.path.join(folder, name) for name in found]


def _malformed(file: str, text: str, position: int, why: str) -> RecordError:
    line = text.count("\n", 0, position) + 1
    return record_error(
        file,
        line,
        None,
        f"the JSON page is malformed or cut short ({why}); save the whole response body again",
    )


class _Page:
    """A scanner over one page's text that keeps the line of each record."""

    __slots__ = ("file", "line", "mark", "position", "text")

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.text = text
        self.position = 0
        self.line = 1
        self.mark = 0  # the line is counted up to here

    def blank(self) -> None:
        self.position = _BLANK.match(self.text, self.position).end()  # type: ignore[union-attr]

    def peek(self) -> str:
        self.blank()
        return self.text[self.position : self.position + 1]

    def expect(self, char: str) -> None:
        if self.peek() != char:
            found = self.text[self.position : self.position + 1] or "the end of the file"
            raise _malformed(
                self.file, self.text, self.position, f"expected {char!r}, got {found!r}"
            )
        self.position += 1

    def value(self) -> Any:
        self.blank()
        try:
            found, self.position = _DECODER.raw_decode(self.text, self.position)
        except json.JSONDecodeError as error:
            raise _malformed(self.file, self.text, error.pos, error.msg) from None
        except JsonRefused as error:
            raise _malformed(self.file, self.text, self.position, str(error)) from None
        except RecursionError:
            raise _malformed(self.file, self.text, self.position, "it nests too deeply") from None
        return found

    def line_here(self) -> int:
        self.line += self.text.count("\n", self.mark, self.position)
        self.mark = self.position
        return self.line

    def items(self) -> Iterator[tuple[int, Any]]:
        """The items of the list that starts here, each with the line it starts on."""
        self.expect("[")
        if self.peek() == "]":
            self.position += 1
            return
        while True:
            self.blank()
            line = self.line_here()
            yield line, self.value()
            if self.peek() == ",":
                self.position += 1
                continue
            self.expect("]")
            return


def page_records(path: str, keys: Sequence[str]) -> Iterator[tuple[str, int, Any]]:
    """``(key, line, record)`` for the records of the lists *keys* in the page at *path*.

    The page is ``{"<key>": [...], ...}`` (a response body, with sideloads
    such as ``"users"``) or a bare list of records of the first key. Other
    keys are read and left; the whole page must be JSON.

    Raises:
        RecordError: the file is not a JSON page (cut short, say), naming the
            file and the line where reading stopped.

    >>> import pathlib, tempfile
    >>> page = pathlib.Path(tempfile.mkdtemp()) / "tickets.json"
    >>> _ = page.write_text('{"tickets": [\\n {"id": 1},\\n {"id": 2}\\n], "end_of_stream": true}')
    >>> list(page_records(str(page), ["tickets"]))
    [('tickets', 2, {'id': 1}), ('tickets', 3, {'id': 2})]
    >>> _ = page.write_text('{"tickets": [\\n {"id": 1},\\n {"id": 2')
    >>> list(page_records(str(page), ["tickets"]))
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.RecordError: tickets.json line 3: the JSON page is malformed or cut short (...); save the whole response body again
    """
    file = os.path.basename(path)
    try:
        with open(path, encoding="utf-8") as stream:
            text = stream.read()
    except UnicodeDecodeError as error:
        raise record_error(file, 1, None, f"the JSON page must be UTF-8 text ({error})") from None
    return text_records(file, text, keys)


def text_records(file: str, text: str, keys: Sequence[str]) -> Iterator[tuple[str, int, Any]]:
    """:func:`page_records` of a page's text (*file* names it in errors)."""
    page = _Page(file, text)
    if text.startswith("\ufeff"):
        page.position = page.mark = 1  # a byte-order mark some tools write
    first = page.peek()
    if first == "[":
        for line, record in page.items():
            yield keys[0], line, record
    elif first == "{":
        page.position += 1
        if page.peek() == "}":
            page.position += 1
        else:
            seen: set[str] = set()
            while True:
                name = page.value()
                if not isinstance(name, str):
                    raise _malformed(file, text, page.position, "a key must be a string")
                if name in seen:
                    raise _malformed(
                        file, text, page.position, f"the key {name!r} appears twice in the page"
                    )
                seen.add(name)
                page.expect(":")
                if name in keys and page.peek() == "[":
                    for line, record in page.items():
                        yield name, line, record
                elif name in keys and not name.endswith("s") and page.peek() == "{":
                    page.blank()
                    line = page.line_here()
                    yield name, line, page.value()  # one record ({"audit": {...}})
                elif name in keys and page.value() is not None:  # null: none
                    raise _malformed(file, text, page.position, f"'{name}' must be a list")
                else:
                    page.value()
                if page.peek() == ",":
                    page.position += 1
                    continue
                page.expect("}")
                break
    else:
        raise _malformed(file, text, page.position, "a page is a JSON object or list")
    if page.peek():
        raise _malformed(file, text, page.position, "text after the end of the page")
