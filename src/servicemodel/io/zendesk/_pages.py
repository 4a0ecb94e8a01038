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

from ...exceptions import RecordError
from ._columns import record_error

__all__ = ["page_files", "page_records"]

_DECODER: Final = json.JSONDecoder()
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
            while True:
                name = page.value()
                if not isinstance(name, str):
                    raise _malformed(file, text, page.position, "a key must be a string")
                page.expect(":")
                if name in keys and page.peek() == "[":
                    for line, record in page.items():
                        yield name, line, record
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
